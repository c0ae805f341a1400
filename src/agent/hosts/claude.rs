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
//!
//! Claude Code's own OS sandbox (`--os-sandbox`), checked against Claude Code 2.1.332's
//! settings schema and its sandbox runtime's README (`@anthropic-ai/sandbox-runtime`
//! 0.0.78): `sandbox.enabled` runs Bash (and PowerShell, Monitor) commands under
//! bubblewrap on Linux and `sandbox-exec` on macOS; `sandbox.filesystem.denyRead` lists
//! paths those commands cannot read (a file becomes `/dev/null`, a directory an empty
//! tmpfs on Linux), honoured from the project's settings files too. Its entries are
//! resolved as `//abs` (absolute), `~/…` (home) or relative to the project root (in the
//! user's settings, to `~/.claude`); globs are expanded when each command starts, so an
//! env file made later is covered from the next command on. The file tools (Read, Grep,
//! …) run outside that sandbox: the hook stays their guard.

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
use jsonc_parser::cst::{CstInputValue, CstNode, CstObject};
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
    let mut rules = Vec::new();
    for n in &env_names(plan) {
        rules.push(format!("Edit(**/{n})"));
    }
    if let Some(shown) = tkx_dir_shown(plan) {
        for tool in ["Read", "Edit"] {
            rules.push(format!("{tool}({shown}/.env)"));
            rules.push(format!("{tool}({shown}/projects/**)"));
        }
    }
    rules
}

/// The env file names the rules and the sandbox name one by one (`.env.*` would also
/// take `.env.example`): the common ones, and those of the project tree.
fn env_names(plan: &Plan) -> Vec<String> {
    let mut names: Vec<String> = ignore_files::COMMON_ENV_NAMES.iter().map(|s| (*s).to_owned()).collect();
    names.push(".env.*.local".into());
    for n in plan.env_names() {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names
}

/// `$TKX_DIR` as Claude Code spells a path in its settings: `~/…` under the home
/// directory, `//abs` elsewhere.
fn tkx_dir_shown(plan: &Plan) -> Option<String> {
    let d = plan.tkx_dir.as_ref()?;
    Some(absolute_shown(d, plan.home.as_deref()))
}

fn absolute_shown(p: &Path, home: Option<&Path>) -> String {
    let shown = match home.and_then(|h| p.strip_prefix(h).ok()).filter(|r| !r.as_os_str().is_empty()) {
        Some(rel) => format!("~/{}", rel.display()),
        None => format!("/{}", p.display()),
    };
    shown.trim_end_matches('/').to_owned()
}

/// Where tkx's entries of the sandbox's deny list are recorded, before the entry (the
/// install record keeps them apart from the deny rules).
const DENY_READ: &str = "sandbox.filesystem.denyRead";

/// The entries of `sandbox.filesystem.denyRead`: every env file name at any depth of the
/// project (relative entries are the project root's), the private stores and the user
/// file, and `[agent] hide`. At user level only what has one place on the machine (the
/// stores, `~/…` and absolute paths): a relative entry there would be `~/.claude`'s.
pub fn deny_read(plan: &Plan) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |e: String| {
        if !e.is_empty() && !out.contains(&e) {
            out.push(e);
        }
    };
    if !plan.user {
        for n in env_names(plan) {
            add(format!("**/{n}"));
        }
    }
    if let Some(shown) = tkx_dir_shown(plan) {
        add(format!("{shown}/.env"));
        add(format!("{shown}/projects"));
    }
    for p in &plan.hide {
        // A deny glob that ends in a separator matches nothing in Claude Code.
        let p = p.trim_end_matches('/');
        if p.starts_with("~/") {
            add(p.to_owned());
        } else if Path::new(p).is_absolute() {
            add(absolute_shown(Path::new(p), plan.home.as_deref()));
        } else if !plan.user {
            add(p.strip_prefix("./").unwrap_or(p).to_owned());
        }
    }
    out
}

/// What the sandbox part of an edit wants: the deny-read entries, and whether to turn
/// the sandbox on and add them (`false`: only known, to take them out or report).
struct Sandbox<'a> {
    entries: &'a [String],
    wanted: bool,
}

