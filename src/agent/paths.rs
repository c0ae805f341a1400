//! Is this path an env file or a store? And would this search read one?
//!
//! A path is judged as written (after `~`, `..` and the working directory) and, when it
//! exists, as its canonical target, so a symlink named `notes.txt` that points at `.env`
//! is caught, and so is `.ENV` on a case-insensitive file system. Example files
//! (`.env.example`, `.env.sample`, …) are never protected: agents need them to learn
//! the key names.

use super::{Guard, walk};
use crate::envfile::names::{is_env_name, is_example_name};
use std::path::{Component, Path, PathBuf};

/// `path` with `.` and `..` resolved lexically (no file system access).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Credential files in the home directory that hold tokens or passwords in plain text:
/// git's and curl's, the AWS CLI's, PyPI's, npm's, Docker's, GitHub CLI's, kubectl's.
pub const CREDENTIAL_FILES: &[&str] = &[
    ".git-credentials",
    ".netrc",
    ".aws/credentials",
    ".pypirc",
    ".npmrc",
    ".docker/config.json",
    ".config/gh/hosts.yml",
    ".kube/config",
];

/// Whether a file name is an env file tkx would load (any letter case), not an example.
pub fn is_protected_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_env_name(&lower) && !is_example_name(&lower)
}

/// What a search may look at.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Files git ignores are skipped (ripgrep, Claude Code's Grep tool).
    pub honors_gitignore: bool,
    /// Hidden files (`.env` is one) are searched.
    pub hidden: bool,
    /// Only files whose name matches one of these globs (`--include`, `-g`, `glob`).
    pub include: Vec<String>,
    /// Files whose name matches one of these are skipped (`--exclude`, `-g '!…'`).
    pub exclude: Vec<String>,
    /// Directories whose name matches one of these are skipped (`--exclude-dir`).
    pub exclude_dirs: Vec<String>,
    /// Symbolic links to directories are followed (`grep -R`, `rg -L`).
    pub follow_links: bool,
}

impl Guard {
    /// `raw` as an absolute, lexically normalized path: `~` and `$HOME` expanded,
    /// `file://` stripped, relative to `base`.
    pub fn absolute(&self, raw: &str, base: &Path) -> PathBuf {
        normalize(&self.joined(raw, base))
    }

    /// `raw` relative to `base`, with `~` and `$HOME` expanded and `file://` stripped, but
    /// `.` and `..` left for the kernel to resolve.
    fn joined(&self, raw: &str, base: &Path) -> PathBuf {
        let raw = raw.strip_prefix("file://").unwrap_or(raw);
        let expanded = match (&self.home, raw) {
            (Some(h), "~") => h.clone(),
            (Some(h), r) if r.starts_with("~/") => h.join(&r[2..]),
            (Some(h), r) if r.starts_with("$HOME/") => h.join(&r[6..]),
            (Some(h), r) if r.starts_with("${HOME}/") => h.join(&r[8..]),
            _ => PathBuf::from(raw),
        };
        base.join(expanded)
    }

    /// Why reading `raw` (relative to `base`) would expose secrets: the path as shown in
    /// the denial, or `None` when it is safe.
    pub fn protected(&self, raw: &str, base: &Path) -> Option<String> {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > 4096 || raw.contains('\0') {
            return None;
        }
        let abs = self.absolute(raw, base);
        if self.protected_path(&abs) {
            return Some(raw.to_owned());
        }
        // Through symlinks: where the bytes really are.
        if let Ok(real) = abs.canonicalize() {
            if real != abs && self.protected_path(&real) {
                return Some(format!("{raw} (a link to {})", real.display()));
            }
        }
        None
    }

    /// Whether an absolute, normalized path is an env file, a store, a process's
    /// environment or tkx's cache.
    fn protected_path(&self, abs: &Path) -> bool {
        if abs.file_name().and_then(|n| n.to_str()).is_some_and(is_protected_name) {
            return true;
        }
        // The user's credential files (`~/.netrc`, `~/.aws/credentials`, …).
        if let Some(rel) = self.home.as_ref().and_then(|h| abs.strip_prefix(h).ok()) {
            if CREDENTIAL_FILES.iter().any(|c| rel == Path::new(c)) {
                return true;
            }
        }
        if is_proc_environ(abs) {
            return true;
        }
        // tkx's walk records: an agent that could write one could hide an env file.
        if self.cache_dir.as_ref().is_some_and(|c| abs.starts_with(c)) {
            return true;
        }
        self.in_store(abs)
    }

