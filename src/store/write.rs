//! The guarded edit of one env file: read it, refusing what tkx must not edit, then
//! replace it atomically with mode 0600 (through a symlink, keeping its owner).
//!
//! Every refusal happens in [`Current::read`], before a command asks for a value, so
//! nobody pastes a key only to be told the file cannot be written. Writing needs the
//! file's [`lock`], held from a fresh read to the rename, so two tkx runs editing one
//! file never lose each other's change: [`Current::set`] takes it, reads the file again
//! and applies the edit to what is there now. This module never prints: what is worth
//! telling comes back as [`Finding`]s.

use super::Dest;
use crate::envfile::{self, edit};
use crate::error::{Error, FileProblem, io_reason};
use crate::fsutil::DirLock;
use crate::layers::{Layer, discover};
use crate::report::{Finding, Location};
use crate::rotation;
use crate::secret::Secret;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The target file as it is now.
pub struct Current {
    /// Its text; empty when it does not exist.
    pub text: String,
    /// Whether the file exists.
    pub exists: bool,
    /// Where the bytes live: the symlink's target for a link.
    pub real: PathBuf,
    /// Whether the file is addressed through a symlink.
    via_link: bool,
    /// Mode, owner and group (Unix).
    #[cfg(unix)]
    meta: Option<(u32, u32, u32)>,
}

