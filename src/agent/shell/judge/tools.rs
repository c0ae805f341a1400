//! tkx's own commands and git: `tkx get`, `tkx env --reveal`, `tkx exec` (judged by
//! the command it runs unless `--redact` masks its output), and git subcommands that
//! show file contents (`show`, `diff`, `log -p`, `blame`, `cat-file`, `grep`, …) of env
//! files.
//!
//! It owns the denials that name a `tkx` or `git` subcommand. It must not judge other
//! programs: `tkx exec -- CMD` hands CMD back to the dispatcher.

use super::Run;
use crate::agent::Decision;
use crate::agent::shell::lexer::Simple;
use std::path::{Path, PathBuf};

impl Run<'_> {
    /// `tkx …`: denies the subcommands that print values unmasked; `tkx exec` is judged
    /// by the command it runs.
    pub(super) fn tkx(
        &mut self,
        cmd: &Simple,
        argv: &[String],
        cwd: &mut PathBuf,
        depth: usize,
        _injected: bool,
    ) -> Decision {
        let words: Vec<String> = argv.iter().map(|w| self.clean(w)).collect();
        // `-f FILE` (before or after the subcommand): its keys are in the environment of
        // what `tkx exec` runs.
        let end = words.iter().position(|w| w == "--").unwrap_or(words.len());
        for (i, w) in words[..end].iter().enumerate() {
            let file = match w.as_str() {
                "-f" | "--file" => words.get(i + 1).cloned(),
                _ => w.strip_prefix("--file=").map(str::to_owned),
            };
            if let Some(f) = file {
                let path = self.guard.absolute(&f, cwd);
                self.exec_secrets.extend(crate::agent::secret_names_in(&path));
            }
        }
        let mut i = 1;
        while i < words.len() {
            let w = words[i].as_str();
            match w {
                "-C" | "-f" | "--file" | "-p" | "--profile" | "--color" => i += 2,
                _ if w.starts_with('-') => i += 1,
                _ => break,
            }
        }
        let Some(sub) = words.get(i) else { return Decision::Allow };
        let rest = &words[i + 1..];
        match sub.as_str() {
            "get" => Decision::env("`tkx get` prints a value unmasked"),
            "env" if rest.iter().any(|a| a == "--reveal" || a == "--export") => {
                Decision::env("`tkx env --reveal` and `--export` print values unmasked")
            }
            "exec" => {
                if rest.iter().any(|a| a == "--redact") {
                    // Its output is masked by tkx.
                    return Decision::Allow;
                }
                let start = match rest.iter().position(|a| a == "--") {
                    Some(p) => i + 2 + p,
                    None => {
                        let mut j = i + 1;
                        while j < words.len() && words[j].starts_with('-') {
                            j += if matches!(
                                words[j].as_str(),
                                "--require"
                                    | "--only"
                                    | "--redact-style"
                                    | "-f"
                                    | "--file"
                                    | "-p"
                                    | "--profile"
                            ) {
                                2
                            } else {
                                1
                            };
                        }
                        j
                    }
                };
                let inner: Vec<String> = argv.get(start..).map(<[String]>::to_vec).unwrap_or_default();
                if inner.is_empty() {
                    return Decision::Allow;
                }
                self.argv(cmd, inner, cwd, depth, true)
            }
            _ => Decision::Allow,
        }
    }

    /// `git …`: denies subcommands that show the content of an env file (`show`,
    /// `diff`, `blame`, `cat-file`, `grep`, `log -p`, `stash -p`, …).
    pub(super) fn git(&mut self, argv: &[String], cwd: &Path) -> Decision {
        let words: Vec<String> = argv.iter().map(|w| self.clean(w)).collect();
        let mut i = 1;
        let mut dir = cwd.to_path_buf();
        while i < words.len() {
            let w = words[i].as_str();
            match w {
                "-C" => {
                    if let Some(d) = words.get(i + 1) {
                        dir = self.guard.absolute(d, &dir);
                    }
                    i += 2;
                }
                "-c" | "--git-dir" | "--work-tree" | "--namespace" => i += 2,
                _ if w.starts_with('-') => i += 1,
                _ => break,
            }
        }
        let Some(sub) = words.get(i) else { return Decision::Allow };
        let rest = &argv[i + 1..];
        if sub == "grep" {
            if let Some(d) = self.git_grep(rest, &dir) {
                return d;
            }
        }
        if sub == "add" {
            // Staging prints nothing; what shows the index afterwards does.
            let words: Vec<String> = rest.iter().map(|a| self.clean(a)).collect();
            let force = words.iter().any(|a| a == "-f" || a == "--force");
            let mut paths: Vec<&str> =
                words.iter().filter(|a| !a.starts_with('-')).map(String::as_str).collect();
            if words.iter().any(|a| a == "-A" || a == "--all") {
                paths.push(".");
            }
            // What git would stage: named env files, or the env files of a directory that
            // git does not ignore (all of them with --force).
            let scope =
                crate::agent::paths::Scope { hidden: true, honors_gitignore: !force, ..Default::default() };
            self.staged_env |= rest.iter().any(|a| self.reads(a, &dir).is_some())
                || paths.iter().any(|p| self.guard.search_reads(p, &dir, &scope).is_some());
            return Decision::Allow;
        }
        let index_shown = match sub.as_str() {
            "diff" => rest.iter().any(|a| matches!(self.clean(a).as_str(), "--cached" | "--staged")),
            "show" => rest.iter().any(|a| self.clean(a).starts_with(':')),
            "commit" => rest.iter().any(|a| matches!(self.clean(a).as_str(), "-v" | "--verbose")),
            _ => false,
        };
        if self.staged_env && index_shown {
            return Decision::file(format!(
                "an env file was staged earlier on this line, and `git {sub}` shows the index"
            ));
        }
        let shows = match sub.as_str() {
            "show" | "diff" | "blame" | "annotate" | "cat-file" | "difftool" | "format-patch" | "grep"
            | "archive" => true,
            "log" | "whatchanged" | "reflog" => rest.iter().any(|a| {
                let a = self.clean(a);
                a == "-p" || a == "-u" || a == "--patch" || a.starts_with("-L") || a == "--full-diff"
            }),
            "stash" => rest.iter().any(|a| self.clean(a) == "-p" || self.clean(a) == "--patch"),
            _ => false,
        };
        if !shows {
            return Decision::Allow;
        }
        for a in rest {
            if let Some(hit) = self.reads(a, &dir) {
                return Decision::file(format!("`git {sub}` shows the content of {hit}"));
            }
        }
        Decision::Allow
    }
}
