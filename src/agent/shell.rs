//! Shell command lines: split into simple commands as a shell would, then judge each.
//!
//! [`parse`] finds the structure a shell sees — `;`, `&&`, `||`, `&`, pipes, newlines,
//! subshells and groups, `$(…)`, backticks, `<(…)`, redirections and here-documents —
//! and hands each simple command's text to the `shell-words` crate, which splits it
//! into words with the shell's quoting rules. Operators and substitutions are marked in
//! that text with control characters no command line contains, so a quoted `">"` stays
//! a word. [`check`] then judges every simple command, nested ones included.
//!
//! This is best-effort: a shell is a programming language and an agent can hide a
//! read (`cat $(printf '\x2eenv')`). tkx catches what agents actually run and says so.

use super::paths::{Scope, glob_may_match_env, has_glob};
use super::{Decision, Guard};
use std::path::{Path, PathBuf};

/// Marks an operator word (`<`, `>>`, `2>&1`, …) in a simple command's text.
const OP: char = '\u{1}';
/// Brackets a substitution's index: `\u{2}3\u{2}`.
const SUB: char = '\u{2}';
/// A `$` that was inside single quotes: literal, never expanded.
const LIT_DOLLAR: char = '\u{3}';

/// Deepest nesting of `$(…)`, `bash -c '…'` and friends that is analysed; deeper is
/// denied (no real command nests that far).
const MAX_DEPTH: usize = 8;

/// One simple command.
#[derive(Clone, Debug, Default)]
pub struct Simple {
    /// Its words, as `shell-words` split them (operators start with a control character).
    pub words: Vec<String>,
    /// Which pipeline it belongs to, and its position in it.
    pub pipeline: usize,
    /// Position in the pipeline (0 = first stage).
    pub stage: usize,
    /// Here-document bodies fed to it, and whether they expand `$…`.
    pub heredocs: Vec<(String, bool)>,
    /// Whether the text could not be split into words (an unbalanced quote).
    pub unsplit: Option<String>,
}

/// A command line, split.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// Every simple command, nested ones (from substitutions) included, in order.
    pub commands: Vec<Simple>,
    /// For each substitution: the commands inside it (indexes into `commands`).
    pub subs: Vec<Vec<usize>>,
    /// Whether nesting went too deep to analyse.
    pub too_deep: bool,
}

/// Splits a command line.
pub fn parse(line: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut pipelines = 0;
    parse_into(line, 0, &mut p, &mut pipelines);
    p
}

struct Builder {
    text: String,
    heredocs: Vec<(String, bool, bool)>,
    /// Byte offset in `text` where the current word starts.
    word_start: usize,
}

impl Builder {
    fn new() -> Self {
        Builder { text: String::new(), heredocs: Vec::new(), word_start: 0 }
    }
    fn at_word_start(&self) -> bool {
        self.text.len() == self.word_start
    }
    fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }
    fn space(&mut self) {
        self.text.push(' ');
        self.word_start = self.text.len();
    }
}

fn parse_into(line: &str, depth: usize, out: &mut Parsed, pipelines: &mut usize) {
    if depth > MAX_DEPTH {
        out.too_deep = true;
        return;
    }
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut b = Builder::new();
    let mut stage = 0usize;
    let mut pipeline = *pipelines;
    *pipelines += 1;
    // Here-documents waiting for the end of the line: (command index, delimiter,
    // strip tabs, expands).
    let mut pending: Vec<(usize, String, bool, bool)> = Vec::new();

    let finish = |b: &mut Builder,
                  out: &mut Parsed,
                  pipeline: usize,
                  stage: usize,
                  pending: &mut Vec<(usize, String, bool, bool)>| {
        if b.is_empty() && b.heredocs.is_empty() {
            *b = Builder::new();
            return;
        }
        let idx = out.commands.len();
        let (words, unsplit) = match shell_words::split(&b.text) {
            Ok(w) => (w, None),
            Err(_) => (Vec::new(), Some(b.text.clone())),
        };
        out.commands.push(Simple { words, pipeline, stage, heredocs: Vec::new(), unsplit });
        for (d, strip, expand) in b.heredocs.drain(..) {
            pending.push((idx, d, strip, expand));
        }
        *b = Builder::new();
    };

    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                if chars.get(i + 1) == Some(&'\n') {
                    i += 2;
                    continue;
                }
                b.text.push('\\');
                if let Some(&n) = chars.get(i + 1) {
                    b.text.push(n);
                }
                i += 2;
            }
            '\'' => {
                // Literal to the next quote; `$` inside is marked literal.
                b.text.push('\'');
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    b.text.push(if chars[i] == '$' { LIT_DOLLAR } else { chars[i] });
                    i += 1;
                }
                if i < chars.len() {
                    b.text.push('\'');
                    i += 1;
                }
            }
            '"' => {
                b.text.push('"');
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    match chars[i] {
                        '\\' => {
                            b.text.push('\\');
                            if let Some(&n) = chars.get(i + 1) {
                                b.text.push(n);
                            }
                            i += 2;
                        }
                        '$' if chars.get(i + 1) == Some(&'(') && chars.get(i + 2) != Some(&'(') => {
                            i = substitution(&chars, i + 2, ')', depth, out, pipelines, &mut b);
                        }
                        '`' => {
                            i = substitution(&chars, i + 1, '`', depth, out, pipelines, &mut b);
                        }
                        ch => {
                            b.text.push(ch);
                            i += 1;
                        }
                    }
                }
                if i < chars.len() {
                    b.text.push('"');
                    i += 1;
                }
            }
            '`' => {
                i = substitution(&chars, i + 1, '`', depth, out, pipelines, &mut b);
            }
            '$' if chars.get(i + 1) == Some(&'(') && chars.get(i + 2) == Some(&'(') => {
                // Arithmetic: text to the matching `))`.
                let end = matching(&chars, i + 1, '(', ')').unwrap_or(chars.len());
                b.text.extend(&chars[i..end.min(chars.len())]);
                i = end;
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                i = substitution(&chars, i + 2, ')', depth, out, pipelines, &mut b);
            }
            '$' if chars.get(i + 1) == Some(&'{') => {
                let end = matching(&chars, i + 1, '{', '}').unwrap_or(chars.len());
                b.text.extend(&chars[i..end.min(chars.len())]);
                i = end;
            }
            '<' | '>' if matches!(chars.get(i + 1), Some('(')) => {
                // Process substitution.
                i = substitution(&chars, i + 2, ')', depth, out, pipelines, &mut b);
            }
            '#' if b.at_word_start() => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\n' | ';' | '&' | '|' | '(' | ')' => {
                // `&>` and `>&` are redirections, not separators.
                if c == '&' && chars.get(i + 1) == Some(&'>') {
                    let (op, next) = redirection(&chars, i);
                    push_op(&mut b, &op);
                    i = next;
                    continue;
                }
                if c == '(' && !b.at_word_start() {
                    // `f()` or a glob like `@(…)`: keep as text.
                    b.text.push(c);
                    i += 1;
                    continue;
                }
                let pipe = c == '|' && chars.get(i + 1) != Some(&'|');
                finish(&mut b, out, pipeline, stage, &mut pending);
                if pipe {
                    stage += 1;
                    i += if chars.get(i + 1) == Some(&'&') { 2 } else { 1 };
                } else {
                    stage = 0;
                    pipeline = *pipelines;
                    *pipelines += 1;
                    i += if matches!(
                        (c, chars.get(i + 1)),
                        ('&', Some('&')) | ('|', Some('|')) | (';', Some(';'))
                    ) {
                        2
                    } else {
                        1
                    };
                }
                if c == '\n' && !pending.is_empty() {
                    i = heredoc_bodies(&chars, i, &mut pending, out);
                }
            }
            '<' | '>' => {
                // An fd number right before the operator belongs to it (`2>`).
                let fd: String = b.text[b.word_start..].to_owned();
                let fd = if !fd.is_empty() && fd.chars().all(|c| c.is_ascii_digit()) {
                    b.text.truncate(b.word_start);
                    fd
                } else {
                    String::new()
                };
                if c == '<' && chars.get(i + 1) == Some(&'<') && chars.get(i + 2) != Some(&'<') {
                    // A here-document: `<<WORD` or `<<-WORD`.
                    let mut j = i + 2;
                    let strip = chars.get(j) == Some(&'-');
                    if strip {
                        j += 1;
                    }
                    while chars.get(j).is_some_and(|c| *c == ' ' || *c == '\t') {
                        j += 1;
                    }
                    let start = j;
                    while j < chars.len()
                        && !matches!(chars[j], ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')')
                    {
                        j += 1;
                    }
                    let raw: String = chars[start..j].iter().collect();
                    let expand = !raw.contains(['\'', '"', '\\']);
                    let delim: String = raw.chars().filter(|c| !matches!(c, '\'' | '"' | '\\')).collect();
                    b.heredocs.push((delim, strip, expand));
                    push_op(&mut b, &format!("{fd}<<"));
                    i = j;
                    continue;
                }
                let (op, next) = redirection(&chars, i);
                push_op(&mut b, &format!("{fd}{op}"));
                i = next;
            }
            ' ' | '\t' => {
                b.space();
                i += 1;
            }
            _ => {
                b.text.push(c);
                i += 1;
            }
        }
    }
    finish(&mut b, out, pipeline, stage, &mut pending);
    // Here-documents with no body (the line ended first): nothing to attach.
}