/// The settings with tkx's deny rules and hook merged in, and the record of the edits.
pub(super) fn install(plan: &Plan, text: Option<&str>, path: &Path) -> Result<(String, FileRecord), Error> {
    let entries = deny_read(plan);
    let sandbox = Sandbox { entries: &entries, wanted: plan.os_sandbox };
    install_with(text, &rules(plan), &sandbox, path, plan.shared && !plan.user)
}

/// The settings with tkx's deny rules and hook taken out, `None` when none are there.
pub(super) fn uninstall(
    plan: &Plan,
    text: &str,
    record: Option<&FileRecord>,
    path: &Path,
) -> Result<Option<String>, Error> {
    uninstall_with(text, record, &rules(plan), &deny_read(plan), path)
}

/// Whether the hook and the deny rules are there.
pub(super) fn status(plan: &Plan, text: Option<&str>, path: &Path) -> Result<Vec<Item>, Error> {
    let entries = deny_read(plan);
    status_with(text, &rules(plan), &Sandbox { entries: &entries, wanted: plan.os_sandbox }, path)
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
    sandbox: &Sandbox,
    path: &Path,
    shared: bool,
) -> Result<(String, FileRecord), Error> {
    edit_settings(text, |text, record, keys| {
        edits(text, record, keys, (rules, shared), path)?;
        if sandbox.wanted {
            sandbox_edits(text, record, keys, sandbox.entries, path)?;
        }
        Ok(())
    })
}

