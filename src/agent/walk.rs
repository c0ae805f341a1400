//! The env files under a directory, found by a walk that remembers what it saw.
//!
//! Whether a whole-project search (Claude Code's Grep with no path, `grep -r .`) is
//! allowed depends on the env files in its reach, and finding them takes a walk of the
//! tree. On a project of a few hundred directories that walk alone costs more than the
//! hook's 5 ms budget, nearly all of it in `openat` and `getdents64`. So, like git's
//! untracked cache, the walk records each directory's inode and modification time with
//! the subdirectories and env files it held, and the next walk `stat`s each directory
//! and reads again only those that changed. A directory's mtime changes whenever an
//! entry is added to it, removed or renamed, which is all the walk looks at.
//!
//! The record holds names only, never contents. It lives in the user's cache directory
//! (`~/.cache/tkx/walk-*`), one file per walked root, written atomically; a record that
//! cannot be read is ignored and rebuilt. A directory modified within two seconds of the
//! walk that recorded it is read again, because a change made in the same clock tick as
//! that walk would not show in its mtime.

use super::paths::{Scope, glob_matches, is_protected_name, name_filter};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Directories no search of the user's env files needs to enter: other people's files.
pub const SKIP_DIRS: &[&str] =
    &[".git", "node_modules", ".venv", "venv", "__pycache__", "target", ".tox", ".mypy_cache"];

/// Most entries a walk visits before giving up (and the caller denies, to be safe).
const WALK_LIMIT: usize = 20_000;

/// How recent a directory's mtime may be, relative to the walk that recorded it, before
/// the record is no longer trusted for it.
const RACY_WINDOW: Duration = Duration::from_secs(2);

/// The first line of a record file; a record with another is ignored.
const MAGIC: &str = "tkx-walk 1";

/// What a walk found: env files passing the scope's filters, and whether it gave up.
pub struct Walked {
    /// Env files (never examples) that a search with the scope would consider.
    pub candidates: Vec<PathBuf>,
    /// The walk passed its limit of 20,000 entries and stopped.
    pub capped: bool,
}

/// One directory as a walk saw it.
#[derive(Clone, Debug, PartialEq)]
struct DirRecord {
    ino: u64,
    /// Modification time: seconds and nanoseconds since the epoch.
    mtime: (i64, i64),
    /// Entries the directory held.
    entries: usize,
    /// Subdirectories (not symbolic links), except [`SKIP_DIRS`].
    subdirs: Vec<String>,
    /// Env files (protected names; symbolic links too).
    envs: Vec<String>,
}

/// The record of one walk: when it ran, and each directory it read, by path relative to
/// the walked root (`""` for the root).
#[derive(Debug, Default, PartialEq)]
struct Record {
    taken: (i64, i64),
    dirs: HashMap<String, DirRecord>,
}

/// Walks `dir` for env files that a search with `scope` would consider, on a few
/// threads, reusing and then updating the record in `cache_dir` when one is given.
/// [`SKIP_DIRS`] and the scope's excluded directories are not entered. A walk for a
/// search that does not honour git's ignore files stops at the first env file.
pub fn env_files(dir: &Path, scope: &Scope, cache_dir: Option<&Path>) -> Walked {
    let record_file = cache_dir.map(|c| c.join(format!("walk-{}", root_digest(dir))));
    let old = record_file.as_deref().and_then(|f| load(f, dir)).unwrap_or_default();
    let started = now();
    let out = walk(dir, scope, &old);
    if let (Some(file), Some(dirs)) = (record_file, out.fresh_dirs) {
        save(&file, dir, &Record { taken: started, dirs });
    }
    Walked { candidates: out.candidates, capped: out.capped }
}

/// What [`walk`] returns: the [`Walked`] answer, and the directories it saw when it
/// finished the whole tree and read at least one of them afresh (a record to save).
struct Outcome {
    candidates: Vec<PathBuf>,
    capped: bool,
    fresh_dirs: Option<HashMap<String, DirRecord>>,
}