impl Current {
    /// Reads the target, refusing what tkx must not edit: a directory, a dangling
    /// symlink, a device or FIFO, a file that is not UTF-8, a missing directory.
    pub fn read(dest: &Dest) -> Result<Current, Error> {
        let io_err = |source| Error::Io { doing: format!("reading {}", dest.display), source };
        let link = match fs::symlink_metadata(&dest.path) {
            Ok(m) => Some(m.file_type().is_symlink()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_err(e)),
        };
        let Some(is_link) = link else {
            let parent = dest.path.parent().unwrap_or(Path::new("/"));
            if matches!(dest.layer, Layer::Project | Layer::File) && !parent.is_dir() {
                return Err(Error::refused(
                    format!(
                        "cannot create {}: the directory {} does not exist",
                        dest.display,
                        parent.display()
                    ),
                    None,
                ));
            }
            return Ok(Current {
                text: String::new(),
                exists: false,
                real: dest.path.clone(),
                via_link: false,
                #[cfg(unix)]
                meta: None,
            });
        };
        let real = if is_link {
            match fs::canonicalize(&dest.path) {
                Ok(real) => real,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    let to = fs::read_link(&dest.path).map(|p| p.display().to_string()).unwrap_or_default();
                    return Err(Error::refused(
                        format!(
                            "{} is a symlink to {to}, which does not exist: nothing was written",
                            dest.display
                        ),
                        Some("create the file it points to, or remove the link".into()),
                    ));
                }
                Err(e) => return Err(io_err(e)),
            }
        } else {
            dest.path.clone()
        };
        let meta = fs::metadata(&real).map_err(io_err)?;
        if meta.is_dir() {
            return Err(Error::File { path: dest.display.clone(), problem: FileProblem::IsDirectory });
        }
        if !meta.is_file() {
            return Err(Error::refused(
                format!(
                    "{} is {}, not a regular file: tkx edits only regular files",
                    dest.display,
                    crate::fsutil::kind(&meta)
                ),
                None,
            ));
        }
        let text = envfile::read_text(&real)
            .map_err(|problem| Error::File { path: dest.display.clone(), problem })?;
        Ok(Current {
            text,
            exists: true,
            real,
            via_link: is_link,
            #[cfg(unix)]
            meta: {
                use std::os::unix::fs::MetadataExt;
                Some((meta.mode() & 0o777, meta.uid(), meta.gid()))
            },
        })
    }

    /// Sets `key` to `value` in the file (every other byte kept) and writes it, under
    /// the file's lock and on the file as it is now (another tkx may have written it
    /// since [`Current::read`]): the edit, and the notes [`Current::write`] returns.
    pub fn set(
        &mut self,
        dest: &Dest,
        key: &str,
        value: &Secret,
    ) -> Result<(edit::Set, Vec<Finding>), Error> {
        let lock = lock(dest)?;
        *self = Current::read(dest)?;
        let edited = edit::set(&self.text, key, value.expose()).map_err(edit_error)?;
        let notes = self.write(&lock, dest, &edited.text)?;
        Ok((edited, notes))
    }

    /// Writes `text` atomically with mode 0600 and returns the notes worth telling: a
    /// looser mode it had, the symlink written through, an owner kept. `_lock` is the
    /// proof that the caller holds the file's [`lock`] since it read `self`.
    pub fn write(&self, _lock: &DirLock, dest: &Dest, text: &str) -> Result<Vec<Finding>, Error> {
        let mut notes = Vec::new();
        let at = || Some(Location { path: dest.display.clone(), line: 0, column: 0 });
        if !self.exists && matches!(dest.layer, Layer::User | Layer::Private) {
            if let Some(parent) = dest.path.parent() {
                rotation::create_private_dir(parent).map_err(|source| Error::Io {
                    doing: format!("creating {}", parent.display()),
                    source,
                })?;
            }
        }
        #[cfg(unix)]
        if let Some((mode, _, _)) = self.meta {
            // Tighten before writing, so the new value is never readable by others, not
            // even for a moment; only the owner may chmod, which also stops tkx from
            // replacing another user's file.
            if mode != 0o600 {
                use std::os::unix::fs::PermissionsExt;
                fs::set_permissions(&self.real, fs::Permissions::from_mode(0o600)).map_err(|e| {
                    Error::refused(
                        format!("{}: cannot make it private (chmod 600): {}; nothing was written", dest.display, io_reason(&e)),
                        Some("it belongs to another user: ask them, or write your own file with --user or -f PATH".into()),
                    )
                })?;
            }
            if mode & 0o077 != 0 {
                notes.push(Finding::warning("set/permissions", format!("the file had mode {mode:04o}, readable or writable by others; it is 0600 now")).located(at()).hint("anyone who could read it may have copied its keys: consider `tkx rotate KEY` for each"));
            }
        }
        if self.exists && text == self.text {
            return Ok(notes);
        }
        crate::fsutil::write_atomic(&self.real, text.as_bytes(), 0o600).map_err(|e| {
            let dir = self.real.parent().map(|p| p.display().to_string()).unwrap_or_default();
            match e.kind() {
                io::ErrorKind::PermissionDenied => Error::refused(
                    format!("writing {}: {}; nothing was changed", dest.display, io_reason(&e)),
                    Some(format!(
                        "tkx writes a temporary file in {dir} and renames it over the old one, so that directory must be writable"
                    )),
                ),
                _ => Error::Io { doing: format!("writing {} (nothing was changed)", dest.display), source: e },
            }
        })?;
        #[cfg(unix)]
        if let Some((_, uid, gid)) = self.meta {
            // Root editing someone else's file must not take it over.
            use std::os::unix::fs::MetadataExt;
            if let Ok(now) = fs::metadata(&self.real) {
                if (now.uid(), now.gid()) != (uid, gid)
                    && std::os::unix::fs::chown(&self.real, Some(uid), Some(gid)).is_err()
                {
                    notes.push(
                        Finding::warning(
                            "set/owner",
                            format!("the file belonged to uid {uid}; it now belongs to tkx's user"),
                        )
                        .located(at())
                        .hint(format!("chown {uid}:{gid} {}", self.real.display())),
                    );
                }
            }
        }
        if self.via_link {
            notes.push(
                Finding::note(
                    "set/symlink",
                    format!("a symlink: wrote through to {} and kept the link", self.real.display()),
                )
                .located(at()),
            );
        }
        Ok(notes)
    }
}

/// Takes the lock that guards `dest`'s file: `$TKX_DIR`'s for the user file and the
/// private stores (created 0700 if needed; their own directories may not exist yet),
/// the file's directory's for the rest (see [`crate::fsutil::lock_for`]). Another tkx
/// holding it for [`crate::fsutil::LOCK_WAIT`] is a refusal.
pub fn lock(dest: &Dest) -> Result<DirLock, Error> {
    if let Some(root) = discover::store_root(&dest.path, dest.layer) {
        rotation::create_private_dir(root)
            .map_err(|source| Error::Io { doing: format!("creating {}", root.display()), source })?;
    }
    crate::fsutil::lock_dir(&lock_dir(dest)).map_err(|e| match e.kind() {
        io::ErrorKind::TimedOut => Error::refused(
            format!("{}: {}; nothing was changed", dest.display, e),
            Some("wait for it to finish and run the command again; `pgrep -a tkx` shows it".into()),
        ),
        _ => Error::Io { doing: format!("locking {} for writing", dest.display), source: e },
    })
}

