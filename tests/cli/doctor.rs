//! `tkx doctor`: each check's positive and negative case in real git repositories,
//! `--fix`, every output format, exit codes.

use crate::support::{JsonReport, TestEnv, assert_no_leak, stderr, stdout};
use predicates::prelude::*;
use std::fs;

const KEY: &str = "sk-proj-DOCTORtestKEY0123456789abcdefghiJKLM";

/// A repository tkx has nothing to say about.
fn clean() -> TestEnv {
    let env = TestEnv::git_repo();
    env.write(".gitignore", "target/\n.env\n.env.*\n!.env.example\n");
    let dotenv = env.write(".env", format!("OPENAI_PAT={KEY}\nPORT=8080\n"));
    env.chmod(&dotenv, 0o600);
    env.write(".env.example", "# OpenAI key for this project\nOPENAI_PAT=\n# optional\nPORT=8080\n");
    env.tkx(["-q", "hook", "install"]).assert().success();
    env
}

fn doctor(env: &TestEnv, args: &[&str]) -> (i32, String, String) {
    let out = env.tkx(["doctor"]).args(args).output().unwrap();
    assert_no_leak(&out, KEY);
    (out.status.code().unwrap_or(-1), stdout(&out), stderr(&out))
}

/// The `rule` ids in text output, in order.
fn rules(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let start = l.find('[')? + 1;
            let end = l[start..].find(']')? + start;
            Some(l[start..end].to_owned())
        })
        .collect()
}

#[test]
fn a_clean_project_passes() {
    let env = clean();
    let (code, out, _) = doctor(&env, &[]);
    assert_eq!((code, out.as_str()), (0, "0 errors, 0 warnings, 0 notes\n"));
}

#[test]
fn loose_permissions_are_errors_and_fix_sets_0600() {
    let env = clean();
    let dotenv = env.project().join(".env");
    env.chmod(&dotenv, 0o644);
    let (code, out, _) = doctor(&env, &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains(".env: error[doctor/permissions]: mode 0644 lets group and others read or write it"),
        "{out}"
    );
    let (code, out, err) = doctor(&env, &["--fix"]);
    assert_eq!((code, rules(&out)), (0, vec![]), "{out}");
    assert!(err.contains("fixed: set .env to mode 0600"), "{err}");
    assert_eq!(env.mode(&dotenv), 0o600);
}

#[test]
fn a_loose_tkx_dir_is_a_warning() {
    let env = clean();
    env.chmod(&env.tkx_dir(), 0o755);
    let (code, out, _) = doctor(&env, &[]);
    assert_eq!((code, rules(&out)), (0, vec!["doctor/dir-permissions".to_owned()]));
    assert_eq!(doctor(&env, &["--strict"]).0, 1);
    doctor(&env, &["--fix"]);
    assert_eq!(env.mode(&env.tkx_dir()), 0o700);
}

#[test]
fn a_symlinked_env_file_is_checked_and_fixed_through_its_target() {
    let env = clean();
    let real = env.write("secrets/app.env", format!("OPENAI_PAT={KEY}\n"));
    env.chmod(&real, 0o640);
    fs::remove_file(env.project().join(".env")).unwrap();
    std::os::unix::fs::symlink("secrets/app.env", env.project().join(".env")).unwrap();
    let (code, out, _) = doctor(&env, &[]);
    assert_eq!(code, 1);
    assert!(out.contains("through the symlink to"), "{out}");
    let (_, _, err) = doctor(&env, &["--fix"]);
    assert!(err.contains("the symlink's target"), "{err}");
    assert_eq!(env.mode(&real), 0o600);
    assert!(fs::symlink_metadata(env.project().join(".env")).unwrap().file_type().is_symlink());
}

#[test]
fn an_env_file_git_would_commit_is_an_error() {
    let env = clean();
    fs::remove_file(env.project().join(".gitignore")).unwrap();
    let (code, out, _) = doctor(&env, &[]);
    assert_eq!(code, 1);
    assert_eq!(rules(&out), ["doctor/gitignore"]);
    assert!(out.contains(".env: error[doctor/gitignore]"), "{out}");
}

