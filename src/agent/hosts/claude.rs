//! Claude Code: the `PreToolUse` hook protocol, and what tkx merges into its settings.
//!
//! Followed: Claude Code's hooks reference (code.claude.com/docs/en/hooks, "PreToolUse",
//! "Hook input", "Hook output", "Exit code 2 behavior") and its settings and permissions
//! pages (code.claude.com/docs/en/settings, /iam: `permissions.deny`, `Read(…)` and
//! `Edit(…)` rules with gitignore-style patterns, `//` for absolute paths and `~/` for
//! the home directory).
//!
//! - The hook gets one JSON object on stdin: `session_id`, `transcript_path`, `cwd`,
//!   `hook_event_name` (`PreToolUse`), `tool_name` and `tool_input` (`file_path` for
//!   Read/Edit/Write, `notebook_path` for the notebook tools, `pattern`/`path`/`glob`/
//!   `type` for Grep, `pattern`/`path` for Glob, `path` for LS, `command` for Bash, the
//!   server's own arguments for `mcp__<server>__<tool>`).
//! - To deny, it prints `{"hookSpecificOutput":{"hookEventName":"PreToolUse",
//!   "permissionDecision":"deny","permissionDecisionReason":…}}` and exits 0; the reason
//!   is shown to Claude. To allow it prints nothing: a `permissionDecision` of `allow`
//!   would also skip the user's own permission prompts, which is not tkx's call.
//! - Exit code 2 blocks the tool with stderr as the reason; any other non-zero code is
//!   a non-blocking error and the tool runs. So tkx never fails with another code here,
//!   and a payload it cannot read is answered with exit 2 (fail closed).

use super::common::{
    NO_TOOL_NAME, UNREADABLE, absolute_cwd, block, created, event_array, existing_event_array, item, json,
    pre_tool_use_deny, remove_all, remove_group_entries, silent, tkx_group,
};
use super::{Answer, Host, tkx_entries};
use crate::agent::call::{self, Call};
use crate::agent::install::{Item, Part, Plan, Target};
use crate::agent::jsonc::{
    array, edit_settings, existing_array, existing_object, object, parse, pass, prop_string, remove_empty,
    string_of, take_out,
};
use crate::agent::state::FileRecord;
use crate::agent::{Decision, Guard, ignore_files};
use crate::error::Error;
use jsonc_parser::cst::{CstInputValue, CstNode};
use serde_json::Value;
use std::path::Path;

/// The tools whose calls the hook sees: all of them (Claude Code's `*`), so a tool a
/// later version adds is judged by its arguments instead of passing unseen.
pub const MATCHER: &str = "*";

/// What the `SessionStart` hook adds to the model's context: the way out of every
/// denial, including those of the deny rules, which answer before the hook and say only
/// that permission was denied.
pub const SESSION_CONTEXT: &str = "This project keeps API keys out of the model's context with tkx. Env files (.env, .env.* except examples such as .env.example) and tkx's stores are blocked for reading and editing, and so are commands that print them, the environment or a secret variable. To see which keys exist, run `tkx env` (values masked). To run a program or tests with the keys, run `tkx exec -- CMD` (add `--redact` to mask its output). To add or change a key, ask the user to run `tkx set KEY` (hidden input). Never try to print, copy or encode a key's value.";

/// The hook's command.
pub const COMMAND: &str = "tkx agent check --host claude || exit 2";

/// The hook's time limit, in seconds (Claude Code's default is ten minutes). With
/// `onFailure: block` (Claude Code 2.1.295 and later), a hook that times out or cannot
/// start stops the tool call instead of letting it run; `|| exit 2` does the same for
/// earlier versions when tkx is missing or fails.
pub const HOOK_TIMEOUT: u32 = 30;

/// The `SessionStart` hook's command (it blocks nothing: a failure only loses the note).
pub const SESSION_COMMAND: &str = "tkx agent check --host claude";

/// The hook's command in the project's shared settings (`agent install --shared`): a
/// teammate without tkx is told what the project needs, instead of a bare failure.
/// Their tool calls stay stopped (exit 2) until tkx is there: the team chose the guard.
pub const SHARED_COMMAND: &str = "command -v tkx >/dev/null 2>&1 || { echo 'This project keeps API keys out of the agent with tkx, which is not installed: install tkx (the README of this project says how), or ask whoever ran `tkx agent install --shared`. Until then every tool call is stopped.' >&2; exit 2; }; tkx agent check --host claude || exit 2";

