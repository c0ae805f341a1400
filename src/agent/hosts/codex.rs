//! Codex CLI: the `PreToolUse` hook protocol, and what tkx merges into `.codex/hooks.json`.
//!
//! Followed: `@openai/codex` 0.171.0 (the `codex` binary of `@openai/codex@0.171.0-linux-x64`:
//! its strings and `codex exec --help`) and the hooks crate of its source
//! (github.com/openai/codex, `codex-rs/hooks/src/engine/discovery.rs`, `config_rules.rs`,
//! `lib.rs` `hook_key`, the tool handlers' `pre_tool_use_payload`), with the payloads the
//! real client sent in `scripts/e2e/README.md`.
//!
//! - Hooks live in `hooks.json` next to a config layer's `config.toml`: `~/.codex/` for the
//!   user, `<project>/.codex/` for a project (loaded only once the project is trusted:
//!   `[projects."<dir>"] trust_level = "trusted"` in `~/.codex/config.toml`). The format is
//!   Claude Code's:
//!   `{"hooks":{"PreToolUse":[{"matcher":…,"hooks":[{"type":"command","command":…,"timeout":<seconds>}]}]}}`;
//!   no matcher matches every tool.
//! - A user or project hook runs only once the user trusted it:
//!   `[hooks.state."<hooks.json path>:pre_tool_use:<group>:<handler>"]` with
//!   `trusted_hash = "sha256:…"` in `~/.codex/config.toml`, written by Codex's own review (at startup, or `/hooks`). An
//!   untrusted or changed hook is skipped without a word. tkx does not write that trust:
//!   the user gives it in Codex, and `status` reports a hook without it as not protecting.
//! - The hook gets `session_id`, `turn_id`, `transcript_path`, `cwd`, `hook_event_name`
//!   (`PreToolUse`), `model`, `permission_mode`, `tool_name`, `tool_input`, `tool_use_id`.
//!   Every shell tool (`shell`, `exec_command`, `local_shell`, unified exec) is shown as
//!   `Bash` with `{"command": "<line>"}`, an argv joined with shell quoting
//!   (`bash -lc '…'`); `apply_patch` (also matched as `Write`/`Edit`) has `{"command": "<patch>"}`;
//!   MCP tools are `mcp__<server>__<tool>` with their arguments.
//! - To deny, the hook prints Claude Code's `hookSpecificOutput` with `permissionDecision`
//!   `deny` and a non-empty `permissionDecisionReason` (an empty one makes the hook a
//!   failure, which does not block), exit 0. `allow` and `ask` answers are not supported,
//!   so allowing prints nothing. Exit 2 blocks only with a reason on stderr; a timeout,
//!   a crash or any other code lets the tool run. So the command in `hooks.json` turns
//!   every failure of tkx (missing, crashed) into exit 2 with a reason on stderr, and tkx
//!   answers a payload it cannot read with exit 2 (fail closed).

use super::common::{
    NO_TOOL_NAME, UNREADABLE, absolute_cwd, block, check_or_exit_2, event_array, existing_event_array,
    patch_edits, pre_tool_use_deny, remove_group_entries, silent,
};
use super::{Answer, Host, is_tkx_command};
use crate::agent::call::{self, Call};
use crate::agent::install::{Item, Part, Plan, Target};
use crate::agent::jsonc::{edit_settings, existing_array, parse, pass, prop_string, take_out};
use crate::agent::state::FileRecord;
use crate::agent::{Decision, Guard};
use crate::error::Error;
use jsonc_parser::cst::{CstArray, CstInputValue, CstObject};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The hook's command: any failure of tkx (not on PATH, crashed, killed) blocks the tool
/// call with a reason, since Codex lets it run on any exit code but 2.
pub const COMMAND: &str = check_or_exit_2!("codex");

/// The hook's time limit in seconds (Codex's default is 600; a hook that runs out of time
/// does not block, so tkx answers well before: see `commands/agent.rs`).
pub const TIMEOUT_SECS: u64 = 30;

/// Codex's settings directory under `$HOME`.
pub const DIR: &str = ".codex";

