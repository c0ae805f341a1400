//! What several hosts share, so that each host file holds only what is its own: the
//! answers of the common hook protocols, the fail-closed hook command, and finding, adding
//! and taking out tkx's entries under a settings file's `hooks` object.
//!
//! Nothing here knows one host's event names or file names; the host files pass them in.
//! Nothing here prints or exits.

use super::{Answer, Host, tkx_entries};
use crate::agent::call::{self, Call};
use crate::agent::install::Item;
use crate::agent::jsonc::{array, existing_array, existing_object, object, remove_empty};
use crate::agent::state::FileRecord;
use crate::agent::{Decision, Guard};
use crate::error::Error;
use jsonc_parser::cst::{CstArray, CstInputValue, CstNode, CstObject};
use serde_json::Value;
use std::path::PathBuf;

// Answers.

/// Nothing printed, exit 0: the tool runs, under the host's own rules.
pub(super) fn silent() -> Answer {
    Answer { stdout: String::new(), stderr: String::new(), code: 0 }
}

/// Exit 2 with `reason` on stderr: blocks the tool where a hook's exit code 2 does
/// (Claude Code, Codex CLI, Gemini CLI, Windsurf).
pub(super) fn block(reason: &str) -> Answer {
    Answer { stdout: String::new(), stderr: format!("{reason}\n"), code: 2 }
}

/// `v` as one line of JSON on stdout, exit 0.
pub(super) fn json(v: &Value) -> Answer {
    Answer { stdout: format!("{v}\n"), stderr: String::new(), code: 0 }
}

/// The `hookSpecificOutput` of a `PreToolUse` deny, in Claude Code's shape (Codex CLI and
/// VS Code's Copilot read it too).
pub(super) fn pre_tool_use_denial(reason: &str) -> Value {
    serde_json::json!({
        "hookEventName": "PreToolUse",
        "permissionDecision": "deny",
        "permissionDecisionReason": reason,
    })
}

/// A `PreToolUse` deny on stdout with exit 0 (Claude Code's shape).
pub(super) fn pre_tool_use_deny(reason: &str) -> Answer {
    json(&serde_json::json!({ "hookSpecificOutput": pre_tool_use_denial(reason) }))
}

/// What a hook answers when its payload is not JSON (a block, a deny or a JSON deny,
/// in the host's protocol).
pub(super) const UNREADABLE: &str =
    "tkx could not read the hook's input as JSON, so it refuses this tool call (fail closed)";

/// What a hook answers when its payload has no `tool_name`.
pub(super) const NO_TOOL_NAME: &str =
    "tkx got a hook input without `tool_name`, so it refuses this tool call (fail closed)";

/// The payload's `cwd`, when it is an absolute path.
pub(super) fn absolute_cwd(v: &Value) -> Option<PathBuf> {
    v.get("cwd").and_then(Value::as_str).map(PathBuf::from).filter(|p| p.is_absolute())
}

/// The first denial among `calls`, or [`Decision::Allow`]: a tool call that touches
/// several files is refused when one of them is.
pub(super) fn first_deny<'a>(g: &Guard, calls: impl IntoIterator<Item = Call<'a>>, tool: &str) -> Decision {
    for c in calls {
        let d = call::decide(g, c, tool);
        if d.is_deny() {
            return d;
        }
    }
    Decision::Allow
}

/// The files a patch touches, each judged as an edit; a patch that names none is judged
/// as an edit of an unknown file (refused: fail closed).
pub(super) fn patch_edits(g: &Guard, paths: Vec<&str>, tool: &str) -> Decision {
    if paths.is_empty() {
        return call::decide(g, Call::Edit(None), tool);
    }
    first_deny(g, paths.into_iter().map(|p| Call::Edit(Some(p))), tool)
}

/// The hook command for hosts that let a tool run on every exit code but 2 and show the
/// reason from stderr (Codex CLI, Gemini CLI): any failure of tkx (not on PATH, crashed,
/// killed) becomes exit 2 with a reason.
macro_rules! check_or_exit_2 {
    ($host:literal) => {
        concat!(
            "tkx agent check --host ",
            $host,
            " || { echo 'tkx agent check failed, so this tool call is blocked (fail closed): is tkx installed and on PATH?' >&2; exit 2; }"
        )
    };
}
pub(super) use check_or_exit_2;

// Settings: tkx's entries under `hooks`.

/// Whether tkx created the key `dotted` in the file; without a record (an install older
/// than the record) every key counts as tkx's.
pub(super) fn created(record: Option<&FileRecord>, dotted: &str) -> bool {
    record.is_none_or(|r| r.created_keys.iter().any(|c| c == dotted))
}

/// `hooks.<event>` of `obj` as an array, created with `hooks` when missing (and recorded
/// in `keys`); an error when either holds something else.
pub(super) fn event_array(
    obj: &CstObject,
    event: &str,
    path: &std::path::Path,
    keys: &mut Vec<String>,
) -> Result<CstArray, Error> {
    let hooks = object(obj, "hooks", path, "hooks", keys)?;
    let (arr, _) = array(&hooks, event, path, &format!("hooks.{event}"), keys)?;
    Ok(arr)
}

