//! The only module that talks to git (through libgit2). Nothing else imports git2.

use std::path::{Path, PathBuf};

/// A git work tree.
pub struct Repo {
    repo: git2::Repository,
    workdir: PathBuf,
}

impl Repo {
    /// The work tree that contains `dir`, if any (bare repositories have none).
    pub fn discover(dir: &Path) -> Option<Repo> {
        let repo = git2::Repository::discover(dir).ok()?;
        let workdir = repo.workdir()?.canonicalize().ok()?;
        Some(Repo { repo, workdir })
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
}
