//! `permissions`: env files must be 0600, `$TKX_DIR` and its store directories 0700.

use super::{Check, Project};
use crate::error::Error;
use crate::report::{Finding, Severity};
use std::fs;
use std::path::{Path, PathBuf};

/// The check.
pub struct Permissions;

/// A path whose mode is looser than it should be.
struct Loose {
    path: PathBuf,
    display: String,
    mode: u32,
    want: u32,
    /// The symlink's target, when `path` is a link.
    target: Option<PathBuf>,
    is_dir: bool,
}

#[cfg(unix)]
fn mode_of(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).ok().map(|m| m.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn mode_of(_path: &Path) -> Option<u32> {
    None
}

fn loose(project: &Project) -> Vec<Loose> {
    let mut out = Vec::new();
    for f in project.env_files() {
        let Some(mode) = mode_of(&f.path) else { continue };
        // References and plain settings are meant to be shared.
        if mode & 0o077 != 0 && !crate::envfile::shareable_file(&f.path) {
            let is_link = f.path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink());
            let target = is_link.then(|| fs::canonicalize(&f.path).ok()).flatten();
            out.push(Loose {
                path: f.path.clone(),
                display: f.display.clone(),
                mode,
                want: 0o600,
                target,
                is_dir: false,
            });
        }
    }
    if let Some(dir) = project.tkx_dir() {
        let private = crate::layers::discover::private_store(dir, project.dir());
        let mut dirs = vec![dir.to_path_buf()];
        if let Some(store_dir) = private.parent() {
            dirs.push(dir.join("projects"));
            dirs.push(store_dir.to_path_buf());
        }
        for d in dirs {
            if let Some(mode) = mode_of(&d) {
                if mode & 0o077 != 0 && d.is_dir() {
                    let display = d.display().to_string();
                    out.push(Loose { path: d, display, mode, want: 0o700, target: None, is_dir: true });
                }
            }
        }
    }
    out
}

impl Check for Permissions {
    fn name(&self) -> &'static str {
        "permissions"
    }

    fn run(&self, project: &Project) -> Vec<Finding> {
        loose(project)
            .into_iter()
            .map(|l| {
                let via = l
                    .target
                    .as_ref()
                    .map(|t| format!(" (through the symlink to {})", t.display()))
                    .unwrap_or_default();
                let who = if l.mode & 0o007 != 0 { "group and others" } else { "its group" };
                Finding::new(
                    if l.is_dir { "doctor/dir-permissions" } else { "doctor/permissions" },
                    if l.is_dir { Severity::Warning } else { Severity::Error },
                    format!(
                        "mode {:04o} lets {who} read or write it{via}; it should be {:04o}",
                        l.mode, l.want
                    ),
                )
                .at(l.display, 0, 0)
                .hint(format!(
                    "chmod {:o} {}, or run `tkx doctor --fix`",
                    l.want,
                    l.path.display()
                ))
            })
            .collect()
    }

    fn fix(&self, project: &Project) -> Result<Vec<String>, Error> {
        let mut done = Vec::new();
        for l in loose(project) {
            let target = l.target.clone().unwrap_or_else(|| l.path.clone());
            set_mode(&target, l.want).map_err(|source| Error::Io {
                doing: format!("chmod {:o} {}", l.want, target.display()),
                source,
            })?;
            let via =
                l.target.map(|t| format!(" (the symlink's target {})", t.display())).unwrap_or_default();
            done.push(format!("set {}{via} to mode {:04o}", l.display, l.want));
        }
        Ok(done)
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}