fn walk(root: &Path, scope: &Scope, old: &Record) -> Outcome {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    struct Shared {
        /// Directories to visit, as paths relative to the root.
        queue: Mutex<Vec<String>>,
        /// Directories queued or being visited.
        pending: AtomicUsize,
        seen: AtomicUsize,
        /// The walk stopped before the end (limit or first hit).
        stop: AtomicBool,
        /// A directory was read afresh, or could not be recorded.
        read_any: AtomicBool,
        unrecordable: AtomicBool,
        found: Mutex<Vec<PathBuf>>,
        dirs: Mutex<Vec<(String, DirRecord)>>,
    }
    let shared = Shared {
        queue: Mutex::new(vec![String::new()]),
        pending: AtomicUsize::new(1),
        seen: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        read_any: AtomicBool::new(false),
        unrecordable: AtomicBool::new(false),
        found: Mutex::new(Vec::new()),
        dirs: Mutex::new(Vec::new()),
    };
    let work = |sh: &Shared| {
        let mut mine = Vec::new();
        loop {
            if sh.stop.load(Ordering::Relaxed) {
                break;
            }
            let next = sh.queue.lock().map(|mut q| q.pop()).unwrap_or(None);
            let Some(rel) = next else {
                if sh.pending.load(Ordering::Acquire) == 0 {
                    break;
                }
                std::thread::yield_now();
                continue;
            };
            let abs = if rel.is_empty() { root.to_path_buf() } else { root.join(&rel) };
            // The root is searched even when it is a link; links below it are not followed.
            let follow = rel.is_empty();
            let rec = match visit(&abs, follow, old.dirs.get(&rel), old.taken) {
                Some((rec, fresh)) => {
                    if fresh {
                        sh.read_any.store(true, Ordering::Relaxed);
                    }
                    rec
                }
                None => {
                    // Unreadable: nothing in it is reachable by a search either.
                    sh.pending.fetch_sub(1, Ordering::AcqRel);
                    continue;
                }
            };
            if rec.subdirs.iter().chain(&rec.envs).any(|n| !recordable(n)) {
                sh.unrecordable.store(true, Ordering::Relaxed);
            }
            if sh.seen.fetch_add(rec.entries, Ordering::Relaxed) + rec.entries > WALK_LIMIT {
                sh.stop.store(true, Ordering::Relaxed);
            }
            for name in &rec.envs {
                let path = abs.join(name);
                if name_filter(scope, &path) {
                    if let Ok(mut f) = sh.found.lock() {
                        f.push(path);
                    }
                    if !scope.honors_gitignore {
                        sh.stop.store(true, Ordering::Relaxed);
                    }
                }
            }
            let subdirs: Vec<String> = rec
                .subdirs
                .iter()
                .filter(|n| !scope.exclude_dirs.iter().any(|g| glob_matches(g, n)))
                .map(|n| if rel.is_empty() { n.clone() } else { format!("{rel}/{n}") })
                .collect();
            mine.push((rel, rec));
            if !subdirs.is_empty() {
                sh.pending.fetch_add(subdirs.len(), Ordering::AcqRel);
                if let Ok(mut q) = sh.queue.lock() {
                    q.extend(subdirs);
                }
            }
            sh.pending.fetch_sub(1, Ordering::AcqRel);
        }
        if let Ok(mut d) = sh.dirs.lock() {
            d.extend(mine);
        }
    };
    // With a record to go by, a visit is one `stat`: spawning threads would cost more.
    let threads = if old.dirs.is_empty() {
        std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4)
    } else {
        1
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(|| work(&shared));
        }
        work(&shared);
    });
    let capped = shared.seen.load(Ordering::Relaxed) > WALK_LIMIT;
    let complete = !shared.stop.load(Ordering::Relaxed);
    let save =
        complete && shared.read_any.load(Ordering::Relaxed) && !shared.unrecordable.load(Ordering::Relaxed);
    let dirs = shared.dirs.into_inner().unwrap_or_default();
    Outcome {
        candidates: shared.found.into_inner().unwrap_or_default(),
        capped,
        fresh_dirs: save.then(|| dirs.into_iter().collect()),
    }
}

