//! Windsurf (Cascade): the hook protocol, and what tkx merges into `.windsurf/hooks.json`.
//!
//! Written from Windsurf's documentation only (docs.windsurf.com/windsurf/cascade/hooks):
//! Windsurf is an editor whose hooks cannot be run here, so no payload was captured and
//! nothing beyond the documented behaviour is relied on.
//!
//! - Hooks are merged from the system file, the user's `~/.codeium/windsurf/hooks.json`
//!   and the workspace's `.windsurf/hooks.json`: `{"hooks": {"<event>": [{"command":
//!   …, "show_output": true}]}}`.
//! - A hook gets one JSON object on stdin: `agent_action_name` (the event),
//!   `trajectory_id`, `execution_id`, `timestamp` and `tool_info`: `file_path` for
//!   `pre_read_code`, `command_line` and `cwd` for `pre_run_command`,
//!   `mcp_server_name`, `mcp_tool_name` and `mcp_tool_arguments` for `pre_mcp_tool_use`.
//! - A pre-hook blocks the action by exiting with code 2; tkx prints its reason on
//!   stderr (with `show_output` Windsurf shows the hook's output). Any other outcome lets
//!   the action run, so the command is `tkx agent check --host windsurf || exit 2`: a
//!   missing tkx or a crash blocks too, and `tkx agent check` denies on its own after
//!   [`DEADLINE_SECS`] (the documentation names no time limit).

use super::common::{add_entry, block, created, has_entry, item, remove_entries, silent};
use super::{Answer, Host, tkx_entries};
use crate::agent::call::{self, Call};
use crate::agent::install::{Item, Part, Plan, Target};
use crate::agent::jsonc::{edit_settings, parse, pass, remove_empty, take_out};
use crate::agent::state::FileRecord;
use crate::agent::{Decision, Guard};
use crate::error::Error;
use jsonc_parser::cst::{CstArray, CstInputValue, CstNode};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The hook's command.
pub const COMMAND: &str = "tkx agent check --host windsurf || exit 2";

/// The events tkx hooks.
pub const EVENTS: &[&str] = &["pre_read_code", "pre_run_command", "pre_mcp_tool_use"];

/// When `tkx agent check --host windsurf` gives up and denies.
pub const DEADLINE_SECS: u64 = 10;

/// The workspace file.
pub const PROJECT_FILE: &str = ".windsurf/hooks.json";
/// The user's file, under `$HOME`.
pub const USER_FILE: &str = ".codeium/windsurf/hooks.json";

/// Answers one payload: exit 0 and nothing printed to allow, exit 2 with the reason on
/// stderr to block.
pub fn answer(payload: &[u8], guard: &dyn Fn(Option<&Path>) -> Guard) -> Answer {
    let Ok(v) = serde_json::from_slice::<Value>(payload) else {
        return respond(&Decision::env(
            "tkx could not read the hook's input as JSON, so it refuses this action (fail closed)",
        ));
    };
    let Some(event) = v.get("agent_action_name").and_then(Value::as_str) else {
        return respond(&Decision::env("tkx got a hook input without `agent_action_name` (fail closed)"));
    };
    let info = v.get("tool_info").cloned().unwrap_or(Value::Null);
    let field = |name: &str| info.get(name).and_then(Value::as_str);
    let cwd = field("cwd").map(PathBuf::from).filter(|p| p.is_absolute());
    let g = guard(cwd.as_deref());
    let tool =
        format!("{}__{}", field("mcp_server_name").unwrap_or("mcp"), field("mcp_tool_name").unwrap_or(""));
    let call = match event {
        "pre_read_code" => Call::Read(field("file_path")),
        "pre_write_code" => Call::Edit(field("file_path")),
        "pre_run_command" => Call::Shell(field("command_line")),
        "pre_mcp_tool_use" => match info.get("mcp_tool_arguments") {
            Some(input) => Call::Mcp { tool: &tool, input },
            None => {
                return respond(&Decision::env(
                    "tkx could not read the input of this MCP call (fail closed)",
                ));
            }
        },
        _ => Call::Other,
    };
    respond(&call::decide(&g, call, event))
}

/// The answer for `d`.
pub(super) fn respond(d: &Decision) -> Answer {
    match d {
        Decision::Allow => silent(),
        Decision::Deny(reason) => block(reason),
    }
}

// Settings: what `tkx agent install` merges into `hooks.json`, and takes out again.

/// The file a plan edits.
pub(super) fn targets(plan: &Plan, base: &Path) -> Vec<Target> {
    let file = if plan.user { USER_FILE } else { PROJECT_FILE };
    vec![Target { part: Part::Settings(Host::Windsurf), path: base.join(file), why: None }]
}

fn tkx_entry() -> CstInputValue {
    CstInputValue::Object(vec![
        ("command".into(), CstInputValue::String(COMMAND.into())),
        ("show_output".into(), CstInputValue::Bool(true)),
    ])
}

fn ours(arr: &CstArray) -> Vec<CstNode> {
    tkx_entries(arr, Host::Windsurf)
}

