//! `tkx agent install | uninstall | status`: tkx's rules and hooks merged into each
//! host's files, every other byte kept.
//!
//! This module holds what every host shares: the [`Plan`], the files it touches, reading
//! and writing them under `$TKX_DIR`'s lock, and the ignore files. What goes into one
//! host's settings file is that host's (see [`super::hosts`]); JSON files are edited
//! through a concrete syntax tree (see `jsonc.rs`), and a file that is not valid JSON is
//! refused with `file:line:column` before anything is written. Every edit is recorded
//! in `$TKX_DIR/agent-installs.json`: while the file is as tkx left it, `uninstall`
//! undoes the edits and gives it back byte for byte; after someone else changed it,
//! `uninstall` takes tkx's entries out through the syntax tree and leaves the rest.

use super::hosts::{self, Host};
use super::ignore_files::{self, IGNORE_FILES, IgnoreFile};
use super::jsonc::is_empty_settings;
use super::state::{FileRecord, Hunk, State};
use crate::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

/// What to install, uninstall or report on.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The hosts whose settings tkx edits.
    pub hosts: Vec<Host>,
    /// The user's settings (`~/.claude`, `~/.cursor`) instead of the project's.
    pub user: bool,
    /// The project's shared Claude Code settings (`.claude/settings.json`, committed with
    /// the project) instead of the personal `.claude/settings.local.json`.
    pub shared: bool,
    /// Every ignore file, not only those of agents the project shows signs of.
    pub all_ignore_files: bool,
    /// The project directory.
    pub project: PathBuf,
    /// `$HOME`.
    pub home: Option<PathBuf>,
    /// `$TKX_DIR`.
    pub tkx_dir: Option<PathBuf>,
    /// The env file names of the project tree, when the caller already walked it.
    pub env_names: Option<Vec<String>>,
    /// The variables hosts read for their own directories (`CODEX_HOME`,
    /// `GEMINI_CLI_HOME`), as the process environment has them.
    pub host_env: Vec<(String, PathBuf)>,
    /// Also turn on the host's own OS sandbox with tkx's paths denied (Claude Code's
    /// `sandbox`; `--os-sandbox`, `[agent] os_sandbox`).
    pub os_sandbox: bool,
    /// More paths to deny there: `[agent] hide` (relative to the project, absolute or
    /// `~/…`), and the common credential files as `~/…` with `hide_common`.
    pub hide: Vec<String>,
}

/// One file tkx edits.
#[derive(Clone, Debug)]
pub struct Target {
    /// What it is.
    pub part: Part,
    /// Where.
    pub path: PathBuf,
    /// Why an ignore file is included (the sign that was found, or `--all`).
    pub why: Option<String>,
}

/// The kinds of file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// A host's settings file (`.claude/settings.local.json`, `.cursor/hooks.json`, …).
    Settings(Host),
    /// An agent's ignore file.
    Ignore(IgnoreFile),
    /// A file tkx owns whole for a host (opencode's `tool.execute.before` plugin): written
    /// when missing or tkx's, refused when someone else's file has its name, removed on
    /// uninstall.
    Plugin(Host),
}

impl Part {
    /// The host the file belongs to (`None` for ignore files).
    pub fn host(&self) -> Option<Host> {
        match self {
            Part::Settings(h) | Part::Plugin(h) => Some(*h),
            Part::Ignore(_) => None,
        }
    }
}

/// The line every plugin file tkx writes carries, so that tkx knows its own file again
/// (an older version of it too).
pub const PLUGIN_MARKER: &str = "Written by `tkx agent install`";

/// The plugin file's new text (tkx's, over nothing or over an older one of tkx's); an
/// error when a file that is not tkx's has its name.
fn plugin_install(host: Host, before: Option<&str>, path: &Path) -> Result<String, Error> {
    match before {
        Some(b) if !b.contains(PLUGIN_MARKER) => Err(Error::refused(
            format!("{}: exists and is not tkx's; nothing was changed", path.display()),
            Some("rename or remove that file, then run the command again".into()),
        )),
        _ => Ok(hosts::plugin(host).unwrap_or_default().to_owned()),
    }
}

/// What happened to one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Done {
    /// The file.
    pub path: PathBuf,
    /// What tkx did, for people.
    pub what: String,
    /// Whether the file changed.
    pub changed: bool,
}

/// The state of one part of the guard in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// What it is (`PreToolUse hook`, `deny rules`, `beforeReadFile hook`, `tkx block`).
    pub what: String,
    /// Whether it is there.
    pub installed: bool,
    /// More about it (`12 of 20`).
    pub detail: Option<String>,
}

/// The state of one file.
#[derive(Clone, Debug)]
pub struct FileStatus {
    /// The file.
    pub target: Target,
    /// Its parts.
    pub items: Vec<Item>,
}

