//! Cursor: the hook protocol, and what tkx merges into `.cursor/hooks.json`.
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
//!   answered like a shell command;
//! - `preToolUse` (every tool, the general hook of later releases): `tool_name` (`Shell`,
//!   `Read`, `Write`, `Edit`, `StrReplace`, `Grep`, `Task`, `MCP:<tool>`, …) and
//!   `tool_input`; a shell command reaches both it and `beforeShellExecution`, which give
//!   the same answer. A tool tkx does not know is judged by the arguments it carries.
//!
//! The answer is flat JSON on stdout with exit 0. Early releases documented the
//! messages as `userMessage`/`agentMessage`, later ones as `user_message`/
//! `agent_message`; tkx writes both. Because of `failClosed`, tkx always answers
//! explicitly, `{"permission":"allow"}` included.

use super::common::{
    add_entry, created, ensure_version, has_entry, item, json, remove_entries, remove_lone_version,
};
use super::{Answer, Host, tkx_entries};
use crate::agent::call::{self, Call};
use crate::agent::ignore_files::IGNORE_FILES;
use crate::agent::install::{Item, Part, Plan, Target};
use crate::agent::jsonc::{edit_settings, parse, pass, remove_empty, take_out};
use crate::agent::state::FileRecord;
use crate::agent::{Decision, Guard};
use crate::error::Error;
use jsonc_parser::cst::{CstArray, CstInputValue, CstNode};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The hook's command.
pub const COMMAND: &str = "tkx agent check --host cursor";

/// The events tkx hooks.
pub const EVENTS: &[&str] = &["preToolUse", "beforeReadFile", "beforeShellExecution", "beforeMCPExecution"];

/// Answers one payload: JSON on stdout, nothing on stderr, and always exit code 0.
pub fn answer(payload: &[u8], guard: &dyn Fn(Option<&Path>) -> Guard) -> Answer {
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
    let input = v.get("tool_input").cloned().unwrap_or(Value::Null);
    let tool_input = |name: &str| input.get(name).and_then(Value::as_str);
    let call = match event {
        "beforeReadFile" | "beforeTabFileRead" => Call::Read(field("file_path")),
        "beforeShellExecution" => Call::Shell(field("command")),
        "beforeMCPExecution" => match v.get("tool_input") {
            Some(input) => Call::Mcp { tool: field("tool_name").unwrap_or(""), input },
            None => {
                return respond(&Decision::env(
                    "tkx could not read the input of this MCP call (fail closed)",
                ));
            }
        },
        "preToolUse" => match field("tool_name").unwrap_or("") {
            "Read" | "TabRead" => Call::Read(tool_input("file_path").or(tool_input("target_file"))),
            "Write" | "Edit" | "StrReplace" | "Delete" | "TabWrite" => {
                Call::Edit(tool_input("file_path").or(tool_input("target_file")).or(tool_input("path")))
            }
            // Cursor's Grep names its scope `file_path`.
            "Grep" => Call::Search {
                root: tool_input("path").or(tool_input("file_path")),
                glob: tool_input("glob"),
                file_type: tool_input("type"),
            },
            "Glob" => Call::Glob {
                pattern: tool_input("pattern").or(tool_input("glob_pattern")),
                root: tool_input("path"),
            },
            "LS" => Call::List(tool_input("path").or(tool_input("target_directory"))),
            "Shell" => Call::Shell(tool_input("command")),
            t if t.starts_with("MCP:") => Call::Mcp { tool: t, input: &input },
            "Task" => Call::Other,
            // A tool this version of tkx does not know: judged by the arguments it carries.
            _ => Call::by_arguments(
                tool_input("command"),
                tool_input("file_path").or(tool_input("target_file")).or(tool_input("path")),
            ),
        },
        "" => return respond(&Decision::env("tkx got a hook input without `hook_event_name` (fail closed)")),
        _ => Call::Other,
    };
    let d = call::decide(&g, call, event);
    respond(&d)
}

pub(super) fn respond(d: &Decision) -> Answer {
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
    json(&v)
}

// Settings: what `tkx agent install` merges into `.cursor/hooks.json` (a fail-closed hook
// for each of `EVENTS`), and takes out again.

