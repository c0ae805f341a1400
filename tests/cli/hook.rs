//! `tkx hook`: real `git commit` and `git push` runs against installed hooks.

use crate::support::{TestEnv, stderr, stdout};
use std::fs;

fn token() -> String {
    format!("{}{}", "ghp_", "Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra")
}

/// A repository with one commit and tkx's hooks installed (also used by `slip_past`).
pub fn repo_with_hook() -> TestEnv {
    let env = TestEnv::git_repo();
    env.write("README.md", "# app\n");
    env.git(&["add", "README.md"]);
    env.git(&["commit", "-qm", "init"]);
    env.tkx(["hook", "install"]).assert().success();
    env
}

#[test]
fn a_commit_with_a_key_is_refused_and_nothing_is_committed() {
    let env = repo_with_hook();
    let before = env.head();
    env.write("app.py", format!("t = \"{}\"\n", token()));
    env.git(&["add", "app.py"]);
    let out = env.git_output(&["commit", "-qm", "add key"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("this commit carries secrets"), "{err}");
    assert!(err.contains("app.py:1:6: error[scan/github-token]"), "{err}");
    assert!(err.contains("--no-verify"), "{err}");
    assert!(!err.contains(&token()), "{err}");
    assert_eq!(env.head(), before);
}

#[test]
fn a_commit_with_an_env_file_is_refused() {
    let env = repo_with_hook();
    let before = env.head();
    env.write(".env", "PORT=8080\n");
    env.git(&["add", "-f", ".env"]);
    let out = env.git_output(&["commit", "-qm", "env"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains(".env: error[scan/env-file]"), "{}", stderr(&out));
    assert_eq!(env.head(), before);
}

#[test]
fn a_clean_commit_passes() {
    let env = repo_with_hook();
    env.write("app.py", "print('hello')\n");
    env.git(&["add", "app.py"]);
    let out = env.git_output(&["commit", "-qm", "clean"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn the_first_commit_is_checked_too() {
    let env = TestEnv::git_repo();
    env.tkx(["hook", "install"]).assert().success();
    env.write("app.py", format!("t = \"{}\"\n", token()));
    env.git(&["add", "app.py"]);
    assert!(!env.git_output(&["commit", "-qm", "first"]).status.success());
    assert_eq!(env.head(), None);
}

#[test]
fn a_foreign_hook_is_refused_then_chained_then_restored() {
    let env = TestEnv::git_repo();
    let hooks = env.project().join(".git/hooks");
    fs::create_dir_all(&hooks).unwrap();
    let mine = "#!/bin/sh\necho mine-ran >&2\n";
    fs::write(hooks.join("pre-commit"), mine).unwrap();
    env.chmod(&hooks.join("pre-commit"), 0o755);
    let out = env.tkx(["hook", "install"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--chain"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(hooks.join("pre-commit")).unwrap(), mine);
    assert!(!hooks.join("pre-push").exists(), "a refusal must leave nothing half-installed");
    env.tkx(["hook", "install", "--chain"]).assert().success();
    env.tkx(["hook", "status"]).assert().success().stdout(
        "pre-commit: installed, running the previous hook first\npre-push: installed\nhooks directory: "
            .to_owned()
            + &hooks.display().to_string()
            + "\n",
    );
    env.write("app.py", format!("t = \"{}\"\n", token()));
    env.git(&["add", "app.py"]);
    let out = env.git_output(&["commit", "-qm", "x"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("mine-ran"), "the chained hook runs first");
    env.tkx(["hook", "uninstall"]).assert().success();
    assert_eq!(fs::read_to_string(hooks.join("pre-commit")).unwrap(), mine);
    assert!(!hooks.join("pre-push").exists());
}

#[test]
fn install_is_idempotent_and_force_keeps_a_backup() {
    let env = TestEnv::git_repo();
    env.tkx(["hook", "install"]).assert().success();
    env.tkx(["hook", "install"]).assert().success();
    let hooks = env.project().join(".git/hooks");
    assert_eq!(fs::read_to_string(hooks.join("pre-commit")).unwrap(), include_str!("../../hooks/pre-commit"));
    env.tkx(["hook", "uninstall"]).assert().success();
    fs::write(hooks.join("pre-commit"), "#!/bin/sh\nexit 0\n").unwrap();
    env.tkx(["hook", "install", "--force"]).assert().success();
    assert_eq!(fs::read_to_string(hooks.join("pre-commit.tkx-backup")).unwrap(), "#!/bin/sh\nexit 0\n");
}

#[test]
fn core_hooks_path_is_honoured() {
    let env = TestEnv::git_repo();
    env.git(&["config", "core.hooksPath", ".githooks"]);
    env.tkx(["hook", "install"]).assert().success();
    assert!(env.project().join(".githooks/pre-commit").exists());
    env.write("app.py", format!("t = \"{}\"\n", token()));
    env.git(&["add", "app.py"]);
    assert!(!env.git_output(&["commit", "-qm", "x"]).status.success());
}

#[test]
fn linked_worktrees_share_the_hooks() {
    let env = repo_with_hook();
    let wt = env.root.join("wt");
    env.git(&["worktree", "add", "-q", wt.to_str().unwrap()]);
    fs::write(wt.join("app.py"), format!("t = \"{}\"\n", token())).unwrap();
    let git = |args: &[&str]| {
        let mut a = vec!["-C", wt.to_str().unwrap()];
        a.extend_from_slice(args);
        env.git_output(&a)
    };
    assert!(git(&["add", "app.py"]).status.success());
    let out = git(&["commit", "-qm", "x"]);
    assert!(!out.status.success(), "{}", stdout(&out));
    let status = env.tkx_in(&wt, ["hook", "status"]).output().unwrap();
    assert!(stdout(&status).starts_with("pre-commit: installed\n"), "{}", stdout(&status));
}

#[test]
fn a_baseline_lets_an_accepted_finding_through() {
    let env = repo_with_hook();
    env.write("fixture.py", format!("t = \"{}\"\n", token()));
    env.git(&["add", "fixture.py"]);
    env.tkx(["scan", "--staged", "--write-baseline"]).assert().success();
    env.git(&["add", ".tkx-baseline.json"]);
    let out = env.git_output(&["commit", "-qm", "accepted fixture"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn without_tkx_on_path_the_hook_fails_closed() {
    let env = repo_with_hook();
    env.write("a.txt", "x\n");
    env.git(&["add", "a.txt"]);
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "x"])
        .current_dir(env.project())
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", env.root.join("home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    if !std::path::Path::new("/usr/bin/git").exists() && !std::path::Path::new("/bin/git").exists() {
        eprintln!("skipping: git is not in /usr/bin or /bin");
        return;
    }
    assert!(!out.status.success());
    assert!(stderr(&out).contains("tkx is not on PATH"), "{}", stderr(&out));
}

#[test]
fn pre_push_refuses_commits_that_skipped_the_pre_commit_hook() {
    let env = repo_with_hook();
    let remote = env.root.join("remote.git");
    assert!(
        std::process::Command::new("git")
            .args(["init", "-q", "--bare", remote.to_str().unwrap()])
            .status()
            .unwrap()
            .success()
    );
    env.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    let out = env.git_output(&["push", "-q", "origin", "HEAD:refs/heads/main"]);
    assert!(out.status.success(), "{}", stderr(&out));
    env.write("app.py", format!("t = \"{}\"\n", token()));
    env.git(&["add", "app.py"]);
    assert!(env.git_output(&["commit", "-qm", "sneaky", "--no-verify"]).status.success());
    let out = env.git_output(&["push", "-q", "origin", "HEAD:refs/heads/main"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("this push carries secrets"), "{}", stderr(&out));
    assert!(stderr(&out).contains("app.py:1:6"), "{}", stderr(&out));
    // A new branch is checked against what the remote already has.
    let out = env.git_output(&["push", "-q", "origin", "HEAD:refs/heads/feature"]);
    assert!(!out.status.success());
}

#[test]
fn hook_run_with_files_scans_exactly_those_files() {
    let env = TestEnv::git_repo();
    env.write("a.py", format!("t = \"{}\"\n", token()));
    env.write("b.py", "x = 1\n");
    env.tkx(["hook", "run", "b.py"]).assert().code(0);
    env.tkx(["hook", "run", "a.py", "b.py"]).assert().code(1);
}
