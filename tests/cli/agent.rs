//! `tkx agent` (issue 8): the hook handler on the command table and on payload fixtures
//! for both hosts, install/uninstall round trips with pre-existing settings, status,
//! malformed settings, and doctor's `agents` and `build-context` checks.

use crate::support::{TestEnv, assert_no_leak, read, stderr, stdout};
use std::fs;
use std::path::Path;
use std::process::Output;

const KEY: &str = "sk-proj-AGENTtestKEY0123456789abcdefghiJKLM";
const USER_KEY: &str = "sk-ant-api03-AGENTuserKEY0123456789abcdefghijklmnop";
const GH: &str = "ghp_AGENTtestTOKEN0123456789abcdefghijkl";

/// The project the command table and the payload fixtures describe.
fn table_project() -> TestEnv {
    let env = TestEnv::git_repo();
    env.write(".gitignore", ".env\n.env.*\n!.env.example\n");
    env.write(".env", format!("OPENAI_PAT={KEY}\nPORT=8080\n"));
    env.write(".env.example", "OPENAI_PAT=\nPORT=\n");
    env.write("services/api/.env.local", "DB_PASSWORD=hunter2hunter2\n");
    env.write("src/main.rs", "fn main() {}\n");
    env.write("docs/notes.md", "notes\n");
    std::os::unix::fs::symlink("../.env", env.project().join("docs/notes.txt")).unwrap();
    std::os::unix::fs::symlink("../services", env.project().join("src/shared")).unwrap();
    env.write_abs(&env.tkx_dir().join(".env"), format!("ANTHROPIC_API_KEY={USER_KEY}\n"));
    env
}

fn fill(env: &TestEnv, text: &str) -> String {
    text.replace("{PROJECT}", &env.project().to_string_lossy())
        .replace("{TKX}", &env.tkx_dir().to_string_lossy())
}

fn check(env: &TestEnv, host: &str, payload: &str) -> Output {
    let out = env
        .tkx(["agent", "check", "--host", host])
        .env("GITHUB_TOKEN", GH)
        .write_stdin(payload.to_owned())
        .output()
        .unwrap();
    for secret in [KEY, USER_KEY, GH, "hunter2hunter2"] {
        assert_no_leak(&out, secret);
    }
    out
}

