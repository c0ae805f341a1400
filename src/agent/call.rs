//! One tool call, whatever the host: the hosts translate their tool names and argument
//! names into a [`Call`], and [`decide`] judges it by one question — would it put a
//! secret value into the model's context?
//!
//! It owns the judgement of each kind of tool (reading, editing, searching, globbing,
//! listing, a shell, PowerShell, fetching a URL, an MCP tool). It must not know any
//! host's names or protocol: that is `hosts/`.

use super::paths::{Scope, glob_may_match_env};
use super::{Decision, Guard, shell};
use serde_json::Value;
use std::path::Path;

/// A tool call, in the guard's terms. `None` for a required argument: the host's input
/// did not have it (the call is refused, fail closed).
#[derive(Clone, Copy, Debug)]
pub enum Call<'a> {
    /// Reads a file and shows it (Read, view, read_file).
    Read(Option<&'a str>),
    /// Writes or edits a file, and shows the lines it changes.
    Edit(Option<&'a str>),
    /// A ripgrep search.
    Search {
        /// The file or directory searched (the working directory when absent).
        root: Option<&'a str>,
        /// An include glob (`*.ts`, `*.{ts,tsx}`, `!*.md`).
        glob: Option<&'a str>,
        /// A ripgrep file type (`rust`, `py`).
        file_type: Option<&'a str>,
    },
    /// Lists the paths matching a glob pattern.
    Glob {
        /// The pattern.
        pattern: Option<&'a str>,
        /// Where it starts (the working directory when absent).
        root: Option<&'a str>,
    },
    /// Lists a directory's entries.
    List(Option<&'a str>),
    /// Runs a POSIX shell command line.
    Shell(Option<&'a str>),
    /// Runs a PowerShell command line.
    PowerShell(Option<&'a str>),
    /// Fetches a URL (a `file:` URL is a read).
    Fetch(Option<&'a str>),
    /// An MCP server's tool.
    Mcp {
        /// The tool's name as the host gives it (`mcp__server__read_file`).
        tool: &'a str,
        /// Its arguments.
        input: &'a Value,
    },
    /// A call that reads nothing itself (a subagent's prompt, a todo list, a question).
    Other,
}

impl<'a> Call<'a> {
    /// A tool tkx does not know, judged by the arguments it carries: a `command` is run
    /// by a shell, a path is read; neither, nothing is read.
    pub fn by_arguments(command: Option<&'a str>, path: Option<&'a str>) -> Call<'a> {
        match (command, path) {
            (Some(c), _) => Call::Shell(Some(c)),
            (None, Some(p)) => Call::Read(Some(p)),
            (None, None) => Call::Other,
        }
    }
}

/// The guard's decision for one call, with `base` the directory relative paths start
/// from. `what` names the host's tool in messages about unreadable input.
pub fn decide(g: &Guard, call: Call<'_>, what: &str) -> Decision {
    let base = g.cwd.clone();
    let unreadable =
        || Decision::env(format!("tkx could not read the input of this {what} call (fail closed)"));
    match call {
        Call::Read(p) => {
            let Some(p) = p else { return unreadable() };
            match g.protected(p, &base) {
                Some(hit) => Decision::file(format!("reading {hit} is blocked")),
                None => Decision::Allow,
            }
        }
        Call::Edit(p) => {
            let Some(p) = p else { return unreadable() };
            match g.protected(p, &base) {
                Some(hit) => Decision::deny(
                    format!("editing {hit} is blocked"),
                    "this file holds secrets; the user adds or changes a key with `tkx set KEY` (hidden input); use `tkx env` to see which keys exist (masked), `tkx exec -- CMD` to run with them; never print values",
                ),
                None => Decision::Allow,
            }
        }
        Call::Search { root, glob, file_type } => {
            let root = root.unwrap_or(".");
            let mut scope = Scope { honors_gitignore: true, hidden: true, ..Scope::default() };
            if let Some(glob) = glob {
                for g in split_braces(glob) {
                    match g.strip_prefix('!') {
                        Some(ex) => scope.exclude.push(ex.to_owned()),
                        None => scope.include.push(g),
                    }
                }
            }
            if file_type.is_some_and(|t| !matches!(t, "all" | "env" | "dotenv" | "config")) {
                scope.include.push("*.__tkx_type_only__".into());
            }
            // ripgrep's include globs override every ignore rule.
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
        Call::Glob { pattern, root } => {
            let Some(pattern) = pattern else { return unreadable() };
            let root = root.unwrap_or(".");
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
        Call::List(p) => {
            let p = p.unwrap_or(".");
            if g.in_store(&g.absolute(p, &base)) {
                return Decision::file(format!("listing {p} is blocked"));
            }
            Decision::Allow
        }
        Call::Shell(c) => match c {
            Some(c) => shell::check(g, c, &base),
            None => unreadable(),
        },
        Call::PowerShell(c) => match c {
            Some(c) => powershell(g, c, &base),
            None => unreadable(),
        },
        Call::Fetch(url) => match url {
            Some(u) if u.len() > 5 && u[..5].eq_ignore_ascii_case("file:") => match g.protected(u, &base) {
                Some(hit) => Decision::file(format!("fetching {hit} is blocked")),
                None => Decision::Allow,
            },
            Some(_) => Decision::Allow,
            None => unreadable(),
        },
        Call::Mcp { tool, input } => mcp(g, tool, input, &base),
        Call::Other => Decision::Allow,
    }
}

/// `*.{ts,tsx}` → `*.ts`, `*.tsx` (one level of braces, as ripgrep's globs accept).
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

/// MCP tools that only look at files from outside (information, listings, searches of
/// names), by the last words of their names.
const MCP_METADATA: &[&str] = &[
    "get_file_info",
    "file_info",
    "stat",
    "exists",
    "list_directory",
    "list_dir",
    "directory_tree",
    "list_allowed_directories",
];

/// An MCP tool call: denied when any string argument names a protected file, however it
/// is spelled (`./x/../.env`, `file://…`, `~/…`, a link to one), unless the tool only
/// looks at files from outside.
pub fn mcp(g: &Guard, tool: &str, input: &Value, base: &Path) -> Decision {
    let short = tool.rsplit("__").next().unwrap_or(tool).to_ascii_lowercase();
    if MCP_METADATA.iter().any(|m| short == *m || short.ends_with(&format!("_{m}"))) {
        return Decision::Allow;
    }
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
                        let d = mcp(g, tool, &inner, base);
                        if d.is_deny() {
                            return d;
                        }
                        continue;
                    }
                }
                if !s.contains('\n') {
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

/// PowerShell: its own ways to the environment (`$env:NAME`, the `env:` drive,
/// `[Environment]::GetEnvironmentVariables()`), then the line as a shell would split it
/// (`Get-Content .env`, `cat .env` and `type .env` name the file as an argument).
fn powershell(g: &Guard, line: &str, base: &Path) -> Decision {
    let lower = line.to_ascii_lowercase();
    let dumps_drive = lower.split(|c: char| c.is_whitespace() || c == '(' || c == '|' || c == ';').any(|w| {
        let w = w.trim_matches(['\'', '"']);
        w == "env:" || w == "env:\\" || w == "env:/" || w == "env:*" || w.starts_with("env:\\*")
    });
    if dumps_drive || lower.contains("getenvironmentvariables(") {
        return Decision::env("this PowerShell command lists the environment");
    }
    for (at, _) in lower.match_indices("$env:") {
        let name: String =
            line[at + 5..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if g.is_secret_var(&name) {
            return Decision::env(format!("this PowerShell command reads $env:{name}"));
        }
    }
    for (at, _) in lower.match_indices("getenvironmentvariable(") {
        let arg = line[at + 23..].trim_start().trim_start_matches(['\'', '"']);
        let name: String = arg.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if name.is_empty() || g.is_secret_var(&name) {
            return Decision::env("this PowerShell command reads a secret variable");
        }
    }
    // `type` is PowerShell's alias of Get-Content (a POSIX shell's `type` names commands).
    match regex::Regex::new(r"(?i)(^|[;|&(\n]\s*)type\s") {
        Ok(alias) => shell::check(g, &alias.replace_all(line, "${1}Get-Content "), base),
        Err(_) => shell::check(g, line, base),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::testing::Fixture;

    #[test]
    fn mcp_paths_of_any_spelling() {
        let f = Fixture::new();
        let g = f.guard();
        std::os::unix::fs::symlink(".env", f.project().join("settings.txt")).unwrap();
        let p = f.project();
        for (tool, input, deny) in [
            ("read_file", serde_json::json!({"path": "./src/../.env"}), true),
            ("read_text_file", serde_json::json!({"path": format!("file://{}/.env", p.display())}), true),
            ("read_multiple_files", serde_json::json!({"paths": ["src/main.rs", "settings.txt"]}), true),
            ("read_file", serde_json::json!({"path": "services/api/.env.local"}), true),
            ("read_file", serde_json::json!({"path": "src/main.rs"}), false),
            ("get_file_info", serde_json::json!({"path": ".env"}), false),
            ("list_directory", serde_json::json!({"path": "."}), false),
            ("remember", serde_json::json!({"text": "add .env to .gitignore"}), false),
        ] {
            let d = decide(&g, Call::Mcp { tool, input: &input }, "MCP");
            assert_eq!(d.is_deny(), deny, "{tool} {input}: {d:?}");
        }
    }

    #[test]
    fn powershell_reads_of_the_environment_and_env_files() {
        let f = Fixture::new();
        let g = f.guard();
        for (line, deny) in [
            ("Get-Content .env", true),
            ("gc ./services/api/.env.local", true),
            ("type .env", true),
            ("Get-ChildItem env:", true),
            ("gci Env:\\", true),
            ("dir env:*", true),
            ("Write-Output $env:GITHUB_TOKEN", true),
            ("[Environment]::GetEnvironmentVariables()", true),
            ("[System.Environment]::GetEnvironmentVariable('GITHUB_TOKEN')", true),
            ("Write-Output $env:PATH", false),
            ("Get-Content src/main.rs", false),
            ("Get-ChildItem -Force", false),
            ("Test-Path .env", false),
        ] {
            let d = decide(&g, Call::PowerShell(Some(line)), "PowerShell");
            assert_eq!(d.is_deny(), deny, "{line}: {d:?}");
        }
    }

    #[test]
    fn braces() {
        assert_eq!(split_braces("*.{ts,tsx}"), ["*.ts", "*.tsx"]);
        assert_eq!(split_braces("*.rs"), ["*.rs"]);
    }

    #[test]
    fn fetching_a_file_url_is_a_read() {
        let f = Fixture::new();
        let g = f.guard();
        let url = format!("file://{}/.env", f.project().display());
        assert!(decide(&g, Call::Fetch(Some(&url)), "WebFetch").is_deny());
        assert!(!decide(&g, Call::Fetch(Some("https://example.com/.env")), "WebFetch").is_deny());
    }
}
