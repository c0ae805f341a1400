//! The only module that talks to git (through libgit2). Nothing else imports git2.

use std::fmt;
use std::path::{Path, PathBuf};

/// What git could not do, as the user should hear it.
#[derive(Debug)]
pub enum GitError {
    /// `dir` is not inside a work tree, and `asked_by` (e.g. `--staged`) needs one.
    NoRepository {
        /// The directory tkx looked from.
        dir: PathBuf,
        /// The flag or command that needs a repository.
        asked_by: String,
    },
    /// A revision git does not know.
    UnknownRevision {
        /// The revision as given.
        rev: String,
        /// The range it is part of, when it came from `A...B`.
        within: Option<String>,
        /// libgit2's reason.
        reason: String,
    },
    /// A range (`A..B`) git cannot walk.
    BadRange {
        /// The range as given.
        range: String,
        /// libgit2's reason.
        reason: String,
    },
    /// Any other failure, in libgit2's words.
    Failed(String),
}

impl From<git2::Error> for GitError {
    fn from(e: git2::Error) -> Self {
        GitError::Failed(e.message().to_owned())
    }
}

impl fmt::Display for GitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GitError::NoRepository { dir, asked_by } => {
                write!(f, "{asked_by} needs a git repository, and {} is not in one", dir.display())
            }
            GitError::UnknownRevision { rev, within: None, reason } => {
                write!(f, "unknown revision {rev:?}: {reason}")
            }
            GitError::UnknownRevision { rev, within: Some(range), reason } => {
                write!(f, "unknown revision {rev:?} in {range:?}: {reason}")
            }
            GitError::BadRange { range, reason } => write!(f, "bad revision range {range:?}: {reason}"),
            GitError::Failed(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for GitError {}

fn unknown(rev: &str, within: Option<&str>) -> impl FnOnce(git2::Error) -> GitError {
    let (rev, within) = (rev.to_owned(), within.map(str::to_owned));
    move |e| GitError::UnknownRevision { rev, within, reason: e.message().to_owned() }
}

/// A git work tree.
pub struct Repo {
    repo: git2::Repository,
    workdir: PathBuf,
    /// Shared with the second handle a walk reads on ([`Repo::walk`]).
    recent: std::sync::Arc<std::sync::Mutex<Recent>>,
}

/// Blob contents a history walk read lately, by id, within [`RECENT`] bytes: a change's
/// old content is most often the new content of the change before it, which the walk
/// (parents first) read a little before (libgit2 keeps no blob in its own cache).
#[derive(Default)]
struct Recent {
    contents: std::collections::HashMap<git2::Oid, std::sync::Arc<[u8]>>,
    order: std::collections::VecDeque<git2::Oid>,
    bytes: usize,
}

/// How many commits a walk's reading thread may be ahead of their scan ...
const AHEAD: usize = 64;

/// ... and how many bytes of their contents: past this, it waits (a single commit as
/// large as it is still goes).
const AHEAD_BYTES: usize = 256 << 20;

/// The bytes of contents a walk's reading thread has handed over and the scan has not
/// yet taken in, and whether the scan has stopped (see [`Repo::walk`]).
#[derive(Default)]
struct Ahead {
    state: std::sync::Mutex<(usize, bool)>,
    changed: std::sync::Condvar,
}

impl Ahead {
    fn state(&self) -> std::sync::MutexGuard<'_, (usize, bool)> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts `size` bytes more, once what is ahead leaves room for them; false when the
    /// scan has stopped.
    fn add(&self, size: usize) -> bool {
        let mut state = self.state();
        while !state.1 && state.0 > 0 && state.0 + size > AHEAD_BYTES {
            state = self.changed.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        state.0 += size;
        !state.1
    }

    /// The scan took in `size` bytes.
    fn done(&self, size: usize) {
        self.state().0 -= size;
        self.changed.notify_one();
    }
}

/// Tells the reading thread the scan stopped when dropped (at its end, or a panic).
struct Closing<'a>(&'a Ahead);

impl Drop for Closing<'_> {
    fn drop(&mut self) {
        self.0.state().1 = true;
        self.0.changed.notify_one();
    }
}

/// How many bytes of blob contents [`Recent`] keeps.
const RECENT: usize = 128 << 20;

