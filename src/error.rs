//! tkx's one error type: what went wrong, where, how to fix it, and the exit code.

use std::fmt;
use std::io;

/// Why an env file could not be used.
#[derive(Debug)]
pub enum FileProblem {
    /// It does not exist.
    NotFound,
    /// It is a directory.
    IsDirectory,
    /// It is a FIFO, socket or device (what it is, for the message).
    NotRegular(String),
    /// It is `/dev/null` put over the file: an OS sandbox hides it here (Claude Code's
    /// `denyRead` on Linux does this).
    Hidden,
    /// It is larger than [`crate::envfile::MAX_FILE_SIZE`].
    TooLarge,
    /// Reading it failed.
    Unreadable(io::Error),
    /// It is not UTF-8; the position of the first bad byte.
    InvalidUtf8 {
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters) of the first bad byte.
        column: usize,
    },
}

/// What a required key lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lack {
    /// No layer sets it.
    Unset,
    /// It is set to the empty string.
    Empty,
    /// Its value is a placeholder (`your-key-here`); where it is set (`.env:3`).
    Placeholder(String),
}

/// Everything that can stop a command.
#[derive(Debug)]
pub enum Error {
    /// A usage mistake that clap cannot see.
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: Option<String>,
    },
    /// tkx will not make this change: the file, key or value is not one it writes safely
    /// (a symlink to nowhere, a value in argv, a key already elsewhere). Nothing was changed.
    Refused {
        /// What tkx refused and why.
        message: String,
        /// How to get what the user wanted.
        hint: Option<String>,
    },
    /// A file tkx reads for its own settings or state (`.tkx.toml`, the scan baseline, an
    /// agent's settings file) or a pattern in it is invalid.
    Config {
        /// Where and what: `.tkx.toml:3:7: expected a string`.
        message: String,
        /// How to fix it.
        hint: Option<String>,
    },
    /// Git could not do what was asked: no repository, an unknown revision.
    Git(crate::git::GitError),
    /// An env file that cannot be used.
    File {
        /// The file as the user named it.
        path: String,
        /// What is wrong with it.
        problem: FileProblem,
    },
    /// Some other I/O failure, with what tkx was doing.
    Io {
        /// What tkx was doing, e.g. `reading the current directory`.
        doing: String,
        /// The cause.
        source: io::Error,
    },
    /// Keys that `exec --require` or `--strict` needs are missing, empty or placeholders.
    MissingKeys {
        /// The keys and what each lacks.
        keys: Vec<(String, Lack)>,
        /// Why they are needed (`--require`, `.env.example`).
        required_by: String,
        /// The layers that were searched, in order.
        searched: Vec<String>,
    },
    /// A variable too long for `execve`.
    ValueTooLong {
        /// The key.
        key: String,
        /// Size of `KEY=VALUE` in bytes.
        bytes: usize,
    },
    /// The child could not be started.
    Launch {
        /// The program as given.
        program: String,
        /// The cause.
        source: io::Error,
    },
    /// Something failed before `exec` could start the child (exit 125).
    BeforeLaunch(Box<Error>),
    /// References to secret managers that could not be resolved: nothing was started and
    /// nothing printed (exit 125). One entry per key.
    Unresolved(Vec<crate::refs::Failure>),
    /// Writing to stdout failed.
    Output(io::Error),
}

/// The longest string Linux accepts as one argument or environment entry (MAX_ARG_STRLEN).
pub const MAX_ENV_STRING: usize = 128 * 1024;

impl Error {
    /// Shorthand for a usage error.
    pub fn usage(message: impl Into<String>, hint: Option<String>) -> Self {
        Error::Usage { message: message.into(), hint }
    }

    /// Shorthand for a refusal.
    pub fn refused(message: impl Into<String>, hint: Option<String>) -> Self {
        Error::Refused { message: message.into(), hint }
    }

