//! Files on disk: a parallel walk that skips what git ignores (as ripgrep does), scans
//! hidden files (`.env`, `.github/`, `.npmrc` are where keys hide) and never enters `.git/`.

use super::Options;
use crate::error::Error;
use crate::report::Finding;
use crate::scan::setup::Setup;
use crate::scan::{Scanner, text_of};
use globset::GlobSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What to walk and how.
pub struct Walk<'a> {
    /// Files or directories, as given.
    pub roots: &'a [PathBuf],
    /// Also scan what git ignores.
    pub no_ignore: bool,
    /// Skip files larger than this.
    pub max_size: u64,
    /// Globs (relative to `project_dir`) never scanned.
    pub exclude: &'a GlobSet,
    /// The project directory the globs are relative to.
    pub project_dir: &'a Path,
    /// Paths are reported relative to this directory where they are inside it.
    pub base: &'a Path,
}

/// Counts for the summary, and what could not be read.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Files scanned.
    pub files: usize,
    /// Bytes scanned.
    pub bytes: u64,
    /// Files skipped as binary or too large.
    pub skipped: usize,
    /// Text files over the size limit, not read: named on stderr.
    pub large: Vec<String>,
    /// Files and directories that could not be read (permissions, a FIFO given by
    /// name), with why: a key in one would pass unseen, so a scan never keeps quiet
    /// about them.
    pub unreadable: Vec<(String, String)>,
}

/// [`Source::Paths`](super::Source::Paths): the given paths, relative to the working
/// directory (none: the working directory), each of which must exist.
pub fn scan_given(
    setup: &Setup,
    given: &[PathBuf],
    no_ignore: bool,
    opts: &Options,
) -> Result<(Vec<Finding>, Stats), Error> {
    let roots: Vec<PathBuf> = if given.is_empty() {
        vec![opts.cwd.to_path_buf()]
    } else {
        given.iter().map(|p| opts.cwd.join(p)).collect()
    };
    for (root, given) in roots.iter().zip(given) {
        if root.symlink_metadata().is_err() {
            return Err(Error::usage(format!("{}: no such file or directory", given.display()), None));
        }
    }
    let walk = Walk {
        roots: &roots,
        no_ignore,
        max_size: opts.max_size,
        exclude: &setup.exclude,
        project_dir: &setup.project_dir,
        base: opts.cwd,
    };
    Ok(scan(&setup.scanner, &walk))
}

/// Scans every file under the roots.
pub fn scan(scanner: &Scanner, walk: &Walk) -> (Vec<Finding>, Stats) {
    let Some((first, rest)) = walk.roots.split_first() else { return (Vec::new(), Stats::default()) };
    let mut builder = ignore::WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    let respect = !walk.no_ignore;
    builder
        .hidden(false)
        .git_ignore(respect)
        .git_global(respect)
        .git_exclude(respect)
        .ignore(respect)
        .parents(respect)
        .follow_links(false)
        .threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
        .filter_entry(|e| e.file_name() != ".git");
    let findings = Mutex::new(Vec::new());
    let stats = Mutex::new(Stats::default());
    builder.build_parallel().run(|| {
        let findings = &findings;
        let stats = &stats;
        let unreadable = |path: &Path, why: String| {
            if let Ok(mut s) = stats.lock() {
                s.unreadable.push((display(path.strip_prefix(walk.base).unwrap_or(path)), why));
            }
        };
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let (path, why) = walk_error(&e);
                    unreadable(&path, why);
                    return ignore::WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                // A FIFO, socket or device named on the command line is refused aloud;
                // met in a walk, it is not a file to scan (as for ripgrep).
                if entry.depth() == 0 && !entry.file_type().is_some_and(|t| t.is_dir()) {
                    let what = entry.metadata().map_or("not a regular file", |m| crate::fsutil::kind(&m));
                    unreadable(entry.path(), format!("{what}, not a regular file"));
                }
                return ignore::WalkState::Continue;
            }
            let path = entry.path();
            let abs = if path.is_absolute() { path.to_path_buf() } else { walk.project_dir.join(path) };
            let rel = abs.strip_prefix(walk.project_dir).unwrap_or(&abs);
            if walk.exclude.is_match(rel) {
                return ignore::WalkState::Continue;
            }
            let size = entry.metadata().map_or(u64::MAX, |m| m.len());
            let too_big = size > walk.max_size;
            if too_big {
                let shown = display(path.strip_prefix(walk.base).unwrap_or(path));
                if let Ok(mut s) = stats.lock() {
                    s.skipped += 1;
                    if size != u64::MAX && looks_textual(path) {
                        s.large.push(shown);
                    }
                }
                return ignore::WalkState::Continue;
            }
            if size > WHOLE_FILE {
                // Read in line-aligned pieces: memory stays bounded however large it is.
                let shown = display(path.strip_prefix(walk.base).unwrap_or(path));
                match scan_in_pieces(scanner, path, &shown) {
                    Ok(Some(found)) => {
                        if let Ok(mut s) = stats.lock() {
                            s.files += 1;
                            s.bytes += size;
                        }
                        if let Ok(mut f) = findings.lock() {
                            f.extend(found);
                        }
                    }
                    Ok(None) => {
                        if let Ok(mut s) = stats.lock() {
                            s.skipped += 1;
                        }
                    }
                    Err(e) => unreadable(path, crate::error::io_reason(&e)),
                }
                return ignore::WalkState::Continue;
            }
            let data = if too_big {
                None
            } else {
                match crate::fsutil::read_regular(path, walk.max_size) {
                    Ok(data) => Some(data),
                    Err(e) => {
                        unreadable(path, crate::error::io_reason(&e));
                        return ignore::WalkState::Continue;
                    }
                }
            };
            // UTF-16 is decoded: line numbers are those of the text, not of its bytes.
            let Some((text, data)) = data.as_deref().and_then(|d| Some((text_of(d)?, d))) else {
                if let Ok(mut s) = stats.lock() {
                    s.skipped += 1;
                }
                return ignore::WalkState::Continue;
            };
            let display = display(path.strip_prefix(walk.base).unwrap_or(path));
            let found = scanner.scan(&text, &display, &None, None);
            if let Ok(mut s) = stats.lock() {
                s.files += 1;
                s.bytes += data.len() as u64;
            }
            if !found.is_empty() {
                if let Ok(mut f) = findings.lock() {
                    f.extend(found);
                }
            }
            ignore::WalkState::Continue
        })
    });
    let findings = findings.into_inner().unwrap_or_default();
    let stats = stats.into_inner().unwrap_or_default();
    (findings, stats)
}

