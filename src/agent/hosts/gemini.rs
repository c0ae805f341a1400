//! Gemini CLI: the `BeforeTool` hook protocol, and what tkx merges into
//! `.gemini/settings.json`.
//!
//! Followed: `@google/gemini-cli` 0.61.0 (`bundle/chunk-5FZXKDXH.js`: `HookRunner`,
//! `HookPlanner.matchesContext`, `HookRegistry.processHooksFromConfig`,
//! `BeforeToolHookOutput`, `executeToolWithHooks`, `checkPathTrust`; the settings schema
//! in `bundle/chunk-2YTYPKEZ.js`; the tool names in `bundle/chunk-5FZXKDXH.js`), with the
//! payloads the real client sent in `scripts/e2e/README.md`.
//!
//! - Hooks are `hooks.BeforeTool` in `settings.json` (`<project>/.gemini/` or
//!   `~/.gemini/`, JSON with comments): `[{"matcher": "*", "hooks": [{"name", "type":
//!   "command", "command", "timeout": <ms>}]}]`; `"*"` matches every tool. The hooks system
//!   runs unless `hooksConfig.enabled` is `false` (default `true`); a hook whose name is in
//!   `hooksConfig.disabled` does not run. Project hooks run only in a trusted folder
//!   (`~/.gemini/trustedFolders.json`: `TRUST_FOLDER`, `TRUST_PARENT` for the parent,
//!   `DO_NOT_TRUST`; folder trust is on unless `security.folderTrust.enabled` is `false`).
//! - The hook gets `session_id`, `transcript_path`, `cwd`, `hook_event_name`
//!   (`BeforeTool`), `timestamp`, `tool_name` and `tool_input` (the tool's own arguments),
//!   plus `mcp_context` for MCP tools (named `mcp_<server>_<tool>`).
//! - The answer is JSON on stdout: `{"decision": "deny", "reason": …}` blocks the tool, and
//!   the model gets `Tool execution blocked: <reason>`. Printing nothing lets it run.
//!   Without JSON, exit 0 allows, exit 1 only warns, and any other code denies with the
//!   text of stdout (or else stderr) as the reason. A hook that runs out of time does not
//!   block. So the command in the settings turns every failure of tkx into exit 2 with a
//!   reason on stderr, and tkx answers a payload it cannot read the same way.

use super::common::{
    NO_TOOL_NAME, UNREADABLE, absolute_cwd, block, check_or_exit_2, event_array, existing_event_array,
    first_deny, item, json, remove_group_entries, silent, tkx_group,
};
use super::{Answer, Host, is_tkx_command};
use crate::agent::call::{self, Call};
use crate::agent::ignore_files::IGNORE_FILES;
use crate::agent::install::{Item, Part, Plan, Target};
use crate::agent::jsonc::{
    edit_settings, existing_array, existing_object, parse_commented, pass_commented, string_of, take_out,
};
use crate::agent::paths::has_glob;
use crate::agent::state::FileRecord;
use crate::agent::{Decision, Guard};
use crate::error::Error;
use jsonc_parser::cst::{CstInputValue, CstObject};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The hook's command: any failure of tkx (not on PATH, crashed, killed) denies the tool
/// call with a reason, since Gemini CLI only warns on exit code 1.
pub const COMMAND: &str = check_or_exit_2!("gemini");

/// The hook's name (what `hooksConfig.disabled` lists).
pub const NAME: &str = "tkx-guard";

/// The hook's time limit in milliseconds (Gemini CLI's default is 60000; a hook that runs
/// out of time does not block, so tkx answers well before: see `commands/agent.rs`).
pub const TIMEOUT_MS: u64 = 30_000;

/// Gemini CLI's settings directory under `$HOME`.
pub const DIR: &str = ".gemini";

/// Answers one payload. `guard` builds the guard for the directory the tool works in.
pub fn answer(payload: &[u8], guard: &dyn Fn(Option<&Path>) -> Guard) -> Answer {
    let Ok(v) = serde_json::from_slice::<Value>(payload) else {
        return block(UNREADABLE);
    };
    let Some(tool) = v.get("tool_name").and_then(Value::as_str) else { return block(NO_TOOL_NAME) };
    let input = v.get("tool_input").cloned().unwrap_or(Value::Null);
    let cwd = absolute_cwd(&v);
    // A shell command runs in its `dir_path`, relative to the project.
    let dir = match (tool, input.get("dir_path").and_then(Value::as_str), &cwd) {
        ("run_shell_command", Some(d), Some(c)) => Some(c.join(d)),
        ("run_shell_command", Some(d), None) if Path::new(d).is_absolute() => Some(PathBuf::from(d)),
        _ => cwd,
    };
    let g = guard(dir.as_deref());
    respond(&decide(&g, tool, &input))
}

