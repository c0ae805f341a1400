//! Installing, removing and describing tkx's git hooks. The scripts are `hooks/` of this
//! repository, embedded at build time. An existing hook that is not tkx's is never
//! overwritten silently: `--chain` keeps it and runs it first, `--force` replaces it and
//! keeps a backup, and `uninstall` puts it back.

use crate::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

/// The marker that identifies a hook tkx wrote.
pub const MARKER: &str = "tkx-managed-hook";

/// A hook tkx manages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hook {
    /// `pre-commit`.
    PreCommit,
    /// `pre-push`.
    PrePush,
}

impl Hook {
    /// Both, in the order they are installed.
    pub const ALL: [Hook; 2] = [Hook::PreCommit, Hook::PrePush];

    /// The file name in the hooks directory.
    pub fn name(self) -> &'static str {
        match self {
            Hook::PreCommit => "pre-commit",
            Hook::PrePush => "pre-push",
        }
    }

    /// The script.
    pub fn script(self) -> &'static str {
        match self {
            Hook::PreCommit => include_str!("../../hooks/pre-commit"),
            Hook::PrePush => include_str!("../../hooks/pre-push"),
        }
    }
}

/// What is in a hook's place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// Nothing.
    Absent,
    /// tkx's hook; `chained` when it runs a previous hook first.
    Ours {
        /// Whether a previous hook is kept and run first.
        chained: bool,
    },
    /// Somebody else's hook.
    Foreign,
}

/// How to install over an existing hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Refuse to touch a foreign hook.
    Plain,
    /// Keep the foreign hook and run it first.
    Chain,
    /// Replace the foreign hook, keeping a backup.
    Force,
}

fn path(dir: &Path, hook: Hook) -> PathBuf {
    dir.join(hook.name())
}

fn sibling(dir: &Path, hook: Hook, suffix: &str) -> PathBuf {
    dir.join(format!("{}.{suffix}", hook.name()))
}

/// What is installed for `hook` in `dir`.
pub fn state(dir: &Path, hook: Hook) -> State {
    match fs::read(path(dir, hook)) {
        Err(_) => State::Absent,
        Ok(bytes) if memchr::memmem::find(&bytes, MARKER.as_bytes()).is_some() => {
            State::Ours { chained: sibling(dir, hook, "tkx-chained").exists() }
        }
        Ok(_) => State::Foreign,
    }
}

fn io(doing: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { doing, source }
}

/// Why a plain install will not touch a foreign hook, and the two ways forward.
pub fn refusal(dir: &Path, hook: Hook) -> Error {
    let name = hook.name();
    Error::refused(
        format!("{}: a {name} hook that is not tkx's is already there", path(dir, hook).display()),
        Some(format!(
            "`tkx hook install --chain` keeps it and runs it before tkx; `--force` replaces it (it is kept as {name}.tkx-backup)"
        )),
    )
}

/// The `.husky` directory when `dir` is husky's: v9 sets `core.hooksPath` to `.husky/_`,
/// older versions to `.husky`.
pub fn husky(dir: &Path) -> Option<PathBuf> {
    let husky = if dir.file_name()? == "_" { dir.parent()? } else { dir };
    (husky.file_name()? == ".husky").then(|| husky.to_path_buf())
}

/// The line that runs tkx from husky's script for `hook` (`.husky/<name>`).
pub fn husky_line(hook: Hook) -> &'static str {
    match hook {
        Hook::PreCommit => "tkx hook run",
        Hook::PrePush => "tkx hook run --hook pre-push --push-args \"$@\"",
    }
}

/// Whether husky's script for `hook` runs tkx in that hook's mode (a pre-push script
/// that runs plain `tkx hook run` checks the index, not the push).
pub fn husky_runs_tkx(husky: &Path, hook: Hook) -> bool {
    let runs = |l: &str| {
        !l.trim_start().starts_with('#')
            && l.contains("tkx hook run")
            && (hook == Hook::PreCommit) != l.contains("--hook pre-push")
    };
    fs::read_to_string(husky.join(hook.name())).is_ok_and(|text| text.lines().any(runs))
}