/// `hooks.<event>` of `obj` when it is there; nothing is created.
pub(super) fn existing_event_array(obj: &CstObject, event: &str) -> Option<CstArray> {
    existing_array(&existing_object(obj, "hooks")?, event)
}

/// Appends `entry` to `hooks.<event>` (created when missing) unless `ours` finds tkx's
/// entry there already.
pub(super) fn add_entry(
    obj: &CstObject,
    event: &str,
    path: &std::path::Path,
    keys: &mut Vec<String>,
    ours: impl Fn(&CstArray) -> Vec<CstNode>,
    entry: CstInputValue,
) -> Result<(), Error> {
    let arr = event_array(obj, event, path, keys)?;
    if ours(&arr).is_empty() {
        arr.append(entry);
    }
    Ok(())
}

/// Whether `ours` finds tkx's entry in `hooks.<event>` of `obj`.
pub(super) fn has_entry(
    obj: Option<&CstObject>,
    event: &str,
    ours: impl Fn(&CstArray) -> Vec<CstNode>,
) -> bool {
    obj.and_then(|o| existing_event_array(o, event)).is_some_and(|a| !ours(&a).is_empty())
}

/// `"version": 1` when the file has no `version` (recorded in `keys`): Cursor's and
/// Copilot's hook files carry it.
pub(super) fn ensure_version(obj: &CstObject, keys: &mut Vec<String>) {
    if obj.get("version").is_none() {
        obj.append("version", CstInputValue::Number("1".into()));
        keys.push("version".to_owned());
    }
}

/// Takes out the `version` tkx added when nothing else is left in `obj`.
pub(super) fn remove_lone_version(obj: &CstObject, record: Option<&FileRecord>) {
    if obj.properties().len() == 1 && created(record, "version") {
        if let Some(p) = obj.get("version") {
            p.remove();
        }
    }
}

/// Takes `nodes` out of the tree; whether there were any.
pub(super) fn remove_all(nodes: Vec<CstNode>) -> bool {
    let any = !nodes.is_empty();
    for n in nodes {
        n.remove();
    }
    any
}

/// Takes tkx's entries (`ours` finds them) out of `hooks.<event>` of `obj` for each of
/// `events`, each array with them when tkx created it and it is empty now; whether there
/// were any. `hooks` itself stays: when to take it out too is the host's.
pub(super) fn remove_entries(
    obj: &CstObject,
    events: &[&str],
    record: Option<&FileRecord>,
    ours: impl Fn(&CstArray) -> Vec<CstNode>,
) -> bool {
    let Some(hooks) = existing_object(obj, "hooks") else { return false };
    let mut touched = false;
    for ev in events {
        let Some(arr) = existing_array(&hooks, ev) else { continue };
        if !remove_all(ours(&arr)) {
            continue;
        }
        touched = true;
        if created(record, &format!("hooks.{ev}")) {
            remove_empty(&hooks, ev);
        }
    }
    touched
}

/// Takes `host`'s handlers out of the groups of `hooks.<event>` (`[{"matcher", "hooks":
/// […]}]`, Claude Code's shape, which Codex CLI and Gemini CLI share), a group whose
/// handlers were all tkx's with them, then `hooks.<event>` and `hooks` when tkx created
/// them and they are empty now; whether there were any.
pub(super) fn remove_group_entries(
    obj: &CstObject,
    event: &str,
    host: Host,
    record: Option<&FileRecord>,
) -> bool {
    let Some(hooks) = existing_object(obj, "hooks") else { return false };
    let Some(groups) = existing_array(&hooks, event) else { return false };
    let mut removed = false;
    for g in groups.elements().into_iter().filter_map(|e| e.as_object()) {
        let Some(hs) = existing_array(&g, "hooks") else { continue };
        let ours = tkx_entries(&hs, host);
        if ours.is_empty() {
            continue;
        }
        removed = true;
        if ours.len() == hs.elements().len() {
            g.remove();
        } else {
            remove_all(ours);
        }
    }
    if removed {
        if created(record, &format!("hooks.{event}")) {
            remove_empty(&hooks, event);
        }
        if created(record, "hooks") {
            remove_empty(obj, "hooks");
        }
    }
    removed
}

/// tkx's group in an array of hook groups (`[{"matcher", "hooks": […]}]`), if there is one.
pub(super) fn tkx_group(groups: &CstArray, host: Host) -> Option<CstObject> {
    groups
        .elements()
        .into_iter()
        .filter_map(|e| e.as_object())
        .find(|g| existing_array(g, "hooks").is_some_and(|hs| !tkx_entries(&hs, host).is_empty()))
}

/// A status item that is there or not, with nothing more to say.
pub(super) fn item(what: impl Into<String>, installed: bool) -> Item {
    Item { what: what.into(), installed, detail: None }
}