/// Claude Code's answer: `Some(reason)` for a denial, `None` for "allowed" (no output,
/// exit 0). Anything else fails the test.
fn claude_decision(out: &Output) -> Option<String> {
    let code = out.status.code();
    if code == Some(2) {
        return Some(stderr(out));
    }
    assert_eq!(code, Some(0), "exit code: {}", stderr(out));
    let s = stdout(out);
    if s.is_empty() {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    let h = &v["hookSpecificOutput"];
    assert_eq!(h["hookEventName"], "PreToolUse");
    assert_eq!(h["permissionDecision"], "deny");
    Some(h["permissionDecisionReason"].as_str().unwrap().to_owned())
}

/// Cursor's answer, from `{"permission": …}`.
fn cursor_decision(out: &Output) -> Option<String> {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    let v: serde_json::Value = serde_json::from_str(&stdout(out)).unwrap();
    match v["permission"].as_str() {
        Some("allow") => None,
        Some("deny") => {
            assert_eq!(v["user_message"], v["agent_message"]);
            Some(v["agent_message"].as_str().unwrap().to_owned())
        }
        other => panic!("unexpected permission {other:?}"),
    }
}

/// The rows of the command table run through the binary, for each host: deny and allow,
/// an env dump, a file read, the user store, a search, a nested shell, interpreter code,
/// here-documents, a variable of the agent's own environment, and tkx and git commands.
/// Every row of the table is asserted in-process by `agent::shell`'s unit test
/// `command_table`; these prove the hosts' protocols are wired to the same checker.
const SAMPLE: &[&str] = &[
    "deny\tcat .env",
    "deny\tcat {TKX}/.env",
    "deny\tenv",
    "deny\tprintenv GITHUB_TOKEN",
    "deny\tgrep -r OPENAI .",
    "deny\tbash -c \"echo \\$OPENAI_PAT\"",
    "deny\tpython3 -c 'import os; print(os.environ)'",
    "deny\tcat <<EOF\\n$OPENAI_PAT\\nEOF",
    "deny\ttkx get OPENAI_PAT",
    "deny\tgit show HEAD:.env",
    "allow\tcat src/main.rs",
    "allow\tcat >> .env <<'EOF'\\nPORT=3000\\nEOF",
    "allow\tgit diff src/main.rs",
    "allow\ttkx exec -- python app.py",
];

/// The [`SAMPLE`] rows, as the table has them: (deny?, command).
fn table() -> Vec<(bool, String)> {
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agent/commands.tsv"))
            .unwrap();
    let rows: Vec<(bool, String)> = text
        .lines()
        .filter(|l| SAMPLE.contains(l))
        .map(|l| {
            let (verdict, cmd) = l.split_once('\t').unwrap_or_else(|| panic!("bad row: {l}"));
            assert!(verdict == "deny" || verdict == "allow", "bad verdict: {l}");
            (verdict == "deny", cmd.replace("\\n", "\n"))
        })
        .collect();
    assert_eq!(rows.len(), SAMPLE.len(), "every sample row is a row of commands.tsv, once");
    rows
}

/// The sample rows of the command table through Claude Code's protocol (issue 8: "a
/// table of at least 150 real commands, denied and allowed; test every row": every row
/// is tested in-process by `agent::shell`'s `command_table`).
#[test]
fn command_table_claude() {
    let env = table_project();
    let rows = table();
    let mut wrong = Vec::new();
    for (deny, cmd) in &rows {
        let cmd = fill(&env, cmd);
        let payload = serde_json::json!({
            "session_id": "s", "transcript_path": "/t", "cwd": env.project(), "permission_mode": "default",
            "hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": cmd, "description": "x"}
        });
        let d = claude_decision(&check(&env, "claude", &payload.to_string()));
        if d.is_some() != *deny {
            wrong.push(format!("{} expected, got {:?}: {cmd}", if *deny { "deny" } else { "allow" }, d));
        }
        if let Some(reason) = d {
            assert!(reason.contains("use `tkx env` to see which keys exist (masked), `tkx exec -- CMD` to run with them; never print values"), "{reason}");
        }
    }
    assert!(wrong.is_empty(), "{} of {} rows wrong:\n{}", wrong.len(), rows.len(), wrong.join("\n"));
}

