//! GitHub Copilot (the CLI, the cloud agent, VS Code's agent): the `preToolUse` hook
//! protocol, and the hook file tkx owns, `.github/hooks/tkx.json`.
//!
//! Followed: GitHub's "Copilot CLI hooks reference"
//! (docs.github.com/en/copilot/reference/copilot-cli-reference/cli-hooks-reference, read
//! as `content/copilot/reference/copilot-cli-reference/cli-hooks-reference.md` of
//! github/docs at 927566b): hook files are `.github/hooks/*.json` in the repository,
//! `{"version": 1, "hooks": {"preToolUse": [{"type": "command", "bash": …, "powershell":
//! …, "cwd": …, "timeoutSec": …}]}}` (`timeoutSec` defaults to 30); the user-level
//! directory is `~/.copilot/hooks/`. The tool names are `bash`, `powershell`, `view`,
//! `create`, `edit`, `glob`, `grep`, `web_fetch`, `task`, `ask_user`; MCP tools carry
//! the server's own names.
//!
//! - With the camelCase event `preToolUse` the hook gets `{"sessionId", "timestamp",
//!   "cwd", "toolName", "toolArgs"}`; `toolArgs` is `unknown` in the reference and, as
//!   github/copilot-cli issue 3349 reports, arrives as a JSON-encoded string: both are
//!   read. With the PascalCase event `PreToolUse` (VS Code's format) it gets
//!   `hook_event_name`, `tool_name` and `tool_input`; both are read too.
//! - To deny, the hook prints `{"permissionDecision": "deny", "permissionDecisionReason":
//!   …}` (the reason is shown to the agent, and required for a deny); empty output keeps
//!   Copilot's default, which is what tkx prints to allow. For VS Code's format the same
//!   fields are also given inside `hookSpecificOutput`.
//! - That page said "Hook failures (non-zero exit codes or timeouts) are logged and
//!   skipped — they never block agent execution"; its successor, the "GitHub Copilot
//!   hooks reference" (`content/copilot/reference/hooks-reference.md` at 05da5bc), says a
//!   command `preToolUse` hook that crashes or exits non-zero denies, but "command hook
//!   timeouts are always fail-open". So the hook command prints a deny itself when tkx is
//!   missing or fails ([`BASH`], [`POWERSHELL`]), for every version, and `tkx agent
//!   check` answers "deny" on its own after [`DEADLINE_SECS`], well under [`TIMEOUT_SECS`].
//!   A reply that is not one JSON object counts as no reply (the tool runs), so tkx
//!   prints exactly one.
//! - The same reference: user-level hooks are `*.json` in `~/.copilot/hooks/` (or
//!   `$COPILOT_HOME/hooks/`); the cloud agent loads only `.github/hooks/*.json` of the
//!   cloned repository and runs only `bash`, so it needs tkx in its sandbox (the
//!   repository's `copilot-setup-steps.yml`), or every tool call is refused. Copilot CLI
//!   also runs the hooks of `.claude/settings*.json`, naming its tools as Claude Code
//!   does; `claude.rs` reads its `path` argument too.
//!
//! The argument names (`command`, `path`, `pattern`, `glob`, `url`; the cloud agent's
//! `str_replace_editor` with `command` and `path`) come from the tools' published
//! schemas, not from a captured payload; a tool tkx does not know is judged like an MCP
//! tool (denied when an argument names a protected file).

use super::common::{
    absolute_cwd, add_entry, created, ensure_version, first_deny, has_entry, item, json, patch_edits,
    pre_tool_use_denial, remove_entries, remove_lone_version, silent,
};
use super::{Answer, Host, patch_paths};
use crate::agent::call::{self, Call};
use crate::agent::install::{Item, Part, Plan, Target};
use crate::agent::jsonc::{edit_settings, parse, pass, prop_string, remove_empty, take_out};
use crate::agent::state::FileRecord;
use crate::agent::{Decision, Guard};
use crate::error::Error;
use jsonc_parser::cst::{CstArray, CstInputValue, CstNode};
use serde_json::Value;
use std::path::Path;

/// The file tkx owns in a repository (other hook files are left alone).
pub const PROJECT_FILE: &str = ".github/hooks/tkx.json";
/// The file tkx owns for `--user`.
pub const USER_FILE: &str = ".copilot/hooks/tkx.json";

