//! Searches: recursive `grep`, `rg`, `ag`, `ack`, `ugrep` (whether the walk would read
//! an env file, given its flags, globs, types and ignore files) and `find … -exec`.
//! `git grep` is judged with git in `tools`.
//!
//! It owns the denials that say "this search reads …". It must not judge a single
//! file argument of a non-recursive command (that is `reads`).

use super::Run;
use crate::agent::Decision;
use crate::agent::paths::{Scope, glob_may_match_env, has_glob};
use crate::agent::shell::words::{SAFE_WITH_FILES, program};
use std::path::Path;

/// Whether a grep-like search prints only which files match, how often, or nothing
/// (`-q`, `-l`, `-L`, `-c` and their long names): a presence check, which never puts a
/// value in front of the model.
pub(super) fn presence_only(name: &str, words: &[String]) -> bool {
    let grep_like = matches!(
        name,
        "grep" | "egrep" | "fgrep" | "zgrep" | "ggrep" | "rg" | "ag" | "ack" | "pt" | "ugrep" | "ug"
    );
    grep_like
        && words[1..].iter().any(|a| {
            matches!(
                a.as_str(),
                "--quiet" | "--silent" | "--files-with-matches" | "--files-without-match" | "--count"
            ) || (a.starts_with('-')
                && !a.starts_with("--")
                && a[1..].chars().all(|c| c.is_ascii_alphabetic())
                && a[1..].chars().any(|c| matches!(c, 'q' | 'l' | 'L' | 'c'))
                // `rg -L` follows links; `rg`/`ag` `-c` counts: only grep's and rg's letters.
                && !(matches!(name, "rg" | "ag") && a == "-L"))
        })
}

/// What a search's words say: where it walks, with which filters, and what it prints.
pub(super) struct SearchArgs {
    /// The walk's filters.
    pub scope: Scope,
    /// Files and directories searched (the pattern removed).
    pub operands: Vec<String>,
    /// Whether it walks directories (`grep` only with `-r`).
    pub recursive: bool,
    /// Whether it prints file names only (`rg --files`).
    pub files_only: bool,
    /// The patterns searched for, when the words give them all (not `-f FILE`).
    pub patterns: Option<Vec<String>>,
    /// `-F`, `-i`, `-w`, `-v`.
    pub fixed: bool,
    /// Case-insensitive.
    pub icase: bool,
    /// Whole words only.
    pub word: bool,
    /// Lines that do not match are printed.
    pub invert: bool,
    /// The patterns are basic regular expressions (grep without `-E`, `-P` or `-F`).
    pub basic: bool,
}