/// The answer when tkx cannot decide in time or at all: a denial in Gemini CLI's shape.
pub fn refuse(reason: &str) -> Answer {
    respond(&Decision::Deny(reason.to_owned()))
}

fn respond(d: &Decision) -> Answer {
    match d {
        Decision::Allow => silent(),
        Decision::Deny(reason) => json(&serde_json::json!({ "decision": "deny", "reason": reason })),
    }
}

/// The guard's decision for one tool call: Gemini CLI's tool names and argument names,
/// as [`Call`]s.
pub fn decide(g: &Guard, tool: &str, input: &Value) -> Decision {
    let field = |name: &str| input.get(name).and_then(Value::as_str);
    let call = match tool {
        "read_file" => Call::Read(field("file_path").or(field("absolute_path")).or(field("path"))),
        "read_many_files" => return read_many(g, input, tool),
        "write_file" | "replace" | "edit" => Call::Edit(field("file_path")),
        "run_shell_command" => Call::Shell(field("command")),
        "grep_search" | "search_file_content" | "grep" => {
            let glob = field("include_pattern").or(field("include"));
            // `no_ignore` searches git-ignored files too: the same as an include glob
            // that names every file, for the judgement.
            let no_ignore = input.get("no_ignore").and_then(Value::as_bool) == Some(true);
            Call::Search {
                root: field("dir_path").or(field("path")),
                glob: glob.or(no_ignore.then_some("*")),
                file_type: None,
            }
        }
        "glob" => Call::Glob { pattern: field("pattern"), root: field("dir_path").or(field("path")) },
        "list_directory" | "ls" => Call::List(field("dir_path").or(field("path"))),
        "web_fetch" => return fetch(g, input, tool),
        t if t.starts_with("mcp_") => Call::Mcp { tool: t, input },
        "google_web_search" | "write_todos" | "save_memory" | "ask_user" | "activate_skill"
        | "enter_plan_mode" | "exit_plan_mode" | "update_topic" | "complete_task" | "get_internal_docs"
        | "invoke_agent" | "list_mcp_resources" => Call::Other,
        t if t.starts_with("tracker_") => Call::Other,
        // Tools this version of tkx does not know (an MCP server's under another name, a
        // newer built-in): their arguments are read the way an MCP tool's are.
        t => Call::Mcp { tool: t, input },
    };
    call::decide(g, call, tool)
}

