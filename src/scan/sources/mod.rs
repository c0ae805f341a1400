//! Where the bytes come from: files on disk, the index, git history.

pub mod git;
pub mod paths;
