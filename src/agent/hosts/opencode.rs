//! opencode: the `tool.execute.before` plugin tkx writes, the protocol between that
//! plugin and `tkx agent check --host opencode`, and the `permission` rules tkx merges
//! into `opencode.json`.
//!
//! Followed: opencode-ai 1.18.33 (the `opencode-linux-x64@1.18.33` binary, read with
//! `grep -a`) and opencode's plugin documentation (opencode.ai/docs/plugins):
//!
//! - Plugins are JS/TS files in `.opencode/plugins/` (or `plugin/`) of the project and
//!   `~/.config/opencode/plugins/` of the user; each exported function gets
//!   `{project, directory, worktree, …}` and returns hooks. Before every tool call, MCP
//!   tools included, opencode runs `tool.execute.before(input, output)` with `input =
//!   {tool, sessionID, callID}` and `output = {args}`, then the tool: a hook that throws
//!   stops the call, and the error is the tool's result. opencode sets no time limit on
//!   the hook, and a plugin that is missing simply does not run: opencode fails open.
//! - So the plugin ([`PLUGIN`]) sends `{tool, sessionID, callID, args, cwd}` to `tkx
//!   agent check --host opencode` on stdin and throws tkx's reason on a deny; it also
//!   throws when tkx is missing, exits non-zero, answers something unreadable or takes
//!   longer than 15 seconds (`tkx agent check` itself denies after [`DEADLINE_SECS`]).
//! - tkx answers `{"decision": "allow"}` or `{"decision": "deny", "reason": …}` on stdout,
//!   always with exit code 0.
//! - The arguments, as the client sent them (scripts/e2e/README.md, opencode 1.18.33):
//!   `bash` `{command, description}` (and `workdir`), `read` `{filePath}`, `grep`
//!   `{pattern, path, include}`; from the tools' schemas: `write`/`edit` `{filePath}`,
//!   `glob` `{pattern, path}`, `list` `{path}`, `webfetch` `{url}`, `apply_patch`
//!   `{patchText}`. MCP tools are `<server>_<tool>`: any tool tkx does not know is judged
//!   like an MCP tool.
//! - `permission` in `opencode.json` (JSON with comments): per tool, `"allow" | "ask" |
//!   "deny"` or an object of patterns. opencode's own default for `read` is `{"*":
//!   "allow", "*.env": "ask", "*.env.*": "ask", "*.env.example": "allow"}`, and the user's
//!   rules are appended after it with the last matching rule winning (`findLast`), so tkx
//!   appends `deny` for `*.env` and `*.env.*`, then `allow` for the examples
//!   (`*.env.example`, `*.env.*.example`, `*.env.default`, …), to `read` and `edit`: a
//!   second line that holds when the plugin is not loaded. A permission
//!   given as one word (`"edit": "ask"`, or `"permission": "allow"`) is the same rule
//!   for `*`: tkx writes it as such, with its rules after it, and gives the word back on
//!   uninstall.

use super::common::{created, first_deny, json};
use super::{Answer, Host, patch_paths};
use crate::agent::call::{self, Call};
use crate::agent::install::{Item, Part, Plan, Target};
use crate::agent::jsonc::{
    edit_settings, existing_object, object, parse_jsonc, pass_jsonc, remove_empty, string_of, take_out,
};
use crate::agent::state::FileRecord;
use crate::agent::{Decision, Guard};
use crate::error::Error;
use jsonc_parser::cst::{CstInputValue, CstObject};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// When `tkx agent check --host opencode` gives up and denies (the plugin waits 15 s).
pub const DEADLINE_SECS: u64 = 10;

/// The rules tkx appends to `permission.read` and `permission.edit`, in order: env files
/// denied, then the examples (`.env.example`, `.env.local.example`, `.env.default`, …)
/// allowed again, since the last matching rule wins.
pub fn rules() -> Vec<(String, &'static str)> {
    let mut out = vec![("*.env".to_owned(), "deny"), ("*.env.*".to_owned(), "deny")];
    for ex in crate::envfile::names::EXAMPLE_SUFFIXES {
        out.push((format!("*.env.{ex}"), "allow"));
        out.push((format!("*.env.*.{ex}"), "allow"));
    }
    out
}