/// The same sample rows through Cursor's `beforeShellExecution`.
#[test]
fn command_table_cursor() {
    let env = table_project();
    let mut wrong = Vec::new();
    for (deny, cmd) in table() {
        let cmd = fill(&env, &cmd);
        let payload = serde_json::json!({
            "conversation_id": "c", "generation_id": "g", "hook_event_name": "beforeShellExecution",
            "workspace_roots": [env.project()], "command": cmd, "cwd": env.project(), "sandbox": false
        });
        let d = cursor_decision(&check(&env, "cursor", &payload.to_string()));
        if d.is_some() != deny {
            wrong.push(format!("{} expected: {cmd}", if deny { "deny" } else { "allow" }));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Payload fixtures in the shapes the hosts document (Claude Code's hooks reference,
/// "PreToolUse input"; Cursor's hooks documentation, "beforeReadFile",
/// "beforeShellExecution", "beforeMCPExecution", "preToolUse"). The file name says the
/// host and the expected answer; this covers the symlink, `..`, letter-case, nested
/// `.env` and store cases of the file tools.
#[test]
fn payload_fixtures() {
    let env = table_project();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agent/payloads");
    let mut names: Vec<String> =
        fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert!(names.len() >= 30);
    let mut wrong = Vec::new();
    for name in names {
        let payload = fill(&env, &fs::read_to_string(dir.join(&name)).unwrap());
        let (host, rest) = name.split_once('-').unwrap();
        let deny = rest.starts_with("deny-");
        let out = check(&env, host, &payload);
        let d = if host == "claude" { claude_decision(&out) } else { cursor_decision(&out) };
        if d.is_some() != deny {
            wrong.push(format!("{name}: got {d:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn unreadable_payloads_fail_closed_in_each_protocol() {
    let env = table_project();
    let out = check(&env, "claude", "{not json");
    assert_eq!(out.status.code(), Some(2), "exit 2 blocks the tool in Claude Code");
    assert!(stderr(&out).contains("fail closed"));
    let out = check(&env, "cursor", "");
    assert!(cursor_decision(&out).is_some());
    let out = env.tkx(["agent", "check", "--host", "all"]).write_stdin("{}").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn checking_cd_then_reading() {
    let env = table_project();
    let payload = serde_json::json!({"tool_name": "Bash", "cwd": env.project(),
        "tool_input": {"command": "cd services/api && cat .env.local"}});
    assert!(claude_decision(&check(&env, "claude", &payload.to_string())).is_some());
}

/// Sets the modification time of every directory under `root` a minute back, as for a
/// project that was not made in the last second.
fn settle(root: &Path) {
    let back = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                dirs.push(e.path());
            }
        }
        fs::File::open(&d).unwrap().set_modified(back).unwrap();
    }
}

/// The Grep tool runs ripgrep: a `glob` that matches env files reads them even when git
/// ignores them (ripgrep applies include globs over every ignore rule).
#[test]
fn a_grep_tool_glob_that_names_env_files_is_denied_even_when_they_are_ignored() {
    let env = table_project();
    let grep = |glob: &str| {
        serde_json::json!({"tool_name": "Grep", "cwd": env.project(), "hook_event_name": "PreToolUse",
            "tool_input": {"pattern": "OPENAI", "path": env.project(), "glob": glob, "output_mode": "content"}})
        .to_string()
    };
    for glob in ["*.env", ".env*", "**/.env.local", "*.{env,local}"] {
        let d =
            claude_decision(&check(&env, "claude", &grep(glob))).unwrap_or_else(|| panic!("{glob} allowed"));
        assert!(d.contains("tkx"), "{d}");
    }
    for glob in ["*.rs", "*.md", "!.env*"] {
        assert_eq!(claude_decision(&check(&env, "claude", &grep(glob))), None, "{glob}");
    }
}

/// A whole-project Grep is judged from a walk record once `tkx agent install` made one,
/// and every env file created, renamed or un-ignored afterwards still counts.
#[test]
fn whole_project_searches_see_every_change_after_the_walk_record() {
    let env = table_project();
    env.write(".gitignore", "/.env\n/services/api/.env.local\n");
    env.write("src/deep/er/lib.rs", "pub fn f() {}\n");
    let grep = serde_json::json!({"tool_name": "Grep", "cwd": env.project(), "hook_event_name": "PreToolUse",
        "tool_input": {"pattern": "OPENAI", "path": env.project(), "output_mode": "content"}})
    .to_string();
    settle(&env.project());
    assert!(env.tkx(["agent", "install", "--host", "claude"]).output().unwrap().status.success());
    let cache = env.tkx_dir().with_file_name("home").join(".cache/tkx");
    let records: Vec<_> = fs::read_dir(&cache).unwrap().flatten().collect();
    assert_eq!(records.len(), 1, "install records the walk");
    let record = fs::read_to_string(records[0].path()).unwrap();
    assert!(record.contains("services/api") && !record.contains("hunter2"), "names only: {record}");
    settle(&env.project());
    assert_eq!(claude_decision(&check(&env, "claude", &grep)), None, "every env file is git-ignored");

    // A new env file git does not ignore, deep in a directory the record knows.
    env.write("src/deep/er/.env.production", "DB_PASSWORD=hunter2hunter2\n");
    let d = claude_decision(&check(&env, "claude", &grep)).expect("denied");
    assert!(d.contains("src/deep/er/.env.production"), "{d}");
    fs::remove_file(env.project().join("src/deep/er/.env.production")).unwrap();
    settle(&env.project());
    assert_eq!(claude_decision(&check(&env, "claude", &grep)), None);

    // A renamed directory, then an ignore rule that covers what it holds.
    fs::rename(env.project().join("src/deep"), env.project().join("src/moved")).unwrap();
    env.write("src/moved/.env", "DB_PASSWORD=hunter2hunter2\n");
    settle(&env.project());
    let d = claude_decision(&check(&env, "claude", &grep)).expect("denied");
    assert!(d.contains("src/moved/.env"), "{d}");
    env.write(".gitignore", ".env\n.env.*\n!.env.example\n");
    assert_eq!(claude_decision(&check(&env, "claude", &grep)), None);
}

// ---------------------------------------------------------------------------------
// install / uninstall / status

const CLAUDE_BEFORE: &str = "{\n  \"model\": \"opus\",\n  \"permissions\": {\n    \"allow\": [\"Bash(npm test)\"],\n    \"deny\": [\n      \"Read(./secrets/**)\"\n    ]\n  },\n  \"hooks\": {\n    \"PostToolUse\": [\n      {\n        \"matcher\": \"Edit\",\n        \"hooks\": [{ \"type\": \"command\", \"command\": \"prettier --write\" }]\n      }\n    ]\n  },\n  \"env\": {\"DEBUG\": \"1\"}\n}\n";
const CURSOR_BEFORE: &str = "{\n    \"version\": 1,\n    \"hooks\": {\n        \"afterFileEdit\": [\n            { \"command\": \"./hooks/format.sh\" }\n        ]\n    }\n}";
const IGNORE_BEFORE: &str = "node_modules/\r\ndist";

fn agent_project() -> TestEnv {
    let env = table_project();
    env.write(".claude/settings.local.json", CLAUDE_BEFORE);
    env.write(".cursor/hooks.json", CURSOR_BEFORE);
    env.write(".cursorignore", IGNORE_BEFORE);
    env.write("GEMINI.md", "# notes for Gemini\n");
    env.write(".aider.conf.yml", "model: x\n");
    env
}

#[test]
fn install_then_uninstall_gives_back_every_byte() {
    let env = agent_project();
    let out = env.tkx(["agent", "install"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = read(&env, ".claude/settings.local.json").unwrap();
    let settings: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Every other setting kept, in order.
    let at = |k: &str| text.find(&format!("\n  \"{k}\"")).unwrap_or_else(|| panic!("{k} in {text}"));
    assert!(
        at("model") < at("permissions") && at("permissions") < at("hooks") && at("hooks") < at("env"),
        "{text}"
    );
    assert!(text.contains("\"env\": {\"DEBUG\": \"1\"}"), "untouched members keep their formatting");
    let deny: Vec<&str> =
        settings["permissions"]["deny"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(deny[0], "Read(./secrets/**)");
    assert!(deny.contains(&"Edit(**/.env)") && deny.contains(&"Edit(**/.env.local)"));
    // No Read rule names an env file: Claude Code would refuse `grep -c KEY .env` with it.
    assert!(!deny.iter().any(|r| r.starts_with("Read(**/.env")), "{deny:?}");
    assert!(
        !deny.iter().any(|r| r.contains(".env.*)") || r.contains("example")),
        "the example stays readable"
    );
    let store = env.tkx_dir().to_string_lossy().into_owned();
    assert!(deny.contains(&format!("Read(/{store}/projects/**)").as_str()), "{deny:?}");
    let ptu = &settings["hooks"]["PreToolUse"][0];
    assert_eq!(ptu["hooks"][0]["command"], "tkx agent check --host claude || exit 2");
    assert_eq!(ptu["matcher"], "*", "every tool, a later version's new ones included");
    let start = &settings["hooks"]["SessionStart"][0];
    assert_eq!(start["hooks"][0]["command"], "tkx agent check --host claude");
    assert_eq!(settings["hooks"]["PostToolUse"][0]["matcher"], "Edit");
    let cursor: serde_json::Value = serde_json::from_str(&read(&env, ".cursor/hooks.json").unwrap()).unwrap();
    for ev in ["beforeReadFile", "beforeShellExecution", "beforeMCPExecution"] {
        assert_eq!(cursor["hooks"][ev][0]["command"], "tkx agent check --host cursor");
        assert_eq!(cursor["hooks"][ev][0]["failClosed"], true);
    }
    assert_eq!(cursor["hooks"]["afterFileEdit"][0]["command"], "./hooks/format.sh");
    let ci = read(&env, ".cursorignore").unwrap();
    assert!(
        ci.starts_with("node_modules/\r\ndist\n# tkx:") && ci.contains("\n.env\n.env.*\n!.env.example\n"),
        "{ci}"
    );
    assert!(read(&env, ".geminiignore").unwrap().contains("!.env.example"));
    assert!(read(&env, ".aiderignore").is_some());
    assert!(read(&env, ".codeiumignore").is_none(), "no sign of Windsurf");

    // A second run changes nothing.
    let snapshot: Vec<Option<String>> =
        [".claude/settings.local.json", ".cursor/hooks.json", ".cursorignore", ".geminiignore"]
            .iter()
            .map(|f| read(&env, f))
            .collect();
    let out = env.tkx(["agent", "install"]).output().unwrap();
    assert!(stderr(&out).contains(".claude/settings.local.json: already installed"), "{}", stderr(&out));
    let again: Vec<Option<String>> =
        [".claude/settings.local.json", ".cursor/hooks.json", ".cursorignore", ".geminiignore"]
            .iter()
            .map(|f| read(&env, f))
            .collect();
    assert_eq!(snapshot, again);

    // GEMINI.md: Gemini CLI's hook is in too, and protects once the folder is trusted.
    let out = env.tkx(["agent", "status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("folder trusted in Gemini CLI"), "{}", stdout(&out));
    let trust = format!("{{\"{}\": \"TRUST_FOLDER\"}}", env.project().display());
    env.write_abs(&env.root.join("home/.gemini/trustedFolders.json"), trust);
    let out = env.tkx(["agent", "status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("PreToolUse hook"), "{}", stdout(&out));

    let out = env.tkx(["agent", "uninstall"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(read(&env, ".claude/settings.local.json").unwrap(), CLAUDE_BEFORE);
    assert_eq!(read(&env, ".cursor/hooks.json").unwrap(), CURSOR_BEFORE);
    assert_eq!(read(&env, ".cursorignore").unwrap(), IGNORE_BEFORE);
    assert_eq!(read(&env, ".geminiignore"), None);
    assert_eq!(read(&env, ".aiderignore"), None);
}

#[test]
fn install_into_a_fresh_project_and_back_leaves_nothing() {
    let env = table_project();
    let before = names(&env.project());
    assert!(env.tkx(["agent", "install", "--all"]).output().unwrap().status.success());
    for f in [".geminiignore", ".aiexclude", ".aiderignore", ".codeiumignore", ".aiignore"] {
        let text = read(&env, f).unwrap_or_else(|| panic!("{f} missing"));
        assert!(
            !text.lines().any(|l| l == ".env.example" || l == ".env.*" && f == ".aiexclude"),
            "{f}: {text}"
        );
    }
    assert!(env.tkx(["agent", "uninstall", "--all"]).output().unwrap().status.success());
    assert_eq!(names(&env.project()), before);
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn status_lists_what_is_missing_per_host() {
    let env = agent_project();
    env.tkx(["agent", "install", "--host", "claude"]).assert().success();
    let out = env.tkx(["agent", "status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let s = stdout(&out);
    assert!(s.contains("Claude Code:\n  .claude/settings.local.json\n    PreToolUse hook"), "{s}");
    assert!(s.lines().any(|l| l.contains("beforeReadFile hook") && l.ends_with("missing")), "{s}");
    assert!(s.lines().any(|l| l.contains("permissions.deny rules") && l.contains("installed")), "{s}");
    assert!(s.contains("run `tkx agent install` to add what is missing"), "{s}");
}

#[test]
fn a_malformed_settings_file_is_refused_with_its_line_and_left_alone() {
    let env = table_project();
    let bad = "{\n  \"model\": \"opus\",\n  \"permissions\": {\"deny\": [],},\n}\n";
    env.write(".claude/settings.local.json", bad);
    let out = env.tkx(["agent", "install"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(".claude/settings.local.json:3:"), "{}", stderr(&out));
    assert_eq!(read(&env, ".claude/settings.local.json").unwrap(), bad);
    assert_eq!(read(&env, ".cursor/hooks.json"), None, "nothing written when one file is refused");
}

/// The guard never silently blocks a teammate without tkx: by default it goes into the
/// personal settings file, and `--shared` writes a hook that says what is missing.
#[test]
fn install_is_personal_by_default_and_shared_explains_itself() {
    let env = table_project();
    env.git(&["init", "-q"]);
    let out = env.tkx(["agent", "install", "--host", "claude"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(&env, ".claude/settings.local.json").unwrap().contains("tkx agent check --host claude"));
    assert_eq!(read(&env, ".claude/settings.json"), None, "nothing the team shares");
    let err = stderr(&out);
    assert!(err.contains("the guard is in .claude/settings.local.json, yours alone"), "{err}");
    assert!(err.contains("add .claude/settings.local.json to .gitignore"), "{err}");

    let out = env.tkx(["agent", "install", "--host", "claude", "--shared"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("which the team shares"), "{}", stderr(&out));
    let shared: serde_json::Value =
        serde_json::from_str(&read(&env, ".claude/settings.json").unwrap()).unwrap();
    let command = shared["hooks"]["PreToolUse"][0]["hooks"][0]["command"].as_str().unwrap().to_owned();
    // A teammate without tkx: the hook says what the project needs, on stderr, exit 2.
    let out = env
        .process("sh")
        .args(["-c", &command])
        .env("PATH", "/usr/bin:/bin")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tkx, which is not installed"), "{out:?}");
    // With tkx on PATH the same command is the guard.
    assert!(command.ends_with("tkx agent check --host claude || exit 2"), "{command}");
    // Status sees it; uninstall --shared takes it back out.
    assert!(
        stdout(&env.tkx(["agent", "status", "--host", "claude", "--shared"]).output().unwrap())
            .contains("PreToolUse hook")
    );
    env.tkx(["agent", "uninstall", "--host", "claude", "--shared"]).assert().success();
    assert_eq!(read(&env, ".claude/settings.json"), None);
    assert!(read(&env, ".claude/settings.local.json").unwrap().contains("tkx agent check"));
}

#[test]
fn user_level_settings_go_under_home() {
    let env = table_project();
    env.tkx(["agent", "install", "--user", "--host", "claude"]).assert().success();
    let p = env.root.join("home/.claude/settings.json");
    let text = fs::read_to_string(&p).unwrap();
    assert!(text.contains("tkx agent check --host claude"));
    assert_eq!(read(&env, ".claude/settings.json"), None);
    // The user-level hook covers this project too: status counts it.
    let out = env.tkx(["agent", "status", "--host", "claude"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("covered by the user-level"), "{}", stdout(&out));
    env.tkx(["agent", "uninstall", "--user", "--host", "claude"]).assert().success();
    assert!(!p.exists());
    assert_eq!(env.tkx(["agent", "status", "--host", "claude"]).output().unwrap().status.code(), Some(1));
}

// ---------------------------------------------------------------------------------
// --os-sandbox: Claude Code's own sandbox (issue 16)

fn deny_read(settings: &serde_json::Value) -> Vec<String> {
    settings["sandbox"]["filesystem"]["denyRead"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// A directory on `PATH` holding executables of these names (and nothing else).
fn path_with(env: &TestEnv, names: &[&str]) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = env.root.join(format!("bin-{}", names.join("-")));
    fs::create_dir_all(&dir).unwrap();
    for n in names {
        let p = dir.join(n);
        fs::write(&p, "#!/bin/sh\n").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

#[test]
fn os_sandbox_denies_env_files_stores_and_hide_and_uninstall_gives_back_every_byte() {
    let env = agent_project();
    env.write(".tkx.toml", "[agent]\nhide = [\"certs/*.key\", \"~/.ssh/id_*\"]\n");
    let out = env.tkx(["agent", "install", "--host", "claude", "--os-sandbox"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("its sandbox is on for Bash"), "{}", stderr(&out));
    let text = read(&env, ".claude/settings.local.json").unwrap();
    let settings: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(settings["sandbox"]["enabled"], true, "{text}");
    let deny = deny_read(&settings);
    let store = env.tkx_dir().to_string_lossy().into_owned();
    for want in [
        "**/.env".to_owned(),
        "**/.env.local".to_owned(),
        format!("/{store}/.env"),
        format!("/{store}/projects"),
        "certs/*.key".to_owned(),
        "~/.ssh/id_*".to_owned(),
    ] {
        assert!(deny.contains(&want), "{want} in {deny:?}");
    }
    assert!(!deny.iter().any(|e| e.contains("example") || e.ends_with(".env.*")), "{deny:?}");
    // The rest of the file as it was.
    assert_eq!(settings["model"], "opus");
    assert_eq!(settings["permissions"]["deny"][0], "Read(./secrets/**)");

    // Again: nothing changes.
    let out = env.tkx(["agent", "install", "--host", "claude", "--os-sandbox"]).output().unwrap();
    assert!(stderr(&out).contains("already installed"), "{}", stderr(&out));
    assert_eq!(read(&env, ".claude/settings.local.json").unwrap(), text);

    // Status: on, and the deny list covers tkx's paths; what Linux needs is named.
    let path = path_with(&env, &["bwrap", "socat"]);
    let out =
        env.tkx(["agent", "status", "--host", "claude", "--os-sandbox"]).env("PATH", &path).output().unwrap();
    let s = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{s}");
    assert!(
        s.lines().any(|l| l.contains("OS sandbox for Bash (sandbox.enabled)") && l.contains("installed")),
        "{s}"
    );
    assert!(
        s.lines().any(|l| l.contains("sandbox.filesystem.denyRead entries") && l.contains("installed (")),
        "{s}"
    );
    assert!(s.contains("bubblewrap and socat are on PATH"), "{s}");
    let bare = path_with(&env, &["bwrap"]);
    let s = stdout(&env.tkx(["agent", "status", "--host", "claude"]).env("PATH", &bare).output().unwrap());
    assert!(s.contains("installed (on, denying"), "described without the flag: {s}");
    assert!(s.contains("socat is not on PATH"), "{s}");

    // An entry taken out by hand shows as missing.
    let edited = text.replace("\"**/.env.local\", ", "").replace(",\n        \"**/.env.local\"", "");
    assert_ne!(edited, text, "the entry was there to take out: {text}");
    env.write(".claude/settings.local.json", &edited);
    let out = env.tkx(["agent", "status", "--host", "claude", "--os-sandbox"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("--os-sandbox` adds the rest"), "{}", stdout(&out));
    env.write(".claude/settings.local.json", &text);

    let out = env.tkx(["agent", "uninstall", "--host", "claude"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(read(&env, ".claude/settings.local.json").unwrap(), CLAUDE_BEFORE);
}

#[test]
fn os_sandbox_keeps_the_users_own_sandbox_settings() {
    let env = table_project();
    let before = "{\n  \"sandbox\": {\n    \"enabled\": true,\n    \"autoAllowBashIfSandboxed\": true,\n    \"filesystem\": {\n      \"denyRead\": [\"~/.gnupg\", \"**/.env\"]\n    }\n  }\n}\n";
    env.write(".claude/settings.local.json", before);
    // The user's own sandbox, before tkx adds to it: on, and mentioned only.
    let s = stdout(&env.tkx(["agent", "status", "--host", "claude"]).output().unwrap());
    assert!(
        s.lines().any(|l| l.contains("OS sandbox for Bash") && l.contains("installed (on, denying 1 of")),
        "{s}"
    );
    env.tkx(["agent", "install", "--host", "claude", "--os-sandbox"]).assert().success();
    let text = read(&env, ".claude/settings.local.json").unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["sandbox"]["autoAllowBashIfSandboxed"], true);
    let deny = deny_read(&v);
    assert_eq!(&deny[..2], ["~/.gnupg", "**/.env"]);
    assert_eq!(deny.iter().filter(|e| *e == "**/.env").count(), 1, "{deny:?}");
    // Edited since: uninstall goes through the syntax tree and keeps what was the user's,
    // `**/.env` and `enabled` included.
    env.write(".claude/settings.local.json", text.replacen('{', "{\n  \"model\": \"opus\",", 1));
    env.tkx(["agent", "uninstall", "--host", "claude"]).assert().success();
    let v: serde_json::Value =
        serde_json::from_str(&read(&env, ".claude/settings.local.json").unwrap()).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "model": "opus",
            "sandbox": {"enabled": true, "autoAllowBashIfSandboxed": true, "filesystem": {"denyRead": ["~/.gnupg", "**/.env"]}}
        })
    );
}

#[test]
fn os_sandbox_from_tkx_toml_and_refusals() {
    let env = table_project();
    // A sandbox the user turned off stays off: refused, nothing written.
    let off = "{\"sandbox\": {\"enabled\": false}}\n";
    env.write(".claude/settings.local.json", off);
    let out = env.tkx(["agent", "install", "--host", "claude", "--os-sandbox"]).output().unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("sandbox.enabled"), "{}", stderr(&out));
    assert_eq!(read(&env, ".claude/settings.local.json").unwrap(), off);
    fs::remove_file(env.project().join(".claude/settings.local.json")).unwrap();
    // Only Claude Code's sandbox can be told to deny reads.
    let out = env.tkx(["agent", "install", "--host", "codex", "--os-sandbox"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--os-sandbox is for Claude Code"), "{}", stderr(&out));
    // `[agent] os_sandbox = true` is the flag's setting.
    env.write(".tkx.toml", "[agent]\nos_sandbox = true\n");
    env.tkx(["agent", "install", "--host", "claude"]).assert().success();
    let v: serde_json::Value =
        serde_json::from_str(&read(&env, ".claude/settings.local.json").unwrap()).unwrap();
    assert_eq!(v["sandbox"]["enabled"], true);
    assert!(deny_read(&v).contains(&"**/.env".to_owned()));
    env.tkx(["agent", "uninstall", "--host", "claude"]).assert().success();
    assert_eq!(read(&env, ".claude/settings.local.json"), None, "tkx had created it");
}

#[test]
fn os_sandbox_at_user_level_names_the_stores_only() {
    let env = table_project();
    let out = env.tkx(["agent", "install", "--user", "--host", "claude", "--os-sandbox"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("run `tkx agent install --os-sandbox` in each project"),
        "{}",
        stderr(&out)
    );
    let p = env.root.join("home/.claude/settings.json");
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&p).unwrap()).unwrap();
    let store = env.tkx_dir().to_string_lossy().into_owned();
    assert_eq!(deny_read(&v), [format!("/{store}/.env"), format!("/{store}/projects")]);
    env.tkx(["agent", "uninstall", "--user", "--host", "claude"]).assert().success();
    assert!(!p.exists());
}

// ---------------------------------------------------------------------------------
// doctor

fn doctor_rules(env: &TestEnv, args: &[&str]) -> (i32, String, String) {
    let out = env.tkx(["doctor"]).args(args).output().unwrap();
    assert_no_leak(&out, KEY);
    (out.status.code().unwrap_or(-1), stdout(&out), stderr(&out))
}

#[test]
fn doctor_agents_warns_until_the_guard_is_in_and_the_keys_are_out() {
    let env = table_project();
    // No sign of an agent: quiet.
    let (_, out, _) = doctor_rules(&env, &[]);
    assert!(!out.contains("doctor/agents"), "{out}");
    env.write("CLAUDE.md", "# project notes\n");
    let (_, out, _) = doctor_rules(&env, &[]);
    assert!(out.contains("warning[doctor/agents]"), "{out}");
    assert!(out.contains("with no guard installed") && out.contains("OPENAI_PAT"), "{out}");
    assert!(out.contains("tkx agent install") && out.contains("tkx move --secrets --private"), "{out}");
    // --fix installs the guard and never moves keys.
    let (_, _, err) = doctor_rules(&env, &["--fix"]);
    assert!(err.contains("installed the agent guard"), "{err}");
    assert!(read(&env, ".claude/settings.local.json").unwrap().contains("tkx agent check"));
    assert!(read(&env, ".env").unwrap().contains("OPENAI_PAT="), "keys stay where they are");
    let (_, out, _) = doctor_rules(&env, &[]);
    assert!(out.contains("keeps keys in its tree") && !out.contains("no guard"), "{out}");
    // Keys moved out: quiet (the nested file keeps its key; move it too).
    env.tkx(["move", "--secrets", "--private"]).assert().success();
    env.write("services/api/.env.local", "LOG_LEVEL=debug\n");
    let (_, out, _) = doctor_rules(&env, &[]);
    assert!(!out.contains("doctor/agents"), "{out}");
}

#[test]
fn doctor_build_context() {
    let env = table_project();
    let (_, out, _) = doctor_rules(&env, &[]);
    assert!(!out.contains("build-context"), "{out}");
    env.write("Dockerfile", "FROM alpine\nCOPY . .\n");
    let (_, out, _) = doctor_rules(&env, &[]);
    assert!(
        out.contains("Dockerfile: warning[doctor/build-context]: Dockerfile has no .dockerignore"),
        "{out}"
    );
    env.write(".dockerignore", "node_modules\n.env\n");
    let (_, out, _) = doctor_rules(&env, &[]);
    assert!(out.contains(".dockerignore does not exclude services/api/.env.local"), "{out}");
    env.write(".dockerignore", "node_modules\n**/.env\n**/.env.*\n!**/.env.example\n");
    let (_, out, _) = doctor_rules(&env, &[]);
    assert!(!out.contains("build-context"), "{out}");

    env.write("package.json", "{\"name\": \"x\", \"version\": \"1.0.0\"}\n");
    env.write(".npmignore", "tests/\n");
    let (_, out, _) = doctor_rules(&env, &[]);
    assert!(out.contains("`npm publish` would include .env, services/api/.env.local"), "{out}");
    env.write("package.json", "{\"name\": \"x\", \"files\": [\"dist\"]}\n");
    let (_, out, _) = doctor_rules(&env, &[]);
    assert!(!out.contains("npm publish"), "{out}");
    env.write("package.json", "{\"name\": \"x\", \"private\": true}\n");
    let (_, out, _) = doctor_rules(&env, &[]);
    assert!(!out.contains("npm publish"), "{out}");
}
