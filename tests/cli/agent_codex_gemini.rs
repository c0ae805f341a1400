//! `tkx agent --host codex | gemini` (issue 15) through the real binary: install into a
//! project whose host settings have other content, the hook's answers in each protocol
//! (payloads in the shapes the real clients sent: scripts/e2e/README.md), the hook's own
//! command line failing closed, status with and without the host's trust, uninstall
//! giving back every byte, and doctor's `agents` check naming a hook that is not trusted.

use crate::support::{TestEnv, assert_no_leak, read, run_hook_line, stderr, stdout, tkx_path};
use std::fs;
use std::process::Output;

const KEY: &str = "sk-proj-CODEXgeminiKEY0123456789abcdefghiJKLM";
const PASSWORD: &str = "hunter2hunter2hunter2";

const CODEX_HOOKS_BEFORE: &str = "{\n  \"hooks\": {\n    \"PreToolUse\": [\n      {\n        \"matcher\": \"^Bash$\",\n        \"hooks\": [\n          { \"type\": \"command\", \"command\": \"./scripts/audit.sh\", \"timeout\": 5 }\n        ]\n      }\n    ],\n    \"Stop\": [{ \"hooks\": [{ \"type\": \"command\", \"command\": \"notify-send done\" }] }]\n  }\n}\n";

const GEMINI_BEFORE: &str = "{\n  // the team's model\n  \"model\": { \"name\": \"gemini-2.5-pro\" },\n  \"hooks\": {\n    \"AfterTool\": [\n      { \"matcher\": \"write_file|replace\", \"hooks\": [{ \"type\": \"command\", \"command\": \"npx prettier --write\" }] }\n    ]\n  },\n  /* keep the UI quiet */\n  \"ui\": { \"hideBanner\": true }\n}\n";

fn project() -> TestEnv {
    let env = TestEnv::git_repo();
    env.write(".gitignore", ".env\n.env.*\n!.env.example\n");
    env.write(".env", format!("OPENAI_PAT={KEY}\nPORT=8080\n"));
    env.write(".env.example", "OPENAI_PAT=\nPORT=\n");
    env.write("services/api/.env.local", format!("DB_PASSWORD={PASSWORD}\n"));
    env.write("src/main.rs", "fn main() {}\n");
    env
}

fn no_leak(out: &Output) {
    assert_no_leak(out, KEY);
    assert_no_leak(out, PASSWORD);
}

fn run(env: &TestEnv, args: &[&str]) -> Output {
    let out = env.tkx(args).output().unwrap();
    no_leak(&out);
    out
}

fn check(env: &TestEnv, host: &str, payload: &serde_json::Value) -> Output {
    let out = env.tkx(["agent", "check", "--host", host]).write_stdin(payload.to_string()).output().unwrap();
    no_leak(&out);
    out
}

/// Codex CLI's payload (Codex 0.171.0: every shell tool is shown as `Bash`).
fn codex_payload(env: &TestEnv, tool: &str, input: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "session_id": "019a2b", "turn_id": "1", "transcript_path": null, "cwd": env.project(),
        "hook_event_name": "PreToolUse", "model": "gpt-5", "permission_mode": "bypassPermissions",
        "tool_name": tool, "tool_input": input, "tool_use_id": "call_abc"
    })
}

/// Gemini CLI's payload (0.61.0).
fn gemini_payload(env: &TestEnv, tool: &str, input: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "session_id": "5f1c", "transcript_path": "/tmp/session.json", "cwd": env.project(),
        "hook_event_name": "BeforeTool", "timestamp": "2026-12-02T10:00:00.000Z",
        "tool_name": tool, "tool_input": input
    })
}

/// Runs the hook's command line from the host's settings file as the host does (`sh -c`,
/// the payload on stdin), with `path` as PATH.
fn run_hook_command(env: &TestEnv, command: &str, payload: &serde_json::Value, path: &str) -> Output {
    let out = run_hook_line(env, command, payload, path);
    no_leak(&out);
    out
}

fn with_tkx_on_path() -> String {
    let dir = tkx_path().parent().unwrap().to_path_buf();
    format!("{}:/usr/bin:/bin", dir.display())
}

