//! `tkx agent` for GitHub Copilot, opencode and Windsurf (issue 15), through the real
//! binary: install into a project with its own files, the installed hook commands run as
//! the hosts run them, `tkx agent check` in each protocol, status, uninstall back to the
//! same bytes, `--host all`, and doctor's `agents` check. opencode's plugin is loaded in
//! node when node is there.

use crate::support::{TestEnv, assert_no_leak, has, read, run_hook_line, stderr, stdout};
use std::fs;
use std::path::Path;
use std::process::Output;

const KEY: &str = "sk-proj-HOSTStestKEY0123456789abcdefghiJKLMNO";

fn project() -> TestEnv {
    let env = TestEnv::git_repo();
    env.write(".gitignore", ".env\n");
    env.write(".env", format!("OPENAI_PAT={KEY}\nPORT=8080\n"));
    env.write(".env.example", "OPENAI_PAT=\nPORT=\n");
    env.write("src/main.rs", "fn main() {}\n");
    env
}

fn run(env: &TestEnv, args: &[&str]) -> Output {
    let out = env.tkx(args).output().unwrap();
    assert_no_leak(&out, KEY);
    out
}

fn check(env: &TestEnv, host: &str, payload: &serde_json::Value) -> Output {
    let out = env.tkx(["agent", "check", "--host", host]).write_stdin(payload.to_string()).output().unwrap();
    assert_no_leak(&out, KEY);
    out
}

/// A shell line run as a host runs its hook command: `sh -c`, the payload on stdin, in
/// the project, with `path` as PATH.
fn hook(env: &TestEnv, line: &str, payload: &serde_json::Value, path: &str) -> Output {
    let out = run_hook_line(env, line, payload, path);
    assert_no_leak(&out, KEY);
    out
}

/// A directory holding `tkx` (a link to the binary under test), and PATH with it first.
fn path_with_tkx(env: &TestEnv) -> String {
    let bin = env.root.join("bin");
    fs::create_dir_all(&bin).unwrap();
    let link = bin.join("tkx");
    if !link.exists() {
        std::os::unix::fs::symlink(crate::support::tkx_path(), &link).unwrap();
    }
    format!("{}:/usr/bin:/bin", bin.display())
}

// GitHub Copilot

const COPILOT_OTHER: &str = "{\n  \"version\": 1,\n  \"hooks\": {\n    \"postToolUse\": [\n      { \"type\": \"command\", \"bash\": \"./scripts/log.sh\" }\n    ]\n  }\n}\n";

fn copilot_payload(env: &TestEnv, tool: &str, args: serde_json::Value) -> serde_json::Value {
    // The CLI's camelCase payload; `toolArgs` as JSON text, as the CLI sends it.
    serde_json::json!({
        "sessionId": "0b6c…", "timestamp": 1_764_673_200_000_u64, "cwd": env.project(),
        "toolName": tool, "toolArgs": args.to_string()
    })
}