impl Plan {
    /// The files this plan touches, in a fixed order.
    pub fn targets(&self) -> Vec<Target> {
        let mut out = Vec::new();
        let base = if self.user { self.home.clone() } else { Some(self.project.clone()) };
        let Some(base) = base else { return out };
        for h in &self.hosts {
            // `--host all` takes the hosts the project (or the user) shows signs of using.
            if self.hosts.len() < 2 || hosts::in_use(*h, self, &base) {
                out.extend(hosts::targets(*h, self, &base));
            }
        }
        if self.user || self.hosts.len() < 2 {
            // Ignore files belong to the project, and to `--host all` (the default).
            return out;
        }
        for f in &IGNORE_FILES[1..] {
            let why = if self.all_ignore_files {
                Some("--all".to_owned())
            } else {
                ignore_files::sign_in(&self.project, f.signs)
            };
            // An ignore file tkx already wrote stays managed even without signs.
            let ours = fs::read_to_string(self.project.join(f.name))
                .is_ok_and(|t| ignore_files::find_block(&t).is_some());
            // A host's own ignore file (`.geminiignore`) may be one of its targets already.
            let listed = out.iter().any(|t| t.path == self.project.join(f.name));
            if (why.is_some() || ours) && !listed {
                out.push(Target {
                    part: Part::Ignore(*f),
                    path: self.project.join(f.name),
                    why: why.or(Some("tkx's block is there".into())),
                });
            }
        }
        out
    }

    /// A variable of [`Plan::host_env`], when set to an absolute path.
    pub fn host_var(&self, name: &str) -> Option<&Path> {
        self.host_env.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_path()).filter(|p| p.is_absolute())
    }

    /// Names of the env files in the project tree.
    pub(super) fn env_names(&self) -> Vec<String> {
        if let Some(n) = &self.env_names {
            return n.clone();
        }
        let repo = crate::git::Repo::discover(&self.project);
        let tree =
            crate::envfile::names::walk(&self.project, |p| repo.as_ref().is_some_and(|r| r.is_ignored(p)));
        let mut names: Vec<String> = tree
            .env
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .filter(|n| super::paths::is_protected_name(n))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The lock every install and uninstall holds from reading the settings files and
    /// the install record to writing them: `$TKX_DIR`'s (see [`crate::fsutil`]).
    fn lock(&self) -> Result<Option<crate::fsutil::DirLock>, Error> {
        let Some(dir) = self.tkx_dir.as_deref() else { return Ok(None) };
        let io = |source| Error::Io { doing: format!("locking {}", dir.display()), source };
        crate::rotation::create_private_dir(dir).map_err(io)?;
        crate::fsutil::lock_dir(dir).map(Some).map_err(io)
    }

    /// Installs; nothing is written unless every file can be edited.
    pub fn install(&self) -> Result<Vec<Done>, Error> {
        let _lock = self.lock()?;
        let mut state = State::load(self.tkx_dir.as_deref());
        let mut edits = Vec::new();
        for t in self.targets() {
            let before = read(&t.path)?;
            let old = state.files.get(&key(&t.path)).cloned();
            let (after, mut record) = match t.part {
                Part::Settings(h) => hosts::install(h, self, before.as_deref(), &t.path)?,
                Part::Ignore(f) => {
                    let block = ignore_files::block(&f, &self.env_names());
                    let (after, added) = ignore_files::with_block(before.as_deref().unwrap_or(""), &block);
                    (after, FileRecord { added_newline: added, ..FileRecord::default() })
                }
                Part::Plugin(h) => (plugin_install(h, before.as_deref(), &t.path)?, FileRecord::default()),
            };
            record.created_file = before.is_none();
            if let Some(old) = old {
                // A second run keeps what the first one recorded; its text edits still
                // apply only if nobody changed the file since.
                let untouched =
                    old.installed.is_some() && old.installed == before.as_deref().map(fingerprint);
                record = merge_records(old, record, untouched);
            }
            record.installed = Some(fingerprint(&after));
            edits.push((t, before, after, record));
        }
        let mut done = Vec::new();
        for (t, before, after, mut record) in edits {
            let changed = before.as_deref() != Some(after.as_str());
            if changed {
                if before.is_none() {
                    record.created_dirs = create_dirs(&t.path)?;
                }
                write(&t.path, &after)?;
            }
            let what = match (changed, before.is_none()) {
                (false, _) => "already installed".to_owned(),
                (true, true) => "created".to_owned(),
                (true, false) => "updated".to_owned(),
            };
            state.files.insert(key(&t.path), record);
            done.push(Done { path: t.path, what, changed });
        }
        let _ = state.save(self.tkx_dir.as_deref());
        Ok(done)
    }

    /// Removes exactly what `install` added.
    pub fn uninstall(&self) -> Result<Vec<Done>, Error> {
        let _lock = self.lock()?;
        let mut state = State::load(self.tkx_dir.as_deref());
        let mut edits = Vec::new();
        for t in self.targets() {
            let Some(before) = read(&t.path)? else {
                state.files.remove(&key(&t.path));
                continue;
            };
            let record = state.files.get(&key(&t.path)).cloned();
            // Unchanged since tkx wrote it: undo tkx's edits exactly.
            let exact = record
                .as_ref()
                .filter(|r| {
                    r.installed.as_deref() == Some(fingerprint(&before).as_str()) && !r.hunks.is_empty()
                })
                .and_then(|r| Hunk::undo(&before, &r.hunks));
            let after = if exact.is_some() {
                exact
            } else {
                match t.part {
                    Part::Settings(h) => hosts::uninstall(h, self, &before, record.as_ref(), &t.path)?,
                    Part::Ignore(_) => {
                        ignore_files::without_block(&before, record.as_ref().is_some_and(|r| r.added_newline))
                    }
                    // tkx's own file goes whole; someone else's stays.
                    Part::Plugin(_) => before.contains(PLUGIN_MARKER).then(String::new),
                }
            };
            edits.push((t, before, after, record));
        }
        let mut done = Vec::new();
        for (t, before, after, record) in edits {
            let Some(after) = after else {
                done.push(Done { path: t.path, what: "nothing of tkx's there".into(), changed: false });
                continue;
            };
            let created = record.as_ref().is_some_and(|r| r.created_file);
            let empty = match t.part {
                Part::Ignore(_) => after.is_empty(),
                Part::Settings(_) => is_empty_settings(&after),
                Part::Plugin(_) => true,
            };
            if (created || matches!(t.part, Part::Plugin(_))) && empty {
                fs::remove_file(&t.path).map_err(|source| Error::Io {
                    doing: format!("removing {}", t.path.display()),
                    source,
                })?;
                for d in record.iter().flat_map(|r| &r.created_dirs) {
                    let _ = fs::remove_dir(d);
                }
                done.push(Done {
                    path: t.path.clone(),
                    what: "removed (tkx had created it)".into(),
                    changed: true,
                });
            } else if after != before {
                write(&t.path, &after)?;
                done.push(Done { path: t.path.clone(), what: "removed tkx's entries".into(), changed: true });
            } else {
                done.push(Done {
                    path: t.path.clone(),
                    what: "nothing of tkx's there".into(),
                    changed: false,
                });
            }
            state.files.remove(&key(&t.path));
        }
        let _ = state.save(self.tkx_dir.as_deref());
        Ok(done)
    }

    /// What is installed and what is missing, per file.
    pub fn status(&self) -> Result<Vec<FileStatus>, Error> {
        let mut out = Vec::new();
        for t in self.targets() {
            let text = read(&t.path)?;
            let items = match t.part {
                Part::Settings(h) => hosts::status(h, self, text.as_deref(), &t.path)?,
                Part::Ignore(f) => {
                    let want = ignore_files::block(&f, &self.env_names());
                    let have =
                        text.as_deref().and_then(|t| ignore_files::find_block(t).map(|r| t[r].to_owned()));
                    vec![Item {
                        what: "env file lines".into(),
                        installed: have.as_deref().is_some_and(|h| h.replace("\r\n", "\n") == want),
                        detail: match &have {
                            Some(h) if h.replace("\r\n", "\n") != want => Some("out of date".into()),
                            _ => None,
                        },
                    }]
                }
                Part::Plugin(h) => {
                    let want = hosts::plugin(h).unwrap_or_default();
                    vec![Item {
                        what: hosts::plugin_item(h).into(),
                        installed: text.as_deref() == Some(want),
                        detail: match text.as_deref() {
                            Some(t) if t != want && t.contains(PLUGIN_MARKER) => Some("out of date".into()),
                            Some(t) if t != want => Some("another file has its name".into()),
                            _ => None,
                        },
                    }]
                }
            };
            out.push(FileStatus { target: t, items });
        }
        Ok(out)
    }
}

