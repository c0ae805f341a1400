//! The env files under a directory, found by a walk that remembers what it saw.
//!
//! Whether a whole-project search (Claude Code's Grep with no path, `grep -r .`) is
//! allowed depends on the env files in its reach, and finding them takes a walk of the
//! tree. On a project of a few hundred directories that walk alone costs more than the
//! hook's 5 ms budget, nearly all of it in `openat` and `getdents64`. So, like git's
//! untracked cache, the walk records each directory's device, inode, modification and
//! change times with the subdirectories and env files it held, and the next walk `stat`s
//! each directory and reads again only those whose stamp changed. Adding, removing or
//! renaming an entry changes a directory's mtime and ctime; tools that put an old mtime
//! back (`touch -d`, `rsync -a`, `tar x`) still change its ctime, which user space cannot
//! set.
//!
//! The record holds names only, never contents. It lives in the user's cache directory
//! (`~/.cache/tkx/walk-*`), one file per walked root, written to a temporary file and
//! renamed, and ends with a line counting its directories: a record that is damaged, cut
//! short or for another root is ignored and rebuilt. A directory changed within two
//! seconds of the walk that recorded it is read again, because a change made in the same
//! clock tick as that walk would not show in its times. Only local file systems are
//! trusted to keep those times (a network or FUSE file system's come from another clock):
//! elsewhere every search walks the whole tree. The guard refuses agents' access to the
//! cache directory, so a forged record is not the easy way around it.

use super::paths::{Scope, glob_matches, is_protected_name, name_filter};
use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Directories no search of the user's env files needs to enter: other people's files.
pub use crate::envfile::names::SKIP_DIRS;

/// Most entries a walk visits before giving up (and the caller denies, to be safe).
const WALK_LIMIT: usize = 20_000;

/// How recent a directory's mtime may be, relative to the walk that recorded it, before
/// the record is no longer trusted for it.
const RACY_WINDOW: Duration = Duration::from_secs(2);

/// The first line of a record file; a record with another is ignored.
const MAGIC: &str = "tkx-walk 3";

/// What a walk found: env files passing the scope's filters, and whether it gave up.
pub struct Walked {
    /// Env files (never examples) that a search with the scope would consider.
    pub candidates: Vec<PathBuf>,
    /// The walk passed its limit of 20,000 entries and stopped.
    pub capped: bool,
}

/// A directory's identity and change times, as `stat` gives them. The ctime cannot be
/// set from user space, so `touch -d`, `rsync -a` or `tar x` putting an old mtime back
/// still shows.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Stamp {
    dev: u64,
    ino: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

/// One directory as a walk saw it.
#[derive(Clone, Debug, PartialEq)]
struct DirRecord {
    stamp: Stamp,
    /// Entries the directory held.
    entries: usize,
    /// Subdirectories (not symbolic links), except [`SKIP_DIRS`].
    subdirs: Vec<OsString>,
    /// Env files (protected names; symbolic links too).
    envs: Vec<OsString>,
    /// Other symbolic links (to directories, perhaps), for searches that follow them.
    links: Vec<OsString>,
}

/// The record of one walk: when it ran, and each directory it read, by path relative to
/// the walked root (empty for the root).
#[derive(Debug, Default, PartialEq)]
struct Record {
    taken: (i64, i64),
    dirs: HashMap<PathBuf, DirRecord>,
}

/// Walks `dir` for env files that a search with `scope` would consider, on a few
/// threads, reusing and then updating the record in `cache_dir` when one is given and
/// the file system keeps times tkx can trust. [`SKIP_DIRS`] and the scope's excluded
/// directories are not entered. A walk for a search that does not honour git's ignore
/// files stops at the first env file.
pub fn env_files(dir: &Path, scope: &Scope, cache_dir: Option<&Path>) -> Walked {
    let record_file = cache_dir
        .filter(|_| dir.to_str().is_some_and(recordable) && trusted_times(dir))
        .map(|c| c.join(format!("walk-{}", root_digest(dir))));
    let old = record_file.as_deref().and_then(|f| load(f, dir)).unwrap_or_default();
    let started = now();
    let out = walk(dir, scope, &old);
    if let (Some(file), Some(dirs)) = (record_file, out.fresh_dirs) {
        save(&file, dir, &Record { taken: started, dirs });
    }
    Walked { candidates: out.candidates, capped: out.capped }
}

