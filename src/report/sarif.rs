//! The SARIF 2.1.0 reporter: one run, rules with ids and help, results with physical
//! locations, for code-scanning upload.

use super::{Finding, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    short_description: Text<'a>,
    help: Text<'a>,
    default_configuration: Level,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    physical_location: Physical<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical<'a> {
    artifact_location: Artifact<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct Artifact<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// Writes `findings` as a SARIF 2.1.0 log.
pub fn write_sarif(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    // One rule per id, described by its first finding's hint (or message).
    let mut rules: Vec<Rule> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        if !index.contains_key(f.rule.as_ref()) {
            index.insert(&f.rule, rules.len());
            rules.push(Rule {
                id: &f.rule,
                short_description: Text { text: &f.rule },
                help: Text { text: f.hint.as_deref().unwrap_or(&f.message) },
                default_configuration: Level { level: level(f.severity) },
            });
        }
    }
    let results = findings
        .iter()
        .map(|f| SarifResult {
            rule_id: &f.rule,
            rule_index: index.get(f.rule.as_ref()).copied().unwrap_or(0),
            level: level(f.severity),
            message: Text { text: &f.message },
            locations: f
                .location
                .iter()
                .map(|l| SarifLocation {
                    physical_location: Physical {
                        artifact_location: Artifact { uri: &l.path },
                        region: (l.line > 0).then(|| Region {
                            start_line: l.line,
                            start_column: (l.column > 0).then_some(l.column),
                        }),
                    },
                })
                .collect(),
            partial_fingerprints: f
                .secret
                .iter()
                .map(|s| ("secretFingerprint/v1", s.fingerprint.as_str()))
                .collect(),
        })
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "tkx",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://github.com/tkx-dev/tkx",
                    rules,
                },
            },
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *w, &log).map_err(io::Error::other)?;
    writeln!(w)
}
