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

use super::paths::{Scope, glob_may_match_env};
use super::{Decision, Guard, shell};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The tools whose calls the hook sees (an anchored regex: Claude Code matches it
/// against the tool's name).
pub const MATCHER: &str = "^(Read|Grep|Glob|LS|NotebookRead|Bash|Edit|MultiEdit|Write|NotebookEdit|mcp__.*)$";

/// The hook's command.
pub const COMMAND: &str = "tkx agent check --host claude || exit 2";

/// The hook's command in the project's shared settings (`agent install --shared`): a
/// teammate without tkx is told what the project needs, instead of a bare failure.
/// Their tool calls stay stopped (exit 2) until tkx is there: the team chose the guard.
pub const SHARED_COMMAND: &str = "command -v tkx >/dev/null 2>&1 || { echo 'This project keeps API keys out of the agent with tkx, which is not installed: install tkx (the README of this project says how), or ask whoever ran `tkx agent install --shared`. Until then every tool call is stopped.' >&2; exit 2; }; tkx agent check --host claude || exit 2";

/// What the handler answers: stdout, stderr and the exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// What to print on stdout.
    pub stdout: String,
    /// What to print on stderr.
    pub stderr: String,
    /// The exit code.
    pub code: u8,
}

/// Answers one payload. `guard` builds the guard for the payload's working directory.
pub fn answer(payload: &[u8], guard: &dyn Fn(Option<&Path>) -> Guard) -> Answer {
    let Ok(v) = serde_json::from_slice::<Value>(payload) else {
        return block(
            "tkx could not read the hook's input as JSON, so it refuses this tool call (fail closed)",
        );
    };
    let Some(tool) = v.get("tool_name").and_then(Value::as_str) else {
        return block("tkx got a hook input without `tool_name`, so it refuses this tool call (fail closed)");
    };
    let cwd = v.get("cwd").and_then(Value::as_str).map(PathBuf::from).filter(|p| p.is_absolute());
    let g = guard(cwd.as_deref());
    let input = v.get("tool_input").cloned().unwrap_or(Value::Null);
    match decide(&g, tool, &input) {
        Decision::Allow => Answer { stdout: String::new(), stderr: String::new(), code: 0 },
        Decision::Deny(reason) => deny(&reason),
    }
}

/// The guard's decision for one tool call.
pub fn decide(g: &Guard, tool: &str, input: &Value) -> Decision {
    let base = g.cwd.clone();
    let field = |name: &str| input.get(name).and_then(Value::as_str);
    let unreadable =
        || Decision::env(format!("tkx could not read the input of this {tool} call (fail closed)"));
    match tool {
        "Read" | "NotebookRead" => {
            let key = if tool == "Read" { "file_path" } else { "notebook_path" };
            let Some(p) = field(key) else { return unreadable() };
            match g.protected(p, &base) {
                Some(hit) => Decision::file(format!("reading {hit} is blocked")),
                None => Decision::Allow,
            }
        }
        "Edit" | "MultiEdit" | "Write" | "NotebookEdit" => {
            let key = if tool == "NotebookEdit" { "notebook_path" } else { "file_path" };
            let Some(p) = field(key) else { return unreadable() };
            match g.protected(p, &base) {
                Some(hit) => Decision::deny(
                    format!("editing {hit} is blocked"),
                    "this file holds secrets; the user adds or changes a key with `tkx set KEY` (hidden input); use `tkx env` to see which keys exist (masked), `tkx exec -- CMD` to run with them; never print values",
                ),
                None => Decision::Allow,
            }
        }
        "Grep" => {
            let root = field("path").unwrap_or(".");
            let mut scope = Scope { honors_gitignore: true, hidden: true, ..Scope::default() };
            if let Some(glob) = field("glob") {
                for g in split_braces(glob) {
                    match g.strip_prefix('!') {
                        Some(ex) => scope.exclude.push(ex.to_owned()),
                        None => scope.include.push(g),
                    }
                }
            }
            if field("type").is_some_and(|t| !matches!(t, "all" | "env" | "dotenv" | "config")) {
                scope.include.push("*.__tkx_type_only__".into());
            }
            // The tool runs ripgrep, whose include globs override every ignore rule.
            if scope.include.iter().any(|g| glob_may_match_env(g)) {
                scope.honors_gitignore = false;
            }
            match g.search_reads(root, &base, &scope) {
                Some(hit) => Decision::file(format!(
                    "this search reads {hit}; narrow it (path, glob or type), git-ignore the env files, or search .env.example"
                )),
                None => Decision::Allow,
            }
        }
        "Glob" => {
            let Some(pattern) = field("pattern") else { return unreadable() };
            let root = field("path").unwrap_or(".");
            let root_abs = g.absolute(root, &base);
            if g.in_store(&root_abs) {
                return Decision::file(format!("listing {root} is blocked"));
            }
            let last = pattern.rsplit('/').next().unwrap_or(pattern);
            let full = g.absolute(pattern, &root_abs);
            if g.in_store(&full)
                || (last.to_ascii_lowercase().starts_with(".env") && glob_may_match_env(last))
            {
                return Decision::file(format!(
                    "globbing `{pattern}` targets env files (.env.example is fine)"
                ));
            }
            Decision::Allow
        }
        "LS" => {
            let Some(p) = field("path") else { return unreadable() };
            if g.in_store(&g.absolute(p, &base)) {
                return Decision::file(format!("listing {p} is blocked"));
            }
            Decision::Allow
        }
        "Bash" => {
            let Some(cmd) = field("command") else { return unreadable() };
            shell::check(g, cmd, &base)
        }
        t if t.starts_with("mcp__") => mcp(g, input, &base),
        _ => Decision::Allow,
    }
}