    /// Whether `abs` is the user file, a private store or inside `$TKX_DIR/projects`.
    pub fn in_store(&self, abs: &Path) -> bool {
        let lower = |p: &Path| p.to_string_lossy().to_ascii_lowercase();
        let a = lower(abs);
        self.tkx_dirs.iter().any(|d| {
            let d = lower(d);
            a == format!("{d}/.env")
                || a == format!("{d}/projects")
                || a.starts_with(&format!("{d}/projects/"))
        })
    }

    /// Whether a directory holds a store (so a recursive search of it would reach one).
    fn holds_store(&self, dir: &Path) -> Option<PathBuf> {
        let lower = |p: &Path| p.to_string_lossy().to_ascii_lowercase();
        let d = lower(dir);
        self.tkx_dirs.iter().find_map(|t| {
            let tl = lower(t);
            let inside = tl == d || tl.starts_with(&format!("{}/", d.trim_end_matches('/')));
            (inside && (t.join(".env").exists() || t.join("projects").exists())).then(|| t.clone())
        })
    }

    /// Whether a search of `root` (a file or a directory, relative to `base`) with
    /// `scope` would read an env file or a store: the file it would read, or `None`.
    pub fn search_reads(&self, root: &str, base: &Path, scope: &Scope) -> Option<String> {
        // The directory the search tool will read: the kernel resolves `..` after
        // following links (`sub/link/..` is the parent of the link's target).
        let lexical = self.absolute(root, base);
        let abs = self.joined(root, base).canonicalize().unwrap_or_else(|_| lexical.clone());
        let meta = std::fs::metadata(&abs).ok()?;
        if !meta.is_dir() {
            return self.protected(root, base).filter(|_| name_filter(scope, &lexical));
        }
        if self.in_store(&abs) {
            return Some(root.to_owned());
        }
        if let Some(store) = self.holds_store(&abs) {
            // A search above $TKX_DIR reaches the stores unless it skips hidden
            // directories and the store sits under one (~/.config/tkx).
            let rel = store.strip_prefix(&abs).unwrap_or(&store);
            let under_hidden =
                rel.components().any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.')));
            if scope.hidden || !under_hidden {
                return Some(format!("{} (holds tkx's stores)", root));
            }
        }
        if !scope.hidden {
            // Every env file is a dot file: a search that skips hidden files never reads one.
            return None;
        }
        if !scope.include.is_empty() && !scope.include.iter().any(|g| glob_may_match_env(g)) {
            return None;
        }
        self.walk_for_env(&abs, scope).map(|p| {
            let shown = p.strip_prefix(base).map(|r| r.display().to_string());
            shown.unwrap_or_else(|_| p.display().to_string())
        })
    }

    /// Every env file (at most 64) that a listing of `root` (relative to `base`) with
    /// `scope` shows: `root` itself when it is a store or holds one, else the env files
    /// under it, as paths relative to `base` when they are under it.
    pub fn listed_env_files(&self, root: &str, base: &Path, scope: &Scope) -> Vec<String> {
        let lexical = self.absolute(root, base);
        let abs = self.joined(root, base).canonicalize().unwrap_or_else(|_| lexical.clone());
        let Ok(meta) = std::fs::metadata(&abs) else { return Vec::new() };
        if !meta.is_dir() {
            return self.protected(root, base).filter(|_| name_filter(scope, &lexical)).into_iter().collect();
        }
        if self.in_store(&abs) || (scope.hidden && self.holds_store(&abs).is_some()) {
            return vec![root.to_owned()];
        }
        if !scope.hidden {
            return Vec::new();
        }
        // A walk that honours ignore files finds every candidate; git's rules apply after.
        let all = Scope { honors_gitignore: true, ..scope.clone() };
        let walk::Walked { candidates, capped } = walk::env_files(&abs, &all, self.cache_dir.as_deref());
        if capped {
            return vec![format!("{root}/…")];
        }
        let git_root = abs.ancestors().find(|a| a.join(".git").exists());
        let mut out: Vec<String> = candidates
            .into_iter()
            .filter(|p| name_filter(scope, p))
            .filter(|p| !scope.honors_gitignore || git_root.is_none_or(|r| !gitignored(r, p)))
            .map(|p| {
                p.strip_prefix(base).map_or_else(|_| p.display().to_string(), |r| r.display().to_string())
            })
            .collect();
        out.sort();
        out.truncate(64);
        out
    }