/// What [`walk`] returns: the [`Walked`] answer, and the directories it saw when it
/// finished the whole tree, read at least one of them afresh, and can record them all.
struct Outcome {
    candidates: Vec<PathBuf>,
    capped: bool,
    fresh_dirs: Option<HashMap<PathBuf, DirRecord>>,
}

fn walk(root: &Path, scope: &Scope, old: &Record) -> Outcome {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    struct Shared {
        /// Directories to visit, as paths relative to the root, and whether each is
        /// reached through a link.
        queue: Mutex<Vec<(PathBuf, bool)>>,
        /// Directories already visited, when links are followed (a link may loop).
        visited: Mutex<std::collections::HashSet<(u64, u64)>>,
        /// Directories queued or being visited.
        pending: AtomicUsize,
        seen: AtomicUsize,
        /// The walk stopped before the end (limit or first hit).
        stop: AtomicBool,
        /// A directory was read afresh.
        read_any: AtomicBool,
        /// A name cannot be written into a record, or a directory was not read whole.
        unrecordable: AtomicBool,
        found: Mutex<Vec<PathBuf>>,
        dirs: Mutex<Vec<(PathBuf, DirRecord)>>,
    }
    let shared = Shared {
        queue: Mutex::new(vec![(PathBuf::new(), true)]),
        visited: Mutex::new(std::collections::HashSet::new()),
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
            let Some((rel, linked)) = next else {
                if sh.pending.load(Ordering::Acquire) == 0 {
                    break;
                }
                std::thread::yield_now();
                continue;
            };
            let abs = if rel.as_os_str().is_empty() { root.to_path_buf() } else { root.join(&rel) };
            // The root is searched even when it is a link; links below it only by a
            // search that follows them.
            let Some(v) = visit(&abs, linked, old.dirs.get(&rel), old.taken) else {
                // Unreadable: nothing in it is reachable by a search either.
                sh.pending.fetch_sub(1, Ordering::AcqRel);
                continue;
            };
            if v.fresh {
                sh.read_any.store(true, Ordering::Relaxed);
            }
            let rec = v.rec;
            if scope.follow_links
                && !sh.visited.lock().is_ok_and(|mut seen| seen.insert((rec.stamp.dev, rec.stamp.ino)))
            {
                sh.pending.fetch_sub(1, Ordering::AcqRel);
                continue;
            }
            if !v.whole
                || rec
                    .subdirs
                    .iter()
                    .chain(&rec.envs)
                    .chain(&rec.links)
                    .any(|n| !n.to_str().is_some_and(recordable))
            {
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
            let links: &[OsString] = if scope.follow_links { &rec.links } else { &[] };
            let subdirs: Vec<(PathBuf, bool)> = rec
                .subdirs
                .iter()
                .map(|n| (n, false))
                .chain(links.iter().map(|n| (n, true)))
                .filter(|(n, _)| !scope.exclude_dirs.iter().any(|g| glob_matches(g, &n.to_string_lossy())))
                .map(|(n, linked)| (rel.join(n), linked))
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

/// A visited directory: its record, whether it was read afresh, and whether every entry
/// could be read.
struct Visit {
    rec: DirRecord,
    fresh: bool,
    whole: bool,
}

/// One directory: its record reused when the directory is unchanged since a walk that
/// ran long enough after its last change, else read afresh. `None` when it cannot be
/// read, or is a symbolic link and `follow` is false.
fn visit(abs: &Path, follow: bool, old: Option<&DirRecord>, taken: (i64, i64)) -> Option<Visit> {
    if let Some(rec) = old {
        let meta = if follow { std::fs::metadata(abs) } else { std::fs::symlink_metadata(abs) }.ok()?;
        if !meta.is_dir() {
            return None;
        }
        let stamp = stamp(&meta);
        if rec.stamp == stamp && settled(&stamp, taken) {
            return Some(Visit { rec: rec.clone(), fresh: false, whole: true });
        }
    }
    read(abs, follow)
}

/// Sorts one entry of a directory being read into its record.
fn sort_entry(rec: &mut DirRecord, name: OsString, is_dir: bool, is_link: bool) {
    let shown = name.to_string_lossy();
    if is_dir {
        if !SKIP_DIRS.contains(&shown.as_ref()) {
            rec.subdirs.push(name);
        }
    } else if shown.starts_with('.') && is_protected_name(&shown) {
        rec.envs.push(name);
    } else if is_link {
        rec.links.push(name);
    }
}

/// Reads a directory afresh. On Linux this is one `openat`, one `fstat` and the
/// `getdents64` calls on that descriptor, which costs a third less than the standard
/// library's `stat` plus `opendir` (the cost that matters on the first walk of a tree).
#[cfg(target_os = "linux")]
fn read(abs: &Path, follow: bool) -> Option<Visit> {
    use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags, RawDir, openat, statat};
    use std::mem::MaybeUninit;
    use std::os::unix::ffi::OsStrExt;
    let mut flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    let dir = std::fs::File::from(openat(CWD, abs, flags, Mode::empty()).ok()?);
    let stamp = stamp(&dir.metadata().ok()?);
    let mut rec = DirRecord { stamp, entries: 0, subdirs: Vec::new(), envs: Vec::new(), links: Vec::new() };
    let mut whole = true;
    let mut buf = vec![MaybeUninit::<u8>::uninit(); 32 * 1024];
    let mut entries = RawDir::new(&dir, &mut buf);
    while let Some(e) = entries.next() {
        let Ok(e) = e else {
            whole = false;
            break;
        };
        let name = e.file_name();
        if matches!(name.to_bytes(), b"." | b"..") {
            continue;
        }
        rec.entries += 1;
        let mut kind = e.file_type();
        if kind == FileType::Unknown {
            // Some file systems leave the type out of the listing.
            match statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => kind = FileType::from_raw_mode(st.st_mode),
                Err(_) => {
                    whole = false;
                    continue;
                }
            }
        }
        let name = std::ffi::OsStr::from_bytes(name.to_bytes()).to_os_string();
        sort_entry(&mut rec, name, kind == FileType::Directory, kind == FileType::Symlink);
    }
    Some(Visit { rec, fresh: true, whole })
}

/// Reads a directory afresh (the standard library's way, off Linux).
#[cfg(not(target_os = "linux"))]
fn read(abs: &Path, follow: bool) -> Option<Visit> {
    let meta = if follow { std::fs::metadata(abs) } else { std::fs::symlink_metadata(abs) }.ok()?;
    if !meta.is_dir() {
        return None;
    }
    let mut rec = DirRecord {
        stamp: stamp(&meta),
        entries: 0,
        subdirs: Vec::new(),
        envs: Vec::new(),
        links: Vec::new(),
    };
    let mut whole = true;
    for e in std::fs::read_dir(abs).ok()? {
        let Ok(e) = e else {
            whole = false;
            continue;
        };
        rec.entries += 1;
        let Ok(kind) = e.file_type() else {
            whole = false;
            continue;
        };
        sort_entry(&mut rec, e.file_name(), kind.is_dir(), kind.is_symlink());
    }
    Some(Visit { rec, fresh: true, whole })
}

/// Whether a directory with `stamp` last changed safely before the walk at `taken`.
fn settled(stamp: &Stamp, taken: (i64, i64)) -> bool {
    let changed = stamp.mtime.max(stamp.ctime);
    let window = RACY_WINDOW.as_secs() as i64;
    changed.0.saturating_add(window) < taken.0
        || (changed.0.saturating_add(window) == taken.0 && changed.1 < taken.1)
}

#[cfg(unix)]
fn stamp(meta: &std::fs::Metadata) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    Stamp {
        dev: meta.dev(),
        ino: meta.ino(),
        mtime: (meta.mtime(), meta.mtime_nsec()),
        ctime: (meta.ctime(), meta.ctime_nsec()),
    }
}