/// An MCP tool call: denied when any string argument is a path to a protected file.
pub fn mcp(g: &Guard, input: &Value, base: &Path) -> Decision {
    let mut stack = vec![input];
    let mut budget = 10_000usize;
    while let Some(v) = stack.pop() {
        budget = match budget.checked_sub(1) {
            Some(b) => b,
            None => return Decision::env("this MCP call's arguments are too large to check (fail closed)"),
        };
        match v {
            Value::String(s) => {
                // A JSON-encoded argument string (Cursor passes `tool_input` as text).
                if (s.starts_with('{') || s.starts_with('[')) && s.len() < 1 << 20 {
                    if let Ok(inner) = serde_json::from_str::<Value>(s) {
                        let d = mcp(g, &inner, base);
                        if d.is_deny() {
                            return d;
                        }
                        continue;
                    }
                }
                if s.contains(".env")
                    || s.contains(".ENV")
                    || s.contains("environ")
                    || g.in_store(&g.absolute(s, base))
                {
                    if let Some(hit) = g.protected(s, base) {
                        return Decision::file(format!("this MCP call reads {hit}"));
                    }
                }
            }
            Value::Array(a) => stack.extend(a.iter()),
            Value::Object(o) => stack.extend(o.values()),
            _ => {}
        }
    }
    Decision::Allow
}

/// `*.{ts,tsx}` → `*.ts`, `*.tsx` (one level of braces, as the Grep tool accepts).
fn split_braces(glob: &str) -> Vec<String> {
    let (Some(open), Some(close)) = (glob.find('{'), glob.rfind('}')) else { return vec![glob.to_owned()] };
    if close < open {
        return vec![glob.to_owned()];
    }
    glob[open + 1..close]
        .split(',')
        .map(|alt| format!("{}{alt}{}", &glob[..open], &glob[close + 1..]))
        .collect()
}

fn deny(reason: &str) -> Answer {
    let out = serde_json::json!({
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": reason,
        }
    });
    Answer { stdout: format!("{out}\n"), stderr: String::new(), code: 0 }
}

fn block(reason: &str) -> Answer {
    Answer { stdout: String::new(), stderr: format!("{reason}\n"), code: 2 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::testing::Fixture;

    fn ask(f: &Fixture, payload: serde_json::Value) -> Answer {
        let bytes = serde_json::to_vec(&payload).unwrap();
        answer(&bytes, &|_| f.guard())
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

    #[test]
    fn braces() {
        assert_eq!(split_braces("*.{ts,tsx}"), ["*.ts", "*.tsx"]);
        assert_eq!(split_braces("*.rs"), ["*.rs"]);
    }
}
