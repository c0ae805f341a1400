//! `tkx scan`: paths, staged changes, history, formats, allow-lists and the baseline.

use crate::support::{JsonReport, TestEnv, assert_no_leak, stderr, stdout};

/// A GitHub token, assembled at run time so that this file holds no whole fake key.
fn token() -> String {
    format!("{}{}", "ghp_", "Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra")
}

fn openai() -> String {
    format!("{}{}", "sk-proj-", "Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6T3BlbkFJVc3Xz7Qw5")
}

fn scan(env: &TestEnv, args: &[&str]) -> (i32, String, String) {
    let out = env.tkx(["scan"]).args(args).output().unwrap();
    assert_no_leak(&out, &token());
    assert_no_leak(&out, &openai());
    (out.status.code().unwrap_or(-1), stdout(&out), stderr(&out))
}

#[test]
fn finds_keys_in_files_with_path_line_and_column() {
    let env = TestEnv::new();
    env.write("src/app.py", format!("import os\nclient = Client(token=\"{}\")\n", token()));
    env.write("config/settings.yml", format!("openai:\n  key: {}\n", openai()));
    let (code, out, _) = scan(&env, &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains("src/app.py:2:24: error[scan/github-token]: GitHub token (ghp_**********e2Ra sha256:"),
        "{out}"
    );
    assert!(out.contains("config/settings.yml:2:8: error[scan/openai-project-key]"), "{out}");
    assert!(out.ends_with("2 errors, 0 warnings, 0 notes\n"), "{out}");
}

#[test]
fn a_clean_tree_exits_0() {
    let env = TestEnv::new();
    env.write("README.md", "# Project\nSet OPENAI_API_KEY=sk-your-key-here in .env\n");
    env.write(
        "package-lock.json",
        "{\"integrity\": \"sha512-Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6==\"}\n",
    );
    let (code, out, _) = scan(&env, &[]);
    assert_eq!((code, out.as_str()), (0, "0 errors, 0 warnings, 0 notes\n"));
}

#[test]
fn hidden_files_are_scanned_but_git_ignored_files_and_dot_git_are_not() {
    let env = TestEnv::git_repo();
    env.write(".github/workflows/ci.yml", format!("env:\n  TOKEN: {}\n", token()));
    env.write(".gitignore", "ignored/\n");
    env.write("ignored/secret.txt", token());
    env.write(".git/leftover", token());
    let (_, out, _) = scan(&env, &[]);
    assert!(out.contains(".github/workflows/ci.yml:2:10"), "{out}");
    assert!(!out.contains("ignored/secret.txt"), "{out}");
    assert!(!out.contains(".git/leftover"), "{out}");
    let (_, out, _) = scan(&env, &["--no-ignore"]);
    assert!(out.contains("ignored/secret.txt"), "{out}");
}

#[test]
fn explicit_paths_and_an_env_file_finding() {
    let env = TestEnv::new();
    env.write("a/.env.local", format!("GH={}\n", token()));
    env.write("b/clean.txt", "nothing\n");
    let (code, out, _) = scan(&env, &["a", "b"]);
    assert_eq!(code, 1);
    assert!(out.contains("a/.env.local: error[scan/env-file]"), "{out}");
    assert!(out.contains("a/.env.local:1:4: error[scan/github-token]"), "{out}");
    assert_eq!(scan(&env, &["missing-dir"]).0, 2);
}

#[test]
fn the_users_own_values_are_found() {
    let env = TestEnv::new();
    env.write(".env", "CORP_TOKEN=corp-internal-7Hq2-Zk9wYYq\nMODEL=gpt-4o-mini\n");
    env.write(".gitignore", ".env\n");
    env.write("src/main.py", "t = 'corp-internal-7Hq2-Zk9wYYq'\nm = 'gpt-4o-mini'\n");
    let out = env.tkx(["scan", "src"]).output().unwrap();
    assert_no_leak(&out, "corp-internal-7Hq2-Zk9wYYq");
    let text = stdout(&out);
    assert!(text.contains("src/main.py:1:6: error[scan/known-value]: one of your own secrets: the value of CORP_TOKEN from .env:1"), "{text}");
    // Plain configuration is not a secret.
    assert!(!text.contains("src/main.py:2"), "{text}");
}

