//! Findings as data, and the reporters that render them.
//!
//! Every lint, check and scan rule produces [`Finding`]s; only the reporters in
//! this module turn them into bytes. Nothing here decides what is wrong.

mod github;
mod json;
mod sarif;
mod text;

pub use github::write_github;
pub use json::write_json;
pub use sarif::write_sarif;
pub use text::{Painter, quote_path, write_finding, write_text};

use crate::secret::Redacted;
use serde::Serialize;
use std::borrow::Cow;

/// A stable rule id such as `envfile/duplicate-key`.
pub type RuleId = Cow<'static, str>;

/// How serious a finding is; ordered from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Note,
    /// Fails a run only with `--strict`.
    Warning,
    /// Fails a run.
    Error,
}

impl Severity {
    /// The word used in text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Where a finding is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The path as the user should read it (relative where possible, `/`-separated).
    pub path: String,
    /// 1-based line; 0 for the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 for the whole line.
    pub column: usize,
}

/// One thing a check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule id.
    pub rule: RuleId,
    /// How serious it is.
    pub severity: Severity,
    /// Where, if anywhere in particular.
    pub location: Option<Location>,
    /// What is wrong; names keys and rules, never values.
    pub message: String,
    /// The secret involved, masked and fingerprinted.
    pub secret: Option<Redacted>,
    /// How to fix it.
    pub hint: Option<String>,
    /// The commit it was found in (history scans).
    pub commit: Option<CommitRef>,
}

impl Finding {
    /// A finding of `rule` with `message`, nowhere in particular, with no hint yet.
    pub fn new(rule: impl Into<RuleId>, severity: Severity, message: impl Into<String>) -> Finding {
        Finding {
            rule: rule.into(),
            severity,
            location: None,
            message: message.into(),
            secret: None,
            hint: None,
            commit: None,
        }
    }

    /// An error (see [`Finding::new`]).
    pub fn error(rule: impl Into<RuleId>, message: impl Into<String>) -> Finding {
        Finding::new(rule, Severity::Error, message)
    }

    /// A warning (see [`Finding::new`]).
    pub fn warning(rule: impl Into<RuleId>, message: impl Into<String>) -> Finding {
        Finding::new(rule, Severity::Warning, message)
    }

    /// A note (see [`Finding::new`]).
    pub fn note(rule: impl Into<RuleId>, message: impl Into<String>) -> Finding {
        Finding::new(rule, Severity::Note, message)
    }

    /// Places it at `path:line:column` (0 for a whole file or line).
    pub fn at(mut self, path: impl Into<String>, line: usize, column: usize) -> Finding {
        self.location = Some(Location { path: path.into(), line, column });
        self
    }

    /// Places it at `location`, if any.
    pub fn located(mut self, location: Option<Location>) -> Finding {
        self.location = location;
        self
    }

    /// Adds how to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = Some(hint.into());
        self
    }

    /// Adds the secret involved, masked and fingerprinted.
    pub fn secret(mut self, secret: Redacted) -> Finding {
        self.secret = Some(secret);
        self
    }

    /// Adds the commit it was found in (`None`: the work tree or the index).
    pub fn commit(mut self, commit: impl Into<Option<CommitRef>>) -> Finding {
        self.commit = commit.into();
        self
    }
}

/// A commit a finding was found in.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CommitRef {
    /// The full commit id.
    pub id: String,
    /// The commit's author date, `YYYY-MM-DD`.
    pub date: String,
}

/// Counts of findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Number of notes.
    pub notes: usize,
}

impl Summary {
    /// `N errors, M warnings, K notes`.
    pub fn line(&self) -> String {
        let part = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        format!(
            "{}, {}, {}",
            part(self.errors, "error"),
            part(self.warnings, "warning"),
            part(self.notes, "note")
        )
    }

    /// Counts `findings`.
    pub fn of(findings: &[Finding]) -> Self {
        let mut s = Summary::default();
        for f in findings {
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Note => s.notes += 1,
            }
        }
        s
    }
}

/// The formats findings are rendered in (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// For people: `path:line: severity[rule]: message`, painted when `Painter` says so.
    Text,
    /// One JSON object: `{"findings":[…],"summary":{…}}`.
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`).
    Github,
}

/// Writes `findings` in `format`: the one choice of reporter, for doctor, init, scan and
/// the hooks.
pub fn write(
    w: &mut dyn std::io::Write,
    findings: &[Finding],
    format: Format,
    paint: Painter,
) -> std::io::Result<()> {
    match format {
        Format::Text => write_text(w, findings, paint),
        Format::Json => write_json(w, findings),
        Format::Sarif => write_sarif(w, findings),
        Format::Github => write_github(w, findings),
    }
}

/// Which findings fail a run (exit code 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Any finding at all: a scan or a hook, where every finding is a key.
    Any,
    /// Errors: `doctor` and `init`.
    Errors,
    /// Errors and warnings: `doctor --strict`.
    Warnings,
}

impl FailOn {
    /// The exit code for a run that reported `findings`: 1 when one of them fails it, else 0.
    pub fn exit_code(self, findings: &[Finding]) -> u8 {
        let s = Summary::of(findings);
        let fails = match self {
            FailOn::Any => !findings.is_empty(),
            FailOn::Errors => s.errors > 0,
            FailOn::Warnings => s.errors + s.warnings > 0,
        };
        u8::from(fails)
    }
}

/// Sorts findings deterministically: by path, line, column, rule.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| (&a.location, &a.rule, &a.message).cmp(&(&b.location, &b.rule, &b.message)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exit_rule() {
        let warning = [Finding::warning("a/b", "w")];
        let note = [Finding::note("a/b", "n")];
        let error = [Finding::error("a/b", "e"), Finding::note("a/b", "n")];
        assert_eq!(FailOn::Any.exit_code(&[]), 0);
        assert_eq!(FailOn::Any.exit_code(&note), 1);
        assert_eq!(FailOn::Errors.exit_code(&warning), 0);
        assert_eq!(FailOn::Errors.exit_code(&error), 1);
        assert_eq!(FailOn::Warnings.exit_code(&warning), 1);
        assert_eq!(FailOn::Warnings.exit_code(&note), 0);
    }
}
