//! Cursor: the hook protocol of `.cursor/hooks.json`.
//!
//! Followed: Cursor's hooks documentation (cursor.com/docs/agent/hooks and its
//! reference page): `hooks.json` is `{"version": 1, "hooks": {"<event>": [{"command":
//! …}]}}` in `<project>/.cursor/` or `~/.cursor/`; a hook entry may set
//! `"failClosed": true`, so that a hook that crashes, times out or answers nothing
//! blocks the action instead of letting it through (the default is to let it
//! through); every hook gets one JSON object on stdin with `hook_event_name`,
//! `conversation_id`, `generation_id` and `workspace_roots`, plus:
//!
//! - `beforeReadFile`: `file_path`, `content`, `attachments`; answer `permission`
//!   (`allow` | `deny`);
//! - `beforeShellExecution`: `command`, `cwd`; answer `permission` (`allow` | `deny` |
//!   `ask`), `user_message`, `agent_message`;
//! - `beforeMCPExecution`: `tool_name`, `tool_input` (JSON text), `url` or `command`;
//!   answered like a shell command.
//!
//! The answer is flat JSON on stdout with exit 0. Early releases documented the
//! messages as `userMessage`/`agentMessage`, later ones as `user_message`/
//! `agent_message`; tkx writes both. Because of `failClosed`, tkx always answers
//! explicitly, `{"permission":"allow"}` included.

use super::claude;
use super::{Decision, Guard, shell};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The hook's command.
pub const COMMAND: &str = "tkx agent check --host cursor";

/// The events tkx hooks.
pub const EVENTS: &[&str] = &["beforeReadFile", "beforeShellExecution", "beforeMCPExecution"];

/// Answers one payload: the JSON to print (the exit code is always 0).
pub fn answer(payload: &[u8], guard: &dyn Fn(Option<&Path>) -> Guard) -> String {
    let Ok(v) = serde_json::from_slice::<Value>(payload) else {
        return respond(&Decision::env(
            "tkx could not read the hook's input as JSON, so it refuses this action (fail closed)",
        ));
    };
    let event = v.get("hook_event_name").and_then(Value::as_str).unwrap_or("");
    let field = |name: &str| v.get(name).and_then(Value::as_str);
    let cwd: Option<PathBuf> = field("cwd")
        .filter(|c| !c.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            v.get("workspace_roots")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(Value::as_str)
                .map(PathBuf::from)
        })
        .filter(|p| p.is_absolute());
    let g = guard(cwd.as_deref());
    let base = g.cwd.clone();
    let unreadable =
        || Decision::env(format!("tkx could not read the input of this {event} hook (fail closed)"));
    let d = match event {
        "beforeReadFile" | "beforeTabFileRead" => match field("file_path") {
            Some(p) => match g.protected(p, &base) {
                Some(hit) => Decision::file(format!("reading {hit} is blocked")),
                None => Decision::Allow,
            },
            None => unreadable(),
        },
        "beforeShellExecution" => match field("command") {
            Some(c) => shell::check(&g, c, &base),
            None => unreadable(),
        },
        "beforeMCPExecution" => match v.get("tool_input") {
            Some(input) => claude::mcp(&g, input, &base),
            None => unreadable(),
        },
        "preToolUse" => {
            let tool = field("tool_name").unwrap_or("");
            let input = v.get("tool_input").cloned().unwrap_or(Value::Null);
            match tool {
                "Read" | "TabRead" => claude::decide(&g, "Read", &input),
                "Grep" => {
                    // Cursor's Grep names its scope `file_path`.
                    let mut input = input.clone();
                    if let (Some(o), Some(p)) =
                        (input.as_object_mut(), v["tool_input"].get("file_path").cloned())
                    {
                        o.insert("path".into(), p);
                    }
                    claude::decide(&g, "Grep", &input)
                }
                "Shell" => match input.get("command").and_then(Value::as_str) {
                    Some(c) => shell::check(&g, c, &base),
                    None => unreadable(),
                },
                t if t.starts_with("MCP:") => claude::mcp(&g, &input, &base),
                _ => Decision::Allow,
            }
        }
        "" => Decision::env("tkx got a hook input without `hook_event_name` (fail closed)"),
        _ => Decision::Allow,
    };
    respond(&d)
}

fn respond(d: &Decision) -> String {
    let v = match d {
        Decision::Allow => serde_json::json!({ "permission": "allow" }),
        Decision::Deny(reason) => serde_json::json!({
            "permission": "deny",
            "user_message": reason,
            "agent_message": reason,
            "userMessage": reason,
            "agentMessage": reason,
        }),
    };
    format!("{v}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::testing::Fixture;

    #[test]
    fn documented_shapes() {
        let f = Fixture::new();
        let g = |_: Option<&Path>| f.guard();
        let read = serde_json::json!({
            "conversation_id": "c", "generation_id": "g", "hook_event_name": "beforeReadFile",
            "workspace_roots": [f.project()], "file_path": f.project().join(".env"), "content": "…", "attachments": []
        });
        let out: Value = serde_json::from_str(&answer(&serde_json::to_vec(&read).unwrap(), &g)).unwrap();
        assert_eq!(out["permission"], "deny");
        assert!(out["agent_message"].as_str().unwrap().contains("tkx env"));
        let shell = serde_json::json!({
            "conversation_id": "c", "generation_id": "g", "hook_event_name": "beforeShellExecution",
            "workspace_roots": [f.project()], "command": "npm test", "cwd": f.project()
        });
        let out: Value = serde_json::from_str(&answer(&serde_json::to_vec(&shell).unwrap(), &g)).unwrap();
        assert_eq!(out, serde_json::json!({"permission": "allow"}));
        let out: Value = serde_json::from_str(&answer(b"{", &g)).unwrap();
        assert_eq!(out["permission"], "deny");
    }
}
