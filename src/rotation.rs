//! `$TKX_DIR/rotations.json`: when each key value was first seen, and the rotations
//! `tkx rotate` recorded. Only fingerprints and dates are stored, never values.
//!
//! ```json
//! {
//!   "version": 1,
//!   "rotations": [
//!     {"key": "OPENAI_PAT", "old": "sha256:0f3a9c1d2b7e", "new": "sha256:6c2377e1a0b4",
//!      "date": "2025-03-01", "file": "/home/me/app/.env"}
//!   ],
//!   "first_seen": {"sha256:6c2377e1a0b4": "2025-03-01"}
//! }
//! ```
//!
//! Loading the layers records the fingerprints it has not seen before (cheaply: one
//! small read, a write only when something is new, and silence on any failure, since a
//! bookkeeping file must never stop a command). `doctor`'s `rotation` check reads the
//! first-seen dates. This module reads and writes that one file and never prints.

use crate::layers::Resolution;
use crate::secret::fingerprint;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The file name, inside `$TKX_DIR`.
pub const FILE_NAME: &str = "rotations.json";

/// The format version written.
const VERSION: u32 = 1;

/// The whole file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ledger {
    /// The format version.
    pub version: u32,
    /// Rotations, oldest first.
    pub rotations: Vec<Rotation>,
    /// Fingerprint → the date (`YYYY-MM-DD`) tkx first saw a value with it.
    pub first_seen: BTreeMap<String, String>,
}

/// One `tkx rotate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rotation {
    /// The key.
    pub key: String,
    /// The old value's fingerprint.
    pub old: String,
    /// The new value's fingerprint.
    pub new: String,
    /// When, `YYYY-MM-DD`.
    pub date: String,
    /// The file the new value was written to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// The ledger's path.
pub fn path(tkx_dir: &Path) -> PathBuf {
    tkx_dir.join(FILE_NAME)
}

/// Today's date, in UTC. (The local zone would need the system's time zone database
/// looked up on every load, which costs more than everything else `tkx exec` does.)
pub fn today() -> Date {
    jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// Whether a key's value is worth tracking (see
/// [`crate::secret::classify::track_for_rotation`]).
pub fn tracked(key: &str, value: &str) -> bool {
    crate::secret::classify::track_for_rotation(key, value)
}

/// Whole days from `from` to `to` (negative when `from` is later).
pub fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map_or(0, |span| i64::from(span.get_days()))
}

