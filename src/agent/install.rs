//! `tkx agent install | uninstall | status`: tkx's rules and hooks merged into each
//! host's files, every other byte kept.
//!
//! JSON files are edited through a concrete syntax tree (the `jsonc-parser` crate), so
//! the members tkx does not touch keep their order, indentation, line breaks and
//! spacing. A file that is not valid JSON is refused with `file:line:column` before
//! anything is written. Every edit is recorded in `$TKX_DIR/agent-installs.json`: while
//! the file is as tkx left it, `uninstall` undoes the edits and gives it back byte for
//! byte; after someone else changed it, `uninstall` takes tkx's entries out through the
//! syntax tree and leaves the rest.

use super::ignore_files::{self, IGNORE_FILES, IgnoreFile};
use super::state::{FileRecord, Hunk, State};
use super::{Host, claude, cursor};
use crate::error::Error;
use jsonc_parser::ParseOptions;
use jsonc_parser::cst::{CstArray, CstInputValue, CstNode, CstObject, CstRootNode};
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
    /// `.claude/settings.local.json`, `.claude/settings.json` or `~/.claude/settings.json`.
    ClaudeSettings,
    /// `.cursor/hooks.json`.
    CursorHooks,
    /// An agent's ignore file.
    Ignore(IgnoreFile),
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
            match h {
                Host::Claude => out.push(Target {
                    part: Part::ClaudeSettings,
                    // Personal by default: a teammate without tkx must not find every tool
                    // call stopped by a hook someone else committed.
                    path: base.join(if self.user || self.shared { CLAUDE_SHARED } else { CLAUDE_PERSONAL }),
                    why: None,
                }),
                Host::Cursor => {
                    out.push(Target {
                        part: Part::CursorHooks,
                        path: base.join(".cursor/hooks.json"),
                        why: None,
                    });
                    if !self.user {
                        out.push(Target {
                            part: Part::Ignore(IGNORE_FILES[0]),
                            path: self.project.join(IGNORE_FILES[0].name),
                            why: None,
                        });
                    }
                }
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
            if why.is_some() || ours {
                out.push(Target {
                    part: Part::Ignore(*f),
                    path: self.project.join(f.name),
                    why: why.or(Some("tkx's block is there".into())),
                });
            }
        }
        out
    }

    /// The deny rules for Claude Code: every env file name at any depth (concrete names,
    /// since `.env.*` would also hide `.env.example`), and the stores.
    pub fn claude_rules(&self) -> Vec<String> {
        let mut names: Vec<String> = ignore_files::COMMON_ENV_NAMES.iter().map(|s| (*s).to_owned()).collect();
        names.push(".env.*.local".into());
        for n in self.env_names() {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        let mut rules = Vec::new();
        for tool in ["Read", "Edit"] {
            for n in &names {
                rules.push(format!("{tool}(**/{n})"));
            }
        }
        if let Some(d) = &self.tkx_dir {
            let shown = match self.home.as_ref().and_then(|h| d.strip_prefix(h).ok()) {
                Some(rel) => format!("~/{}", rel.display()),
                None => format!("/{}", d.display()),
            };
            let shown = shown.trim_end_matches('/').to_owned();
            for tool in ["Read", "Edit"] {
                rules.push(format!("{tool}({shown}/.env)"));
                rules.push(format!("{tool}({shown}/projects/**)"));
            }
        }
        rules
    }

    /// Names of the env files in the project tree.
    fn env_names(&self) -> Vec<String> {
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
                Part::ClaudeSettings => claude_install(
                    before.as_deref(),
                    &self.claude_rules(),
                    &t.path,
                    self.shared && !self.user,
                )?,
                Part::CursorHooks => cursor_install(before.as_deref(), &t.path)?,
                Part::Ignore(f) => {
                    let block = ignore_files::block(&f, &self.env_names());
                    let (after, added) = ignore_files::with_block(before.as_deref().unwrap_or(""), &block);
                    (after, FileRecord { added_newline: added, ..FileRecord::default() })
                }
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
                    Part::ClaudeSettings => {
                        claude_uninstall(&before, record.as_ref(), &self.claude_rules(), &t.path)?
                    }
                    Part::CursorHooks => cursor_uninstall(&before, record.as_ref(), &t.path)?,
                    Part::Ignore(_) => {
                        ignore_files::without_block(&before, record.as_ref().is_some_and(|r| r.added_newline))
                    }
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
                _ => is_empty_settings(&after),
            };
            if created && empty {
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
                Part::ClaudeSettings => claude_status(text.as_deref(), &self.claude_rules(), &t.path)?,
                Part::CursorHooks => cursor_status(text.as_deref(), &t.path)?,
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

// ---------------------------------------------------------------------------------
// JSON through the syntax tree

/// Parses a settings file, refusing anything that is not a strict JSON object with
/// `file:line:column`.
fn parse(text: &str, path: &Path) -> Result<CstRootNode, Error> {
    let refuse = |line: usize, col: usize, what: &str| {
        Error::config(
            format!("{}:{line}:{col}: {what}; nothing was changed", path.display()),
            Some("fix the file (it must be strict JSON: no comments, no trailing commas), then run the command again".into()),
        )
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(_)) => {}
        Ok(_) => return Err(refuse(1, 1, "not a JSON object")),
        Err(e) => {
            return Err(refuse(
                e.line(),
                e.column(),
                &format!("not valid JSON ({})", strip_position(&e.to_string())),
            ));
        }
    }
    CstRootNode::parse(text, &ParseOptions::default())
        .map_err(|e| refuse(1, 1, &format!("not valid JSON ({e})")))
}

fn strip_position(msg: &str) -> String {
    msg.split(" at line ").next().unwrap_or(msg).to_owned()
}

/// The text of a new settings file.
const NEW_FILE: &str = "{}\n";

/// `key` of `obj` as an object, created (and recorded) when missing; an error when it
/// holds something else.
fn object(
    obj: &CstObject,
    key: &str,
    path: &Path,
    dotted: &str,
    created: &mut Vec<String>,
) -> Result<CstObject, Error> {
    match obj.get(key) {
        Some(prop) => {
            prop.value().and_then(|v| v.as_object()).ok_or_else(|| shape_error(path, dotted, "an object"))
        }
        None => {
            created.push(dotted.to_owned());
            Ok(obj.object_value_or_set(key))
        }
    }
}

/// Like [`object`], for arrays.
fn array(
    obj: &CstObject,
    key: &str,
    path: &Path,
    dotted: &str,
    created: &mut Vec<String>,
) -> Result<(CstArray, bool), Error> {
    match obj.get(key) {
        Some(prop) => prop
            .value()
            .and_then(|v| v.as_array())
            .map(|a| (a, false))
            .ok_or_else(|| shape_error(path, dotted, "an array")),
        None => {
            created.push(dotted.to_owned());
            Ok((obj.array_value_or_set(key), true))
        }
    }
}

fn existing_object(obj: &CstObject, key: &str) -> Option<CstObject> {
    obj.get(key)?.value()?.as_object()
}

fn existing_array(obj: &CstObject, key: &str) -> Option<CstArray> {
    obj.get(key)?.value()?.as_array()
}

fn shape_error(path: &Path, key: &str, want: &str) -> Error {
    Error::config(
        format!("{}: `{key}` is not {want}; nothing was changed", path.display()),
        Some("fix the file, then run the command again".into()),
    )
}

fn string_of(node: &CstNode) -> Option<String> {
    node.as_string_lit()?.decoded_value().ok()
}

fn prop_string(obj: &CstObject, key: &str) -> Option<String> {
    string_of(&obj.get(key)?.value()?)
}

/// Whether settings text is an empty object (or only `version` and empty `hooks`).
fn is_empty_settings(text: &str) -> bool {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(o)) => o.iter().all(|(k, v)| match k.as_str() {
            "version" => true,
            _ => v.as_object().is_some_and(|m| m.is_empty()) || v.as_array().is_some_and(|a| a.is_empty()),
        }),
        _ => false,
    }
}