#[cfg(not(unix))]
fn stamp(_meta: &std::fs::Metadata) -> Stamp {
    Stamp { dev: 0, ino: 0, mtime: (0, 0), ctime: (0, 0) }
}

/// Whether the file system under `dir` keeps directory times the record can go by: a
/// local Linux file system, whose times come from this machine's clock. Network and FUSE
/// file systems (times from another clock, sometimes in whole seconds) are walked in full
/// every time. Off Linux, Unix file systems are trusted; elsewhere none is.
fn trusted_times(dir: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use nix::sys::statfs::{
            BTRFS_SUPER_MAGIC, EXT4_SUPER_MAGIC, F2FS_SUPER_MAGIC, OVERLAYFS_SUPER_MAGIC, TMPFS_MAGIC,
            XFS_SUPER_MAGIC, statfs,
        };
        // Not among nix's names: ZFS and bcachefs.
        const ZFS: nix::sys::statfs::FsType = nix::sys::statfs::FsType(0x2fc1_2fc1_u32 as _);
        const BCACHEFS: nix::sys::statfs::FsType = nix::sys::statfs::FsType(0xca45_1a4e_u32 as _);
        statfs(dir).is_ok_and(|s| {
            [
                BTRFS_SUPER_MAGIC,
                EXT4_SUPER_MAGIC,
                F2FS_SUPER_MAGIC,
                OVERLAYFS_SUPER_MAGIC,
                TMPFS_MAGIC,
                XFS_SUPER_MAGIC,
                ZFS,
                BCACHEFS,
            ]
            .contains(&s.filesystem_type())
        })
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        let _ = dir;
        true
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        false
    }
}