/// Adds an operator as a word of its own.
fn push_op(b: &mut Builder, op: &str) {
    b.space();
    b.text.push(OP);
    b.text.push_str(op);
    b.space();
}

/// The redirection operator starting at `i` (`>`, `>>`, `>|`, `<`, `<>`, `<<<`, `>&`,
/// `<&`, `&>`, `&>>`) and the index after it.
fn redirection(chars: &[char], i: usize) -> (String, usize) {
    let mut j = i;
    let mut op = String::new();
    while j < chars.len() && matches!(chars[j], '<' | '>' | '&' | '|') && op.len() < 3 {
        // `>|` is a clobber, but `>||` is not an operator.
        if chars[j] == '|' && !op.ends_with('>') {
            break;
        }
        if chars[j] == '&' && op.contains('&') {
            break;
        }
        op.push(chars[j]);
        j += 1;
        if op.ends_with('&') && op.len() > 1 {
            // `>&2`, `<&0`, `>&-`: the target follows directly.
            break;
        }
    }
    (op, j)
}

/// The index of the bracket closing the one at `open_at`, past it.
fn matching(chars: &[char], open_at: usize, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open_at;
    let mut quote: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) => {
                if c == '\\' && q == '"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if c == '\\' {
                    i += 1;
                } else if c == '\'' || c == '"' {
                    quote = Some(c);
                } else if c == open {
                    depth += 1;
                } else if c == close {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
            }
        }
        i += 1;
    }
    None
}

/// Parses a substitution whose body starts at `start` and ends at `close`, adds its
/// commands, puts a placeholder in the current word, and returns the index after it.
fn substitution(
    chars: &[char],
    start: usize,
    close: char,
    depth: usize,
    out: &mut Parsed,
    pipelines: &mut usize,
    b: &mut Builder,
) -> usize {
    let end = if close == '`' {
        let mut j = start;
        while j < chars.len() && chars[j] != '`' {
            if chars[j] == '\\' {
                j += 1;
            }
            j += 1;
        }
        j
    } else {
        // `start` is just past `(`: find the matching `)` from the `(`.
        matching(chars, start.saturating_sub(1), '(', ')').map_or(chars.len(), |e| e - 1)
    };
    let body: String = chars[start..end.min(chars.len())].iter().collect();
    let first = out.commands.len();
    parse_into(&body, depth + 1, out, pipelines);
    let idx = out.subs.len();
    out.subs.push((first..out.commands.len()).collect());
    b.text.push(SUB);
    b.text.push_str(&idx.to_string());
    b.text.push(SUB);
    (end + 1).min(chars.len())
}

