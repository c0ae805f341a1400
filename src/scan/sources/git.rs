//! The index (staged changes) and history, through `crate::git`.

use crate::git::Repo;
use crate::report::{CommitRef, Finding};
use crate::scan::{Scanner, is_binary};
use globset::GlobSet;

/// Scans the staged changes: index content, added lines only.
pub fn staged(
    scanner: &Scanner,
    repo: &Repo,
    exclude: &GlobSet,
    max_size: u64,
) -> Result<Vec<Finding>, String> {
    let mut out = Vec::new();
    for file in repo.staged()? {
        if exclude.is_match(&file.path) || file.content.len() as u64 > max_size || is_binary(&file.content) {
            continue;
        }
        out.extend(scanner.scan(&file.content, &file.path, &Some(file.added), None));
    }
    Ok(out)
}

/// Scans the lines added by every commit of the walk.
pub fn history(
    scanner: &Scanner,
    repo: &Repo,
    push: &[String],
    hide: &[String],
    hide_remotes: bool,
    exclude: &GlobSet,
    max_size: u64,
) -> Result<(Vec<Finding>, usize), String> {
    let mut out = Vec::new();
    let mut commits = 0;
    repo.walk(push, hide, hide_remotes, &mut |info, files| {
        commits += 1;
        let commit = CommitRef { id: info.id, date: info.date };
        for file in files {
            if exclude.is_match(&file.path)
                || file.content.len() as u64 > max_size
                || is_binary(&file.content)
            {
                continue;
            }
            out.extend(scanner.scan(&file.content, &file.path, &Some(file.added), Some(&commit)));
        }
    })?;
    Ok((out, commits))
}