#[test]
fn allow_comment_config_and_baseline() {
    let env = TestEnv::new();
    env.write("a.py", format!("t = \"{}\"  # tkx:allow\n", token()));
    assert_eq!(scan(&env, &[]).0, 0);
    env.write("a.py", format!("t = \"{}\"\n", token()));
    env.write(".tkx.toml", "[scan]\nexclude = [\"fixtures/**\"]\n");
    env.write("fixtures/key.txt", token());
    let (code, out, _) = scan(&env, &[]);
    assert_eq!(code, 1);
    assert!(!out.contains("fixtures/"), "{out}");
    // Accept it into the baseline: moving the code keeps it accepted...
    let (code, _, err) = scan(&env, &["--write-baseline"]);
    assert_eq!(code, 0, "{err}");
    let baseline = std::fs::read_to_string(env.project().join(".tkx-baseline.json")).unwrap();
    assert!(baseline.contains("\"rule\": \"scan/github-token\""), "{baseline}");
    assert!(!baseline.contains(&token()));
    std::fs::remove_file(env.project().join("a.py")).unwrap();
    env.write("moved/b.py", format!("\n\nt = \"{}\"\n", token()));
    assert_eq!(scan(&env, &[]).0, 0);
    // ...and a different secret on the accepted line is still caught.
    env.write("moved/b.py", format!("t = \"{}\"\n", openai()));
    assert_eq!(scan(&env, &[]).0, 1);
}

#[test]
fn a_malformed_config_is_exit_2_naming_the_line() {
    let env = TestEnv::new();
    env.write(".tkx.toml", "[scan]\nexclude = 3\n");
    let (code, _, err) = scan(&env, &[]);
    assert_eq!(code, 2);
    assert!(err.contains(".tkx.toml:2:11:"), "{err}");
}

#[test]
fn binary_and_oversized_files_are_skipped() {
    let env = TestEnv::new();
    let mut bin = vec![0u8; 16];
    bin.extend_from_slice(token().as_bytes());
    env.write("blob.bin", bin);
    env.write("big.txt", format!("{}\n{}", "x".repeat(3000), token()));
    let (code, out, _) = scan(&env, &["--max-size", "1000"]);
    assert_eq!((code, out.as_str()), (0, "0 errors, 0 warnings, 0 notes\n"));
}

#[test]
fn staged_scans_the_index_and_only_added_lines() {
    let env = TestEnv::git_repo();
    env.write("old.py", format!("t = \"{}\"\n", token()));
    env.git(&["add", "old.py"]);
    env.git(&["commit", "-qm", "first", "--no-verify"]);
    // Already committed: not an added line of this change.
    env.write("old.py", format!("t = \"{}\"\nx = 1\n", token()));
    env.git(&["add", "old.py"]);
    assert_eq!(scan(&env, &["--staged"]).0, 0);
    // Partial staging: the work tree has a key the index does not.
    env.write("new.py", "x = 1\n");
    env.git(&["add", "new.py"]);
    env.write("new.py", format!("x = 1\nk = \"{}\"\n", openai()));
    assert_eq!(scan(&env, &["--staged"]).0, 0);
    env.git(&["add", "new.py"]);
    let (code, out, _) = scan(&env, &["--staged"]);
    assert_eq!(code, 1);
    assert!(out.contains("new.py:2:6: error[scan/openai-project-key]"), "{out}");
}

#[test]
fn staged_outside_git_is_a_usage_error() {
    let env = TestEnv::new();
    assert_eq!(scan(&env, &["--staged"]).0, 2);
}