// Claude Code

/// Claude Code's personal project settings: not committed (Claude Code keeps it out of
/// git), so the guard binds only the person who installed it.
pub const CLAUDE_PERSONAL: &str = ".claude/settings.local.json";
/// Claude Code's shared project settings (committed), and the user-level file's name.
pub const CLAUDE_SHARED: &str = ".claude/settings.json";

fn claude_hook_group(shared: bool) -> CstInputValue {
    CstInputValue::Object(vec![
        ("matcher".into(), CstInputValue::String(claude::MATCHER.into())),
        (
            "hooks".into(),
            CstInputValue::Array(vec![CstInputValue::Object(vec![
                ("type".into(), CstInputValue::String("command".into())),
                (
                    "command".into(),
                    CstInputValue::String(
                        if shared { claude::SHARED_COMMAND } else { claude::COMMAND }.into(),
                    ),
                ),
            ])]),
        ),
    ])
}

/// Whether a hook entry is tkx's (any version of the command, the shared one too).
fn is_tkx_command(cmd: &str, host: &str) -> bool {
    let check = format!("tkx agent check --host {host}");
    cmd.trim_start().starts_with(&check) || (cmd.starts_with("command -v tkx") && cmd.contains(&check))
}

/// The entries of a hooks array whose command is tkx's check for `host`.
fn tkx_entries(arr: &CstArray, host: &str) -> Vec<CstNode> {
    arr.elements()
        .into_iter()
        .filter(|e| {
            e.as_object().and_then(|o| prop_string(&o, "command")).is_some_and(|c| is_tkx_command(&c, host))
        })
        .collect()
}

