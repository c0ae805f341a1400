//! Writing files so that a crash leaves either the old or the new version, and two tkx
//! runs editing the same file one after the other instead of over each other.
//!
//! Every read-modify-write of a file tkx edits holds [`lock_for`] the file from the read
//! to the rename: an advisory lock (`flock`) on the file's directory, so no lock file is
//! left beside the target, and a crashed run releases its lock with its process.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long tkx waits for another tkx that is writing in the same directory.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// An exclusive advisory lock on a directory; released when dropped.
#[must_use = "the lock is released when this is dropped"]
pub struct DirLock {
    _dir: nix::fcntl::Flock<fs::File>,
}

/// Locks the directory that holds `path`'s bytes (through a symlink, the target's),
/// waiting up to [`LOCK_WAIT`] for another tkx; then the error is `TimedOut`. The
/// directory must exist.
pub fn lock_for(path: &Path) -> io::Result<DirLock> {
    lock_dir(&real_dir(&real_path(path)?))
}

/// The directory [`lock_for`] locks for `path`: to order several locks, and to take
/// each once.
pub fn lock_key(path: &Path) -> PathBuf {
    real_path(path).map(|p| real_dir(&p)).unwrap_or_else(|_| real_dir(path))
}

/// Locks `dir` (see [`lock_for`]).
pub fn lock_dir(dir: &Path) -> io::Result<DirLock> {
    use nix::errno::Errno;
    use nix::fcntl::{Flock, FlockArg};
    let mut file = fs::File::open(dir)?;
    let start = Instant::now();
    loop {
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => return Ok(DirLock { _dir: lock }),
            Err((f, Errno::EWOULDBLOCK | Errno::EINTR)) if start.elapsed() < LOCK_WAIT => {
                file = f;
                std::thread::sleep(Duration::from_millis(5));
            }
            Err((_, Errno::EWOULDBLOCK)) => {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "another tkx has been writing in {} for {} s",
                        dir.display(),
                        LOCK_WAIT.as_secs()
                    ),
                ));
            }
            Err((_, errno)) => return Err(io::Error::from(errno)),
        }
    }
}

/// Where `path`'s bytes live: the symlink's target, or `path` itself when it does not
/// exist yet.
fn real_path(path: &Path) -> io::Result<PathBuf> {
    match fs::canonicalize(path) {
        Ok(real) => Ok(real),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(path.to_path_buf()),
        Err(e) => Err(e),
    }
}

fn real_dir(target: &Path) -> PathBuf {
    match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The prefix of `target`'s temporary files: its own name, so the ignore patterns that
/// cover the target (`.env*`, `.env.*`) cover them too.
fn temp_prefix(target: &Path) -> String {
    format!("{}.tkx-", target.file_name().map(|n| n.to_string_lossy()).unwrap_or_default())
}

/// Replaces `path` with `bytes` atomically: a temporary file in the same directory,
/// fsync, rename. An existing file keeps its permissions; a new one gets `new_mode`
/// (Unix). A symlink is written through: its target changes and the link stays. The
/// caller holds [`lock_for`] `path`, so temporary files of `path` left by a killed run
/// are stale and are removed.
pub fn write_atomic(path: &Path, bytes: &[u8], new_mode: u32) -> io::Result<()> {
    let target = real_path(path)?;
    let dir = real_dir(&target);
    let perms = match fs::metadata(&target) {
        Ok(meta) => Some(meta.permissions()),
        Err(_) => new_permissions(new_mode),
    };
    let prefix = temp_prefix(&target);
    remove_stale(&dir, &prefix);
    let mut tmp = tempfile::Builder::new().prefix(&prefix).suffix(".tmp").tempfile_in(&dir)?;
    tmp.write_all(bytes)?;
    if let Some(perms) = perms {
        tmp.as_file().set_permissions(perms)?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Reads at most `limit + 1` bytes of `path` (a caller sees `limit` was passed), but
/// only if it is a regular file: it is opened without blocking and checked after the
/// open, so a FIFO, socket or device named like an env file is refused (an
/// `InvalidInput` error saying what it is) instead of hanging tkx, and nothing can swap
/// it in between the check and the read.
pub fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let not_regular = |meta: &fs::Metadata| {
        io::Error::new(io::ErrorKind::InvalidInput, format!("not a regular file but {}", kind(meta)))
    };
    let file =
        match fs::OpenOptions::new().read(true).custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits()).open(path)
        {
            Ok(file) => file,
            // A socket cannot be opened at all: say what it is, not "no such device".
            Err(e) => match fs::metadata(path) {
                Ok(meta) if !meta.is_file() && !meta.is_dir() => return Err(not_regular(&meta)),
                _ => return Err(e),
            },
        };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(limit)).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A settings or state file's text (`.tkx.toml`, the baseline): `None` when it does not
/// exist; an error when it is not a regular file, over 16 MiB or not UTF-8.
pub fn read_settings(path: &Path) -> io::Result<Option<String>> {
    const LIMIT: u64 = 16 * 1024 * 1024;
    let bytes = match read_regular(path, LIMIT) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if bytes.len() as u64 > LIMIT {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "larger than 16 MiB"));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not valid UTF-8"))
}