/// One directory: its record reused when the directory is unchanged since a walk that
/// ran long enough after its last change, else read afresh (`true`). `None` when it
/// cannot be read, or is a symbolic link and `follow` is false.
fn visit(abs: &Path, follow: bool, old: Option<&DirRecord>, taken: (i64, i64)) -> Option<(DirRecord, bool)> {
    let meta = if follow { std::fs::metadata(abs) } else { std::fs::symlink_metadata(abs) }.ok()?;
    if !meta.is_dir() {
        return None;
    }
    let (ino, mtime) = identity(&meta);
    if let Some(rec) = old {
        if rec.ino == ino && rec.mtime == mtime && settled(mtime, taken) {
            return Some((rec.clone(), false));
        }
    }
    let mut rec = DirRecord { ino, mtime, entries: 0, subdirs: Vec::new(), envs: Vec::new() };
    for e in std::fs::read_dir(abs).ok()?.flatten() {
        rec.entries += 1;
        let Ok(kind) = e.file_type() else { continue };
        let name = e.file_name();
        let name = name.to_string_lossy();
        if kind.is_dir() {
            if !SKIP_DIRS.contains(&name.as_ref()) {
                rec.subdirs.push(name.into_owned());
            }
        } else if name.starts_with('.') && is_protected_name(&name) {
            rec.envs.push(name.into_owned());
        }
    }
    Some((rec, true))
}

/// Whether a directory last changed at `mtime` is safely older than the walk at `taken`.
fn settled(mtime: (i64, i64), taken: (i64, i64)) -> bool {
    let window = RACY_WINDOW.as_secs() as i64;
    mtime.0 + window < taken.0 || (mtime.0 + window == taken.0 && mtime.1 < taken.1)
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> (u64, (i64, i64)) {
    use std::os::unix::fs::MetadataExt;
    (meta.ino(), (meta.mtime(), meta.mtime_nsec()))
}

#[cfg(not(unix))]
fn identity(meta: &std::fs::Metadata) -> (u64, (i64, i64)) {
    let t = meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).unwrap_or_default();
    (0, (t.as_secs() as i64, i64::from(t.subsec_nanos())))
}

fn now() -> (i64, i64) {
    let t = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    (t.as_secs() as i64, i64::from(t.subsec_nanos()))
}

/// Whether a name can be written into a record (one name per line, tab-separated;
/// names that were not valid UTF-8 are not recorded either).
fn recordable(name: &str) -> bool {
    !name.contains(['\n', '\r', '\t', '\u{FFFD}'])
}

