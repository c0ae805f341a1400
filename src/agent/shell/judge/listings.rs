//! Names a command prints, and where they go: a listing (`ls -a`, `find`, `fd -H`,
//! `rg --files`, `git ls-files --others`, `echo .env*`) whose output holds env file
//! names, filtered by the stages after it (`grep env`, `grep -v`, `sort`, `head`), and
//! handed to a reader by `xargs`, a substitution (`cat $(ls -a)`), a `while read` loop
//! or a `for` loop; and files that hold lists of names (`xargs -a`, `file -f`,
//! `--files0-from`, `tar -T`), a list written earlier on the line included.
//!
//! It also says when a pipeline's output never reaches the model whole: a later stage
//! that keeps only names or counts (`env | cut -d= -f1`, `cat .env | wc -l`), or output
//! sent to `/dev/null`.
//!
//! It owns the questions "which protected names does this command print?" and "does
//! its output reach the model?". It must not decide what a consumer does with names:
//! `nested` (xargs), `reads` and the dispatcher ask it.

use super::Run;
use crate::agent::Decision;
use crate::agent::paths::{Scope, has_glob};
use crate::agent::shell::lexer::{SUB, Simple};
use crate::agent::shell::words::{COPIERS, SAFE_WITH_FILES, is_assignment, program};
use std::path::Path;

/// How many names of one listing are kept.
const MAX_NAMES: usize = 64;

/// Largest list file read for names.
const MAX_LIST_BYTES: u64 = 64 * 1024;

/// Options whose value is a file holding a list of file names, by program (`*`: any).
const LIST_OPTIONS: &[(&str, &str)] = &[
    ("xargs", "-a"),
    ("xargs", "--arg-file"),
    ("file", "-f"),
    ("file", "--files-from"),
    ("tar", "-T"),
    ("tar", "--files-from"),
    ("rsync", "--files-from"),
    ("zip", "-@"),
    ("*", "--files0-from"),
];

/// Stages that pass names through (perhaps fewer of them) without reading the files.
const PASS_THROUGH: &[&str] =
    &["sort", "uniq", "head", "tail", "sed", "awk", "gawk", "cut", "tr", "tee", "cat", "nl", "column", "tac"];

/// Whether `pattern` (a grep pattern; `fixed` for `-F`, `icase` for `-i`) matches `name`.
/// A pattern that does not compile matches everything: it cannot be ruled out.
pub(super) fn grep_matches(pattern: &str, name: &str, fixed: bool, icase: bool) -> bool {
    if fixed {
        return if icase {
            name.to_ascii_lowercase().contains(&pattern.to_ascii_lowercase())
        } else {
            name.contains(pattern)
        };
    }
    // Basic regular expressions spell alternation and groups with a backslash.
    let ere = pattern.replace("\\|", "|").replace("\\(", "(").replace("\\)", ")");
    regex::RegexBuilder::new(&ere)
        .case_insensitive(icase)
        .size_limit(1 << 16)
        .build()
        .map_or(true, |re| re.is_match(name))
}