    /// Shorthand for an invalid settings or state file.
    pub fn config(message: impl Into<String>, hint: Option<String>) -> Self {
        Error::Config { message: message.into(), hint }
    }

    /// The process exit code for this error (PRODUCT.md, "Exit codes").
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
            Error::Usage { .. }
            | Error::Refused { .. }
            | Error::Config { .. }
            | Error::Git(_)
            | Error::File { .. }
            | Error::Io { .. }
            | Error::Output(_) => 2,
            Error::MissingKeys { .. }
            | Error::ValueTooLong { .. }
            | Error::BeforeLaunch(_)
            | Error::Unresolved(_) => 125,
            Error::Launch { source, .. } if source.kind() == io::ErrorKind::NotFound => 127,
            Error::Launch { .. } => 126,
        }
    }

    /// Whether the error should be reported at all (a closed stdout is not news).
    pub fn is_silent(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }

    /// How to fix it, where tkx knows.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Usage { hint, .. } | Error::Refused { hint, .. } | Error::Config { hint, .. } => hint.clone(),
            Error::File { problem: FileProblem::InvalidUtf8 { .. }, .. } => Some(
                "tkx does not guess encodings: convert the file to UTF-8, e.g. `iconv -f latin1 -t utf-8`"
                    .to_owned(),
            ),
            Error::File { problem: FileProblem::TooLarge, .. } => {
                Some("env files hold keys, not data: keep large values in their own files".to_owned())
            }
            Error::File { problem: FileProblem::NotFound, .. } => {
                Some("check the path given to --file".to_owned())
            }
            Error::MissingKeys { .. } => Some(
                "set them with `tkx set KEY`, in .env, or export them; `tkx env --explain KEY` shows where tkx looked"
                    .to_owned(),
            ),
            Error::ValueTooLong { .. } => {
                Some("keep large values in a file and pass its path instead".to_owned())
            }
            Error::Launch { source, .. } if source.kind() == io::ErrorKind::PermissionDenied => {
                Some("make it executable (chmod +x) or run it through its interpreter".to_owned())
            }
            Error::BeforeLaunch(inner) => inner.hint(),
            Error::Unresolved(failures) => Some(unresolved_hint(failures)),
            _ => None,
        }
    }
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileProblem::NotFound => f.write_str("no such file"),
            FileProblem::IsDirectory => f.write_str("is a directory, not an env file"),
            FileProblem::NotRegular(what) => write!(f, "{what}: tkx reads only regular files"),
            FileProblem::Hidden => {
                f.write_str("hidden here: it reads as /dev/null (an OS sandbox covers it)")
            }
            FileProblem::TooLarge => write!(
                f,
                "larger than {} MiB, the limit for env files",
                crate::envfile::MAX_FILE_SIZE / (1024 * 1024)
            ),
            FileProblem::Unreadable(e) => write!(f, "cannot read: {}", io_reason(e)),
            FileProblem::InvalidUtf8 { .. } => f.write_str("not valid UTF-8"),
        }
    }
}