/// What a file that is not a regular file is, for messages.
pub fn kind(meta: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// Removes `dir`'s files named `<prefix>….tmp`: a killed tkx's temporary copies of a
/// file, which may hold every key of it.
fn remove_stale(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(prefix) && name.ends_with(".tmp") && entry.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// `program` as `execvp` finds it: a path (a name with a `/`) when it is an executable
/// regular file, else the first such file of that name in the absolute directories of
/// `path_var` (a relative entry of `PATH` is skipped: it would depend on where tkx runs).
pub fn which(program: &Path, path_var: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    if program.components().count() > 1 {
        return is_executable(program).then(|| program.to_path_buf());
    }
    std::env::split_paths(path_var?)
        .filter(|d| d.is_absolute())
        .map(|d| d.join(program))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// Whether a file name is one of tkx's temporary files (`.env.tkx-a1B2c3.tmp`), which a
/// killed run can leave behind.
pub fn is_temp_name(name: &str) -> bool {
    name.ends_with(".tmp") && (name.contains(".tkx-") || name.starts_with(".tkx-"))
}

#[cfg(unix)]
fn new_permissions(mode: u32) -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn new_permissions(_mode: u32) -> Option<fs::Permissions> {
    None
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn which_finds_executables_only() {
        let t = tempfile::tempdir().unwrap();
        use std::os::unix::fs::PermissionsExt;
        fs::write(t.path().join("bwrap"), "").unwrap();
        let path = std::ffi::OsString::from(t.path());
        assert_eq!(which(Path::new("bwrap"), Some(&path)), None);
        fs::set_permissions(t.path().join("bwrap"), fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(which(Path::new("bwrap"), Some(&path)), Some(t.path().join("bwrap")));
        assert_eq!(which(Path::new("bwrap"), None), None);
        assert_eq!(which(&t.path().join("bwrap"), None), Some(t.path().join("bwrap")));
    }

    #[test]
    fn replaces_keeps_the_mode_and_leaves_nothing_behind() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".env.example");
        write_atomic(&p, b"A=\n", 0o644).unwrap();
        assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o644);
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"A=\nB=\n", 0o644).unwrap();
        assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o640);
        assert_eq!(fs::read_to_string(&p).unwrap(), "A=\nB=\n");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, [std::ffi::OsString::from(".env.example")]);
    }

    #[test]
    fn stale_temporary_copies_are_removed_and_named_after_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".env");
        fs::write(dir.path().join(".env.tkx-AbC123.tmp"), "OLD=1\n").unwrap();
        fs::write(dir.path().join(".other.tkx-AbC123.tmp"), "keep").unwrap();
        let _lock = lock_for(&p).unwrap();
        write_atomic(&p, b"A=1\n", 0o600).unwrap();
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, [".env", ".other.tkx-AbC123.tmp"]);
        assert_eq!(temp_prefix(&p), ".env.tkx-");
        assert!(is_temp_name(".env.tkx-AbC123.tmp") && !is_temp_name(".env.local"));
    }

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock_dir(dir.path()).unwrap();
        let path = dir.path().to_path_buf();
        // Timed from before the thread starts: a loaded machine may start it late.
        let start = Instant::now();
        let waiter = std::thread::spawn(move || {
            let _second = lock_dir(&path).unwrap();
            Instant::now()
        });
        std::thread::sleep(Duration::from_millis(100));
        drop(first);
        assert!(waiter.join().unwrap() - start >= Duration::from_millis(100));
    }

    #[test]
    fn only_regular_files_are_read_and_a_fifo_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join(".env");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
        let e = read_regular(&fifo, 10).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("FIFO"), "{e}");
        let file = dir.path().join("a");
        fs::write(&file, "0123456789abc").unwrap();
        assert_eq!(read_regular(&file, 100).unwrap(), b"0123456789abc");
        assert_eq!(read_regular(&file, 4).unwrap().len(), 5);
        let socket = dir.path().join("sock");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let e = read_regular(&socket, 10).unwrap_err();
        assert!(e.kind() == io::ErrorKind::InvalidInput && e.to_string().contains("socket"), "{e}");
    }

    #[test]
    fn writes_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new", 0o600).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    }
}