#[test]
fn every_kind_of_ignore_rule_counts() {
    // A nested .gitignore.
    let env = clean();
    fs::remove_file(env.project().join(".gitignore")).unwrap();
    let nested = env.write("svc/.env", "A=1\n");
    env.chmod(&nested, 0o600);
    env.write("svc/.gitignore", ".env\n");
    let (_, out, _) = doctor(&env, &[]);
    assert!(out.contains(".env: error[doctor/gitignore]") && !out.contains("svc/.env: error"), "{out}");
    // .git/info/exclude.
    fs::write(env.project().join(".git/info/exclude"), "/.env\n").unwrap();
    assert_eq!(doctor(&env, &[]).0, 0);
    // core.excludesFile in the user's git configuration.
    let env = clean();
    fs::remove_file(env.project().join(".gitignore")).unwrap();
    fs::write(env.root.join("home/.gitignore_global"), ".env\n").unwrap();
    fs::write(
        env.root.join("home/.gitconfig"),
        format!("[core]\n\texcludesFile = {}\n", env.root.join("home/.gitignore_global").display()),
    )
    .unwrap();
    let (code, out, _) = doctor(&env, &[]);
    assert_eq!((code, rules(&out)), (0, vec![]), "{out}");
}

#[test]
fn fix_appends_the_patterns_once_and_keeps_the_gitignore() {
    let env = clean();
    env.write(".gitignore", "# build\ntarget/\n*.log");
    let (code, _, err) = doctor(&env, &["--fix"]);
    assert_eq!(code, 0, "{err}");
    let text = fs::read_to_string(env.project().join(".gitignore")).unwrap();
    assert!(text.starts_with("# build\ntarget/\n*.log\n# env files hold secrets"), "{text}");
    assert!(text.contains("\n.env\n.env.*\n!.env.example\n"), "{text}");
    doctor(&env, &["--fix"]);
    assert_eq!(fs::read_to_string(env.project().join(".gitignore")).unwrap(), text);
}

#[test]
fn a_tracked_env_file_is_an_error_until_removed_from_index_and_head() {
    let env = clean();
    env.git(&["add", "-f", ".env"]);
    let (code, out, _) = doctor(&env, &[]);
    assert_eq!(code, 1);
    assert!(out.contains(".env: error[doctor/tracked]"), "{out}");
    assert!(out.contains("git rm --cached .env"), "{out}");
    env.git(&["commit", "-qm", "oops", "--no-verify"]);
    env.git(&["rm", "-q", "--cached", ".env"]);
    // Still in HEAD.
    assert!(rules(&doctor(&env, &[]).1).contains(&"doctor/tracked".to_owned()));
    env.git(&["commit", "-qm", "untrack", "--no-verify"]);
    assert_eq!(doctor(&env, &[]).0, 0);
}

#[test]
fn syntax_lints_name_file_and_line() {
    let env = clean();
    env.write(".env", format!("OPENAI_PAT={KEY}\nPORT = 8080\nOPENAI_PAT={KEY}\n"));
    env.chmod(&env.project().join(".env"), 0o600);
    let (code, out, _) = doctor(&env, &[]);
    assert_eq!(code, 0);
    assert!(out.contains(".env:2:5: warning[envfile/spaces-around-equals]"), "{out}");
    assert!(out.contains(".env:3:1: warning[envfile/duplicate-key]"), "{out}");
    assert_eq!(doctor(&env, &["--strict"]).0, 1);
}

