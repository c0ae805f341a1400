//! File reads: what a word reads (itself, `@file`, `--opt=file`, `rev:file`, a glob, a
//! substitution naming an env file), `source .env`, copies (`cp .env /tmp`), and every
//! other program's file arguments (`cat`, `less`, `head`, `sed`, `awk`, …), except the
//! programs that only look at files from outside (`ls`, `stat`, `rm`, …).
//!
//! It owns the denials that say "this file holds secrets" for plain arguments. It must
//! not judge searches (`search`), interpreter code (`interp`) or nested commands.

use super::Run;
use crate::agent::Decision;
use crate::agent::paths::{glob_may_match_env, has_glob};
use crate::agent::shell::lexer::{OP, SUB};
use crate::agent::shell::words::{COPIERS, SAFE_WITH_FILES};
use std::path::Path;

/// The positions of the words that name a file a tool loads without printing it:
/// `node --env-file=.env app.js` (Node, Deno, Bun and any `--env-file` option), and
/// `gh secret set -f .env` (uploaded, never shown). What such a tool then runs is judged
/// as that command; tools that print what they load are judged before this.
fn consumed_files(name: &str, words: &[String]) -> Vec<usize> {
    let mut out = Vec::new();
    let gh_secret = name == "gh" && words.get(1).is_some_and(|w| w == "secret");
    // `vercel env pull .env.local`, `dotenv-vault pull`: the file is written, not shown.
    let pulls = matches!(name, "vercel" | "dotenv-vault" | "netlify")
        && words.iter().any(|w| w == "pull" || w == "env:pull");
    if pulls {
        return (1..words.len()).collect();
    }
    for (i, w) in words.iter().enumerate().skip(1) {
        if w.starts_with("--env-file=") {
            out.push(i);
        } else if w == "--env-file" || (gh_secret && w == "-f") {
            out.push(i + 1);
        }
    }
    out
}

/// A word and, when it holds a brace expansion (`.{env,bak}`), each word it expands to
/// (one level, as the shell does first).
fn brace_alternatives(w: &str) -> Vec<String> {
    let mut out = vec![w.to_owned()];
    if let (Some(open), Some(close)) = (w.find('{'), w.rfind('}')) {
        let inner = &w[open + 1..close.max(open + 1)];
        if close > open && inner.contains(',') && !w[..open].ends_with('$') {
            out.extend(inner.split(',').map(|alt| format!("{}{alt}{}", &w[..open], &w[close + 1..])));
        }
    }
    out
}

