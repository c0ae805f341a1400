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

/// Runs the child and returns its exit code.
#[cfg(not(unix))]
pub fn run(launch: Launch) -> Result<u8, Error> {
    let status = launch.command().status().map_err(|e| launch.failed(e))?;
    Ok(status.code().map_or(1, |c| u8::try_from(c & 0xff).unwrap_or(1)))
}
