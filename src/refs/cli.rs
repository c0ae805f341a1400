//! Running a vendor's CLI: argv, never a shell; input on a pipe; output captured in
//! memory; killed with its whole process group at the deadline.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run of a CLI gave.
#[derive(Debug)]
pub struct Ran {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Everything it wrote to stdout (it may hold values: never shown).
    pub stdout: Vec<u8>,
    /// Everything it wrote to stderr.
    pub stderr: String,
}

impl Ran {
    /// Whether it exited 0.
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }
}

/// Why a CLI gave nothing.
#[derive(Debug)]
pub enum RunError {
    /// The program is not on `PATH` (or not at the path given).
    Missing(String),
    /// It could not be started for another reason.
    Start(String),
    /// The deadline passed; it was killed.
    Timeout,
}

/// One CLI call.
pub struct Call<'a> {
    /// The program (a name looked up on `PATH`, or a path).
    pub program: &'a Path,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Bytes for its stdin (closed at once when `None`).
    pub input: Option<Vec<u8>>,
    /// Variables added to the inherited environment (settings such as `VAULT_ADDR`).
    pub env: &'a [(OsString, OsString)],
    /// The environment it inherits (the process environment tkx was given).
    pub inherit: &'a [(OsString, OsString)],
}

/// Finds `program` as `execvp` would, in the `PATH` of `inherit` ([`crate::fsutil::which`]).
pub fn which(program: &Path, inherit: &[(OsString, OsString)]) -> Option<PathBuf> {
    crate::fsutil::which(program, inherit.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.as_os_str()))
}

/// Runs the call to its end or until `deadline`.
pub fn run(call: Call<'_>, deadline: Instant) -> Result<Ran, RunError> {
    let name = call.program.display().to_string();
    let Some(program) = which(call.program, call.inherit) else {
        return Err(RunError::Missing(name));
    };
    let mut cmd = Command::new(&program);
    cmd.args(&call.args)
        .env_clear()
        .envs(call.inherit.iter().map(|(k, v)| (k, v)))
        .envs(call.env.iter().map(|(k, v)| (k, v)))
        .stdin(if call.input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own group, so the deadline ends the helpers it starts too (gcloud's Python).
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => RunError::Missing(name.clone()),
        _ => RunError::Start(format!("{name}: {}", crate::error::io_reason(&e))),
    })?;
    let writer = match (child.stdin.take(), call.input) {
        (Some(mut stdin), Some(bytes)) => Some(std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        })),
        _ => None,
    };
    let out = child.stdout.take().map(|mut o| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = o.read_to_end(&mut buf);
            buf
        })
    });
    let err = child.stderr.take().map(|mut e| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            // A CLI's error text is short; keep the first 64 KiB.
            let _ = (&mut e).take(64 * 1024).read_to_end(&mut buf);
            let _ = std::io::copy(&mut e, &mut std::io::sink());
            buf
        })
    });
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => break None,
            Ok(None) => {
                std::thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            Err(e) => return Err(RunError::Start(format!("{name}: {}", crate::error::io_reason(&e)))),
        }
    };
    let Some(status) = status else {
        kill_group(&mut child);
        let _ = child.wait();
        return Err(RunError::Timeout);
    };
    // Helpers it left behind would hold the pipes open: end the group.
    kill_group(&mut child);
    if let Some(w) = writer {
        let _ = w.join();
    }
    let stdout = out.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = err.and_then(|h| h.join().ok()).unwrap_or_default();
    Ok(Ran { code: status.code(), stdout, stderr: String::from_utf8_lossy(&stderr).into_owned() })
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let pgid = nix::unistd::Pid::from_raw(-(i32::try_from(child.id()).unwrap_or(0)));
        if pgid.as_raw() < 0 {
            let _ = nix::sys::signal::kill(pgid, nix::sys::signal::Signal::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    {
        let _ = child.kill();
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn env() -> Vec<(OsString, OsString)> {
        std::env::vars_os().collect()
    }

    #[test]
    fn output_input_and_exit_code() {
        let inherit = env();
        let ran = run(
            Call {
                program: Path::new("sh"),
                args: vec!["-c".into(), "cat; echo oops >&2; exit 3".into()],
                input: Some(b"value".to_vec()),
                env: &[],
                inherit: &inherit,
            },
            Instant::now() + Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(
            (ran.code, ran.stdout.as_slice(), ran.stderr.as_str()),
            (Some(3), &b"value"[..], "oops\n")
        );
    }

    #[test]
    fn deadline_kills_the_group() {
        let inherit = env();
        let start = Instant::now();
        let r = run(
            Call {
                program: Path::new("sh"),
                args: vec!["-c".into(), "sleep 30 & sleep 30".into()],
                input: None,
                env: &[],
                inherit: &inherit,
            },
            Instant::now() + Duration::from_millis(200),
        );
        assert!(matches!(r, Err(RunError::Timeout)), "{r:?}");
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn missing_program() {
        let inherit = env();
        let r = run(
            Call {
                program: Path::new("tkx-no-such-cli"),
                args: vec![],
                input: None,
                env: &[],
                inherit: &inherit,
            },
            Instant::now() + Duration::from_secs(1),
        );
        assert!(matches!(r, Err(RunError::Missing(_))));
    }
}