/// Answers one payload. `guard` builds the guard for the payload's working directory.
pub fn answer(payload: &[u8], guard: &dyn Fn(Option<&Path>) -> Guard) -> Answer {
    let Ok(v) = serde_json::from_slice::<Value>(payload) else {
        return block(UNREADABLE);
    };
    if v.get("hook_event_name").and_then(Value::as_str) == Some("SessionStart") {
        let out = serde_json::json!({
            "hookSpecificOutput": { "hookEventName": "SessionStart", "additionalContext": SESSION_CONTEXT }
        });
        return json(&out);
    }
    let Some(tool) = v.get("tool_name").and_then(Value::as_str) else { return block(NO_TOOL_NAME) };
    let g = guard(absolute_cwd(&v).as_deref());
    let input = v.get("tool_input").cloned().unwrap_or(Value::Null);
    match decide(&g, tool, &input) {
        Decision::Allow => silent(),
        Decision::Deny(reason) => pre_tool_use_deny(&reason),
    }
}

/// The guard's decision for one tool call: Claude Code's tool names and argument names,
/// as a [`Call`].
pub fn decide(g: &Guard, tool: &str, input: &Value) -> Decision {
    let field = |name: &str| input.get(name).and_then(Value::as_str);
    // GitHub Copilot CLI also runs the hooks in `.claude/settings*.json`, naming its tools
    // as Claude Code does (`view` is `Read`) but with its own arguments (`path`).
    let file = || field("file_path").or(field("path"));
    let call = match tool {
        "Read" => Call::Read(file()),
        "NotebookRead" => Call::Read(field("notebook_path")),
        "Edit" | "MultiEdit" | "Write" => Call::Edit(file()),
        "NotebookEdit" => Call::Edit(field("notebook_path")),
        // Grep prints file names (its default) or counts unless `output_mode` is `content`:
        // names and counts put no value in front of the model.
        "Grep" if field("output_mode").is_none_or(|m| m != "content") => Call::Other,
        "Grep" => Call::Search { root: field("path"), glob: field("glob"), file_type: field("type") },
        "Glob" => Call::Glob { pattern: field("pattern"), root: field("path") },
        "LS" => Call::List(field("path")),
        "Bash" | "Monitor" => Call::Shell(field("command")),
        "PowerShell" => Call::PowerShell(field("command")),
        "WebFetch" => Call::Fetch(field("url")),
        t if t.starts_with("mcp__") => Call::Mcp { tool: t, input },
        // Subagents' prompts, todo lists, questions: their own tool calls come through
        // this hook too.
        "Agent" | "Task" | "TodoWrite" | "ExitPlanMode" | "AskUserQuestion" | "WebSearch" | "BashOutput"
        | "KillShell" | "KillBash" => Call::Other,
        // A tool this version of tkx does not know: judged by the arguments it carries.
        _ => Call::by_arguments(
            field("command"),
            field("file_path").or(field("notebook_path")).or(field("path")),
        ),
    };
    call::decide(g, call, tool)
}

// Settings: what `tkx agent install` merges into Claude Code's settings file (deny rules
// for editing env files and for the stores, the `PreToolUse` hook and the `SessionStart`
// note), and takes out again.

/// Claude Code's personal project settings: not committed (Claude Code keeps it out of
/// git), so the guard binds only the person who installed it.
pub const PERSONAL_SETTINGS: &str = ".claude/settings.local.json";
/// Claude Code's shared project settings (committed), and the user-level file's name.
pub const SHARED_SETTINGS: &str = ".claude/settings.json";

/// The file a plan edits: the personal, shared or user-level settings.
pub(super) fn targets(plan: &Plan, base: &Path) -> Vec<Target> {
    vec![Target {
        part: Part::Settings(Host::Claude),
        // Personal by default: a teammate without tkx must not find every tool
        // call stopped by a hook someone else committed.
        path: base.join(if plan.user || plan.shared { SHARED_SETTINGS } else { PERSONAL_SETTINGS }),
        why: None,
    }]
}