/// The hook's time limit (`timeoutSec`).
pub const TIMEOUT_SECS: u64 = 30;
/// When `tkx agent check --host copilot` gives up and denies.
pub const DEADLINE_SECS: u64 = 10;

const CHECK: &str = "tkx agent check --host copilot";

/// The event tkx hooks.
const EVENT: &str = "preToolUse";

/// The hook's command for Unix: tkx's answer, or a deny when tkx is missing or fails.
pub const BASH: &str = "tkx agent check --host copilot || echo '{\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"tkx is not installed or failed, and its hook (tkx.json in .github/hooks or ~/.copilot/hooks) guards env files here, so this tool call is refused (fail closed): install tkx, or remove the hook\"}'";

/// The hook's command for Windows, failing closed the same way.
pub const POWERSHELL: &str = "try { tkx agent check --host copilot; if ($LASTEXITCODE -ne 0) { throw 'tkx failed' } } catch { Write-Output '{\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"tkx is not installed or failed, and its hook (tkx.json in .github/hooks or ~/.copilot/hooks) guards env files here, so this tool call is refused (fail closed): install tkx, or remove the hook\"}' }";

/// Answers one payload: the deny JSON on stdout or nothing, always exit code 0.
pub fn answer(payload: &[u8], guard: &dyn Fn(Option<&Path>) -> Guard) -> Answer {
    let Ok(v) = serde_json::from_slice::<Value>(payload) else {
        return respond(
            &Decision::env(
                "tkx could not read the hook's input as JSON, so it refuses this tool call (fail closed)",
            ),
            false,
        );
    };
    // VS Code's format: `hook_event_name`, `tool_name`, `tool_input`.
    let vscode = v.get("tool_name").is_some() || v.get("hook_event_name").is_some();
    let Some(tool) = v.get("toolName").or(v.get("tool_name")).and_then(Value::as_str) else {
        return respond(
            &Decision::env(
                "tkx got a hook input without `toolName`, so it refuses this tool call (fail closed)",
            ),
            vscode,
        );
    };
    let raw = v.get("toolArgs").or(v.get("tool_input")).cloned().unwrap_or(Value::Null);
    // `toolArgs` may be the arguments' JSON text.
    let args = match &raw {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(parsed) => parsed,
            Err(_) => {
                return respond(
                    &Decision::env(format!(
                        "tkx could not read the arguments of this {tool} call (fail closed)"
                    )),
                    vscode,
                );
            }
        },
        other => other.clone(),
    };
    let g = guard(absolute_cwd(&v).as_deref());
    respond(&decide(&g, tool, &args), vscode)
}

