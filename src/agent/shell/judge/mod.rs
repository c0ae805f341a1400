//! The judge: walks the simple commands of a parsed line, tracks the state a shell
//! keeps between them (`cd`, `set -x`), strips redirections, assignments and wrappers,
//! and routes each command to its family:
//!
//! - [`dumps`]: environment dumps and printed secret variables;
//! - [`tools`]: `tkx` and `git`;
//! - [`nested`]: wrappers, nested shells, `eval`, `su -c`, `xargs`, remote runners;
//! - [`interp`]: interpreter code (`python -c`, `node -e`, …);
//! - [`vendors`]: secret managers' and credential helpers' commands that print a secret;
//! - [`search`]: recursive searches and `find -exec`;
//! - [`listings`]: names a listing prints and where they go (`xargs`, `$(…)`, loops),
//!   and files holding lists of names;
//! - [`reads`]: what a word reads, `source`, copies and plain file arguments.
//!
//! The order of the routes is the order of the checks, and it matters: the first family
//! that denies decides. This module must not hold a family's rules itself.

mod dumps;
mod interp;
mod listings;
mod nested;
mod reads;
mod search;
mod tools;
mod vendors;

use super::lexer::{LIT_DOLLAR, MAX_DEPTH, OP, Parsed, SUB, Simple, parse, restore};
use super::words::{RESERVED, SHELLS, interpreter, is_assignment, program};
use crate::agent::{Decision, Guard};
use std::path::{Path, PathBuf};

/// Programs that print nothing of what they read on standard input but a count or a
/// digest.
const STDIN_SAFE: &[&str] =
    &["wc", "md5sum", "sha1sum", "sha256sum", "sha512sum", "b2sum", "cksum", "shasum", "true", ":"];

/// How many variables assigned on a line the checker remembers.
const MAX_VARS: usize = 64;

/// State while judging one command line.
struct Run<'g> {
    guard: &'g Guard,
    parsed: Parsed,
    /// Whether `set -x` was seen: later commands print what they expand.
    xtrace: bool,
    /// Whether an earlier command staged an env file (`git add -f .env`): a later
    /// `git diff --cached` shows it.
    staged_env: bool,
    /// Variables assigned earlier on the line (`f=.env; cat $f`), as plain text; a loop
    /// variable fed by a listing holds the env file name it would take.
    vars: std::collections::HashMap<String, String>,
    /// Files written earlier on the line from a listing of env file names
    /// (`ls -a > /tmp/list`), with one of the names.
    lists: std::collections::HashMap<PathBuf, String>,
    /// Whether `shopt -s dotglob` was seen: globs match names with a leading dot.
    dotglob: bool,
    /// Whether the current command's standard error goes nowhere (`2>/dev/null`).
    stderr_discarded: bool,
    /// Secret names of the files a `tkx exec -f FILE` on this line loads.
    exec_secrets: std::collections::HashSet<String>,
}

/// Judges a command line run in `cwd`, `depth` levels of nesting down; `injected` says
/// it runs under `tkx exec` (with the keys in its environment), `xtrace` that the shell
/// running it traces every command (`bash -x -c`).
pub(super) fn check_depth(
    guard: &Guard,
    line: &str,
    cwd: &Path,
    depth: usize,
    injected: bool,
    xtrace: bool,
) -> Decision {
    if depth > MAX_DEPTH {
        return Decision::env("this command nests shells too deeply to check");
    }
    let parsed = parse(line);
    if parsed.too_deep {
        return Decision::env("this command nests substitutions too deeply to check");
    }
    let mut run = Run {
        guard,
        parsed,
        xtrace,
        staged_env: false,
        vars: Default::default(),
        lists: Default::default(),
        dotglob: false,
        stderr_discarded: false,
        exec_secrets: Default::default(),
    };
    let mut cwd = cwd.to_path_buf();
    for idx in 0..run.parsed.commands.len() {
        let cmd = run.parsed.commands[idx].clone();
        if let Some(text) = &cmd.unsplit {
            // The shell would refuse it too; still, refuse if it names a protected file.
            let text = restore(text);
            if let Some(hit) =
                text.split_whitespace().find_map(|w| guard.protected(w.trim_matches(['\'', '"']), &cwd))
            {
                return Decision::file(format!("this command reads {hit}"));
            }
            continue;
        }
        let d = run.simple(&cmd, &mut cwd, depth, injected);
        if d.is_deny() && !run.output_reduced(&cmd) {
            return d;
        }
    }
    Decision::Allow
}

