//! Completions and the man page are generated from the CLI and committed; these tests
//! fail when the committed files are stale. `TKX_BLESS=1 cargo test` rewrites them.

use crate::support::TestEnv;
use clap_complete::Shell;
use std::path::Path;

fn check(rel: &str, generated: &[u8]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    if std::env::var_os("TKX_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{rel} is stale: run `TKX_BLESS=1 cargo test --test cli completions` and commit it"
    );
}

#[test]
fn committed_completions_are_current() {
    for (shell, file) in [
        (Shell::Bash, "completions/tkx.bash"),
        (Shell::Zsh, "completions/_tkx"),
        (Shell::Fish, "completions/tkx.fish"),
    ] {
        check(file, &tkx::commands::completions::script(shell));
    }
}

#[test]
fn committed_man_page_is_current() {
    check("man/tkx.1", &tkx::commands::completions::man_page());
}

#[test]
fn completions_command_prints_scripts_for_every_shell() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = env.tkx(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("exec"), "{shell}");
    }
    env.tkx(["completions", "tcsh"]).assert().code(2);
}