/// The guard's decision for one tool call: Copilot's tool and argument names, as a
/// [`Call`].
pub fn decide(g: &Guard, tool: &str, args: &Value) -> Decision {
    let field = |name: &str| args.get(name).and_then(Value::as_str);
    let path = || field("path").or(field("filePath")).or(field("file_path"));
    let call = match tool {
        // Under the PascalCase `PreToolUse` event Copilot names its tools as Claude Code
        // does (`bash` and `powershell` are `Bash`, `view` is `Read`, `create` is `Write`).
        "bash" | "run_in_terminal" | "Bash" => Call::Shell(field("command")),
        "powershell" => Call::PowerShell(field("command")),
        "Read" => Call::Read(path()),
        "Write" | "Edit" => Call::Edit(path()),
        // Names or counts only (`output_mode`), as Claude Code's Grep: no value shown.
        "Grep" | "grep" | "rg" if matches!(field("output_mode"), Some("files_with_matches" | "count")) => {
            Call::Other
        }
        "Grep" => Call::Search { root: path(), glob: field("glob"), file_type: field("type") },
        "Glob" => Call::Glob { pattern: field("pattern"), root: path() },
        "WebFetch" => Call::Fetch(field("url")),
        "AskUserQuestion" | "TodoWrite" | "Agent" | "Task" | "WebSearch" | "web_search" => Call::Other,
        // A patch names its files in its text; any string argument may hold it.
        "apply_patch" => {
            let texts: Vec<&str> = match args {
                Value::String(s) => vec![s.as_str()],
                Value::Object(o) => o.values().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            return patch_edits(g, texts.into_iter().flat_map(patch_paths).collect(), tool);
        }
        // Keys typed into a running shell session are a command line too.
        "write_bash" | "write_powershell" => {
            let input = field("input").map(|i| i.replace("{enter}", "\n"));
            let d = match tool {
                "write_bash" => call::decide(g, Call::Shell(input.as_deref()), tool),
                _ => call::decide(g, Call::PowerShell(input.as_deref()), tool),
            };
            return d;
        }
        "view" | "read" | "read_file" => Call::Read(path()),
        "create"
        | "edit"
        | "str_replace"
        | "insert"
        | "create_file"
        | "replace_string_in_file"
        | "insert_edit_into_file" => Call::Edit(path()),
        // The cloud agent's one editor tool.
        "str_replace_editor" => match field("command") {
            Some("view") => Call::Read(path()),
            _ => Call::Edit(path()),
        },
        // Copilot CLI names the scope `paths`: one path or a list of them.
        "grep" | "rg" | "glob" => {
            let mut roots: Vec<Option<&str>> = match args.get("paths") {
                Some(Value::String(p)) => vec![Some(p.as_str())],
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(Some).collect(),
                _ => vec![path()],
            };
            if roots.is_empty() {
                roots.push(None);
            }
            let calls = roots.into_iter().map(|root| {
                if tool == "glob" {
                    Call::Glob { pattern: field("pattern"), root }
                } else {
                    Call::Search { root, glob: field("glob"), file_type: field("type") }
                }
            });
            return first_deny(g, calls, tool);
        }
        "list_dir" => Call::List(path()),
        "web_fetch" | "fetch" => Call::Fetch(field("url")),
        "ask_user" | "task" | "think" | "report_intent" | "report_progress" | "update_todo" | "read_bash"
        | "stop_bash" | "list_bash" | "read_powershell" | "stop_powershell" => Call::Other,
        // MCP tools and tools tkx does not know: denied when an argument names a
        // protected file.
        _ => Call::Mcp { tool, input: args },
    };
    call::decide(g, call, tool)
}

/// The answer for `d`: nothing to allow (Copilot's own rules then apply), the deny JSON
/// to deny; with `vscode`, the deny is also given in VS Code's `hookSpecificOutput`.
pub(super) fn respond(d: &Decision, vscode: bool) -> Answer {
    match d {
        Decision::Allow => silent(),
        Decision::Deny(reason) => {
            let mut v = serde_json::json!({
                "permissionDecision": "deny",
                "permissionDecisionReason": reason,
            });
            if vscode {
                v["hookSpecificOutput"] = pre_tool_use_denial(reason);
            }
            json(&v)
        }
    }
}

// Settings: tkx's own hook file, `.github/hooks/tkx.json` (or `~/.copilot/hooks/tkx.json`).

/// The file a plan edits.
pub(super) fn targets(plan: &Plan, base: &Path) -> Vec<Target> {
    let file = if plan.user { USER_FILE } else { PROJECT_FILE };
    vec![Target { part: Part::Settings(Host::Copilot), path: base.join(file), why: None }]
}

fn tkx_entry() -> CstInputValue {
    CstInputValue::Object(vec![
        ("type".into(), CstInputValue::String("command".into())),
        ("bash".into(), CstInputValue::String(BASH.into())),
        ("powershell".into(), CstInputValue::String(POWERSHELL.into())),
        ("timeoutSec".into(), CstInputValue::Number(TIMEOUT_SECS.to_string())),
    ])
}

/// The entries of a `preToolUse` array that run tkx's check.
fn tkx_entries(arr: &CstArray) -> Vec<CstNode> {
    arr.elements()
        .into_iter()
        .filter(|e| {
            e.as_object().is_some_and(|o| {
                ["bash", "powershell"].iter().any(|k| prop_string(&o, k).is_some_and(|c| c.contains(CHECK)))
            })
        })
        .collect()
}

/// The hook file with tkx's hook merged in, and the record of the edits.
pub(super) fn install(text: Option<&str>, path: &Path) -> Result<(String, FileRecord), Error> {
    edit_settings(text, |text, record, keys| {
        pass(text, &mut record.hunks, path, |obj| {
            ensure_version(obj, keys);
            Ok(())
        })?;
        pass(text, &mut record.hunks, path, |obj| add_entry(obj, EVENT, path, keys, tkx_entries, tkx_entry()))
    })
}

/// The hook file with tkx's hook taken out, `None` when it is not there.
pub(super) fn uninstall(
    text: &str,
    record: Option<&FileRecord>,
    path: &Path,
) -> Result<Option<String>, Error> {
    take_out(text, path, parse, |obj| {
        if !remove_entries(obj, &[EVENT], record, tkx_entries) {
            return false;
        }
        if created(record, "hooks") && remove_empty(obj, "hooks") {
            remove_lone_version(obj, record);
        }
        true
    })
}

/// Whether tkx's hook is there.
pub(super) fn status(text: Option<&str>, path: &Path) -> Result<Vec<Item>, Error> {
    let root = text.map(|t| parse(t, path)).transpose()?;
    let obj = root.as_ref().and_then(|r| r.object_value());
    Ok(vec![item("preToolUse hook (fail closed)", has_entry(obj.as_ref(), EVENT, tkx_entries))])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::jsonc::is_empty_settings;
    use crate::agent::state::Hunk;
    use crate::agent::testing::Fixture;

    const P: &str = "/x/.github/hooks/tkx.json";

    fn ask(f: &Fixture, payload: Value) -> Answer {
        answer(&serde_json::to_vec(&payload).unwrap(), &|_| f.guard())
    }

    fn denied(a: &Answer) -> Option<String> {
        assert_eq!(a.code, 0, "{a:?}");
        if a.stdout.is_empty() {
            return None;
        }
        let v: Value = serde_json::from_str(&a.stdout).unwrap();
        assert_eq!(v["permissionDecision"], "deny");
        Some(v["permissionDecisionReason"].as_str().unwrap().to_owned())
    }

    /// The CLI's camelCase payload, with `toolArgs` as JSON text (github/copilot-cli
    /// issue 3349) and as an object.
    fn cli(f: &Fixture, tool: &str, args: Value, as_text: bool) -> Value {
        let args = if as_text { Value::String(args.to_string()) } else { args };
        serde_json::json!({
            "sessionId": "7c1e…", "timestamp": 1_764_669_600_000_u64, "cwd": f.project(),
            "toolName": tool, "toolArgs": args
        })
    }

    #[test]
    fn shell_and_file_tools() {
        let f = Fixture::new();
        let env = f.project().join(".env");
        for as_text in [true, false] {
            for (tool, args, deny) in [
                (
                    "bash",
                    serde_json::json!({"command": "cat .env", "description": "show env", "sessionId": "main", "async": false}),
                    true,
                ),
                (
                    "bash",
                    serde_json::json!({"command": "npm test", "description": "tests", "sessionId": "main", "async": false}),
                    false,
                ),
                ("powershell", serde_json::json!({"command": "Get-Content .env"}), true),
                ("view", serde_json::json!({"path": env}), true),
                ("view", serde_json::json!({"path": f.project().join(".env.example")}), false),
                (
                    "view",
                    serde_json::json!({"path": f.project().join("src/main.rs"), "view_range": [1, 20]}),
                    false,
                ),
                ("edit", serde_json::json!({"path": env, "old_str": "A=1", "new_str": "A=2"}), true),
                (
                    "create",
                    serde_json::json!({"path": f.project().join("src/new.rs"), "file_text": "x"}),
                    false,
                ),
                ("str_replace_editor", serde_json::json!({"command": "view", "path": env}), true),
                ("glob", serde_json::json!({"pattern": "**/.env*"}), true),
                ("grep", serde_json::json!({"pattern": "KEY", "paths": ".", "glob": "*.env*"}), true),
                (
                    "grep",
                    serde_json::json!({"pattern": "KEY", "paths": ["src", "."], "glob": "*.env*"}),
                    true,
                ),
                ("grep", serde_json::json!({"pattern": "KEY", "paths": ["src"]}), false),
                ("glob", serde_json::json!({"pattern": "src/**/*.rs"}), false),
                ("web_fetch", serde_json::json!({"url": format!("file://{}", env.display())}), true),
                ("web_fetch", serde_json::json!({"url": "https://docs.github.com"}), false),
                (
                    "write_bash",
                    serde_json::json!({"sessionId": "main", "input": "cat .env{enter}", "delay": 10}),
                    true,
                ),
                ("github-mcp-server-get_file_contents", serde_json::json!({"path": ".env"}), true),
                ("task", serde_json::json!({"prompt": "add .env to .gitignore"}), false),
                ("Bash", serde_json::json!({"command": "printenv"}), true),
                ("Read", serde_json::json!({"path": env}), true),
                (
                    "apply_patch",
                    serde_json::json!({"input": "*** Begin Patch\n*** Update File: .env\n-A=1\n+A=2\n*** End Patch"}),
                    true,
                ),
                (
                    "apply_patch",
                    serde_json::json!({"input": "*** Begin Patch\n*** Add File: src/y.rs\n+fn y() {}\n*** End Patch"}),
                    false,
                ),
            ] {
                let a = ask(&f, cli(&f, tool, args.clone(), as_text));
                assert_eq!(denied(&a).is_some(), deny, "{tool} {args}: {a:?}");
                if deny {
                    assert!(denied(&a).unwrap().starts_with("tkx: "), "{a:?}");
                }
            }
        }
    }

    #[test]
    fn vscode_format_is_answered_in_both_shapes() {
        let f = Fixture::new();
        let a = ask(
            &f,
            serde_json::json!({
                "hook_event_name": "PreToolUse", "session_id": "s", "timestamp": "2026-12-02T11:00:00Z",
                "cwd": f.project(), "tool_name": "bash", "tool_input": {"command": "cat .env"}
            }),
        );
        let v: Value = serde_json::from_str(&a.stdout).unwrap();
        assert_eq!(v["permissionDecision"], "deny");
        assert_eq!(v["hookSpecificOutput"]["permissionDecision"], "deny");
        assert_eq!(v["hookSpecificOutput"]["hookEventName"], "PreToolUse");
    }

    #[test]
    fn unreadable_payloads_fail_closed() {
        let f = Fixture::new();
        for payload in [&b"not json"[..], b"{}", br#"{"toolName":"bash","toolArgs":"{not json"}"#] {
            let a = answer(payload, &|_| f.guard());
            assert!(denied(&a).is_some(), "{a:?}");
        }
        let a = ask(&f, serde_json::json!({"toolName": "view", "toolArgs": {}}));
        assert!(denied(&a).is_some(), "{a:?}");
    }

    #[test]
    fn copilot_round_trip() {
        let before = "{\n  \"version\": 1,\n  \"hooks\": {\n    \"sessionStart\": [{ \"type\": \"command\", \"bash\": \"echo hi\" }]\n  }\n}\n";
        let (after, record) = install(Some(before), Path::new(P)).unwrap();
        let v: Value = serde_json::from_str(&after).unwrap();
        assert_eq!(v["hooks"]["preToolUse"][0]["bash"], BASH);
        assert_eq!(v["hooks"]["preToolUse"][0]["timeoutSec"], TIMEOUT_SECS);
        assert!(after.starts_with("{\n  \"version\": 1,\n  \"hooks\": {\n    \"sessionStart\""), "{after}");
        assert_eq!(install(Some(&after), Path::new(P)).unwrap().0, after, "a second run changes nothing");
        assert_eq!(Hunk::undo(&after, &record.hunks).unwrap(), before);
        assert_eq!(uninstall(&after, Some(&record), Path::new(P)).unwrap().unwrap(), before);
        assert!(status(Some(&after), Path::new(P)).unwrap()[0].installed);
        assert!(!status(Some(before), Path::new(P)).unwrap()[0].installed);
        let (new, record) = install(None, Path::new(P)).unwrap();
        let back = uninstall(&new, Some(&record), Path::new(P)).unwrap().unwrap();
        assert!(is_empty_settings(&back), "{back}");
    }

    #[test]
    fn the_hook_command_fails_closed() {
        // The shell's own answer when tkx is missing is a valid deny.
        let tail = BASH.split_once("|| echo '").unwrap().1.trim_end_matches('\'');
        let v: Value = serde_json::from_str(tail).unwrap();
        assert_eq!(v["permissionDecision"], "deny");
        assert!(POWERSHELL.contains("permissionDecision") && POWERSHELL.contains(CHECK));
    }
}
