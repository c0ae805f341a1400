//! Where the layers live: the project directory, `$TKX_DIR`, the private store.

use sha2::{Digest, Sha256};
use std::path::{Component, Path, PathBuf};

/// The project directory: the nearest directory from `cwd` upward that holds a `.env`
/// or `.env.example`, not crossing the root of the enclosing git work tree; `cwd` if none.
pub fn project_dir(cwd: &Path) -> PathBuf {
    for dir in cwd.ancestors() {
        if [".env", ".env.example"].iter().any(|f| dir.join(f).symlink_metadata().is_ok()) {
            return dir.to_path_buf();
        }
        if dir.join(".git").symlink_metadata().is_ok() {
            break;
        }
    }
    cwd.to_path_buf()
}

/// The platform default for `$TKX_DIR` (Linux: `~/.config/tkx`).
pub fn default_tkx_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "tkx").map(|d| d.config_dir().to_path_buf())
}

/// tkx's cache directory, from `$XDG_CACHE_HOME` and `$HOME` as given (Linux:
/// `~/.cache/tkx`; macOS: `~/Library/Caches/tkx`). It holds nothing secret.
pub fn cache_dir(xdg_cache_home: Option<PathBuf>, home: Option<&Path>) -> Option<PathBuf> {
    if cfg!(target_os = "macos") {
        return home.map(|h| h.join("Library/Caches/tkx"));
    }
    if cfg!(windows) {
        return directories::ProjectDirs::from("", "", "tkx").map(|d| d.cache_dir().to_path_buf());
    }
    match xdg_cache_home.filter(|x| x.is_absolute()) {
        Some(x) => Some(x.join("tkx")),
        None => home.filter(|h| h.is_absolute()).map(|h| h.join(".cache/tkx")),
    }
}

/// The private store's id for a project: its directory name, `-`, and the first 8 hex
/// digits of SHA-256 of its canonical path.
pub fn project_id(project_dir: &Path) -> String {
    let name = project_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "root".to_owned());
    let digest = Sha256::digest(path_bytes(project_dir));
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{name}-{hex}")
}

#[cfg(unix)]
fn path_bytes(p: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    p.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(p: &Path) -> Vec<u8> {
    p.to_string_lossy().as_bytes().to_vec()
}

/// The private store file of a project: `$TKX_DIR/projects/<id>/.env`. For a project
/// in a git repository the id comes from the repository's first commit and the
/// project's place in it ([`repo_id`]), so the store follows the project when it is
/// moved, renamed or cloned again; elsewhere it comes from the path ([`project_id`]). A
/// store made under the path id moves to the repository's id the first time it is seen
/// (a rename in `$TKX_DIR/projects`).
pub fn private_store(tkx_dir: &Path, project_dir: &Path) -> PathBuf {
    let projects = tkx_dir.join("projects");
    let by_path = projects.join(project_id(project_dir));
    let Some(id) = repo_id(tkx_dir, project_dir) else { return by_path.join(".env") };
    let dir = projects.join(id);
    if !dir.exists() && by_path.is_dir() && std::fs::rename(&by_path, &dir).is_err() && by_path.is_dir() {
        return by_path.join(".env");
    }
    dir.join(".env")
}

/// A private store that may have served this project before it moved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Orphan {
    /// Its directory.
    pub dir: PathBuf,
    /// When its `.env` was last written (`YYYY-MM-DD`).
    pub written: String,
}

/// The stores in `$TKX_DIR/projects` that were made for a directory of this project's
/// name at another path (`app-1a2b3c4d` for a project now at another `…/app`): what a
/// project that is not in git leaves behind when it moves.
pub fn orphan_stores(tkx_dir: &Path, project_dir: &Path) -> Vec<Orphan> {
    let name = project_id(project_dir);
    let Some((stem, _)) = name.rsplit_once('-') else { return Vec::new() };
    let Ok(entries) = std::fs::read_dir(tkx_dir.join("projects")) else { return Vec::new() };
    let mut out: Vec<Orphan> = entries
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n != name
                && n.rsplit_once('-').is_some_and(|(s, hash)| {
                    s == stem && hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit())
                })
        })
        .filter_map(|e| {
            let modified = std::fs::metadata(e.path().join(".env")).ok()?.modified().ok()?;
            let written =
                jiff::Timestamp::try_from(modified).map(|t| t.strftime("%Y-%m-%d").to_string()).ok()?;
            Some(Orphan { dir: e.path(), written })
        })
        .collect();
    out.sort_by(|a, b| a.dir.cmp(&b.dir));
    out
}