/// What a word refers to: its text for paths (marks removed) and whether a substitution
/// in it produces a protected name.
impl Run<'_> {
    /// Whether `$name` holds a secret: one the guard knows, or one of a file that a
    /// `tkx exec -f FILE` on this line loads.
    fn is_secret(&self, name: &str) -> bool {
        self.exec_secrets.contains(name) || self.guard.is_secret_var(name)
    }

    /// `NAME=value` (a cleaned word): remembers the variable, its value expanded.
    fn assign(&mut self, w: &str) {
        if let Some((k, v)) = w.split_once('=') {
            let v = self.expand_vars(v);
            self.set_var(k.to_owned(), v.trim_matches(['"', '\'']).to_owned());
        }
    }

    /// Remembers a variable, up to [`MAX_VARS`]: a line of endless assignments must not
    /// make the check slow.
    fn set_var(&mut self, name: String, value: String) {
        if self.vars.len() < MAX_VARS {
            self.vars.insert(name, value);
        }
    }

    /// A word's text with substitution placeholders removed and literal `$` restored.
    fn clean(&self, w: &str) -> String {
        let mut out = String::with_capacity(w.len());
        let mut in_sub = false;
        for c in w.chars() {
            match c {
                SUB => in_sub = !in_sub,
                _ if in_sub => {}
                LIT_DOLLAR => out.push('$'),
                _ => out.push(c),
            }
        }
        out
    }

    /// Judges one simple command: its input redirections, then its words.
    fn simple(&mut self, cmd: &Simple, cwd: &mut PathBuf, depth: usize, injected: bool) -> Decision {
        // Redirections first: an input redirection reads its target.
        let mut argv: Vec<String> = Vec::new();
        let mut written: Vec<PathBuf> = Vec::new();
        let mut input_hit: Option<String> = None;
        self.stderr_discarded = false;
        let mut words = cmd.words.iter().peekable();
        while let Some(w) = words.next() {
            if let Some(op) = w.strip_prefix(OP) {
                let Some(t) = words.next() else { continue };
                if op.ends_with('&') && op.len() > 1 {
                    // `>&2`, `2>&1`, `2>&-`: a descriptor, not a file (`>& file` writes one).
                    let fd = self.clean(t);
                    self.stderr_discarded |= op.starts_with('2') && fd == "-";
                    if !(fd == "-" || fd.chars().all(|c| c.is_ascii_digit())) {
                        written.push(self.guard.absolute(&fd, cwd));
                    }
                    continue;
                }
                if op.ends_with('>') && !op.ends_with("<>") {
                    let t = self.clean(t);
                    self.stderr_discarded |= (op.starts_with('2') || op.starts_with('&')) && t == "/dev/null";
                    if !op.starts_with('2') {
                        written.push(self.guard.absolute(&t, cwd));
                    }
                }
                let reads_input = op.contains('<') && !op.contains("<<");
                if op.ends_with("<<<") || op == "<<<" {
                    if let Some(name) = self.secret_refs(t) {
                        return Decision::env(format!(
                            "this command feeds ${name} to a command that may print it"
                        ));
                    }
                    continue;
                }
                if op.ends_with("<<") {
                    continue;
                }
                if reads_input && input_hit.is_none() {
                    input_hit = self.reads(t, cwd);
                }
                continue;
            }
            argv.push(w.clone());
        }
        if let Some(hit) = input_hit {
            // `wc -l < .env`, `sha256sum < .env`, `grep -q KEY < .env` print no value.
            let words: Vec<String> =
                argv.iter().filter(|w| !is_assignment(w)).map(|w| self.clean(w)).collect();
            let safe = words.first().is_some_and(|w| {
                let name = program(w);
                STDIN_SAFE.contains(&name.as_str()) || search::presence_only(&name, &words)
            });
            if !safe {
                return Decision::file(format!("this command reads {hit}"));
            }
        }
        // A line of assignments alone sets variables later commands expand.
        if !argv.is_empty() && argv.iter().all(|w| is_assignment(w)) {
            for w in &argv {
                self.assign(&self.clean(w));
            }
        }
        // Leading assignments.
        while argv.first().is_some_and(|w| is_assignment(w)) {
            argv.remove(0);
        }
        if let Some(d) = self.loop_variable(cmd, &argv, cwd) {
            return d;
        }
        let d = self.argv(cmd, argv, cwd, depth, injected);
        if !d.is_deny() && !written.is_empty() {
            // `ls -a > /tmp/list`: a later `xargs -a /tmp/list cat` reads what it names.
            if let Some(name) = self.printed_names(cmd, cwd).into_iter().next() {
                for w in written {
                    self.lists.insert(w, name.clone());
                }
            }
        }
        d
    }

    /// `read VAR` fed by a listing, and `for VAR in WORDS`: the variable takes an env
    /// file's name when the listing or the words hold one (else the first word). `Some`:
    /// the command is such a loop header, which reads no file itself.
    fn loop_variable(&mut self, cmd: &Simple, argv: &[String], cwd: &Path) -> Option<Decision> {
        let skip = argv.iter().take_while(|w| RESERVED.contains(&self.clean(w).as_str())).count();
        let argv = &argv[skip..];
        let words: Vec<String> = argv.iter().map(|w| self.clean(w)).collect();
        let (var, value) = match words.first().map(String::as_str) {
            Some("read") => {
                let var = words.iter().skip(1).rfind(|w| !w.starts_with('-'))?.clone();
                (var, self.piped_names(cmd, cwd).into_iter().next())
            }
            Some("for" | "select") if words.get(2).is_some_and(|w| w == "in") => {
                let items = &argv[3..];
                let hit = items.iter().find_map(|w| {
                    self.substituted_names(w, cwd).into_iter().next().or_else(|| self.reads(w, cwd))
                });
                (words[1].clone(), hit.or_else(|| items.first().map(|w| self.clean(w))))
            }
            _ => return None,
        };
        if let Some(v) = value {
            self.set_var(var, v);
        }
        Some(Decision::Allow)
    }

    /// Judges a command's words: unwraps wrappers, then asks each family in turn.
    fn argv(
        &mut self,
        cmd: &Simple,
        mut argv: Vec<String>,
        cwd: &mut PathBuf,
        depth: usize,
        injected: bool,
    ) -> Decision {
        // Strip wrappers (`sudo`, `env A=1`, `timeout 5`, …).
        if let Some(d) = self.unwrap_wrappers(&mut argv) {
            return d;
        }
        let words: Vec<String> = argv.iter().map(|w| self.clean(w)).collect();
        let name = program(&words[0]);
        let args = &words[1..];

        // Programs that load secrets into what they run: judged as `tkx exec`.
        if matches!(name.as_str(), "dotenv" | "dotenv-cli") && args.iter().any(|a| a == "-p") {
            return Decision::env(format!("`{name} -p` prints a value"));
        }
        if let Some(rest) = self.env_runner(&argv) {
            if rest.is_empty() {
                return Decision::Allow;
            }
            return self.argv(cmd, rest, cwd, depth, true);
        }

        // `CMD --help` prints the program's help, unless the program runs code or other
        // commands whose own arguments those are.
        let help = args.last().is_some_and(|a| a == "--help")
            || (args.len() == 1 && matches!(args[0].as_str(), "-h" | "--version" | "-V"));
        let runs_code = SHELLS.contains(&name.as_str())
            || interpreter(&name).is_some()
            || matches!(
                name.as_str(),
                "xargs" | "find" | "eval" | "exec" | "ssh" | "su" | "watch" | "parallel"
            );
        // A BSD tool takes `--help` after an operand for a file name and reads the operand
        // (`cat .env --help` on macOS): help never covers an argument that reads a protected file.
        if help && !runs_code && argv.iter().skip(1).all(|a| self.reads(a, cwd).is_none()) {
            return Decision::Allow;
        }

        // Secret variables printed by the shell's tracing.
        if self.xtrace && !self.stderr_discarded && argv.iter().any(|w| self.secret_refs(w).is_some()) {
            return Decision::env("`set -x` would print the expanded secret variables of this command");
        }

        // Shell state: globbing that includes dot files.
        if name == "shopt" && args.first().is_some_and(|a| a == "-s") && args.iter().any(|a| a == "dotglob") {
            self.dotglob = true;
            return Decision::Allow;
        }
        // Shell state: the directory later commands run in.
        if name == "cd" || name == "pushd" {
            if let Some(d) = args.iter().find(|a| !a.starts_with('-')) {
                *cwd = self.guard.absolute(d, cwd);
            } else if let Some(h) = &self.guard.home {
                *cwd = h.clone();
            }
            return Decision::Allow;
        }

        // Environment dumps, and commands printing secret variables.
        if let Some(d) = self.dumps(&name, &words) {
            return d;
        }
        if let Some(d) = self.prints(&name, &argv, args, cmd) {
            return d;
        }
        if let Some(d) = self.loaders(&name, &words, cwd) {
            return d;
        }
        if let Some(d) = self.file_lists(&name, &words, cwd) {
            return d;
        }
        if let Some(d) = self.vendor(&name, &words) {
            return d;
        }
        // `export NAME=value` sets a variable; naming an env file in a value reads nothing.
        if matches!(name.as_str(), "export" | "declare" | "typeset" | "local" | "readonly") {
            for w in args.iter().filter(|w| is_assignment(w)) {
                self.assign(w);
            }
            return Decision::Allow;
        }

        // tkx itself.
        if name == "tkx" {
            return self.tkx(cmd, &argv, cwd, depth, injected);
        }
        // git: show, diff, log -p, blame, cat-file of env files.
        if name == "git" {
            return self.git(&argv, cwd);
        }
        // What a container runs, with the keys its env files gave it.
        if let Some(inner) = self.container_command(&argv) {
            if !inner.is_empty() {
                let mut inside = cwd.clone();
                let d = self.argv(cmd, inner, &mut inside, depth, true);
                if d.is_deny() {
                    return d;
                }
            }
        }
        // Nested command lines and remote runners.
        if let Some(d) = self.nested_line(&argv, cmd, cwd, depth, injected) {
            return d;
        }
        // Inline code of interpreters.
        if let Some(d) = self.code(&name, &words, cmd, cwd) {
            return d;
        }
        // `source .env`, `. .env`.
        if let Some(d) = self.source(&name, args, cwd) {
            return d;
        }
        // Recursive searches.
        if let Some(d) = self.search(&name, &words, cwd) {
            return d;
        }
        if name == "find" {
            return self.find(&words, cwd);
        }
        if name == "xargs" {
            return self.xargs(cmd, &argv, cwd, depth, injected);
        }
        // Files named as arguments.
        self.file_args(&name, &words, &argv, cwd)
    }
}