impl Repo {
    /// The work tree that contains `dir`, if any (bare repositories have none). Like git,
    /// it honours the environment git gives hooks: `GIT_DIR` (a linked worktree, or
    /// `git --git-dir=… --work-tree=…` with no `.git` in the work tree), `GIT_WORK_TREE`,
    /// and above all `GIT_INDEX_FILE`: `git commit -a` and `git commit PATH` stage into a
    /// temporary index and name it there, so `.git/index` is not what gets committed.
    /// That environment is used only for a `dir` inside its work tree and not inside a
    /// repository of its own nested there (a project under a dotfiles work tree, or tkx
    /// started for another project from some repository's hook).
    pub fn discover(dir: &Path) -> Option<Repo> {
        // tkx only reads: re-hashing every object it reads (libgit2's default) doubles the
        // cost of scanning a large commit, and git itself does not do it either.
        git2::opts::strict_hash_verification(false);
        let none: &[&std::ffi::OsStr] = &[];
        let open = |flags| {
            let repo = git2::Repository::open_ext(dir, flags, none).ok()?;
            // A bare repository (a mirror, a server's copy) has history and no work tree:
            // its own directory stands in for one.
            let workdir = repo.workdir().unwrap_or_else(|| repo.path()).canonicalize().ok()?;
            Some(Repo { repo, workdir, recent: Default::default() })
        };
        if std::env::var_os("GIT_DIR").is_none() {
            // `GIT_INDEX_FILE` and `GIT_WORK_TREE` still count.
            return open(git2::RepositoryOpenFlags::FROM_ENV);
        }
        let plain = || open(git2::RepositoryOpenFlags::empty());
        let from_env = git2::Repository::open_from_env().ok().and_then(|repo| {
            // git hands hooks a relative `GIT_WORK_TREE` (`.`), relative to the working
            // directory; libgit2 would take it relative to the repository.
            if let Some(wt) = std::env::var_os("GIT_WORK_TREE").map(PathBuf::from) {
                let abs = std::env::current_dir().ok()?.join(wt).canonicalize().ok()?;
                repo.set_workdir(&abs, false).ok()?;
            }
            let workdir = repo.workdir()?.canonicalize().ok()?;
            Some(Repo { repo, workdir, recent: Default::default() })
        });
        let here = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        match from_env {
            Some(env) if here.starts_with(&env.workdir) => match plain() {
                Some(own) if own.workdir.starts_with(&env.workdir) && own.workdir != env.workdir => Some(own),
                _ => Some(env),
            },
            _ => plain(),
        }
    }

    /// The work tree that contains `dir`, or the error naming who needed one.
    pub fn open(dir: &Path, asked_by: &str) -> Result<Repo, GitError> {
        Repo::discover(dir)
            .ok_or_else(|| GitError::NoRepository { dir: dir.to_path_buf(), asked_by: asked_by.to_owned() })
    }

    /// The root of the work tree (canonical).
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// `path` relative to the work tree, if it is inside it.
    pub fn relative(&self, path: &Path) -> Option<PathBuf> {
        let real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        real.strip_prefix(&self.workdir).ok().map(Path::to_path_buf)
    }

    /// Whether git's ignore rules (nested `.gitignore`s, `.git/info/exclude`,
    /// `core.excludesFile`) cover `path`. Paths outside the work tree are not ignored.
    pub fn is_ignored(&self, path: &Path) -> bool {
        let Some(rel) = self.relative(path) else { return false };
        self.repo.is_path_ignored(&rel).unwrap_or(false)
    }

    /// Whether `rel` (relative to the work tree) is in the index or in HEAD.
    pub fn is_tracked(&self, rel: &Path) -> bool {
        let in_index = self.repo.index().ok().is_some_and(|i| i.get_path(rel, 0).is_some());
        in_index || self.head_tree().is_some_and(|t| t.get_path(rel).is_ok())
    }

    /// Every path in the index, relative to the work tree.
    pub fn index_paths(&self) -> Vec<PathBuf> {
        let Ok(index) = self.repo.index() else { return Vec::new() };
        index.iter().map(|e| PathBuf::from(String::from_utf8_lossy(&e.path).into_owned())).collect()
    }

    /// Every file path in HEAD's tree whose file name satisfies `keep`.
    pub fn head_paths(&self, keep: &dyn Fn(&str) -> bool) -> Vec<PathBuf> {
        let mut out = Vec::new();
        if let Some(tree) = self.head_tree() {
            let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
                if let Some(name) = entry.name() {
                    if entry.kind() == Some(git2::ObjectType::Blob) && keep(name) {
                        out.push(PathBuf::from(format!("{dir}{name}")));
                    }
                }
                git2::TreeWalkResult::Ok
            });
        }
        out
    }

    /// The commits the remote-tracking refs of `remote` point at (what this clone knows
    /// the remote has), or `None` when `remote` is not a configured remote (a URL).
    pub fn remote_heads(&self, remote: &str) -> Option<Vec<String>> {
        self.repo.find_remote(remote).ok()?;
        let refs = self.repo.references_glob(&format!("refs/remotes/{remote}/*")).ok()?;
        Some(refs.flatten().filter_map(|r| r.peel_to_commit().ok()).map(|c| c.id().to_string()).collect())
    }

    /// The first commit of HEAD's history (following first parents): what every clone
    /// of the repository shares, wherever it lives. `None` before the first commit.
    pub fn root_commit(&self) -> Option<String> {
        let mut commit = self.repo.head().ok()?.peel_to_commit().ok()?;
        while let Ok(parent) = commit.parent(0) {
            commit = parent;
        }
        Some(commit.id().to_string())
    }

    /// Whether `id` names a commit in this repository's object database.
    pub fn has_commit(&self, id: &str) -> bool {
        git2::Oid::from_str(id).is_ok_and(|oid| self.repo.find_commit(oid).is_ok())
    }

    fn head_tree(&self) -> Option<git2::Tree<'_>> {
        self.repo.head().ok()?.peel_to_tree().ok()
    }

    /// The directory git runs hooks from: `core.hooksPath` (relative to the work tree)
    /// or the common git directory's `hooks/`, which linked worktrees share.
    pub fn hooks_dir(&self) -> PathBuf {
        let configured = self.repo.config().ok().and_then(|c| c.get_path("core.hooksPath").ok());
        match configured {
            Some(p) if p.is_absolute() => p,
            Some(p) => self.workdir.join(p),
            None => self.repo.commondir().join("hooks"),
        }
    }

    /// Where `core.hooksPath` is set when it comes from outside this repository
    /// (`"global"` for `~/.gitconfig`, `"system"` for `/etc/gitconfig`): hooks installed
    /// there run for every repository.
    pub fn hooks_path_shared(&self) -> Option<&'static str> {
        let config = self.repo.config().ok()?;
        let entry = config.get_entry("core.hooksPath").ok()?;
        match entry.level() {
            git2::ConfigLevel::Global | git2::ConfigLevel::XDG => Some("global"),
            git2::ConfigLevel::System | git2::ConfigLevel::ProgramData => Some("system"),
            _ => None,
        }
    }
}