impl Run<'_> {
    /// The protected names `words` (one simple command, cleaned) print as a listing.
    pub(super) fn listing(&self, words: &[String], cwd: &Path) -> Vec<String> {
        let name = program(&words[0]);
        let args = &words[1..];
        let short =
            |c: char| args.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains(c));
        let long = |l: &str| args.iter().any(|a| a == l);
        let operands: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let mut out = Vec::new();
        match name.as_str() {
            "ls" | "ll" | "la" | "dir" | "vdir" | "exa" | "eza" | "tree" => {
                let hidden =
                    name == "la" || short('a') || short('A') || long("--all") || long("--almost-all");
                let recursive = name == "tree" || short('R') || long("--recursive");
                let roots: Vec<String> = if operands.is_empty() {
                    vec![".".into()]
                } else {
                    operands.iter().map(|s| s.to_string()).collect()
                };
                for r in &roots {
                    let abs = self.guard.absolute(r, cwd);
                    if !abs.is_dir() {
                        // Named files are listed whatever their name.
                        out.extend(self.reads(r, cwd).map(|_| r.clone()));
                    } else if recursive {
                        let scope = Scope { hidden, ..Scope::default() };
                        out.extend(self.guard.listed_env_files(r, cwd, &scope));
                    } else if hidden {
                        out.extend(self.guard.env_files_in(&abs));
                    }
                }
            }
            "find" => {
                let mut roots = Vec::new();
                let mut include = Vec::new();
                let mut i = 0;
                while i < args.len() && !args[i].starts_with('-') && args[i] != "(" && args[i] != "!" {
                    roots.push(args[i].clone());
                    i += 1;
                }
                let mut filtered = false;
                while i < args.len() {
                    match args[i].as_str() {
                        "-name" | "-iname" | "-path" | "-ipath" | "-wholename" => {
                            if let Some(v) = args.get(i + 1) {
                                include.push(v.rsplit('/').next().unwrap_or(v).to_owned());
                            }
                            i += 1;
                        }
                        // A name filter tkx does not evaluate: only an explicit mention counts.
                        "-regex" | "-iregex" => {
                            filtered |= !args.get(i + 1).is_some_and(|v| v.contains("env"));
                            i += 1;
                        }
                        _ => {}
                    }
                    i += 1;
                }
                if filtered {
                    return out;
                }
                if roots.is_empty() {
                    roots.push(".".into());
                }
                let scope = Scope { hidden: true, include, ..Scope::default() };
                for r in &roots {
                    out.extend(self.guard.listed_env_files(r, cwd, &scope));
                }
            }
            "fd" | "fdfind" => {
                let unrestricted = short('u') || long("--unrestricted");
                let scope = Scope {
                    hidden: short('H') || long("--hidden") || unrestricted,
                    honors_gitignore: !(short('I') || long("--no-ignore") || unrestricted),
                    ..Scope::default()
                };
                let pattern = operands.first().map(|s| s.as_str()).unwrap_or("");
                let roots: Vec<String> = operands.iter().skip(1).map(|s| s.to_string()).collect();
                let roots = if roots.is_empty() { vec![".".to_owned()] } else { roots };
                for r in &roots {
                    out.extend(
                        self.guard.listed_env_files(r, cwd, &scope).into_iter().filter(|n| {
                            grep_matches(pattern, n.rsplit('/').next().unwrap_or(n), false, false)
                        }),
                    );
                }
            }
            "rg" | "ugrep" | "ug" if long("--files") => {
                if let Some(Ok(s)) = self.search_args(&name, words, cwd) {
                    let roots = if s.operands.is_empty() { vec![".".to_owned()] } else { s.operands };
                    for r in &roots {
                        out.extend(self.guard.listed_env_files(r, cwd, &s.scope));
                    }
                }
            }
            // `git status --porcelain`: untracked files by name, ignored ones too with `--ignored`.
            "git" if args.first().is_some_and(|a| a == "status") => {
                let scope = Scope { hidden: true, honors_gitignore: !long("--ignored"), ..Scope::default() };
                out.extend(self.guard.listed_env_files(".", cwd, &scope));
            }
            "git" if args.first().is_some_and(|a| a == "ls-files") => {
                let others = short('o') || long("--others");
                let ignored = short('i') || long("--ignored");
                let standard = long("--exclude-standard") || args.iter().any(|a| a.starts_with("--exclude"));
                if others && (ignored || !standard) {
                    let scope = Scope { hidden: true, ..Scope::default() };
                    out.extend(self.guard.listed_env_files(".", cwd, &scope));
                } else if others {
                    let scope = Scope { hidden: true, honors_gitignore: true, ..Scope::default() };
                    out.extend(self.guard.listed_env_files(".", cwd, &scope));
                }
            }
            "echo" | "printf" | "print" => {
                for a in operands {
                    if has_glob(a) {
                        out.extend(self.guard.glob_hits(a, cwd));
                    } else if self.guard.protected(a, cwd).is_some() {
                        out.push(a.clone());
                    }
                }
            }
            _ => {}
        }
        out.truncate(MAX_NAMES);
        out
    }

    /// The protected names a command prints: a listing's, or the names reaching a filter
    /// stage that it lets through.
    pub(super) fn printed_names(&self, cmd: &Simple, cwd: &Path) -> Vec<String> {
        let words = self.plain_words(cmd);
        let Some(first) = words.first() else { return Vec::new() };
        let name = program(first);
        if name == "grep" || name == "egrep" || name == "fgrep" {
            let args = &words[1..];
            let flag =
                |c: char| args.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains(c));
            let pattern = match args.iter().position(|a| a == "-e") {
                Some(i) => args.get(i + 1),
                None => args.iter().find(|a| !a.starts_with('-')),
            };
            let (fixed, icase, invert) = (flag('F') || name == "fgrep", flag('i'), flag('v'));
            // A grep with file operands reads them; it does not filter its input.
            let Some(pattern) = pattern else { return Vec::new() };
            return self
                .piped_names(cmd, cwd)
                .into_iter()
                .filter(|n| grep_matches(pattern, n, fixed, icase) != invert)
                .collect();
        }
        if PASS_THROUGH.contains(&name.as_str()) {
            // `cat .gitignore | xargs cat`: a file's lines are names too.
            let mut out: Vec<String> = words[1..]
                .iter()
                .filter(|a| !a.starts_with('-'))
                .filter_map(|f| self.list_file_names(f, cwd))
                .collect();
            if words.len() <= 4 {
                out.extend(self.piped_names(cmd, cwd));
            }
            return out;
        }
        self.listing(&words, cwd)
    }

    /// A command's words, cleaned, without its redirections (`> /tmp/list`).
    fn plain_words(&self, cmd: &Simple) -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        let mut it = cmd.words.iter();
        while let Some(w) = it.next() {
            match w.strip_prefix(super::OP) {
                // The target: a file, or a descriptor (`>&2`).
                Some(_) => {
                    it.next();
                }
                None => words.push(self.clean(w)),
            }
        }
        words
    }

    /// Whether what `cmd` prints never reaches the model whole: its standard output goes
    /// to `/dev/null`, or a later stage of its pipeline keeps only names, counts or
    /// digests (`| wc -l`, `| grep -c`, `| cut -d= -f1`, `| awk -F= '{print $1}'`,
    /// `| sed 's/=.*//'`, `| sha256sum`), after any stages that only pass lines on.
    /// A copy (`cp .env /tmp`) is never reduced: its harm is the file it writes.
    pub(super) fn output_reduced(&self, cmd: &Simple) -> bool {
        let first = cmd.words.iter().find(|w| !w.starts_with(super::OP) && !is_assignment(w));
        if first.is_some_and(|w| COPIERS.contains(&program(&self.clean(w)).as_str())) {
            return false;
        }
        let mut it = cmd.words.iter();
        while let Some(w) = it.next() {
            if let Some(op) = w.strip_prefix(super::OP) {
                if !op.contains('>') {
                    continue;
                }
                let target = it.next().map(|t| self.clean(t)).unwrap_or_default();
                // `>&2`, `1>&2`: standard output goes where the model reads it, past the
                // pipe. `2>&1` only joins the errors to the pipe.
                if op.ends_with('&') && op.len() > 1 {
                    if op.starts_with('2') {
                        continue;
                    }
                    return false;
                }
                if target == "/dev/null" && matches!(op, ">" | "1>" | ">|" | "&>" | ">>" | "1>>" | "&>>") {
                    return true;
                }
                if target.starts_with('&') && !op.starts_with('2') {
                    return false;
                }
            }
        }
        let mut stage = cmd.stage + 1;
        while let Some(next) =
            self.parsed.commands.iter().find(|c| c.pipeline == cmd.pipeline && c.stage == stage)
        {
            let words = self.plain_words(next);
            let Some(first) = words.first() else { return false };
            let name = program(first);
            let args = &words[1..];
            let has = |w: &str| args.iter().any(|a| a == w);
            let compact = |a: &String| a.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            let field_one =
                has("-f1") || args.windows(2).any(|w| w[0] == "-f" && w[1] == "1") || has("--fields=1");
            let on_equals =
                has("-d=") || args.windows(2).any(|w| w[0] == "-d" && w[1] == "=") || has("--delimiter==");
            let reduces = match name.as_str() {
                "wc" | "md5sum" | "sha1sum" | "sha256sum" | "sha512sum" | "b2sum" | "cksum" | "shasum" => {
                    true
                }
                "cut" => field_one && on_equals,
                "awk" | "gawk" | "mawk" => {
                    let equals = has("-F=") || args.windows(2).any(|w| w[0] == "-F" && w[1] == "=");
                    args.iter().map(compact).any(|p| (equals && p == "{print$1}") || p == "END{printNR}")
                }
                "sed" => args.iter().map(compact).any(|p| p == "s/=.*//" || p == "s/=.*$//"),
                _ => super::search::presence_only(&name, &words),
            };
            if reduces {
                return true;
            }
            let passes =
                matches!(name.as_str(), "sort" | "uniq" | "head" | "tail" | "tac" | "grep" | "egrep" | "rg");
            if !passes {
                return false;
            }
            stage += 1;
        }
        false
    }

    /// The protected names reaching `cmd` on its standard input, from the stages before
    /// it in its pipeline.
    pub(super) fn piped_names(&self, cmd: &Simple, cwd: &Path) -> Vec<String> {
        if cmd.stage == 0 {
            return Vec::new();
        }
        self.parsed
            .commands
            .iter()
            .find(|c| c.pipeline == cmd.pipeline && c.stage + 1 == cmd.stage)
            .map(|prev| self.printed_names(prev, cwd))
            .unwrap_or_default()
    }

    /// The protected names the substitutions in `w` print (`$(ls -a)`, backticks).
    pub(super) fn substituted_names(&self, w: &str, cwd: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for (k, part) in w.split(SUB).enumerate() {
            if k % 2 == 0 {
                continue;
            }
            let Some(cmds) = part.parse::<usize>().ok().and_then(|i| self.parsed.subs.get(i)) else {
                continue;
            };
            // The last stage of each pipeline in the substitution prints.
            for &ci in cmds {
                let Some(c) = self.parsed.commands.get(ci) else { continue };
                let last =
                    !self.parsed.commands.iter().any(|o| o.pipeline == c.pipeline && o.stage > c.stage);
                if last {
                    out.extend(self.printed_names(c, cwd));
                }
            }
        }
        out
    }

    /// A file that holds a list of names: one written earlier on the line from a listing,
    /// or an existing file (read up to 64 KiB). The first protected name in it.
    fn list_file_names(&self, file: &str, cwd: &Path) -> Option<String> {
        let abs = self.guard.absolute(file, cwd);
        if let Some(hit) = self.lists.get(&abs) {
            return Some(hit.clone());
        }
        let f = std::fs::File::open(&abs).ok()?;
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_LIST_BYTES), &mut text).ok()?;
        String::from_utf8_lossy(&text)
            .split(['\n', '\0'])
            .map(str::trim)
            .find(|n| !n.is_empty() && self.guard.protected(n, cwd).is_some())
            .map(str::to_owned)
    }

    /// Options that read a list of file names from a file (`xargs -a`, `file -f`,
    /// `--files0-from`, `tar -T`): the list itself an env file (its lines become
    /// arguments, printed back in errors), or a list naming one, for a program that reads
    /// the files. `None`: no such option.
    pub(super) fn file_lists(&self, name: &str, words: &[String], cwd: &Path) -> Option<Decision> {
        for (i, w) in words.iter().enumerate().skip(1) {
            for (prog, opt) in LIST_OPTIONS {
                if *prog != "*" && *prog != name {
                    continue;
                }
                let value = if w == opt {
                    words.get(i + 1).cloned()
                } else {
                    w.strip_prefix(&format!("{opt}=")).map(str::to_owned)
                };
                let Some(value) = value else { continue };
                if let Some(hit) = self.reads(&value, cwd) {
                    return Some(Decision::file(format!("`{name} {opt}` reads {hit} and prints its lines")));
                }
                if let Some(hit) = self.list_file_names(&value, cwd) {
                    if !SAFE_WITH_FILES.contains(&name) {
                        return Some(Decision::file(format!(
                            "`{name} {opt} {value}` reads {hit}, which the list names"
                        )));
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::grep_matches;

    #[test]
    fn grep_patterns_filter_names_as_grep_would() {
        assert!(grep_matches("env", ".env", false, false));
        assert!(grep_matches("^\\.env", ".env.local", false, false));
        assert!(!grep_matches("\\.rs$", ".env", false, false));
        assert!(grep_matches("ENV", ".env", false, true));
        assert!(!grep_matches("ENV", ".env", true, false));
        assert!(grep_matches("rs\\|env", ".env", false, false));
        // Not a pattern tkx can evaluate: it cannot be ruled out.
        assert!(grep_matches("(", ".env", false, false));
    }
}
