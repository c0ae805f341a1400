//! Where the bytes come from, as one [`Source`], and the one function that scans any of
//! them: [`run`]. Files on disk (`paths`), the index and history (`git`), and the commits
//! of a push (`push`). A new source is a variant here and an arm of [`run`], built from
//! those pieces; the rules and filters never change for it. Nothing here prints or sees
//! clap types: commands turn flags (or git's hook protocol) into a [`Source`] and render
//! the [`Scanned`] that comes back.

pub mod git;
pub mod paths;
pub mod push;

use super::Note;
use super::setup::Setup;
use crate::error::Error;
use crate::report::{self, Finding};
use push::PushRef;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What to scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Files and directories on disk, relative to the working directory (none: all of it).
    /// Every given path must exist.
    Paths {
        /// The paths, as given.
        roots: Vec<PathBuf>,
        /// Also scan what git ignores.
        no_ignore: bool,
    },
    /// The staged changes: the index's content, added lines only.
    Staged,
    /// The lines every commit of a range added (`main..HEAD`); `None`: all of history.
    History(Option<String>),
    /// The files the pre-commit framework passes a hook: a staged one is judged by the
    /// lines the commit adds, any other (`pre-commit run --all-files`) whole, ignored or not.
    HookFiles(Vec<PathBuf>),
    /// The commits a push carries that the remote lacks.
    Push {
        /// The remote's name as git passed it to the hook (or its URL); `None` if not given.
        remote: Option<String>,
        /// The refs pushed, from the hook's stdin ([`push::parse`]).
        refs: Vec<PushRef>,
    },
}

impl Source {
    /// Whether the source is read from a git repository, which must then exist.
    pub fn needs_repo(&self) -> bool {
        matches!(self, Source::Staged | Source::History(_) | Source::Push { .. })
    }
}

/// Where and how a source is read.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// The directory tkx runs in: paths are given and reported relative to it, and the
    /// repository is the one it is in.
    pub cwd: &'a Path,
    /// Files larger than this many bytes are not read.
    pub max_size: u64,
    /// Who asked, for the error when a git source finds no repository (`--staged`, `the
    /// pre-commit hook`).
    pub asked_by: &'a str,
}

/// What a scan found, and what it did not read.
#[derive(Debug, Default)]
pub struct Scanned {
    /// The findings, sorted by path, line, column and rule.
    pub findings: Vec<Finding>,
    /// What people should hear besides (files left unread).
    pub notes: Vec<Note>,
    /// For a walk on disk: what it read and skipped.
    pub walked: Option<paths::Stats>,
    /// For history: how many commits it walked.
    pub commits: Option<usize>,
}

/// Scans `source` with `setup`. Errors are the user's: no repository for a git source, a
/// path that does not exist, a range git does not know.
pub fn run(setup: &Setup, source: &Source, opts: &Options) -> Result<Scanned, Error> {
    let open = || crate::git::Repo::open(opts.cwd, opts.asked_by);
    let mut out = Scanned::default();
    match source {
        Source::Paths { roots, no_ignore } => {
            let (found, mut stats) = paths::scan_given(setup, roots, *no_ignore, opts)?;
            out.findings = found;
            out.unreadable(std::mem::take(&mut stats.unreadable));
            out.unread(std::mem::take(&mut stats.large), opts.max_size);
            out.walked = Some(stats);
        }
        Source::Staged => {
            let (found, large) = git::staged(&setup.scanner, &open()?, &setup.exclude, opts.max_size)?;
            out.findings = found;
            out.unread(large, opts.max_size);
        }
        Source::History(range) => {
            let walk =
                push::Range { push: range.iter().cloned().collect(), hide: Vec::new(), hide_remotes: false };
            let h = git::history(setup, &open()?, &walk, opts.max_size)?;
            out.findings = h.findings;
            out.commits = Some(h.commits);
            out.unread(h.large, opts.max_size);
            out.unreadable(h.unreadable);
        }
        Source::HookFiles(files) => hook_files(setup, files, opts, &mut out)?,
        Source::Push { remote, refs } => {
            let repo = open()?;
            let mut commits = 0;
            let mut large = Vec::new();
            let mut unreadable = Vec::new();
            for r in refs {
                let tracking = || remote.as_deref().and_then(|name| repo.remote_heads(name));
                let Some(walk) = push::range(r, |id| repo.has_commit(id), tracking) else { continue };
                let h = git::history(setup, &repo, &walk, opts.max_size)?;
                out.findings.extend(h.findings);
                commits += h.commits;
                large.extend(h.large.into_iter().filter(|p| !large.contains(p)).collect::<Vec<_>>());
                unreadable.extend(h.unreadable);
            }
            out.commits = Some(commits);
            out.unread(large, opts.max_size);
            unreadable.sort();
            unreadable.dedup();
            out.unreadable(unreadable);
        }
    }
    report::sort(&mut out.findings);
    Ok(out)
}