/// The permissions tkx adds rules to.
const PERMISSIONS: &[&str] = &["read", "edit"];

/// The plugin tkx writes: opencode's tool calls go through `tkx agent check`.
pub const PLUGIN: &str = r#"// Written by `tkx agent install`: every opencode tool call is checked by
// `tkx agent check --host opencode`, which keeps env files and secret variables away
// from the model. `tkx agent uninstall` removes this file; a new install overwrites it.
// It fails closed: when tkx is missing, fails, answers something unreadable or takes
// longer than 15 seconds, the tool call is refused.
import { spawn } from "node:child_process";

const TIMEOUT_MS = 15000;

function check(payload) {
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn("tkx", ["agent", "check", "--host", "opencode"], { stdio: ["pipe", "pipe", "ignore"] });
    } catch (e) {
      reject(e);
      return;
    }
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("timed out"));
    }, TIMEOUT_MS);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`exit code ${code}`));
    });
    child.stdin.on("error", () => {});
    child.stdin.end(payload);
  });
}

export const TkxGuard = async ({ directory } = {}) => ({
  "tool.execute.before": async (input, output) => {
    const tool = input?.tool;
    const payload = JSON.stringify({
      tool,
      sessionID: input?.sessionID,
      callID: input?.callID,
      args: output?.args ?? null,
      cwd: directory ?? process.cwd(),
    });
    let answer;
    try {
      answer = JSON.parse(await check(payload));
    } catch (e) {
      throw new Error(`tkx: the guard could not check this ${tool} call (${e?.message ?? e}), so it is refused (fail closed)`);
    }
    if (answer?.decision === "allow") return;
    throw new Error(typeof answer?.reason === "string" ? answer.reason : "tkx: this tool call is refused (fail closed)");
  },
});
"#;

/// Answers one payload from the plugin: JSON on stdout, always exit code 0.
pub fn answer(payload: &[u8], guard: &dyn Fn(Option<&Path>) -> Guard) -> Answer {
    let Ok(v) = serde_json::from_slice::<Value>(payload) else {
        return respond(&Decision::env(
            "tkx could not read the plugin's input as JSON, so it refuses this tool call (fail closed)",
        ));
    };
    let Some(tool) = v.get("tool").and_then(Value::as_str) else {
        return respond(&Decision::env(
            "tkx got a plugin input without `tool`, so it refuses this tool call (fail closed)",
        ));
    };
    let args = v.get("args").cloned().unwrap_or(Value::Null);
    let absolute = |s: Option<&str>| s.map(PathBuf::from).filter(|p| p.is_absolute());
    let cwd = match tool {
        "bash" => absolute(args.get("workdir").and_then(Value::as_str)),
        _ => None,
    }
    .or_else(|| absolute(v.get("cwd").and_then(Value::as_str)));
    let g = guard(cwd.as_deref());
    respond(&decide(&g, tool, &args))
}

/// The guard's decision for one tool call: opencode's tool and argument names, as a
/// [`Call`].
pub fn decide(g: &Guard, tool: &str, args: &Value) -> Decision {
    let field = |name: &str| args.get(name).and_then(Value::as_str);
    let call = match tool {
        "bash" => Call::Shell(field("command")),
        "read" => Call::Read(field("filePath")),
        "write" | "edit" | "multiedit" => Call::Edit(field("filePath")),
        "apply_patch" | "patch" => {
            let Some(text) = field("patchText") else {
                return call::decide(g, Call::Edit(None), tool);
            };
            return first_deny(g, patch_paths(text).into_iter().map(|p| Call::Edit(Some(p))), tool);
        }
        "grep" => Call::Search { root: field("path"), glob: field("include"), file_type: None },
        "glob" => Call::Glob { pattern: field("pattern"), root: field("path") },
        "list" => Call::List(field("path")),
        "webfetch" => Call::Fetch(field("url")),
        "todowrite" | "todoread" | "task" | "question" | "websearch" | "codesearch" | "skill"
        | "plan_enter" | "plan_exit" | "invalid" => Call::Other,
        // MCP tools (`<server>_<tool>`) and tools tkx does not know: denied when an
        // argument names a protected file.
        _ => Call::Mcp { tool, input: args },
    };
    call::decide(g, call, tool)
}