#[test]
fn copilot_install_check_status_uninstall() {
    let env = project();
    env.write(".github/hooks/audit.json", COPILOT_OTHER);
    let out = run(&env, &["agent", "install", "--host", "copilot"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains(".github/hooks/tkx.json: created"), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("GitHub Copilot: .github/hooks/tkx.json applies to everyone who works in this project"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&env, ".github/hooks/audit.json").unwrap(), COPILOT_OTHER, "other hook files untouched");
    let file: serde_json::Value =
        serde_json::from_str(&read(&env, ".github/hooks/tkx.json").unwrap()).unwrap();
    assert_eq!(file["version"], 1);
    let entry = &file["hooks"]["preToolUse"][0];
    assert_eq!(entry["type"], "command");
    assert!(entry["bash"].as_str().unwrap().starts_with("tkx agent check --host copilot || "));
    assert!(entry["powershell"].as_str().unwrap().contains("tkx agent check --host copilot"));
    assert!(entry["timeoutSec"].as_u64().unwrap() > 10);

    // The protocol: a deny is exactly these two fields; an allow prints nothing.
    let out =
        check(&env, "copilot", &copilot_payload(&env, "bash", serde_json::json!({"command": "cat .env"})));
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["permissionDecision", "permissionDecisionReason"]);
    assert_eq!(v["permissionDecision"], "deny");
    assert!(v["permissionDecisionReason"].as_str().unwrap().contains("tkx exec -- CMD"), "{v}");
    let view = serde_json::json!({"path": env.project().join(".env")});
    let out = check(&env, "copilot", &copilot_payload(&env, "view", view));
    assert!(stdout(&out).contains("\"deny\""), "{}", stdout(&out));
    for (tool, args) in [
        ("bash", serde_json::json!({"command": "cargo test"})),
        ("view", serde_json::json!({"path": env.project().join(".env.example")})),
    ] {
        let out = check(&env, "copilot", &copilot_payload(&env, tool, args));
        assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), ""), "{tool}");
    }
    let out = env.tkx(["agent", "check", "--host", "copilot"]).write_stdin("{oops").output().unwrap();
    assert!(stdout(&out).contains("\"permissionDecision\":\"deny\""), "fail closed: {}", stdout(&out));

    // The installed command, as Copilot runs it: tkx's answer, and a deny without tkx.
    let line = entry["bash"].as_str().unwrap();
    let cat = copilot_payload(&env, "bash", serde_json::json!({"command": "cat .env"}));
    let out = hook(&env, line, &cat, &path_with_tkx(&env));
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(v["permissionDecisionReason"].as_str().unwrap().starts_with("tkx: "), "{v}");
    let out = hook(&env, line, &cat, "/nonexistent");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["permissionDecision"], "deny", "tkx missing: denied");

    let out = run(&env, &["agent", "status", "--host", "copilot"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("GitHub Copilot:\n  .github/hooks/tkx.json\n    preToolUse hook"),
        "{}",
        stdout(&out)
    );

    let out = run(&env, &["agent", "uninstall", "--host", "copilot"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(&env, ".github/hooks/tkx.json"), None);
    assert_eq!(read(&env, ".github/hooks/audit.json").unwrap(), COPILOT_OTHER);
    let out = run(&env, &["agent", "status", "--host", "copilot"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("missing"), "{}", stdout(&out));
}

#[test]
fn copilot_user_level_goes_under_home() {
    let env = project();
    run(&env, &["agent", "install", "--host", "copilot", "--user"]);
    let home = env.root.join("home");
    assert!(home.join(".copilot/hooks/tkx.json").is_file());
    assert!(read(&env, ".github/hooks/tkx.json").is_none());
    run(&env, &["agent", "uninstall", "--host", "copilot", "--user"]);
    assert!(!home.join(".copilot").exists(), "the directories tkx created go too");
}

// opencode

const OPENCODE_BEFORE: &str = "{\n  // shared by the team\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"model\": \"anthropic/claude-sonnet-4-5\",\n  \"permission\": {\n    \"bash\": \"ask\",\n    \"read\": {\n      \"*\": \"allow\", // the rest of the tree\n    },\n  },\n}\n";

fn opencode_payload(env: &TestEnv, tool: &str, args: serde_json::Value) -> serde_json::Value {
    // What tkx's plugin sends: opencode's `input`, `output.args` and its directory.
    serde_json::json!({"tool": tool, "sessionID": "ses_01", "callID": "call_01", "args": args, "cwd": env.project()})
}

#[test]
fn opencode_install_check_status_uninstall() {
    let env = project();
    env.write("opencode.json", OPENCODE_BEFORE);
    let out = run(&env, &["agent", "install", "--host", "opencode"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let config = read(&env, "opencode.json").unwrap();
    assert!(config.starts_with("{\n  // shared by the team\n  \"$schema\""), "{config}");
    assert!(config.contains("\"*\": \"allow\", // the rest of the tree"), "{config}");
    let at = |s: &str| config.find(s).unwrap_or_else(|| panic!("{s} in {config}"));
    assert!(at("\"*\": \"allow\"") < at("\"*.env\": \"deny\""), "tkx's rules come last: {config}");
    assert!(at("\"*.env.*\": \"deny\"") < at("\"*.env.example\": \"allow\""), "{config}");
    assert!(config.contains("\"edit\": {"), "{config}");
    let plugin = read(&env, ".opencode/plugins/tkx.js").unwrap();
    assert!(plugin.contains("\"tool.execute.before\"") && plugin.contains("\"--host\", \"opencode\""));

    let out = check(
        &env,
        "opencode",
        &opencode_payload(&env, "bash", serde_json::json!({"command": "cat .env", "description": "Show"})),
    );
    assert_eq!((out.status.code(), stderr(&out).as_str()), (Some(0), ""));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["decision"], "deny");
    assert!(v["reason"].as_str().unwrap().starts_with("tkx: "), "{v}");
    let out = check(
        &env,
        "opencode",
        &opencode_payload(&env, "read", serde_json::json!({"filePath": env.project().join(".env")})),
    );
    assert!(stdout(&out).contains("\"deny\""));
    let out = check(
        &env,
        "opencode",
        &opencode_payload(&env, "read", serde_json::json!({"filePath": env.project().join("src/main.rs")})),
    );
    assert_eq!(stdout(&out), "{\"decision\":\"allow\"}\n");

    let out = run(&env, &["agent", "status", "--host", "opencode"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let s = stdout(&out);
    assert!(s.contains("opencode:\n  opencode.json\n    permission.read rules"), "{s}");
    assert!(s.contains(".opencode/plugins/tkx.js\n    tool.execute.before plugin (fail closed)"), "{s}");

    // A second run changes nothing; uninstall gives back every byte and takes the plugin.
    run(&env, &["agent", "install", "--host", "opencode"]);
    assert_eq!(read(&env, "opencode.json").unwrap(), config);
    run(&env, &["agent", "uninstall", "--host", "opencode"]);
    assert_eq!(read(&env, "opencode.json").unwrap(), OPENCODE_BEFORE);
    assert!(!env.project().join(".opencode").exists(), "the plugin and the directories tkx made are gone");
}

#[test]
fn opencode_edited_since_install_keeps_the_users_changes() {
    let env = project();
    env.write("opencode.json", OPENCODE_BEFORE);
    run(&env, &["agent", "install", "--host", "opencode"]);
    let edited = read(&env, "opencode.json").unwrap().replace("\"bash\": \"ask\"", "\"bash\": \"allow\"");
    env.write("opencode.json", &edited);
    run(&env, &["agent", "uninstall", "--host", "opencode"]);
    let after = read(&env, "opencode.json").unwrap();
    assert!(after.contains("\"bash\": \"allow\"") && after.contains("// shared by the team"), "{after}");
    assert!(!after.contains(".env"), "{after}");
}

/// opencode adds `$schema` to a config file it loads: the file tkx created still goes.
#[test]
fn opencode_a_created_config_goes_even_after_opencode_added_its_schema() {
    let env = project();
    let before = crate::support::names_in(&env.project());
    run(&env, &["agent", "install", "--host", "opencode"]);
    let text = read(&env, "opencode.json").unwrap();
    env.write(
        "opencode.json",
        text.replacen("{\n", "{\n  \"$schema\": \"https://opencode.ai/config.json\",\n", 1),
    );
    run(&env, &["agent", "uninstall", "--host", "opencode"]);
    assert_eq!(crate::support::names_in(&env.project()), before);
}

#[test]
fn opencode_refuses_a_plugin_file_that_is_not_tkxs() {
    let env = project();
    env.write(".opencode/plugins/tkx.js", "export const Mine = async () => ({})\n");
    let out = run(&env, &["agent", "install", "--host", "opencode"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("exists and is not tkx's"), "{}", stderr(&out));
    assert!(read(&env, "opencode.json").is_none(), "nothing was written");
}

/// The plugin as opencode loads it, in node: tkx's deny is thrown with its reason, an
/// allow resolves, and a missing, failing or babbling tkx throws.
#[test]
fn opencode_plugin_runs_in_node_and_fails_closed() {
    if !has("node") {
        eprintln!("skipped: node is not installed");
        return;
    }
    let env = project();
    run(&env, &["agent", "install", "--host", "opencode"]);
    // As an ES module whatever node's default for `.js`.
    let plugin = env.root.join("plugin.mjs");
    fs::copy(env.project().join(".opencode/plugins/tkx.js"), &plugin).unwrap();
    let driver = env.root.join("driver.mjs");
    fs::write(
        &driver,
        r#"const { TkxGuard } = await import(process.argv[2]);
const hooks = await TkxGuard({ directory: process.argv[3] });
const [tool, args] = JSON.parse(process.argv[4]);
try {
  await hooks["tool.execute.before"]({ tool, sessionID: "ses_01", callID: "call_01" }, { args });
  console.log("ALLOWED");
} catch (e) {
  console.log("THROWN " + e.message);
}
"#,
    )
    .unwrap();
    let node = |path: &str, call: serde_json::Value| -> String {
        let out = env
            .process("node")
            .arg(&driver)
            .arg(&plugin)
            .arg(env.project())
            .arg(call.to_string())
            .env("PATH", path)
            .output()
            .unwrap();
        assert_no_leak(&out, KEY);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let node_dir =
        std::process::Command::new("sh").args(["-c", "dirname \"$(command -v node)\""]).output().unwrap();
    let node_dir = String::from_utf8_lossy(&node_dir.stdout).trim().to_owned();
    let with_tkx = format!("{}:{node_dir}", path_with_tkx(&env));

    let out = node(&with_tkx, serde_json::json!(["bash", {"command": "cat .env", "description": "x"}]));
    assert!(out.starts_with("THROWN tkx: ") && out.contains("tkx exec -- CMD"), "{out}");
    let out = node(&with_tkx, serde_json::json!(["read", {"filePath": env.project().join(".env")}]));
    assert!(out.starts_with("THROWN tkx: "), "{out}");
    let out = node(&with_tkx, serde_json::json!(["bash", {"command": "ls src", "description": "x"}]));
    assert_eq!(out, "ALLOWED\n");

    // No tkx on PATH.
    let out = node(&format!("/nonexistent:{node_dir}"), serde_json::json!(["bash", {"command": "ls"}]));
    assert!(out.starts_with("THROWN tkx: the guard could not check this bash call"), "{out}");
    // A tkx that fails, and one that answers nonsense.
    for (name, script) in [("failing", "#!/bin/sh\nexit 1\n"), ("babbling", "#!/bin/sh\necho hello\n")] {
        let dir = env.root.join(name);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("tkx"), script).unwrap();
        env.chmod(&dir.join("tkx"), 0o755);
        let out =
            node(&format!("{}:{node_dir}", dir.display()), serde_json::json!(["bash", {"command": "ls"}]));
        assert!(out.starts_with("THROWN tkx: the guard could not check"), "{name}: {out}");
    }
}

// Windsurf

const WINDSURF_BEFORE: &str = "{\n  \"hooks\": {\n    \"post_write_code\": [\n      { \"command\": \"npx prettier --write\", \"show_output\": false }\n    ]\n  }\n}\n";

#[test]
fn windsurf_install_check_status_uninstall() {
    let env = project();
    env.write(".windsurf/hooks.json", WINDSURF_BEFORE);
    run(&env, &["agent", "install", "--host", "windsurf"]);
    let file: serde_json::Value = serde_json::from_str(&read(&env, ".windsurf/hooks.json").unwrap()).unwrap();
    for ev in ["pre_read_code", "pre_run_command", "pre_mcp_tool_use"] {
        assert_eq!(file["hooks"][ev][0]["command"], "tkx agent check --host windsurf || exit 2");
    }
    let payload = serde_json::json!({
        "agent_action_name": "pre_run_command", "trajectory_id": "t", "execution_id": "e",
        "timestamp": "2026-12-02T11:00:00Z", "tool_info": {"command_line": "cat .env", "cwd": env.project()}
    });
    let out = check(&env, "windsurf", &payload);
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(2), ""));
    assert!(stderr(&out).starts_with("tkx: "), "{}", stderr(&out));
    let read_ok = serde_json::json!({
        "agent_action_name": "pre_read_code", "trajectory_id": "t", "execution_id": "e",
        "timestamp": "2026-12-02T11:00:00Z", "tool_info": {"file_path": env.project().join("src/main.rs")}
    });
    let out = check(&env, "windsurf", &read_ok);
    assert_eq!((out.status.code(), stdout(&out).as_str(), stderr(&out).as_str()), (Some(0), "", ""));
    // The installed command without tkx: exit 2 blocks.
    let out = hook(&env, "tkx agent check --host windsurf || exit 2", &read_ok, "/nonexistent");
    assert_eq!(out.status.code(), Some(2));

    let out = run(&env, &["agent", "status", "--host", "windsurf"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("Windsurf:\n  .windsurf/hooks.json\n    pre_read_code hook"),
        "{}",
        stdout(&out)
    );
    run(&env, &["agent", "uninstall", "--host", "windsurf"]);
    assert_eq!(read(&env, ".windsurf/hooks.json").unwrap(), WINDSURF_BEFORE);
}

// All hosts

#[test]
fn host_all_adds_the_new_hosts_only_where_they_are_in_use() {
    let env = project();
    let before = crate::support::names_in(&env.project());
    run(&env, &["agent", "install"]);
    for f in [".github/hooks/tkx.json", "opencode.json", ".opencode/plugins/tkx.js", ".windsurf/hooks.json"] {
        assert!(read(&env, f).is_none(), "{f} without a sign of its host");
    }
    run(&env, &["agent", "uninstall"]);
    assert_eq!(crate::support::names_in(&env.project()), before);

    env.write(".github/copilot-instructions.md", "# notes\n");
    env.write(".windsurfrules", "be brief\n");
    fs::create_dir_all(env.project().join(".opencode")).unwrap();
    run(&env, &["agent", "install"]);
    for f in [".github/hooks/tkx.json", "opencode.json", ".opencode/plugins/tkx.js", ".windsurf/hooks.json"] {
        assert!(read(&env, f).is_some(), "{f} with a sign of its host");
    }
    let out = run(&env, &["agent", "status"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    for host in ["Claude Code:", "Cursor:", "GitHub Copilot:", "opencode:", "Windsurf:"] {
        assert!(stdout(&out).contains(host), "{host}: {}", stdout(&out));
    }
    run(&env, &["agent", "uninstall"]);
    for f in [".github/hooks/tkx.json", "opencode.json", ".opencode/plugins/tkx.js", ".windsurf/hooks.json"] {
        assert!(read(&env, f).is_none(), "{f} removed");
    }
    let out = env.tkx(["agent", "check", "--host", "all"]).write_stdin("{}").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--host opencode"), "{}", stderr(&out));
}

#[test]
fn doctor_names_the_guarded_host() {
    let env = project();
    fs::create_dir_all(env.project().join(".opencode")).unwrap();
    let out = run(&env, &["doctor"]);
    let s = stdout(&out);
    assert!(
        s.contains("warning[doctor/agents]") && s.contains("(.opencode)") && s.contains("no guard"),
        "{s}"
    );
    run(&env, &["agent", "install", "--host", "opencode"]);
    let out = run(&env, &["doctor"]);
    let s = stdout(&out);
    assert!(s.contains("the guard (opencode)") && !s.contains("no guard"), "{s}");
    assert!(!Path::new(&env.project().join(".github/hooks/tkx.json")).exists());
}