#[test]
fn example_checks() {
    let env = clean();
    env.write(
        ".env.example",
        "OPENAI_PAT=\nMISSING_ONE=\n# optional\nMISSING_OPTIONAL=\nLEAKED=ghp_Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra\n\
         # optional\nSESSION_SECRET=secret_for_local_development_only\n",
    );
    env.write(".env", format!("OPENAI_PAT=sk-your-key-here\nLEAKED=x\nEXTRA={KEY}\n"));
    env.chmod(&env.project().join(".env"), 0o600);
    let (code, out, _) = doctor(&env, &[]);
    assert_eq!(code, 1);
    assert!(out.contains(".env.example:2:1: error[doctor/missing-key]: MISSING_ONE is required"), "{out}");
    assert!(!out.contains("MISSING_OPTIONAL"), "{out}");
    assert!(out.contains(".env:1: error[doctor/placeholder]: OPENAI_PAT still holds a placeholder"), "{out}");
    assert!(out.contains(".env:3: warning[doctor/undeclared]: EXTRA is not declared"), "{out}");
    assert!(out.contains(".env.example:5:1: error[doctor/example-secret]: LEAKED"), "{out}");
    assert!(!out.contains("ghp_0123456789abcdefghij"), "{out}");
    // A default built from words is not a key, whatever prefix it starts with.
    assert!(!out.contains("SESSION_SECRET"), "{out}");
}

#[test]
fn a_missing_example_is_a_warning() {
    let env = clean();
    fs::remove_file(env.project().join(".env.example")).unwrap();
    let (code, out, _) = doctor(&env, &[]);
    assert_eq!((code, rules(&out)), (0, vec!["doctor/example-missing".to_owned()]), "{out}");
}

#[test]
fn provider_formats_and_sdk_names() {
    let env = clean();
    env.write(".env.example", "OPENAI_PAT=\nANTHROPIC_API_KEY=\n");
    env.write(".env", format!("OPENAI_PAT=not-an-openai-key-000000000\nANTHROPIC_API_KEY={KEY}\n"));
    env.chmod(&env.project().join(".env"), 0o600);
    let (code, out, _) = doctor(&env, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(".env:1: warning[doctor/format]: OPENAI_PAT does not look like an OpenAI key"),
        "{out}"
    );
    assert!(out.contains("(not-**********0000 sha256:"), "{out}");
    assert!(out.contains(".env:2: warning[doctor/format]: ANTHROPIC_API_KEY does not look like an Anthropic key (those start with `sk-ant-`); it looks like an OpenAI key"), "{out}");
    assert!(
        out.contains(".env:2: note[doctor/sdk-name]: ANTHROPIC_API_KEY is a name SDKs read implicitly"),
        "{out}"
    );
}

fn noisy() -> TestEnv {
    let env = clean();
    env.chmod(&env.project().join(".env"), 0o644);
    env.write(".env", format!("OPENAI_PAT=wrong-format-{KEY}\nPORT=8080\nNEW=1\n"));
    env
}

#[test]
fn json_output() {
    let env = noisy();
    let (code, out, _) = doctor(&env, &["--format", "json"]);
    assert_eq!(code, 1);
    let doc: JsonReport = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!((doc.summary.errors, doc.summary.warnings, doc.summary.notes), (1, 2, 0));
    let perm = doc.findings.iter().find(|f| f.rule == "doctor/permissions").unwrap();
    assert_eq!((perm.severity.as_str(), perm.path.as_deref(), perm.line), ("error", Some(".env"), 0));
    let format = doc.findings.iter().find(|f| f.rule == "doctor/format").unwrap();
    assert_eq!((format.line, format.masked.as_deref()), (1, Some("wron**********JKLM")));
    assert!(format.fingerprint.as_deref().unwrap().starts_with("sha256:"));
}