/// Answers one payload. `guard` builds the guard for the payload's working directory.
pub fn answer(payload: &[u8], guard: &dyn Fn(Option<&Path>) -> Guard) -> Answer {
    let Ok(v) = serde_json::from_slice::<Value>(payload) else {
        return block(UNREADABLE);
    };
    let Some(tool) = v.get("tool_name").and_then(Value::as_str) else { return block(NO_TOOL_NAME) };
    let g = guard(absolute_cwd(&v).as_deref());
    let input = v.get("tool_input").cloned().unwrap_or(Value::Null);
    match decide(&g, tool, &input) {
        Decision::Allow => silent(),
        Decision::Deny(reason) => deny(&reason),
    }
}

/// The answer when tkx cannot decide in time or at all: a denial in Codex's shape.
pub fn refuse(reason: &str) -> Answer {
    deny(reason)
}

/// The guard's decision for one tool call: Codex's tool names and argument names, as
/// [`Call`]s.
pub fn decide(g: &Guard, tool: &str, input: &Value) -> Decision {
    let field = |name: &str| input.get(name).and_then(Value::as_str);
    let call = match tool {
        "Bash" | "shell" | "shell_command" | "exec_command" | "local_shell" | "container.exec"
        | "unified_exec" | "exec_argv" => {
            let line = shell_line(input);
            return call::decide(g, Call::Shell(line.as_deref()), tool);
        }
        "apply_patch" | "Write" | "Edit" => return patch(g, field("command").or(field("input")), tool),
        "read_file" | "view_image" => Call::Read(field("path").or(field("file_path"))),
        "list_dir" => Call::List(field("dir_path").or(field("path"))),
        "grep_files" => Call::Search { root: field("path"), glob: field("include"), file_type: None },
        t if t.starts_with("mcp__") => Call::Mcp { tool: t, input },
        "spawn_agent" | "Agent" | "update_plan" | "web_search" | "request_user_input" | "wait_agent"
        | "send_input" | "close_agent" => Call::Other,
        // A tool this version of tkx does not know: its arguments are read the way an MCP
        // tool's are, so a path to a protected file is refused whatever the tool is.
        t => Call::Mcp { tool: t, input },
    };
    call::decide(g, call, tool)
}

/// The shell line of a shell tool's input: `command` as text, or an argv (`command`,
/// `argv`) joined with shell quoting, as Codex shows it to hooks.
fn shell_line(input: &Value) -> Option<String> {
    let argv = |v: &Value| -> Option<String> {
        let words: Option<Vec<&str>> = v.as_array()?.iter().map(Value::as_str).collect();
        words.filter(|w| !w.is_empty()).map(shell_words::join)
    };
    match input.get("command") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(v @ Value::Array(_)) => argv(v),
        _ => input
            .get("cmd")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| input.get("argv").and_then(argv)),
    }
}

/// The files an `apply_patch` patch adds, updates, deletes or moves to: each is an edit.
fn patch_paths(patch: &str) -> Vec<&str> {
    const HEADERS: &[&str] = &["*** Add File:", "*** Update File:", "*** Delete File:", "*** Move to:"];
    patch
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            HEADERS.iter().find_map(|h| l.strip_prefix(h)).map(str::trim).filter(|p| !p.is_empty())
        })
        .collect()
}

fn patch(g: &Guard, patch: Option<&str>, tool: &str) -> Decision {
    patch_edits(g, patch.map(patch_paths).unwrap_or_default(), tool)
}

fn deny(reason: &str) -> Answer {
    // Codex treats a denial without a reason as a failed hook, which does not block.
    let reason = if reason.trim().is_empty() { "tkx: refused (fail closed)" } else { reason };
    pre_tool_use_deny(reason)
}

// Settings: what `tkx agent install` merges into `hooks.json` (one `PreToolUse` group with
// tkx's hook, for every tool), and takes out again; and whether Codex will run it.

/// Codex's user directory: `$CODEX_HOME`, or `~/.codex`.
fn user_dir(plan: &Plan) -> Option<PathBuf> {
    plan.host_var("CODEX_HOME").map(Path::to_path_buf).or_else(|| plan.home.as_ref().map(|h| h.join(DIR)))
}

/// The file a plan edits: `.codex/hooks.json` in the project, or the user's
/// (`$CODEX_HOME/hooks.json`, `~/.codex/hooks.json`).
pub(super) fn targets(plan: &Plan, base: &Path) -> Vec<Target> {
    let dir = if plan.user { user_dir(plan).unwrap_or_else(|| base.join(DIR)) } else { base.join(DIR) };
    vec![Target { part: Part::Settings(Host::Codex), path: dir.join("hooks.json"), why: None }]
}