/// `read_many_files`: each `include` entry is a file (a read), a directory (everything
/// under it, judged as a search of it) or a glob (judged as a search with that glob).
fn read_many(g: &Guard, input: &Value, tool: &str) -> Decision {
    let entries: Vec<&str> = match input.get("include").or(input.get("paths")) {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if entries.is_empty() {
        return call::decide(g, Call::Read(None), tool);
    }
    // Git-ignored files are skipped unless the call says otherwise; reading them too is
    // judged like an include glob that names every file.
    let every_file = input
        .get("file_filtering_options")
        .and_then(|o| o.get("respect_git_ignore"))
        .and_then(Value::as_bool)
        == Some(false);
    let calls = entries.into_iter().map(|e| {
        if has_glob(e) {
            Call::Search { root: None, glob: Some(e), file_type: None }
        } else if g.absolute(e, &g.cwd).is_dir() {
            Call::Search { root: Some(e), glob: every_file.then_some("*"), file_type: None }
        } else {
            Call::Read(Some(e))
        }
    });
    first_deny(g, calls, tool)
}

/// `web_fetch`: the URLs are in its `prompt` (or `url`); a `file:` URL is a read.
fn fetch(g: &Guard, input: &Value, tool: &str) -> Decision {
    let text = [input.get("url"), input.get("prompt")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    let urls = text
        .split_whitespace()
        .map(|word| word.trim_matches(|c: char| matches!(c, '"' | '\'' | '<' | '>' | '(' | ')' | ',' | '`')))
        .filter(|url| url.len() > 5 && url[..5].eq_ignore_ascii_case("file:"));
    first_deny(g, urls.map(|url| Call::Fetch(Some(url))), tool)
}

// Settings: what `tkx agent install` merges into Gemini CLI's settings (one `BeforeTool`
// group with tkx's hook for every tool; `hooksConfig.enabled` back to `true` when the file
// turned hooks off), and takes out again; and whether Gemini CLI will run it.

/// Gemini CLI's home: `$GEMINI_CLI_HOME`, or `$HOME`.
fn user_home(plan: &Plan) -> Option<PathBuf> {
    plan.host_var("GEMINI_CLI_HOME").map(Path::to_path_buf).or_else(|| plan.home.clone())
}

/// The files a plan edits: `.gemini/settings.json` (or the user's, under
/// `$GEMINI_CLI_HOME` or `$HOME`), and in a project `.geminiignore` too.
pub(super) fn targets(plan: &Plan, base: &Path) -> Vec<Target> {
    let home =
        if plan.user { user_home(plan).unwrap_or_else(|| base.to_path_buf()) } else { base.to_path_buf() };
    let mut out = vec![Target {
        part: Part::Settings(Host::Gemini),
        path: home.join(DIR).join("settings.json"),
        why: None,
    }];
    if !plan.user {
        if let Some(f) = IGNORE_FILES.iter().find(|f| f.name == ".geminiignore") {
            out.push(Target { part: Part::Ignore(*f), path: plan.project.join(f.name), why: None });
        }
    }
    out
}

/// Whether Gemini CLI is in use for this plan: a `.gemini` directory or `GEMINI.md` in
/// the project, or the user's Gemini CLI settings.
pub(super) fn in_use(plan: &Plan, base: &Path) -> bool {
    (!plan.user && (base.join(DIR).is_dir() || plan.project.join("GEMINI.md").is_file()))
        || user_home(plan).is_some_and(|h| h.join(DIR).is_dir())
}

fn tkx_group_value() -> CstInputValue {
    CstInputValue::Object(vec![
        ("matcher".into(), CstInputValue::String("*".into())),
        (
            "hooks".into(),
            CstInputValue::Array(vec![CstInputValue::Object(vec![
                ("name".into(), CstInputValue::String(NAME.into())),
                ("type".into(), CstInputValue::String("command".into())),
                ("command".into(), CstInputValue::String(COMMAND.into())),
                ("timeout".into(), CstInputValue::Number(TIMEOUT_MS.to_string())),
            ])]),
        ),
    ])
}

/// What `record.added` holds when tkx turned `hooksConfig.enabled` from `false` to `true`.
const ENABLED_MARK: &str = "hooksConfig.enabled";

/// The settings with tkx's hook merged in, and the record of the edits.
pub(super) fn install(text: Option<&str>, path: &Path) -> Result<(String, FileRecord), Error> {
    edit_settings(text, |text, record, keys| {
        pass_commented(text, &mut record.hunks, path, |obj| {
            let bt = event_array(obj, "BeforeTool", path, keys)?;
            if tkx_group(&bt, Host::Gemini).is_none() {
                bt.append(tkx_group_value());
            }
            Ok(())
        })?;
        pass_commented(text, &mut record.hunks, path, |obj| {
            // Hooks turned off in this file: the guard would not run.
            if let Some(hc) = existing_object(obj, "hooksConfig") {
                if let Some(p) = hc.get("enabled") {
                    if p.value().and_then(|v| v.as_boolean_lit()).is_some_and(|b| !b.value()) {
                        p.set_value(CstInputValue::Bool(true));
                        record.added.push(ENABLED_MARK.into());
                    }
                }
            }
            Ok(())
        })
    })
}

/// The settings with tkx's hook taken out (and `hooksConfig.enabled` back to `false` when
/// tkx turned it on), `None` when none of it is there.
pub(super) fn uninstall(
    text: &str,
    record: Option<&FileRecord>,
    path: &Path,
) -> Result<Option<String>, Error> {
    take_out(text, path, parse_commented, |obj| {
        let mut touched = remove_group_entries(obj, "BeforeTool", Host::Gemini, record);
        if record.is_some_and(|r| r.added.iter().any(|a| a == ENABLED_MARK)) {
            if let Some(p) = existing_object(obj, "hooksConfig").and_then(|hc| hc.get("enabled")) {
                p.set_value(CstInputValue::Bool(false));
                touched = true;
            }
        }
        touched
    })
}

/// Whether the hook is there, and whether Gemini CLI will run it: hooks not turned off or
/// the hook disabled (in this file or the user's settings), and for a project's file, the
/// folder trusted.
pub(super) fn status(plan: &Plan, text: Option<&str>, path: &Path) -> Result<Vec<Item>, Error> {
    let root = text.map(|t| parse_commented(t, path)).transpose()?;
    let obj = root.as_ref().and_then(|r| r.object_value());
    let hook = obj
        .as_ref()
        .and_then(|o| existing_event_array(o, "BeforeTool"))
        .and_then(|b| tkx_group(&b, Host::Gemini))
        .is_some();
    let mut items = vec![item("BeforeTool hook (`tkx agent check --host gemini`)", hook)];
    // This file's `hooksConfig`, then the user's (a project's settings override the user's).
    let user_file = user_home(plan).map(|h| h.join(DIR).join("settings.json"));
    let user_text =
        user_file.as_ref().filter(|u| u.as_path() != path).and_then(|u| std::fs::read_to_string(u).ok());
    let user_root =
        user_text.as_deref().and_then(|t| user_file.as_deref().and_then(|u| parse_commented(t, u).ok()));
    let user_obj = user_root.as_ref().and_then(|r| r.object_value());
    let hooks_config = |o: &CstObject| existing_object(o, "hooksConfig");
    let enabled = [obj.as_ref(), user_obj.as_ref()]
        .into_iter()
        .flatten()
        .find_map(|o| hooks_config(o)?.get("enabled")?.value()?.as_boolean_lit().map(|b| b.value()))
        .unwrap_or(true);
    let disabled = [obj.as_ref(), user_obj.as_ref()].into_iter().flatten().any(|o| {
        hooks_config(o).and_then(|hc| existing_array(&hc, "disabled")).is_some_and(|d| {
            d.elements().iter().filter_map(string_of).any(|n| n == NAME || is_tkx_command(&n, Host::Gemini))
        })
    });
    items.push(Item {
        what: "hooks on (hooksConfig)".into(),
        installed: enabled && !disabled,
        detail: if !enabled {
            Some("hooksConfig.enabled is false".into())
        } else if disabled {
            Some(format!("{NAME} is in hooksConfig.disabled"))
        } else {
            None
        },
    });
    if !plan.user {
        let folder_trust = user_obj.as_ref().and_then(|o| {
            existing_object(o, "security")
                .and_then(|s| existing_object(&s, "folderTrust"))
                .and_then(|f| f.get("enabled")?.value()?.as_boolean_lit().map(|b| b.value()))
        });
        let trusted = folder_trust == Some(false) || folder_trusted(plan);
        items.push(Item {
            what: "folder trusted in Gemini CLI".into(),
            installed: trusted,
            detail: (!trusted)
                .then(|| "Gemini CLI skips project hooks until then: ~/.gemini/trustedFolders.json".into()),
        });
    }
    Ok(items)
}

/// Whether `~/.gemini/trustedFolders.json` trusts the project: the longest rule that
/// covers it is `TRUST_FOLDER`, or `TRUST_PARENT` (which covers the rule's parent).
fn folder_trusted(plan: &Plan) -> bool {
    let Some(home) = user_home(plan) else { return false };
    let Ok(text) = std::fs::read_to_string(home.join(DIR).join("trustedFolders.json")) else { return false };
    let opts = jsonc_parser::ParseOptions::default();
    let Ok(Some(jsonc_parser::JsonValue::Object(rules))) = jsonc_parser::parse_to_value(&text, &opts) else {
        return false;
    };
    let project = plan.project.canonicalize().unwrap_or_else(|_| plan.project.clone());
    let mut best: Option<(usize, bool)> = None;
    for (rule, level) in rules.into_iter() {
        let jsonc_parser::JsonValue::String(level) = level else { continue };
        let covered = match level.as_ref() {
            "TRUST_PARENT" => Path::new(rule.as_ref()).parent().map(Path::to_path_buf),
            _ => Some(PathBuf::from(rule.as_ref())),
        };
        let Some(covered) = covered else { continue };
        let covered = covered.canonicalize().unwrap_or(covered);
        if project.starts_with(&covered) && best.is_none_or(|(len, _)| rule.len() > len) {
            best = Some((rule.len(), matches!(level.as_ref(), "TRUST_FOLDER" | "TRUST_PARENT")));
        }
    }
    best.is_some_and(|(_, t)| t)
}

/// What the user runs so that Gemini CLI runs a project's hook.
pub fn trust_steps() -> &'static str {
    "Gemini CLI runs project hooks only in a trusted folder: start `gemini` in this project and trust the folder when it asks (or `/permissions`), or install with `--user`; it runs no hook while `hooksConfig.enabled` is false or `tkx-guard` is in `hooksConfig.disabled`; `tkx agent status --host gemini` says when it protects"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::state::Hunk;
    use crate::agent::testing::Fixture;

    const P: &str = "/x/.gemini/settings.json";

    /// A payload as Gemini CLI 0.61.0 sent it (scripts/e2e/README.md).
    fn payload(f: &Fixture, tool: &str, input: Value) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "session_id": "5f1c", "transcript_path": "/h/.gemini/tmp/x/chats/session.json", "cwd": f.project(),
            "hook_event_name": "BeforeTool", "timestamp": "2026-12-02T10:00:00.000Z",
            "tool_name": tool, "tool_input": input
        }))
        .unwrap()
    }

    fn reason(a: &Answer) -> Option<String> {
        assert_eq!(a.code, 0, "{a:?}");
        if a.stdout.is_empty() {
            return None;
        }
        let v: Value = serde_json::from_str(&a.stdout).unwrap();
        assert_eq!(v["decision"], "deny");
        Some(v["reason"].as_str().unwrap().to_owned())
    }

    #[test]
    fn documented_tools_are_judged() {
        let f = Fixture::new();
        let g = |_: Option<&Path>| f.guard();
        let p = f.project();
        let ask = |tool: &str, input: Value| reason(&answer(&payload(&f, tool, input), &g));
        for (tool, input, deny) in [
            ("run_shell_command", serde_json::json!({"command": "cat .env", "description": "show"}), true),
            (
                "run_shell_command",
                serde_json::json!({"command": "cat .env.local", "dir_path": "services/api"}),
                true,
            ),
            ("run_shell_command", serde_json::json!({"command": "env"}), true),
            ("run_shell_command", serde_json::json!({"command": "npm test"}), false),
            ("read_file", serde_json::json!({"file_path": p.join(".env")}), true),
            ("read_file", serde_json::json!({"file_path": p.join(".env.example")}), false),
            ("read_many_files", serde_json::json!({"include": ["src/main.rs", ".env"]}), true),
            ("read_many_files", serde_json::json!({"include": ["services"]}), true),
            ("read_many_files", serde_json::json!({"include": ["**/.env*"]}), true),
            ("read_many_files", serde_json::json!({"include": ["src/main.rs", "docs"]}), false),
            (
                "grep_search",
                serde_json::json!({"pattern": "KEY", "dir_path": format!("{}/.", p.display()), "include_pattern": "*.env"}),
                true,
            ),
            ("grep_search", serde_json::json!({"pattern": "KEY", "dir_path": p.join("src")}), false),
            ("search_file_content", serde_json::json!({"pattern": "KEY", "include": ".env*"}), true),
            ("glob", serde_json::json!({"pattern": "**/.env*"}), true),
            ("glob", serde_json::json!({"pattern": "src/**/*.rs"}), false),
            ("list_directory", serde_json::json!({"dir_path": p}), false),
            (
                "replace",
                serde_json::json!({"file_path": p.join(".env"), "old_string": "A", "new_string": "B"}),
                true,
            ),
            ("write_file", serde_json::json!({"file_path": "src/new.rs", "content": "x"}), false),
            (
                "web_fetch",
                serde_json::json!({"prompt": format!("summarize file://{}/.env please", p.display())}),
                true,
            ),
            ("web_fetch", serde_json::json!({"prompt": "summarize https://example.com/.env"}), false),
            ("mcp_fs_read_text_file", serde_json::json!({"path": "./src/../.env"}), true),
            (
                "write_todos",
                serde_json::json!({"todos": [{"description": "read .env", "status": "pending"}]}),
                false,
            ),
            ("some_future_tool", serde_json::json!({"target": ".env"}), true),
        ] {
            let r = ask(tool, input.clone());
            assert_eq!(r.is_some(), deny, "{tool} {input}: {r:?}");
            if let Some(r) = r {
                assert!(r.starts_with("tkx: ") && r.contains("never print values"), "{r}");
                assert!(!r.contains("FIXTUREkey"), "{r}");
            }
        }
    }

    #[test]
    fn unreadable_payloads_fail_closed_with_exit_2() {
        let f = Fixture::new();
        let g = |_: Option<&Path>| f.guard();
        for bad in [&b"{"[..], b"[]", b"\0unreadable"] {
            let a = answer(bad, &g);
            assert_eq!((a.code, a.stdout.as_str()), (2, ""), "exit 2 with the reason on stderr denies");
            assert!(a.stderr.contains("fail closed"));
        }
        let a = answer(&payload(&f, "read_file", serde_json::json!({})), &g);
        assert!(reason(&a).unwrap().contains("fail closed"));
        assert!(reason(&refuse("tkx: too slow")).is_some());
    }

    #[test]
    fn gemini_round_trip_keeps_comments_and_every_byte() {
        for before in [
            "{\n  // my model\n  \"model\": {\"name\": \"gemini-2.5-pro\"},\n  \"hooks\": {\n    \"AfterTool\": [{\"matcher\": \"write_file\", \"hooks\": [{\"type\": \"command\", \"command\": \"fmt\"}]}]\n  },\n  /* trust */\n  \"security\": {\"folderTrust\": {\"enabled\": true}}\n}\n",
            "{}",
            "{\n  \"hooksConfig\": {\n    \"enabled\": false // off for now\n  }\n}",
        ] {
            let (after, record) = install(Some(before), Path::new(P)).unwrap();
            assert!(after.contains("tkx agent check --host gemini"), "{after}");
            assert!(!after.contains("\"enabled\": false"), "hooks turned back on: {after}");
            for comment in ["// my model", "/* trust */", "// off for now"] {
                assert_eq!(before.contains(comment), after.contains(comment), "{comment}: {after}");
            }
            assert_eq!(install(Some(&after), Path::new(P)).unwrap().0, after, "a second run changes nothing");
            assert_eq!(Hunk::undo(&after, &record.hunks).unwrap(), before, "exact undo");
            let structural = uninstall(&after, Some(&record), Path::new(P)).unwrap().unwrap();
            assert_eq!(structural, before, "entries taken out through the syntax tree");
        }
        let err = install(Some("{\"a\": 1,}"), Path::new(P)).unwrap_err();
        assert!(err.to_string().starts_with("/x/.gemini/settings.json:1:"), "{err}");
    }

    #[test]
    fn status_reads_trust_and_switches() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().canonicalize().unwrap();
        let project = root.join("p");
        std::fs::create_dir_all(&project).unwrap();
        let plan = Plan {
            hosts: vec![Host::Gemini],
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
        let path = project.join(".gemini/settings.json");
        let (text, _) = install(None, &path).unwrap();
        let states =
            || status(&plan, Some(&text), &path).unwrap().iter().map(|i| i.installed).collect::<Vec<_>>();
        assert_eq!(states(), [true, true, false]);
        let trusted = root.join("home/.gemini/trustedFolders.json");
        std::fs::create_dir_all(trusted.parent().unwrap()).unwrap();
        std::fs::write(&trusted, format!("{{\"{}\": \"TRUST_FOLDER\"}}", project.display())).unwrap();
        assert_eq!(states(), [true, true, true]);
        std::fs::write(
            &trusted,
            format!(
                "{{\"{}\": \"TRUST_FOLDER\", \"{}\": \"DO_NOT_TRUST\"}}",
                root.display(),
                project.display()
            ),
        )
        .unwrap();
        assert_eq!(states(), [true, true, false], "the longest rule wins");
        std::fs::write(&trusted, format!("{{\"{}\": \"TRUST_PARENT\"}}", project.join("x").display()))
            .unwrap();
        assert_eq!(states(), [true, true, true], "TRUST_PARENT trusts the rule's parent");
        std::fs::write(
            root.join("home/.gemini/settings.json"),
            "{\"hooksConfig\": {\"disabled\": [\"tkx-guard\"]}}",
        )
        .unwrap();
        assert_eq!(states(), [true, false, true]);
    }
}