/// Files up to this size are read whole; larger ones in pieces of about this size.
pub const WHOLE_FILE: u64 = 2 * 1024 * 1024;

/// How many lines of the previous piece each piece repeats, so a key block that spans two
/// pieces (a PEM private key) is whole in one of them.
const OVERLAP_LINES: usize = 64;

/// The most bytes a piece repeats.
const OVERLAP_BYTES: usize = 64 * 1024;

/// Whether a file's first 8 KiB read as text (for naming a file left unread).
fn looks_textual(path: &Path) -> bool {
    use std::io::Read;
    let mut head = vec![0u8; 8192];
    let Ok(mut f) = std::fs::File::open(path) else { return false };
    let n = f.read(&mut head).unwrap_or(0);
    head.truncate(n);
    !crate::scan::is_binary(&head)
}

/// Scans a large file in line-aligned pieces of about [`WHOLE_FILE`] bytes, each starting
/// [`OVERLAP_LINES`] lines before the end of the one before, with line numbers of the
/// whole file; a finding in the repeated lines is kept once. `None` when the file is
/// binary (judged on its start) or UTF-16 (read whole by the caller's rules: skipped).
fn scan_in_pieces(scanner: &Scanner, path: &Path, display: &str) -> std::io::Result<Option<Vec<Finding>>> {
    let mut f = std::fs::File::open(path)?;
    let piece = usize::try_from(WHOLE_FILE).unwrap_or(1 << 21);
    let mut buf: Vec<u8> = Vec::with_capacity(piece * 2);
    let mut first_line = 1usize;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut eof = false;
    let mut first = true;
    while !eof {
        // Fill the buffer to about one piece past what is carried over.
        let want = buf.len() + piece;
        let mut chunk = vec![0u8; want - buf.len()];
        let n = read_full(&mut f, &mut chunk)?;
        chunk.truncate(n);
        eof = n == 0 || n < want - buf.len();
        buf.extend_from_slice(&chunk);
        if first {
            if crate::scan::is_binary(&buf)
                || crate::scan::text::encoding(&buf) != crate::scan::text::Encoding::Utf8
            {
                return Ok(None);
            }
            first = false;
        }
        // Cut after the last newline (the whole rest at the end of the file).
        let cut = if eof { buf.len() } else { memchr::memrchr(b'\n', &buf).map_or(buf.len(), |i| i + 1) };
        for finding in scanner.scan(&buf[..cut], display, &None, None) {
            let mut finding = finding;
            if let Some(loc) = finding.location.as_mut() {
                if loc.line > 0 {
                    loc.line += first_line - 1;
                }
            }
            let key = finding.location.as_ref().map(|l| (l.line, l.column, finding.rule.to_string()));
            if seen.insert(key) {
                out.push(finding);
            }
        }
        if eof {
            break;
        }
        // Carry the last lines over (at most 64 lines and 64 KiB; none when the last line
        // alone is longer), and count the lines left behind.
        let mut keep_from = cut;
        for _ in 0..OVERLAP_LINES {
            let Some(i) = memchr::memrchr(b'\n', &buf[..keep_from.saturating_sub(1)]) else { break };
            if cut - (i + 1) > OVERLAP_BYTES {
                break;
            }
            keep_from = i + 1;
        }
        first_line += memchr::memchr_iter(b'\n', &buf[..keep_from]).count();
        buf.drain(..keep_from);
    }
    Ok(Some(out))
}

/// Reads until `buf` is full or the file ends; the number of bytes read.
fn read_full(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The path and reason of a walk error (a directory that cannot be listed).
fn walk_error(e: &ignore::Error) -> (PathBuf, String) {
    match e {
        ignore::Error::WithPath { path, err } => (path.clone(), walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => walk_error(err),
        ignore::Error::Io(io) => (PathBuf::new(), crate::error::io_reason(io)),
        other => (PathBuf::new(), other.to_string()),
    }
}

/// A walked path as reported: as the walk produced it, without a leading `./`, with `/`.
fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    if cfg!(windows) { s.replace('\\', "/") } else { s.to_owned() }
}