/// Reads the bodies of pending here-documents from `i` (the start of the next line),
/// attaches them, and returns the index after the last delimiter line.
fn heredoc_bodies(
    chars: &[char],
    mut i: usize,
    pending: &mut Vec<(usize, String, bool, bool)>,
    out: &mut Parsed,
) -> usize {
    for (idx, delim, strip, expand) in pending.drain(..) {
        let mut body = String::new();
        loop {
            if i >= chars.len() {
                break;
            }
            let end = chars[i..].iter().position(|c| *c == '\n').map_or(chars.len(), |p| i + p);
            let line: String = chars[i..end].iter().collect();
            i = (end + 1).min(chars.len().max(end + 1));
            let cmp = if strip { line.trim_start_matches('\t') } else { line.as_str() };
            if cmp == delim {
                break;
            }
            body.push_str(&line);
            body.push('\n');
        }
        if let Some(c) = out.commands.get_mut(idx) {
            c.heredocs.push((body, expand));
        }
    }
    i
}

// ---------------------------------------------------------------------------------
// Judging

/// Commands whose file arguments are only looked at from outside (names, sizes,
/// modes), created, removed or written: naming an env file to them reveals nothing.
const SAFE_WITH_FILES: &[&str] = &[
    "ls",
    "ll",
    "la",
    "exa",
    "eza",
    "tree",
    "stat",
    "test",
    "[",
    "[[",
    "touch",
    "rm",
    "unlink",
    "shred",
    "chmod",
    "chown",
    "chgrp",
    "file",
    "wc",
    "du",
    "realpath",
    "readlink",
    "basename",
    "dirname",
    "mkdir",
    "rmdir",
    "sha256sum",
    "sha1sum",
    "md5sum",
    "shasum",
    "b2sum",
    "cksum",
    "tee",
    "truncate",
    "lsof",
    "fuser",
    "getfacl",
    "setfacl",
    "echo",
    "printf",
    "true",
    "false",
    "type",
    "which",
    "command",
    "mkfifo",
    "sync",
];

/// Commands that copy or move their sources to a last operand.
const COPIERS: &[&str] = &["cp", "mv", "ln", "rsync", "scp", "install", "ditto", "rclone"];

/// Interpreters whose inline code (`-c`, `-e`, …) is looked into.
const CODE_FLAGS: &[(&str, &[&str])] = &[
    ("python", &["-c"]),
    ("node", &["-e", "--eval", "-p", "--print"]),
    ("nodejs", &["-e", "--eval", "-p", "--print"]),
    ("bun", &["-e", "--eval", "-p", "--print"]),
    ("deno", &["eval"]),
    ("ruby", &["-e"]),
    ("perl", &["-e", "-E"]),
    ("php", &["-r"]),
    ("lua", &["-e"]),
    ("rscript", &["-e"]),
    ("osascript", &["-e"]),
    ("pwsh", &["-c", "-command"]),
];

/// Shells whose `-c` string is a command line of its own.
const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "busybox", "fish"];

/// Prefix commands that run the rest of their arguments as a command.
const WRAPPERS: &[&str] = &[
    "sudo",
    "doas",
    "nohup",
    "time",
    "nice",
    "ionice",
    "command",
    "builtin",
    "exec",
    "stdbuf",
    "timeout",
    "watch",
    "strace",
    "ltrace",
    "unbuffer",
    "chronic",
    "caffeinate",
    "setsid",
    "taskset",
    "chrt",
    "flock",
    "firejail",
    "run0",
    "systemd-run",
    "xvfb-run",
    "dbus-run-session",
    "eatmydata",
    "catchsegv",
    "valgrind",
    "gtimeout",
];

/// Shell words that start a compound command; the command after them is what runs.
const RESERVED: &[&str] =
    &["{", "}", "!", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "time", "coproc"];

/// State while judging one command line.
struct Run<'g> {
    guard: &'g Guard,
    parsed: Parsed,
    /// Whether `set -x` was seen: later commands print what they expand.
    xtrace: bool,
}

/// Judges a command line run in `cwd`.
pub fn check(guard: &Guard, line: &str, cwd: &Path) -> Decision {
    check_depth(guard, line, cwd, 0, false)
}