/// A file changed by a commit or by the staged changes: its new content and the
/// line numbers it added.
#[derive(Debug)]
pub struct ChangedFile {
    /// Path relative to the work tree, `/`-separated.
    pub path: String,
    /// The new content (the index's version for staged changes), shared with the
    /// contents a walk keeps.
    pub content: std::sync::Arc<[u8]>,
    /// 1-based numbers of the added lines; `None` when the whole file is new.
    pub added: Option<std::collections::BTreeSet<usize>>,
    /// The change's identity in a history walk: the old and the new blob's ids.
    pub change: Option<ChangeId>,
    /// Whether the walk already handed over this new content under this path (in another
    /// change: a commit cherry-picked or rebased onto another branch, the same content
    /// reached on two branches, a revert). Its content is then left empty and its lines
    /// unknown: what the content held holds for it too, on the lines this change added.
    pub repeat: bool,
    /// A merge's changes against its other parents (`change` is against the first): the
    /// lines it added are those every one of them added ([`Repo::added_lines_all`]).
    pub others: Vec<ChangeId>,
    /// Whether `added` is still to be asked for ([`Repo::added_lines_all`]): a history walk
    /// diffs a changed file's lines only when its new content holds a finding.
    pub lines_later: bool,
}

/// A delta that adds or changes a file: its path (`/`-separated) and change id; `None`
/// for a deletion or a non-blob.
fn delta_key(delta: &git2::DiffDelta<'_>) -> Option<(String, ChangeId)> {
    let (old, new) = (delta.old_file(), delta.new_file());
    if matches!(delta.status(), git2::Delta::Deleted)
        || new.id().is_zero()
        || new.mode() == git2::FileMode::Commit
    {
        return None;
    }
    let mut change: ChangeId = [0; 40];
    change[..20].copy_from_slice(old.id().as_bytes());
    change[20..].copy_from_slice(new.id().as_bytes());
    let path = new.path().map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
    Some((path, change))
}

/// One entry of a tree, as a history walk compares them.
struct Entry {
    name: Vec<u8>,
    id: git2::Oid,
    mode: i32,
    tree: bool,
}

/// What a tree diff found so far: the files added or changed, and whether any file was
/// added, or deleted.
#[derive(Default)]
struct Found {
    changes: Vec<(String, ChangeId)>,
    added: bool,
    deleted: bool,
}

/// Git's order of tree entries: by name, a tree's name as if it ended in `/`.
fn git_order(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    let n = a.name.len().min(b.name.len());
    match a.name[..n].cmp(&b.name[..n]) {
        std::cmp::Ordering::Equal => {}
        unequal => return unequal,
    }
    // The shorter name's end comes first, unless it is a tree's, which reads as `/`.
    let next = |e: &Entry| e.name.get(n).copied().or(e.tree.then_some(b'/'));
    next(a).cmp(&next(b))
}

/// Trees a history walk has read, parsed, kept for the next commit: a walk meets a tree
/// again as the next commit's parent side, and libgit2 caches no tree object over 4 KB
/// (a directory of a few hundred files). Two generations: what this commit and the last
/// one read.
#[derive(Default)]
struct Trees {
    now: std::collections::HashMap<git2::Oid, std::rc::Rc<[Entry]>>,
    before: std::collections::HashMap<git2::Oid, std::rc::Rc<[Entry]>>,
}

impl Trees {
    /// A new commit: what the one before the last read is dropped.
    fn next_commit(&mut self) {
        self.before = std::mem::take(&mut self.now);
    }

    fn get(&mut self, repo: &git2::Repository, id: git2::Oid) -> Result<std::rc::Rc<[Entry]>, git2::Error> {
        if let Some(t) = self.now.get(&id) {
            return Ok(t.clone());
        }
        let entries = match self.before.remove(&id) {
            Some(t) => t,
            None => repo
                .find_tree(id)?
                .iter()
                .map(|e| Entry {
                    name: e.name_bytes().to_vec(),
                    id: e.id(),
                    mode: e.filemode(),
                    tree: e.kind() == Some(git2::ObjectType::Tree),
                })
                .collect(),
        };
        self.now.insert(id, entries.clone());
        Ok(entries)
    }

    /// The files (blobs: submodules have no content) `new` adds or changes against `old`
    /// (`None`: empty), by path (`/`-separated) in path order, with their change ids; and
    /// whether it also deletes files while adding some (a move git would pair).
    fn diff(
        &mut self,
        repo: &git2::Repository,
        old: Option<git2::Oid>,
        new: git2::Oid,
    ) -> Result<(Vec<(String, ChangeId)>, bool), git2::Error> {
        let mut found = Found::default();
        self.walk(repo, old, Some(new), &mut Vec::new(), &mut found)?;
        found.changes.sort_by(|a, b| a.0.cmp(&b.0));
        Ok((found.changes, found.added && found.deleted))
    }