/// The directory whose lock guards `dest`'s file (see [`lock`]).
fn lock_dir(dest: &Dest) -> PathBuf {
    match discover::store_root(&dest.path, dest.layer) {
        Some(root) => root.to_path_buf(),
        None => crate::fsutil::lock_key(&dest.path),
    }
}

/// Locks the files of several destinations at once, each lock once and in one order,
/// so two runs locking the same pair cannot wait on each other for ever.
pub fn lock_all(dests: &[&Dest]) -> Result<Vec<DirLock>, Error> {
    let mut sorted: Vec<&Dest> = dests.to_vec();
    sorted.sort_by_key(|d| lock_dir(d));
    sorted.dedup_by_key(|d| lock_dir(d));
    sorted.into_iter().map(lock).collect()
}

/// An edit that cannot be made, as the refusal the commands report.
pub fn edit_error(e: edit::EditError) -> Error {
    Error::refused(e.to_string(), None)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn dest(path: PathBuf) -> Dest {
        Dest { display: "shown.env".into(), path, layer: Layer::Project }
    }

    fn rules(notes: &[Finding]) -> Vec<&str> {
        notes.iter().map(|f| &*f.rule).collect()
    }

    #[test]
    fn a_new_file_is_created_private() {
        let t = tempfile::tempdir().unwrap();
        let d = dest(t.path().join(".env"));
        let mut cur = Current::read(&d).unwrap();
        assert!(!cur.exists && cur.text.is_empty());
        let (edited, notes) = cur.set(&d, "K", &Secret::new("v")).unwrap();
        assert_eq!(edited.change, edit::Change::Appended { line: 1 });
        assert!(notes.is_empty());
        assert_eq!(fs::read_to_string(&d.path).unwrap(), "K=v\n");
        assert_eq!(fs::metadata(&d.path).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn a_loose_mode_is_tightened_and_reported() {
        let t = tempfile::tempdir().unwrap();
        let d = dest(t.path().join(".env"));
        fs::write(&d.path, "A=1\n").unwrap();
        fs::set_permissions(&d.path, fs::Permissions::from_mode(0o644)).unwrap();
        let lock = lock(&d).unwrap();
        let notes = Current::read(&d).unwrap().write(&lock, &d, "A=2\n").unwrap();
        assert_eq!(rules(&notes), ["set/permissions"]);
        assert_eq!(fs::metadata(&d.path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(fs::read_to_string(&d.path).unwrap(), "A=2\n");
    }

    #[test]
    fn a_symlink_is_written_through_and_kept() {
        let t = tempfile::tempdir().unwrap();
        let real = t.path().join("real.env");
        fs::write(&real, "A=1\n").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
        let d = dest(t.path().join(".env"));
        std::os::unix::fs::symlink(&real, &d.path).unwrap();
        let lock = lock(&d).unwrap();
        let notes = Current::read(&d).unwrap().write(&lock, &d, "A=2\n").unwrap();
        assert_eq!(rules(&notes), ["set/symlink"]);
        assert!(fs::symlink_metadata(&d.path).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "A=2\n");
    }

    #[test]
    fn what_tkx_must_not_edit_is_refused_before_anything_is_asked() {
        let t = tempfile::tempdir().unwrap();
        let refuse =
            |path: PathBuf| Current::read(&dest(path)).err().map(|e| e.to_string()).unwrap_or_default();
        let dangling = t.path().join("dangling.env");
        std::os::unix::fs::symlink(t.path().join("gone"), &dangling).unwrap();
        assert!(refuse(dangling).contains("is a symlink to"));
        fs::create_dir(t.path().join("dir.env")).unwrap();
        assert!(matches!(
            Current::read(&dest(t.path().join("dir.env"))),
            Err(Error::File { problem: FileProblem::IsDirectory, .. })
        ));
        assert_eq!(
            refuse(PathBuf::from("/dev/null")),
            "shown.env is a device, not a regular file: tkx edits only regular files"
        );
        assert!(refuse(t.path().join("no/such/dir/.env")).contains("does not exist"));
    }
}