/// The answer for `d`.
pub(super) fn respond(d: &Decision) -> Answer {
    let v = match d {
        Decision::Allow => serde_json::json!({ "decision": "allow" }),
        Decision::Deny(reason) => serde_json::json!({ "decision": "deny", "reason": reason }),
    };
    json(&v)
}

// Settings: `permission` rules in `opencode.json`, and the plugin file.

/// The config file a plan edits (`opencode.jsonc` when that is the one there) and the
/// plugin file.
pub(super) fn targets(plan: &Plan, base: &Path) -> Vec<Target> {
    let dir = if plan.user { base.join(".config/opencode") } else { base.to_path_buf() };
    let jsonc = dir.join("opencode.jsonc");
    let config =
        if !dir.join("opencode.json").exists() && jsonc.exists() { jsonc } else { dir.join("opencode.json") };
    let plugins = if plan.user { dir.join("plugins") } else { dir.join(".opencode/plugins") };
    vec![
        Target { part: Part::Settings(Host::Opencode), path: config, why: None },
        Target { part: Part::Plugin(Host::Opencode), path: plugins.join("tkx.js"), why: None },
    ]
}

fn record_key(perm: &str, pattern: &str) -> String {
    format!("permission.{perm}:{pattern}")
}

/// The record of a permission given as one word (`"edit": "ask"`) that tkx turned into
/// the same rule as an object (`{"*": "ask", …}`), to give back on uninstall.
fn word_key(dotted: &str, word: &str) -> String {
    format!("{dotted}={word}")
}

/// `key` of `obj` as an object of rules: created when missing (and recorded in `keys`);
/// a single word becomes the same rule for `*` (recorded in `added`).
fn rules_object(
    obj: &CstObject,
    key: &str,
    path: &Path,
    dotted: &str,
    keys: &mut Vec<String>,
    added: &mut Vec<String>,
) -> Result<CstObject, Error> {
    let word = obj.get(key).and_then(|p| p.value()).and_then(|v| string_of(&v));
    match (obj.get(key), word) {
        (Some(prop), Some(word)) => {
            prop.set_value(CstInputValue::Object(vec![("*".into(), CstInputValue::String(word.clone()))]));
            added.push(word_key(dotted, &word));
            prop.object_value().ok_or_else(|| {
                Error::config(format!("{}: `{dotted}` could not be edited", path.display()), None)
            })
        }
        _ => object(obj, key, path, dotted, keys),
    }
}

/// A permission tkx turned from one word into an object gets its word back once only
/// `*` is left in it.
fn give_back_word(obj: &CstObject, key: &str, dotted: &str, record: Option<&FileRecord>) {
    let Some(prop) = obj.get(key) else { return };
    let Some(rules) = prop.object_value() else { return };
    let props = rules.properties();
    let [only] = &props[..] else { return };
    let Some(word) = only.value().and_then(|v| string_of(&v)) else { return };
    let ours = only.name().and_then(|n| n.decoded_value().ok()).as_deref() == Some("*")
        && record.is_some_and(|r| r.added.contains(&word_key(dotted, &word)));
    if ours {
        prop.set_value(CstInputValue::String(word));
    }
}

/// `opencode.json` with tkx's rules merged in, and the record of the edits.
pub(super) fn install(_plan: &Plan, text: Option<&str>, path: &Path) -> Result<(String, FileRecord), Error> {
    edit_settings(text, |text, record, keys| {
        for perm in PERMISSIONS {
            pass_jsonc(text, &mut record.hunks, path, |obj| {
                let permission =
                    rules_object(obj, "permission", path, "permission", keys, &mut record.added)?;
                let dotted = format!("permission.{perm}");
                let rules_obj = rules_object(&permission, perm, path, &dotted, keys, &mut record.added)?;
                for (pattern, action) in rules() {
                    if rules_obj.get(&pattern).is_none() {
                        rules_obj.append(&pattern, CstInputValue::String(action.into()));
                        record.added.push(record_key(perm, &pattern));
                    }
                }
                Ok(())
            })?;
        }
        Ok(())
    })
}