/// The store id of a project inside a git work tree: `git-` and 16 hex digits of
/// SHA-256 of the repository's first commit and the project's path in the work tree.
/// `None` outside a work tree or before the first commit. The first commit is found once
/// per project path and remembered in `$TKX_DIR/projects/.ids/`, so later runs open no
/// repository at all.
pub fn repo_id(tkx_dir: &Path, project_dir: &Path) -> Option<String> {
    let top = project_dir.ancestors().find(|d| d.join(".git").symlink_metadata().is_ok())?;
    let rel = project_dir.strip_prefix(top).ok()?;
    let memo = tkx_dir.join("projects/.ids").join(project_id(project_dir));
    let root = match std::fs::read_to_string(&memo) {
        Ok(root) if root.trim().len() == 40 => root.trim().to_owned(),
        _ => {
            let root = crate::git::Repo::discover(project_dir)?.root_commit()?;
            if let Some(parent) = memo.parent() {
                if crate::rotation::create_private_dir(parent).is_ok() {
                    if let Ok(_lock) = crate::fsutil::lock_dir(parent) {
                        let _ = crate::fsutil::write_atomic(&memo, format!("{root}\n").as_bytes(), 0o600);
                    }
                }
            }
            root
        }
    };
    let mut h = Sha256::new();
    h.update(root.as_bytes());
    h.update([0]);
    h.update(path_bytes(rel));
    let hex: String = h.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    Some(format!("git-{hex}"))
}

/// The `$TKX_DIR` a user file (`$TKX_DIR/.env`) or a private store
/// ([`private_store`]) lives in.
pub fn store_root(store: &Path, layer: super::Layer) -> Option<&Path> {
    match layer {
        super::Layer::User => store.parent(),
        super::Layer::Private => store.parent()?.parent()?.parent(),
        _ => None,
    }
}

/// How to show `path` to a user working in `cwd` inside `project`: relative to `cwd`
/// when it is under the project (with `..` when the project is above `cwd`), else absolute.
pub fn display_path(path: &Path, cwd: &Path, project: &Path) -> String {
    let shown = if let Ok(rel) = path.strip_prefix(cwd) {
        rel.to_path_buf()
    } else if let (Ok(rel), Ok(up)) = (path.strip_prefix(project), cwd.strip_prefix(project)) {
        let mut p = PathBuf::new();
        for c in up.components() {
            if matches!(c, Component::Normal(_)) {
                p.push("..");
            }
        }
        p.join(rel)
    } else {
        path.to_path_buf()
    };
    let s = shown.to_string_lossy().into_owned();
    if cfg!(windows) { s.replace('\\', "/") } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn project_dir_is_the_nearest_with_an_env_file_within_the_repo() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        let repo = root.join("repo");
        let deep = repo.join("a/b");
        fs::create_dir_all(&deep).unwrap();
        fs::create_dir(repo.join(".git")).unwrap();
        fs::write(root.join(".env"), "X=1").unwrap();
        // The .env above the git root is not this project's.
        assert_eq!(project_dir(&deep), deep);
        fs::write(repo.join(".env.example"), "X=").unwrap();
        assert_eq!(project_dir(&deep), repo);
        fs::write(repo.join("a/.env"), "X=1").unwrap();
        assert_eq!(project_dir(&deep), repo.join("a"));
    }

    #[test]
    fn project_id_shape() {
        let id = project_id(Path::new("/home/u/agent"));
        assert!(id.starts_with("agent-"), "{id}");
        assert_eq!(id.len(), "agent-".len() + 8);
        assert_eq!(id, project_id(Path::new("/home/u/agent")));
        assert_ne!(id, project_id(Path::new("/home/v/agent")));
    }

    #[test]
    fn display_paths() {
        let p = Path::new("/p");
        assert_eq!(display_path(Path::new("/p/.env"), Path::new("/p"), p), ".env");
        assert_eq!(display_path(Path::new("/p/.env"), Path::new("/p/a/b"), p), "../../.env");
        assert_eq!(display_path(Path::new("/h/.config/tkx/.env"), Path::new("/p"), p), "/h/.config/tkx/.env");
    }
}