    fn walk(
        &mut self,
        repo: &git2::Repository,
        old: Option<git2::Oid>,
        new: Option<git2::Oid>,
        prefix: &mut Vec<u8>,
        found: &mut Found,
    ) -> Result<(), git2::Error> {
        if old == new {
            return Ok(());
        }
        let empty: std::rc::Rc<[Entry]> = std::rc::Rc::from(Vec::new());
        let a = match old {
            Some(id) => self.get(repo, id)?,
            None => empty.clone(),
        };
        let b = match new {
            Some(id) => self.get(repo, id)?,
            None => empty,
        };
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let order = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) => git_order(x, y),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            let (x, y) = match order {
                std::cmp::Ordering::Less => (a.get(i), None),
                std::cmp::Ordering::Greater => (None, b.get(j)),
                std::cmp::Ordering::Equal => (a.get(i), b.get(j)),
            };
            if x.is_some() {
                i += 1;
            }
            if y.is_some() {
                j += 1;
            }
            let name = x.or(y).map_or(&[][..], |e| &e.name[..]);
            let len = prefix.len();
            prefix.extend_from_slice(name);
            match (x, y) {
                (Some(x), Some(y)) if x.id == y.id && x.mode == y.mode => {}
                // Trees meet trees only: a tree's key ends in `/`.
                (x, y) if x.is_some_and(|e| e.tree) || y.is_some_and(|e| e.tree) => {
                    prefix.push(b'/');
                    self.walk(repo, x.map(|e| e.id), y.map(|e| e.id), prefix, found)?;
                }
                (_, Some(y)) if y.mode == i32::from(git2::FileMode::Commit) => {}
                (Some(_), None) => found.deleted = true,
                (x, Some(y)) => {
                    // A file that became a link (or a submodule a file) is, to libgit2
                    // without type changes, a deletion and an addition.
                    const KIND: i32 = 0o170000;
                    let old = x.filter(|e| e.mode & KIND == y.mode & KIND).map(|e| e.id);
                    found.deleted |= x.is_some() && old.is_none();
                    found.added |= old.is_none();
                    let mut change: ChangeId = [0; 40];
                    if let Some(old) = old {
                        change[..20].copy_from_slice(old.as_bytes());
                    }
                    change[20..].copy_from_slice(y.id.as_bytes());
                    found.changes.push((String::from_utf8_lossy(prefix).into_owned(), change));
                }
                (None, None) => {}
            }
            prefix.truncate(len);
        }
        Ok(())
    }
}

/// The 1-based numbers of the lines `new` adds to `old`. libgit2 takes UTF-16 for binary
/// and would report no added line; its lines end in a 0x0A byte too, so a byte diff
/// numbers them as decoded.
fn added_between(
    old: &git2::Blob<'_>,
    new: &git2::Blob<'_>,
    opts: &mut git2::DiffOptions,
) -> Result<std::collections::BTreeSet<usize>, GitError> {
    let utf16 = [new.content(), old.content()]
        .iter()
        .any(|b| b.starts_with(&[0xFF, 0xFE]) || b.starts_with(&[0xFE, 0xFF]));
    opts.force_text(utf16);
    let patch = git2::Patch::from_blobs(old, None, new, None, Some(opts))?;
    let mut lines = std::collections::BTreeSet::new();
    for h in 0..patch.num_hunks() {
        for l in 0..patch.num_lines_in_hunk(h)? {
            let line = patch.line_in_hunk(h, l)?;
            if let (Some(n), '+') = (line.new_lineno(), line.origin()) {
                lines.insert(n as usize);
            }
        }
    }
    Ok(lines)
}

/// How many (deleted, added) file pairs a commit may have before renames are paired by
/// identical content only (git's `diff.renameLimit` plays the same part).
const MAX_RENAME_PAIRS: usize = 400;

/// The old and the new blob id of a changed file, side by side.
pub type ChangeId = [u8; 40];

/// The new blob's id in a change.
pub fn new_blob(change: &ChangeId) -> [u8; 20] {
    let mut id = [0; 20];
    id.copy_from_slice(&change[20..]);
    id
}

/// The old blob's id in a change (zero for a new file).
pub fn old_blob(change: &ChangeId) -> [u8; 20] {
    let mut id = [0; 20];
    id.copy_from_slice(&change[..20]);
    id
}

/// New contents a history walk has handed over, by path and blob id.
type Seen = std::collections::HashSet<(String, [u8; 20])>;

/// A commit: its id and author date.
#[derive(Clone, Debug)]
pub struct CommitInfo {
    /// Full hex id.
    pub id: String,
    /// Author date, `YYYY-MM-DD` (UTC).
    pub date: String,
    /// Why the commit's changes could not be read (an object missing from a partial or
    /// damaged clone); its files are then not handed over.
    pub unreadable: Option<String>,
}