/// The files a plan edits: `.cursor/hooks.json`, and in a project `.cursorignore` too.
pub(super) fn targets(plan: &Plan, base: &Path) -> Vec<Target> {
    let mut out =
        vec![Target { part: Part::Settings(Host::Cursor), path: base.join(".cursor/hooks.json"), why: None }];
    if !plan.user {
        out.push(Target {
            part: Part::Ignore(IGNORE_FILES[0]),
            path: plan.project.join(IGNORE_FILES[0].name),
            why: None,
        });
    }
    out
}

fn tkx_entry() -> CstInputValue {
    CstInputValue::Object(vec![
        ("command".into(), CstInputValue::String(COMMAND.into())),
        ("failClosed".into(), CstInputValue::Bool(true)),
    ])
}

fn ours(arr: &CstArray) -> Vec<CstNode> {
    tkx_entries(arr, Host::Cursor)
}

/// `hooks.json` with tkx's hooks merged in, and the record of the edits.
pub(super) fn install(text: Option<&str>, path: &Path) -> Result<(String, FileRecord), Error> {
    edit_settings(text, |text, record, keys| edits(text, record, keys, path))
}

fn edits(
    text: &mut String,
    record: &mut FileRecord,
    keys: &mut Vec<String>,
    path: &Path,
) -> Result<(), Error> {
    pass(text, &mut record.hunks, path, |obj| {
        ensure_version(obj, keys);
        Ok(())
    })?;
    for ev in EVENTS {
        pass(text, &mut record.hunks, path, |obj| add_entry(obj, ev, path, keys, ours, tkx_entry()))?;
    }
    Ok(())
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
        if record.is_some() && created(record, "hooks") && remove_empty(obj, "hooks") {
            remove_lone_version(obj, record);
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
        .map(|ev| item(format!("{ev} hook (fail closed)"), has_entry(obj.as_ref(), ev, ours)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::jsonc::is_empty_settings;
    use crate::agent::state::Hunk;
    use crate::agent::testing::Fixture;

    const P: &str = "/x/settings.json";

    #[test]
    fn documented_shapes() {
        let f = Fixture::new();
        let g = |_: Option<&Path>| f.guard();
        let read = serde_json::json!({
            "conversation_id": "c", "generation_id": "g", "hook_event_name": "beforeReadFile",
            "workspace_roots": [f.project()], "file_path": f.project().join(".env"), "content": "…", "attachments": []
        });
        let out: Value =
            serde_json::from_str(&answer(&serde_json::to_vec(&read).unwrap(), &g).stdout).unwrap();
        assert_eq!(out["permission"], "deny");
        assert!(out["agent_message"].as_str().unwrap().contains("tkx env"));
        let shell = serde_json::json!({
            "conversation_id": "c", "generation_id": "g", "hook_event_name": "beforeShellExecution",
            "workspace_roots": [f.project()], "command": "npm test", "cwd": f.project()
        });
        let out: Value =
            serde_json::from_str(&answer(&serde_json::to_vec(&shell).unwrap(), &g).stdout).unwrap();
        assert_eq!(out, serde_json::json!({"permission": "allow"}));
        let out: Value = serde_json::from_str(&answer(b"{", &g).stdout).unwrap();
        assert_eq!(out["permission"], "deny");
    }

    #[test]
    fn cursor_round_trip() {
        let before = "{\n  \"version\": 1,\n  \"hooks\": {\n    \"afterFileEdit\": [{ \"command\": \"fmt\" }]\n  }\n}\n";
        let (after, record) = install(Some(before), Path::new(P)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&after).unwrap();
        assert_eq!(v["hooks"]["beforeReadFile"][0]["failClosed"], true);
        assert_eq!(install(Some(&after), Path::new(P)).unwrap().0, after);
        assert_eq!(Hunk::undo(&after, &record.hunks).unwrap(), before);
        assert_eq!(uninstall(&after, Some(&record), Path::new(P)).unwrap().unwrap(), before);
        let (new, record) = install(None, Path::new(P)).unwrap();
        let back = uninstall(&new, Some(&record), Path::new(P)).unwrap().unwrap();
        assert!(is_empty_settings(&back), "{back}");
    }
}
