//! Keeping the covers on (Linux).
//!
//! A hidden file is covered by a bind mount on its directory entry. When something
//! outside the sandbox replaces that entry — an editor saving by rename, `tkx set`'s
//! atomic write — the kernel detaches the mount in every other namespace, and the new
//! file would be readable inside. So `tkx agent run` starts a watcher process
//! (`tkx agent cover --watch PID`, [`watch`]) that watches the directories of the hidden
//! paths with inotify and, when one of their entries is created or renamed onto, runs
//! `tkx agent cover --pid` ([`cover_in`]) for every live sandbox of that `tkx agent run`
//! (the bubblewrap processes among its children: the agent's and those of the commands
//! `tkx exec` started). That helper enters the sandbox's user and mount namespaces (which
//! needs a process with a single thread) and puts the cover back. Between the rename and
//! the new cover lie a few milliseconds.
//!
//! The watcher is a process of its own, not a thread, because closing an inotify
//! descriptor waits for the kernel's grace period (10–20 ms): the watcher pays it when
//! it dies with its parent, not `tkx agent run` on the way out.

use std::collections::HashMap;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

/// The watcher's loop: runs until `parent` (the `tkx agent run`) ends. `helper` is the
/// tkx binary, run as `tkx agent cover --pid` for each cover to put back.
pub fn watch(parent: i32, file: &Path, dir: &Path, paths: &[PathBuf], helper: &Path) -> std::io::Result<()> {
    use rustix::fs::inotify;
    use rustix::process::{Signal, getppid, set_parent_process_death_signal};
    set_parent_process_death_signal(Some(Signal::KILL))?;
    if getppid().map(|p| p.as_raw_nonzero().get()) != Some(parent) {
        return Ok(());
    }
    let fd = inotify::init(inotify::CreateFlags::CLOEXEC)?;
    // Watched directory → the hidden entries in it.
    let mut by_wd: HashMap<i32, Vec<PathBuf>> = HashMap::new();
    for p in paths {
        let Some(d) = p.parent() else { continue };
        let flags = inotify::WatchFlags::CREATE | inotify::WatchFlags::MOVED_TO;
        let Ok(wd) = inotify::add_watch(&fd, d, flags) else { continue };
        by_wd.entry(wd).or_default().push(p.clone());
    }
    let mut buf = [std::mem::MaybeUninit::uninit(); 8192];
    let mut reader = inotify::Reader::new(fd.as_fd(), &mut buf);
    loop {
        let event = reader.next()?;
        let Some(hidden) = by_wd.get(&event.wd()) else { continue };
        let Some(name) = event.file_name().and_then(|n| n.to_str().ok()) else { continue };
        let replaced: Vec<&PathBuf> =
            hidden.iter().filter(|p| !name.is_empty() && p.file_name().is_some_and(|n| n == name)).collect();
        if replaced.is_empty() {
            continue;
        }
        for init in sandboxes_of(parent) {
            let _ = std::process::Command::new(helper)
                .args(["agent", "cover", "--pid", &init.to_string(), "--over-file"])
                .arg(file)
                .arg("--over-dir")
                .arg(dir)
                .arg("--")
                .args(&replaced)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status();
        }
    }
}

/// The init process of each live sandbox of `parent`: its bubblewrap children (on any
/// of its threads) and their first child.
fn sandboxes_of(parent: i32) -> Vec<i32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{parent}/task")) else { return Vec::new() };
    let mut out = Vec::new();
    for t in tasks.flatten() {
        let Ok(children) = std::fs::read_to_string(t.path().join("children")) else { continue };
        for pid in children.split_whitespace().filter_map(|p| p.parse::<i32>().ok()) {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if comm.trim() == "bwrap" {
                out.extend(super::launch::first_child(pid));
            }
        }
    }
    out
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