#[test]
fn history_finds_a_key_that_was_added_then_removed() {
    let env = TestEnv::git_repo();
    env.write("app.py", format!("t = \"{}\"\n", token()));
    env.git(&["add", "."]);
    env.git(&["commit", "-qm", "oops"]);
    env.write("app.py", "t = os.environ['GH']\n");
    env.git(&["commit", "-qam", "fix"]);
    assert_eq!(scan(&env, &[]).0, 0);
    let (code, out, _) = scan(&env, &["--history"]);
    assert_eq!(code, 1);
    assert!(out.contains("app.py:1:6: error[scan/github-token]"), "{out}");
    assert!(out.contains("in commit "), "{out}");
    let (_, json, _) = scan(&env, &["--history", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let f = &doc["findings"][0];
    assert_eq!(f["commit"].as_str().unwrap().len(), 40);
    assert_eq!(f["date"].as_str().unwrap().len(), 10);
    // A range that excludes the commit finds nothing.
    assert_eq!(scan(&env, &["--history", "HEAD~1..HEAD"]).0, 0);
}

#[test]
fn value_of_audits_history_for_one_key() {
    let env = TestEnv::git_repo();
    env.write(".env", "CORP_TOKEN=corp-internal-7Hq2-Zk9wYYq\n");
    env.write(".gitignore", ".env\n");
    env.write("notes.txt", "debug: corp-internal-7Hq2-Zk9wYYq\n");
    env.git(&["add", "notes.txt", ".gitignore"]);
    env.git(&["commit", "-qm", "notes"]);
    let out = env.tkx(["scan", "--history", "--value-of", "CORP_TOKEN"]).output().unwrap();
    assert_no_leak(&out, "corp-internal-7Hq2-Zk9wYYq");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("notes.txt:1:8: error[scan/known-value]"), "{}", stdout(&out));
    assert_eq!(env.tkx(["scan", "--history", "--value-of", "NOPE"]).output().unwrap().status.code(), Some(2));
}

#[test]
fn json_sarif_and_github_formats() {
    let env = TestEnv::new();
    env.write(".env.production", format!("GH={}\n", token()));
    let (code, out, _) = scan(&env, &["--format", "json", "--no-ignore"]);
    assert_eq!(code, 1);
    let doc: JsonReport = serde_json::from_str(&out).unwrap();
    let env_file = doc.findings.iter().find(|f| f.rule == "scan/env-file").unwrap();
    assert_eq!((env_file.path.as_deref(), env_file.line), (Some(".env.production"), 0));
    let gh = doc.findings.iter().find(|f| f.rule == "scan/github-token").unwrap();
    assert_eq!((gh.line, gh.column, gh.masked.as_deref()), (1, 4, Some("ghp_**********e2Ra")));
    assert_eq!(doc.summary.errors, 2);
    let (_, sarif, _) = scan(&env, &["--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let whole = results.iter().find(|r| r["ruleId"] == "scan/env-file").unwrap();
    assert!(whole["locations"][0]["physicalLocation"]["region"].is_null());
    let gh = results.iter().find(|r| r["ruleId"] == "scan/github-token").unwrap();
    assert_eq!(gh["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
    assert!(gh["partialFingerprints"]["secretFingerprint/v1"].as_str().unwrap().starts_with("sha256:"));
    let (_, gh_out, _) = scan(&env, &["--format", "github"]);
    assert!(
        gh_out.contains("::error file=.env.production,line=1,col=4,title=tkx scan/github-token::"),
        "{gh_out}"
    );
}

/// Issue 18: an env template whose name marks it as an example by any dot-separated part
/// (`.env.local.example`, `.env.default`) is an example everywhere: not an env-file
/// finding, readable by agents, and what doctor compares keys against.
#[test]
fn examples_by_another_spelling_are_examples() {
    let env = TestEnv::git_repo();
    env.write(".env.local.example", "OPENAI_PAT=\nPORT=8080\n");
    env.write(".env.default", "OPENAI_PAT=sk-your-key-here\n");
    let (code, out, _) = scan(&env, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("scan/env-file"), "{out}");
    let payload = serde_json::json!({
        "hook_event_name": "PreToolUse", "tool_name": "Read", "cwd": env.project(),
        "tool_input": {"file_path": env.project().join(".env.local.example")}
    });
    let check =
        env.tkx(["agent", "check", "--host", "claude"]).write_stdin(payload.to_string()).output().unwrap();
    assert_eq!(stdout(&check), "", "reading an example is allowed");
    // A real env file beside it is still an env file.
    env.write(".env.local", format!("GH={}\n", token()));
    let (code, out, _) = scan(&env, &["--no-ignore"]);
    assert_eq!(code, 1);
    assert!(
        out.contains(".env.local: error[scan/env-file]") && !out.contains(".env.local.example: error"),
        "{out}"
    );
}

/// Issue 18: keys that are public by design (a PostHog project key, a Stripe publishable
/// key, a Supabase anon JWT) are notes that fail no scan; a Supabase service_role JWT is
/// an error named for its provider.
#[test]
fn public_keys_are_notes_and_service_role_keys_are_named() {
    let env = TestEnv::git_repo();
    let posthog = format!("{}{}", "phc_Xr4bT9qLm2Vz8Kp1Wn6Yc3", "Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1");
    let stripe = format!("{}{}", "pk_live_51Xr4bT9qLm2", "Vz8Kp1Wn6Yc3Hd7Js5");
    env.write("web/analytics.js", format!("posthog.init('{posthog}')\nconst stripe = Stripe('{stripe}')\n"));
    let (code, out, _) = scan(&env, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("note[scan/posthog-project-key]") && out.contains("note[scan/stripe-publishable-key]"),
        "{out}"
    );
    assert!(!out.contains(&posthog) && !out.contains(&stripe), "{out}");
    let jwt = |claims: &str| {
        use base64::Engine;
        let b = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!(
            "{}.{}.{}",
            b(r#"{"alg":"HS256","typ":"JWT"}"#),
            b(claims),
            "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8"
        )
    };
    let anon = jwt(r#"{"iss":"supabase","ref":"qwertyuiopasdfghjklz","role":"anon","exp":2000000000}"#);
    let service =
        jwt(r#"{"iss":"supabase","ref":"qwertyuiopasdfghjklz","role":"service_role","exp":2000000000}"#);
    env.write("web/supabase.ts", format!("export const anon = '{anon}'\n"));
    let (code, out, _) = scan(&env, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("note[scan/supabase-anon-key]"), "{out}");
    env.write("server/admin.ts", format!("export const admin = '{service}'\n"));
    let (code, out, _) = scan(&env, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[scan/supabase-service-role-key]") && !out.contains(&service), "{out}");
}

/// Issue 18: a text file larger than what is read whole (2 MiB) is scanned in pieces,
/// with the whole file's line numbers, keys near the pieces' edges included; one over
/// `[scan] max_file_size` is named on stderr, never passed over in silence.
#[test]
fn large_files_are_scanned_in_pieces_and_the_largest_are_named() {
    let env = TestEnv::git_repo();
    let filler = "{\"event\": \"request\", \"status\": 200, \"path\": \"/v1/chat/completions\"}\n";
    let lines_per_mib = (1 << 20) / filler.len();
    let mut text = String::new();
    let mut keys = Vec::new();
    for i in 0..(5 * lines_per_mib) {
        // A key every ~700 KiB, so some sit near the 2 MiB edges of the pieces.
        if i % (lines_per_mib * 2 / 3) == 17 {
            keys.push((i + 1, format!("{{\"token\": \"{}\"}}", token())));
            text.push_str(&keys.last().unwrap().1);
            text.push('\n');
        } else {
            text.push_str(filler);
        }
    }
    env.write("logs/big.jsonl", &text);
    let (code, out, err) = scan(&env, &[]);
    assert_eq!(code, 1, "{err}");
    for (line, _) in &keys {
        assert!(out.contains(&format!("logs/big.jsonl:{line}:")), "line {line}: {out}");
    }
    let reported = out.matches("error[scan/github-token]").count();
    assert_eq!(reported, keys.len(), "each key once: {out}");
    assert!(!out.contains(&token()) && !err.contains(&token()));
    // Over the configured limit: not read, and said so.
    env.write(".tkx.toml", "[scan]\nmax_file_size = 3145728\n");
    let (code, out, err) = scan(&env, &[]);
    assert!(err.contains("logs/big.jsonl") && err.contains("max_file_size"), "{err}");
    assert!(!out.contains("logs/big.jsonl:"), "{out}");
    assert_eq!(code, 0, "{out}");
}

/// Issue 18: history scans a change met again on another branch (a cherry-pick, a
/// rebase: the same path, old and new blob) once, and still reports it for each commit
/// that carries it.
#[test]
fn history_reports_a_cherry_picked_key_in_each_commit() {
    let env = TestEnv::git_repo();
    env.write("README.md", "hello\n");
    env.git(&["add", "."]);
    env.git(&["commit", "-qm", "start"]);
    env.git(&["branch", "other"]);
    env.git(&["checkout", "-q", "-b", "work"]);
    env.write("README.md", format!("hello\nt = \"{}\"\n", token()));
    env.git(&["commit", "-qam", "oops"]);
    env.git(&["checkout", "-q", "other"]);
    env.git(&["cherry-pick", "-x", "work"]);
    let (code, out, _) = scan(&env, &["--history", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut commits: Vec<&str> =
        doc["findings"].as_array().unwrap().iter().filter_map(|f| f["commit"].as_str()).collect();
    commits.sort();
    commits.dedup();
    assert_eq!(commits.len(), 2, "{out}");
    assert!(doc["findings"].as_array().unwrap().iter().all(|f| f["line"] == 2), "{out}");
    assert!(!out.contains(&token()));
}

/// Issue 18: a file's content reached again on another branch from another base is read
/// once; each commit that brings it is reported only where that commit added the key line.
#[test]
fn history_reports_content_reached_twice_where_each_commit_added_the_key() {
    let env = TestEnv::git_repo();
    let key_line = format!("t = \"{}\"\n", token());
    let commit = |msg: &str| commit_all(&env, msg);
    env.write("app.py", "a\n");
    commit("start");
    env.git(&["branch", "base"]);
    // First branch: the key is added to `a`.
    env.git(&["checkout", "-q", "-b", "one"]);
    env.write("app.py", format!("a\n{key_line}"));
    let added_on_one = commit("add the key");
    // Second branch: `a` becomes `a b`, then the same content as on `one` (`b` replaced
    // by the key): the key line is added again there.
    env.git(&["checkout", "-q", "-b", "two", "base"]);
    env.write("app.py", "a\nb\n");
    commit("b");
    env.write("app.py", format!("a\n{key_line}"));
    let added_on_two = commit("b becomes the key");
    // Third branch: the key comes with `c`; dropping `c` reaches the same content again,
    // but that commit adds no line.
    env.git(&["checkout", "-q", "-b", "three", "base"]);
    env.write("app.py", format!("a\n{key_line}c\n"));
    let added_on_three = commit("key and c");
    env.write("app.py", format!("a\n{key_line}"));
    let dropped_c = commit("drop c");
    let (code, out, _) = scan(&env, &["--history", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let commits = finding_commits(&out);
    let mut expected = vec![added_on_one, added_on_two, added_on_three];
    expected.sort();
    assert_eq!(commits, expected, "{out}");
    assert!(!commits.contains(&dropped_c));
    assert!(doc["findings"].as_array().unwrap().iter().all(|f| f["line"] == 2), "{out}");
    assert!(!out.contains(&token()));
}

/// Issue 18: a bare repository (a mirror, a server's copy) has history to scan and no work
/// tree: `tkx scan --history` runs in it.
#[test]
fn history_scans_a_bare_repository() {
    let env = TestEnv::git_repo();
    env.write("app.py", format!("t = \"{}\"\n", token()));
    env.git(&["add", "."]);
    env.git(&["commit", "-qm", "oops"]);
    let bare = env.project().parent().unwrap().join("mirror.git");
    env.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
    let out = env.tkx_in(&bare, ["scan", "--history"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("app.py:1:6: error[scan/github-token]"), "{}", stdout(&out));
    assert_no_leak(&out, &token());
}

/// The commits of a history scan's JSON findings, sorted.
fn finding_commits(out: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(out).unwrap();
    let mut commits: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["commit"].as_str().map(str::to_owned))
        .collect();
    commits.sort();
    commits
}

/// Commits what the work tree holds; returns the commit's id.
fn commit_all(env: &TestEnv, message: &str) -> String {
    env.git(&["add", "."]);
    env.git(&["commit", "-qm", message]);
    String::from_utf8_lossy(&env.git_output(&["rev-parse", "HEAD"]).stdout).trim().to_owned()
}

/// Issue 18: history reads a changed file only when the lines it brings may hold a
/// finding. A content passed over where its change brought harmless lines is judged
/// again where it arrives from another parent, whichever of the two the walk meets first.
#[test]
fn history_judges_a_content_again_where_it_arrives_from_another_parent() {
    for harmless_first in [true, false] {
        let env = TestEnv::git_repo();
        let key_line = format!("t = \"{}\"\n", token());
        env.write("app.py", "a\n");
        commit_all(&env, "start");
        env.git(&["branch", "base"]);
        let mut expected = Vec::new();
        let mut branches = vec![("one", false), ("two", true)];
        if !harmless_first {
            branches.reverse();
        }
        for (branch, key_last) in branches {
            env.git(&["checkout", "-q", "-b", branch, "base"]);
            if key_last {
                // `z` first, then the key: this change brings the key line.
                env.write("app.py", "a\nz\n");
                commit_all(&env, "z");
                env.write("app.py", format!("a\n{key_line}z\n"));
                expected.push(commit_all(&env, "the key"));
            } else {
                // The key first (reported there), then `z`: the same content as the other
                // branch's last, reached by a change that brings only `z`.
                env.write("app.py", format!("a\n{key_line}"));
                expected.push(commit_all(&env, "the key"));
                env.write("app.py", format!("a\n{key_line}z\n"));
                commit_all(&env, "z");
            }
        }
        let (code, out, _) = scan(&env, &["--history", "--format", "json"]);
        assert_eq!(code, 1, "{out}");
        expected.sort();
        assert_eq!(finding_commits(&out), expected, "harmless first: {harmless_first}: {out}");
    }
}

/// Issue 18: a key line that only moves within its file was there before the commit
/// that moves it: reported once, where it was added.
#[test]
fn history_reports_a_moved_key_line_once() {
    let env = TestEnv::git_repo();
    let key_line = format!("t = \"{}\"\n", token());
    env.write("app.py", format!("import os\n{key_line}def main():\n    pass\n"));
    let added = commit_all(&env, "the key");
    env.write("app.py", format!("import os\ndef main():\n    pass\n{key_line}"));
    commit_all(&env, "move it");
    let (code, out, _) = scan(&env, &["--history", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(finding_commits(&out), vec![added], "{out}");
}

/// Issue 18: a change judged by its own lines still gets the whole file's context: a bare
/// `app_key` is Datadog's where an earlier commit named Datadog above it, and a value
/// added to a Kubernetes Secret is decoded.
#[test]
fn history_judges_added_lines_with_their_file_around_them() {
    let env = TestEnv::git_repo();
    let app_key = format!("{}{}", "3f9a1c7e5b2d8f4a6c0e9b1d", "3f5a7c9e2b4d6f8a");
    env.write("main.tf", "provider \"datadog\" {\n  api_url = \"https://api.datadoghq.eu/\"\n}\n");
    let secret = format!(
        "{}{}",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n", "data:\n  mode: ZGVidWc=\n"
    );
    env.write("secret.yaml", &secret);
    commit_all(&env, "start");
    env.write(
        "main.tf",
        format!("provider \"datadog\" {{\n  api_url = \"https://api.datadoghq.eu/\"\n  app_key = \"{app_key}\"\n}}\n"),
    );
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(token());
    env.write("secret.yaml", format!("{secret}  gh: {encoded}\n"));
    let added = commit_all(&env, "keys");
    let (code, out, _) = scan(&env, &["--history", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(finding_commits(&out), vec![added.clone(), added], "{out}");
    assert!(out.contains("scan/datadog-app-key") && out.contains("secret.yaml"), "{out}");
    assert!(!out.contains(&app_key) && !out.contains(&encoded), "{out}");
}

/// Issue 18: a clone missing objects (a partial clone, a damaged one) still has its other
/// commits scanned: the findings are reported, the commit that could not be read is
/// named on stderr, and the scan exits 2 (incomplete) rather than stopping at it.
#[test]
fn history_goes_on_past_a_commit_whose_objects_are_missing() {
    let env = TestEnv::git_repo();
    env.write("app.py", format!("t = \"{}\"\n", token()));
    commit_all(&env, "the key");
    env.write("notes.txt", "a note that will go missing\n");
    let missing = commit_all(&env, "notes");
    env.write("client.py", format!("k = \"{}\"\n", openai()));
    commit_all(&env, "another key");
    let blob =
        String::from_utf8_lossy(&env.git_output(&["rev-parse", "HEAD:notes.txt"]).stdout).trim().to_owned();
    let loose = env.project().join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    std::fs::remove_file(&loose).unwrap();
    let (code, out, err) = scan(&env, &["--history"]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(out.contains("app.py:1:6: error[scan/github-token]"), "{out}");
    assert!(out.contains("client.py:1:6: error["), "{out}");
    assert!(
        err.contains(&format!("tkx: error: {missing}: a commit whose changes could not be read")),
        "{err}"
    );
}

/// A merge brings its branch's files without reading them (its branch's own commits
/// added them): a blob missing there names the branch's commit, not the merge too.
#[test]
fn history_reads_no_file_a_merge_only_brings_from_a_branch() {
    let env = TestEnv::git_repo();
    env.write("README.md", "# app\n");
    commit_all(&env, "init");
    env.git(&["checkout", "-qb", "feature"]);
    env.write("notes.txt", "a note that will go missing\n");
    let missing = commit_all(&env, "notes");
    env.git(&["checkout", "-q", "-"]);
    env.write("app.py", format!("t = \"{}\"\n", token()));
    commit_all(&env, "the key");
    env.git(&["merge", "-q", "--no-edit", "feature"]);
    let merge = env.head().unwrap();
    let blob =
        String::from_utf8_lossy(&env.git_output(&["rev-parse", "HEAD:notes.txt"]).stdout).trim().to_owned();
    std::fs::remove_file(env.project().join(".git/objects").join(&blob[..2]).join(&blob[2..])).unwrap();
    let (code, out, err) = scan(&env, &["--history"]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(out.contains("app.py:1:6: error[scan/github-token]"), "{out}");
    assert!(err.contains(&format!("tkx: error: {missing}: a commit whose changes")), "{err}");
    assert!(!err.contains(&merge), "{err}");
}

/// History is read on a second thread from a second handle on the repository, except
/// where the environment names where git's objects are (a hook's quarantine, an object
/// directory by variable): a handle opened by path would not see them there.
#[test]
fn history_reads_objects_where_the_environment_puts_them() {
    let env = TestEnv::git_repo();
    env.write("app.py", format!("t = \"{}\"\n", token()));
    let commit = commit_all(&env, "the key");
    let elsewhere = env.root.join("objects-elsewhere");
    std::fs::rename(env.project().join(".git/objects"), &elsewhere).unwrap();
    std::fs::create_dir_all(env.project().join(".git/objects")).unwrap();
    let out = env.tkx(["scan", "--history"]).env("GIT_OBJECT_DIRECTORY", &elsewhere).output().unwrap();
    assert_no_leak(&out, &token());
    let (code, out, err) = (out.status.code(), stdout(&out), stderr(&out));
    assert_eq!(code, Some(1), "{out}\n{err}");
    assert!(out.contains("app.py:1:6: error[scan/github-token]"), "{out}");
    assert!(!err.contains(&commit), "{err}");
}
