//! The index (staged changes) and history, through `crate::git`: the git sources' pieces
//! that [`run`](super::run) puts together. Never prints; errors are git's.

use super::push::Range;
use crate::git::{ChangeId, ChangedFile, GitError, Repo, new_blob, old_blob};
use crate::report::{CommitRef, Finding};
use crate::scan::setup::Setup;
use crate::scan::text::{self, Encoding};
use crate::scan::{Scanner, is_binary, text_of};
use globset::GlobSet;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

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
    /// Commits whose changes could not be read (an object missing from a partial or
    /// damaged clone), with git's reason: the scan is incomplete.
    pub unreadable: Vec<(String, String)>,
}

/// Scans the lines added by every commit of the walk. A file's new content met again
/// under the same path (a commit cherry-picked or rebased onto another branch, the same
/// content reached on two branches, a revert) is read and scanned once; its findings are
/// reported again for each commit that brings it, on the lines that commit added.
///
/// A changed file is scanned only when the lines it brings (those its old content lacks,
/// compared as text) may hold a finding ([`Scanner::may_find`]): most changes to code
/// hold nothing a rule or a known value matches. So a line that only moved within its
/// file, or was copied there from another of its lines, is not reported again: it was
/// there before this commit.
pub fn history(setup: &Setup, repo: &Repo, walk: &Range, max_size: u64) -> Result<History, GitError> {
    let mut out = Vec::new();
    let mut commits = 0;
    let mut large = std::collections::BTreeSet::new();
    // The findings in a new content, the whole of it, without their commit, by path and
    // blob (only contents that have some), and whether it is UTF-16 (git gives no lines).
    let mut found_in: HashMap<(String, [u8; 20]), (Vec<Finding>, bool)> = HashMap::new();
    // New contents not scanned, by path and blob: the lines they brought held nothing to
    // find against the old content named (a repeat against another is judged again).
    let mut passed: HashMap<(String, [u8; 20]), [u8; 20]> = HashMap::new();
    let mut unreadable = Vec::new();
    repo.walk(&walk.push, &walk.hide, walk.hide_remotes, &mut |info, files| {
        commits += 1;
        if let Some(why) = info.unreadable {
            unreadable.push((
                info.id,
                format!("a commit whose changes could not be read ({why}: a partial or damaged clone?)"),
            ));
            return;
        }
        let commit = CommitRef { id: info.id, date: info.date };
        let (repeats, mut fresh): (Vec<ChangedFile>, Vec<ChangedFile>) =
            files.into_iter().partition(|f| f.repeat);
        let (again, repeats): (Vec<ChangedFile>, Vec<ChangedFile>) = repeats.into_iter().partition(|f| {
            f.change.is_some_and(|c| {
                passed.get(&(f.path.clone(), new_blob(&c))).is_some_and(|o| *o != old_blob(&c))
            })
        });
        for mut f in again {
            let Some(change) = f.change else { continue };
            let Some(content) = repo.new_content(&change) else { continue };
            passed.remove(&(f.path.clone(), new_blob(&change)));
            (f.content, f.repeat, f.lines_later) = (content, false, true);
            fresh.push(f);
        }
        let fresh: Vec<ChangedFile> = fresh
            .into_iter()
            .filter(|f| {
                let Some(change) = f.change.filter(|_| f.lines_later) else { return true };
                let worth = worth_scanning(setup, repo, f, max_size);
                if !worth {
                    passed.insert((f.path.clone(), new_blob(&change)), old_blob(&change));
                }
                worth
            })
            .collect();
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
    Ok(History { findings: out, commits, large: large.into_iter().collect(), unreadable })
}

/// Whether a changed file of a history walk is worth scanning: not when the lines of its
/// new content that none of its old contents has (compared as text) can hold nothing to
/// find. A file that is not read as UTF-8 text (too large, binary, UTF-16) or whose old
/// content cannot be read goes the usual way.
fn worth_scanning(setup: &Setup, repo: &Repo, f: &ChangedFile, max_size: u64) -> bool {
    let content = &f.content;
    if content.len() as u64 > max_size || is_binary(content) || text::encoding(content) != Encoding::Utf8 {
        return true;
    }
    let olds = f.change.and_then(|c| repo.old_contents(&c, &f.others));
    olds.is_none_or(|olds| {
        let olds: Vec<&[u8]> = olds.iter().map(|o| &o[..]).collect();
        setup.scanner.may_find(&lines_not_in(content, &olds), content, &f.path)
    })
}

/// The lines of `new` that none of `olds` has, each with its newline, joined. Against
/// each old content, only the lines between what the two share at their start and at
/// their end are compared (most changes touch a few lines of a long file).
fn lines_not_in(new: &[u8], olds: &[&[u8]]) -> Vec<u8> {
    let mut within = 0..new.len();
    let mut had: Vec<HashSet<&[u8], BuildHasherDefault<LineHasher>>> = Vec::with_capacity(olds.len());
    for old in olds {
        let (new_middle, old_middle) = middles(new, old);
        within = within.start.max(new_middle.start)..within.end.min(new_middle.end);
        had.push(lines(&old[old_middle]).collect());
    }
    let mut out = Vec::new();
    if within.start < within.end {
        for line in lines(&new[within]).filter(|l| had.iter().all(|h| !h.contains(l))) {
            out.extend_from_slice(line);
            out.push(b'\n');
        }
    }
    out
}

/// The lines `new` and `old` do not share at their start and end: a range of each.
fn middles(new: &[u8], old: &[u8]) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
    let shorter = new.len().min(old.len());
    // The bytes they start with, compared in blocks and then one by one, back to the
    // start of the line where they differ.
    let mut head = 0;
    while head + 64 <= shorter && new[head..head + 64] == old[head..head + 64] {
        head += 64;
    }
    while head < shorter && new[head] == old[head] {
        head += 1;
    }
    let head = memchr::memrchr(b'\n', &new[..head]).map_or(0, |i| i + 1);
    // The bytes they end with, not reaching back into those, from a line's start.
    let room = shorter - head;
    let (n, o) = (new.len(), old.len());
    let mut tail = 0;
    while tail + 64 <= room && new[n - tail - 64..n - tail] == old[o - tail - 64..o - tail] {
        tail += 64;
    }
    while tail < room && new[n - tail - 1] == old[o - tail - 1] {
        tail += 1;
    }
    // Whole lines of both: past the first newline of the shared end unless it starts
    // a line in each.
    let starts_line = |text: &[u8], at: usize| at == 0 || text[at - 1] == b'\n';
    if !(starts_line(new, n - tail) && starts_line(old, o - tail)) {
        let from = n - tail;
        tail = memchr::memchr(b'\n', &new[from..]).map_or(0, |i| n - (from + i + 1));
    }
    (head..n - tail, head..o - tail)
}

/// The lines of `text`, without their newlines.
fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    std::iter::from_fn(move || {
        (start < text.len()).then(|| {
            let end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |i| start + i);
            let line = &text[start..end];
            start = end + 1;
            line
        })
    })
}

