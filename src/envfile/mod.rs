//! The env-file engine: read a file safely, parse the dialect, lint it, expand values.
//!
//! This module reads bytes and returns data; it never prints and never decides
//! precedence (that is `layers`).

pub mod edit;
pub mod expand;
pub mod lint;
pub mod names;
pub mod parse;
pub mod quote;

pub use lint::{Lint, LintAt, file_lints};
pub use parse::{Entry, Parsed, Quote, RawValue, is_valid_key, line_and_column, parse};

use crate::error::FileProblem;
use std::fs;
use std::io;
use std::path::Path;

/// Env files larger than this are refused: they hold keys, not data, and a bound keeps
/// memory bounded when `--file` points at something endless.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Reads an env file tkx found (the project's, a profile, the user file, a store, one
/// of the tree) as UTF-8 text, refusing directories, FIFOs and other files that are not
/// regular (they could block tkx for ever), oversized files and invalid UTF-8.
pub fn read_text(path: &Path) -> Result<String, FileProblem> {
    let bytes = crate::fsutil::read_regular(path, MAX_FILE_SIZE).map_err(|e| match e.kind() {
        io::ErrorKind::InvalidInput if fs::metadata(path).is_ok_and(|m| m.is_dir()) => {
            FileProblem::IsDirectory
        }
        io::ErrorKind::InvalidInput if is_dev_null(path) => FileProblem::Hidden,
        io::ErrorKind::InvalidInput => FileProblem::NotRegular(e.to_string()),
        _ => problem(e),
    })?;
    decode(bytes)
}

/// Whether `path` is the null device (a sandbox's cover over a file it denies).
fn is_dev_null(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        match (fs::metadata(path), fs::metadata("/dev/null")) {
            (Ok(m), Ok(null)) => m.file_type().is_char_device() && m.rdev() == null.rdev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Reads a file the user named (`--file PATH`): like [`read_text`], but a pipe is
/// read too (`-f <(op inject -i .env.tpl)`, `-f /dev/stdin`), up to the size limit.
pub fn read_given(path: &Path) -> Result<String, FileProblem> {
    use std::io::Read;
    if fs::metadata(path).map_err(problem)?.is_dir() {
        return Err(FileProblem::IsDirectory);
    }
    let mut bytes = Vec::new();
    fs::File::open(path)
        .map_err(problem)?
        .take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(problem)?;
    decode(bytes)
}

fn decode(bytes: Vec<u8>) -> Result<String, FileProblem> {
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(FileProblem::TooLarge);
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = 1 + good.iter().filter(|b| **b == b'\n').count();
        let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = 1 + String::from_utf8_lossy(&good[line_start..]).chars().count();
        FileProblem::InvalidUtf8 { line, column }
    })
}

fn problem(e: io::Error) -> FileProblem {
    match e.kind() {
        io::ErrorKind::NotFound => FileProblem::NotFound,
        io::ErrorKind::IsADirectory => FileProblem::IsDirectory,
        _ => FileProblem::Unreadable(e),
    }
}

/// [`shareable`] for the file at `path` as it is now (one that cannot be read is not).
pub fn shareable_file(path: &Path) -> bool {
    read_text(path).is_ok_and(|t| shareable(&t))
}

/// Whether an env file's text is the shareable form: it holds references to secret
/// managers, and every statement that holds a secret is one (the rest plain settings).
/// Such a file may be committed: the scan, the hooks and doctor let it through. A line
/// the parser skips could hide a key, so a file with one is not shareable.
pub fn shareable(text: &str) -> bool {
    let parsed = parse(text);
    if parsed.issues.iter().any(|i| i.lint.skips_statement()) {
        return false;
    }
    let mut references = 0;
    for e in &parsed.entries {
        match &e.value {
            RawValue::Literal(v) if matches!(crate::refs::Reference::classify(v), Some(Ok(_))) => {
                references += 1
            }
            v if crate::secret::classify::is_secret_statement(&e.key, v) => return false,
            RawValue::Literal(v) if crate::refs::embedded(v) => return false,
            _ => {}
        }
    }
    references > 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn shareable_files() {
        use super::shareable;
        assert!(shareable("OPENAI_API_KEY=vault://kv/app#openai\nPORT=8080\nDEBUG=true\n"));
        assert!(shareable("# comment\nexport A=op://dev/openai/credential\nB=aws-sm://prod/app#B\n"));
        assert!(!shareable("PORT=8080\n"));
        assert!(!shareable(
            "A=vault://kv/app#a\nOPENAI_API_KEY=sk-proj-Qm7vX2kLp9RtY4wZ8nB3cF6hJ1dG5sA0eUabc\n"
        ));
        assert!(!shareable("A=vault://kv/app#a\nDB_PASSWORD=hunter2hunter2\n"));
        assert!(!shareable("A=vault://kv/app#a\nKEY = sk-proj-Qm7vX2kLp9RtY4wZ8nB3cF6hJ1dG5sA0eUabc\n"));
        assert!(!shareable("A=vault://kv/app\n"));
    }

    use super::*;

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".env");
        fs::write(&p, b"A=1\nB=caf\xe9\n").unwrap();
        match read_text(&p) {
            Err(FileProblem::InvalidUtf8 { line, column }) => assert_eq!((line, column), (2, 6)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn directories_and_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(read_text(dir.path()), Err(FileProblem::IsDirectory)));
        assert!(matches!(read_text(&dir.path().join("nope")), Err(FileProblem::NotFound)));
    }

    #[test]
    fn the_parser_never_panics_on_any_truncation_of_tricky_input() {
        let text =
            "\u{feff}export A=\"x\\\"y\n${B:-${C}}\" # c\r\nB='it\\'s'\nC=`q`\nD = 1\nE=\"open\nF=ключ$X\n";
        for end in 0..=text.len() {
            if let Some(prefix) = text.get(..end) {
                let _ = file_lints(&parse(prefix));
            }
        }
    }
}
