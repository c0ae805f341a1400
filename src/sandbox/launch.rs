//! Starting a program inside the sandbox, and finding it again to pass it signals.
//!
//! With bubblewrap the process tkx spawns is bwrap's monitor; inside the new PID
//! namespace bwrap's init (its child) starts the program (its grandchild). bwrap does
//! not forward signals, so tkx delivers them to the grandchild itself, found through
//! `/proc/PID/task/PID/children`; killing the init ends everything in the namespace.
//! `sandbox-exec` replaces itself with the program, so there the spawned process is the
//! program.

use super::{Backend, View, macos_profile};
use crate::error::Error;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Signals tkx passes on when a process (not the terminal) sends them.
pub const FORWARDED: [i32; 7] = {
    use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH};
    [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH]
};

/// A command ready to spawn, and the descriptor it must inherit (bubblewrap's seccomp
/// program), kept open until it is spawned.
pub struct Prepared {
    /// The command.
    pub command: Command,
    /// Closed when this is dropped, after the spawn.
    pub inherited: Option<std::os::fd::OwnedFd>,
}

/// The command that starts `program` with `args` in the sandbox, in `cwd`, with exactly
/// `env`.
pub fn command(
    backend: &Backend,
    view: &View,
    program: &OsStr,
    args: &[OsString],
    env: &[(OsString, OsString)],
    cwd: &Path,
) -> Prepared {
    let mut inherited = None;
    let mut c = match backend {
        Backend::Bwrap(bwrap) => {
            let mut c = Command::new(bwrap);
            inherited = seccomp_fd(view);
            let fd = inherited.as_ref().map(std::os::fd::AsRawFd::as_raw_fd);
            // A hidden file removed since the start has nothing to cover, and bubblewrap
            // would create an empty one in its place, in the user's tree.
            let current = View {
                hidden: view.hidden.iter().filter(|h| h.path.symlink_metadata().is_ok()).cloned().collect(),
                run_dir: view.run_dir.clone(),
            };
            c.args(current.bwrap_args(cwd, fd));
            c
        }
        Backend::SandboxExec(p) => {
            let mut c = Command::new(p);
            c.arg("-p").arg(macos_profile(&view.hidden));
            c
        }
    };
    c.arg(program).args(args).env_clear().envs(env.iter().map(|(k, v)| (k, v))).current_dir(cwd);
    Prepared { command: c, inherited }
}

/// A fresh descriptor on the seccomp program (each bubblewrap reads its own from the
/// start), without close-on-exec so bubblewrap inherits it; `None` when there is no
/// program for this architecture.
fn seccomp_fd(view: &View) -> Option<std::os::fd::OwnedFd> {
    let file = std::fs::File::open(view.seccomp_file()).ok()?;
    if file.metadata().ok()?.len() == 0 {
        return None;
    }
    let fd = std::os::fd::OwnedFd::from(file);
    rustix::io::fcntl_setfd(&fd, rustix::io::FdFlags::empty()).ok()?;
    Some(fd)
}

/// Checks, before the sandbox starts, that `program` can be run: found on the `PATH`
/// of `env` (or at its path, relative to `cwd`) and executable. The error is what
/// `execvp` would have said, so it maps to 127 or 126.
pub fn check_program(program: &OsStr, env: &[(OsString, OsString)], cwd: &Path) -> std::io::Result<PathBuf> {
    use std::io::{Error as IoError, ErrorKind};
    use std::os::unix::fs::PermissionsExt;
    let executable = |p: &Path| -> std::io::Result<()> {
        let m = std::fs::metadata(p)?;
        if m.is_dir() || m.permissions().mode() & 0o111 == 0 {
            return Err(IoError::from(ErrorKind::PermissionDenied));
        }
        Ok(())
    };
    let p = Path::new(program);
    if program.is_empty() {
        return Err(IoError::from(ErrorKind::NotFound));
    }
    if p.components().count() > 1 || program.to_string_lossy().contains('/') {
        let full = cwd.join(p);
        executable(&full)?;
        return Ok(full);
    }
    let path = env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.clone()).unwrap_or_default();
    let mut denied = false;
    for dir in std::env::split_paths(&path) {
        let full = cwd.join(dir).join(p);
        match executable(&full) {
            Ok(()) => return Ok(full),
            Err(e) if e.kind() == ErrorKind::PermissionDenied => denied = true,
            Err(_) => {}
        }
    }
    Err(IoError::from(if denied { ErrorKind::PermissionDenied } else { ErrorKind::NotFound }))
}

