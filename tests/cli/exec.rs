//! `tkx exec`: the child gets the environment, and everything else is the child's own.

use crate::support::{TestEnv, assert_no_leak, stderr, stdout};
use predicates::prelude::*;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

const KEY: &str = "sk-proj-EXECtestKEY0123456789abcdefXYZ";

fn project() -> TestEnv {
    let env = TestEnv::new();
    env.write(".env", format!("OPENAI_PAT={KEY}\nPORT=8080\nEMPTY=\n"));
    env
}

#[test]
fn child_sees_the_resolved_variables() {
    let env = project();
    let out = env
        .tkx(["exec", "--", "sh", "-c", "printf '%s|%s|%s' \"$OPENAI_PAT\" \"$PORT\" \"${EMPTY-unset}\""])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{KEY}|8080|"));
}

#[test]
fn tkx_adds_no_variables_of_its_own() {
    let env = project();
    let out = env.tkx(["exec", "--", "env"]).output().unwrap();
    let mut keys: Vec<String> =
        stdout(&out).lines().filter_map(|l| l.split_once('=').map(|(k, _)| k.to_owned())).collect();
    keys.sort();
    assert_eq!(keys, ["EMPTY", "HOME", "OPENAI_PAT", "PATH", "PORT", "TKX_DIR"]);
}

#[test]
fn exit_codes_pass_through() {
    let env = project();
    for code in [0, 1, 2, 3, 42, 255] {
        env.tkx(["exec", "--", "sh", "-c", &format!("exit {code}")]).assert().code(code);
    }
}

#[test]
fn command_not_found_is_127_and_not_executable_is_126() {
    let env = project();
    env.tkx(["exec", "--", "no-such-command-tkx"])
        .assert()
        .code(127)
        .stderr(predicate::str::contains("tkx: no-such-command-tkx: command not found"));
    let script = env.write("script.sh", "#!/bin/sh\necho hi\n");
    env.tkx(["exec", "--"])
        .arg(&script)
        .assert()
        .code(126)
        .stderr(predicate::str::contains("permission denied"));
    env.tkx(["exec", "--", "./missing.sh"]).assert().code(127);
}

#[test]
fn death_by_signal_is_seen_as_the_signal() {
    use std::os::unix::process::ExitStatusExt;
    let env = project();
    let out = env.tkx(["exec", "--", "sh", "-c", "kill -9 $$"]).output().unwrap();
    assert_eq!(out.status.signal(), Some(9));
    // Through a shell, that is the conventional 128+N.
    let tkx = assert_cmd::cargo::cargo_bin!("tkx");
    let out = env
        .tkx(["exec", "--", "sh", "-c"])
        .arg(format!("'{}' exec -- sh -c 'kill -15 $$'; echo $?", tkx.display()))
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim(), "143");
}

#[test]
fn sigterm_reaches_the_child() {
    let env = project();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("tkx"))
        .current_dir(env.project())
        .env("TKX_DIR", env.tkx_dir())
        .args([
            "exec",
            "--",
            "sh",
            "-c",
            "trap 'echo got-term; exit 42' TERM; echo ready; while :; do sleep 0.05; done",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "ready");
    let kill = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(42));
    assert_eq!(lines.next().unwrap().unwrap(), "got-term");
}

#[test]
fn stdin_passes_through() {
    let env = project();
    env.tkx(["exec", "--", "cat"])
        .write_stdin("line 1\nline 2\n")
        .assert()
        .success()
        .stdout("line 1\nline 2\n");
}

#[test]
fn argv_passes_through_exactly() {
    let env = project();
    env.tkx(["exec", "--", "printf", "[%s]", "a b", "", "ünï ☃", "--", "-x", "$OPENAI_PAT"])
        .assert()
        .success()
        .stdout("[a b][][ünï ☃][--][-x][$OPENAI_PAT]");
    // Without `--` too: flags after the command are the command's.
    env.tkx(["exec", "printf", "%s", "-v"]).assert().success().stdout("-v");
}

#[test]
fn require_refuses_with_125_naming_every_missing_key() {
    let env = project();
    let out = env.tkx(["exec", "--require", "OPENAI_PAT,NOPE,EMPTY", "--", "echo", "ran"]).output().unwrap();
    assert_eq!(out.status.code(), Some(125));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.contains("missing keys required by --require: NOPE, EMPTY (set but empty)"), "{err}");
    assert!(err.contains("searched: process,"), "{err}");
    assert!(err.contains(".env"), "{err}");
    assert_no_leak(&out, KEY);
    env.tkx(["exec", "--require", "OPENAI_PAT,PORT", "--", "true"]).assert().code(0);
}

#[test]
fn only_limits_the_file_keys_but_not_the_process_environment() {
    let env = project();
    env.tkx(["exec", "--only", "PORT", "--", "sh", "-c", "echo \"${OPENAI_PAT-unset} $PORT $HOME\""])
        .assert()
        .success()
        .stdout(format!("unset 8080 {}\n", env.root.join("home").display()));
}

#[test]
fn pure_starts_from_a_minimal_environment() {
    let env = project();
    env.tkx(["exec", "--pure", "--", "env"])
        .env("SOME_STALE_THING", "x")
        .env("LC_ALL", "C")
        .assert()
        .success()
        .stdout(predicate::str::contains("SOME_STALE_THING").not())
        .stdout(predicate::str::contains("TKX_DIR").not())
        .stdout(predicate::str::contains("LC_ALL=C"))
        .stdout(predicate::str::contains("PORT=8080"))
        .stdout(predicate::str::contains("PATH="));
}