impl Run<'_> {
    /// `grep -r`, `rg`, `ag`, `ack`: would the search read an env file? A non-recursive
    /// grep reads its operands, never its pattern (`grep '.env' .gitignore`).
    pub(super) fn search(&self, name: &str, words: &[String], cwd: &Path) -> Option<Decision> {
        if presence_only(name, words) {
            return Some(Decision::Allow);
        }
        let args = match self.search_args(name, words, cwd)? {
            Ok(a) => a,
            Err(d) => return Some(d),
        };
        let (scope, mut operands, recursive, files_only) =
            (args.scope.clone(), args.operands.clone(), args.recursive, args.files_only);
        if files_only {
            return Some(Decision::Allow);
        }
        if !recursive {
            return Some(
                operands
                    .iter()
                    .find_map(|op| self.reads(op, cwd))
                    .map_or(Decision::Allow, |hit| Decision::file(format!("`{name}` reads {hit}"))),
            );
        }
        if operands.is_empty() {
            operands.push(".".into());
        }
        for op in &operands {
            if let Some(hit) = self.guard.search_reads(op, cwd, &scope) {
                // It reads env files: it prints from them only the lines its pattern matches.
                let hits = self.guard.listed_env_files(op, cwd, &scope);
                let misses = !hits.is_empty() && hits.iter().all(|h| self.pattern_misses(&args, h, cwd));
                if !misses {
                    return Some(Decision::file(format!(
                        "this search reads {hit}, and its pattern matches a line there; narrow it (a directory, --include/-g '*.ext', or git-ignore the env files) or search .env.example"
                    )));
                }
            }
            if has_glob(op) {
                if let Some(hit) = self.guard.glob_hits(op, cwd) {
                    return Some(Decision::file(format!("this search reads {hit}")));
                }
            }
        }
        Some(Decision::Allow)
    }

    /// A search's flags, globs and operands. `None`: not a search tool; `Err`: its words
    /// settle it (`-f .env` reads patterns from an env file).
    pub(super) fn search_args(
        &self,
        name: &str,
        words: &[String],
        cwd: &Path,
    ) -> Option<Result<SearchArgs, Decision>> {
        let args = &words[1..];
        let mut scope = Scope::default();
        let mut operands: Vec<String> = Vec::new();
        let mut pattern_given = false;
        let mut files_only = false;
        let mut recursive = true;
        let mut patterns: Option<Vec<String>> = Some(Vec::new());
        let short =
            |c: char| args.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains(c));
        let long = |l: &str| args.iter().any(|a| a == l);
        let fixed = name == "fgrep" || short('F') || long("--fixed-strings");
        // ag matches case-insensitively a pattern without capitals; rg and ack with -S.
        let icase = short('i')
            || long("--ignore-case")
            || name == "ag"
            || (matches!(name, "rg" | "ack") && (short('S') || long("--smart-case")));
        let word = short('w') || long("--word-regexp");
        let invert = short('v') || long("--invert-match");
        let basic = matches!(name, "grep" | "zgrep" | "ggrep")
            && !(short('E')
                || short('P')
                || short('F')
                || long("--extended-regexp")
                || long("--perl-regexp"));
        // A pattern that may span lines, or lines cut at NUL: judged as matching.
        if short('U') || short('z') || long("--multiline") || long("--null-data") {
            patterns = None;
        }
        match name {
            "grep" | "egrep" | "fgrep" | "zgrep" | "ggrep" => {
                recursive = false;
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
                        match (a, args.get(i + 1), patterns.as_mut()) {
                            ("-e" | "--regexp", Some(v), Some(p)) => p.push(v.clone()),
                            _ => patterns = None,
                        }
                        if a == "-f" || a == "--file" {
                            if let Some(v) = args.get(i + 1) {
                                if let Some(hit) = self.reads(v, cwd) {
                                    return Some(Err(Decision::file(format!("`{name} -f` reads {hit}"))));
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
                            match (a.ends_with('e'), args.get(i + 1), patterns.as_mut()) {
                                (true, Some(v), Some(p)) => p.push(v.clone()),
                                _ => patterns = None,
                            }
                            i += 1;
                        }
                    } else {
                        operands.push(a.to_owned());
                    }
                    i += 1;
                }
                if !pattern_given && !operands.is_empty() {
                    let p = operands.remove(0);
                    if let Some(ps) = patterns.as_mut() {
                        ps.push(p);
                    }
                }
                scope.hidden = true;
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
                        // ag's `-u` is "unrestricted": hidden files too.
                        "-u" => {
                            scope.honors_gitignore = false;
                            scope.hidden |= name == "ag";
                        }
                        "-uu" | "-uuu" | "--unrestricted" => {
                            scope.hidden = true;
                            scope.honors_gitignore = false;
                        }
                        // File names only (`-l`, `-c` are presence checks, allowed above).
                        "--files" => files_only = true,
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
                            match (a, args.get(i + 1), patterns.as_mut()) {
                                ("-e" | "--regexp", Some(v), Some(p)) => p.push(v.clone()),
                                _ => patterns = None,
                            }
                            if a == "-f" || a == "--file" {
                                if let Some(hit) = args.get(i + 1).and_then(|v| self.reads(v, cwd)) {
                                    return Some(Err(Decision::file(format!("`{name} -f` reads {hit}"))));
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
                    let p = operands.remove(0);
                    if let Some(ps) = patterns.as_mut() {
                        ps.push(p);
                    }
                }
                // ripgrep (and ugrep) apply an include glob over every ignore rule, hidden
                // files included: `rg KEY -g '*.env'` reads a git-ignored `.env`.
                if matches!(name, "rg" | "ugrep" | "ug")
                    && scope.include.iter().any(|g| glob_may_match_env(g))
                {
                    scope.hidden = true;
                    scope.honors_gitignore = false;
                }
            }
            _ => return None,
        }
        // rg and ag are case-insensitive with `-S` (smart case) or `-i`; rg's `-F`.
        Some(Ok(SearchArgs {
            scope,
            operands,
            recursive,
            files_only,
            patterns,
            fixed,
            icase,
            word,
            invert,
            basic,
        }))
    }

    /// Whether a search with `args` prints no line of the protected file `hit` (relative
    /// to `cwd`): its patterns are known and none matches any line. A file it cannot read,
    /// a store, an inverted match or unknown patterns print something.
    fn pattern_misses(&self, args: &SearchArgs, hit: &str, cwd: &Path) -> bool {
        let Some(patterns) = args.patterns.as_ref().filter(|p| !p.is_empty()) else { return false };
        if args.invert {
            return false;
        }
        let path = self.guard.absolute(hit, cwd);
        if self.guard.in_store(&path) {
            return false;
        }
        let Ok(data) = crate::fsutil::read_regular(&path, 1 << 20) else { return false };
        let text = String::from_utf8_lossy(&data);
        let patterns: Vec<String> = if args.basic {
            patterns.iter().map(|p| Self::bre_to_ere(p)).collect()
        } else {
            patterns.clone()
        };
        let patterns = &patterns;
        let pats: Vec<String> =
            if args.word {
                patterns
                    .iter()
                    .map(|p| {
                        if args.fixed {
                            format!(r"\b{}\b", regex::escape(p))
                        } else {
                            format!(r"\b(?:{p})\b")
                        }
                    })
                    .collect()
            } else {
                patterns.clone()
            };
        let fixed = args.fixed && !args.word;
        !text
            .lines()
            .any(|line| pats.iter().any(|p| super::listings::grep_matches(p, line, fixed, args.icase)))
    }

    /// A basic regular expression (grep without `-E`) as an extended one: `\+ \? \| \( \)
    /// \{ \}` are the operators, and the bare characters are literals.
    fn bre_to_ere(p: &str) -> String {
        let mut out = String::with_capacity(p.len() + 8);
        let mut chars = p.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(n @ ('+' | '?' | '|' | '(' | ')' | '{' | '}')) => out.push(n),
                    Some(n) => {
                        out.push('\\');
                        out.push(n);
                    }
                    None => out.push_str("\\\\"),
                },
                '+' | '?' | '|' | '(' | ')' | '{' | '}' => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        out
    }

    /// `git grep` (after `git` and its own options): tracked files only, unless
    /// `--no-index` (the directory as files, git's ignore rules only with
    /// `--exclude-standard`) or `--untracked` (ignored files too with
    /// `--no-exclude-standard`). Hidden files are never skipped.
    pub(super) fn git_grep(&self, args: &[String], cwd: &Path) -> Option<Decision> {
        let mut no_index = false;
        let mut untracked = false;
        let mut exclude_standard = None;
        let mut pattern_given = false;
        let mut operands = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let a = self.clean(&args[i]);
            match a.as_str() {
                "--" => {
                    operands.extend(args[i + 1..].iter().map(|w| self.clean(w)));
                    break;
                }
                "--no-index" => no_index = true,
                "--untracked" => untracked = true,
                "--exclude-standard" => exclude_standard = Some(true),
                "--no-exclude-standard" => exclude_standard = Some(false),
                "-e" | "-f" => {
                    pattern_given = true;
                    i += 1;
                }
                "-A"
                | "-B"
                | "-C"
                | "-m"
                | "--max-count"
                | "--max-depth"
                | "--threads"
                | "-O"
                | "--open-files-in-pager" => i += 1,
                _ if a.starts_with('-') => {}
                _ => operands.push(a),
            }
            i += 1;
        }
        if !pattern_given && !operands.is_empty() {
            operands.remove(0);
        }
        let reads_ignored =
            (no_index && exclude_standard != Some(true)) || (untracked && exclude_standard == Some(false));
        if !reads_ignored {
            // Tracked files only: what git would show anyway (a tracked env file is named).
            return None;
        }
        let scope = Scope { hidden: true, honors_gitignore: false, ..Scope::default() };
        if operands.is_empty() {
            operands.push(".".into());
        }
        operands.iter().find_map(|op| {
            self.guard.search_reads(op, cwd, &scope).map(|hit| {
                Decision::file(format!(
                    "this `git grep` reads files git ignores, {hit} among them; drop --no-index/--no-exclude-standard or search .env.example"
                ))
            })
        })
    }

    /// `find … -exec CMD {}`: reads the files it finds when CMD reads files.
    pub(super) fn find(&self, words: &[String], cwd: &Path) -> Decision {
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
}