/// `opencode.json` with tkx's rules taken out, `None` when none are there.
pub(super) fn uninstall(
    _plan: &Plan,
    text: &str,
    record: Option<&FileRecord>,
    path: &Path,
) -> Result<Option<String>, Error> {
    take_out(text, path, parse_jsonc, |obj| {
        let Some(permission) = existing_object(obj, "permission") else { return false };
        let mut touched = false;
        for perm in PERMISSIONS {
            let Some(rules_obj) = existing_object(&permission, perm) else { continue };
            for (pattern, action) in rules() {
                let Some(prop) = rules_obj.get(&pattern) else { continue };
                // Without a record, only a value tkx would have written is taken.
                let ours = match record {
                    Some(r) => r.added.contains(&record_key(perm, &pattern)),
                    None => prop.value().and_then(|v| string_of(&v)).as_deref() == Some(action),
                };
                if ours {
                    prop.remove();
                    touched = true;
                }
            }
            if created(record, &format!("permission.{perm}")) {
                remove_empty(&permission, perm);
            }
            give_back_word(&permission, perm, &format!("permission.{perm}"), record);
        }
        if !touched {
            return false;
        }
        if created(record, "permission") {
            remove_empty(obj, "permission");
        }
        give_back_word(obj, "permission", "permission", record);
        true
    })
}