#[test]
fn codex_install_check_status_uninstall() {
    let env = project();
    env.write(".codex/hooks.json", CODEX_HOOKS_BEFORE);
    let config = env.root.join("home/.codex/config.toml");
    let config_before = "# mine\nmodel = \"gpt-5\"\n";
    env.write_abs(&config, config_before);

    let out = run(&env, &["agent", "install", "--host", "codex"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(".codex/hooks.json: updated"), "{err}");
    assert!(err.contains("Codex CLI: not protecting yet"), "{err}");
    assert!(
        err.contains("trust the hook `tkx agent check --host codex`") && err.contains("`/hooks`"),
        "install says exactly what the user does: {err}"
    );
    assert_eq!(fs::read_to_string(&config).unwrap(), config_before, "tkx never writes Codex's trust");

    let text = read(&env, ".codex/hooks.json").unwrap();
    assert!(
        text.starts_with(
            "{\n  \"hooks\": {\n    \"PreToolUse\": [\n      {\n        \"matcher\": \"^Bash$\""
        ),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ours = &v["hooks"]["PreToolUse"][1];
    assert!(ours.get("matcher").is_none(), "every tool: {ours}");
    let command = ours["hooks"][0]["command"].as_str().unwrap().to_owned();
    assert!(command.starts_with("tkx agent check --host codex || "), "{command}");
    assert_eq!(ours["hooks"][0]["timeout"], 30);
    assert_eq!(v["hooks"]["Stop"][0]["hooks"][0]["command"], "notify-send done");

    // Untrusted: status says the hook does not protect.
    let out = run(&env, &["agent", "status", "--host", "codex"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let s = stdout(&out);
    assert!(s.starts_with("Codex CLI:\n  .codex/hooks.json\n"), "{s}");
    assert!(s.lines().any(|l| l.contains("PreToolUse hook") && l.contains("installed")), "{s}");
    assert!(
        s.lines().any(|l| l.contains("hook trusted in Codex") && l.contains("missing (Codex skips it")),
        "{s}"
    );
    assert!(s.lines().any(|l| l.contains("project trusted in Codex") && l.contains("missing")), "{s}");

    // Doctor names the host whose hook is skipped.
    let out = run(&env, &["doctor"]);
    assert!(
        stdout(&out).contains("Codex CLI's hook in .codex/hooks.json is not protecting yet"),
        "{}",
        stdout(&out)
    );

    // The user trusts the project and the hook in Codex (what Codex writes).
    let hooks = env.project().join(".codex/hooks.json");
    env.write_abs(
        &config,
        format!(
            "{config_before}\n[projects.\"{}\"]\ntrust_level = \"trusted\"\n\n[hooks.state.\"{}:pre_tool_use:1:0\"]\ntrusted_hash = \"sha256:0f3a\"\n",
            env.project().display(),
            hooks.display()
        ),
    );
    let out = run(&env, &["agent", "status", "--host", "codex"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // The protocol: a denial with a reason, exit 0; an allowed call prints nothing.
    let out = check(&env, "codex", &codex_payload(&env, "Bash", serde_json::json!({"command": "cat .env"})));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let reason = v["hookSpecificOutput"]["permissionDecisionReason"].as_str().unwrap().to_owned();
    assert_eq!(
        v,
        serde_json::json!({"hookSpecificOutput": {"hookEventName": "PreToolUse",
            "permissionDecision": "deny", "permissionDecisionReason": reason}}),
        "exactly Codex's shape"
    );
    assert!(reason.starts_with("tkx: ") && reason.contains("tkx exec -- CMD"), "{reason}");
    let argv =
        codex_payload(&env, "Bash", serde_json::json!({"command": "bash -lc 'cat services/api/.env.local'"}));
    assert!(stdout(&check(&env, "codex", &argv)).contains("\"deny\""));
    let patch = "*** Begin Patch\n*** Update File: .env\n@@\n-PORT=8080\n+PORT=9090\n*** End Patch\n";
    let out =
        check(&env, "codex", &codex_payload(&env, "apply_patch", serde_json::json!({"command": patch})));
    assert!(stdout(&out).contains("editing .env is blocked"), "{}", stdout(&out));
    for cmd in ["ls -la", "cat .env.example", "cargo test"] {
        let out = check(&env, "codex", &codex_payload(&env, "Bash", serde_json::json!({"command": cmd})));
        assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), ""), "{cmd}");
    }
    let out = env.tkx(["agent", "check", "--host", "codex"]).write_stdin("{truncated").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("fail closed"), "exit 2 blocks only with a reason on stderr");

    // The command line as Codex runs it: with tkx, the same answer; without, blocked.
    let payload = codex_payload(&env, "Bash", serde_json::json!({"command": "cat .env"}));
    let out = run_hook_command(&env, &command, &payload, &with_tkx_on_path());
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"permissionDecision\":\"deny\""));
    let out = run_hook_command(&env, &command, &payload, "/usr/bin:/bin");
    assert_eq!(out.status.code(), Some(2), "a missing tkx blocks");
    assert!(String::from_utf8_lossy(&out.stderr).contains("fail closed"));

    // Uninstall: untouched since, so every byte comes back.
    let out = run(&env, &["agent", "uninstall", "--host", "codex"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(read(&env, ".codex/hooks.json").unwrap(), CODEX_HOOKS_BEFORE);
}

#[test]
fn codex_uninstall_after_the_user_edited_the_file_takes_only_tkx_out() {
    let env = project();
    run(&env, &["agent", "install", "--host", "codex"]);
    let text = read(&env, ".codex/hooks.json").unwrap();
    let edited = text.replacen("{", "{\n  \"x-note\": \"mine\",", 1);
    env.write(".codex/hooks.json", &edited);
    let out = run(&env, &["agent", "uninstall", "--host", "codex"]);
    assert!(stderr(&out).contains("removed tkx's entries"), "{}", stderr(&out));
    let after = read(&env, ".codex/hooks.json").unwrap();
    assert!(!after.contains("tkx agent check"), "{after}");
    assert!(after.contains("\"x-note\": \"mine\""), "{after}");
}

#[test]
fn codex_user_level_install() {
    let env = project();
    let out = run(&env, &["agent", "install", "--user", "--host", "codex"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = env.root.join("home/.codex/hooks.json");
    assert!(fs::read_to_string(&path).unwrap().contains("tkx agent check --host codex"));
    assert!(!env.project().join(".codex").exists());
    let s = stdout(&run(&env, &["agent", "status", "--user", "--host", "codex"]));
    assert!(!s.contains("project trusted"), "a user-level hook needs no project trust: {s}");
    assert!(s.contains("hook trusted in Codex"), "{s}");
    run(&env, &["agent", "uninstall", "--user", "--host", "codex"]);
    assert!(!path.exists());

    // `$CODEX_HOME` moves Codex's user directory, and with it the hook and the trust.
    let codex_home = env.root.join("codex-home");
    let hooks = codex_home.join("hooks.json");
    let out = env
        .tkx(["agent", "install", "--user", "--host", "codex"])
        .env("CODEX_HOME", &codex_home)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(fs::read_to_string(&hooks).unwrap().contains("tkx agent check --host codex"));
    env.write_abs(
        &codex_home.join("config.toml"),
        format!("[hooks.state.\"{}:pre_tool_use:0:0\"]\ntrusted_hash = \"sha256:1\"\n", hooks.display()),
    );
    let out = env
        .tkx(["agent", "status", "--user", "--host", "codex"])
        .env("CODEX_HOME", &codex_home)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// A check that has not decided by its deadline is refused in the host's shape (the hosts
/// let a tool run when their own limit passes). A payload of 30 MB takes longer to read
/// than a deadline of 1 ms.
#[test]
fn a_late_check_is_a_denial() {
    let env = project();
    let pad = "x".repeat(30 << 20);
    let late = |host: &str, mut payload: serde_json::Value| {
        payload["pad"] = serde_json::Value::String(pad.clone());
        let out = env
            .tkx(["agent", "check", "--host", host])
            .env("TKX_AGENT_CHECK_DEADLINE_MS", "1")
            .write_stdin(payload.to_string())
            .output()
            .unwrap();
        no_leak(&out);
        out
    };
    let out = late("codex", codex_payload(&env, "Bash", serde_json::json!({"command": "ls"})));
    assert_eq!(out.status.code(), Some(0));
    let s = stdout(&out);
    assert!(s.contains("\"permissionDecision\":\"deny\"") && s.contains("took longer than"), "{s}");
    let out = late("gemini", gemini_payload(&env, "run_shell_command", serde_json::json!({"command": "ls"})));
    assert!(stdout(&out).contains("\"decision\":\"deny\""), "{}", stdout(&out));
    let out = late("claude", serde_json::json!({"tool_name": "Bash", "tool_input": {"command": "ls"}}));
    assert_eq!(out.status.code(), Some(2), "Claude Code blocks on exit 2");
    assert!(stderr(&out).contains("took longer than"));
}

#[test]
fn gemini_install_check_status_uninstall() {
    let env = project();
    env.write(".gemini/settings.json", GEMINI_BEFORE);

    let out = run(&env, &["agent", "install", "--host", "gemini"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(".gemini/settings.json: updated") && err.contains(".geminiignore: created"),
        "{err}"
    );
    assert!(err.contains("Gemini CLI: not protecting yet") && err.contains("trust the folder"), "{err}");
    let text = read(&env, ".gemini/settings.json").unwrap();
    for kept in ["// the team's model", "/* keep the UI quiet */", "\"ui\": { \"hideBanner\": true }"] {
        assert!(text.contains(kept), "{kept}: {text}");
    }
    assert!(text.find("\"model\"") < text.find("\"hooks\"") && text.find("\"hooks\"") < text.find("\"ui\""));
    assert!(text.contains("\"matcher\": \"*\""), "{text}");
    assert!(text.contains("\"name\": \"tkx-guard\"") && text.contains("\"timeout\": 30000"), "{text}");
    assert!(read(&env, ".geminiignore").unwrap().contains("!.env.example"));

    let out = run(&env, &["agent", "status", "--host", "gemini"]);
    assert_eq!(out.status.code(), Some(1));
    let s = stdout(&out);
    assert!(s.starts_with("Gemini CLI:\n  .gemini/settings.json\n"), "{s}");
    assert!(s.lines().any(|l| l.contains("folder trusted in Gemini CLI") && l.contains("missing")), "{s}");
    assert!(s.contains("  .geminiignore"), "{s}");
    let out = run(&env, &["doctor"]);
    assert!(
        stdout(&out).contains("Gemini CLI's hook in .gemini/settings.json is not protecting yet"),
        "{}",
        stdout(&out)
    );
    env.write_abs(
        &env.root.join("home/.gemini/trustedFolders.json"),
        format!("{{\n  \"{}\": \"TRUST_FOLDER\"\n}}\n", env.project().display()),
    );
    let out = run(&env, &["agent", "status", "--host", "gemini"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // The protocol: `{"decision":"deny","reason":…}`, exit 0; allowed: nothing.
    for (tool, input) in [
        ("run_shell_command", serde_json::json!({"command": "cat .env", "description": "show the env"})),
        ("read_file", serde_json::json!({"file_path": env.project().join(".env")})),
        (
            "grep_search",
            serde_json::json!({"pattern": "PASSWORD", "dir_path": format!("{}/.", env.project().display()), "include_pattern": "**/.env*"}),
        ),
        (
            "read_many_files",
            serde_json::json!({"include": ["services/"], "file_filtering_options": {"respect_git_ignore": false}}),
        ),
    ] {
        let out = check(&env, "gemini", &gemini_payload(&env, tool, input));
        assert_eq!(out.status.code(), Some(0), "{tool}: {}", stderr(&out));
        let v: serde_json::Value =
            serde_json::from_str(&stdout(&out)).unwrap_or_else(|_| panic!("{tool} allowed"));
        let reason = v["reason"].as_str().unwrap().to_owned();
        assert_eq!(v, serde_json::json!({"decision": "deny", "reason": reason}), "{tool}");
        assert!(reason.starts_with("tkx: ") && reason.contains("never print values"), "{reason}");
    }
    for (tool, input) in [
        ("run_shell_command", serde_json::json!({"command": "cargo build"})),
        ("read_file", serde_json::json!({"file_path": env.project().join(".env.example")})),
        ("list_directory", serde_json::json!({"dir_path": env.project()})),
        // Git-ignored env files are skipped by Gemini CLI's own file tools by default.
        ("read_many_files", serde_json::json!({"include": ["services/"]})),
    ] {
        let out = check(&env, "gemini", &gemini_payload(&env, tool, input));
        assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), ""), "{tool}");
    }
    let out = env.tkx(["agent", "check", "--host", "gemini"]).write_stdin("").output().unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(2), ""), "exit 2 denies; 1 would only warn");
    assert!(stderr(&out).contains("fail closed"));

    let command = {
        let v: serde_json::Value = jsonc_strip(&read(&env, ".gemini/settings.json").unwrap());
        v["hooks"]["BeforeTool"][0]["hooks"][0]["command"].as_str().unwrap().to_owned()
    };
    let payload = gemini_payload(&env, "run_shell_command", serde_json::json!({"command": "cat .env"}));
    let out = run_hook_command(&env, &command, &payload, &with_tkx_on_path());
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"decision\":\"deny\""));
    let out = run_hook_command(&env, &command, &payload, "/usr/bin:/bin");
    assert_eq!(out.status.code(), Some(2), "a missing tkx denies");
    assert!(String::from_utf8_lossy(&out.stderr).contains("fail closed"));

    let out = run(&env, &["agent", "uninstall", "--host", "gemini"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(read(&env, ".gemini/settings.json").unwrap(), GEMINI_BEFORE);
    assert_eq!(read(&env, ".geminiignore"), None);
}

#[test]
fn gemini_hooks_turned_off_are_turned_on_and_back() {
    let env = project();
    let before = "{\n  \"hooksConfig\": { \"enabled\": false }\n}\n";
    env.write(".gemini/settings.json", before);
    run(&env, &["agent", "install", "--host", "gemini"]);
    let text = read(&env, ".gemini/settings.json").unwrap();
    assert!(text.contains("\"enabled\": true"), "{text}");
    run(&env, &["agent", "uninstall", "--host", "gemini"]);
    assert_eq!(read(&env, ".gemini/settings.json").unwrap(), before);
}

/// The default `--host all` adds Codex CLI and Gemini CLI only where there is a sign of
/// them; a project that uses neither gets none of their files.
#[test]
fn host_all_takes_codex_and_gemini_where_they_are_used() {
    let env = project();
    run(&env, &["agent", "install"]);
    assert!(read(&env, ".claude/settings.local.json").is_some());
    assert!(!env.project().join(".codex").exists() && !env.project().join(".gemini").exists());
    let s = stdout(&run(&env, &["agent", "status"]));
    assert!(!s.contains("Codex CLI") && !s.contains("Gemini CLI"), "{s}");
    run(&env, &["agent", "uninstall"]);

    fs::create_dir_all(env.root.join("home/.codex")).unwrap();
    env.write("GEMINI.md", "# notes\n");
    let out = run(&env, &["agent", "install"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(&env, ".codex/hooks.json").unwrap().contains("tkx agent check --host codex"));
    assert!(read(&env, ".gemini/settings.json").unwrap().contains("tkx agent check --host gemini"));
    let s = stdout(&run(&env, &["agent", "status"]));
    assert!(s.contains("Codex CLI:\n") && s.contains("Gemini CLI:\n"), "{s}");
    run(&env, &["agent", "uninstall"]);
    assert!(!env.project().join(".codex").exists() && !env.project().join(".gemini").exists());
}

/// Gemini CLI's settings allow comments: strip them to read the file in a test.
fn jsonc_strip(text: &str) -> serde_json::Value {
    let kept: String = text
        .lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .filter(|l| !l.trim_start().starts_with("/*"))
        .collect::<Vec<_>>()
        .join("\n");
    serde_json::from_str(&kept).unwrap()
}