impl Ledger {
    /// Reads the ledger; a missing file is an empty ledger, a malformed one an
    /// `InvalidData` error (never silently replaced: it holds the rotation history).
    pub fn load(tkx_dir: &Path) -> io::Result<Ledger> {
        let bytes = match fs::read(path(tkx_dir)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Ledger::default()),
            Err(e) => return Err(e),
        };
        serde_json::from_slice(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// Writes the ledger atomically with mode 0600, creating `$TKX_DIR` (0700) if needed.
    pub fn save(&self, tkx_dir: &Path) -> io::Result<()> {
        create_private_dir(tkx_dir)?;
        let mut doc = self.clone();
        doc.version = VERSION;
        let mut json = serde_json::to_vec_pretty(&doc).map_err(io::Error::other)?;
        json.push(b'\n');
        let file = path(tkx_dir);
        tighten(&file)?;
        crate::fsutil::write_atomic(&file, &json, 0o600)
    }

    /// Loads the ledger, changes it with `change` and saves it, under the lock of
    /// `$TKX_DIR` (created 0700 if needed), so concurrent runs add to it instead of
    /// over each other.
    pub fn update<T>(tkx_dir: &Path, change: impl FnOnce(&mut Ledger) -> T) -> io::Result<T> {
        create_private_dir(tkx_dir)?;
        let _lock = crate::fsutil::lock_dir(tkx_dir)?;
        let mut ledger = Ledger::load(tkx_dir)?;
        let out = change(&mut ledger);
        ledger.save(tkx_dir)?;
        Ok(out)
    }

    /// Records that a value with `fingerprint` was seen on `date`, unless it was seen
    /// before; whether that was news.
    pub fn see(&mut self, fingerprint: &str, date: Date) -> bool {
        if self.first_seen.contains_key(fingerprint) {
            return false;
        }
        self.first_seen.insert(fingerprint.to_owned(), date.to_string());
        true
    }

    /// When a value with `fingerprint` was first seen, if it was.
    pub fn first_seen(&self, fingerprint: &str) -> Option<Date> {
        self.first_seen.get(fingerprint).and_then(|d| d.parse().ok())
    }
}

/// Records the first-seen date of every tracked value the layers resolved (winners and
/// shadowed definitions alike). Silent: any failure only means no record this time.
pub fn record_seen(tkx_dir: Option<&Path>, res: &Resolution) {
    let fingerprints = res
        .vars
        .values()
        .flat_map(|v| std::iter::once(&v.winner).chain(&v.shadowed).map(move |d| (&v.key, &d.value)))
        .filter(|(key, value)| tracked(key, value.expose()))
        .map(|(_, value)| fingerprint(value.expose()));
    record_fingerprints(tkx_dir, fingerprints);
}

/// Records the first-seen date of each fingerprint. Silent, like [`record_seen`].
pub fn record_fingerprints(tkx_dir: Option<&Path>, fingerprints: impl IntoIterator<Item = String>) {
    let Some(dir) = tkx_dir else { return };
    let fingerprints: Vec<String> = fingerprints.into_iter().collect();
    if fingerprints.is_empty() {
        return;
    }
    // The ledger grows with every value ever seen; parsing it on every `tkx exec` would
    // cost more than the rest of the run. One pass over its bytes answers "is every
    // fingerprint already there?", the usual case; only news is parsed and written.
    if let Ok(bytes) = fs::read(path(dir)) {
        let hex: Vec<&str> = fingerprints.iter().map(|f| f.trim_start_matches("sha256:")).collect();
        let seen: Vec<bool> = match aho_corasick::packed::Searcher::new(hex.iter()) {
            // A few fingerprints (a project's keys): one SIMD search for their hex digits.
            Some(searcher) => {
                let mut seen = vec![false; hex.len()];
                for m in searcher.find_iter(&bytes) {
                    if let Some(s) = seen.get_mut(m.pattern().as_usize()) {
                        *s = true;
                    }
                }
                seen
            }
            // Many: collect every fingerprint in the file in one pass and look each up.
            None => {
                let in_file: std::collections::HashSet<&[u8]> = memchr::memmem::find_iter(&bytes, b"sha256:")
                    .filter_map(|at| bytes.get(at + 7..at + 19))
                    .collect();
                hex.iter().map(|h| in_file.contains(h.as_bytes())).collect()
            }
        };
        if seen.iter().all(|s| *s) {
            return;
        }
    }
    let Ok(ledger) = Ledger::load(dir) else { return };
    let date = today();
    if fingerprints.iter().all(|fp| ledger.first_seen.contains_key(fp)) {
        return;
    }
    let _ = Ledger::update(dir, |ledger| {
        for fp in &fingerprints {
            ledger.see(fp, date);
        }
    });
}

/// Creates `dir` and its missing parents with mode 0700.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Sets an existing file to 0600 (a missing one is fine).
fn tighten(file: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match fs::metadata(file) {
            Ok(m) if m.permissions().mode() & 0o777 != 0o600 => {
                fs::set_permissions(file, fs::Permissions::from_mode(0o600))?;
            }
            _ => {}
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn round_trips_and_keeps_the_first_date() {
        let dir = tempfile::tempdir().unwrap();
        let tkx = dir.path().join("tkx");
        let mut l = Ledger::load(&tkx).unwrap();
        assert!(l.see("sha256:aaaaaaaaaaaa", date(2024, 1, 2)));
        assert!(!l.see("sha256:aaaaaaaaaaaa", date(2025, 1, 2)));
        l.rotations.push(Rotation {
            key: "K".into(),
            old: "sha256:aaaaaaaaaaaa".into(),
            new: "sha256:bbbbbbbbbbbb".into(),
            date: "2025-01-02".into(),
            file: None,
        });
        l.save(&tkx).unwrap();
        let back = Ledger::load(&tkx).unwrap();
        assert_eq!(back.first_seen("sha256:aaaaaaaaaaaa"), Some(date(2024, 1, 2)));
        assert_eq!(back.rotations, l.rotations);
        assert_eq!(back.version, 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&tkx), 0o700);
            assert_eq!(mode(&path(&tkx)), 0o600);
        }
    }

    #[test]
    fn a_malformed_ledger_is_an_error_and_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(path(dir.path()), "{not json").unwrap();
        assert_eq!(Ledger::load(dir.path()).unwrap_err().kind(), io::ErrorKind::InvalidData);
        record_fingerprints(Some(dir.path()), ["sha256:aaaaaaaaaaaa".to_owned()]);
        assert_eq!(fs::read_to_string(path(dir.path())).unwrap(), "{not json");
    }

    #[test]
    fn only_credentials_with_real_values_are_tracked() {
        assert!(tracked("OPENAI_PAT", "sk-proj-abc"));
        assert!(!tracked("PORT", "8080"));
        assert!(!tracked("OPENAI_PAT", ""));
        assert!(!tracked("OPENAI_PAT", "sk-your-key-here"));
    }

    #[test]
    fn days() {
        assert_eq!(days_between(date(2024, 1, 1), date(2024, 3, 1)), 60);
        assert_eq!(days_between(date(2024, 3, 1), date(2024, 1, 1)), -60);
    }
}