/// Whether Codex is in use for this plan: a `.codex` directory in the project, or the
/// user's Codex directory.
pub(super) fn in_use(plan: &Plan, base: &Path) -> bool {
    (!plan.user && base.join(DIR).is_dir()) || user_dir(plan).is_some_and(|d| d.is_dir())
}

fn tkx_hook() -> CstInputValue {
    CstInputValue::Object(vec![
        ("type".into(), CstInputValue::String("command".into())),
        ("command".into(), CstInputValue::String(COMMAND.into())),
        ("timeout".into(), CstInputValue::Number(TIMEOUT_SECS.to_string())),
    ])
}

/// tkx's group in `PreToolUse` and its index, with the index of tkx's handler in it.
fn tkx_group(ptu: &CstArray) -> Option<(usize, CstObject, usize)> {
    ptu.elements().into_iter().enumerate().find_map(|(i, e)| {
        let g = e.as_object()?;
        let hs = existing_array(&g, "hooks")?;
        let h = hs.elements().iter().position(|x| {
            x.as_object()
                .and_then(|o| prop_string(&o, "command"))
                .is_some_and(|c| is_tkx_command(&c, Host::Codex))
        })?;
        Some((i, g, h))
    })
}

/// `hooks.json` with tkx's hook merged in, and the record of the edits.
pub(super) fn install(text: Option<&str>, path: &Path) -> Result<(String, FileRecord), Error> {
    edit_settings(text, |text, record, keys| {
        pass(text, &mut record.hunks, path, |obj| {
            let ptu = event_array(obj, "PreToolUse", path, keys)?;
            match tkx_group(&ptu) {
                Some((_, g, h)) => {
                    // An older tkx's command or time limit: bring it up to date in place
                    // (Codex then asks the user to review the changed hook again).
                    let hs = existing_array(&g, "hooks");
                    let entry = hs.and_then(|hs| hs.elements().get(h).and_then(|e| e.as_object()));
                    if let Some(entry) = entry {
                        if prop_string(&entry, "command").as_deref() != Some(COMMAND) {
                            if let Some(c) = entry.get("command") {
                                c.set_value(CstInputValue::String(COMMAND.into()));
                            }
                        }
                    }
                }
                None => {
                    ptu.append(CstInputValue::Object(vec![(
                        "hooks".into(),
                        CstInputValue::Array(vec![tkx_hook()]),
                    )]));
                }
            }
            Ok(())
        })
    })
}

/// `hooks.json` with tkx's hook taken out, `None` when it is not there.
pub(super) fn uninstall(
    text: &str,
    record: Option<&FileRecord>,
    path: &Path,
) -> Result<Option<String>, Error> {
    take_out(text, path, parse, |obj| remove_group_entries(obj, "PreToolUse", Host::Codex, record))
}

/// Whether the hook is there, and whether Codex will run it: the project trusted (for a
/// project's file) and the hook trusted, per `~/.codex/config.toml`.
pub(super) fn status(plan: &Plan, text: Option<&str>, path: &Path) -> Result<Vec<Item>, Error> {
    let place = match text {
        None => None,
        Some(t) => {
            let root = parse(t, path)?;
            root.object_value()
                .and_then(|o| existing_event_array(&o, "PreToolUse"))
                .and_then(|p| tkx_group(&p))
                .map(|(g, _, h)| (g, h))
        }
    };
    let config = user_dir(plan).map(|d| d.join("config.toml"));
    let config_text = config.as_ref().and_then(|c| std::fs::read_to_string(c).ok());
    let config_toml = config_text.as_deref().and_then(|t| t.parse::<toml::Table>().ok());
    let shown_config = match (&config, &plan.home) {
        (Some(c), Some(h)) if c.starts_with(h) => {
            format!("~/{}", c.strip_prefix(h).unwrap_or(c).display())
        }
        (Some(c), _) => c.display().to_string(),
        (None, _) => "~/.codex/config.toml".to_owned(),
    };
    let mut items = vec![Item {
        what: "PreToolUse hook (`tkx agent check --host codex`)".into(),
        installed: place.is_some(),
        detail: None,
    }];
    if !plan.user {
        let trusted = config_toml.as_ref().is_some_and(|c| project_trusted(c, &plan.project));
        items.push(Item {
            what: "project trusted in Codex".into(),
            installed: trusted,
            detail: (!trusted).then(|| {
                format!("Codex skips .codex/ until then: no trust_level = \"trusted\" in {shown_config}")
            }),
        });
    }
    let (trusted, detail) = match (place, &config_toml) {
        (None, _) => (false, None),
        (Some(_), None) if config_text.is_some() => {
            (false, Some(format!("{shown_config} is not valid TOML")))
        }
        (Some((g, h)), c) => match c.as_ref().and_then(|c| hook_state(c, path, g, h)) {
            Some(HookState { enabled: Some(false), .. }) => (false, Some("disabled in Codex".into())),
            Some(HookState { trusted: true, .. }) => (true, None),
            _ => (false, Some("Codex skips it without a word until you trust it".into())),
        },
    };
    items.push(Item { what: "hook trusted in Codex".into(), installed: trusted, detail });
    Ok(items)
}

