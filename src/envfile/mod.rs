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
use std::io::{self, Read};
use std::path::Path;

/// Env files larger than this are refused: they hold keys, not data, and a bound keeps
/// memory bounded when `--file` points at something endless.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Reads an env file as UTF-8 text, refusing directories, oversized files and invalid UTF-8.
pub fn read_text(path: &Path) -> Result<String, FileProblem> {
    let meta = fs::metadata(path).map_err(problem)?;
    if meta.is_dir() {
        return Err(FileProblem::IsDirectory);
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(FileProblem::TooLarge);
    }
    let file = fs::File::open(path).map_err(problem)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes).map_err(problem)?;
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

#[cfg(test)]
mod tests {
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
