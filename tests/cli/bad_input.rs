//! Bad input gets a clear message naming the file, never a panic, and loses nothing.

use crate::support::{TestEnv, stderr};
use predicates::prelude::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;

#[test]
fn a_directory_named_env() {
    let env = TestEnv::new();
    fs::create_dir(env.project().join(".env")).unwrap();
    env.tkx(["env"]).assert().success().stderr(predicate::str::contains(
        ".env: warning[envfile/unreadable]: is a directory, not an env file; skipped",
    ));
    env.tkx(["-f", ".env", "env"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tkx: .env: is a directory"));
}

#[test]
fn an_unreadable_env_file() {
    let env = TestEnv::new();
    let p = env.write(".env", "A=1\n");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&p).is_ok() {
        eprintln!("skipping: running as a user who can read mode-000 files (root)");
        return;
    }
    env.tkx(["env"])
        .assert()
        .success()
        .stderr(predicate::str::contains("cannot read: permission denied; skipped"));
    env.tkx(["-f", ".env", "env"]).assert().code(2);
    env.tkx(["-f", ".env", "exec", "--", "true"]).assert().code(125);
}

#[test]
fn a_huge_file_is_refused_with_bounded_memory() {
    let env = TestEnv::new();
    let p = env.project().join(".env");
    let f = fs::File::create(&p).unwrap();
    f.set_len(100 * 1024 * 1024).unwrap(); // sparse: 100 MB of NULs without using the disk
    env.tkx(["env"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tkx: .env: larger than 16 MiB, the limit for env files"));
    env.tkx(["exec", "--", "true"]).assert().code(125);
}

#[test]
fn an_endless_explicit_file_is_cut_off() {
    let env = TestEnv::new();
    env.tkx(["-f", "/dev/zero", "env"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("larger than 16 MiB"));
}

#[test]
fn invalid_utf8_is_fatal_and_names_line_and_column() {
    let env = TestEnv::new();
    env.write(".env", b"A=1\nB=caf\xe9\nC=3\n");
    env.tkx(["env"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tkx: .env:2:6: not valid UTF-8"))
        .stderr(predicate::str::contains("hint: tkx does not guess encodings"));
    env.tkx(["exec", "--", "echo", "ran"]).assert().code(125).stdout("");
}

#[test]
fn binary_garbage_never_panics() {
    let env = TestEnv::new();
    let mut garbage = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..100_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        garbage.push((x >> 16) as u8);
    }
    env.write(".env", &garbage);
    let out = env.tkx(["env"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("panicked"));
    // The same bytes made valid UTF-8: warnings, never a panic.
    env.write(".env", String::from_utf8_lossy(&garbage).as_bytes());
    let out = env.tkx(["env"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn a_nul_byte_line_is_skipped_not_fatal() {
    let env = TestEnv::new();
    env.write(".env", b"A=1\nB=x\0y\nC=3\n");
    env.tkx(["exec", "--", "sh", "-c", "echo $A${B-unset}$C"])
        .assert()
        .success()
        .stdout("1unset3\n")
        .stderr(predicate::str::contains(".env:2:4: warning[envfile/nul-byte]"));
}

#[test]
fn an_unterminated_quote_does_not_swallow_the_file() {
    let env = TestEnv::new();
    env.write(".env", "A=\"never closed\nB=2\nC='x'\n");
    env.tkx(["exec", "--", "sh", "-c", "echo ${A-unset} $B $C"])
        .assert()
        .success()
        .stdout("unset 2 x\n")
        .stderr(predicate::str::contains(
            ".env:1:3: warning[envfile/unterminated-quote]: unterminated double quote in the value of A",
        ));
}