/// What the user runs so that Codex runs the hook (it is skipped until then).
pub fn trust_steps(user: bool) -> String {
    let project = if user {
        ""
    } else {
        "trust the project when Codex asks (or run `codex exec --trust` once in it), and "
    };
    format!(
        "Codex CLI runs the hook only once you trust it: start `codex` in this project, {project}trust the hook `tkx agent check --host codex` in the hooks review Codex shows at startup (or type `/hooks`); `tkx agent status --host codex` says when it protects"
    )
}

struct HookState {
    enabled: Option<bool>,
    trusted: bool,
}

/// The `hooks.state` entry of tkx's handler: Codex keys it
/// `<hooks.json path>:pre_tool_use:<group>:<handler>` (some releases prefix the path with
/// `file:`).
fn hook_state(config: &toml::Table, path: &Path, group: usize, handler: usize) -> Option<HookState> {
    let states = config.get("hooks")?.get("state")?.as_table()?;
    let suffix = format!(":pre_tool_use:{group}:{handler}");
    let paths = same_paths(path);
    states.iter().find_map(|(key, v)| {
        let file = key.trim().strip_suffix(&suffix)?;
        let file = file.strip_prefix("file:").unwrap_or(file);
        if !paths.iter().any(|p| p == Path::new(file)) {
            return None;
        }
        Some(HookState {
            enabled: v.get("enabled").and_then(toml::Value::as_bool),
            trusted: v.get("trusted_hash").and_then(toml::Value::as_str).is_some_and(|h| !h.is_empty()),
        })
    })
}

/// `[projects."<dir>"] trust_level = "trusted"` for the project or a directory above it.
fn project_trusted(config: &toml::Table, project: &Path) -> bool {
    let Some(projects) = config.get("projects").and_then(toml::Value::as_table) else { return false };
    let candidates = same_paths(project);
    let level = |dir: &Path| {
        projects.iter().find_map(|(k, v)| {
            (Path::new(k.trim_end_matches('/')) == dir)
                .then(|| v.get("trust_level").and_then(toml::Value::as_str).map(str::to_owned))
                .flatten()
        })
    };
    for c in &candidates {
        for dir in c.ancestors() {
            match level(dir).as_deref() {
                Some("trusted") => return true,
                Some(_) => return false,
                None => {}
            }
        }
    }
    false
}