#[test]
fn sarif_output() {
    let env = noisy();
    let (code, out, _) = doctor(&env, &["--format", "sarif"]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "tkx");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"doctor/permissions") && rules.contains(&"doctor/format"), "{rules:?}");
    let results = run["results"].as_array().unwrap();
    let format = results.iter().find(|r| r["ruleId"] == "doctor/format").unwrap();
    assert_eq!(format["level"], "warning");
    let loc = &format["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], ".env");
    assert_eq!(loc["region"]["startLine"], 1);
    // A whole-file finding has a location but no region.
    let perm = results.iter().find(|r| r["ruleId"] == "doctor/permissions").unwrap();
    assert!(perm["locations"][0]["physicalLocation"]["region"].is_null());
    let index = format["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index], "doctor/format");
}

#[test]
fn github_output() {
    let env = noisy();
    let (code, out, _) = doctor(&env, &["--format", "github"]);
    assert_eq!(code, 1);
    assert!(
        out.lines().any(|l| l.starts_with("::error file=.env,title=tkx doctor/permissions::mode 0644")),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with("::warning file=.env,line=1,title=tkx doctor/format::")),
        "{out}"
    );
}

#[test]
fn colour_follows_the_flags_and_no_color() {
    let env = noisy();
    env.tkx(["--color", "always", "doctor"]).assert().stdout(predicate::str::contains("\u{1b}["));
    env.tkx(["--color", "always", "doctor"])
        .env("NO_COLOR", "1")
        .assert()
        .stdout(predicate::str::contains("\u{1b}["));
    env.tkx(["doctor"]).env("NO_COLOR", "1").assert().stdout(predicate::str::contains("\u{1b}[").not());
    env.tkx(["doctor", "--format", "json", "--color", "always"])
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn usage_errors_exit_2() {
    let env = clean();
    env.tkx(["doctor", "--format", "xml"]).assert().code(2);
}

#[test]
fn an_undecodable_env_file_is_a_finding_not_a_crash() {
    let env = clean();
    env.write(".env", b"A=caf\xe9\n");
    env.chmod(&env.project().join(".env"), 0o600);
    let (code, out, _) = doctor(&env, &[]);
    assert_eq!(code, 1);
    assert!(out.contains(".env:1:6: error[envfile/unreadable]: not valid UTF-8"), "{out}");
}

#[test]
fn a_repository_without_the_hook_gets_a_warning() {
    let env = clean();
    env.tkx(["-q", "hook", "uninstall"]).assert().success();
    let (code, out, _) = doctor(&env, &[]);
    assert_eq!((code, rules(&out)), (0, vec!["doctor/hook".to_owned()]), "{out}");
    assert!(out.contains(".git/hooks/pre-commit: warning[doctor/hook]: no pre-commit hook"), "{out}");
    std::fs::write(env.project().join(".git/hooks/pre-commit"), "#!/bin/sh\n").unwrap();
    let (_, out, _) = doctor(&env, &[]);
    assert!(out.contains("tkx hook install --chain"), "{out}");
}

#[test]
fn outside_git_the_git_checks_are_skipped() {
    let env = TestEnv::new();
    let dotenv = env.write(".env", format!("OPENAI_PAT={KEY}\n"));
    env.chmod(&dotenv, 0o600);
    env.write(".env.example", "OPENAI_PAT=\n");
    let (code, out, _) = doctor(&env, &[]);
    assert_eq!((code, out.as_str()), (0, "0 errors, 0 warnings, 0 notes\n"));
}

#[test]
fn a_temporary_copy_left_by_a_stopped_tkx_is_found_and_fixed() {
    let env = TestEnv::new();
    env.write(".env", "PORT=1\n");
    let left = env.write(".env.tkx-AbC123.tmp", "OPENAI_PAT=sk-proj-LEFTOVERkey0123456789abcdefghijk\n");
    env.chmod(&left, 0o600);
    let out = env.tkx(["doctor"]).output().unwrap();
    assert_no_leak(&out, "sk-proj-LEFTOVERkey0123456789abcdefghijk");
    assert!(stdout(&out).contains(".env.tkx-AbC123.tmp: warning[doctor/leftover]"), "{}", stdout(&out));
    let out = env.tkx(["doctor", "--fix"]).output().unwrap();
    assert!(stderr(&out).contains("removed .env.tkx-AbC123.tmp"), "{}", stderr(&out));
    assert!(!left.exists());
    assert!(!stdout(&env.tkx(["doctor"]).output().unwrap()).contains("doctor/leftover"));
}
