//! Writing a key safely: which file, the guarded atomic edit, the checks after it.
//!
//! [`dest`] decides *where* a key goes (the project's `.env`, an explicit `--file`,
//! the user file `$TKX_DIR/.env`, the project's private store); [`mod@write`] reads that
//! file, refusing what tkx must not edit, and replaces it atomically with mode 0600;
//! [`checks`] says what is worth knowing afterwards (git would commit the file,
//! another layer wins, duplicates or malformed lines were left), as [`Finding`](crate::report::Finding)s.
//! [`from_example`] builds an env file from `.env.example` and [`relocate`] proves a
//! `tkx move` keeps the resolved environment unchanged.
//!
//! This module takes plain data (never clap types), never prints and never prompts:
//! the commands talk to the person and report what it returns.

pub mod checks;
pub mod dest;
pub mod from_example;
pub mod relocate;
pub mod write;

pub use checks::{
    duplicates, git_exposure, hiding, malformed, old_value_in_history, old_value_in_tree, old_value_left,
    shadowing,
};
pub use dest::{Dest, Target, destination};
pub use write::{Current, lock, lock_all};

/// `line 3` or `lines 3, 7`, for messages.
pub(crate) fn lines_word(lines: &[usize]) -> String {
    let list: Vec<String> = lines.iter().map(ToString::to_string).collect();
    format!("{} {}", if lines.len() == 1 { "line" } else { "lines" }, list.join(", "))
}
