//! The index (staged changes) and history, through `crate::git`: the git sources' pieces
//! that [`run`](super::run) puts together. Never prints; errors are git's.

use super::push::Range;
use crate::git::{ChangeId, ChangedFile, GitError, Repo};
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

/// Scans the lines added by every commit of the walk. A change met again (a commit
/// cherry-picked or rebased onto another branch: the same path, old and new blob) is
/// scanned once; its findings are reported again for each commit that carries it.
pub fn history(setup: &Setup, repo: &Repo, walk: &Range, max_size: u64) -> Result<History, GitError> {
    let mut out = Vec::new();
    let mut commits = 0;
    let mut large = std::collections::BTreeSet::new();
    // Findings by change, without their commit (only changes that have some).
    let mut found_in: HashMap<(String, ChangeId), Vec<Finding>> = HashMap::new();
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
        // A merge's lines are judged against several parents: not a change to reuse.
        let changes: Vec<(String, Option<ChangeId>)> =
            fresh.iter().map(|f| (f.path.clone(), f.change.filter(|_| f.others.is_empty()))).collect();
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
        for (path, change, others, utf16) in later {
            if !found.iter().any(|f| f.location.as_ref().is_some_and(|l| l.path == path)) {
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
        for (path, change) in changes {
            let Some(change) = change else { continue };
            let mine: Vec<Finding> = found
                .iter()
                .filter(|f| f.location.as_ref().is_some_and(|l| l.path == path))
                .cloned()
                .collect();
            if !mine.is_empty() {
                found_in.insert((path, change), mine);
            }
        }
        let again = repeats.iter().filter_map(|f| f.change.and_then(|c| found_in.get(&(f.path.clone(), c))));
        let all: Vec<Finding> = found.into_iter().chain(again.flatten().cloned()).collect();
        out.extend(all.into_iter().map(|f| f.commit(Some(commit.clone()))));
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