fn now() -> (i64, i64) {
    let t = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    (t.as_secs() as i64, i64::from(t.subsec_nanos()))
}

/// Whether a name or path can be written into a record (one per line, tab-separated).
fn recordable(name: &str) -> bool {
    !name.contains(['\n', '\r', '\t'])
}

/// The record file's name for a root: 16 hex digits of SHA-256 of its path.
fn root_digest(root: &Path) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(root.to_string_lossy().as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The record for `root` in `file`, or `None` when there is none, it is for another
/// root or version, or it is damaged or cut short (it must end with its `end` line).
fn load(file: &Path, root: &Path) -> Option<Record> {
    let text = std::fs::read_to_string(file).ok()?;
    let mut lines = text.lines();
    if lines.next()? != MAGIC || lines.next()? != format!("root\t{}", root.to_str()?) {
        return None;
    }
    let mut taken = lines.next()?.strip_prefix("taken\t")?.split('\t');
    let taken = (taken.next()?.parse().ok()?, taken.next()?.parse().ok()?);
    let mut rec = Record { taken, dirs: HashMap::new() };
    let mut current: Option<(PathBuf, DirRecord)> = None;
    let mut ended = false;
    for line in lines {
        if ended {
            return None;
        }
        let (tag, rest) = line.split_once('\t')?;
        match tag {
            "D" => {
                let mut f = rest.splitn(8, '\t');
                let mut num = || f.next().and_then(|s| s.parse::<i64>().ok());
                let n: [i64; 7] = [num()?, num()?, num()?, num()?, num()?, num()?, num()?];
                let rel = PathBuf::from(f.next()?);
                let dir = DirRecord {
                    stamp: Stamp {
                        dev: n[0] as u64,
                        ino: n[1] as u64,
                        mtime: (n[2], n[3]),
                        ctime: (n[4], n[5]),
                    },
                    entries: usize::try_from(n[6]).ok()?,
                    subdirs: Vec::new(),
                    envs: Vec::new(),
                    links: Vec::new(),
                };
                if let Some((k, v)) = current.replace((rel, dir)) {
                    rec.dirs.insert(k, v);
                }
            }
            "S" => current.as_mut()?.1.subdirs.push(rest.into()),
            "E" => current.as_mut()?.1.envs.push(rest.into()),
            "L" => current.as_mut()?.1.links.push(rest.into()),
            "end" => {
                if let Some((k, v)) = current.take() {
                    rec.dirs.insert(k, v);
                }
                ended = rest.parse::<usize>().ok()? == rec.dirs.len();
                if !ended {
                    return None;
                }
            }
            _ => return None,
        }
    }
    ended.then_some(rec)
}

/// Writes `rec` for `root` into `file` (temporary file, then rename; the directory is
/// created 0700), ending with a line that counts the directories, so a file cut short
/// is never taken for a whole one. A failure only costs the next walk its shortcut.
fn save(file: &Path, root: &Path, rec: &Record) {
    use std::fmt::Write as _;
    let Some(root) = root.to_str() else { return };
    let mut out = format!("{MAGIC}\nroot\t{root}\ntaken\t{}\t{}\n", rec.taken.0, rec.taken.1);
    let mut rels: Vec<&PathBuf> = rec.dirs.keys().collect();
    rels.sort();
    for rel in rels {
        let d = &rec.dirs[rel];
        let (Some(rel), s) = (rel.to_str(), &d.stamp) else { return };
        let _ = writeln!(
            out,
            "D\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{rel}",
            s.dev as i64, s.ino as i64, s.mtime.0, s.mtime.1, s.ctime.0, s.ctime.1, d.entries
        );
        for (tag, names) in [("S", &d.subdirs), ("E", &d.envs), ("L", &d.links)] {
            for n in names {
                let Some(n) = n.to_str() else { return };
                let _ = writeln!(out, "{tag}\t{n}");
            }
        }
    }
    let _ = writeln!(out, "end\t{}", rec.dirs.len());
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

    fn found(root: &Path, cache: &Path) -> Vec<String> {
        let w = env_files(root, &everything(), Some(cache));
        let mut v: Vec<String> =
            w.candidates.iter().map(|p| p.strip_prefix(root).unwrap().display().to_string()).collect();
        v.sort();
        v
    }

    fn record_file(root: &Path, cache: &Path) -> PathBuf {
        cache.join(format!("walk-{}", root_digest(root)))
    }

    /// Saves the record again with its time moved `secs` on, so that every directory in
    /// it counts as settled (as for a record taken long after the tree last changed).
    fn settle(root: &Path, cache: &Path, secs: i64) {
        let file = record_file(root, cache);
        let mut rec = load(&file, root).expect("a record");
        rec.taken.0 += secs;
        save(&file, root, &rec);
    }

    /// Adds an env file name the directory does not hold to the record, so a walk that
    /// answers from the record shows it.
    fn forge(root: &Path, cache: &Path, dir: &str) {
        let file = record_file(root, cache);
        let mut rec = load(&file, root).unwrap();
        rec.dirs.get_mut(Path::new(dir)).unwrap().envs.push(".env.forged".into());
        save(&file, root, &rec);
    }

    fn set_mtime(path: &Path, t: SystemTime) {
        fs::File::open(path).unwrap().set_modified(t).unwrap();
    }

    #[test]
    fn finds_env_files_but_not_examples_or_skipped_dirs() {
        let (_t, root, cache) = tree();
        assert_eq!(found(&root, &cache), [".env", "services/api/.env.local"]);
        let excluded = Scope { exclude_dirs: vec!["services".into()], ..everything() };
        let w = env_files(&root, &excluded, Some(&cache));
        assert_eq!(w.candidates, [root.join(".env")]);
        assert!(!w.capped);
    }

    #[test]
    fn a_settled_record_answers_and_every_change_is_seen() {
        let (_t, root, cache) = tree();
        if !trusted_times(&root) {
            return; // no records on this file system: nothing to test here
        }
        found(&root, &cache);
        let rec = load(&record_file(&root, &cache), &root).expect("a record was saved");
        assert_eq!(rec.dirs[Path::new("")].envs, [OsString::from(".env")]);
        assert!(
            rec.dirs.contains_key(Path::new("src/a")) && !rec.dirs.contains_key(Path::new("node_modules"))
        );

        // An unchanged tree is answered from a settled record: a forged name shows it.
        settle(&root, &cache, 60);
        forge(&root, &cache, "src/a");
        assert!(found(&root, &cache).contains(&"src/a/.env.forged".to_owned()));

        // A new env file changes its directory's stamp, even once the record is settled.
        fs::write(root.join("src/a/.env.production"), "K=v\n").unwrap();
        settle(&root, &cache, 60);
        assert_eq!(found(&root, &cache), [".env", "services/api/.env.local", "src/a/.env.production"]);

        // So do removals, renames and new directories.
        fs::remove_file(root.join("services/api/.env.local")).unwrap();
        fs::create_dir_all(root.join("src/b/deep/er")).unwrap();
        fs::write(root.join("src/b/deep/er/.env"), "K=v\n").unwrap();
        fs::rename(root.join("src/a"), root.join("src/c")).unwrap();
        settle(&root, &cache, 60);
        assert_eq!(found(&root, &cache), [".env", "src/b/deep/er/.env", "src/c/.env.production"]);
    }

    #[test]
    fn an_old_mtime_put_back_does_not_hide_a_new_file() {
        let (_t, root, cache) = tree();
        if !trusted_times(&root) {
            return; // no records on this file system: nothing to test here
        }
        let old = SystemTime::now() - Duration::from_secs(3600);
        set_mtime(&root.join("src/a"), old);
        found(&root, &cache);
        settle(&root, &cache, 60);
        // `rsync -a` or `touch -d` after adding a file: the mtime is as recorded, the
        // ctime is not.
        fs::write(root.join("src/a/.env.local"), "K=v\n").unwrap();
        set_mtime(&root.join("src/a"), old);
        assert!(found(&root, &cache).contains(&"src/a/.env.local".to_owned()));
    }

    #[test]
    fn recent_directories_are_read_again() {
        let (_t, root, cache) = tree();
        if !trusted_times(&root) {
            return; // no records on this file system: nothing to test here
        }
        found(&root, &cache);
        forge(&root, &cache, "");
        // The tree was just made: its times are within the racy window of the record.
        assert_eq!(found(&root, &cache), [".env", "services/api/.env.local"]);
    }

    #[test]
    fn damaged_or_cut_short_records_are_ignored() {
        let (_t, root, cache) = tree();
        if !trusted_times(&root) {
            return; // no records on this file system: nothing to test here
        }
        found(&root, &cache);
        settle(&root, &cache, 60);
        forge(&root, &cache, "");
        let file = record_file(&root, &cache);
        let whole = fs::read_to_string(&file).unwrap();
        let n = load(&file, &root).expect("whole").dirs.len();
        assert!(whole.ends_with(&format!("end\t{n}\n")), "{whole}");
        let cut = &whole[..whole.rfind("end\t").unwrap()];
        let miscounted = whole.replace(&format!("end\t{n}"), &format!("end\t{}", n - 1));
        let trailing = format!("{whole}E\t.env\n");
        for junk in ["", "tkx-walk 2\n", "garbage\n\0\u{1}", cut, &miscounted, &trailing] {
            fs::write(&file, junk).unwrap();
            assert!(load(&file, &root).is_none(), "{junk:?}");
            assert_eq!(found(&root, &cache), [".env", "services/api/.env.local"], "{junk:?}");
        }
        let other_root = whole.replacen(&format!("root\t{}", root.display()), "root\t/elsewhere", 1);
        fs::write(&file, other_root).unwrap();
        assert!(load(&file, &root).is_none());
    }

    #[test]
    fn names_that_are_not_utf8_are_walked_but_not_recorded() {
        use std::os::unix::ffi::OsStrExt;
        let (_t, root, cache) = tree();
        let odd = root.join(std::ffi::OsStr::from_bytes(b"d\xff"));
        fs::create_dir(&odd).unwrap();
        fs::write(odd.join(".env"), "K=v\n").unwrap();
        let w = env_files(&root, &everything(), Some(&cache));
        assert!(w.candidates.contains(&odd.join(".env")), "{:?}", w.candidates);
        assert!(!record_file(&root, &cache).exists());
        let tab = root.join("tab\tdir");
        fs::create_dir(&tab).unwrap();
        fs::remove_dir_all(&odd).unwrap();
        let w = env_files(&root, &everything(), Some(&cache));
        assert_eq!(w.candidates.len(), 2);
        assert!(!record_file(&root, &cache).exists());
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
        assert_eq!(found(&link, &cache), [".env", "services/api/.env.local"]);
        let outside = t.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join(".env"), "K=v\n").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("src/out")).unwrap();
        assert_eq!(
            found(&root, &cache),
            [".env", "services/api/.env.local"],
            "as ripgrep: links not followed"
        );
    }

    #[test]
    fn round_trip() {
        let stamp = |n: i64| Stamp { dev: 1, ino: n as u64, mtime: (n, 2), ctime: (n, 3) };
        let mut rec = Record { taken: (1_700_000_000, 5), dirs: HashMap::new() };
        rec.dirs.insert(
            PathBuf::new(),
            DirRecord {
                stamp: stamp(7),
                entries: 4,
                subdirs: vec!["a b".into()],
                envs: vec![".env".into()],
                links: vec!["shared".into()],
            },
        );
        rec.dirs.insert(
            PathBuf::from("a b"),
            DirRecord { stamp: stamp(8), entries: 0, subdirs: vec![], envs: vec![], links: vec![] },
        );
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("c/walk-x");
        save(&f, Path::new("/r"), &rec);
        assert_eq!(load(&f, Path::new("/r")), Some(rec));
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn local_file_systems_are_trusted() {
        if Path::new("/dev/shm").is_dir() {
            assert!(trusted_times(Path::new("/dev/shm")), "tmpfs");
        }
        assert!(!trusted_times(Path::new("/proc")));
    }
}
