//! The index (staged changes) and history, through `crate::git`: the git sources' pieces
//! that [`run`](super::run) puts together. Never prints; errors are git's.

use super::push::Range;
use crate::git::{ChangeId, ChangedFile, GitError, Repo, new_blob};
use crate::report::{CommitRef, Finding};
use crate::scan::setup::Setup;
use crate::scan::text::{self, Encoding};
use crate::scan::{Scanner, is_binary, text_of};
use globset::GlobSet;
use std::collections::HashMap;

/// Scans the staged changes: index content, added lines only. Also returns the staged
/// text files left unread because they are over `max_size` bytes, so the caller can say
/// so (binary files are left unread without a word, as every scanner does).
pub fn staged(
    scanner: &Scanner,
    repo: &Repo,
    exclude: &GlobSet,
    max_size: u64,
) -> Result<(Vec<Finding>, Vec<String>), GitError> {
    Ok(scan_staged(scanner, repo.staged()?, exclude, max_size))
}

/// [`staged`] over a chosen part of the staged changes.
pub fn scan_staged(
    scanner: &Scanner,
    files: Vec<ChangedFile>,
    exclude: &GlobSet,
    max_size: u64,
) -> (Vec<Finding>, Vec<String>) {
    let large = files
        .iter()
        .filter(|f| f.content.len() as u64 > max_size && !is_binary(&f.content) && !exclude.is_match(&f.path))
        .map(|f| f.path.clone())
        .collect();
    (scan_files(scanner, files, exclude, max_size, None), large)
}

/// What a history scan found: the findings, the number of commits walked, and the text
/// files over `max_size` it left unread (each path once).
pub struct History {
    /// The findings.
    pub findings: Vec<Finding>,
    /// Commits walked.
    pub commits: usize,
    /// Text files over the size limit, not read.
    pub large: Vec<String>,
}

/// Scans the lines added by every commit of the walk. A file's new content met again
/// under the same path (a commit cherry-picked or rebased onto another branch, the same
/// content reached on two branches, a revert) is read and scanned once; its findings are
/// reported again for each commit that brings it, on the lines that commit added.
pub fn history(setup: &Setup, repo: &Repo, walk: &Range, max_size: u64) -> Result<History, GitError> {
    let mut out = Vec::new();
    let mut commits = 0;
    let mut large = std::collections::BTreeSet::new();
    // The findings in a new content, the whole of it, without their commit, by path and
    // blob (only contents that have some), and whether it is UTF-16 (git gives no lines).
    let mut found_in: HashMap<(String, [u8; 20]), (Vec<Finding>, bool)> = HashMap::new();
    repo.walk(&walk.push, &walk.hide, walk.hide_remotes, &mut |info, files| {
        commits += 1;
        let commit = CommitRef { id: info.id, date: info.date };
        let (repeats, fresh): (Vec<ChangedFile>, Vec<ChangedFile>) =
            files.into_iter().partition(|f| f.repeat);
        large.extend(
            fresh
                .iter()
                .filter(|f| f.content.len() as u64 > max_size && !is_binary(&f.content))
                .filter(|f| !setup.exclude.is_match(&f.path))
                .map(|f| f.path.clone()),
        );
        // Contents scanned whole: every change of the walk (a changed file's lines are
        // diffed later, a new file's are all added).
        let whole: Vec<(String, [u8; 20], bool)> = fresh
            .iter()
            .filter_map(|f| {
                let utf16 = text::encoding(&f.content) != Encoding::Utf8;
                Some((f.path.clone(), new_blob(&f.change?), utf16))
            })
            .collect();
        // Changed files whose lines are not diffed yet are scanned whole; only those with a
        // finding are diffed, and keep the findings on the lines they added.
        let later: Vec<(String, ChangeId, Vec<ChangeId>, bool)> = fresh
            .iter()
            .filter(|f| f.lines_later)
            .filter_map(|f| {
                Some((
                    f.path.clone(),
                    f.change?,
                    f.others.clone(),
                    text::encoding(&f.content) != Encoding::Utf8,
                ))
            })
            .collect();
        let mut found = scan_files(&setup.scanner, fresh, &setup.exclude, max_size, None);
        for (path, blob, utf16) in whole {
            let mine: Vec<Finding> = found
                .iter()
                .filter(|f| f.location.as_ref().is_some_and(|l| l.path == path))
                .cloned()
                .collect();
            if !mine.is_empty() {
                found_in.insert((path, blob), (mine, utf16));
            }
        }
        for (path, change, others, utf16) in later {
            // A finding of the whole file (line 0: an env file by its name) needs no lines.
            if !found.iter().any(|f| f.location.as_ref().is_some_and(|l| l.path == path && l.line != 0)) {
                continue;
            }
            // Unknown lines (an error) keep every finding: a key is never dropped for it.
            let Ok(Some(added)) = repo.added_lines_all(&change, &others) else { continue };
            // git gives no lines for a UTF-16 file it takes for binary: scanned whole.
            if utf16 && added.is_empty() {
                continue;
            }
            found.retain(|f| {
                f.location.as_ref().is_none_or(|l| l.path != path || l.line == 0 || added.contains(&l.line))
            });
        }
        for f in repeats {
            let Some(change) = f.change else { continue };
            let Some((mine, utf16)) = found_in.get(&(f.path, new_blob(&change))) else { continue };
            let mut mine = mine.clone();
            // Only what this change added (a new file adds all; unknown lines keep all).
            if let Ok(Some(added)) = repo.added_lines(&change) {
                if !(*utf16 && added.is_empty()) {
                    mine.retain(|f| {
                        f.location.as_ref().is_none_or(|l| l.line == 0 || added.contains(&l.line))
                    });
                }
            }
            found.extend(mine);
        }
        out.extend(found.into_iter().map(|f| f.commit(Some(commit.clone()))));
    })?;
    Ok(History { findings: out, commits, large: large.into_iter().collect() })
}