/// The deny rules for Claude Code: `Edit` of every env file name at any depth (concrete
/// names, since `.env.*` would also hide `.env.example`), and `Read` and `Edit` of the
/// stores.
///
/// No `Read` rule names an env file: Claude Code applies a `Read` rule to every Bash
/// command that names the file too, so `grep -c KEY .env` and `wc -l .env` (which print
/// no value) would be refused, and a rule's refusal answers before the hook and says only
/// that permission was denied. The hook (which fails closed) judges reads of env files
/// and says why; the `SessionStart` note tells the model the way out.
fn rules(plan: &Plan) -> Vec<String> {
    let mut names: Vec<String> = ignore_files::COMMON_ENV_NAMES.iter().map(|s| (*s).to_owned()).collect();
    names.push(".env.*.local".into());
    for n in plan.env_names() {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let mut rules = Vec::new();
    for n in &names {
        rules.push(format!("Edit(**/{n})"));
    }
    if let Some(d) = &plan.tkx_dir {
        let shown = match plan.home.as_ref().and_then(|h| d.strip_prefix(h).ok()) {
            Some(rel) => format!("~/{}", rel.display()),
            None => format!("/{}", d.display()),
        };
        let shown = shown.trim_end_matches('/').to_owned();
        for tool in ["Read", "Edit"] {
            rules.push(format!("{tool}({shown}/.env)"));
            rules.push(format!("{tool}({shown}/projects/**)"));
        }
    }
    rules
}

/// The settings with tkx's deny rules and hook merged in, and the record of the edits.
pub(super) fn install(plan: &Plan, text: Option<&str>, path: &Path) -> Result<(String, FileRecord), Error> {
    install_with(text, &rules(plan), path, plan.shared && !plan.user)
}

/// The settings with tkx's deny rules and hook taken out, `None` when none are there.
pub(super) fn uninstall(
    plan: &Plan,
    text: &str,
    record: Option<&FileRecord>,
    path: &Path,
) -> Result<Option<String>, Error> {
    uninstall_with(text, record, &rules(plan), path)
}

/// Whether the hook and the deny rules are there.
pub(super) fn status(plan: &Plan, text: Option<&str>, path: &Path) -> Result<Vec<Item>, Error> {
    status_with(text, &rules(plan), path)
}

fn hook_group(shared: bool) -> CstInputValue {
    CstInputValue::Object(vec![
        ("matcher".into(), CstInputValue::String(MATCHER.into())),
        (
            "hooks".into(),
            CstInputValue::Array(vec![CstInputValue::Object(vec![
                ("type".into(), CstInputValue::String("command".into())),
                (
                    "command".into(),
                    CstInputValue::String(if shared { SHARED_COMMAND } else { COMMAND }.into()),
                ),
                ("timeout".into(), CstInputValue::Number(HOOK_TIMEOUT.to_string())),
                ("onFailure".into(), CstInputValue::String("block".into())),
            ])]),
        ),
    ])
}

fn install_with(
    text: Option<&str>,
    rules: &[String],
    path: &Path,
    shared: bool,
) -> Result<(String, FileRecord), Error> {
    edit_settings(text, |text, record, keys| edits(text, record, keys, (rules, shared), path))
}

fn edits(
    text: &mut String,
    record: &mut FileRecord,
    keys: &mut Vec<String>,
    (rules, shared): (&[String], bool),
    path: &Path,
) -> Result<(), Error> {
    pass(text, &mut record.hunks, path, |obj| {
        let perms = object(obj, "permissions", path, "permissions", keys)?;
        let (deny, new_deny) = array(&perms, "deny", path, "permissions.deny", keys)?;
        let have: Vec<String> = deny.elements().iter().filter_map(string_of).collect();
        for r in rules {
            if !have.contains(r) {
                deny.append(CstInputValue::String(r.clone()));
                record.added.push(r.clone());
            }
        }
        if new_deny {
            deny.ensure_multiline();
        }
        Ok(())
    })?;
    pass(text, &mut record.hunks, path, |obj| {
        let ptu = event_array(obj, "PreToolUse", path, keys)?;
        match tkx_group(&ptu, Host::Claude) {
            Some(g) => {
                // An older tkx's entry: bring it up to date in place.
                if prop_string(&g, "matcher").as_deref() != Some(MATCHER) {
                    if let Some(m) = g.get("matcher") {
                        m.set_value(CstInputValue::String(MATCHER.into()));
                    } else {
                        g.append("matcher", CstInputValue::String(MATCHER.into()));
                    }
                }
                let entries =
                    existing_array(&g, "hooks").map(|hs| tkx_entries(&hs, Host::Claude)).unwrap_or_default();
                for e in entries.iter().filter_map(|e| e.as_object()) {
                    if e.get("timeout").is_none() {
                        e.append("timeout", CstInputValue::Number(HOOK_TIMEOUT.to_string()));
                    }
                    if e.get("onFailure").is_none() {
                        e.append("onFailure", CstInputValue::String("block".into()));
                    }
                }
            }
            None => {
                ptu.append(hook_group(shared));
            }
        }
        Ok(())
    })?;
    pass(text, &mut record.hunks, path, |obj| {
        let start = event_array(obj, "SessionStart", path, keys)?;
        if tkx_group(&start, Host::Claude).is_none() {
            start.append(session_group());
        }
        Ok(())
    })
}

/// The `SessionStart` group: tells the model at the start of each session how to work
/// with the keys it cannot read.
fn session_group() -> CstInputValue {
    CstInputValue::Object(vec![(
        "hooks".into(),
        CstInputValue::Array(vec![CstInputValue::Object(vec![
            ("type".into(), CstInputValue::String("command".into())),
            ("command".into(), CstInputValue::String(SESSION_COMMAND.into())),
        ])]),
    )])
}

fn uninstall_with(
    text: &str,
    record: Option<&FileRecord>,
    rules: &[String],
    path: &Path,
) -> Result<Option<String>, Error> {
    take_out(text, path, parse, |obj| {
        let mut touched = false;
        for event in ["PreToolUse", "SessionStart"] {
            touched |= remove_group_entries(obj, event, Host::Claude, record);
        }
        let Some(perms) = existing_object(obj, "permissions") else { return touched };
        let Some(deny) = existing_array(&perms, "deny") else { return touched };
        let mine: Vec<String> = match record {
            Some(r) => r.added.clone(),
            None => rules.to_vec(),
        };
        let ours: Vec<CstNode> =
            deny.elements().into_iter().filter(|e| string_of(e).is_some_and(|s| mine.contains(&s))).collect();
        if remove_all(ours) {
            touched = true;
            if created(record, "permissions.deny") {
                remove_empty(&perms, "deny");
            }
            if created(record, "permissions") {
                remove_empty(obj, "permissions");
            }
        }
        touched
    })
}

fn status_with(text: Option<&str>, rules: &[String], path: &Path) -> Result<Vec<Item>, Error> {
    let (hook, have, session) = match text {
        None => (None, Vec::new(), false),
        Some(t) => {
            let root = parse(t, path)?;
            let obj = root.object_value();
            let group = |event: &str| {
                obj.as_ref()
                    .and_then(|o| existing_event_array(o, event))
                    .and_then(|p| tkx_group(&p, Host::Claude))
            };
            let session = group("SessionStart").is_some();
            let hook = group("PreToolUse").map(|g| {
                let fails_closed = existing_array(&g, "hooks").is_some_and(|hs| {
                    tkx_entries(&hs, Host::Claude)
                        .iter()
                        .filter_map(|e| e.as_object())
                        .all(|e| prop_string(&e, "onFailure").as_deref() == Some("block"))
                });
                prop_string(&g, "matcher").as_deref() == Some(MATCHER) && fails_closed
            });
            let have: Vec<String> = obj
                .as_ref()
                .and_then(|o| existing_object(o, "permissions"))
                .and_then(|p| existing_array(&p, "deny"))
                .map(|d| d.elements().iter().filter_map(string_of).collect())
                .unwrap_or_default();
            (hook, have, session)
        }
    };
    let n = rules.iter().filter(|r| have.contains(r)).count();
    Ok(vec![
        Item {
            what: "PreToolUse hook (`tkx agent check --host claude`)".into(),
            installed: hook == Some(true),
            detail: (hook == Some(false))
                .then(|| "an older tkx's entry: `tkx agent install` updates it".into()),
        },
        Item {
            what: "permissions.deny rules".into(),
            installed: n == rules.len(),
            detail: Some(format!("{n} of {}", rules.len())),
        },
        item("SessionStart note (how to work with the keys)", session),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::state::Hunk;
    use crate::agent::testing::Fixture;

    const P: &str = "/x/settings.json";

    fn deny_rules() -> Vec<String> {
        vec!["Read(**/.env)".into(), "Edit(**/.env)".into()]
    }

    fn ask(f: &Fixture, payload: serde_json::Value) -> Answer {
        let bytes = serde_json::to_vec(&payload).unwrap();
        answer(&bytes, &|_| f.guard())
    }

    #[test]
    fn an_older_entry_is_brought_up_to_date_in_place() {
        let old = r#"{"hooks":{"PreToolUse":[{"matcher":"^(Read|Bash)$","hooks":[{"type":"command","command":"tkx agent check --host claude || exit 2"}]}]}}"#;
        let before = status_with(Some(old), &deny_rules(), Path::new(P)).unwrap();
        assert!(!before[0].installed && before[0].detail.as_deref().unwrap().contains("older"), "{before:?}");
        let (new, _) = install_with(Some(old), &deny_rules(), Path::new(P), false).unwrap();
        let v: Value = serde_json::from_str(&new).unwrap();
        let groups = v["hooks"]["PreToolUse"].as_array().unwrap();
        assert_eq!(groups.len(), 1, "{new}");
        assert_eq!(groups[0]["matcher"], "*");
        assert_eq!(groups[0]["hooks"][0]["onFailure"], "block");
        assert_eq!(groups[0]["hooks"][0]["timeout"], HOOK_TIMEOUT);
        assert!(status_with(Some(&new), &deny_rules(), Path::new(P)).unwrap().iter().all(|i| i.installed));
    }

    #[test]
    fn session_start_tells_the_model_the_way_out() {
        let f = Fixture::new();
        let a = ask(&f, serde_json::json!({"hook_event_name": "SessionStart", "source": "startup"}));
        let v: serde_json::Value = serde_json::from_str(&a.stdout).unwrap();
        assert_eq!(v["hookSpecificOutput"]["hookEventName"], "SessionStart");
        let context = v["hookSpecificOutput"]["additionalContext"].as_str().unwrap();
        assert!(context.contains("tkx exec -- CMD") && context.contains("tkx env"), "{context}");
        assert_eq!(a.code, 0);
    }

    #[test]
    fn new_and_unknown_tools_are_judged_by_their_arguments() {
        let f = Fixture::new();
        let g = f.guard();
        let env = f.project().join(".env");
        for (tool, input, deny) in [
            ("Monitor", serde_json::json!({"command": "tail -f .env"}), true),
            ("PowerShell", serde_json::json!({"command": "Get-Content .env"}), true),
            (
                "WebFetch",
                serde_json::json!({"url": format!("file://{}", env.display()), "prompt": "x"}),
                true,
            ),
            ("SomeFutureTool", serde_json::json!({"file_path": env.to_string_lossy()}), true),
            ("SomeFutureShell", serde_json::json!({"command": "printenv"}), true),
            ("Agent", serde_json::json!({"prompt": "read .env and tell me the key"}), false),
            ("WebFetch", serde_json::json!({"url": "https://docs.example.com/.env", "prompt": "x"}), false),
            ("Monitor", serde_json::json!({"command": "tail -f server.log"}), false),
            // Grep prints names unless asked for content.
            ("Grep", serde_json::json!({"pattern": "OPENAI", "path": env.to_string_lossy()}), false),
            (
                "Grep",
                serde_json::json!({"pattern": "OPENAI", "path": env.to_string_lossy(), "output_mode": "count"}),
                false,
            ),
            (
                "Grep",
                serde_json::json!({"pattern": "OPENAI", "path": env.to_string_lossy(), "output_mode": "content"}),
                true,
            ),
        ] {
            assert_eq!(decide(&g, tool, &input).is_deny(), deny, "{tool} {input}");
        }
    }

    #[test]
    fn read_of_env_is_denied_in_the_documented_shape() {
        let f = Fixture::new();
        let env = f.project().join(".env");
        let a = ask(
            &f,
            serde_json::json!({
                "session_id": "s", "transcript_path": "/t", "cwd": f.project(), "permission_mode": "default",
                "hook_event_name": "PreToolUse", "tool_name": "Read", "tool_input": {"file_path": env}
            }),
        );
        assert_eq!(a.code, 0);
        let out: Value = serde_json::from_str(&a.stdout).unwrap();
        assert_eq!(out["hookSpecificOutput"]["hookEventName"], "PreToolUse");
        assert_eq!(out["hookSpecificOutput"]["permissionDecision"], "deny");
        assert!(
            out["hookSpecificOutput"]["permissionDecisionReason"]
                .as_str()
                .unwrap()
                .contains("tkx exec -- CMD")
        );
        let ok = ask(
            &f,
            serde_json::json!({"tool_name": "Read", "tool_input": {"file_path": f.project().join(".env.example")}}),
        );
        assert_eq!((ok.code, ok.stdout.as_str()), (0, ""));
    }

    #[test]
    fn unreadable_payloads_fail_closed() {
        let f = Fixture::new();
        assert_eq!(answer(b"not json", &|_| f.guard()).code, 2);
        assert_eq!(answer(b"{}", &|_| f.guard()).code, 2);
        let a = ask(&f, serde_json::json!({"tool_name": "Read", "tool_input": {}}));
        assert!(a.stdout.contains("\"deny\""), "{a:?}");
        let a = ask(&f, serde_json::json!({"tool_name": "TodoWrite", "tool_input": {}}));
        assert_eq!(a.stdout, "");
    }

    /// GitHub Copilot CLI runs this hook from `.claude/settings*.json` too, with Claude
    /// Code's tool names and its own argument names (docs.github.com, "GitHub Copilot
    /// hooks reference": `view` is reported as `Read`, with `path`).
    #[test]
    fn copilot_running_claudes_hook() {
        let f = Fixture::new();
        let view = |p: std::path::PathBuf| {
            serde_json::json!({
                "hook_event_name": "PreToolUse", "session_id": "s", "timestamp": "2026-12-02T11:00:00Z",
                "cwd": f.project(), "tool_name": "Read", "tool_input": {"path": p}
            })
        };
        assert!(ask(&f, view(f.project().join(".env"))).stdout.contains("\"deny\""));
        assert_eq!(ask(&f, view(f.project().join("src/main.rs"))).stdout, "");
    }

    #[test]
    fn claude_round_trip_keeps_every_byte() {
        for before in [
            "{\n  \"model\": \"opus\",\n  \"permissions\": {\n    \"allow\": [\"Bash(ls)\"],\n    \"deny\": [\n      \"Read(./secrets/**)\"\n    ]\n  }\n}\n",
            "{\n    \"env\": {\"A\": \"1\"},\n    \"hooks\": {\"PreToolUse\": [{\"matcher\": \"Bash\", \"hooks\": [{\"type\": \"command\", \"command\": \"x\"}]}]}\n}",
            "{}",
            "{\n\t\"a\": [1, 2]\n}\n",
        ] {
            let (after, record) = install_with(Some(before), &deny_rules(), Path::new(P), false).unwrap();
            assert!(after.contains("tkx agent check --host claude"));
            let (again, _) = install_with(Some(&after), &deny_rules(), Path::new(P), false).unwrap();
            assert_eq!(again, after, "a second run changes nothing");
            assert_eq!(Hunk::undo(&after, &record.hunks).unwrap(), before, "exact undo");
            // Edited since: the entries are taken out through the syntax tree.
            let structural =
                uninstall_with(&after, Some(&record), &deny_rules(), Path::new(P)).unwrap().unwrap();
            let v = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
            assert_eq!(v(&structural), v(before));
        }
    }

    #[test]
    fn malformed_files_are_refused_with_their_line() {
        let err = install_with(Some("{\n  \"a\": 1,\n}\n"), &deny_rules(), Path::new(P), false).unwrap_err();
        assert!(err.to_string().starts_with("/x/settings.json:3:1: not valid JSON"), "{err}");
        let err =
            install_with(Some("{\"permissions\": []}"), &deny_rules(), Path::new(P), false).unwrap_err();
        assert!(err.to_string().contains("`permissions` is not an object"), "{err}");
    }
}
