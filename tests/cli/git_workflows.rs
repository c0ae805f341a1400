//! The hooks and `scan --staged/--history` under real git workflows: the environment git
//! gives hooks (GIT_DIR, a temporary GIT_INDEX_FILE), linked worktrees, hooksPath
//! managers, merges, odd files, pushes and history ranges. Every test runs real git.

use crate::support::{TestEnv, assert_no_leak, stderr, stdout};
use std::fs;
use std::path::Path;
use std::process::Output;

fn token() -> String {
    format!("{}{}", "ghp_", "Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra")
}

/// How the token above is shown.
const MASKED: &str = "ghp_**********e2Ra";

fn keyed() -> String {
    format!("t = \"{}\"\n", token())
}

fn repo_with_hook() -> TestEnv {
    let env = TestEnv::git_repo();
    commit_file(&env, "README.md", "# app\n", "init");
    env.tkx(["hook", "install"]).assert().success();
    env
}

/// A commit (or push) refused for the token at `at` (`path:line:column`): the message names
/// the place, the rule and the masked value, never the value itself.
fn assert_refused(out: &Output, at: &str) {
    let err = stderr(out);
    assert!(!out.status.success(), "git should have refused:\n{err}");
    assert!(err.contains("carries secrets; it was stopped"), "{err}");
    assert!(err.contains(&format!("{at}: error[scan/github-token]")), "expected {at}:\n{err}");
    assert!(err.contains(MASKED), "{err}");
    assert_no_leak(out, &token());
}

fn assert_passed(out: &Output) {
    assert!(out.status.success(), "git should have passed:\n{}{}", stdout(out), stderr(out));
    assert_no_leak(out, &token());
}

/// git run in another directory (a linked worktree, a clone).
/// Writes `rel`, stages it and commits it (the hook, if installed, runs).
fn commit_file(env: &TestEnv, rel: &str, content: impl AsRef<[u8]>, message: &str) {
    env.write(rel, content);
    env.git(&["add", rel]);
    env.git(&["commit", "-qm", message]);
}

fn git_in(env: &TestEnv, dir: &Path, args: &[&str]) -> Output {
    let mut a = vec!["-C", dir.to_str().expect("utf-8 temp path")];
    a.extend_from_slice(args);
    env.git_output(&a)
}

fn head_in(env: &TestEnv, dir: &Path, rev: &str) -> String {
    stdout(&git_in(env, dir, &["rev-parse", rev])).trim().to_owned()
}

// --- what git hands the hook: GIT_INDEX_FILE, GIT_DIR ---------------------------------

#[test]
fn commit_all_checks_the_changes_it_stages_itself() {
    // `git commit -a` stages tracked changes into .git/index.lock and names it in
    // GIT_INDEX_FILE; .git/index still has the old content.
    let env = repo_with_hook();
    commit_file(&env, "app.py", "x = 1\n", "app");
    let before = env.head();
    env.write("app.py", format!("x = 1\n{}", keyed()));
    assert_refused(&env.git_output(&["commit", "-qam", "key"]), "app.py:2:6");
    assert_eq!(env.head(), before);
}

#[test]
fn commit_with_a_pathspec_checks_the_temporary_index() {
    // `git commit PATH` builds a temporary index (.git/next-index-*.lock) from HEAD plus
    // the working-tree PATH; the real index is not what gets committed.
    let env = repo_with_hook();
    commit_file(&env, "app.py", "x = 1\n", "app");
    let before = env.head();
    env.write("app.py", format!("x = 1\n{}", keyed()));
    assert_refused(&env.git_output(&["commit", "-qm", "key", "app.py"]), "app.py:2:6");
    assert_refused(&env.git_output(&["commit", "-qm", "key", "--include", "app.py"]), "app.py:2:6");
    assert_eq!(env.head(), before);
    // ... and a key that is only staged, in a file the pathspec leaves out, does not block it.
    env.write("app.py", "x = 2\n");
    env.write("other.py", keyed());
    env.git(&["add", "other.py"]);
    assert_passed(&env.git_output(&["commit", "-qm", "only app", "app.py"]));
    assert_ne!(env.head(), before);
}