/// `hooks.json` with tkx's hooks merged in, and the record of the edits.
pub(super) fn install(text: Option<&str>, path: &Path) -> Result<(String, FileRecord), Error> {
    edit_settings(text, |text, record, keys| {
        for ev in EVENTS {
            pass(text, &mut record.hunks, path, |obj| add_entry(obj, ev, path, keys, ours, tkx_entry()))?;
        }
        Ok(())
    })
}

/// `hooks.json` with tkx's hooks taken out, `None` when none are there.
pub(super) fn uninstall(
    text: &str,
    record: Option<&FileRecord>,
    path: &Path,
) -> Result<Option<String>, Error> {
    take_out(text, path, parse, |obj| {
        if !remove_entries(obj, EVENTS, record, ours) {
            return false;
        }
        if created(record, "hooks") {
            remove_empty(obj, "hooks");
        }
        true
    })
}

/// Whether each of tkx's hooks is there.
pub(super) fn status(text: Option<&str>, path: &Path) -> Result<Vec<Item>, Error> {
    let root = text.map(|t| parse(t, path)).transpose()?;
    let obj = root.as_ref().and_then(|r| r.object_value());
    Ok(EVENTS
        .iter()
        .map(|ev| item(format!("{ev} hook (exit 2 blocks)"), has_entry(obj.as_ref(), ev, ours)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::jsonc::is_empty_settings;
    use crate::agent::state::Hunk;
    use crate::agent::testing::Fixture;

    const P: &str = "/x/.windsurf/hooks.json";

    fn ask(f: &Fixture, event: &str, info: Value) -> Answer {
        let payload = serde_json::json!({
            "agent_action_name": event, "trajectory_id": "t-1", "execution_id": "e-1",
            "timestamp": "2026-12-02T11:00:00Z", "tool_info": info
        });
        answer(&serde_json::to_vec(&payload).unwrap(), &|_| f.guard())
    }

    #[test]
    fn documented_shapes() {
        let f = Fixture::new();
        let p = f.project();
        for (event, info, deny) in [
            ("pre_run_command", serde_json::json!({"command_line": "cat .env", "cwd": p}), true),
            ("pre_run_command", serde_json::json!({"command_line": "npm test", "cwd": p}), false),
            ("pre_read_code", serde_json::json!({"file_path": p.join(".env")}), true),
            ("pre_read_code", serde_json::json!({"file_path": p.join("src/main.rs")}), false),
            (
                "pre_mcp_tool_use",
                serde_json::json!({"mcp_server_name": "fs", "mcp_tool_name": "read_file", "mcp_tool_arguments": {"path": p.join(".env")}}),
                true,
            ),
            (
                "pre_mcp_tool_use",
                serde_json::json!({"mcp_server_name": "gh", "mcp_tool_name": "create_issue", "mcp_tool_arguments": {"title": "x"}}),
                false,
            ),
            ("post_cascade_response", serde_json::json!({"response": "…"}), false),
        ] {
            let a = ask(&f, event, info.clone());
            assert_eq!(a.code == 2, deny, "{event} {info}: {a:?}");
            assert_eq!(a.stdout, "");
            if deny {
                assert!(a.stderr.starts_with("tkx: "), "{a:?}");
            } else {
                assert_eq!((a.code, a.stderr.as_str()), (0, ""));
            }
        }
    }

    #[test]
    fn unreadable_payloads_fail_closed() {
        let f = Fixture::new();
        assert_eq!(answer(b"{", &|_| f.guard()).code, 2);
        assert_eq!(answer(b"{}", &|_| f.guard()).code, 2);
        assert_eq!(ask(&f, "pre_read_code", serde_json::json!({})).code, 2);
        assert_eq!(ask(&f, "pre_mcp_tool_use", serde_json::json!({"mcp_tool_name": "x"})).code, 2);
    }

    #[test]
    fn windsurf_round_trip() {
        let before = "{\n  \"hooks\": {\n    \"post_write_code\": [\n      {\n        \"command\": \"prettier --write\",\n        \"show_output\": false\n      }\n    ]\n  }\n}\n";
        let (after, record) = install(Some(before), Path::new(P)).unwrap();
        let v: Value = serde_json::from_str(&after).unwrap();
        for ev in EVENTS {
            assert_eq!(v["hooks"][ev][0]["command"], COMMAND);
        }
        assert_eq!(v["hooks"]["post_write_code"][0]["command"], "prettier --write");
        assert_eq!(install(Some(&after), Path::new(P)).unwrap().0, after);
        assert_eq!(Hunk::undo(&after, &record.hunks).unwrap(), before);
        assert_eq!(uninstall(&after, Some(&record), Path::new(P)).unwrap().unwrap(), before);
        assert!(status(Some(&after), Path::new(P)).unwrap().iter().all(|i| i.installed));
        let (new, record) = install(None, Path::new(P)).unwrap();
        let back = uninstall(&new, Some(&record), Path::new(P)).unwrap().unwrap();
        assert!(is_empty_settings(&back), "{back}");
    }
}