impl Run<'_> {
    /// Whether any substitution in `w` runs a command that names a protected file or
    /// an env-file pattern (`cat $(find . -name .env)`).
    pub(super) fn sub_names_env(&self, w: &str, cwd: &Path) -> bool {
        let mut parts = w.split(SUB);
        parts.next();
        let mut odd = true;
        for p in parts {
            if odd {
                if let Ok(idx) = p.parse::<usize>() {
                    if let Some(cmds) = self.parsed.subs.get(idx) {
                        for &ci in cmds {
                            if let Some(c) = self.parsed.commands.get(ci) {
                                if c.words.iter().any(|x| self.names_env(x, cwd)) {
                                    return true;
                                }
                            }
                        }
                    }
                }
            }
            odd = !odd;
        }
        false
    }

    /// `$name` and `${name}` of variables assigned earlier on the line, replaced by their
    /// values (others are left for the guard, which knows `$HOME`, `$PWD`, `$TKX_DIR`).
    pub(super) fn expand_vars(&self, s: &str) -> String {
        if self.vars.is_empty() || !s.contains('$') {
            return s.to_owned();
        }
        let mut out = s.to_owned();
        for (k, v) in &self.vars {
            out = out.replace(&format!("${{{k}}}"), v);
            let bare = format!("${k}");
            let mut from = 0;
            while let Some(at) = out[from..].find(&bare).map(|i| from + i) {
                let end = at + bare.len();
                if out[end..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                    from = end;
                    continue;
                }
                out.replace_range(at..end, v);
                from = at + v.len();
            }
        }
        out
    }

    /// Whether a word names a protected file, directly, as a glob, or as an env-file
    /// name pattern (`.env*`).
    pub(super) fn names_env(&self, w: &str, cwd: &Path) -> bool {
        let c = self.clean(w);
        let c = c.trim_start_matches(OP);
        self.guard.protected(c, cwd).is_some()
            || (has_glob(c) && (self.guard.glob_hits(c, cwd).is_some() || glob_may_match_env(c)))
    }

    /// The protected file a word reads: itself, `@file`, `--opt=file`, `rev:file`, a
    /// glob, or a substitution that names one.
    pub(super) fn reads(&self, w: &str, cwd: &Path) -> Option<String> {
        if w.starts_with(OP) {
            return None;
        }
        if self.sub_names_env(w, cwd) {
            return Some("the files a command substitution names".to_owned());
        }
        if let Some(hit) = self.substituted_names(w, cwd).into_iter().next() {
            return Some(format!("{hit}, which a command substitution lists"));
        }
        let c = self.expand_vars(&self.clean(w));
        let mut candidates: Vec<String> = brace_alternatives(&c);
        if let Some(rest) = c.strip_prefix('@') {
            candidates.push(rest.to_owned());
        }
        if let Some((_, v)) = c.split_once('=') {
            candidates.push(v.to_owned());
        }
        if let Some((_, v)) = c.split_once(':') {
            candidates.push(v.to_owned());
        }
        for cand in candidates.iter().map(String::as_str) {
            if cand.is_empty() {
                continue;
            }
            if has_glob(cand) {
                if let Some(hit) = self.guard.glob_hits(cand, cwd) {
                    return Some(hit);
                }
                // `shopt -s dotglob`: `*` matches a leading dot too.
                if self.dotglob {
                    let (dir, last) = cand.rsplit_once('/').map_or(("", cand), |(d, l)| (d, l));
                    if !last.starts_with('.') {
                        let dotted =
                            if dir.is_empty() { format!(".{last}") } else { format!("{dir}/.{last}") };
                        if let Some(hit) = self.guard.glob_hits(&dotted, cwd) {
                            return Some(hit);
                        }
                    }
                }
                // Nothing matches now; the pattern still aims at env files or a store.
                let last = cand.rsplit('/').next().unwrap_or(cand);
                if last.to_ascii_lowercase().starts_with(".env") && glob_may_match_env(last) {
                    return Some(cand.to_owned());
                }
                if let Some(hit) = self.guard.protected(cand, cwd) {
                    return Some(hit);
                }
            } else if let Some(hit) = self.guard.protected(cand, cwd) {
                return Some(hit);
            }
        }
        None
    }

    /// `source .env`, `. .env`: loads the file into the shell. `None`: not `source`.
    pub(super) fn source(&self, name: &str, args: &[String], cwd: &Path) -> Option<Decision> {
        if name == "source" || name == "." {
            if let Some(hit) = args.first().and_then(|a| self.reads(a, cwd)) {
                return Some(Decision::file(format!("`{name}` loads {hit} into the shell")));
            }
            return Some(Decision::Allow);
        }
        None
    }

    /// Files named as arguments: allowed for programs that only look at files from
    /// outside, the sources of a copy, otherwise any argument that reads a protected file.
    pub(super) fn file_args(&self, name: &str, words: &[String], argv: &[String], cwd: &Path) -> Decision {
        if SAFE_WITH_FILES.contains(&name) || super::search::presence_only(name, words) {
            return Decision::Allow;
        }
        if COPIERS.contains(&name) {
            // Only the sources are read: the last operand (or `-t DIR`) is written.
            let target_flag = words.iter().any(|w| w == "-t" || w.starts_with("--target-directory"));
            let operands: Vec<&String> =
                argv.iter().skip(1).filter(|w| !self.clean(w).starts_with('-')).collect();
            let sources = if target_flag { operands.len() } else { operands.len().saturating_sub(1) };
            // A copy that is itself an env file (`mv .env .env.bak`, `cp .env backup/`) stays
            // protected.
            let dest =
                words.iter().position(|w| w == "-t").and_then(|i| words.get(i + 1)).cloned().or_else(|| {
                    words.iter().find_map(|w| w.strip_prefix("--target-directory=").map(str::to_owned))
                });
            let dest =
                dest.or_else(|| (!target_flag).then(|| operands.last().map(|w| self.clean(w))).flatten());
            for a in operands.iter().take(sources) {
                if let Some(hit) = self.reads(a, cwd) {
                    let src = self.clean(a);
                    let base = src.rsplit('/').next().unwrap_or(&src);
                    let stays_protected = name != "ln"
                        && dest.as_ref().is_some_and(|d| {
                            let into = self.guard.absolute(d, cwd);
                            let copy = if into.is_dir() { into.join(base) } else { into };
                            self.guard.protected(&copy.to_string_lossy(), cwd).is_some()
                        });
                    if !stays_protected {
                        return Decision::file(format!("`{name}` copies {hit} where it can be read"));
                    }
                }
            }
            return Decision::Allow;
        }
        let mut consumed = consumed_files(name, words);
        // sed's and awk's first operand is their program, unless `-e`/`-f` gives it.
        if matches!(name, "sed" | "gsed" | "awk" | "gawk" | "mawk" | "nawk") {
            let given = words
                .iter()
                .any(|w| w == "-e" || w == "-f" || w.starts_with("--expression") || w.starts_with("--file"));
            let mut i = 1;
            while !given && i < words.len() {
                let w = &words[i];
                if (w == "-F" || w == "-v") && !name.ends_with("sed") {
                    i += 2;
                } else if w.starts_with('-') {
                    i += 1;
                } else {
                    consumed.push(i);
                    break;
                }
            }
        }
        for (i, a) in argv.iter().enumerate().skip(1) {
            if consumed.contains(&i) {
                continue;
            }
            if let Some(hit) = self.reads(a, cwd) {
                return Decision::file(format!("`{name}` reads {hit}"));
            }
        }
        Decision::Allow
    }
}
