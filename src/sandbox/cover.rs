//! Keeping the covers on (Linux).
//!
//! A hidden file is covered by a bind mount on its directory entry. When something
//! outside the sandbox replaces that entry — an editor saving by rename, `tkx set`'s
//! atomic write — the kernel detaches the mount in every other namespace, and the new
//! file would be readable inside. So the outer tkx watches the directories of the hidden
//! paths with inotify and, when one of their entries is created or renamed onto, runs
//! `tkx agent cover` (a helper process: entering a user namespace needs a single thread)
//! for every live sandbox; the helper enters the sandbox's user and mount namespaces and
//! puts the cover back. Between the rename and the new cover lie a few milliseconds.

use super::{Hidden, View};
use std::collections::HashMap;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The bubblewrap processes (as spawned) of the live sandboxes: the agent's and those of
/// the commands `tkx exec` started inside.
pub type Live = Arc<Mutex<Vec<u32>>>;

/// Watches the hidden paths' directories on a thread of its own; `helper` is the tkx
/// binary to run as `tkx agent cover`.
pub fn watch(view: &View, live: Live, helper: PathBuf) -> std::io::Result<()> {
    use rustix::fs::inotify;
    let fd = inotify::init(inotify::CreateFlags::CLOEXEC)?;
    // Watched directory → the hidden entries in it.
    let mut by_wd: HashMap<i32, (PathBuf, Vec<Hidden>)> = HashMap::new();
    for h in &view.hidden {
        let Some(dir) = h.path.parent() else { continue };
        let flags = inotify::WatchFlags::CREATE | inotify::WatchFlags::MOVED_TO;
        let Ok(wd) = inotify::add_watch(&fd, dir, flags) else { continue };
        by_wd.entry(wd).or_insert_with(|| (dir.to_path_buf(), Vec::new())).1.push(h.clone());
    }
    let (file, dir) = (view.empty_file(), view.empty_dir());
    std::thread::spawn(move || {
        let mut buf = [std::mem::MaybeUninit::uninit(); 8192];
        let mut reader = inotify::Reader::new(fd.as_fd(), &mut buf);
        loop {
            let Ok(event) = reader.next() else { return };
            let Some((_, hidden)) = by_wd.get(&event.wd()) else { continue };
            let Some(name) = event.file_name() else { continue };
            let name = std::ffi::OsStr::new(name.to_str().unwrap_or_default());
            let replaced: Vec<&Hidden> =
                hidden.iter().filter(|h| h.path.file_name() == Some(name) && !name.is_empty()).collect();
            if replaced.is_empty() {
                continue;
            }
            let pids: Vec<u32> = live.lock().map(|l| l.clone()).unwrap_or_default();
            for spawned in pids {
                let Some(init) = super::launch::first_child(i32::try_from(spawned).unwrap_or(0)) else {
                    continue;
                };
                let mut cmd = std::process::Command::new(&helper);
                cmd.args(["agent", "cover", "--pid", &init.to_string(), "--over-file"])
                    .arg(&file)
                    .arg("--over-dir")
                    .arg(&dir)
                    .arg("--");
                for h in &replaced {
                    cmd.arg(&h.path);
                }
                let _ = cmd
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .status();
            }
        }
    });
    Ok(())
}

/// In the helper: enters the user and mount namespaces of `pid` and covers each of
/// `paths` (a directory with `dir`, anything else with `file`), read-only. Must run
/// before the process starts a thread.
pub fn cover_in(pid: i32, file: &Path, dir: &Path, paths: &[PathBuf]) -> std::io::Result<()> {
    use rustix::mount::{MountFlags, mount_bind, mount_remount};
    use rustix::thread::{LinkNameSpaceType, move_into_link_name_space};
    use std::os::unix::fs::MetadataExt;
    let ns = |kind: &str| PathBuf::from(format!("/proc/{pid}/ns/{kind}"));
    let same_user_ns = std::fs::metadata(ns("user"))?.ino() == std::fs::metadata("/proc/self/ns/user")?.ino();
    if !same_user_ns {
        let user = std::fs::File::open(ns("user"))?;
        move_into_link_name_space(user.as_fd(), Some(LinkNameSpaceType::User))?;
    }
    let mnt = std::fs::File::open(ns("mnt"))?;
    move_into_link_name_space(mnt.as_fd(), Some(LinkNameSpaceType::Mount))?;
    let mut first_error = None;
    for p in paths {
        let over = if p.is_dir() { dir } else { file };
        let done = mount_bind(over, p).and_then(|()| {
            mount_remount(
                p,
                MountFlags::BIND | MountFlags::RDONLY | MountFlags::NOSUID | MountFlags::NODEV,
                "",
            )
        });
        if let Err(e) = done {
            first_error.get_or_insert(std::io::Error::from(e));
        }
    }
    first_error.map_or(Ok(()), Err)
}
