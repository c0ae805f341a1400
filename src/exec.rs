//! The only module that starts a child process.
//!
//! On Unix tkx replaces itself with the child (`execvp`), so the exit code, signals,
//! stdin, stdout, stderr and the controlling terminal belong to the child and nothing
//! of tkx stays in between. Elsewhere the child is spawned and waited for.

use crate::error::Error;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

/// What to run, with exactly which environment.
#[derive(Debug)]
pub struct Launch {
    /// The program, looked up in the child's `PATH` when it has no `/`.
    pub program: OsString,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// The child's whole environment.
    pub env: Vec<(OsString, OsString)>,
    /// The child's working directory, when not tkx's own (`-C`).
    pub dir: Option<PathBuf>,
}

impl Launch {
    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args).env_clear().envs(self.env.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = &self.dir {
            cmd.current_dir(dir);
        }
        cmd
    }

    fn failed(&self, source: std::io::Error) -> Error {
        Error::Launch { program: self.program.to_string_lossy().into_owned(), source }
    }
}

/// Runs the child. On Unix this returns only if the child could not be started.
#[cfg(unix)]
pub fn run(launch: Launch) -> Result<u8, Error> {
    use std::os::unix::process::CommandExt;
    let source = launch.command().exec();
    Err(launch.failed(source))
}

/// Runs the child with its stdout and stderr piped through the redaction engine, stdin
/// passed through, and SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH
/// forwarded (those sent to tkx by a process; a terminal's Ctrl-C already reaches the
/// whole foreground group). When the child dies of a signal, tkx dies of the same one.
#[cfg(unix)]
pub fn run_redacted(
    launch: Launch,
    engine: &crate::redact::Engine,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> Result<u8, Error> {
    use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH};
    use signal_hook::iterator::SignalsInfo;
    use signal_hook::iterator::exfiltrator::WithOrigin;
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;

    let forwarded = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH];
    // Register before spawning, so no signal falls between the two.
    let mut signals = SignalsInfo::<WithOrigin>::new(forwarded)
        .map_err(|source| Error::Io { doing: "setting up signal forwarding".into(), source })?;
    let mut cmd = launch.command();
    cmd.stdin(Stdio::inherit()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| launch.failed(e))?;
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap_or(i32::MAX));
    let handle = signals.handle();
    let forwarder = std::thread::spawn(move || {
        for origin in signals.forever() {
            // A signal from the kernel (a terminal's Ctrl-C, a window resize) went to the
            // child's process group too; forwarding it would deliver it twice.
            let from_process = origin.process.is_some();
            if from_process || origin.signal == SIGWINCH {
                if let Ok(sig) = nix::sys::signal::Signal::try_from(origin.signal) {
                    let _ = nix::sys::signal::kill(pid, sig);
                }
            }
        }
    });
    let sources = crate::redact::child_sources(&mut child);
    // A closed stdout of ours must not kill the child's output handling halfway; keep
    // waiting for the child either way.
    let pumped = crate::redact::pump(engine, sources, &mut [out, err]);
    let status =
        child.wait().map_err(|source| Error::Io { doing: "waiting for the command".into(), source })?;
    handle.close();
    let _ = forwarder.join();
    if let Err(e) = pumped {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(Error::Output(e));
        }
    }
    if let Some(code) = status.code() {
        return Ok(u8::try_from(code & 0xff).unwrap_or(1));
    }
    let sig = status.signal().unwrap_or(0);
    // Die the same way, so our parent sees what it would have seen without tkx.
    let _ = signal_hook::low_level::emulate_default_handler(sig);
    Ok(u8::try_from(128 + sig).unwrap_or(255))
}

/// Runs the child and returns its exit code.
#[cfg(not(unix))]
pub fn run(launch: Launch) -> Result<u8, Error> {
    let status = launch.command().status().map_err(|e| launch.failed(e))?;
    Ok(status.code().map_or(1, |c| u8::try_from(c & 0xff).unwrap_or(1)))
}