impl Scanned {
    /// Whether some file could not be read (the scan is then incomplete: exit 2).
    pub fn incomplete(&self) -> bool {
        self.notes.iter().any(|n| matches!(n, Note::Unreadable(_)))
    }

    fn unreadable(&mut self, mut paths: Vec<(String, String)>) {
        if !paths.is_empty() {
            paths.sort();
            self.notes.push(Note::Unreadable(paths));
        }
    }

    fn unread(&mut self, paths: Vec<String>, max_size: u64) {
        if !paths.is_empty() {
            self.notes.push(Note::Unread { paths, max_size });
        }
    }
}

/// [`Source::HookFiles`]: the staged ones through the index, the rest from disk.
fn hook_files(setup: &Setup, files: &[PathBuf], opts: &Options, out: &mut Scanned) -> Result<(), Error> {
    let mut roots: Vec<PathBuf> = files.iter().map(|f| opts.cwd.join(f)).collect();
    if let Some(repo) = crate::git::Repo::discover(opts.cwd) {
        let rel = |p: &Path| repo.relative(p).map(|r| r.to_string_lossy().replace('\\', "/"));
        let wanted: HashSet<String> = roots.iter().filter_map(|p| rel(p)).collect();
        let staged: Vec<_> = repo.staged()?.into_iter().filter(|f| wanted.contains(&f.path)).collect();
        let done: HashSet<String> = staged.iter().map(|f| f.path.clone()).collect();
        let (found, large) = git::scan_staged(&setup.scanner, staged, &setup.exclude, opts.max_size);
        out.findings = found;
        out.unread(large, opts.max_size);
        roots.retain(|p| rel(p).is_none_or(|r| !done.contains(&r)));
    }
    if !roots.is_empty() {
        let walk = paths::Walk {
            roots: &roots,
            no_ignore: true,
            max_size: opts.max_size,
            exclude: &setup.exclude,
            project_dir: &setup.project_dir,
            base: opts.cwd,
        };
        let (found, stats) = paths::scan(&setup.scanner, &walk);
        out.findings.extend(found);
        out.unreadable(stats.unreadable);
        out.unread(stats.large, opts.max_size);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_sources_need_a_repository() {
        let push = Source::Push { remote: None, refs: Vec::new() };
        for (s, needs) in [
            (Source::Paths { roots: Vec::new(), no_ignore: false }, false),
            (Source::HookFiles(Vec::new()), false),
            (Source::Staged, true),
            (Source::History(None), true),
            (push, true),
        ] {
            assert_eq!(s.needs_repo(), needs, "{s:?}");
        }
    }

    #[test]
    fn a_path_that_does_not_exist_is_the_users_error() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let setup = Setup::new(dir.clone(), crate::config::Config::default(), None, false).unwrap();
        let opts = Options { cwd: &dir, max_size: 1 << 20, asked_by: "test" };
        let source = Source::Paths { roots: vec!["tkx-no-such-file-5f3a".into()], no_ignore: false };
        let e = run(&setup, &source, &opts).unwrap_err();
        assert!(e.to_string().contains("tkx-no-such-file-5f3a: no such file or directory"), "{e}");
    }

    #[test]
    fn a_push_outside_a_repository_names_who_asked() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        if crate::git::Repo::discover(&dir).is_some() {
            return; // the temp dir sits in a repository on this machine
        }
        let setup = Setup::new(dir.clone(), crate::config::Config::default(), None, false).unwrap();
        let opts = Options { cwd: &dir, max_size: 1 << 20, asked_by: "the pre-push hook" };
        let source = Source::Push { remote: Some("origin".into()), refs: push::parse(["a b c d"]) };
        let e = run(&setup, &source, &opts).unwrap_err();
        assert!(e.to_string().starts_with("the pre-push hook needs a git repository"), "{e}");
    }
}