/// A hasher for lines of text: a multiplication per eight bytes (SipHash, the default,
/// costs several times more on the lines of every changed file of a history).
#[derive(Default)]
struct LineHasher(u64);

impl Hasher for LineHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.0 = mix(self.0, w.first_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w)));
        }
        for b in words.remainder() {
            self.0 = mix(self.0, u64::from(*b));
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn not_in(new: &str, olds: &[&str]) -> String {
        let olds: Vec<&[u8]> = olds.iter().map(|o| o.as_bytes()).collect();
        String::from_utf8(lines_not_in(new.as_bytes(), &olds)).unwrap()
    }

    #[test]
    fn the_lines_a_change_brings() {
        assert_eq!(not_in("a\nb\nc\n", &["a\nc\n"]), "b\n");
        // Moved within the file: nothing new.
        assert_eq!(not_in("b\nc\na\n", &["a\nb\nc\n"]), "");
        // A last line without its newline, changed or kept.
        assert_eq!(not_in("a\nkey", &["a\nke"]), "key\n");
        assert_eq!(not_in("x\nb", &["y\nb"]), "x\n");
        assert_eq!(not_in("a\n", &[""]), "a\n");
        assert_eq!(not_in("", &["a\n"]), "");
        // A merge brings what no parent had.
        assert_eq!(not_in("a\nb\nc\n", &["a\nb\n", "a\nc\n"]), "");
        assert_eq!(not_in("a\nb\nc\nd\n", &["a\nb\n", "a\nc\n"]), "d\n");
    }

    /// Lines of a few letters, so that lines repeat within and across contents.
    fn content() -> impl Strategy<Value = String> {
        (prop::collection::vec("[ab]{0,2}", 0..12), any::<bool>())
            .prop_map(|(lines, newline)| lines.join("\n") + if newline { "\n" } else { "" })
    }

    proptest! {
        /// Every line of the new content that no old content has anywhere is brought
        /// (never left out), and only lines of the new content are.
        #[test]
        fn never_leaves_out_a_line_no_old_content_has(new in content(), olds in prop::collection::vec(content(), 1..3)) {
            let olds: Vec<&str> = olds.iter().map(String::as_str).collect();
            let brought = not_in(&new, &olds);
            let brought: Vec<&str> = brought.lines().collect();
            for line in lines(new.as_bytes()) {
                let line = std::str::from_utf8(line).unwrap();
                if olds.iter().all(|o| !lines(o.as_bytes()).any(|l| l == line.as_bytes())) {
                    prop_assert!(brought.contains(&line), "{line:?} left out of {brought:?}");
                }
            }
            for line in &brought {
                prop_assert!(lines(new.as_bytes()).any(|l| l == line.as_bytes()), "{line:?} is not in the new content");
            }
        }
    }
}