/// tkx's group in `PreToolUse`, if there is one.
fn claude_group(ptu: &CstArray) -> Option<CstObject> {
    ptu.elements()
        .into_iter()
        .filter_map(|e| e.as_object())
        .find(|g| existing_array(g, "hooks").is_some_and(|hs| !tkx_entries(&hs, "claude").is_empty()))
}

fn claude_install(
    text: Option<&str>,
    rules: &[String],
    path: &Path,
    shared: bool,
) -> Result<(String, FileRecord), Error> {
    edit_settings(text, |text, record, keys| claude_edits(text, record, keys, (rules, shared), path))
}

fn claude_edits(
    text: &mut String,
    record: &mut FileRecord,
    keys: &mut Vec<String>,
    (rules, shared): (&[String], bool),
    path: &Path,
) -> Result<(), Error> {
    pass(text, &mut record.hunks, path, |obj| {
        let perms = object(obj, "permissions", path, "permissions", keys)?;
        let (deny, new_deny) = array(&perms, "deny", path, "permissions.deny", keys)?;
        let have: Vec<String> = deny.elements().iter().filter_map(string_of).collect();
        for r in rules {
            if !have.contains(r) {
                deny.append(CstInputValue::String(r.clone()));
                record.added.push(r.clone());
            }
        }
        if new_deny {
            deny.ensure_multiline();
        }
        Ok(())
    })?;
    pass(text, &mut record.hunks, path, |obj| {
        let hooks = object(obj, "hooks", path, "hooks", keys)?;
        let (ptu, _) = array(&hooks, "PreToolUse", path, "hooks.PreToolUse", keys)?;
        match claude_group(&ptu) {
            Some(g) if prop_string(&g, "matcher").as_deref() == Some(claude::MATCHER) => {}
            Some(g) => {
                // An older tkx's matcher: bring it up to date in place.
                if let Some(m) = g.get("matcher") {
                    m.set_value(CstInputValue::String(claude::MATCHER.into()));
                } else {
                    g.append("matcher", CstInputValue::String(claude::MATCHER.into()));
                }
            }
            None => {
                ptu.append(claude_hook_group(shared));
            }
        }
        Ok(())
    })
}

/// One edit through the syntax tree, recorded as a [`Hunk`].
fn pass(
    text: &mut String,
    hunks: &mut Vec<Hunk>,
    path: &Path,
    f: impl FnOnce(&CstObject) -> Result<(), Error>,
) -> Result<(), Error> {
    let root = parse(text, path)?;
    let obj = root.object_value_or_set();
    f(&obj)?;
    let next = root.to_string();
    if let Some(h) = Hunk::between(text, &next) {
        hunks.push(h);
    }
    *text = next;
    Ok(())
}

fn claude_uninstall(
    text: &str,
    record: Option<&FileRecord>,
    rules: &[String],
    path: &Path,
) -> Result<Option<String>, Error> {
    let root = parse(text, path)?;
    let Some(obj) = root.object_value() else { return Ok(None) };
    let created = |k: &str| record.is_none_or(|r| r.created_keys.iter().any(|c| c == k));
    let mut touched = false;
    if let Some(hooks) = existing_object(&obj, "hooks") {
        if let Some(ptu) = existing_array(&hooks, "PreToolUse") {
            let mut removed = false;
            for g in ptu.elements().into_iter().filter_map(|e| e.as_object()) {
                let Some(hs) = existing_array(&g, "hooks") else { continue };
                let ours = tkx_entries(&hs, "claude");
                if ours.is_empty() {
                    continue;
                }
                removed = true;
                if ours.len() == hs.elements().len() {
                    g.remove();
                } else {
                    for h in ours {
                        h.remove();
                    }
                }
            }
            if removed {
                touched = true;
                if ptu.elements().is_empty() && created("hooks.PreToolUse") {
                    if let Some(p) = hooks.get("PreToolUse") {
                        p.remove();
                    }
                }
                if hooks.properties().is_empty() && created("hooks") {
                    if let Some(p) = obj.get("hooks") {
                        p.remove();
                    }
                }
            }
        }
    }
    if let Some(perms) = existing_object(&obj, "permissions") {
        if let Some(deny) = existing_array(&perms, "deny") {
            let mine: Vec<String> = match record {
                Some(r) => r.added.clone(),
                None => rules.to_vec(),
            };
            let ours: Vec<CstNode> = deny
                .elements()
                .into_iter()
                .filter(|e| string_of(e).is_some_and(|s| mine.contains(&s)))
                .collect();
            if !ours.is_empty() {
                touched = true;
                for e in ours {
                    e.remove();
                }
                if deny.elements().is_empty() && created("permissions.deny") {
                    if let Some(p) = perms.get("deny") {
                        p.remove();
                    }
                }
                if perms.properties().is_empty() && created("permissions") {
                    if let Some(p) = obj.get("permissions") {
                        p.remove();
                    }
                }
            }
        }
    }
    Ok(touched.then(|| root.to_string()))
}

