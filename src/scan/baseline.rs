//! `.tkx-baseline.json`: accepted findings, keyed by rule and the secret's fingerprint.
//!
//! Not by file and line: moving code must not re-raise an accepted finding, and a
//! different secret on an accepted line must still be caught. Written sorted and
//! one entry per line so that it merges cleanly.

use crate::error::Error;
use crate::report::Finding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// The file name, at the project root.
pub const FILE_NAME: &str = ".tkx-baseline.json";

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    /// The rule id (`scan/…`).
    pub rule: String,
    /// The secret's fingerprint.
    pub fingerprint: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    accepted: Vec<Accepted>,
}

/// The accepted findings.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    accepted: BTreeSet<Accepted>,
}

impl Baseline {
    /// Reads the baseline in `dir`; none is an empty baseline, a malformed one an error.
    pub fn load(dir: &Path) -> Result<Baseline, Error> {
        let path = dir.join(FILE_NAME);
        let text = match crate::fsutil::read_settings(&path) {
            Ok(Some(t)) => t,
            Ok(None) => return Ok(Baseline::default()),
            Err(source) => return Err(Error::Io { doing: format!("reading {FILE_NAME}"), source }),
        };
        let file: File = serde_json::from_str(&text).map_err(|e| {
            Error::config(
                format!("{FILE_NAME}:{}:{}: {e}", e.line(), e.column()),
                Some("regenerate it with `tkx scan --write-baseline`, or fix the JSON by hand".to_owned()),
            )
        })?;
        Ok(Baseline { accepted: file.accepted.into_iter().collect() })
    }

    /// Whether a finding of `rule` for a secret with `fingerprint` was accepted.
    pub fn accepts(&self, rule: &str, fingerprint: &str) -> bool {
        self.accepted.iter().any(|a| a.rule == rule && a.fingerprint == fingerprint)
    }

    /// Adds entries.
    pub fn extend(&mut self, entries: impl IntoIterator<Item = Accepted>) {
        self.accepted.extend(entries);
    }

    /// Number of accepted findings.
    pub fn len(&self) -> usize {
        self.accepted.len()
    }

    /// Whether nothing is accepted.
    pub fn is_empty(&self) -> bool {
        self.accepted.is_empty()
    }

    /// The file's text: sorted, one entry per line, stable.
    pub fn render(&self) -> String {
        let mut out = String::from("{\n  \"version\": 1,\n  \"accepted\": [");
        for (i, a) in self.accepted.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str(&format!(
                "    {{\"rule\": {}, \"fingerprint\": {}}}",
                serde_json::Value::from(a.rule.as_str()),
                serde_json::Value::from(a.fingerprint.as_str())
            ));
        }
        out.push_str(if self.accepted.is_empty() { "]\n}\n" } else { "\n  ]\n}\n" });
        out
    }
}

/// Adds every finding with a secret to the baseline in `dir` and writes it back
/// (`--write-baseline`). Returns how many findings it accepts now and how many of those
/// are new.
pub fn accept(dir: &Path, findings: &[Finding]) -> Result<(usize, usize), Error> {
    let path = dir.join(FILE_NAME);
    let _lock = crate::fsutil::lock_for(&path)
        .map_err(|source| Error::Io { doing: format!("locking {}", path.display()), source })?;
    let mut baseline = Baseline::load(dir)?;
    let before = baseline.len();
    baseline.extend(findings.iter().filter_map(|f| {
        let secret = f.secret.as_ref()?;
        Some(Accepted { rule: f.rule.to_string(), fingerprint: secret.fingerprint.clone() })
    }));
    crate::fsutil::write_atomic(&path, baseline.render().as_bytes(), 0o644)
        .map_err(|source| Error::Io { doing: format!("writing {}", path.display()), source })?;
    Ok((baseline.len(), baseline.len() - before))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_is_sorted_and_reads_back() {
        let mut b = Baseline::default();
        b.extend([
            Accepted { rule: "scan/jwt".into(), fingerprint: "sha256:bbbbbbbbbbbb".into() },
            Accepted { rule: "scan/github-token".into(), fingerprint: "sha256:aaaaaaaaaaaa".into() },
        ]);
        let text = b.render();
        assert_eq!(
            text,
            "{\n  \"version\": 1,\n  \"accepted\": [\n    {\"rule\": \"scan/github-token\", \"fingerprint\": \"sha256:aaaaaaaaaaaa\"},\n    {\"rule\": \"scan/jwt\", \"fingerprint\": \"sha256:bbbbbbbbbbbb\"}\n  ]\n}\n"
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), &text).unwrap();
        let back = Baseline::load(dir.path()).unwrap();
        assert!(back.accepts("scan/jwt", "sha256:bbbbbbbbbbbb"));
        assert!(!back.accepts("scan/jwt", "sha256:aaaaaaaaaaaa"));
    }
}
