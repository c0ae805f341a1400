//! `tkx doctor --online`: whether each CLI that references need is logged in, by the
//! vendor's own "who am I" command. Nothing it prints is kept but its first error line.

use super::{Backend, Problem, Runner, Settings};
use std::ffi::OsString;
use std::time::{Duration, Instant};

/// The command that proves a login, per backend.
fn whoami(backend: Backend) -> &'static [&'static str] {
    match backend {
        Backend::OnePassword => &["whoami"],
        Backend::Vault => &["token", "lookup", "-format=json"],
        Backend::AwsSecrets | Backend::AwsParameters => &["sts", "get-caller-identity", "--output", "json"],
        Backend::Gcp => &["auth", "print-access-token", "--quiet"],
        Backend::Azure => &["account", "show", "--output", "json"],
    }
}

/// Checks the login of `backend`'s CLI within `timeout`.
pub fn check(
    backend: Backend,
    settings: &Settings,
    inherit: &[(OsString, OsString)],
    timeout: Duration,
) -> Result<(), Problem> {
    let runner = Runner { settings, inherit, deadline: Instant::now() + timeout };
    let args: Vec<OsString> = whoami(backend).iter().map(OsString::from).collect();
    let ran = runner.run(backend, args, None)?;
    if ran.ok() { Ok(()) } else { Err(Problem::from_stderr(&ran.stderr)) }
}