fn claude_status(text: Option<&str>, rules: &[String], path: &Path) -> Result<Vec<Item>, Error> {
    let (hook, have) = match text {
        None => (None, Vec::new()),
        Some(t) => {
            let root = parse(t, path)?;
            let obj = root.object_value();
            let hook = obj
                .as_ref()
                .and_then(|o| existing_object(o, "hooks"))
                .and_then(|h| existing_array(&h, "PreToolUse"))
                .and_then(|p| claude_group(&p))
                .map(|g| prop_string(&g, "matcher").as_deref() == Some(claude::MATCHER));
            let have: Vec<String> = obj
                .as_ref()
                .and_then(|o| existing_object(o, "permissions"))
                .and_then(|p| existing_array(&p, "deny"))
                .map(|d| d.elements().iter().filter_map(string_of).collect())
                .unwrap_or_default();
            (hook, have)
        }
    };
    let n = rules.iter().filter(|r| have.contains(r)).count();
    Ok(vec![
        Item {
            what: "PreToolUse hook (`tkx agent check --host claude`)".into(),
            installed: hook == Some(true),
            detail: (hook == Some(false)).then(|| "an older matcher".into()),
        },
        Item {
            what: "permissions.deny rules".into(),
            installed: n == rules.len(),
            detail: Some(format!("{n} of {}", rules.len())),
        },
    ])
}

// Cursor

fn cursor_entry() -> CstInputValue {
    CstInputValue::Object(vec![
        ("command".into(), CstInputValue::String(cursor::COMMAND.into())),
        ("failClosed".into(), CstInputValue::Bool(true)),
    ])
}

fn has_cursor_entry(arr: &CstArray) -> bool {
    !tkx_entries(arr, "cursor").is_empty()
}

fn cursor_install(text: Option<&str>, path: &Path) -> Result<(String, FileRecord), Error> {
    edit_settings(text, |text, record, keys| cursor_edits(text, record, keys, path))
}