    /// The env files and stores directly in `dir`, by name, as `ls -a` prints them.
    pub fn env_files_in(&self, dir: &Path) -> Vec<String> {
        let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
        rd.flatten()
            .take(5000)
            .filter(|e| self.protected_path(&e.path()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .take(64)
            .collect()
    }

    /// The first env file under `dir` that a search with `scope` would read.
    ///
    /// A directory walk that remembers what it saw ([`walk`]) finds the env files; only
    /// those few are then checked against git's ignore rules, when the search honours
    /// them. This keeps a whole-project search within the hook's time budget.
    fn walk_for_env(&self, dir: &Path, scope: &Scope) -> Option<PathBuf> {
        let walk::Walked { mut candidates, capped } = walk::env_files(dir, scope, self.cache_dir.as_deref());
        if capped {
            return Some(dir.join("…"));
        }
        if !scope.honors_gitignore {
            candidates.sort();
            return candidates.into_iter().next();
        }
        if candidates.is_empty() {
            return None;
        }
        candidates.sort();
        // ripgrep honours .gitignore only inside a git repository (a `.git` above).
        let Some(root) = dir.ancestors().find(|a| a.join(".git").exists()) else {
            return candidates.into_iter().next();
        };
        candidates.into_iter().find(|p| !gitignored(root, p))
    }

    /// The first protected file that a shell glob (`.env*`, `*/.env`, `config/.e?v`)
    /// expands to, relative to `base`.
    pub fn glob_hits(&self, pattern: &str, base: &Path) -> Option<String> {
        let abs = self.absolute(pattern, base);
        let mut current: Vec<PathBuf> = vec![PathBuf::from("/")];
        let comps: Vec<String> = abs
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        let mut budget = 5000usize;
        for comp in &comps {
            let mut next = Vec::new();
            if !has_glob(comp) {
                for c in &current {
                    next.push(c.join(comp));
                }
            } else {
                let Ok(m) = globset::GlobBuilder::new(comp).literal_separator(true).build() else {
                    return None;
                };
                let m = m.compile_matcher();
                for c in &current {
                    let Ok(rd) = std::fs::read_dir(c) else { continue };
                    for e in rd.flatten() {
                        budget = budget.checked_sub(1)?;
                        let name = e.file_name().to_string_lossy().into_owned();
                        // A shell's `*` does not match a leading dot.
                        if name.starts_with('.') && !comp.starts_with('.') {
                            continue;
                        }
                        if m.is_match(&name) {
                            next.push(c.join(&name));
                        }
                    }
                }
            }
            current = next;
            if current.is_empty() {
                return None;
            }
        }
        current.iter().find(|p| p.exists() && self.protected(&p.to_string_lossy(), base).is_some()).map(|p| {
            p.strip_prefix(base).map_or_else(|_| p.display().to_string(), |r| r.display().to_string())
        })
    }
}

/// Whether git's ignore files (`.gitignore` from the file's directory up to the
/// repository root, then `.git/info/exclude`) ignore `path`: the deepest match wins, as
/// ripgrep and git decide.
fn gitignored(root: &Path, path: &Path) -> bool {
    let mut files: Vec<PathBuf> =
        path.ancestors().skip(1).take_while(|d| d.starts_with(root)).map(|d| d.join(".gitignore")).collect();
    files.push(root.join(".git/info/exclude"));
    for f in files {
        if !f.exists() {
            continue;
        }
        let base = if f.ends_with("info/exclude") {
            root.to_path_buf()
        } else {
            f.parent().map_or_else(|| root.to_path_buf(), Path::to_path_buf)
        };
        let mut b = ignore::gitignore::GitignoreBuilder::new(&base);
        if b.add(&f).is_some() {
            continue;
        }
        let Ok(gi) = b.build() else { continue };
        match gi.matched_path_or_any_parents(path, false) {
            ignore::Match::Ignore(_) => return true,
            ignore::Match::Whitelist(_) => return false,
            ignore::Match::None => {}
        }
    }
    false
}

/// Whether `s` holds shell glob characters.
pub fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// `/proc/<pid>/environ`, `/proc/self/environ`, `/proc/<pid>/task/<tid>/environ`.
fn is_proc_environ(p: &Path) -> bool {
    p.starts_with("/proc") && p.file_name().is_some_and(|n| n == "environ")
}

/// Whether the name filters of `scope` let `path`'s file name through.
pub(super) fn name_filter(scope: &Scope, path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if scope.exclude.iter().any(|g| glob_matches(g, &name)) {
        return false;
    }
    scope.include.is_empty() || scope.include.iter().any(|g| glob_matches(g, &name))
}

/// Whether a glob (ripgrep/grep style: matched against the name when it has no `/`)
/// matches `name`. A glob that does not compile matches nothing.
pub fn glob_matches(glob: &str, name: &str) -> bool {
    let g = glob.rsplit('/').next().unwrap_or(glob);
    let g = g.strip_prefix("**/").unwrap_or(g);
    globset::GlobBuilder::new(g)
        .case_insensitive(true)
        .build()
        .map(|g| g.compile_matcher().is_match(name))
        .unwrap_or(false)
}

/// Names that stand for the env files a glob might reach.
const SAMPLE_ENV_NAMES: &[&str] = &[
    ".env",
    ".env.local",
    ".env.production",
    ".env.development",
    ".env.test",
    ".env.staging",
    ".env.dev.local",
];

/// Whether a glob could match an env file's name.
pub fn glob_may_match_env(glob: &str) -> bool {
    SAMPLE_ENV_NAMES.iter().any(|n| glob_matches(glob, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::testing::Fixture;

    #[test]
    fn env_files_at_any_depth_in_any_case_but_not_examples() {
        let f = Fixture::new();
        let g = f.guard();
        let p = f.project();
        for raw in [
            ".env",
            "./.env",
            "services/api/.env.local",
            ".ENV",
            ".Env.Production",
            "src/../.env",
            "/tmp/x/.env",
        ] {
            assert!(g.protected(raw, &p).is_some(), "{raw}");
        }
        for raw in [".env.example", ".env.sample", "src/main.rs", ".envrc", "env.txt", "docs", "README.md"] {
            assert!(g.protected(raw, &p).is_none(), "{raw}");
        }
    }

    #[test]
    fn stores_absolute_home_and_proc() {
        let f = Fixture::new();
        let g = f.guard();
        let p = f.project();
        let user = f.root.join("tkx/.env");
        assert!(g.protected(&user.to_string_lossy(), &p).is_some());
        assert!(g.protected("../tkx/projects/p-1234/.env", &p).is_some());
        assert!(g.protected("../tkx/projects/p-1234/notes", &p).is_some());
        assert!(g.protected("../tkx/rotations.json", &p).is_none());
        assert!(g.protected("/proc/self/environ", &p).is_some());
        assert!(g.protected("/proc/1234/environ", &p).is_some());
        assert!(g.protected("/proc/cpuinfo", &p).is_none());
        assert!(g.protected("~/.cache/tkx/walk-0123456789abcdef", &p).is_some());
        assert!(g.protected("~/.cache/pip/x", &p).is_none());
        std::fs::create_dir_all(f.root.join("home/.ssh")).unwrap();
        assert!(g.protected("~/.env", &p).is_some());
    }

    #[test]
    fn symlinks_are_followed() {
        let f = Fixture::new();
        let g = f.guard();
        let p = f.project();
        std::os::unix::fs::symlink(p.join(".env"), p.join("docs/notes.txt")).unwrap();
        std::os::unix::fs::symlink(f.root.join("tkx"), p.join("cfg")).unwrap();
        assert!(g.protected("docs/notes.txt", &p).unwrap().contains("a link to"));
        assert!(g.protected("cfg/.env", &p).is_some());
        assert!(g.protected("docs/notes.md", &p).is_none());
    }

    #[test]
    fn search_scopes() {
        let f = Fixture::new();
        let g = f.guard();
        let p = f.project();
        let grep_r = Scope { hidden: true, ..Scope::default() };
        assert!(g.search_reads(".", &p, &grep_r).is_some());
        assert!(g.search_reads("src", &p, &grep_r).is_none());
        assert!(g.search_reads("services", &p, &grep_r).is_some());
        let rs_only = Scope { hidden: true, include: vec!["*.rs".into()], ..Scope::default() };
        assert!(g.search_reads(".", &p, &rs_only).is_none());
        let no_env = Scope { hidden: true, exclude: vec![".env*".into()], ..Scope::default() };
        assert!(g.search_reads(".", &p, &no_env).is_none());
        let rg = Scope { honors_gitignore: true, ..Scope::default() };
        assert!(g.search_reads(".", &p, &rg).is_none(), "ripgrep skips hidden files");
        assert!(g.search_reads("..", &p, &grep_r).is_some(), "reaches the stores");
    }

    #[test]
    fn gitignored_env_files_are_skipped_by_searches_that_honour_it() {
        let f = Fixture::new();
        let p = f.project();
        std::fs::create_dir(p.join(".git")).unwrap();
        std::fs::write(p.join(".gitignore"), ".env\n.env.*\n!.env.example\n").unwrap();
        let g = f.guard();
        let claude_grep = Scope { honors_gitignore: true, hidden: true, ..Scope::default() };
        assert!(g.search_reads(".", &p, &claude_grep).is_none());
        std::fs::write(p.join(".gitignore"), "target/\n").unwrap();
        assert!(g.search_reads(".", &p, &claude_grep).is_some());
    }

    #[test]
    fn shell_globs() {
        let f = Fixture::new();
        let g = f.guard();
        let p = f.project();
        assert!(g.glob_hits(".env*", &p).is_some());
        assert!(g.glob_hits("*/api/.env*", &p).is_some());
        assert!(g.glob_hits(".env.ex*", &p).is_none());
        assert!(g.glob_hits("*", &p).is_none(), "`*` skips dot files");
        assert!(g.glob_hits("src/*.rs", &p).is_none());
    }
}
