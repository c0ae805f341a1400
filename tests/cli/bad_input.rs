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

/// A FIFO named `.env` (or `.tkx.toml`) never makes tkx wait for a writer: every
/// command says what it is and stops or skips it, in well under the timeout.
#[test]
fn a_fifo_named_like_an_env_file_never_blocks() {
    let env = TestEnv::git_repo();
    nix::unistd::mkfifo(&env.project().join(".env"), nix::sys::stat::Mode::S_IRWXU).unwrap();
    env.write("app.py", "print(1)\n");
    env.git(&["add", "app.py"]);
    // `scan` and the hook go on with their rules and say the user's own values were not
    // looked for.
    let tables: [(&[&str], &str, bool); 10] = [
        (&["env"], "", true),
        (&["get", "A"], "", true),
        (&["doctor"], "", true),
        (&["diff"], "", true),
        (&["scan"], "", false),
        (&["exec", "--", "true"], "", true),
        (&["rotate", "A"], "", true),
        (&["hook", "run"], "", false),
        (&["redact"], "x\n", true),
        (&["set", "A"], "v", true),
    ];
    for (args, stdin, stops) in tables {
        let out =
            env.tkx(args).write_stdin(stdin).timeout(std::time::Duration::from_secs(20)).output().unwrap();
        let err = stderr(&out) + &String::from_utf8_lossy(&out.stdout);
        assert!(out.status.code().is_some_and(|c| (c != 0) == stops), "`tkx {}`: {err}", args.join(" "));
        assert!(err.contains("FIFO"), "`tkx {}` does not say what .env is: {err}", args.join(" "));
    }
    // Named explicitly, a pipe is read: `-f <(op inject …)` is how people feed tkx.
    let out = env
        .process("bash")
        .args(["-c", &format!("{} -f <(printf 'A=piped\\n') get A", crate::support::tkx_path().display())])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "piped\n", "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_scan_that_cannot_read_a_file_says_so_and_fails() {
    let env = TestEnv::new();
    env.write("ok.py", "print(1)\n");
    nix::unistd::mkfifo(&env.project().join("pipe"), nix::sys::stat::Mode::S_IRWXU).unwrap();
    // A FIFO met in a walk is not a file to scan; named, it is refused aloud.
    env.tkx(["scan"]).timeout(std::time::Duration::from_secs(20)).assert().code(0);
    env.tkx(["scan", "pipe"]).timeout(std::time::Duration::from_secs(20)).assert().code(2).stderr(
        predicate::str::contains("tkx: error: pipe: a FIFO (named pipe), not a regular file; not scanned"),
    );
    let secret = env.write("secret.py", "key = 1\n");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&secret).is_ok() {
        eprintln!("skipping the permission half: running as a user who can read mode-000 files (root)");
        return;
    }
    env.tkx(["scan", "ok.py", "secret.py"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tkx: error: secret.py: permission denied; not scanned"));
}

/// Hostile expansion: doubling references (30 lines, under 1 KB, would expand to
/// gigabytes) and 60,000 unclosed `${X:-`. Loading stays bounded (run under a 1 GiB
/// address-space limit) and says which key was too long.
#[test]
fn hostile_expansion_is_bounded() {
    let env = TestEnv::new();
    let mut text = String::from("K0=0123456789abcdef\n");
    for i in 1..30 {
        text.push_str(&format!("K{i}=${{K{}}}${{K{}}}\n", i - 1, i - 1));
    }
    text.push_str(&format!("OPEN={}\n", "${X:-".repeat(60_000)));
    text.push_str("AFTER=still-loaded\n");
    env.write(".env", &text);
    let tkx = crate::support::tkx_path();
    let out = env
        .process("bash")
        .args(["-c", &format!("ulimit -v 1048576 && {} env --json", tkx.display())])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // 16 bytes doubled 13 times is 128 KiB, the most a child can receive: K14 is too long.
    assert!(
        err.contains(
            ".env:15:1: error[envfile/expansion-too-long]: the value of K14 expands to more than 128 KiB"
        ),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> =
        json["variables"].as_array().unwrap().iter().filter_map(|v| v["key"].as_str()).collect();
    assert!(keys.contains(&"K13") && !keys.contains(&"K14") && keys.contains(&"AFTER"), "{keys:?}");
}

#[test]
fn a_socket_named_env_is_refused_saying_what_it_is() {
    let env = TestEnv::new();
    let _listener = std::os::unix::net::UnixListener::bind(env.project().join(".env")).unwrap();
    env.tkx(["env"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".env: not a regular file but a socket"));
    env.tkx(["exec", "--", "true"]).assert().code(125);
}
