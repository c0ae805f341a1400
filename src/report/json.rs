//! The JSON reporter: `{"findings":[…],"summary":{…}}` with stable field names.

use super::{Finding, Summary};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: super::Severity,
    path: Option<&'a str>,
    line: usize,
    column: usize,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    masked: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

/// Writes `findings` as one JSON object followed by a newline.
pub fn write_json(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    let report = JsonReport {
        findings: findings
            .iter()
            .map(|f| JsonFinding {
                rule: &f.rule,
                severity: f.severity,
                path: f.location.as_ref().map(|l| l.path.as_str()),
                line: f.location.as_ref().map_or(0, |l| l.line),
                column: f.location.as_ref().map_or(0, |l| l.column),
                message: &f.message,
                fingerprint: f.secret.as_ref().map(|s| s.fingerprint.as_str()),
                masked: f.secret.as_ref().map(|s| s.masked.as_str()),
                hint: f.hint.as_deref(),
                commit: f.commit.as_ref().map(|c| c.id.as_str()),
                date: f.commit.as_ref().map(|c| c.date.as_str()),
            })
            .collect(),
        summary: Summary::of(findings),
    };
    serde_json::to_writer(&mut *w, &report).map_err(io::Error::other)?;
    writeln!(w)
}