/// A path as given and as the file system resolves it.
fn same_paths(p: &Path) -> Vec<PathBuf> {
    let mut out = vec![p.to_path_buf()];
    let real = p.canonicalize().ok().or_else(|| {
        let parent = p.parent()?.canonicalize().ok()?;
        Some(parent.join(p.file_name()?))
    });
    if let Some(r) = real.filter(|r| r != p) {
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::state::Hunk;
    use crate::agent::testing::Fixture;

    const P: &str = "/x/.codex/hooks.json";

    /// A payload as Codex 0.171.0 sent it (scripts/e2e/README.md).
    fn payload(f: &Fixture, tool: &str, input: Value) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "session_id": "019a-s", "turn_id": "t1", "transcript_path": null, "cwd": f.project(),
            "hook_event_name": "PreToolUse", "model": "gpt-5", "permission_mode": "bypassPermissions",
            "tool_name": tool, "tool_input": input, "tool_use_id": "call_1"
        }))
        .unwrap()
    }

    fn reason(a: &Answer) -> Option<String> {
        assert_eq!(a.code, 0, "{a:?}");
        if a.stdout.is_empty() {
            return None;
        }
        let v: Value = serde_json::from_str(&a.stdout).unwrap();
        assert_eq!(v["hookSpecificOutput"]["hookEventName"], "PreToolUse");
        assert_eq!(v["hookSpecificOutput"]["permissionDecision"], "deny");
        let r = v["hookSpecificOutput"]["permissionDecisionReason"].as_str().unwrap().to_owned();
        assert!(!r.trim().is_empty(), "Codex ignores a denial without a reason");
        Some(r)
    }

    #[test]
    fn shell_reads_of_env_files_are_denied_with_a_reason() {
        let f = Fixture::new();
        let g = |_: Option<&Path>| f.guard();
        for cmd in [
            serde_json::json!("cat .env"),
            serde_json::json!("bash -lc 'cat .env'"),
            serde_json::json!(["bash", "-lc", "cat .env"]),
            serde_json::json!(["cat", "services/api/.env.local"]),
            serde_json::json!("printenv GITHUB_TOKEN"),
        ] {
            let a = answer(&payload(&f, "Bash", serde_json::json!({ "command": cmd })), &g);
            let r = reason(&a).unwrap_or_else(|| panic!("{cmd} allowed"));
            assert!(r.contains("tkx env") && r.contains("never print values"), "{r}");
            assert!(!a.stdout.contains("FIXTUREkey") && !a.stdout.contains("ghp_"), "{a:?}");
        }
        for cmd in ["ls -la", "cat src/main.rs", "cat .env.example", "git status"] {
            let a = answer(&payload(&f, "Bash", serde_json::json!({ "command": cmd })), &g);
            assert_eq!(reason(&a), None, "{cmd}");
        }
        let argv = serde_json::json!({"argv": ["cat", ".env"]});
        assert!(reason(&answer(&payload(&f, "exec_argv", argv), &g)).is_some());
    }

    #[test]
    fn patches_that_touch_env_files_are_denied() {
        let f = Fixture::new();
        let g = |_: Option<&Path>| f.guard();
        let p =
            |patch: &str| answer(&payload(&f, "apply_patch", serde_json::json!({ "command": patch })), &g);
        let edit_env = "*** Begin Patch\n*** Update File: .env\n@@\n-PORT=1\n+PORT=2\n*** End Patch\n";
        assert!(reason(&p(edit_env)).unwrap().contains("editing .env is blocked"));
        let moved = "*** Begin Patch\n*** Update File: src/main.rs\n*** Move to: services/api/.env.local\n@@\n-a\n+b\n*** End Patch";
        assert!(reason(&p(moved)).is_some());
        let ok = "*** Begin Patch\n*** Add File: src/lib.rs\n+pub fn f() {}\n*** Update File: .env.example\n@@\n-A=\n+B=\n*** End Patch";
        assert_eq!(reason(&p(ok)), None);
        assert!(reason(&p("not a patch")).unwrap().contains("fail closed"));
    }

    #[test]
    fn file_mcp_and_unknown_tools() {
        let f = Fixture::new();
        let g = |_: Option<&Path>| f.guard();
        let env = f.project().join(".env");
        let ask = |tool: &str, input: Value| reason(&answer(&payload(&f, tool, input), &g));
        assert!(ask("read_file", serde_json::json!({"path": env})).is_some());
        assert!(ask("view_image", serde_json::json!({"path": ".env"})).is_some());
        assert!(ask("mcp__fs__read_text_file", serde_json::json!({"path": "./src/../.env"})).is_some());
        assert!(ask("future_reader", serde_json::json!({"target": ".env"})).is_some());
        assert_eq!(ask("read_file", serde_json::json!({"path": "src/main.rs"})), None);
        assert_eq!(
            ask("update_plan", serde_json::json!({"plan": [{"step": "read .env", "status": "pending"}]})),
            None
        );
        assert_eq!(ask("list_dir", serde_json::json!({"dir_path": f.project()})), None);
    }

    #[test]
    fn unreadable_payloads_fail_closed() {
        let f = Fixture::new();
        let g = |_: Option<&Path>| f.guard();
        for bad in [&b"not json"[..], b"{}", b"\0unreadable"] {
            let a = answer(bad, &g);
            assert_eq!(a.code, 2, "{a:?}");
            assert!(a.stderr.contains("fail closed"), "a blocking exit 2 needs a reason on stderr: {a:?}");
        }
        let a = answer(&payload(&f, "Bash", serde_json::json!({})), &g);
        assert!(reason(&a).unwrap().contains("fail closed"));
        assert!(reason(&refuse("")).is_some());
    }

    #[test]
    fn codex_round_trip_keeps_every_byte() {
        for before in [
            "{\n  \"hooks\": {\n    \"PreToolUse\": [\n      {\n        \"matcher\": \"^Bash$\",\n        \"hooks\": [{ \"type\": \"command\", \"command\": \"./audit.sh\", \"timeout\": 5 }]\n      }\n    ],\n    \"Stop\": []\n  }\n}\n",
            "{}",
            "{\n\t\"other\": true\n}",
        ] {
            let (after, record) = install(Some(before), Path::new(P)).unwrap();
            let v: Value = serde_json::from_str(&after).unwrap();
            let groups = v["hooks"]["PreToolUse"].as_array().unwrap();
            let ours = groups.last().unwrap();
            assert!(ours.get("matcher").is_none(), "every tool");
            assert_eq!(ours["hooks"][0]["command"], COMMAND);
            assert_eq!(ours["hooks"][0]["timeout"], TIMEOUT_SECS);
            assert_eq!(install(Some(&after), Path::new(P)).unwrap().0, after, "a second run changes nothing");
            assert_eq!(Hunk::undo(&after, &record.hunks).unwrap(), before);
            let structural = uninstall(&after, Some(&record), Path::new(P)).unwrap().unwrap();
            assert_eq!(structural, before, "entries taken out through the syntax tree");
        }
    }

    #[test]
    fn the_failure_path_of_the_command_blocks_with_a_reason() {
        let sh = std::process::Command::new("/bin/sh")
            .args(["-c", COMMAND])
            .env("PATH", "/nonexistent")
            .output()
            .unwrap();
        assert_eq!(sh.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&sh.stderr).contains("fail closed"));
    }

    #[test]
    fn trust_is_read_from_codex_config() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().canonicalize().unwrap();
        let project = root.join("p");
        std::fs::create_dir_all(project.join(".codex")).unwrap();
        let hooks = project.join(".codex/hooks.json");
        let (text, _) = install(Some("{\"hooks\": {\"PreToolUse\": [{\"hooks\": []}]}}"), &hooks).unwrap();
        let plan = Plan {
            hosts: vec![Host::Codex],
            user: false,
            shared: false,
            all_ignore_files: false,
            project: project.clone(),
            home: Some(root.join("home")),
            tkx_dir: None,
            env_names: Some(Vec::new()),
            host_env: Vec::new(),
            os_sandbox: false,
            hide: Vec::new(),
        };
        let st = |plan: &Plan| status(plan, Some(&text), &hooks).unwrap();
        let states = |s: &[Item]| s.iter().map(|i| i.installed).collect::<Vec<_>>();
        assert_eq!(states(&st(&plan)), [true, false, false]);
        let config = root.join("home/.codex/config.toml");
        std::fs::create_dir_all(config.parent().unwrap()).unwrap();
        std::fs::write(
            &config,
            format!(
                "model = \"gpt-5\"\n[projects.\"{}\"]\ntrust_level = \"trusted\"\n\n[hooks.state.\"{}:pre_tool_use:1:0\"]\ntrusted_hash = \"sha256:abc\"\n",
                project.display(),
                hooks.display()
            ),
        )
        .unwrap();
        assert_eq!(states(&st(&plan)), [true, true, true]);
        std::fs::write(
            &config,
            format!(
                "[hooks.state.\"{}:pre_tool_use:0:0\"]\ntrusted_hash = \"sha256:abc\"\n",
                hooks.display()
            ),
        )
        .unwrap();
        let s = st(&plan);
        assert_eq!(states(&s), [true, false, false], "another group's trust is not tkx's");
        assert!(s[2].detail.as_deref().unwrap().contains("until you trust it"), "{s:?}");
    }
}