#[test]
fn partial_staging_scans_the_staged_blob_not_the_working_tree() {
    let env = repo_with_hook();
    // The key is only in the working tree (as after `git add -p` of the other hunk).
    env.write("app.py", "x = 1\n");
    env.git(&["add", "app.py"]);
    env.write("app.py", format!("x = 1\n{}", keyed()));
    let out = env.git_output(&["commit", "-qm", "clean part"]);
    assert_passed(&out);
    let committed = stdout(&env.git_output(&["show", "HEAD:app.py"]));
    assert_eq!(committed, "x = 1\n");
    // The key is only in the index: the working tree no longer has it.
    env.git(&["add", "app.py"]);
    env.write("app.py", "x = 1\n");
    let before = env.head();
    assert_refused(&env.git_output(&["commit", "-qm", "staged key"]), "app.py:2:6");
    assert_eq!(env.head(), before);
    // `tkx scan --staged` agrees with the hook.
    let out = env.tkx(["scan", "--staged"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("app.py:2:6: error[scan/github-token]"), "{}", stdout(&out));
    assert_no_leak(&out, &token());
}

#[test]
fn amend_checks_what_the_amended_commit_adds() {
    let env = repo_with_hook();
    let before = env.head();
    env.write("app.py", keyed());
    env.git(&["add", "app.py"]);
    assert_refused(&env.git_output(&["commit", "-q", "--amend", "--no-edit"]), "app.py:1:6");
    assert_eq!(env.head(), before);
    env.write("app.py", "x = 1\n");
    env.git(&["add", "app.py"]);
    assert_passed(&env.git_output(&["commit", "-q", "--amend", "--no-edit"]));
    assert_ne!(env.head(), before);
}

#[test]
fn a_commit_from_a_subdirectory_reports_paths_from_the_root() {
    let env = repo_with_hook();
    env.write("src/deep/app.py", keyed());
    let sub = env.project().join("src/deep");
    assert!(git_in(&env, &sub, &["add", "app.py"]).status.success());
    let before = env.head();
    assert_refused(&git_in(&env, &sub, &["commit", "-qm", "x"]), "src/deep/app.py:1:6");
    assert_eq!(env.head(), before);
}

#[test]
fn a_linked_worktree_commit_all_is_checked() {
    // In a linked worktree git sets GIT_DIR to .git/worktrees/NAME and GIT_INDEX_FILE to
    // that worktree's index.lock.
    let env = repo_with_hook();
    let wt = env.root.join("wt");
    env.git(&["worktree", "add", "-q", wt.to_str().unwrap(), "-b", "wt"]);
    fs::write(wt.join("README.md"), format!("# app\n{}", keyed())).unwrap();
    let before = head_in(&env, &wt, "HEAD");
    assert_refused(&git_in(&env, &wt, &["commit", "-qam", "x"]), "README.md:2:6");
    assert_eq!(head_in(&env, &wt, "HEAD"), before);
    fs::write(wt.join("README.md"), "# app\nmore\n").unwrap();
    assert_passed(&git_in(&env, &wt, &["commit", "-qam", "clean"]));
    assert_ne!(head_in(&env, &wt, "HEAD"), before);
}

#[test]
fn install_from_a_linked_worktree_goes_to_the_common_hooks_dir() {
    let env = TestEnv::git_repo();
    commit_file(&env, "README.md", "# app\n", "init");
    let wt = env.root.join("wt");
    env.git(&["worktree", "add", "-q", wt.to_str().unwrap(), "-b", "wt"]);
    assert!(wt.join(".git").is_file(), "a linked worktree's .git is a file");
    env.tkx_in(&wt, ["hook", "install"]).assert().success();
    assert!(env.project().join(".git/hooks/pre-commit").exists());
    env.write("app.py", keyed());
    env.git(&["add", "app.py"]);
    assert_refused(&env.git_output(&["commit", "-qm", "x"]), "app.py:1:6");
}

#[test]
fn a_separate_git_dir_and_work_tree_are_found_through_git_dir() {
    // The "dotfiles" setup: `git --git-dir=~/.cfg --work-tree=~ commit`. The work tree has
    // no .git at all; git tells the hook where the repository is in GIT_DIR.
    let env = TestEnv::new();
    let gitdir = env.root.join("cfg.git");
    let work = env.project();
    let dotgit = |args: &[&str]| {
        let mut a = vec!["--git-dir", gitdir.to_str().unwrap(), "--work-tree", work.to_str().unwrap()];
        a.extend_from_slice(args);
        env.git_output(&a)
    };
    assert!(git_in(&env, &env.root, &["init", "-q", "--bare", gitdir.to_str().unwrap()]).status.success());
    assert!(dotgit(&["config", "core.bare", "false"]).status.success());
    fs::create_dir_all(gitdir.join("hooks")).unwrap();
    fs::write(gitdir.join("hooks/pre-commit"), include_str!("../../hooks/pre-commit")).unwrap();
    env.chmod(&gitdir.join("hooks/pre-commit"), 0o755);
    env.write(".bashrc", "alias ll='ls -l'\n");
    assert!(dotgit(&["add", ".bashrc"]).status.success());
    assert_passed(&dotgit(&["commit", "-qm", "bashrc"]));
    env.write(".bashrc", format!("alias ll='ls -l'\nexport GH_TOKEN={}\n", token()));
    assert!(dotgit(&["add", ".bashrc"]).status.success());
    assert_refused(&dotgit(&["commit", "-qm", "token"]), ".bashrc:2:17");
}

/// An exported `GIT_DIR` (a dotfiles setup over `$HOME`) does not take over a project
/// that is a repository of its own, nor one outside that work tree.
#[test]
fn an_exported_git_dir_does_not_take_over_a_nested_repository() {
    let env = TestEnv::git_repo();
    let dotfiles = env.root.join("cfg.git");
    assert!(git_in(&env, &env.root, &["init", "-q", "--bare", dotfiles.to_str().unwrap()]).status.success());
    env.write("app.py", keyed());
    env.git(&["add", "app.py"]);
    let staged = |dir: &Path| {
        env.tkx_in(dir, ["scan", "--staged"])
            .env("GIT_DIR", &dotfiles)
            .env("GIT_WORK_TREE", &env.root)
            .output()
            .unwrap()
    };
    let out = staged(&env.project());
    assert_eq!(out.status.code(), Some(1), "the project's own index: {}", stderr(&out));
    assert!(stdout(&out).contains("app.py:1:6"), "{}", stdout(&out));
    assert_no_leak(&out, &token());
    // Where no repository of its own is nearer, the exported one is the repository.
    let out = staged(&env.root);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
}

// --- hooks directories: core.hooksPath, husky, the pre-commit framework ----------------

#[test]
fn husky_hooks_path_is_refused_with_the_way_to_add_tkx() {
    // husky v9 sets core.hooksPath=.husky/_ and regenerates that directory; its scripts
    // run .husky/<name> found from their own file name, so a hook renamed aside by --chain
    // would silently run nothing.
    let env = TestEnv::git_repo();
    env.write(".husky/_/h", "#!/usr/bin/env sh\nn=$(basename \"$0\")\n");
    env.write(".husky/_/pre-commit", "#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"\n");
    env.write(".husky/pre-commit", "npm test\n");
    env.git(&["config", "core.hooksPath", ".husky/_"]);
    for args in [&["hook", "install"][..], &["hook", "install", "--chain"], &["hook", "install", "--force"]] {
        let out = env.tkx(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("husky"), "{}", stderr(&out));
        assert!(stderr(&out).contains(".husky/pre-commit"), "{}", stderr(&out));
        assert!(stderr(&out).contains("tkx hook run"), "{}", stderr(&out));
    }
    assert!(!env.project().join(".husky/_/pre-commit.tkx-chained").exists());
    assert!(!env.project().join(".husky/_/pre-push").exists());
    let status = env.tkx(["hook", "status"]).output().unwrap();
    assert_eq!(status.status.code(), Some(1), "{}", stdout(&status));
    assert!(
        stdout(&status).contains("pre-commit: not installed: add the line `tkx hook run` to "),
        "{}",
        stdout(&status)
    );
    // What the hint says works: husky runs .husky/pre-commit, which runs tkx.
    env.write(".husky/pre-commit", "# checks\ntkx hook run\n");
    // Plain `tkx hook run` in pre-push would check the index, not the push.
    env.write(".husky/pre-push", "tkx hook run\n");
    let status = env.tkx(["hook", "status"]).output().unwrap();
    assert_eq!(status.status.code(), Some(1), "{}", stdout(&status));
    assert!(
        stdout(&status).contains("pre-push: not installed: add the line `tkx hook run --hook pre-push"),
        "{}",
        stdout(&status)
    );
    env.write(".husky/pre-push", "tkx hook run --hook pre-push --push-args \"$@\"\n");
    let status = env.tkx(["hook", "status"]).output().unwrap();
    assert_eq!(status.status.code(), Some(0), "{}", stdout(&status));
    assert!(stdout(&status).contains("pre-commit: installed through husky"), "{}", stdout(&status));
    env.write(
        ".husky/_/h",
        "#!/bin/sh\nsh -e \"$(dirname \"$(dirname \"$0\")\")/$(basename \"$0\")\" \"$@\"\n",
    );
    env.chmod(&env.project().join(".husky/_/pre-commit"), 0o755);
    env.write("app.py", keyed());
    env.git(&["add", "app.py"]);
    assert_refused(&env.git_output(&["commit", "-qm", "x"]), "app.py:1:6");
    assert_eq!(env.head(), None);
}

#[test]
fn a_global_hooks_path_is_where_install_goes_and_it_says_so() {
    let env = TestEnv::git_repo();
    let global = env.root.join("home/.githooks");
    env.git(&["config", "--global", "core.hooksPath", global.to_str().unwrap()]);
    let out = env.tkx(["hook", "install"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(global.join("pre-commit").exists());
    assert!(!env.project().join(".git/hooks/pre-commit").exists());
    assert!(stderr(&out).contains("global"), "says the hooks apply to every repository: {}", stderr(&out));
    env.write("app.py", keyed());
    env.git(&["add", "app.py"]);
    assert_refused(&env.git_output(&["commit", "-qm", "x"]), "app.py:1:6");
}

#[test]
fn chain_with_an_existing_hook_in_core_hooks_path() {
    let env = TestEnv::git_repo();
    env.git(&["config", "core.hooksPath", ".githooks"]);
    env.write(".githooks/pre-commit", "#!/bin/sh\necho lint-ran >&2\n");
    env.chmod(&env.project().join(".githooks/pre-commit"), 0o755);
    env.tkx(["hook", "install"]).assert().code(2);
    env.tkx(["hook", "install", "--chain"]).assert().success();
    assert!(env.project().join(".githooks/pre-commit.tkx-chained").exists());
    env.write("app.py", keyed());
    env.git(&["add", "app.py"]);
    let out = env.git_output(&["commit", "-qm", "x"]);
    assert_refused(&out, "app.py:1:6");
    assert!(stderr(&out).contains("lint-ran"), "the chained hook runs first: {}", stderr(&out));
    // A failing chained hook stops the commit before tkx runs.
    env.write(".githooks/pre-commit.tkx-chained", "#!/bin/sh\necho lint-failed >&2\nexit 3\n");
    env.write("app.py", "x = 1\n");
    env.git(&["add", "app.py"]);
    let out = env.git_output(&["commit", "-qm", "x"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("lint-failed"), "{}", stderr(&out));
    assert_eq!(env.head(), None);
}

#[test]
fn the_pre_commit_framework_hook_is_chained_and_its_file_list_is_scanned() {
    // The framework installs a foreign .git/hooks/pre-commit; with `.pre-commit-hooks.yaml`
    // it calls `tkx hook run FILE…` with the staged files (working tree = index then).
    let env = TestEnv::git_repo();
    env.write(
        ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks:\n      - id: tkx\n        name: tkx\n        entry: tkx hook run\n        language: system\n",
    );
    let framework = "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\necho framework-ran >&2\n";
    env.write(".git/hooks/pre-commit", framework);
    env.chmod(&env.project().join(".git/hooks/pre-commit"), 0o755);
    env.tkx(["hook", "install"]).assert().code(2);
    env.tkx(["hook", "install", "--chain"]).assert().success();
    env.write("config/.env", "A=1\n");
    env.write("config/.env.example", "OPENAI_PAT=\n");
    env.write("app.py", keyed());
    let out = env.tkx(["hook", "run", "config/.env.example"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = env.tkx(["hook", "run", "config/.env", "app.py", "config/.env.example"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("config/.env: error[scan/env-file]"), "{}", stderr(&out));
    assert!(stderr(&out).contains("app.py:1:6: error[scan/github-token]"), "{}", stderr(&out));
    assert!(stderr(&out).contains(MASKED));
    assert_no_leak(&out, &token());
    let out = env.tkx(["hook", "run", "config/.env", "app.py", "config/.env.example"]).output().unwrap();
    assert!(!stderr(&out).contains("config/.env.example"), "{}", stderr(&out));
    let shipped =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml")).unwrap();
    assert!(shipped.contains("entry: tkx hook run") && shipped.contains("pass_filenames: true"), "{shipped}");
}

/// Under the framework, a staged file is judged by the lines the commit adds, as the
/// native hook judges it; a file that is not staged (`pre-commit run --all-files`) whole.
#[test]
fn framework_file_lists_judge_staged_files_by_their_added_lines() {
    let env = repo_with_hook();
    env.write("app.py", keyed());
    env.git(&["add", "app.py"]);
    assert!(env.git_output(&["commit", "-qm", "old key", "--no-verify"]).status.success());
    // An edit elsewhere in the file does not re-report the key committed before.
    env.write("app.py", format!("{}x = 1\n", keyed()));
    env.git(&["add", "app.py"]);
    env.tkx(["hook", "run", "app.py"]).assert().code(0);
    // A key the edit adds does.
    env.write("app.py", format!("{}x = 1\n{}", keyed(), keyed()));
    env.git(&["add", "app.py"]);
    let out = env.tkx(["hook", "run", "app.py"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("app.py:3:6: error[scan/github-token]"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("app.py:1:6"), "{}", stderr(&out));
    assert_no_leak(&out, &token());
    // Nothing staged (`--all-files`): the whole file.
    env.git(&["reset", "-q"]);
    let out = env.tkx(["hook", "run", "app.py"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("app.py:1:6") && stderr(&out).contains("app.py:3:6"), "{}", stderr(&out));
}

// --- merges, cherry-picks, rebases, stash ----------------------------------------------

#[test]
fn a_merge_commit_after_resolving_a_conflict_is_checked() {
    let env = repo_with_hook();
    env.git(&["checkout", "-qb", "feature"]);
    env.write("README.md", "# app\nfeature\n");
    env.git(&["commit", "-qam", "feature"]);
    env.git(&["checkout", "-q", "-"]);
    env.write("README.md", "# app\nmain\n");
    env.git(&["commit", "-qam", "main"]);
    let before = env.head();
    assert!(!env.git_output(&["merge", "-q", "feature"]).status.success(), "a conflict");
    // The resolution brings in a key.
    env.write("README.md", format!("# app\nmain\nfeature\n{}", keyed()));
    env.git(&["add", "README.md"]);
    assert_refused(&env.git_output(&["commit", "-q", "--no-edit"]), "README.md:4:6");
    assert_eq!(env.head(), before);
    assert!(env.project().join(".git/MERGE_HEAD").exists(), "the merge is still in progress");
    env.write("README.md", "# app\nmain\nfeature\n");
    env.git(&["add", "README.md"]);
    assert_passed(&env.git_output(&["commit", "-q", "--no-edit"]));
    let parents = stdout(&env.git_output(&["rev-list", "--parents", "-n1", "HEAD"]));
    assert_eq!(parents.split_whitespace().count(), 3, "a merge commit: {parents}");
}

#[test]
fn rebase_exec_commits_are_checked_and_cherry_pick_relies_on_pre_push() {
    let env = repo_with_hook();
    env.git(&["checkout", "-qb", "feature"]);
    commit_file(&env, "a.py", "a = 1\n", "a");
    // `git rebase -i --exec` runs a command after each pick; a commit made there is checked.
    // (The key comes from a file: git echoes the exec line.)
    let key_file = env.root.join("key.txt");
    fs::write(&key_file, format!("x = 2\n{}", keyed())).unwrap();
    let exec = format!("cat {} >> a.py && git commit -qam exec", key_file.display());
    let out = env.git_output(&["-c", "sequence.editor=:", "rebase", "-q", "-i", "--exec", &exec, "HEAD~1"]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("a.py:3:6: error[scan/github-token]"), "{}", stderr(&out));
    assert_no_leak(&out, &token());
    env.git(&["rebase", "--abort"]);
    env.git(&["checkout", "-q", "--", "."]);
    // cherry-pick and stash run no pre-commit hook (git's design): a key committed with
    // --no-verify and picked elsewhere is stopped by pre-push and `scan --history`.
    env.write("b.py", keyed());
    env.git(&["add", "b.py"]);
    env.git(&["commit", "-qm", "b", "--no-verify"]);
    let picked = env.head().unwrap();
    env.git(&["checkout", "-q", "-"]);
    assert_passed(&env.git_output(&["cherry-pick", picked.as_str()]));
    let out = env.tkx(["scan", "--history", "HEAD~1..HEAD"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("b.py:1:6"), "{}", stdout(&out));
    assert_no_leak(&out, &token());
}

#[test]
fn stash_pop_then_commit_is_checked() {
    let env = repo_with_hook();
    env.write("README.md", format!("# app\n{}", keyed()));
    let out = env.git_output(&["stash", "-q"]);
    assert!(out.status.success(), "stash runs no hook: {}", stderr(&out));
    env.git(&["stash", "pop", "-q"]);
    let before = env.head();
    assert_refused(&env.git_output(&["commit", "-qam", "x"]), "README.md:2:6");
    assert_eq!(env.head(), before);
}

// --- what is staged: renames, deletions, odd names, symlinks, submodules, LFS, size -----

#[test]
fn a_renamed_file_is_judged_by_what_it_adds() {
    let env = repo_with_hook();
    // A key already in history (committed knowingly) moves with its file: the rename adds
    // no line, like an edit elsewhere in the file would not.
    env.write("old.py", format!("{}x = 1\ny = 2\nz = 3\n", keyed()));
    env.git(&["add", "old.py"]);
    env.git(&["commit", "-qm", "old", "--no-verify"]);
    env.git(&["mv", "old.py", "new.py"]);
    assert_passed(&env.git_output(&["commit", "-qm", "rename"]));
    // A rename that also adds a key is refused at the added line.
    env.git(&["mv", "new.py", "newer.py"]);
    fs::write(env.project().join("newer.py"), format!("{}x = 1\ny = 2\nz = 3\n{}", keyed(), keyed()))
        .unwrap();
    env.git(&["add", "newer.py"]);
    let before = env.head();
    let out = env.git_output(&["commit", "-qm", "rename and key"]);
    assert_refused(&out, "newer.py:5:6");
    assert!(!stderr(&out).contains("newer.py:1:6"), "{}", stderr(&out));
    assert_eq!(env.head(), before);
    // History reports the key once, where it entered.
    env.git(&["commit", "-qm", "rename and key", "--no-verify"]);
    let out = env.tkx(["scan", "--history"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(text.matches("error[scan/github-token]").count(), 2, "{text}");
    assert!(text.contains("old.py:1:6") && text.contains("newer.py:5:6"), "{text}");
    assert_no_leak(&out, &token());
}

#[test]
fn deleting_and_untracking_pass() {
    let env = repo_with_hook();
    env.write("old.py", keyed());
    env.write(".env", "A=1\n");
    env.git(&["add", "-f", "old.py", ".env"]);
    env.git(&["commit", "-qm", "mistake", "--no-verify"]);
    env.git(&["rm", "-q", "old.py"]);
    env.git(&["rm", "-q", "--cached", ".env"]);
    assert_passed(&env.git_output(&["commit", "-qm", "fix"]));
}

#[test]
fn env_files_in_subdirectories_are_refused_and_examples_pass() {
    let env = repo_with_hook();
    env.write("services/api/.env", "A=1\n");
    env.write("services/api/.env.production", "A=1\n");
    env.write("services/api/.env.example", "OPENAI_PAT=\n");
    env.git(&["add", "-f", "services/api/.env", "services/api/.env.production"]);
    env.git(&["add", "services/api/.env.example"]);
    let before = env.head();
    let out = env.git_output(&["commit", "-qm", "env"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("services/api/.env: error[scan/env-file]"), "{err}");
    assert!(err.contains("services/api/.env.production: error[scan/env-file]"), "{err}");
    assert!(!err.contains(".env.example"), "{err}");
    assert_eq!(env.head(), before);
    env.git(&["rm", "-q", "--cached", "services/api/.env", "services/api/.env.production"]);
    assert_passed(&env.git_output(&["commit", "-qm", "example only"]));
}

#[test]
fn an_env_file_is_refused_even_when_large_or_binary() {
    let env = repo_with_hook();
    env.write(".env", format!("A=1\nBLOB={}\n", "x".repeat(3 * 1024 * 1024)));
    env.write("config/.env.local", b"A=1\0\n".as_slice());
    env.git(&["add", "-f", ".env", "config/.env.local"]);
    let before = env.head();
    let out = env.git_output(&["commit", "-qm", "env"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains(".env: error[scan/env-file]"), "{}", stderr(&out));
    assert!(stderr(&out).contains("config/.env.local: error[scan/env-file]"), "{}", stderr(&out));
    assert_eq!(env.head(), before);
}

#[test]
fn odd_file_names_are_reported_as_git_names_them() {
    let env = repo_with_hook();
    // A name with a control character is quoted, so it cannot break or repaint the line.
    for (name, shown) in [
        ("with space.py", "with space.py"),
        ("ünïcødé/ключ.py", "ünïcødé/ключ.py"),
        ("new\nline.py", "\"new\\nline.py\""),
        ("esc\u{1b}[2J.py", "\"esc\\033[2J.py\""),
    ] {
        env.write(name, keyed());
        env.git(&["add", name]);
        let before = env.head();
        assert_refused(&env.git_output(&["commit", "-qm", "x"]), &format!("{shown}:1:6"));
        assert_eq!(env.head(), before);
        env.git(&["rm", "-q", "--cached", name]);
    }
}

#[test]
fn binary_files_symlinks_submodules_and_lfs_pointers() {
    let env = repo_with_hook();
    // A binary blob is not scanned (as git and ripgrep judge: a NUL in the first 8 KiB).
    let mut bin = vec![0u8, 1, 2, 3];
    bin.extend_from_slice(token().as_bytes());
    env.write("data.bin", &bin);
    // A symlink is stored as its target's path; a link to .env does not commit .env.
    std::os::unix::fs::symlink(".env", env.project().join("env-link")).unwrap();
    // An LFS pointer: a sha256 oid is not a key.
    env.write(
        "model.bin",
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
    );
    env.git(&["add", "data.bin", "env-link", "model.bin"]);
    // A submodule is a gitlink: a commit id, no content here.
    let sub = env.root.join("sub");
    assert!(git_in(&env, &env.root, &["init", "-q", sub.to_str().unwrap()]).status.success());
    fs::write(sub.join("k.py"), keyed()).unwrap();
    assert!(git_in(&env, &sub, &["add", "k.py"]).status.success());
    assert!(git_in(&env, &sub, &["commit", "-qm", "k", "--no-verify"]).status.success());
    let out = env.git_output(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        sub.to_str().unwrap(),
        "vendor/sub",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = env.git_output(&["commit", "-qm", "odd files"]);
    assert_passed(&out);
    let tree = stdout(&env.git_output(&["ls-tree", "-r", "HEAD"]));
    assert!(tree.contains("120000 blob") && tree.contains("160000 commit"), "{tree}");
}

#[test]
fn a_large_file_is_scanned_up_to_the_configured_size() {
    let env = repo_with_hook();
    let big = format!("{}\n{}", "x = 1\n".repeat(200_000), keyed());
    env.write("big.py", &big);
    env.git(&["add", "big.py"]);
    // Up to `max_file_size` (default 2 MiB); over it a file is not read (a documented limit).
    assert!(big.len() < 2 * 1024 * 1024);
    let before = env.head();
    assert_refused(&env.git_output(&["commit", "-qm", "big"]), "big.py:200002:6");
    assert_eq!(env.head(), before);

    // Over the limit the file is not read, and the hook says so rather than staying silent.
    env.write(".tkx.toml", "[scan]\nmax_file_size = 1048576\n");
    let out = env.git_output(&["commit", "-qm", "big"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("tkx: not read for keys, over 1 MiB: big.py (raise `[scan] max_file_size`"),
        "{}",
        stderr(&out)
    );
    let out = env.tkx(["scan", "--staged"]).output().unwrap();
    assert!(!stderr(&out).contains("not read"), "nothing staged now: {}", stderr(&out));
}

// --- pre-push: new branches, force pushes, deletions, tags -----------------------------

fn with_remote() -> (TestEnv, std::path::PathBuf) {
    let env = repo_with_hook();
    let remote = env.root.join("remote.git");
    assert!(git_in(&env, &env.root, &["init", "-q", "--bare", remote.to_str().unwrap()]).status.success());
    env.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    env.git(&["push", "-q", "origin", "HEAD:refs/heads/main"]);
    (env, remote)
}

fn assert_push_refused(out: &Output, at: &str) {
    let err = stderr(out);
    assert!(!out.status.success(), "the push should have been refused:\n{err}");
    assert!(err.contains("this push carries secrets"), "{err}");
    assert!(err.contains(&format!("{at}: error[scan/github-token]")), "{err}");
    assert!(err.contains(MASKED), "{err}");
    assert_no_leak(out, &token());
}

fn remote_has(env: &TestEnv, remote: &Path, rev: &str) -> bool {
    git_in(env, remote, &["rev-parse", "--verify", "-q", rev]).status.success()
}

#[test]
fn push_scans_only_the_commits_being_pushed() {
    let (env, _remote) = with_remote();
    // A key the remote already has (say, accepted long ago) is not the push's business.
    env.write("old.py", keyed());
    env.git(&["add", "old.py"]);
    env.git(&["commit", "-qm", "old", "--no-verify"]);
    env.git(&["push", "-q", "--no-verify", "origin", "HEAD:refs/heads/main"]);
    commit_file(&env, "new.py", "x = 1\n", "new");
    assert_passed(&env.git_output(&["push", "-q", "origin", "HEAD:refs/heads/main"]));
    // A new branch from there: the remote already has its history.
    assert_passed(&env.git_output(&["push", "-q", "origin", "HEAD:refs/heads/feature"]));
}

#[test]
fn push_of_a_new_branch_with_no_remote_tracking_refs_checks_its_history() {
    let (env, remote) = with_remote();
    env.git(&["checkout", "-qb", "feature"]);
    env.write("a.py", keyed());
    env.git(&["add", "a.py"]);
    env.git(&["commit", "-qm", "a", "--no-verify"]);
    // Push to a URL: there are no remote-tracking refs to hide anything.
    let out = env.git_output(&["push", "-q", remote.to_str().unwrap(), "feature"]);
    assert_push_refused(&out, "a.py:1:6");
    assert!(!remote_has(&env, &remote, "refs/heads/feature"));
}

#[test]
fn force_push_over_a_commit_this_clone_never_saw() {
    let (env, remote) = with_remote();
    // Someone else pushed a commit to main; this clone never fetched it.
    let other = env.root.join("other");
    assert!(
        git_in(
            &env,
            &env.root,
            &["clone", "-q", "-b", "main", remote.to_str().unwrap(), other.to_str().unwrap()]
        )
        .status
        .success()
    );
    fs::write(other.join("theirs.py"), "x = 1\n").unwrap();
    assert!(git_in(&env, &other, &["add", "theirs.py"]).status.success());
    assert!(git_in(&env, &other, &["commit", "-qm", "theirs"]).status.success());
    assert!(git_in(&env, &other, &["push", "-q", "--no-verify", "origin", "HEAD:main"]).status.success());
    let theirs = head_in(&env, &other, "HEAD");
    // A clean force push is not refused for the unknown remote commit...
    commit_file(&env, "mine.py", "y = 2\n", "mine");
    let out = env.git_output(&["push", "-q", "--force", "origin", "HEAD:refs/heads/main"]);
    assert_passed(&out);
    assert_eq!(head_in(&env, &remote, "main"), env.head().unwrap());
    // ...and a force push with a key is refused.
    assert!(
        git_in(
            &env,
            &other,
            &["push", "-q", "--force", "--no-verify", "origin", &format!("{theirs}:refs/heads/main")]
        )
        .status
        .success()
    );
    env.write("mine.py", keyed());
    env.git(&["add", "mine.py"]);
    env.git(&["commit", "-q", "--amend", "-m", "mine", "--no-verify"]);
    let out = env.git_output(&["push", "-q", "--force", "origin", "HEAD:refs/heads/main"]);
    assert_push_refused(&out, "mine.py:1:6");
    assert_eq!(head_in(&env, &remote, "main"), theirs);
}

#[test]
fn deleting_a_remote_branch_and_pushing_tags() {
    let (env, remote) = with_remote();
    env.git(&["push", "-q", "origin", "HEAD:refs/heads/old"]);
    assert_passed(&env.git_output(&["push", "-q", "origin", "--delete", "old"]));
    assert!(!remote_has(&env, &remote, "refs/heads/old"));
    // An annotated tag on a commit with a key: pushing the tag alone pushes the commit.
    env.write("a.py", keyed());
    env.git(&["add", "a.py"]);
    env.git(&["commit", "-qm", "a", "--no-verify"]);
    env.git(&["tag", "-a", "-m", "v1", "v1"]);
    env.git(&["tag", "v1-light"]);
    assert_push_refused(&env.git_output(&["push", "-q", "origin", "v1"]), "a.py:1:6");
    assert_push_refused(&env.git_output(&["push", "-q", "origin", "v1-light"]), "a.py:1:6");
    assert!(!remote_has(&env, &remote, "refs/tags/v1"));
    // A tag on a commit the remote has passes.
    env.git(&["tag", "-a", "-m", "v0", "v0", "HEAD~1"]);
    assert_passed(&env.git_output(&["push", "-q", "origin", "v0"]));
    assert!(remote_has(&env, &remote, "refs/tags/v0"));
}

#[test]
fn push_of_a_branch_that_merged_the_remote_main_skips_main_s_commits() {
    let (env, remote) = with_remote();
    env.git(&["branch", "-M", "main"]);
    env.git(&["branch", "--set-upstream-to", "origin/main"]);
    env.git(&["checkout", "-qb", "feature"]);
    commit_file(&env, "f.py", "f = 1\n", "f");
    assert_passed(&env.git_output(&["push", "-q", "origin", "feature"]));
    // Someone pushed a key to main knowingly (here: this clone, with --no-verify).
    env.git(&["checkout", "-q", "main"]);
    env.write("m.py", keyed());
    env.git(&["add", "m.py"]);
    env.git(&["commit", "-qm", "m", "--no-verify"]);
    env.git(&["push", "-q", "--no-verify", "origin", "main"]);
    // Merging main into feature pushes none of main's commits: the push passes.
    env.git(&["checkout", "-q", "feature"]);
    env.git(&["merge", "-q", "--no-edit", "main"]);
    assert_passed(&env.git_output(&["push", "-q", "origin", "feature"]));
    assert_eq!(head_in(&env, &remote, "feature"), env.head().unwrap());
    // A key of the branch's own is still refused, and the hint is the push's.
    env.write("f.py", format!("f = 1\n{}", keyed()));
    env.git(&["commit", "-qam", "f2", "--no-verify"]);
    let out = env.git_output(&["push", "-q", "origin", "feature"]);
    assert_push_refused(&out, "f.py:2:6");
    assert!(!stderr(&out).contains("m.py"), "{}", stderr(&out));
    assert!(stderr(&out).contains("tkx scan --history"), "{}", stderr(&out));
    assert!(stderr(&out).contains("git push --no-verify"), "{}", stderr(&out));
}

// --- scan --history ----------------------------------------------------------------------

#[test]
fn history_reports_a_key_once_where_it_entered_and_evil_merges_too() {
    let env = TestEnv::git_repo();
    commit_file(&env, "README.md", "# app\n", "init");
    env.git(&["checkout", "-qb", "feature"]);
    commit_file(&env, "a.py", keyed(), "a");
    let a = env.head().unwrap();
    env.write("README.md", "# app\nfeature\n");
    env.git(&["commit", "-qam", "readme"]);
    env.git(&["checkout", "-q", "-"]);
    env.write("README.md", "# app\nmain\n");
    env.git(&["commit", "-qam", "main"]);
    // A clean merge brings a.py in; it adds nothing of its own.
    assert!(!env.git_output(&["merge", "-q", "--no-edit", "feature"]).status.success(), "a conflict");
    // The resolution adds a key neither side had: an "evil merge".
    env.write("README.md", format!("# app\nmain\nfeature\n{}", keyed()));
    env.git(&["add", "README.md"]);
    env.git(&["commit", "-q", "--no-edit", "--no-verify"]);
    let merge = env.head().unwrap();
    let out = env.tkx(["scan", "--history", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: crate::support::JsonReport = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, usize, String)> = report
        .findings
        .iter()
        .map(|f| (f.path.clone().unwrap_or_default(), f.line, f.commit.clone().unwrap_or_default()))
        .collect();
    assert_eq!(found, [("README.md".to_owned(), 4, merge), ("a.py".to_owned(), 1, a)], "{found:?}");
    assert!(report.findings.iter().all(|f| f.masked.as_deref() == Some(MASKED)));
    assert_no_leak(&out, &token());
}

#[test]
fn history_ranges_single_commits_and_empty_repositories() {
    let env = TestEnv::git_repo();
    let out = env.tkx(["scan", "--history"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "no commits: nothing to find: {}", stderr(&out));
    commit_file(&env, "README.md", "# app\n", "init");
    env.git(&["branch", "-M", "main"]);
    env.git(&["checkout", "-qb", "feature"]);
    commit_file(&env, "a.py", keyed(), "a");
    let a = env.head().unwrap();
    commit_file(&env, "b.py", "x = 1\n", "b");
    let out = env.tkx(["scan", "--history", "main..feature"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("a.py:1:6: error[scan/github-token]"), "{}", stdout(&out));
    assert!(stdout(&out).contains(&a[..7]), "names the commit: {}", stdout(&out));
    assert!(stdout(&out).contains(MASKED));
    assert_no_leak(&out, &token());
    env.tkx(["scan", "--history", "feature~1..feature"]).assert().code(0);
    env.tkx(["scan", "--history", "main"]).assert().code(0);
    env.tkx(["scan", "--history", &a]).assert().code(1);
    // `X^!`: that commit alone.
    env.tkx(["scan", "--history", "feature^!"]).assert().code(0);
    env.tkx(["scan", "--history", &format!("{a}^!")]).assert().code(1);
    // `A...B`: what either side has and the other lacks.
    env.git(&["checkout", "-q", "main"]);
    commit_file(&env, "c.py", "y = 2\n", "c");
    env.tkx(["scan", "--history", "main...feature"]).assert().code(1);
    env.tkx(["scan", "--history", "feature...main"]).assert().code(1);
    env.tkx(["scan", "--history", "feature~2...main"]).assert().code(0);
    env.tkx(["scan", "--history", "...feature"]).assert().code(1);
    let out = env.tkx(["scan", "--history", "main...nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = env.tkx(["scan", "--history", "nope..feature"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn history_of_a_shallow_clone_stops_at_the_boundary() {
    let env = TestEnv::git_repo();
    commit_file(&env, "a.py", keyed(), "a");
    for i in 0..3 {
        env.write("b.py", format!("x = {i}\n"));
        env.git(&["add", "b.py"]);
        env.git(&["commit", "-qm", "b"]);
    }
    let clone = env.root.join("shallow");
    let url = format!("file://{}", env.project().display());
    assert!(
        git_in(&env, &env.root, &["clone", "-q", "--depth", "2", &url, clone.to_str().unwrap()])
            .status
            .success()
    );
    assert!(clone.join(".git/shallow").exists());
    // The boundary commit has no parent here: its whole tree counts as added, so the key
    // that entered before the boundary is still found, once, at the boundary.
    let out = env.tkx_in(&clone, ["scan", "--history"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out).matches("a.py:1:6: error[scan/github-token]").count(), 1, "{}", stdout(&out));
    assert_no_leak(&out, &token());
}

#[test]
fn no_verify_skips_the_hook_and_pre_push_is_the_net() {
    let (env, remote) = with_remote();
    env.write("a.py", keyed());
    env.git(&["add", "a.py"]);
    let out = env.git_output(&["commit", "-qm", "a", "--no-verify"]);
    assert_passed(&out);
    assert_push_refused(&env.git_output(&["push", "-q", "origin", "HEAD:refs/heads/main"]), "a.py:1:6");
    assert_eq!(head_in(&env, &remote, "main"), stdout(&env.git_output(&["rev-parse", "HEAD~1"])).trim());
}