fn check_depth(guard: &Guard, line: &str, cwd: &Path, depth: usize, injected: bool) -> Decision {
    if depth > MAX_DEPTH {
        return Decision::env("this command nests shells too deeply to check");
    }
    let parsed = parse(line);
    if parsed.too_deep {
        return Decision::env("this command nests substitutions too deeply to check");
    }
    let mut run = Run { guard, parsed, xtrace: false };
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

/// The text with literal-`$` marks turned back into `$` (for code and nested shells).
fn restore(s: &str) -> String {
    s.replace(LIT_DOLLAR, "$")
}

/// What a word refers to: its text for paths (marks removed) and whether a substitution
/// in it produces a protected name.
impl Run<'_> {
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

    /// Whether any substitution in `w` runs a command that names a protected file or
    /// an env-file pattern (`cat $(find . -name .env)`).
    fn sub_names_env(&self, w: &str, cwd: &Path) -> bool {
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

    /// Whether a word names a protected file, directly, as a glob, or as an env-file
    /// name pattern (`.env*`).
    fn names_env(&self, w: &str, cwd: &Path) -> bool {
        let c = self.clean(w);
        let c = c.trim_start_matches(OP);
        self.guard.protected(c, cwd).is_some()
            || (has_glob(c) && (self.guard.glob_hits(c, cwd).is_some() || glob_may_match_env(c)))
    }

    /// The protected file a word reads: itself, `@file`, `--opt=file`, `rev:file`, a
    /// glob, or a substitution that names one.
    fn reads(&self, w: &str, cwd: &Path) -> Option<String> {
        if w.starts_with(OP) {
            return None;
        }
        if self.sub_names_env(w, cwd) {
            return Some("the files a command substitution names".to_owned());
        }
        let c = self.clean(w);
        let mut candidates: Vec<&str> = vec![c.as_str()];
        if let Some(rest) = c.strip_prefix('@') {
            candidates.push(rest);
        }
        if let Some((_, v)) = c.split_once('=') {
            candidates.push(v);
        }
        if let Some((_, v)) = c.split_once(':') {
            candidates.push(v);
        }
        for cand in candidates {
            if cand.is_empty() {
                continue;
            }
            if has_glob(cand) {
                if let Some(hit) = self.guard.glob_hits(cand, cwd) {
                    return Some(hit);
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

    /// Secret variables a word expands (`$X`, `${X}`, `${X:-…}`; not `${#X}`).
    fn secret_refs(&self, w: &str) -> Option<String> {
        let c: Vec<char> = w.chars().collect();
        let mut i = 0;
        while i < c.len() {
            if c[i] == '\\' {
                i += 2;
                continue;
            }
            if c[i] == '$' {
                let mut j = i + 1;
                let braced = c.get(j) == Some(&'{');
                if braced {
                    j += 1;
                    if matches!(c.get(j), Some('#') | Some('!')) {
                        i = j;
                        continue;
                    }
                }
                let start = j;
                while j < c.len() && (c[j].is_ascii_alphanumeric() || c[j] == '_') {
                    j += 1;
                }
                let name: String = c[start..j].iter().collect();
                if !name.is_empty()
                    && !name.starts_with(|ch: char| ch.is_ascii_digit())
                    && self.guard.is_secret_var(&name)
                {
                    return Some(name);
                }
                i = j.max(i + 1);
                continue;
            }
            i += 1;
        }
        None
    }

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
        // Leading assignments.
        while argv.first().is_some_and(|w| is_assignment(w)) {
            argv.remove(0);
        }
        self.argv(cmd, argv, cwd, depth, injected)
    }

    fn argv(
        &mut self,
        cmd: &Simple,
        mut argv: Vec<String>,
        cwd: &mut PathBuf,
        depth: usize,
        injected: bool,
    ) -> Decision {
        // Strip wrappers (`sudo`, `env A=1`, `timeout 5`, …).
        loop {
            let Some(first) = argv.first() else { return Decision::Allow };
            let name = program(&self.clean(first));
            if RESERVED.contains(&name.as_str()) {
                argv.remove(0);
                continue;
            }
            if WRAPPERS.contains(&name.as_str()) {
                argv.remove(0);
                skip_options(&mut argv, &name);
                continue;
            }
            if let Some(skip) = runner(&name, argv.get(1).map(|w| self.clean(w)).as_deref()) {
                // `uv run CMD`, `npx CMD`, `poetry run CMD`: the rest is the command.
                argv.drain(..skip.min(argv.len()));
                while argv.first().is_some_and(|w| self.clean(w).starts_with('-')) {
                    argv.remove(0);
                }
                continue;
            }
            if name == "env" && argv.len() > 1 {
                // `env [-i] [-u X] [A=b]… CMD`: with a command it is a wrapper.
                let mut rest = argv[1..].to_vec();
                while let Some(w) = rest.first() {
                    let w = self.clean(w);
                    if w == "-u" || w == "--unset" || w == "-C" || w == "--chdir" || w == "-S" {
                        rest.remove(0);
                        if !rest.is_empty() {
                            rest.remove(0);
                        }
                    } else if w.starts_with('-') || is_assignment(&w) {
                        rest.remove(0);
                    } else {
                        break;
                    }
                }
                if rest.is_empty() {
                    return Decision::env("`env` prints the environment");
                }
                argv = rest;
                continue;
            }
            break;
        }
        let words: Vec<String> = argv.iter().map(|w| self.clean(w)).collect();
        let name = program(&words[0]);
        let args = &words[1..];

        // Secret variables printed by the shell's tracing.
        if self.xtrace && argv.iter().any(|w| self.secret_refs(w).is_some()) {
            return Decision::env("`set -x` would print the expanded secret variables of this command");
        }

        // Environment dumps.
        match name.as_str() {
            "printenv" => {
                let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
                if names.is_empty() {
                    return Decision::env("`printenv` prints the environment");
                }
                if let Some(n) = names.iter().find(|n| self.guard.is_secret_var(n)) {
                    return Decision::env(format!("`printenv {n}` prints a secret"));
                }
                return Decision::Allow;
            }
            "env" => return Decision::env("`env` prints the environment"),
            "export" | "declare" | "typeset" | "readonly" | "local" => {
                let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
                let prints = args.iter().any(|a| a.starts_with('-') && (a.contains('p') || a.contains('x')));
                if names.is_empty() && (name == "export" || name == "declare" || name == "typeset" || prints)
                {
                    return Decision::env(format!("`{name}` without names prints the environment"));
                }
                if prints {
                    if let Some(n) = names.iter().find(|n| self.guard.is_secret_var(n)) {
                        return Decision::env(format!("`{name} -p {n}` prints a secret"));
                    }
                }
            }
            "set" => {
                if args.is_empty() {
                    return Decision::env("`set` without arguments prints every variable");
                }
                if args.iter().any(|a| {
                    a == "-x"
                        || a == "-o" && args.contains(&"xtrace".to_owned())
                        || (a.starts_with('-') && !a.starts_with("--") && a.contains('x'))
                }) {
                    self.xtrace = true;
                }
                return Decision::Allow;
            }
            "ps" if args.iter().any(|a| !a.starts_with('-') && a.contains('e')) => {
                return Decision::env("`ps e` prints other processes' environments");
            }
            "jq" | "gojq" | "jaq"
                if args.iter().any(|a| {
                    a == "env"
                        || a.contains("$ENV")
                        || a.contains("env.")
                        || a.contains("env |")
                        || a.contains("env|")
                }) =>
            {
                return Decision::env(format!("`{name}` with `env` prints the environment"));
            }
            "awk" | "gawk" | "mawk" | "nawk" | "busybox-awk"
                if args.iter().any(|a| a.contains("ENVIRON")) =>
            {
                return Decision::env("this awk program reads ENVIRON");
            }
            "cd" | "pushd" => {
                if let Some(d) = args.iter().find(|a| !a.starts_with('-')) {
                    *cwd = self.guard.absolute(d, cwd);
                } else if let Some(h) = &self.guard.home {
                    *cwd = h.clone();
                }
                return Decision::Allow;
            }
            _ => {}
        }
        // Any mention of a process's environment file.
        if let Some(w) = words.iter().find(|w| w.starts_with("/proc/") && w.ends_with("/environ")) {
            return Decision::env(format!("`{w}` is a process's environment"));
        }

        // Printing secret variables.
        if matches!(
            name.as_str(),
            "echo"
                | "printf"
                | "print"
                | "puts"
                | "say"
                | "cat"
                | "logger"
                | "wall"
                | "notify-send"
                | "zenity"
                | "figlet"
                | "toilet"
                | "cowsay"
        ) {
            if let Some(v) = argv.iter().skip(1).find_map(|w| self.secret_refs(w)) {
                return Decision::env(format!("this command prints ${v}"));
            }
            if name == "cat" {
                for (body, expand) in &cmd.heredocs {
                    if *expand {
                        if let Some(v) = self.secret_refs(body) {
                            return Decision::env(format!("this here-document prints ${v}"));
                        }
                    }
                }
            }
        }
        if matches!(name.as_str(), "curl" | "wget" | "http" | "https" | "xh")
            && args.iter().any(|a| {
                a == "-v"
                    || a == "--verbose"
                    || a.starts_with("--trace")
                    || a == "--debug"
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains('v'))
            })
        {
            if let Some(v) = argv.iter().skip(1).find_map(|w| self.secret_refs(w)) {
                return Decision::env(format!("`{name}` in verbose mode prints the request, with ${v}"));
            }
        }

        // tkx itself.
        if name == "tkx" {
            return self.tkx(cmd, &argv, cwd, depth, injected);
        }
        // git: show, diff, log -p, blame, cat-file of env files.
        if name == "git" {
            return self.git(&argv, cwd);
        }
        // Nested command lines.
        if SHELLS.contains(&name.as_str()) {
            if let Some(pos) = words
                .iter()
                .skip(1)
                .position(|a| a == "-c" || (a.starts_with('-') && !a.starts_with("--") && a.ends_with('c')))
            {
                if let Some(script) = argv.get(pos + 2) {
                    return self.nested(script, cwd, depth, injected);
                }
            }
            for (body, _) in &cmd.heredocs {
                let d = check_depth(self.guard, body, cwd, depth + 1, injected);
                if d.is_deny() {
                    return d;
                }
            }
            if let Some(hit) = args.iter().filter(|a| !a.starts_with('-')).find_map(|a| self.reads(a, cwd)) {
                return Decision::file(format!("this command reads {hit}"));
            }
            return Decision::Allow;
        }
        if name == "eval" {
            let script = argv[1..].iter().map(|w| restore(&self.strip_subs(w))).collect::<Vec<_>>().join(" ");
            return check_depth(self.guard, &script, cwd, depth + 1, injected);
        }
        if name == "su" || name == "runuser" {
            if let Some(pos) = words.iter().position(|a| a == "-c" || a == "--command") {
                if let Some(script) = argv.get(pos + 1) {
                    return self.nested(script, cwd, depth, injected);
                }
            }
        }
        if name == "ssh" || name == "docker" || name == "podman" || name == "kubectl" {
            // Another machine or container: its files are not this project's. Only a
            // local env file named as an argument counts (`docker cp .env c:/`).
            let reads = args
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    !(name == "docker" || name == "podman")
                        || !matches!(args.get(i.wrapping_sub(1)).map(String::as_str), Some("--env-file"))
                })
                .filter(|(_, a)| !a.starts_with("--env-file="))
                .find_map(|(_, a)| self.reads(a, cwd));
            if let Some(hit) = reads {
                return Decision::file(format!("this command reads {hit}"));
            }
            return Decision::Allow;
        }
        // Inline code of interpreters.
        if let Some(d) = self.code(&name, &words, cmd, cwd) {
            return d;
        }
        // `source .env`, `. .env`.
        if name == "source" || name == "." {
            if let Some(hit) = args.first().and_then(|a| self.reads(a, cwd)) {
                return Decision::file(format!("`{name}` loads {hit} into the shell"));
            }
            return Decision::Allow;
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
        if SAFE_WITH_FILES.contains(&name.as_str()) {
            return Decision::Allow;
        }
        if COPIERS.contains(&name.as_str()) {
            // Only the sources are read: the last operand (or `-t DIR`) is written.
            let target_flag = words.iter().any(|w| w == "-t" || w.starts_with("--target-directory"));
            let operands: Vec<&String> =
                argv.iter().skip(1).filter(|w| !self.clean(w).starts_with('-')).collect();
            let sources = if target_flag { operands.len() } else { operands.len().saturating_sub(1) };
            for a in operands.iter().take(sources) {
                if let Some(hit) = self.reads(a, cwd) {
                    return Decision::file(format!("`{name}` copies {hit} where it can be read"));
                }
            }
            return Decision::Allow;
        }
        for a in argv.iter().skip(1) {
            if let Some(hit) = self.reads(a, cwd) {
                return Decision::file(format!("`{name}` reads {hit}"));
            }
        }
        Decision::Allow
    }

    /// Judges a nested shell's script (`bash -c '…'`, `su -c '…'`) from scratch, one
    /// level deeper.
    fn nested(&self, script: &str, cwd: &Path, depth: usize, injected: bool) -> Decision {
        check_depth(self.guard, &restore(&self.strip_subs(script)), cwd, depth + 1, injected)
    }

    /// A word with its substitution placeholders removed (for nested shells, whose text
    /// is judged again from scratch).
    fn strip_subs(&self, w: &str) -> String {
        // Substitutions were already parsed as commands of their own and are judged in
        // order; the nested text is judged without them.
        let mut out = String::new();
        let mut in_sub = false;
        for c in w.chars() {
            if c == SUB {
                in_sub = !in_sub;
            } else if !in_sub {
                out.push(c);
            }
        }
        out
    }

    fn tkx(
        &mut self,
        cmd: &Simple,
        argv: &[String],
        cwd: &mut PathBuf,
        depth: usize,
        _injected: bool,
    ) -> Decision {
        let words: Vec<String> = argv.iter().map(|w| self.clean(w)).collect();
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
                            j += if matches!(words[j].as_str(), "--require" | "--only" | "--redact-style") {
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

    fn git(&self, argv: &[String], cwd: &Path) -> Decision {
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

    /// `grep -r`, `rg`, `ag`, `ack`: would the search read an env file?
    fn search(&self, name: &str, words: &[String], cwd: &Path) -> Option<Decision> {
        let args = &words[1..];
        let mut scope = Scope::default();
        let mut operands: Vec<String> = Vec::new();
        let mut pattern_given = false;
        let mut files_only = false;
        match name {
            "grep" | "egrep" | "fgrep" | "zgrep" | "ggrep" => {
                let mut recursive = false;
                let mut i = 0;
                while i < args.len() {
                    let a = args[i].as_str();
                    if a == "--" {
                        operands.extend(args[i + 1..].iter().cloned());
                        break;
                    }
                    if let Some(v) = a.strip_prefix("--include=") {
                        scope.include.push(v.to_owned());
                    } else if let Some(v) = a.strip_prefix("--exclude=") {
                        scope.exclude.push(v.to_owned());
                    } else if let Some(v) = a.strip_prefix("--exclude-dir=") {
                        scope.exclude_dirs.push(v.to_owned());
                    } else if a == "--include" || a == "--exclude" || a == "--exclude-dir" {
                        if let Some(v) = args.get(i + 1) {
                            match a {
                                "--include" => scope.include.push(v.clone()),
                                "--exclude" => scope.exclude.push(v.clone()),
                                _ => scope.exclude_dirs.push(v.clone()),
                            }
                        }
                        i += 1;
                    } else if a == "-r"
                        || a == "-R"
                        || a == "--recursive"
                        || a == "--dereference-recursive"
                        || a == "-drecurse"
                    {
                        recursive = true;
                        scope.follow_links |= a == "-R" || a == "--dereference-recursive";
                    } else if a == "-e" || a == "-f" || a == "--regexp" || a == "--file" {
                        pattern_given = true;
                        if a == "-f" || a == "--file" {
                            if let Some(v) = args.get(i + 1) {
                                if let Some(hit) = self.reads(v, cwd) {
                                    return Some(Decision::file(format!("`{name} -f` reads {hit}")));
                                }
                            }
                        }
                        i += 1;
                    } else if a == "-d" || a == "--directories" {
                        if args.get(i + 1).is_some_and(|v| v == "recurse") {
                            recursive = true;
                        }
                        i += 1;
                    } else if a.starts_with("--") {
                    } else if a.starts_with('-') && a.len() > 1 {
                        if a.contains('r') || a.contains('R') {
                            recursive = true;
                        }
                        scope.follow_links |= a.contains('R');
                        if a.ends_with('e') || a.ends_with('f') {
                            pattern_given = true;
                            i += 1;
                        }
                    } else {
                        operands.push(a.to_owned());
                    }
                    i += 1;
                }
                if !pattern_given && !operands.is_empty() {
                    operands.remove(0);
                }
                if !recursive {
                    return None;
                }
                scope.hidden = true;
                if operands.is_empty() {
                    operands.push(".".into());
                }
            }
            "rg" | "ag" | "ack" | "pt" | "ugrep" | "ug" => {
                scope.honors_gitignore = name != "ack";
                scope.hidden = name == "ack";
                let mut i = 0;
                while i < args.len() {
                    let a = args[i].as_str();
                    match a {
                        "--" => {
                            operands.extend(args[i + 1..].iter().cloned());
                            break;
                        }
                        "--hidden" | "-." | "--all-types" => scope.hidden = true,
                        "--follow" => scope.follow_links = true,
                        "-L" if name == "rg" => scope.follow_links = true,
                        "-R" | "--dereference-recursive" if matches!(name, "ugrep" | "ug") => {
                            scope.follow_links = true
                        }
                        "--no-ignore" | "--no-ignore-vcs" | "--skip-vcs-ignores" | "-U" => {
                            scope.honors_gitignore = false
                        }
                        "-u" => scope.honors_gitignore = false,
                        "-uu" | "-uuu" | "--unrestricted" => {
                            scope.hidden = true;
                            scope.honors_gitignore = false;
                        }
                        "--files"
                        | "-l"
                        | "--files-with-matches"
                        | "-c"
                        | "--count"
                        | "--files-without-match" => {
                            if a == "--files" {
                                files_only = true;
                            }
                        }
                        "-g" | "--glob" | "--iglob" | "-G" | "--file-search-regex" => {
                            if let Some(v) = args.get(i + 1) {
                                match v.strip_prefix('!') {
                                    Some(ex) => scope.exclude.push(ex.to_owned()),
                                    None => scope.include.push(v.clone()),
                                }
                            }
                            i += 1;
                        }
                        "-t" | "--type" => {
                            if let Some(v) = args.get(i + 1) {
                                // No file type of these tools covers `.env` files.
                                if !matches!(v.as_str(), "all" | "env" | "dotenv" | "config") {
                                    scope.include.push("*.__tkx_type_only__".into());
                                }
                            }
                            i += 1;
                        }
                        "-e" | "--regexp" | "-f" | "--file" => {
                            pattern_given = true;
                            if a == "-f" || a == "--file" {
                                if let Some(hit) = args.get(i + 1).and_then(|v| self.reads(v, cwd)) {
                                    return Some(Decision::file(format!("`{name} -f` reads {hit}")));
                                }
                            }
                            i += 1;
                        }
                        "-A" | "-B" | "-C" | "-m" | "-M" | "-j" | "--max-count" | "--context"
                        | "--after-context" | "--before-context" | "--max-depth" | "--threads"
                        | "--color" | "--colors" | "-r" | "--replace" | "--type-add" | "-T"
                        | "--type-not" | "--sort" | "--sortr" | "--max-filesize" | "--path-separator"
                        | "-E" | "--encoding" => {
                            i += 1;
                        }
                        _ if a.starts_with("--glob=") || a.starts_with("--iglob=") => {
                            let v = a.split_once('=').map(|x| x.1).unwrap_or("");
                            match v.strip_prefix('!') {
                                Some(ex) => scope.exclude.push(ex.to_owned()),
                                None => scope.include.push(v.to_owned()),
                            }
                        }
                        _ if a.starts_with("--") => {}
                        _ if a.starts_with('-') && a.len() > 1 => {
                            if a.contains('.') {
                                scope.hidden = true;
                            }
                            if name == "rg" && a.contains('L') {
                                scope.follow_links = true;
                            }
                            let us = a.matches('u').count();
                            if us >= 1 {
                                scope.honors_gitignore = false;
                            }
                            if us >= 2 {
                                scope.hidden = true;
                            }
                        }
                        _ => operands.push(a.to_owned()),
                    }
                    i += 1;
                }
                if !pattern_given && !files_only && !operands.is_empty() {
                    operands.remove(0);
                }
                if files_only {
                    return Some(Decision::Allow);
                }
                if operands.is_empty() {
                    operands.push(".".into());
                }
            }
            _ => return None,
        }
        for op in &operands {
            if let Some(hit) = self.guard.search_reads(op, cwd, &scope) {
                return Some(Decision::file(format!(
                    "this search reads {hit}; narrow it (a directory, --include/-g '*.ext', or git-ignore the env files) or search .env.example"
                )));
            }
            if has_glob(op) {
                if let Some(hit) = self.guard.glob_hits(op, cwd) {
                    return Some(Decision::file(format!("this search reads {hit}")));
                }
            }
        }
        Some(Decision::Allow)
    }

    /// `find … -exec CMD {}`: reads the files it finds when CMD reads files.
    fn find(&self, words: &[String], cwd: &Path) -> Decision {
        let args = &words[1..];
        let mut roots: Vec<String> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let mut exec_reads = false;
        let mut i = 0;
        while i < args.len() && !args[i].starts_with('-') && args[i] != "(" && args[i] != "!" {
            roots.push(args[i].clone());
            i += 1;
        }
        while i < args.len() {
            let a = args[i].as_str();
            match a {
                "-name" | "-iname" | "-path" | "-ipath" | "-wholename" | "-regex" | "-iregex" => {
                    if let Some(v) = args.get(i + 1) {
                        names.push(v.clone());
                    }
                    i += 1;
                }
                "-exec" | "-execdir" | "-ok" | "-okdir" => {
                    if let Some(c) = args.get(i + 1) {
                        let p = program(c);
                        if !SAFE_WITH_FILES.contains(&p.as_str()) {
                            exec_reads = true;
                        }
                    }
                }
                "-fprint" | "-fls" => i += 1,
                _ => {}
            }
            i += 1;
        }
        if roots.is_empty() {
            roots.push(".".into());
        }
        if !exec_reads {
            return Decision::Allow;
        }
        let named_env =
            names.iter().any(|n| glob_may_match_env(n.rsplit('/').next().unwrap_or(n)) || n.contains(".env"));
        if named_env {
            return Decision::file("`find -exec` would read the env files it finds");
        }
        if names.is_empty() {
            let scope = Scope { hidden: true, ..Scope::default() };
            for r in &roots {
                if let Some(hit) = self.guard.search_reads(r, cwd, &scope) {
                    return Decision::file(format!("`find -exec` would read {hit}"));
                }
            }
        }
        Decision::Allow
    }

    /// `… | xargs CMD`: CMD reads the files an earlier stage names.
    fn xargs(
        &mut self,
        cmd: &Simple,
        argv: &[String],
        cwd: &mut PathBuf,
        depth: usize,
        injected: bool,
    ) -> Decision {
        let mut rest: Vec<String> = argv[1..].to_vec();
        while rest.first().is_some_and(|w| self.clean(w).starts_with('-')) {
            let w = self.clean(&rest.remove(0));
            if matches!(w.as_str(), "-I" | "-n" | "-P" | "-L" | "-d" | "-s" | "-a" | "-E") && !rest.is_empty()
            {
                rest.remove(0);
            }
        }
        if rest.is_empty() {
            rest.push("echo".into());
        }
        let d = self.argv(cmd, rest.clone(), cwd, depth, injected);
        if d.is_deny() {
            return d;
        }
        let p = program(&self.clean(&rest[0]));
        if SAFE_WITH_FILES.contains(&p.as_str()) {
            return Decision::Allow;
        }
        let upstream_names_env = self.parsed.commands.iter().any(|c| {
            c.pipeline == cmd.pipeline
                && c.stage < cmd.stage
                && c.words.iter().skip(1).any(|w| {
                    let w = self.clean(w);
                    self.names_env(&w, cwd) || w.contains(".env") && !w.contains(".env.example")
                })
        });
        if upstream_names_env {
            return Decision::file(format!("`xargs {p}` would read the env files named before it"));
        }
        Decision::Allow
    }

    /// Inline code of an interpreter: a mention of an env file, `dotenv`, a dump of the
    /// environment, or a read of a secret variable.
    fn code(&self, name: &str, words: &[String], cmd: &Simple, cwd: &Path) -> Option<Decision> {
        let base = interpreter(name)?;
        let flags = CODE_FLAGS.iter().find(|(n, _)| *n == base).map(|(_, f)| *f)?;
        let mut code: Vec<String> = Vec::new();
        let mut i = 1;
        while i < words.len() {
            let w = words[i].as_str();
            if flags.contains(&w) {
                if let Some(c) = words.get(i + 1) {
                    code.push(c.clone());
                }
                i += 2;
                continue;
            }
            // `python -Sc '…'`: a combined short flag ending in the code flag.
            if flags.contains(&"-c")
                && w.starts_with('-')
                && !w.starts_with("--")
                && w.ends_with('c')
                && w.len() > 2
            {
                if let Some(c) = words.get(i + 1) {
                    code.push(c.clone());
                }
                i += 2;
                continue;
            }
            if !w.starts_with('-') {
                // A script file: its code is not on the command line. It may still be
                // an env file (`python .env`).
                if let Some(hit) = self.reads(&words[i], cwd) {
                    return Some(Decision::file(format!("`{name}` reads {hit}")));
                }
                break;
            }
            i += 1;
        }
        for (body, _) in &cmd.heredocs {
            code.push(body.clone());
        }
        for c in &code {
            if let Some(d) = self.judge_code(c, cwd) {
                return Some(d);
            }
        }
        // Arguments after the code may name env files (`python -c '…' .env`).
        None
    }

    fn judge_code(&self, code: &str, cwd: &Path) -> Option<Decision> {
        // Env file names in the code.
        for tok in code
            .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '~' | '$')))
        {
            if tok.contains(".env") || tok.contains(".ENV") {
                if let Some(hit) = self.guard.protected(tok, cwd) {
                    return Some(Decision::file(format!("this code reads {hit}")));
                }
            }
            if tok.starts_with("/proc/") && tok.ends_with("/environ") {
                return Some(Decision::env("this code reads a process's environment"));
            }
        }
        let lower = code.to_ascii_lowercase();
        if lower.contains("dotenv") {
            return Some(Decision::file("this code loads .env (dotenv)"));
        }
        // Whole-environment dumps.
        let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let dumps = [
            "print(os.environ)",
            "os.environ)",
            "os.environ.items()",
            "os.environ.copy()",
            "dict(os.environ",
            "os.environ.keys()",
            "os.environ.values()",
            "print(environ)",
            "console.log(process.env)",
            "process.env)",
            "JSON.stringify(process.env",
            "Object.entries(process.env",
            "Object.values(process.env",
            "Deno.env.toObject()",
            "pENV",
            "putsENV",
            "ENV.to_h",
            "ENV.each",
            "ENV.inspect",
            "%ENV",
            "each%ENV",
            "keys%ENV",
            "getenv()",
            "$_ENV",
            "$_SERVER",
            "Sys.getenv()",
        ];
        if dumps.iter().any(|d| compact.contains(d)) || compact.trim_end_matches(';') == "process.env" {
            return Some(Decision::env("this code prints the environment"));
        }
        // A secret variable read by name.
        let accesses = [
            "environ",
            "getenv",
            "process.env",
            "ENV[",
            "ENV.fetch",
            "$ENV{",
            "Deno.env",
            "Sys.getenv",
            "env::var",
        ];
        if accesses.iter().any(|a| code.contains(a)) || code.contains('$') {
            for tok in code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if tok.len() > 2
                    && tok.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && self.guard.is_secret_var(tok)
                {
                    return Some(Decision::env(format!("this code reads ${tok}")));
                }
            }
        }
        None
    }
}

/// How many words a package runner takes before the command it runs, if `name` is one.
fn runner(name: &str, sub: Option<&str>) -> Option<usize> {
    match (name, sub) {
        ("npx" | "bunx" | "pnpx" | "dlx", _) => Some(1),
        ("uv" | "poetry" | "pipenv" | "rye" | "pdm" | "hatch" | "conda" | "mise" | "pixi", Some("run")) => {
            Some(2)
        }
        ("pnpm" | "yarn" | "bun", Some("exec" | "dlx")) => Some(2),
        ("mise" | "asdf", Some("exec")) => Some(2),
        _ => None,
    }
}

/// `python3.12` → `python`, `/usr/bin/node` → `node`.
fn interpreter(name: &str) -> Option<&'static str> {
    let n = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    CODE_FLAGS.iter().map(|(k, _)| *k).find(|k| *k == n || (*k == "rscript" && n == "Rscript"))
}