/// Scans changed files on every core: a commit that stages a thousand files must not
/// wait for one.
fn scan_files(
    scanner: &Scanner,
    files: Vec<ChangedFile>,
    exclude: &GlobSet,
    max_size: u64,
    commit: Option<&CommitRef>,
) -> Vec<Finding> {
    let (files, skipped): (Vec<ChangedFile>, Vec<ChangedFile>) = files
        .into_iter()
        .filter(|f| !exclude.is_match(&f.path))
        .partition(|f| f.content.len() as u64 <= max_size && !is_binary(&f.content));
    // A large or binary file is not read, but an env file is refused by its name alone.
    let mut out: Vec<Finding> =
        skipped.iter().flat_map(|f| scanner.scan(b"", &f.path, &f.added, commit)).collect();
    if files.len() < 8 {
        out.extend(files.iter().flat_map(|f| scan_one(scanner, f, commit)));
        return out;
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let per = files.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = files
            .chunks(per)
            .map(|chunk| {
                s.spawn(move || chunk.iter().flat_map(|f| scan_one(scanner, f, commit)).collect::<Vec<_>>())
            })
            .collect();
        out.extend(handles.into_iter().flat_map(|h| h.join().unwrap_or_default()));
        out
    })
}

/// Scans one changed text file: its added lines, or all of it when git could not tell
/// which lines were added. git diffs UTF-16 as binary (no lines at all), so a UTF-16
/// file is scanned whole, decoded, unless git did give lines.
fn scan_one(scanner: &Scanner, f: &ChangedFile, commit: Option<&CommitRef>) -> Vec<Finding> {
    let Some(text) = text_of(&f.content) else { return Vec::new() };
    let whole =
        text::encoding(&f.content) != Encoding::Utf8 && f.added.as_ref().is_some_and(|a| a.is_empty());
    let lines = if whole { &None } else { &f.added };
    scanner.scan(&text, &f.path, lines, commit)
}