/// Whether tkx's rules are in `permission.read` and `permission.edit`.
pub(super) fn status(_plan: &Plan, text: Option<&str>, path: &Path) -> Result<Vec<Item>, Error> {
    let root = text.map(|t| parse_jsonc(t, path)).transpose()?;
    let permission =
        root.as_ref().and_then(|r| r.object_value()).and_then(|o| existing_object(&o, "permission"));
    let want = rules();
    let have = |rules: &CstObject, (pattern, action): &(String, &str)| {
        rules.get(pattern).and_then(|p| p.value()).and_then(|v| string_of(&v)).as_deref() == Some(*action)
    };
    Ok(PERMISSIONS
        .iter()
        .map(|perm| {
            let rules = permission.as_ref().and_then(|p| existing_object(p, perm));
            let n = rules.as_ref().map_or(0, |r| want.iter().filter(|rule| have(r, rule)).count());
            Item {
                what: format!("permission.{perm} rules for env files"),
                installed: n == want.len(),
                detail: Some(format!("{n} of {}", want.len())),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::jsonc::is_empty_settings;
    use crate::agent::state::Hunk;
    use crate::agent::testing::Fixture;

    const P: &str = "/x/opencode.json";

    fn plan() -> Plan {
        Plan {
            hosts: vec![Host::Opencode],
            user: false,
            shared: false,
            all_ignore_files: false,
            project: PathBuf::from("/x"),
            home: None,
            tkx_dir: None,
            env_names: Some(Vec::new()),
            host_env: Vec::new(),
            os_sandbox: false,
            hide: Vec::new(),
        }
    }

    /// What the plugin sends: opencode's `input` and `output.args` (as the e2e harness
    /// recorded them from opencode 1.18.33), and the plugin's directory.
    fn ask(f: &Fixture, tool: &str, args: Value) -> Option<String> {
        let payload = serde_json::json!({
            "tool": tool, "sessionID": "ses_4a…", "callID": "call_1", "args": args, "cwd": f.project()
        });
        decision(&answer(&serde_json::to_vec(&payload).unwrap(), &|_| f.guard()))
    }

    fn decision(a: &Answer) -> Option<String> {
        assert_eq!((a.code, a.stderr.as_str()), (0, ""));
        let v: Value = serde_json::from_str(&a.stdout).unwrap();
        match v["decision"].as_str() {
            Some("allow") => None,
            Some("deny") => Some(v["reason"].as_str().unwrap().to_owned()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tools_as_opencode_sends_them() {
        let f = Fixture::new();
        let p = f.project();
        for (tool, args, deny) in [
            ("bash", serde_json::json!({"command": "cat .env", "description": "Show env"}), true),
            ("bash", serde_json::json!({"command": "ls -la", "description": "List"}), false),
            ("read", serde_json::json!({"filePath": p.join(".env")}), true),
            ("read", serde_json::json!({"filePath": p.join("src/main.rs")}), false),
            ("read", serde_json::json!({"filePath": p.join(".env.example")}), false),
            (
                "edit",
                serde_json::json!({"filePath": p.join(".env"), "oldString": "A", "newString": "B"}),
                true,
            ),
            ("grep", serde_json::json!({"pattern": "OPENAI", "path": p, "include": ".env*"}), true),
            ("grep", serde_json::json!({"pattern": "fn main", "path": p, "include": "*.rs"}), false),
            ("glob", serde_json::json!({"pattern": "**/.env*"}), true),
            (
                "apply_patch",
                serde_json::json!({"patchText": "*** Begin Patch\n*** Update File: .env\n@@\n-A=1\n+A=2\n*** End Patch"}),
                true,
            ),
            (
                "apply_patch",
                serde_json::json!({"patchText": "*** Begin Patch\n*** Add File: src/x.rs\n+fn x() {}\n*** End Patch"}),
                false,
            ),
            ("filesystem_read_file", serde_json::json!({"path": ".env"}), true),
            ("todowrite", serde_json::json!({"todos": []}), false),
        ] {
            let d = ask(&f, tool, args.clone());
            assert_eq!(d.is_some(), deny, "{tool} {args}: {d:?}");
        }
    }

    #[test]
    fn unreadable_payloads_fail_closed() {
        let f = Fixture::new();
        for payload in
            [&b"not json"[..], b"{}", br#"{"tool":"read","args":{}}"#, br#"{"tool":"bash","args":null}"#]
        {
            assert!(decision(&answer(payload, &|_| f.guard())).is_some(), "{payload:?}");
        }
    }

    #[test]
    fn opencode_round_trip_keeps_comments_and_order() {
        for before in [
            "{\n  // the team's model\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"model\": \"anthropic/claude-sonnet-4-5\",\n  \"permission\": {\n    \"bash\": \"ask\",\n    \"read\": {\n      \"*\": \"allow\", // everything else\n    },\n  },\n}\n",
            "{\n  \"permission\": {\n    \"edit\": \"ask\"\n  }\n}",
            "{\n  \"permission\": \"allow\"\n}\n",
            "{}",
        ] {
            let (after, record) = install(&plan(), Some(before), Path::new(P)).unwrap();
            assert!(after.contains("// the team's model") || !before.contains("//"), "{after}");
            let items = status(&plan(), Some(&after), Path::new(P)).unwrap();
            assert!(items.iter().all(|i| i.installed), "{items:?}\n{after}");
            assert_eq!(
                install(&plan(), Some(&after), Path::new(P)).unwrap().0,
                after,
                "a second run changes nothing"
            );
            assert_eq!(Hunk::undo(&after, &record.hunks).unwrap(), before, "exact undo");
            let structural = uninstall(&plan(), &after, Some(&record), Path::new(P)).unwrap().unwrap();
            assert_eq!(structural.replace([' ', '\n'], ""), before.replace([' ', '\n'], ""), "{structural}");
        }
        let (new, record) = install(&plan(), None, Path::new(P)).unwrap();
        let back = uninstall(&plan(), &new, Some(&record), Path::new(P)).unwrap().unwrap();
        assert!(is_empty_settings(&back), "{back}");
    }

    #[test]
    fn the_read_rules_come_after_the_users() {
        let before = "{\n  \"permission\": {\n    \"read\": {\n      \"*\": \"allow\"\n    }\n  }\n}\n";
        let (after, _) = install(&plan(), Some(before), Path::new(P)).unwrap();
        let star = after.find("\"*\"").unwrap();
        let env = after.find("\"*.env\"").unwrap();
        let example = after.find("\"*.env.example\"").unwrap();
        let other = after.find("\"*.env.*\"").unwrap();
        assert!(star < env && env < other && other < example, "{after}");
    }
}