/// The program's name: `/usr/bin/cat` → `cat`.
fn program(word: &str) -> String {
    word.rsplit('/').next().unwrap_or(word).to_owned()
}

/// `NAME=value`.
fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((k, _)) => {
            !k.is_empty()
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !k.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Skips a wrapper's own options (and their values).
fn skip_options(argv: &mut Vec<String>, wrapper: &str) {
    let with_value: &[&str] = match wrapper {
        "sudo" => &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"],
        "nice" => &["-n"],
        "ionice" => &["-c", "-n", "-p"],
        "timeout" | "gtimeout" => &["-s", "-k", "--signal", "--kill-after"],
        "watch" => &["-n", "-d", "--interval"],
        "stdbuf" => &["-i", "-o", "-e"],
        "strace" | "ltrace" => &["-o", "-e", "-p", "-s"],
        "taskset" | "chrt" => &["-p"],
        "flock" => &["-w", "-E"],
        _ => &[],
    };
    while let Some(w) = argv.first() {
        if w == "--" {
            argv.remove(0);
            break;
        }
        if !w.starts_with('-') {
            break;
        }
        let takes = with_value.contains(&w.as_str());
        argv.remove(0);
        if takes && !argv.is_empty() {
            argv.remove(0);
        }
    }
    // `timeout 5 cmd`, `taskset 0x1 cmd`, `flock file cmd`: one positional first.
    if matches!(wrapper, "timeout" | "gtimeout" | "taskset" | "flock") && argv.len() > 1 {
        argv.remove(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<Vec<String>> {
        parse(line).commands.into_iter().map(|c| c.words.into_iter().map(|w| restore(&w)).collect()).collect()
    }

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(
            words("a b; c && d || e | f & g"),
            vec![vec!["a", "b"], vec!["c"], vec!["d"], vec!["e"], vec!["f"], vec!["g"]]
        );
        assert_eq!(words("echo 'a;b' \"c|d\""), vec![vec!["echo", "a;b", "c|d"]]);
        assert_eq!(words("cat<.env"), vec![vec!["cat".to_owned(), format!("{OP}<"), ".env".to_owned()]]);
        assert_eq!(
            words("ls 2>/dev/null"),
            vec![vec!["ls".to_owned(), format!("{OP}2>"), "/dev/null".to_owned()]]
        );
        let p = parse("echo $(cat .env) `id`");
        assert_eq!(p.commands.len(), 3);
        assert_eq!(p.commands[0].words, ["cat", ".env"]);
        assert_eq!(p.commands[1].words, ["id"]);
        let p = parse("cat <<EOF\nhello $X\nEOF\necho done");
        assert_eq!(p.commands[0].heredocs, vec![("hello $X\n".to_owned(), true)]);
        assert_eq!(p.commands[1].words, ["echo", "done"]);
        let p = parse("(cd a && cat b) | { grep x; }");
        let w: Vec<_> = p.commands.iter().map(|c| c.words.join(" ")).collect();
        assert_eq!(w, ["cd a", "cat b", "{ grep x", "}"]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(line in "[ -~\n\t]{0,80}") {
            let f = crate::agent::testing::Fixture::new();
            let g = f.guard();
            let _ = check(&g, &line, &f.project());
        }

        #[test]
        fn never_panics_on_shell_syntax(line in proptest::collection::vec(proptest::sample::select(vec![
            "cat", " ", ".env", "'", "\"", "$(", ")", "`", "<<", "EOF", "\n", "|", "&&", ";", "$X", "${", "}", "<(", ">", "2>&1", "\\", "#", "bash -c",
        ]), 0..24)) {
            let f = crate::agent::testing::Fixture::new();
            let g = f.guard();
            let _ = check(&g, &line.concat(), &f.project());
        }
    }

    #[test]
    fn never_panics_on_truncations() {
        let lines = [
            "echo \"$(cat '.env')\" | grep -r x <<'E'\nbody\nE\n",
            "a=$((1+2)) ${X:-$(y)} `z` <(w) >(v) 2>&1 &>/dev/null",
            "bash -c 'sh -c \"echo \\$OPENAI_PAT\"'",
        ];
        for l in lines {
            for end in 0..=l.len() {
                if l.is_char_boundary(end) {
                    let _ = parse(&l[..end]);
                }
            }
        }
    }
}