/// Why tkx does not install into husky's directory, and what to do instead. husky
/// regenerates `.husky/_` (its scripts find the user's hook by their own file name, so a
/// hook moved aside by `--chain` would silently stop running), and `.husky/<name>` are the
/// team's own committed scripts.
pub fn husky_refusal(husky: &Path) -> Error {
    Error::refused(
        format!("core.hooksPath is husky's ({}); tkx does not write into it", husky.display()),
        Some(format!(
            "add the line `{}` to {}, and `{}` to {}",
            husky_line(Hook::PreCommit),
            husky.join("pre-commit").display(),
            husky_line(Hook::PrePush),
            husky.join("pre-push").display()
        )),
    )
}

/// Installs `hook` into `dir` (created if missing) and says what it did.
pub fn install(dir: &Path, hook: Hook, mode: Mode) -> Result<String, Error> {
    fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
    let _lock = crate::fsutil::lock_dir(dir).map_err(io(format!("locking {}", dir.display())))?;
    let target = path(dir, hook);
    let name = hook.name();
    let said = match (state(dir, hook), mode) {
        (State::Ours { .. }, _) => format!("{name}: already installed (refreshed)"),
        (State::Absent, _) => format!("{name}: installed"),
        (State::Foreign, Mode::Plain) => return Err(refusal(dir, hook)),
        (State::Foreign, Mode::Chain) => {
            let kept = sibling(dir, hook, "tkx-chained");
            fs::rename(&target, &kept).map_err(io(format!("moving {} aside", target.display())))?;
            format!("{name}: installed; the existing hook runs first (kept as {})", kept.display())
        }
        (State::Foreign, Mode::Force) => {
            let backup = sibling(dir, hook, "tkx-backup");
            fs::rename(&target, &backup).map_err(io(format!("moving {} aside", target.display())))?;
            format!("{name}: installed; the existing hook was replaced (backup: {})", backup.display())
        }
    };
    crate::fsutil::write_atomic(&target, hook.script().as_bytes(), 0o755)
        .map_err(io(format!("writing {}", target.display())))?;
    set_executable(&target).map_err(io(format!("chmod +x {}", target.display())))?;
    Ok(said)
}

/// Removes tkx's `hook` from `dir` and restores what was there before.
pub fn uninstall(dir: &Path, hook: Hook) -> Result<String, Error> {
    let name = hook.name();
    let target = path(dir, hook);
    match state(dir, hook) {
        State::Absent => return Ok(format!("{name}: not installed")),
        State::Foreign => return Ok(format!("{name}: not tkx's hook; left alone")),
        State::Ours { .. } => {}
    }
    fs::remove_file(&target).map_err(io(format!("removing {}", target.display())))?;
    for suffix in ["tkx-chained", "tkx-backup"] {
        let kept = sibling(dir, hook, suffix);
        if kept.exists() {
            fs::rename(&kept, &target).map_err(io(format!("restoring {}", kept.display())))?;
            return Ok(format!("{name}: removed; the previous hook is back"));
        }
    }
    Ok(format!("{name}: removed"))
}

#[cfg(unix)]
fn set_executable(p: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_executable(_p: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_chain_force_uninstall_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert_eq!(state(d, Hook::PreCommit), State::Absent);
        install(d, Hook::PreCommit, Mode::Plain).unwrap();
        assert_eq!(state(d, Hook::PreCommit), State::Ours { chained: false });
        assert_eq!(fs::read_to_string(d.join("pre-commit")).unwrap(), Hook::PreCommit.script());
        assert!(install(d, Hook::PreCommit, Mode::Plain).unwrap().contains("already installed"));
        uninstall(d, Hook::PreCommit).unwrap();
        assert_eq!(state(d, Hook::PreCommit), State::Absent);

        fs::write(d.join("pre-commit"), "#!/bin/sh\necho mine\n").unwrap();
        assert!(install(d, Hook::PreCommit, Mode::Plain).is_err());
        assert_eq!(fs::read_to_string(d.join("pre-commit")).unwrap(), "#!/bin/sh\necho mine\n");
        install(d, Hook::PreCommit, Mode::Chain).unwrap();
        assert_eq!(state(d, Hook::PreCommit), State::Ours { chained: true });
        uninstall(d, Hook::PreCommit).unwrap();
        assert_eq!(fs::read_to_string(d.join("pre-commit")).unwrap(), "#!/bin/sh\necho mine\n");
        install(d, Hook::PreCommit, Mode::Force).unwrap();
        assert!(d.join("pre-commit.tkx-backup").exists());
        uninstall(d, Hook::PreCommit).unwrap();
        assert_eq!(fs::read_to_string(d.join("pre-commit")).unwrap(), "#!/bin/sh\necho mine\n");
    }
}
