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
fn committed_man_pages_are_current_and_every_reference_has_its_page() {
    let pages = tkx::commands::completions::man_pages();
    let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    for (name, page) in &pages {
        check(&format!("man/{name}"), page);
        // Every `tkx-…(1)` a page refers to is one of the pages.
        let text = String::from_utf8_lossy(page).replace("\\-", "-");
        for reference in text.split_whitespace().filter_map(|w| w.strip_suffix("(1)")) {
            let reference = reference.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
            assert!(
                names.contains(&format!("{reference}.1").as_str()),
                "{name} refers to {reference}(1), which has no page"
            );
        }
    }
    assert!(names.contains(&"tkx-exec.1") && names.contains(&"tkx-hook-install.1"), "{names:?}");
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