/// The first child of `pid` (bubblewrap's monitor → the namespace's init → the program).
pub fn first_child(pid: i32) -> Option<i32> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// The PID of the program itself, once it has started.
pub fn program_pid(backend: &Backend, spawned: u32) -> Option<i32> {
    let spawned = i32::try_from(spawned).ok()?;
    match backend {
        Backend::Bwrap(_) => first_child(first_child(spawned)?),
        Backend::SandboxExec(_) => Some(spawned),
    }
}

/// Delivers `sig` to the program in the sandbox started as `spawned`, waiting up to
/// 200 ms for it to start.
pub fn signal(backend: &Backend, spawned: u32, sig: i32) {
    let Ok(sig) = nix::sys::signal::Signal::try_from(sig) else { return };
    for _ in 0..100 {
        if let Some(pid) = program_pid(backend, spawned) {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), sig);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// Ends everything in the sandbox started as `spawned`.
pub fn kill_all(backend: &Backend, spawned: u32) {
    let Ok(spawned) = i32::try_from(spawned) else { return };
    let target = match backend {
        // The namespace's init: when it dies, the kernel kills every process in it.
        Backend::Bwrap(_) => first_child(spawned),
        Backend::SandboxExec(_) => Some(spawned),
    };
    if let Some(pid) = target {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL);
    }
}

/// The exit code for a wrapper's status: its code (bubblewrap reports a program killed
/// by signal N as 128+N), or 128+N when the wrapper itself died of signal N.
pub fn exit_code(status: std::process::ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => u8::try_from(code & 0xff).unwrap_or(1),
        (None, Some(sig)) => u8::try_from(128 + sig).unwrap_or(255),
        (None, None) => 1,
    }
}

/// Runs the agent in the sandbox with the terminal, stdin, stdout and stderr as they
/// are, forwarding the signals a process sends to tkx (a terminal's signals reach the
/// agent directly: it is in the same process group), and returns its exit code.
pub fn run_agent(prepared: Prepared, backend: &Backend) -> Result<u8, Error> {
    let Prepared { command: mut cmd, inherited } = prepared;
    use signal_hook::iterator::SignalsInfo;
    use signal_hook::iterator::exfiltrator::WithOrigin;
    // Registered before spawning, so no signal falls between the two; from here on a
    // Ctrl-C meant for the agent does not end tkx.
    let mut signals = SignalsInfo::<WithOrigin>::new(FORWARDED)
        .map_err(|source| Error::Io { doing: "setting up signal forwarding".into(), source })?;
    let mut child = cmd.spawn().map_err(|source| Error::Launch {
        program: cmd.get_program().to_string_lossy().into_owned(),
        source,
    })?;
    drop(inherited);
    let spawned = child.id();
    let handle = signals.handle();
    let backend2 = backend.clone();
    let forwarder = std::thread::spawn(move || {
        for origin in signals.forever() {
            if origin.process.is_some() || origin.signal == signal_hook::consts::signal::SIGWINCH {
                signal(&backend2, spawned, origin.signal);
            }
        }
    });
    let status =
        child.wait().map_err(|source| Error::Io { doing: "waiting for the agent".into(), source })?;
    handle.close();
    let _ = forwarder.join();
    Ok(exit_code(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_checked_like_execvp() {
        let t = tempfile::tempdir().unwrap();
        let env = vec![(OsString::from("PATH"), OsString::from("/usr/bin:/bin"))];
        assert!(check_program(OsStr::new("sh"), &env, t.path()).is_ok());
        let e = check_program(OsStr::new("no-such-tkx-program"), &env, t.path()).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
        std::fs::write(t.path().join("script"), "#!/bin/sh\n").unwrap();
        let e = check_program(OsStr::new("./script"), &env, t.path()).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied);
        let e = check_program(OsStr::new("./missing"), &env, t.path()).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    }
}