/// An io::Error's reason without the "(os error N)" suffix, lowercase.
pub fn io_reason(e: &io::Error) -> String {
    let s = e.to_string();
    let s = match s.find(" (os error") {
        Some(i) => s[..i].to_owned(),
        None => s,
    };
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => s,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage { message, .. } | Error::Refused { message, .. } | Error::Config { message, .. } => {
                f.write_str(message)
            }
            Error::Git(e) => e.fmt(f),
            Error::File { path, problem: p @ FileProblem::InvalidUtf8 { line, column } } => {
                write!(f, "{path}:{line}:{column}: {p}")
            }
            Error::File { path, problem } => write!(f, "{path}: {problem}"),
            Error::Io { doing, source } => write!(f, "{doing}: {}", io_reason(source)),
            Error::MissingKeys { keys, required_by, searched } => {
                let list: Vec<String> = keys
                    .iter()
                    .map(|(k, lack)| match lack {
                        Lack::Unset => k.clone(),
                        Lack::Empty => format!("{k} (set but empty)"),
                        Lack::Placeholder(at) => format!("{k} (a placeholder, at {at})"),
                    })
                    .collect();
                write!(
                    f,
                    "missing {} required by {required_by}: {}; searched: {}",
                    if keys.len() == 1 { "key" } else { "keys" },
                    list.join(", "),
                    searched.join(", ")
                )
            }
            Error::ValueTooLong { key, bytes } => write!(
                f,
                "{key} is {bytes} bytes; Linux cannot pass an environment entry over {} bytes to a child",
                MAX_ENV_STRING
            ),
            Error::Launch { program, source } => match source.kind() {
                io::ErrorKind::NotFound if !program.contains('/') => {
                    write!(f, "{program}: command not found")
                }
                _ => write!(f, "{program}: {}", io_reason(source)),
            },
            Error::BeforeLaunch(inner) => inner.fmt(f),
            Error::Unresolved(failures) => {
                let n = failures.len();
                write!(
                    f,
                    "{n} {} to a secret manager did not resolve, so nothing was started:",
                    if n == 1 { "reference" } else { "references" }
                )?;
                for failure in failures {
                    write!(f, "\n  {failure}")?;
                }
                Ok(())
            }
            Error::Output(e) => write!(f, "writing output: {}", io_reason(e)),
        }
    }
}

impl std::error::Error for Error {}

/// What to do about unresolved references: per class, once, then the way around.
fn unresolved_hint(failures: &[crate::refs::Failure]) -> String {
    use crate::refs::{Backend, Class};
    let mut steps: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !steps.contains(&s) {
            steps.push(s);
        }
    };
    for f in failures {
        let backend = Backend::ALL.into_iter().find(|b| b.scheme() == f.scheme);
        match (f.class, backend) {
            (Class::NotLoggedIn, Some(b)) => push(format!("log in: {}", crate::refs::login_hint(b))),
            (Class::CliMissing, Some(b)) => push(crate::refs::install_hint(b).to_owned()),
            (Class::Invalid, _) => push("fix the reference where it is written".to_owned()),
            (Class::Timeout, _) => {
                push("raise --resolve-timeout (or [refs] timeout) if the service is slow".to_owned())
            }
            (Class::NotFound | Class::PermissionDenied, _) => push(
                "check the reference and your login's access (`tkx env` lists where each is written)"
                    .to_owned(),
            ),
            _ => {}
        }
    }
    let keys: Vec<&str> = failures.iter().map(|f| f.key.as_str()).collect();
    push(format!("or go without them: tkx exec --skip-unresolved {}", keys.join(",")));
    steps.join("; ")
}

impl From<crate::git::GitError> for Error {
    fn from(e: crate::git::GitError) -> Self {
        Error::Git(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        let nf = io::Error::from(io::ErrorKind::NotFound);
        let pd = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(Error::Launch { program: "x".into(), source: nf }.exit_code(), 127);
        assert_eq!(Error::Launch { program: "x".into(), source: pd }.exit_code(), 126);
        assert_eq!(Error::usage("x", None).exit_code(), 2);
        assert_eq!(Error::BeforeLaunch(Box::new(Error::usage("x", None))).exit_code(), 125);
        assert_eq!(Error::Output(io::Error::from(io::ErrorKind::BrokenPipe)).exit_code(), 0);
    }

    #[test]
    fn command_not_found_message() {
        let nf = io::Error::from_raw_os_error(2);
        assert_eq!(
            Error::Launch { program: "nope".into(), source: nf }.to_string(),
            "nope: command not found"
        );
        let nf = io::Error::from_raw_os_error(2);
        assert_eq!(
            Error::Launch { program: "./nope".into(), source: nf }.to_string(),
            "./nope: no such file or directory"
        );
    }
}