fn fingerprint(text: &str) -> String {
    crate::secret::fingerprint(text)
}

fn key(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn merge_records(old: FileRecord, new: FileRecord, untouched: bool) -> FileRecord {
    let mut r = old;
    if untouched {
        r.hunks.extend(new.hunks);
    } else {
        r.hunks.clear();
    }
    for k in new.created_keys {
        if !r.created_keys.contains(&k) {
            r.created_keys.push(k);
        }
    }
    for a in new.added {
        if !r.added.contains(&a) {
            r.added.push(a);
        }
    }
    r.added_newline |= new.added_newline;
    r
}

/// A file's text, `None` when it does not exist.
fn read(path: &Path) -> Result<Option<String>, Error> {
    match fs::read(path) {
        Ok(b) => String::from_utf8(b).map(Some).map_err(|_| {
            Error::config(format!("{}: not valid UTF-8; nothing was changed", path.display()), None)
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io { doing: format!("reading {}", path.display()), source }),
    }
}

fn write(path: &Path, text: &str) -> Result<(), Error> {
    crate::fsutil::write_atomic(path, text.as_bytes(), 0o644).map_err(|source| Error::Io {
        doing: format!("writing {} (nothing was changed)", path.display()),
        source,
    })
}

/// Creates the missing parent directories of `path`; returns them, deepest first.
fn create_dirs(path: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut missing = Vec::new();
    let mut d = path.parent();
    while let Some(dir) = d {
        if dir.exists() {
            break;
        }
        missing.push(dir.to_path_buf());
        d = dir.parent();
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|source| Error::Io { doing: format!("creating {}", parent.display()), source })?;
    }
    Ok(missing)
}