/// The record file's name for a root: 16 hex digits of SHA-256 of its path.
fn root_digest(root: &Path) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(root.to_string_lossy().as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The record for `root` in `file`, or `None` when there is none or it is damaged.
fn load(file: &Path, root: &Path) -> Option<Record> {
    let text = std::fs::read_to_string(file).ok()?;
    let mut lines = text.lines();
    if lines.next()? != MAGIC || lines.next()? != format!("root\t{}", root.to_string_lossy()) {
        return None;
    }
    let mut taken = lines.next()?.strip_prefix("taken\t")?.split('\t');
    let taken = (taken.next()?.parse().ok()?, taken.next()?.parse().ok()?);
    let mut rec = Record { taken, dirs: HashMap::new() };
    let mut current: Option<(String, DirRecord)> = None;
    for line in lines {
        let (tag, rest) = line.split_once('\t')?;
        match tag {
            "D" => {
                let mut f = rest.splitn(5, '\t');
                let mut num = || f.next().and_then(|s| s.parse::<i64>().ok());
                let (ino, secs, nanos, entries) = (num()?, num()?, num()?, num()?);
                let rel = f.next()?.to_owned();
                let dir = DirRecord {
                    ino: ino as u64,
                    mtime: (secs, nanos),
                    entries: usize::try_from(entries).ok()?,
                    subdirs: Vec::new(),
                    envs: Vec::new(),
                };
                if let Some((k, v)) = current.replace((rel, dir)) {
                    rec.dirs.insert(k, v);
                }
            }
            "S" => current.as_mut()?.1.subdirs.push(rest.to_owned()),
            "E" => current.as_mut()?.1.envs.push(rest.to_owned()),
            _ => return None,
        }
    }
    if let Some((k, v)) = current {
        rec.dirs.insert(k, v);
    }
    Some(rec)
}

/// Writes `rec` for `root` into `file` (temporary file, then rename; the directory is
/// created 0700). A failure only costs the next walk its shortcut.
fn save(file: &Path, root: &Path, rec: &Record) {
    use std::fmt::Write as _;
    let mut out =
        format!("{MAGIC}\nroot\t{}\ntaken\t{}\t{}\n", root.to_string_lossy(), rec.taken.0, rec.taken.1);
    let mut rels: Vec<&String> = rec.dirs.keys().collect();
    rels.sort();
    for rel in rels {
        let d = &rec.dirs[rel];
        let _ = writeln!(out, "D\t{}\t{}\t{}\t{}\t{rel}", d.ino as i64, d.mtime.0, d.mtime.1, d.entries);
        for s in &d.subdirs {
            let _ = writeln!(out, "S\t{s}");
        }
        for e in &d.envs {
            let _ = writeln!(out, "E\t{e}");
        }
    }
    let Some(dir) = file.parent() else { return };
    if crate::rotation::create_private_dir(dir).is_err() {
        return;
    }
    let Ok(mut tmp) = tempfile::Builder::new().prefix(".walk-").tempfile_in(dir) else { return };
    if std::io::Write::write_all(&mut tmp, out.as_bytes()).is_ok() {
        let _ = tmp.persist(file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn tree() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("p");
        for d in ["src/a", "src/b", "node_modules/x", "services/api"] {
            fs::create_dir_all(root.join(d)).unwrap();
        }
        fs::write(root.join(".env"), "K=v\n").unwrap();
        fs::write(root.join(".env.example"), "K=\n").unwrap();
        fs::write(root.join("services/api/.env.local"), "K=v\n").unwrap();
        fs::write(root.join("node_modules/x/.env"), "K=v\n").unwrap();
        let cache = t.path().join("cache");
        (t, root, cache)
    }

    fn everything() -> Scope {
        Scope { honors_gitignore: true, hidden: true, ..Scope::default() }
    }

    fn names(w: &Walked, root: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            w.candidates.iter().map(|p| p.strip_prefix(root).unwrap().display().to_string()).collect();
        v.sort();
        v
    }

    /// Sets every directory's mtime back, as if the record had been taken long after.
    fn age(root: &Path) {
        let old = SystemTime::now() - Duration::from_secs(60);
        for e in walkdir(root) {
            fs::File::open(&e).unwrap().set_modified(old).unwrap();
        }
    }

    fn walkdir(root: &Path) -> Vec<PathBuf> {
        let mut out = vec![root.to_path_buf()];
        let mut i = 0;
        while i < out.len() {
            for e in fs::read_dir(&out[i]).unwrap().flatten() {
                if e.file_type().unwrap().is_dir() {
                    out.push(e.path());
                }
            }
            i += 1;
        }
        out
    }

    #[test]
    fn finds_env_files_but_not_examples_or_skipped_dirs() {
        let (_t, root, cache) = tree();
        let w = env_files(&root, &everything(), Some(&cache));
        assert_eq!(names(&w, &root), [".env", "services/api/.env.local"]);
        assert!(!w.capped);
        let excluded = Scope { exclude_dirs: vec!["services".into()], ..everything() };
        assert_eq!(names(&env_files(&root, &excluded, Some(&cache)), &root), [".env"]);
    }

    #[test]
    fn the_record_is_reused_and_sees_every_change() {
        let (_t, root, cache) = tree();
        age(&root);
        env_files(&root, &everything(), Some(&cache));
        let file = cache.join(format!("walk-{}", root_digest(&root)));
        let rec = load(&file, &root).expect("a record was saved");
        assert_eq!(rec.dirs[""].envs, [".env"]);
        assert!(rec.dirs.contains_key("src/a") && !rec.dirs.contains_key("node_modules"));

        // An unchanged, settled tree is answered from the record: a record that claims
        // an extra env file shows the shortcut is taken.
        let mut forged = load(&file, &root).unwrap();
        forged.dirs.get_mut("src/a").unwrap().envs.push(".env.forged".into());
        save(&file, &root, &forged);
        let w = env_files(&root, &everything(), Some(&cache));
        assert!(names(&w, &root).contains(&"src/a/.env.forged".to_owned()));

        // A new env file changes its directory's mtime: the directory is read again.
        fs::write(root.join("src/a/.env.production"), "K=v\n").unwrap();
        let w = env_files(&root, &everything(), Some(&cache));
        assert_eq!(names(&w, &root), [".env", "services/api/.env.local", "src/a/.env.production"]);

        // So do removals, renames and new directories.
        fs::remove_file(root.join("services/api/.env.local")).unwrap();
        fs::create_dir_all(root.join("src/b/deep/er")).unwrap();
        fs::write(root.join("src/b/deep/er/.env"), "K=v\n").unwrap();
        fs::rename(root.join("src/a"), root.join("src/c")).unwrap();
        let w = env_files(&root, &everything(), Some(&cache));
        assert_eq!(names(&w, &root), [".env", "src/b/deep/er/.env", "src/c/.env.production"]);
    }

    #[test]
    fn recent_directories_are_read_again() {
        let (_t, root, cache) = tree();
        env_files(&root, &everything(), Some(&cache));
        let file = cache.join(format!("walk-{}", root_digest(&root)));
        let mut forged = load(&file, &root).unwrap();
        forged.dirs.get_mut("").unwrap().envs.push(".env.forged".into());
        save(&file, &root, &forged);
        // The tree was just made: its mtimes are within the racy window of the record.
        let w = env_files(&root, &everything(), Some(&cache));
        assert_eq!(names(&w, &root), [".env", "services/api/.env.local"]);
    }

    #[test]
    fn damaged_records_are_ignored() {
        let (_t, root, cache) = tree();
        age(&root);
        let file = cache.join(format!("walk-{}", root_digest(&root)));
        fs::create_dir_all(&cache).unwrap();
        for junk in ["", "tkx-walk 1\n", "tkx-walk 1\nroot\t/elsewhere\ntaken\t1\t2\n", "garbage\n\0\u{1}"] {
            fs::write(&file, junk).unwrap();
            let w = env_files(&root, &everything(), Some(&cache));
            assert_eq!(names(&w, &root), [".env", "services/api/.env.local"], "{junk:?}");
        }
        let text = format!("{MAGIC}\nroot\t{}\ntaken\t9999999999\t0\nD\tx\n", root.display());
        fs::write(&file, text).unwrap();
        assert!(load(&file, &root).is_none());
    }

    #[test]
    fn a_walk_that_does_not_honour_gitignore_stops_at_the_first_hit_and_saves_nothing() {
        let (_t, root, cache) = tree();
        let grep_r = Scope { hidden: true, ..Scope::default() };
        let w = env_files(&root, &grep_r, Some(&cache));
        assert_eq!(w.candidates.len(), 1);
        assert!(!cache.exists());
    }

    #[test]
    fn a_linked_root_is_walked_but_links_below_it_are_not() {
        let (t, root, cache) = tree();
        let link = t.path().join("link");
        std::os::unix::fs::symlink(&root, &link).unwrap();
        let w = env_files(&link, &everything(), Some(&cache));
        assert_eq!(names(&w, &link), [".env", "services/api/.env.local"]);
        let outside = t.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join(".env"), "K=v\n").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("src/out")).unwrap();
        let w = env_files(&root, &everything(), Some(&cache));
        assert_eq!(names(&w, &root), [".env", "services/api/.env.local"], "as ripgrep: links not followed");
    }

    #[test]
    fn round_trip() {
        let mut rec = Record { taken: (1_700_000_000, 5), dirs: HashMap::new() };
        rec.dirs.insert(
            String::new(),
            DirRecord {
                ino: 7,
                mtime: (1, 2),
                entries: 3,
                subdirs: vec!["a b".into()],
                envs: vec![".env".into()],
            },
        );
        rec.dirs.insert(
            "a b".into(),
            DirRecord { ino: 8, mtime: (3, 4), entries: 0, subdirs: vec![], envs: vec![] },
        );
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("c/walk-x");
        save(&f, Path::new("/r"), &rec);
        assert_eq!(load(&f, Path::new("/r")), Some(rec));
    }
}