#[test]
fn strict_checks_the_example() {
    let env = project();
    env.write(".env.example", "OPENAI_PAT=\nPORT=\nEMPTY=\n# optional\nTRACING=\n");
    env.tkx(["exec", "--strict", "--", "true"])
        .assert()
        .code(125)
        .stderr(predicate::str::contains("required by .env.example: EMPTY (set but empty)"));
    env.write(".env", format!("OPENAI_PAT={KEY}\nPORT=8080\nEMPTY=x\n"));
    env.tkx(["exec", "--strict", "--", "true"]).assert().code(0);
}

#[test]
fn file_errors_before_launch_are_125() {
    let env = project();
    env.tkx(["-f", "missing.env", "exec", "--", "echo", "ran"])
        .assert()
        .code(125)
        .stdout("")
        .stderr(predicate::str::contains("missing.env: no such file"));
    env.write(".env", b"A=\xff\n");
    env.tkx(["exec", "--", "echo", "ran"]).assert().code(125).stdout("");
}

#[test]
fn usage_errors_stay_2() {
    let env = project();
    env.tkx(["exec"]).assert().code(2);
    env.tkx(["exec", "--bogus", "--", "true"]).assert().code(2);
}

#[test]
fn a_value_too_long_for_execve_is_refused_clearly() {
    let env = TestEnv::new();
    env.write(".env", format!("BIG={}\n", "x".repeat(140 * 1024)));
    env.tkx(["exec", "--", "true"]).assert().code(125).stderr(predicate::str::contains(
        "BIG is 143364 bytes; Linux cannot pass an environment entry over 131072",
    ));
}

#[test]
fn a_broken_pipe_downstream_ends_the_child() {
    let env = project();
    // `yes` must die of SIGPIPE (not inherit an ignored SIGPIPE from tkx) for this to end.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("'{}' exec -- yes | head -n 2", assert_cmd::cargo::cargo_bin!("tkx").display()))
        .current_dir(env.project())
        .env("TKX_DIR", env.tkx_dir())
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "y\ny\n");
}

#[test]
fn the_shadowing_warning_names_both_origins() {
    let env = project();
    let stale = "sk-proj-STALEexported000000000000000";
    let out = env.tkx(["exec", "--", "printenv", "OPENAI_PAT"]).env("OPENAI_PAT", stale).output().unwrap();
    assert_eq!(stdout(&out), format!("{stale}\n"));
    let err = stderr(&out);
    assert!(err.contains("OPENAI_PAT from the process environment (sk-p**********0000"), "{err}");
    assert!(err.contains("hides a different value from .env:1"), "{err}");
    assert!(err.contains("--override"), "{err}");
    assert!(!err.contains(KEY) && !err.contains(stale), "{err}");
    // --override lets the file win, and -q silences the warning.
    env.tkx(["--override", "-q", "exec", "--", "printenv", "OPENAI_PAT"])
        .env("OPENAI_PAT", stale)
        .assert()
        .success()
        .stdout(format!("{KEY}\n"))
        .stderr("");
}

#[test]
fn a_placeholder_counts_as_missing_for_require_and_strict() {
    let env = project();
    env.write(".env", format!("OPENAI_PAT={KEY}\nANTHROPIC_API_KEY=your-key-here\nHF_TOKEN=sk-...\n"));
    env.write(".env.example", "OPENAI_PAT=\nHF_TOKEN=\n");
    let out = env.tkx(["exec", "--require", "OPENAI_PAT, ANTHROPIC_API_KEY", "--", "true"]).output().unwrap();
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("missing key required by --require: ANTHROPIC_API_KEY (a placeholder, at .env:2)"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("your-key-here"));
    let out = env.tkx(["exec", "--strict", "--", "true"]).output().unwrap();
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    assert!(stderr(&out).contains("HF_TOKEN (a placeholder, at .env:3)"), "{}", stderr(&out));
    assert_no_leak(&out, KEY);
}

#[test]
fn comma_lists_are_trimmed_and_unknown_only_keys_are_warned_about() {
    let env = project();
    let out = env.tkx(["exec", "--require", "OPENAI_PAT, PORT ,", "--", "true"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = env
        .tkx(["exec", "--only", " PORT, OPENAI_PTA", "--", "sh", "-c", "echo \"$PORT\""])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "8080\n");
    assert!(stderr(&out).contains("--only OPENAI_PTA: no file defines it"), "{}", stderr(&out));
}

#[test]
fn a_profile_without_a_file_is_a_warning_and_an_error_under_strict() {
    let env = project();
    env.write(".env.dev", "PORT=9090\n");
    let out = env.tkx(["-p", "devv", "exec", "--", "sh", "-c", "echo \"$PORT\""]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "8080\n");
    assert!(stderr(&out).contains("there is no .env.devv for this profile"), "{}", stderr(&out));
    let out = env.tkx(["-p", "devv", "exec", "--strict", "--", "true"]).output().unwrap();
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    let out = env.tkx(["-p", "dev", "exec", "--", "sh", "-c", "echo \"$PORT\""]).output().unwrap();
    assert_eq!(stdout(&out), "9090\n");
    assert!(!stderr(&out).contains("for this profile"), "{}", stderr(&out));
}