fn cursor_edits(
    text: &mut String,
    record: &mut FileRecord,
    keys: &mut Vec<String>,
    path: &Path,
) -> Result<(), Error> {
    pass(text, &mut record.hunks, path, |obj| {
        if obj.get("version").is_none() {
            obj.append("version", CstInputValue::Number("1".into()));
            keys.push("version".to_owned());
        }
        Ok(())
    })?;
    for ev in cursor::EVENTS {
        pass(text, &mut record.hunks, path, |obj| {
            let hooks = object(obj, "hooks", path, "hooks", keys)?;
            let (arr, _) = array(&hooks, ev, path, &format!("hooks.{ev}"), keys)?;
            if !has_cursor_entry(&arr) {
                arr.append(cursor_entry());
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// Runs `edits` on a settings file's text (an empty object when there is none) and
/// returns the new text with the record of what was added: hunks, added values, and the
/// keys tkx created. A file tkx creates ends with a newline.
fn edit_settings(
    text: Option<&str>,
    edits: impl FnOnce(&mut String, &mut FileRecord, &mut Vec<String>) -> Result<(), Error>,
) -> Result<(String, FileRecord), Error> {
    let created_file = text.is_none();
    let mut text = text.unwrap_or(NEW_FILE).to_owned();
    let mut record = FileRecord::default();
    let mut keys = Vec::new();
    edits(&mut text, &mut record, &mut keys)?;
    record.created_keys = keys;
    if created_file && !text.ends_with('\n') {
        text.push('\n');
    }
    Ok((text, record))
}

fn cursor_uninstall(text: &str, record: Option<&FileRecord>, path: &Path) -> Result<Option<String>, Error> {
    let root = parse(text, path)?;
    let Some(obj) = root.object_value() else { return Ok(None) };
    let created = |k: &str| record.is_none_or(|r| r.created_keys.iter().any(|c| c == k));
    let Some(hooks) = existing_object(&obj, "hooks") else { return Ok(None) };
    let mut touched = false;
    for ev in cursor::EVENTS {
        let Some(arr) = existing_array(&hooks, ev) else { continue };
        let ours = tkx_entries(&arr, "cursor");
        if ours.is_empty() {
            continue;
        }
        touched = true;
        for e in ours {
            e.remove();
        }
        if arr.elements().is_empty() && created(&format!("hooks.{ev}")) {
            if let Some(p) = hooks.get(ev) {
                p.remove();
            }
        }
    }
    if !touched {
        return Ok(None);
    }
    if hooks.properties().is_empty() && created("hooks") && record.is_some() {
        if let Some(p) = obj.get("hooks") {
            p.remove();
        }
        if obj.properties().len() == 1 && created("version") {
            if let Some(p) = obj.get("version") {
                p.remove();
            }
        }
    }
    Ok(Some(root.to_string()))
}

fn cursor_status(text: Option<&str>, path: &Path) -> Result<Vec<Item>, Error> {
    let root = match text {
        Some(t) => Some(parse(t, path)?),
        None => None,
    };
    let hooks = root.as_ref().and_then(|r| r.object_value()).and_then(|o| existing_object(&o, "hooks"));
    Ok(cursor::EVENTS
        .iter()
        .map(|ev| Item {
            what: format!("{ev} hook (fail closed)"),
            installed: hooks
                .as_ref()
                .and_then(|h| existing_array(h, ev))
                .is_some_and(|a| has_cursor_entry(&a)),
            detail: None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "/x/settings.json";

    fn rules() -> Vec<String> {
        vec!["Read(**/.env)".into(), "Edit(**/.env)".into()]
    }

    #[test]
    fn claude_round_trip_keeps_every_byte() {
        for before in [
            "{\n  \"model\": \"opus\",\n  \"permissions\": {\n    \"allow\": [\"Bash(ls)\"],\n    \"deny\": [\n      \"Read(./secrets/**)\"\n    ]\n  }\n}\n",
            "{\n    \"env\": {\"A\": \"1\"},\n    \"hooks\": {\"PreToolUse\": [{\"matcher\": \"Bash\", \"hooks\": [{\"type\": \"command\", \"command\": \"x\"}]}]}\n}",
            "{}",
            "{\n\t\"a\": [1, 2]\n}\n",
        ] {
            let (after, record) = claude_install(Some(before), &rules(), Path::new(P), false).unwrap();
            assert!(after.contains("tkx agent check --host claude"));
            let (again, _) = claude_install(Some(&after), &rules(), Path::new(P), false).unwrap();
            assert_eq!(again, after, "a second run changes nothing");
            assert_eq!(Hunk::undo(&after, &record.hunks).unwrap(), before, "exact undo");
            // Edited since: the entries are taken out through the syntax tree.
            let structural =
                claude_uninstall(&after, Some(&record), &rules(), Path::new(P)).unwrap().unwrap();
            let v = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
            assert_eq!(v(&structural), v(before));
        }
    }

    #[test]
    fn cursor_round_trip() {
        let before = "{\n  \"version\": 1,\n  \"hooks\": {\n    \"afterFileEdit\": [{ \"command\": \"fmt\" }]\n  }\n}\n";
        let (after, record) = cursor_install(Some(before), Path::new(P)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&after).unwrap();
        assert_eq!(v["hooks"]["beforeReadFile"][0]["failClosed"], true);
        assert_eq!(cursor_install(Some(&after), Path::new(P)).unwrap().0, after);
        assert_eq!(Hunk::undo(&after, &record.hunks).unwrap(), before);
        assert_eq!(cursor_uninstall(&after, Some(&record), Path::new(P)).unwrap().unwrap(), before);
        let (new, record) = cursor_install(None, Path::new(P)).unwrap();
        let back = cursor_uninstall(&new, Some(&record), Path::new(P)).unwrap().unwrap();
        assert!(is_empty_settings(&back), "{back}");
    }

    #[test]
    fn malformed_files_are_refused_with_their_line() {
        let err = claude_install(Some("{\n  \"a\": 1,\n}\n"), &rules(), Path::new(P), false).unwrap_err();
        assert!(err.to_string().starts_with("/x/settings.json:3:1: not valid JSON"), "{err}");
        let err = claude_install(Some("{\"permissions\": []}"), &rules(), Path::new(P), false).unwrap_err();
        assert!(err.to_string().contains("`permissions` is not an object"), "{err}");
    }
}
