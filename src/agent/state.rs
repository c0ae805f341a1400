//! What `tkx agent install` added to each file, so that `uninstall` removes exactly that.
//!
//! Kept in `$TKX_DIR/agent-installs.json` (mode 0600), keyed by the file's absolute
//! path. Without a record (another machine, a lost `$TKX_DIR`) `uninstall` falls back to
//! what it can recognise: tkx's hook commands, rules and marked blocks, and containers
//! that end up empty.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What tkx added to one file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileRecord {
    /// tkx created the file.
    pub created_file: bool,
    /// Directories tkx created for it, deepest first.
    pub created_dirs: Vec<PathBuf>,
    /// JSON members tkx created (`permissions`, `permissions.deny`, `hooks`, …).
    pub created_keys: Vec<String>,
    /// Array entries tkx added (deny rules).
    pub added: Vec<String>,
    /// tkx added a line ending before its block.
    pub added_newline: bool,
    /// The text edits tkx made, in order: undone in reverse, they give back the file
    /// byte for byte.
    pub hunks: Vec<Hunk>,
    /// `sha256:` of the text as tkx left it: the hunks apply only to exactly that text.
    pub installed: Option<String>,
}

/// One text edit: at byte `at`, `removed` was replaced by `inserted`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hunk {
    /// Byte offset.
    pub at: usize,
    /// The text that was there.
    pub removed: String,
    /// The text tkx put there.
    pub inserted: String,
}

impl Hunk {
    /// The single edit that turns `a` into `b` (common prefix and suffix kept), or
    /// `None` when they are equal.
    pub fn between(a: &str, b: &str) -> Option<Hunk> {
        if a == b {
            return None;
        }
        let mut pre = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        while !a.is_char_boundary(pre) || !b.is_char_boundary(pre) {
            pre -= 1;
        }
        let max_suf = a.len().min(b.len()) - pre;
        let mut suf = a.bytes().rev().zip(b.bytes().rev()).take(max_suf).take_while(|(x, y)| x == y).count();
        while !a.is_char_boundary(a.len() - suf) || !b.is_char_boundary(b.len() - suf) {
            suf -= 1;
        }
        Some(Hunk {
            at: pre,
            removed: a[pre..a.len() - suf].to_owned(),
            inserted: b[pre..b.len() - suf].to_owned(),
        })
    }

    /// Undoes the edits, last first; `None` when they do not fit the text.
    pub fn undo(text: &str, hunks: &[Hunk]) -> Option<String> {
        let mut out = text.to_owned();
        for h in hunks.iter().rev() {
            let end = h.at.checked_add(h.inserted.len())?;
            if out.get(h.at..end)? != h.inserted {
                return None;
            }
            out.replace_range(h.at..end, &h.removed);
        }
        Some(out)
    }
}

/// Every record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// By absolute path.
    #[serde(default)]
    pub files: BTreeMap<String, FileRecord>,
}

/// Where the records live.
pub fn path(tkx_dir: &Path) -> PathBuf {
    tkx_dir.join("agent-installs.json")
}

impl State {
    /// Reads the records; a missing or unreadable file is an empty record.
    pub fn load(tkx_dir: Option<&Path>) -> State {
        tkx_dir
            .and_then(|d| std::fs::read(path(d)).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Writes the records (0600, the directory 0700).
    pub fn save(&self, tkx_dir: Option<&Path>) -> std::io::Result<()> {
        let Some(d) = tkx_dir else { return Ok(()) };
        crate::rotation::create_private_dir(d)?;
        let mut text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        text.push('\n');
        crate::fsutil::write_atomic(&path(d), text.as_bytes(), 0o600)
    }
}