impl Repo {
    /// The staged changes: every file the index adds or modifies against HEAD (all of
    /// it before the first commit), with its index content and added lines. Partial
    /// staging is respected because the index, not the work tree, is read.
    pub fn staged(&self) -> Result<Vec<ChangedFile>, GitError> {
        let index = self.repo.index()?;
        let head = self.head_tree();
        let mut opts = git2::DiffOptions::new();
        opts.context_lines(0);
        let diff = self.repo.diff_tree_to_index(head.as_ref(), Some(&index), Some(&mut opts))?;
        self.changed_files(self.changes_of(diff)?)
    }

    /// Walks commits and hands each one's changed files to `each`. `push` are revisions
    /// to start from (empty: every ref and HEAD); `hide` are revisions whose history is
    /// excluded; `hide_remotes` excludes everything reachable from remote-tracking refs.
    /// The commits are read on a thread of their own, a few ahead of `each` (which
    /// scans them on this one), from a second handle on the repository.
    pub fn walk(
        &self,
        push: &[String],
        hide: &[String],
        hide_remotes: bool,
        each: &mut dyn FnMut(CommitInfo, Vec<ChangedFile>),
    ) -> Result<(), GitError> {
        let Some(reader) = self.second_handle() else {
            let walk = self.revwalk(push, hide, hide_remotes)?;
            return self.read_commits(walk, &mut |info, files| {
                each(info, files);
                true
            });
        };
        let (tx, rx) = std::sync::mpsc::sync_channel::<(CommitInfo, Vec<ChangedFile>, usize)>(AHEAD);
        let ahead = &Ahead::default();
        std::thread::scope(|s| {
            let read = s.spawn(move || {
                let walk = reader.revwalk(push, hide, hide_remotes)?;
                reader.read_commits(walk, &mut |info, files| {
                    let size = files.iter().map(|f| f.content.len()).sum();
                    // Both stop taking them only if `each` panicked: the panic is its own.
                    ahead.add(size) && tx.send((info, files, size)).is_ok()
                })
            });
            {
                let _closing = Closing(ahead);
                for (info, files, size) in rx {
                    each(info, files);
                    ahead.done(size);
                }
            }
            match read.join() {
                Ok(result) => result,
                // A panic there is a bug: it goes on here, as if the walk had run here.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }

    /// Another handle on the same repository, for a walk's reading thread; none where the
    /// environment points git at objects elsewhere (a hook's quarantine, alternates given
    /// by variable), which a handle opened by path would not see.
    fn second_handle(&self) -> Option<Repo> {
        let by_env = ["GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH"];
        if by_env.iter().any(|v| std::env::var_os(v).is_some()) {
            return None;
        }
        let repo = git2::Repository::open(self.repo.path()).ok()?;
        Some(Repo { repo, workdir: self.workdir.clone(), recent: self.recent.clone() })
    }

    /// The walk of [`Repo::walk`]: commits parents first, from `push`, without `hide`'s
    /// history and, with `hide_remotes`, without what remote-tracking refs reach.
    fn revwalk(
        &self,
        push: &[String],
        hide: &[String],
        hide_remotes: bool,
    ) -> Result<git2::Revwalk<'_>, GitError> {
        let mut walk = self.repo.revwalk()?;
        // Parents before children: a change's old content is then most often one the walk
        // read a little before, as the new content of the change before it ([`Recent`]).
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
        if push.is_empty() {
            walk.push_glob("*")?;
            let _ = walk.push_head();
        }
        for p in push {
            if let Some(one) = p.strip_suffix("^!") {
                // `X^!`, git's "this commit alone": X without its parents' history.
                let commit = self
                    .repo
                    .revparse_single(one)
                    .and_then(|o| o.peel_to_commit())
                    .map_err(unknown(p, None))?;
                walk.push(commit.id())?;
                for parent in commit.parent_ids() {
                    let _ = walk.hide(parent); // missing at a shallow boundary: nothing to hide
                }
            } else if let Some((a, b)) = p.split_once("...") {
                // `A...B`, git's symmetric difference: what either has and the other lacks
                // (an empty side is HEAD).
                let commit = |r: &str| {
                    let r = if r.is_empty() { "HEAD" } else { r };
                    self.repo
                        .revparse_single(r)
                        .and_then(|o| o.peel_to_commit())
                        .map(|c| c.id())
                        .map_err(unknown(r, Some(p)))
                };
                let (a, b) = (commit(a)?, commit(b)?);
                walk.push(a)?;
                walk.push(b)?;
                if let Ok(bases) = self.repo.merge_bases(a, b) {
                    for base in bases.iter() {
                        walk.hide(*base)?;
                    }
                }
            } else if p.contains("..") {
                walk.push_range(p)
                    .map_err(|e| GitError::BadRange { range: p.clone(), reason: e.message().to_owned() })?;
            } else {
                let obj = self.repo.revparse_single(p).map_err(unknown(p, None))?;
                walk.push(obj.id())?;
            }
        }
        for h in hide {
            let obj = self.repo.revparse_single(h).map_err(unknown(h, None))?;
            walk.hide(obj.id())?;
        }
        if hide_remotes {
            let _ = walk.hide_glob("remotes/*");
        }
        Ok(walk)
    }

    /// Reads the commits of `walk` and hands each one's changed files to `each`, until it
    /// returns false.
    fn read_commits(
        &self,
        walk: git2::Revwalk<'_>,
        each: &mut dyn FnMut(CommitInfo, Vec<ChangedFile>) -> bool,
    ) -> Result<(), GitError> {
        let mut opts = git2::DiffOptions::new();
        opts.context_lines(0);
        let mut seen = Seen::new();
        let mut trees = Trees::default();
        for oid in walk {
            let oid = oid?;
            let commit = self.repo.find_commit(oid)?;
            let date = jiff::Timestamp::from_second(commit.author().when().seconds())
                .map(|t| t.strftime("%Y-%m-%d").to_string())
                .unwrap_or_default();
            let info = |unreadable| CommitInfo { id: oid.to_string(), date: date.clone(), unreadable };
            let taken = match self.commit_files(&commit, &mut trees, &mut seen, &mut opts) {
                Ok(files) => each(info(None), files),
                // A tree or blob missing (a partial clone, a damaged one): the walk goes on,
                // and the caller says what it could not read.
                Err(e) if e.code() == git2::ErrorCode::NotFound => {
                    each(info(Some(e.message().to_owned())), Vec::new())
                }
                Err(e) => return Err(e.into()),
            };
            if !taken {
                break;
            }
        }
        Ok(())
    }

    /// The files a commit of a walk changes, as [`Repo::walk`] hands them over.
    fn commit_files(
        &self,
        commit: &git2::Commit<'_>,
        trees: &mut Trees,
        seen: &mut Seen,
        opts: &mut git2::DiffOptions,
    ) -> Result<Vec<ChangedFile>, git2::Error> {
        let tree = commit.tree()?;
        // A parent missing here (the boundary of a shallow clone) counts as empty.
        let parent = commit.parent(0).ok().and_then(|p| p.tree().ok());
        trees.next_commit();
        let (changes, renames) = trees.diff(&self.repo, parent.as_ref().map(|t| t.id()), tree.id())?;
        // A commit that adds and deletes files may have moved some: libgit2 pairs them
        // by content, as git does, so that a moved file adds only what its move changed.
        let changes = if renames {
            let diff = self.repo.diff_tree_to_tree(parent.as_ref(), Some(&tree), Some(opts))?;
            self.changes_of(diff)?
        } else {
            changes
        };
        // A merge adds only what no parent had (git's combined diff): what it brings
        // from a merged branch was added, and found, by that branch's own commits.
        // Its files are matched first, before any blob is read; only those changed
        // against every parent (a conflict resolved, an evil merge) are kept, their
        // lines diffed against each parent when their content holds a finding. They
        // are judged against those parents, never as repeats.
        let merge = commit.parent_count() > 1;
        let mut changes: Vec<((String, ChangeId), Vec<ChangeId>)> =
            changes.into_iter().map(|c| (c, Vec::new())).collect();
        for other in commit.parents().skip(1) {
            let (against, _) = trees.diff(&self.repo, Some(other.tree_id()), tree.id())?;
            let against: std::collections::HashMap<String, ChangeId> = against.into_iter().collect();
            changes.retain_mut(|((path, _), theirs)| against.get(path).map(|c| theirs.push(*c)).is_some());
        }
        let (changes, theirs): (Vec<_>, Vec<_>) = changes.into_iter().unzip();
        let mut files = self.history_files(changes, (!merge).then_some(seen))?;
        if merge {
            for (f, others) in files.iter_mut().zip(theirs) {
                f.others = others;
                f.lines_later = true;
            }
        }
        Ok(files)
    }

    /// The files a diff adds or changes, by path, with their change ids; moved files
    /// paired with their old path as git pairs them.
    fn changes_of(&self, mut diff: git2::Diff<'_>) -> Result<Vec<(String, ChangeId)>, git2::Error> {
        // A rename needs a deleted side: without one there is nothing to pair. Comparing
        // contents costs for every pair of an added and a deleted file: past a few hundred
        // pairs (a generated tree rewritten), only files moved unchanged are paired.
        let count = |status| diff.deltas().filter(|d| d.status() == status).count();
        let (deleted, added) = (count(git2::Delta::Deleted), count(git2::Delta::Added));
        if deleted > 0 && added > 0 {
            let mut find = git2::DiffFindOptions::new();
            find.renames(true).exact_match_only(deleted * added > MAX_RENAME_PAIRS);
            diff.find_similar(Some(&mut find))?;
        }
        Ok(diff.deltas().filter_map(|d| delta_key(&d)).collect())
    }

    /// The lines a file added in a commit whose changes to it, against each parent, are
    /// `change` and `others` (see [`ChangedFile`]): those every one of them added; `None`
    /// when the file is new against every parent.
    pub fn added_lines_all(
        &self,
        change: &ChangeId,
        others: &[ChangeId],
    ) -> Result<Option<std::collections::BTreeSet<usize>>, GitError> {
        let mut added = self.added_lines(change)?;
        for c in others {
            added = match (added, self.added_lines(c)?) {
                (None, t) => t,
                (a, None) => a,
                (Some(a), Some(t)) => Some(a.intersection(&t).copied().collect()),
            };
        }
        Ok(added)
    }

    /// The contents read lately (a cache: one a panicking thread left is still good).
    fn recent(&self) -> std::sync::MutexGuard<'_, Recent> {
        self.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A blob's content, from [`Recent`] or read and kept there; `last_use` (an old
    /// content, whose next reader is usually this one) takes it out instead.
    fn content(&self, id: git2::Oid, last_use: bool) -> Result<std::sync::Arc<[u8]>, git2::Error> {
        let mut recent = self.recent();
        let kept = if last_use { recent.contents.remove(&id) } else { recent.contents.get(&id).cloned() };
        if let Some(c) = kept {
            if last_use {
                recent.bytes -= c.len();
            }
            return Ok(c);
        }
        drop(recent);
        let content: std::sync::Arc<[u8]> = self.repo.find_blob(id)?.content().into();
        let mut recent = self.recent();
        if !last_use && content.len() <= RECENT / 16 {
            recent.bytes += content.len();
            recent.contents.insert(id, content.clone());
            recent.order.push_back(id);
            while recent.bytes > RECENT {
                let Some(gone) = recent.order.pop_front() else { break };
                if let Some(c) = recent.contents.remove(&gone) {
                    recent.bytes -= c.len();
                }
            }
        }
        Ok(content)
    }

    /// The old contents of a file a commit changed (see [`ChangedFile`]): against its
    /// first parent (`change`) and its other parents (`others`); `None` when the file is
    /// new against one of them or a blob cannot be read.
    pub fn old_contents(&self, change: &ChangeId, others: &[ChangeId]) -> Option<Vec<std::sync::Arc<[u8]>>> {
        std::iter::once(change)
            .chain(others)
            .map(|c| {
                let (old, _) = change_oids(c);
                if old.is_zero() { None } else { self.content(old, true).ok() }
            })
            .collect()
    }

    /// The new content of a change (see [`ChangedFile::change`]), read again (a repeat's
    /// is not handed over); `None` when the blob cannot be read.
    pub fn new_content(&self, change: &ChangeId) -> Option<std::sync::Arc<[u8]>> {
        self.content(change_oids(change).1, false).ok()
    }

    /// The lines a change (see [`ChangedFile::change`]) added to its file; `None` when
    /// the file is new.
    pub fn added_lines(
        &self,
        change: &ChangeId,
    ) -> Result<Option<std::collections::BTreeSet<usize>>, GitError> {
        let (Ok(old), Ok(new)) = (git2::Oid::from_bytes(&change[..20]), git2::Oid::from_bytes(&change[20..]))
        else {
            return Ok(None);
        };
        if old.is_zero() {
            return Ok(None);
        }
        let (Ok(old_blob), Ok(blob)) = (self.repo.find_blob(old), self.repo.find_blob(new)) else {
            return Ok(None);
        };
        let mut opts = git2::DiffOptions::new();
        opts.context_lines(0);
        Ok(Some(added_between(&old_blob, &blob, &mut opts)?))
    }

    /// The files a diff adds or changes (the staged ones). A new file's lines are all
    /// added and need no line diff at all; a changed file's added lines come from diffing
    /// its two blobs. (One diff over everything with a line callback costs several times
    /// the scan.) Renames are detected, as git does: a moved file adds only what its move
    /// changed.
    fn changed_files(&self, changes: Vec<(String, ChangeId)>) -> Result<Vec<ChangedFile>, GitError> {
        let mut out = Vec::new();
        let mut opts = git2::DiffOptions::new();
        opts.context_lines(0);
        for (path, change) in changes {
            let (old, new) = change_oids(&change);
            // Submodules and other non-blobs have no content to scan.
            let Ok(blob) = self.repo.find_blob(new) else { continue };
            let added = match self.repo.find_blob(old).ok().filter(|_| !old.is_zero()) {
                Some(old_blob) => Some(added_between(&old_blob, &blob, &mut opts)?),
                None => None,
            };
            out.push(ChangedFile {
                path,
                content: blob.content().into(),
                added,
                change: None,
                repeat: false,
                others: Vec::new(),
                lines_later: false,
            });
        }
        Ok(out)
    }

    /// The files of a history walk's commit: a changed file's line diff waits until its
    /// new content holds a finding (most changes hold none: [`ChangedFile::lines_later`]);
    /// with `seen`, a file whose new content was handed over already under its path is
    /// handed over again as a repeat, without reading its blobs. A blob missing (a partial
    /// or damaged clone) is an error: the commit cannot be read.
    fn history_files(
        &self,
        changes: Vec<(String, ChangeId)>,
        seen: Option<&mut Seen>,
    ) -> Result<Vec<ChangedFile>, git2::Error> {
        let mut out = Vec::new();
        for (path, change) in changes {
            let (old, new) = change_oids(&change);
            let repeat =
                seen.as_deref().is_some_and(|seen| seen.contains(&(path.clone(), new_blob(&change))));
            let content = if repeat { Default::default() } else { self.content(new, false)? };
            out.push(ChangedFile {
                path,
                content,
                added: None,
                change: Some(change),
                repeat,
                others: Vec::new(),
                lines_later: !repeat && !old.is_zero(),
            });
        }
        // Only once every blob was read: a commit that could not be read hands nothing over.
        if let Some(seen) = seen {
            seen.extend(out.iter().filter_map(|f| Some((f.path.clone(), new_blob(&f.change?)))));
        }
        Ok(out)
    }
}

/// A change's old and new blob ids (zero for none).
fn change_oids(change: &ChangeId) -> (git2::Oid, git2::Oid) {
    let oid = |half: &[u8]| git2::Oid::from_bytes(half).unwrap_or_else(|_| git2::Oid::zero());
    (oid(&change[..20]), oid(&change[20..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// The reading thread of a walk waits while the contents it handed over exceed the
    /// budget, goes on when the scan takes them in, lets one commit of any size through,
    /// and stops when the scan does.
    #[test]
    fn a_walk_reads_ahead_within_its_budget() {
        let ahead = Ahead::default();
        assert!(ahead.add(AHEAD_BYTES * 2), "one commit however large");
        std::thread::scope(|s| {
            let waiting = s.spawn(|| ahead.add(1));
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert!(!waiting.is_finished(), "over the budget: it waits");
            ahead.done(AHEAD_BYTES * 2);
            assert!(waiting.join().unwrap());
        });
        assert!(ahead.add(AHEAD_BYTES - 1), "within the budget: no wait");
        std::thread::scope(|s| {
            let waiting = s.spawn(|| ahead.add(AHEAD_BYTES));
            std::thread::sleep(std::time::Duration::from_millis(50));
            drop(Closing(&ahead));
            assert!(!waiting.join().unwrap(), "the scan stopped");
        });
    }

    /// Makes the work tree hold exactly `files` (path, content; `->target` makes a link;
    /// a leading `+` in the path makes it executable) and returns its tree.
    fn snapshot(repo: &git2::Repository, dir: &Path, files: &[(&str, &str)]) -> git2::Oid {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n != ".git") {
                if p.is_dir() && !p.is_symlink() {
                    fs::remove_dir_all(&p).unwrap();
                } else {
                    fs::remove_file(&p).unwrap();
                }
            }
        }
        for (path, content) in files {
            let (exec, path) = path.strip_prefix('+').map_or((false, *path), |p| (true, p));
            let p = dir.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            match content.strip_prefix("->") {
                Some(target) => std::os::unix::fs::symlink(target, &p).unwrap(),
                None => fs::write(&p, content).unwrap(),
            }
            if exec {
                use std::os::unix::fs::PermissionsExt;
                fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
            }
        }
        let mut index = repo.index().unwrap();
        index.clear().unwrap();
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
        index.write_tree().unwrap()
    }

    /// The walk's own tree diff finds what libgit2's does (before pairing moves): nested
    /// and sibling names in git's order (`a-b`, `a.b`, `a/`), files that become links,
    /// directories or executables, directories that become files, deleted subtrees.
    #[test]
    fn the_walk_s_tree_diff_is_libgit2_s() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(tmp.path()).unwrap();
        let states: &[&[(&str, &str)]] = &[
            &[
                ("a.txt", "1"),
                ("a-b/x", "2"),
                ("a.b", "3"),
                ("a/y", "4"),
                ("dir/b.txt", "5"),
                ("dir/sub/c.txt", "6"),
                ("d.txt", "7"),
            ],
            &[
                ("a.txt", "1"),
                ("a-b/x", "2"),
                ("a.b", "3"),
                ("a/y", "4"),
                ("dir/b.txt", "5"),
                ("dir/sub/c.txt", "6b"),
                ("dir/new.txt", "8"),
                ("d.txt", "7"),
            ],
            &[
                ("a.txt", "->dir/b.txt"),
                ("a-b/x", "2"),
                ("a.b", "3"),
                ("a/y", "4"),
                ("dir/b.txt", "5"),
                ("dir/sub/c.txt", "6b"),
                ("dir/new.txt", "8"),
                ("+d.txt", "7"),
            ],
            &[
                ("a.txt", "->dir/b.txt"),
                ("a-b/x", "2"),
                ("a.b/z", "3"),
                ("a/y", "4"),
                ("dir/b.txt", "5"),
                ("dir/new.txt", "8"),
                ("+d.txt", "7"),
            ],
            &[
                ("a.txt", "1"),
                ("a-b/x", "2"),
                ("a.b/z", "3"),
                ("a", "4"),
                ("dir/b.txt", "5b"),
                ("+d.txt", "7"),
            ],
            &[("dir/b.txt", "5b")],
        ];
        let trees: Vec<git2::Oid> = states.iter().map(|s| snapshot(&repo, tmp.path(), s)).collect();
        let mut pairs: Vec<(Option<git2::Oid>, git2::Oid)> = vec![(None, trees[0])];
        pairs.extend(trees.windows(2).map(|w| (Some(w[0]), w[1])));
        pairs.extend(trees.windows(2).map(|w| (Some(w[1]), w[0])));
        pairs.push((Some(trees[0]), trees[5]));
        let mut cache = Trees::default();
        for (old, new) in pairs {
            cache.next_commit();
            let (mine, moves) = cache.diff(&repo, old, new).unwrap();
            let old_tree = old.map(|o| repo.find_tree(o).unwrap());
            let new_tree = repo.find_tree(new).unwrap();
            let diff = repo.diff_tree_to_tree(old_tree.as_ref(), Some(&new_tree), None).unwrap();
            let mut theirs: Vec<(String, ChangeId)> = diff.deltas().filter_map(|d| delta_key(&d)).collect();
            theirs.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(mine, theirs, "{old:?} -> {new}");
            let count = |status| diff.deltas().filter(|d| d.status() == status).count();
            assert_eq!(
                moves,
                count(git2::Delta::Deleted) > 0 && count(git2::Delta::Added) > 0,
                "{old:?} -> {new}"
            );
        }
    }
}