/// Turns Claude Code's sandbox on (`sandbox.enabled`, when the file does not set it) and
/// adds the missing deny-read entries. A file that turns the sandbox off is the user's
/// choice: refused, nothing written.
fn sandbox_edits(
    text: &mut String,
    record: &mut FileRecord,
    keys: &mut Vec<String>,
    entries: &[String],
    path: &Path,
) -> Result<(), Error> {
    pass(text, &mut record.hunks, path, |obj| {
        let sandbox = object(obj, "sandbox", path, "sandbox", keys)?;
        match sandbox.get("enabled").and_then(|p| p.value()) {
            None => {
                sandbox.append("enabled", CstInputValue::Bool(true));
                keys.push("sandbox.enabled".into());
            }
            Some(v) if v.as_boolean_lit().is_some_and(|b| b.value()) => {}
            Some(_) => {
                return Err(Error::refused(
                    format!(
                        "{}: `sandbox.enabled` is set to something other than true; nothing was changed",
                        path.display()
                    ),
                    Some("set it to true (or remove it) to let tkx turn the sandbox on, or leave out --os-sandbox".into()),
                ));
            }
        }
        let fs = object(&sandbox, "filesystem", path, "sandbox.filesystem", keys)?;
        let (deny, new) = array(&fs, "denyRead", path, DENY_READ, keys)?;
        let have: Vec<String> = deny.elements().iter().filter_map(string_of).collect();
        for e in entries {
            if !have.contains(e) {
                deny.append(CstInputValue::String(e.clone()));
                record.added.push(format!("{DENY_READ} {e}"));
            }
        }
        if new {
            deny.ensure_multiline();
        }
        Ok(())
    })
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
    entries: &[String],
    path: &Path,
) -> Result<Option<String>, Error> {
    take_out(text, path, parse, |obj| {
        let mut touched = false;
        for event in ["PreToolUse", "SessionStart"] {
            touched |= remove_group_entries(obj, event, Host::Claude, record);
        }
        touched |= remove_sandbox(obj, record, entries);
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

/// Takes out tkx's deny-read entries (those recorded; without a record, those tkx would
/// write) and `sandbox.enabled` when tkx added it (only with a record: without one,
/// nobody knows who turned the sandbox on); whether anything was taken out.
fn remove_sandbox(obj: &CstObject, record: Option<&FileRecord>, entries: &[String]) -> bool {
    let Some(sandbox) = existing_object(obj, "sandbox") else { return false };
    let mine: Vec<String> = match record {
        Some(r) => r
            .added
            .iter()
            .filter_map(|a| a.strip_prefix(DENY_READ).and_then(|e| e.strip_prefix(' ')))
            .map(str::to_owned)
            .collect(),
        None => entries.to_vec(),
    };
    let mut touched = false;
    if let Some(fs) = existing_object(&sandbox, "filesystem") {
        if let Some(deny) = existing_array(&fs, "denyRead") {
            let ours: Vec<CstNode> = deny
                .elements()
                .into_iter()
                .filter(|e| string_of(e).is_some_and(|s| mine.contains(&s)))
                .collect();
            if remove_all(ours) {
                touched = true;
                if created(record, DENY_READ) {
                    remove_empty(&fs, "denyRead");
                }
            }
        }
        if touched && created(record, "sandbox.filesystem") {
            remove_empty(&sandbox, "filesystem");
        }
    }
    if record.is_some_and(|r| r.created_keys.iter().any(|k| k == "sandbox.enabled")) {
        if let Some(p) = sandbox.get("enabled") {
            p.remove();
            touched = true;
        }
    }
    if touched && created(record, "sandbox") {
        remove_empty(obj, "sandbox");
    }
    touched
}

/// Whether `sandbox.enabled` is `true`, and which of `entries` `sandbox.filesystem.denyRead`
/// holds.
fn sandbox_state(obj: Option<&CstObject>, entries: &[String]) -> (bool, usize) {
    let sandbox = obj.and_then(|o| existing_object(o, "sandbox"));
    let enabled =
        sandbox.as_ref().and_then(|s| s.get("enabled")?.value()?.as_boolean_lit()).is_some_and(|b| b.value());
    let have: Vec<String> = sandbox
        .as_ref()
        .and_then(|s| existing_object(s, "filesystem"))
        .and_then(|f| existing_array(&f, "denyRead"))
        .map(|d| d.elements().iter().filter_map(string_of).collect())
        .unwrap_or_default();
    (enabled, entries.iter().filter(|e| have.contains(e)).count())
}

fn status_with(
    text: Option<&str>,
    rules: &[String],
    sandbox: &Sandbox,
    path: &Path,
) -> Result<Vec<Item>, Error> {
    let (hook, have, session, (enabled, denied)) = match text {
        None => (None, Vec::new(), false, (false, 0)),
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
            (hook, have, session, sandbox_state(obj.as_ref(), sandbox.entries))
        }
    };
    let n = rules.iter().filter(|r| have.contains(r)).count();
    let mut items = vec![
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
    ];
    // Counted when asked for (`--os-sandbox`, `[agent] os_sandbox`); otherwise a sandbox
    // that is on, or holds any of tkx's paths, is only described.
    let m = sandbox.entries.len();
    if sandbox.wanted {
        items.push(Item {
            what: "OS sandbox for Bash (sandbox.enabled)".into(),
            installed: enabled,
            detail: (!enabled).then(|| "`tkx agent install --os-sandbox` turns it on".into()),
        });
        items.push(Item {
            what: "sandbox.filesystem.denyRead entries".into(),
            installed: denied == m,
            detail: Some(if denied == m {
                format!("{denied} of {m}: env files, stores, [agent] hide")
            } else {
                format!("{denied} of {m}: `tkx agent install --os-sandbox` adds the rest")
            }),
        });
    } else if enabled || denied > 0 {
        let hint = if denied < m { "; `tkx agent install --os-sandbox` adds the rest" } else { "" };
        items.push(Item {
            what: "OS sandbox for Bash (sandbox.enabled)".into(),
            installed: true,
            detail: Some(format!(
                "{}, denying {denied} of tkx's {m} paths{hint}",
                if enabled { "on" } else { "off" }
            )),
        });
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::state::Hunk;
    use crate::agent::testing::Fixture;

    const P: &str = "/x/settings.json";
    const NO_SANDBOX: Sandbox = Sandbox { entries: &[], wanted: false };

    fn deny_rules() -> Vec<String> {
        vec!["Read(**/.env)".into(), "Edit(**/.env)".into()]
    }

    fn ask(f: &Fixture, payload: serde_json::Value) -> Answer {
        let bytes = serde_json::to_vec(&payload).unwrap();
        answer(&bytes, &|_| f.guard())
    }

    fn sandbox_plan(user: bool) -> Plan {
        Plan {
            hosts: vec![Host::Claude],
            user,
            shared: false,
            all_ignore_files: false,
            project: "/p".into(),
            home: Some("/home/u".into()),
            tkx_dir: Some("/home/u/.config/tkx".into()),
            env_names: Some(vec![".env".into(), ".env.payments".into()]),
            host_env: Vec::new(),
            os_sandbox: true,
            hide: vec![
                "certs/*.key".into(),
                "./keys/".into(),
                "/etc/app/secret".into(),
                "~/.ssh/id_*".into(),
            ],
        }
    }

    #[test]
    fn deny_read_names_env_files_stores_and_hide_in_claudes_spelling() {
        let project = deny_read(&sandbox_plan(false));
        for want in [
            "**/.env",
            "**/.env.local",
            "**/.env.*.local",
            "**/.env.payments",
            "~/.config/tkx/.env",
            "~/.config/tkx/projects",
            "certs/*.key",
            "keys",
            "//etc/app/secret",
            "~/.ssh/id_*",
        ] {
            assert!(project.contains(&want.to_owned()), "{want} in {project:?}");
        }
        // Examples stay readable: no entry would match `.env.example`.
        assert!(!project.iter().any(|e| e.ends_with(".env.*") || e.contains("example")), "{project:?}");
        let mut sorted = project.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), project.len(), "no entry twice");
        // User settings resolve relative entries against ~/.claude: only what has one
        // place on the machine goes there.
        let user = deny_read(&sandbox_plan(true));
        assert_eq!(user, ["~/.config/tkx/.env", "~/.config/tkx/projects", "//etc/app/secret", "~/.ssh/id_*"]);
        // A store outside the home directory is spelled `//abs`.
        let plan = Plan { tkx_dir: Some("/srv/tkx".into()), ..sandbox_plan(true) };
        assert_eq!(deny_read(&plan)[..2], ["//srv/tkx/.env".to_owned(), "//srv/tkx/projects".to_owned()]);
    }

    #[test]
    fn os_sandbox_is_turned_on_with_the_entries_and_undone_exactly() {
        let entries = deny_read(&sandbox_plan(false));
        let on = Sandbox { entries: &entries, wanted: true };
        let before =
            "{\n  \"sandbox\": {\n    \"filesystem\": {\"denyRead\": [\"~/.ssh\", \"**/.env\"]}\n  }\n}\n";
        let (after, record) = install_with(Some(before), &deny_rules(), &on, Path::new(P), false).unwrap();
        let v: Value = serde_json::from_str(&after).unwrap();
        assert_eq!(v["sandbox"]["enabled"], true);
        let deny: Vec<&str> = v["sandbox"]["filesystem"]["denyRead"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(&deny[..2], ["~/.ssh", "**/.env"], "the user's entries first, kept");
        assert_eq!(deny.iter().filter(|e| **e == "**/.env").count(), 1, "{deny:?}");
        assert!(entries.iter().all(|e| deny.contains(&e.as_str())), "{deny:?}");
        // `**/.env` was the user's: not recorded as tkx's.
        assert!(!record.added.contains(&format!("{DENY_READ} **/.env")), "{:?}", record.added);
        assert!(record.created_keys.contains(&"sandbox.enabled".to_owned()));
        let st = status_with(Some(&after), &deny_rules(), &on, Path::new(P)).unwrap();
        assert!(st.iter().all(|i| i.installed), "{st:?}");
        let (again, _) = install_with(Some(&after), &deny_rules(), &on, Path::new(P), false).unwrap();
        assert_eq!(again, after, "a second run changes nothing");
        assert_eq!(Hunk::undo(&after, &record.hunks).unwrap(), before);
        // Through the syntax tree: the user's entries and keys stay, tkx's go.
        let out =
            uninstall_with(&after, Some(&record), &deny_rules(), &entries, Path::new(P)).unwrap().unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v["sandbox"],
            serde_json::json!({"filesystem": {"denyRead": ["~/.ssh", "**/.env"]}}),
            "{out}"
        );
    }

    #[test]
    fn a_sandbox_the_user_turned_off_is_refused_and_one_turned_on_is_reported() {
        let entries = deny_read(&sandbox_plan(false));
        let on = Sandbox { entries: &entries, wanted: true };
        let off = "{\"sandbox\": {\"enabled\": false}}";
        let err = install_with(Some(off), &deny_rules(), &on, Path::new(P), false).unwrap_err();
        assert!(err.to_string().contains("`sandbox.enabled`"), "{err}");
        // Without --os-sandbox nothing of the sandbox is written or reported as missing.
        let (plain, _) = install_with(Some("{}"), &deny_rules(), &NO_SANDBOX, Path::new(P), false).unwrap();
        assert!(!plain.contains("sandbox"), "{plain}");
        let unasked = Sandbox { entries: &entries, wanted: false };
        let st = status_with(Some(&plain), &deny_rules(), &unasked, Path::new(P)).unwrap();
        assert_eq!(st.len(), 3, "{st:?}");
        // The user's own sandbox: mentioned, not counted as missing.
        let mine = "{\"sandbox\": {\"enabled\": true}}";
        let st = status_with(Some(mine), &deny_rules(), &unasked, Path::new(P)).unwrap();
        let last = st.last().unwrap();
        let detail = last.detail.as_deref().unwrap();
        assert!(
            last.installed && detail.starts_with("on, denying 0 of") && detail.contains("--os-sandbox"),
            "{st:?}"
        );
        // Asked for and missing.
        let st = status_with(Some(mine), &deny_rules(), &on, Path::new(P)).unwrap();
        let last = st.last().unwrap();
        assert!(!last.installed && last.detail.as_deref().unwrap().starts_with("0 of"), "{st:?}");
    }

    #[test]
    fn an_older_entry_is_brought_up_to_date_in_place() {
        let old = r#"{"hooks":{"PreToolUse":[{"matcher":"^(Read|Bash)$","hooks":[{"type":"command","command":"tkx agent check --host claude || exit 2"}]}]}}"#;
        let before = status_with(Some(old), &deny_rules(), &NO_SANDBOX, Path::new(P)).unwrap();
        assert!(!before[0].installed && before[0].detail.as_deref().unwrap().contains("older"), "{before:?}");
        let (new, _) = install_with(Some(old), &deny_rules(), &NO_SANDBOX, Path::new(P), false).unwrap();
        let v: Value = serde_json::from_str(&new).unwrap();
        let groups = v["hooks"]["PreToolUse"].as_array().unwrap();
        assert_eq!(groups.len(), 1, "{new}");
        assert_eq!(groups[0]["matcher"], "*");
        assert_eq!(groups[0]["hooks"][0]["onFailure"], "block");
        assert_eq!(groups[0]["hooks"][0]["timeout"], HOOK_TIMEOUT);
        assert!(
            status_with(Some(&new), &deny_rules(), &NO_SANDBOX, Path::new(P))
                .unwrap()
                .iter()
                .all(|i| i.installed)
        );
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
            let (after, record) =
                install_with(Some(before), &deny_rules(), &NO_SANDBOX, Path::new(P), false).unwrap();
            assert!(after.contains("tkx agent check --host claude"));
            let (again, _) =
                install_with(Some(&after), &deny_rules(), &NO_SANDBOX, Path::new(P), false).unwrap();
            assert_eq!(again, after, "a second run changes nothing");
            assert_eq!(Hunk::undo(&after, &record.hunks).unwrap(), before, "exact undo");
            // Edited since: the entries are taken out through the syntax tree.
            let structural =
                uninstall_with(&after, Some(&record), &deny_rules(), &[], Path::new(P)).unwrap().unwrap();
            let v = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
            assert_eq!(v(&structural), v(before));
        }
    }

    #[test]
    fn malformed_files_are_refused_with_their_line() {
        let err = install_with(Some("{\n  \"a\": 1,\n}\n"), &deny_rules(), &NO_SANDBOX, Path::new(P), false)
            .unwrap_err();
        assert!(err.to_string().starts_with("/x/settings.json:3:1: not valid JSON"), "{err}");
        let err =
            install_with(Some("{\"permissions\": []}"), &deny_rules(), &NO_SANDBOX, Path::new(P), false)
                .unwrap_err();
        assert!(err.to_string().contains("`permissions` is not an object"), "{err}");
    }
}
