//! The judge: walks the simple commands of a parsed line, tracks the state a shell
//! keeps between them (`cd`, `set -x`), strips redirections, assignments and wrappers,
//! and routes each command to its family:
//!
//! - [`dumps`]: environment dumps and printed secret variables;
//! - [`tools`]: `tkx` and `git`;
//! - [`nested`]: wrappers, nested shells, `eval`, `su -c`, `xargs`, remote runners;
//! - [`interp`]: interpreter code (`python -c`, `node -e`, …);
//! - [`search`]: recursive searches and `find -exec`;
//! - [`reads`]: what a word reads, `source`, copies and plain file arguments.
//!
//! The order of the routes is the order of the checks, and it matters: the first family
//! that denies decides. This module must not hold a family's rules itself.

mod dumps;
mod interp;
mod nested;
mod reads;
mod search;
mod tools;

use super::lexer::{LIT_DOLLAR, MAX_DEPTH, OP, Parsed, SUB, Simple, parse, restore};
use super::words::{is_assignment, program};
use crate::agent::{Decision, Guard};
use std::path::{Path, PathBuf};

/// State while judging one command line.
/// How many variables assigned on a line the checker remembers.
const MAX_VARS: usize = 64;

struct Run<'g> {
    guard: &'g Guard,
    parsed: Parsed,
    /// Whether `set -x` was seen: later commands print what they expand.
    xtrace: bool,
    /// Whether an earlier command staged an env file (`git add -f .env`): a later
    /// `git diff --cached` shows it.
    staged_env: bool,
    /// Variables assigned earlier on the line (`f=.env; cat $f`), as plain text.
    vars: std::collections::HashMap<String, String>,
}

/// Judges a command line run in `cwd`, `depth` levels of nesting down; `injected` says
/// it runs under `tkx exec` (with the keys in its environment).
pub(super) fn check_depth(guard: &Guard, line: &str, cwd: &Path, depth: usize, injected: bool) -> Decision {
    if depth > MAX_DEPTH {
        return Decision::env("this command nests shells too deeply to check");
    }
    let parsed = parse(line);
    if parsed.too_deep {
        return Decision::env("this command nests substitutions too deeply to check");
    }
    let mut run = Run { guard, parsed, xtrace: false, staged_env: false, vars: Default::default() };
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
        if d.is_deny() {
            return d;
        }
    }
    Decision::Allow
}

/// What a word refers to: its text for paths (marks removed) and whether a substitution
/// in it produces a protected name.
impl Run<'_> {
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
        let mut words = cmd.words.iter().peekable();
        while let Some(w) = words.next() {
            if let Some(op) = w.strip_prefix(OP) {
                let target = if op.ends_with('&') && op.len() > 1 { None } else { words.next() };
                let Some(t) = target else { continue };
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
                if reads_input {
                    if let Some(hit) = self.reads(t, cwd) {
                        return Decision::file(format!("this command reads {hit}"));
                    }
                }
                continue;
            }
            argv.push(w.clone());
        }
        // A line of assignments alone sets variables later commands expand.
        if !argv.is_empty() && argv.iter().all(|w| is_assignment(w)) {
            for w in &argv {
                // A bounded number: a line of endless assignments must not make the check slow.
                if let (Some((k, v)), true) = (self.clean(w).split_once('='), self.vars.len() < MAX_VARS) {
                    let v = self.expand_vars(v);
                    self.vars.insert(k.to_owned(), v.trim_matches(['"', '\'']).to_owned());
                }
            }
        }
        // Leading assignments.
        while argv.first().is_some_and(|w| is_assignment(w)) {
            argv.remove(0);
        }
        self.argv(cmd, argv, cwd, depth, injected)
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

        // Secret variables printed by the shell's tracing.
        if self.xtrace && argv.iter().any(|w| self.secret_refs(w).is_some()) {
            return Decision::env("`set -x` would print the expanded secret variables of this command");
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

        // tkx itself.
        if name == "tkx" {
            return self.tkx(cmd, &argv, cwd, depth, injected);
        }
        // git: show, diff, log -p, blame, cat-file of env files.
        if name == "git" {
            return self.git(&argv, cwd);
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
