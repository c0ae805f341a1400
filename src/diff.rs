//! Compares the keys a project's env files set with the keys its `.env.example` declares,
//! and edits the example text for `tkx diff --write-example`.
//!
//! Which layers count, and why:
//! - **Missing** looks at the whole resolution. A declared key that any layer provides (the
//!   process environment, the private store, the user file or a project file) is present,
//!   because that is what `tkx exec` will hand the child; its row names the layer that wins.
//!   Moving a secret out of `.env` into the private store must not turn it into drift.
//! - **Extra** looks at the project's own files only (`.env`, `.env.<profile>`, or the
//!   `--file`s): the example documents the project, not what the shell or the user file
//!   happen to hold. An extra key's row shows its highest-precedence project definition.
//! - **Empty** and **placeholder** judge the value the key resolves to. A value is a
//!   placeholder when it looks like one ([`crate::secret::is_placeholder`]), or when the
//!   key names a credential ([`crate::secret::is_secret_name`]) and the value equals the
//!   example's own non-empty value (copied and never filled in). A configuration key that
//!   keeps the example's default (`DEFAULT_MODEL=gpt-4o-mini`) is fine.
//!
//! Drift — exit 1 for `tkx diff` — is a *required* key that is missing, empty or a
//! placeholder. Extra keys and optional keys are reported but are not drift.
//!
//! This module never prints and never sees clap types. Values stay [`Secret`]s here and
//! leave only as [`Redacted`]. The example editor only appends: every existing byte of the
//! file is kept, and no value is ever written into it.

use crate::example::Declared;
use crate::layers::{Definition, Layer, Origin, Resolution};
use crate::secret::{Redacted, Secret, is_unfilled};
use std::collections::BTreeMap;

/// The comment line `--write-example` puts above each key it adds.
pub const ADDED_COMMENT: &str = "# added by tkx diff --write-example";

/// The first line of an example file that `--write-example` creates. It must not contain
/// the word that marks keys as not required.
pub const NEW_EXAMPLE_HEADER: &str =
    "# The keys this project reads, written by tkx diff --write-example. Values here are placeholders.";

/// How one key compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Declared as required and not set in any layer.
    Missing,
    /// Declared as optional and not set in any layer.
    MissingOptional,
    /// Set in the project's files but not declared.
    Extra,
    /// Declared and set, but empty.
    Empty,
    /// Declared and set to a placeholder.
    Placeholder,
    /// Declared and set to a real-looking value.
    Ok,
}

impl Status {
    /// The name shown in the table and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Status::Missing => "missing",
            Status::MissingOptional => "missing-optional",
            Status::Extra => "extra",
            Status::Empty => "empty",
            Status::Placeholder => "placeholder",
            Status::Ok => "ok",
        }
    }
}

/// One key of the comparison.
#[derive(Clone, Debug)]
pub struct Row {
    /// The key.
    pub key: String,
    /// How it compares.
    pub status: Status,
    /// Whether the example declares it as required (false for extra keys).
    pub required: bool,
    /// Where the value shown comes from; `None` when no layer sets the key.
    pub origin: Option<Origin>,
    /// The value shown, masked and fingerprinted; `None` when no layer sets the key.
    pub value: Option<Redacted>,
}

impl Row {
    /// Whether this row fails the run: a required key missing, empty or a placeholder.
    pub fn is_drift(&self) -> bool {
        self.required && matches!(self.status, Status::Missing | Status::Empty | Status::Placeholder)
    }
}

/// Counts by status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Required keys not set.
    pub missing: usize,
    /// Optional keys not set.
    pub missing_optional: usize,
    /// Undeclared keys of the project files.
    pub extra: usize,
    /// Declared keys set but empty.
    pub empty: usize,
    /// Declared keys set to a placeholder.
    pub placeholder: usize,
    /// Declared keys that are fine.
    pub ok: usize,
    /// Whether any required key is missing, empty or a placeholder.
    pub drift: bool,
}

/// The comparison: one row per declared or extra key, sorted by key.
#[derive(Clone, Debug, Default)]
pub struct Diff {
    /// The rows, sorted by key.
    pub rows: Vec<Row>,
}

impl Diff {
    /// Counts by status.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for row in &self.rows {
            let n = match row.status {
                Status::Missing => &mut s.missing,
                Status::MissingOptional => &mut s.missing_optional,
                Status::Extra => &mut s.extra,
                Status::Empty => &mut s.empty,
                Status::Placeholder => &mut s.placeholder,
                Status::Ok => &mut s.ok,
            };
            *n += 1;
            s.drift |= row.is_drift();
        }
        s
    }

    /// The keys the example lacks: the extra keys, sorted.
    pub fn extra_keys(&self) -> Vec<&str> {
        self.rows.iter().filter(|r| r.status == Status::Extra).map(|r| r.key.as_str()).collect()
    }
}

impl Summary {
    /// One line for people: `2 missing, 1 extra, 1 placeholder`, or `no drift`.
    pub fn line(&self) -> String {
        let parts: Vec<String> = [
            (self.missing, "missing"),
            (self.missing_optional, "missing optional"),
            (self.empty, "empty"),
            (self.placeholder, "placeholder"),
            (self.extra, "extra"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if parts.is_empty() { "no drift".to_owned() } else { parts.join(", ") }
    }
}

/// Whether a layer is one of the project's own files.
pub fn is_project_layer(layer: Layer) -> bool {
    matches!(layer, Layer::Project | Layer::Profile | Layer::File)
}

/// Compares what the layers resolve with what the example declares.
pub fn compare(declared: &[Declared], res: &Resolution) -> Diff {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for d in declared {
        let row = match winner(res, &d.key) {
            None => Row {
                key: d.key.clone(),
                status: if d.required { Status::Missing } else { Status::MissingOptional },
                required: d.required,
                origin: None,
                value: None,
            },
            Some(def) => {
                let value = def.value.expose();
                let status = if value.is_empty() {
                    Status::Empty
                } else if is_unfilled(&d.key, value, Some(&d.placeholder)) {
                    Status::Placeholder
                } else {
                    Status::Ok
                };
                Row {
                    key: d.key.clone(),
                    status,
                    required: d.required,
                    value: Some(def.value.redacted()),
                    origin: Some(def.origin),
                }
            }
        };
        rows.entry(d.key.clone()).or_insert(row);
    }
    for var in res.vars.values() {
        if rows.contains_key(&var.key) {
            continue;
        }
        let project =
            std::iter::once(&var.winner).chain(&var.shadowed).find(|d| is_project_layer(d.origin.layer));
        if let Some(def) = project {
            rows.insert(
                var.key.clone(),
                Row {
                    key: var.key.clone(),
                    status: Status::Extra,
                    required: false,
                    origin: Some(def.origin.clone()),
                    value: Some(def.value.redacted()),
                },
            );
        }
    }
    Diff { rows: rows.into_values().collect() }
}

/// The winning definition of `key` in any layer, the process environment included.
fn winner(res: &Resolution, key: &str) -> Option<Definition> {
    if let Some(v) = res.vars.get(key) {
        return Some(v.winner.clone());
    }
    res.process.iter().find(|(k, _)| k.to_str() == Some(key)).map(|(_, v)| Definition {
        origin: Origin { layer: Layer::Process, path: None, line: 0 },
        value: Secret::new(v.to_string_lossy()),
    })
}

/// `text` with `keys` appended as `KEY=` lines, each under [`ADDED_COMMENT`]. Every byte
/// of `text` is kept; a missing final line break is added first, and the new lines use
/// CRLF when the file does. Returns `text` unchanged when `keys` is empty.
pub fn append_keys(text: &str, keys: &[&str]) -> String {
    let mut out = text.to_owned();
    if keys.is_empty() {
        return out;
    }
    let eol = line_ending(text);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    for key in keys {
        out.push_str(ADDED_COMMENT);
        out.push_str(eol);
        out.push_str(key);
        out.push('=');
        out.push_str(eol);
    }
    out
}

/// The text of a new example file declaring `keys` as `KEY=`.
pub fn new_example(keys: &[&str]) -> String {
    let mut out = String::from(NEW_EXAMPLE_HEADER);
    out.push('\n');
    for key in keys {
        out.push_str(key);
        out.push_str("=\n");
    }
    out
}

/// `\r\n` when the file's first line break is CRLF, else `\n`.
fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes().get(i - 1) == Some(&b'\r') => "\r\n",
        _ => "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::example::declared;
    use crate::layers::Variable;
    use std::ffi::OsString;
    use std::path::PathBuf;

    const REAL: &str = "sk-proj-Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z";

    fn def(layer: Layer, line: usize, value: &str) -> Definition {
        let path = match layer {
            Layer::Process => None,
            Layer::User => Some("/home/u/.config/tkx/.env".to_owned()),
            Layer::Private => Some("/home/u/.config/tkx/projects/app-12345678/.env".to_owned()),
            Layer::Profile => Some(".env.dev".to_owned()),
            Layer::File => Some("ci.env".to_owned()),
            Layer::Project => Some(".env".to_owned()),
        };
        Definition { origin: Origin { layer, path: path.map(Into::into), line }, value: Secret::new(value) }
    }

    /// A resolution from definitions, highest precedence first per key.
    fn resolution(vars: &[(&str, Vec<Definition>)], process: &[(&str, &str)]) -> Resolution {
        Resolution {
            project_dir: PathBuf::from("/app"),
            sources: Vec::new(),
            vars: vars
                .iter()
                .map(|(k, defs)| {
                    let mut defs = defs.clone();
                    let winner = defs.remove(0);
                    ((*k).to_owned(), Variable { key: (*k).to_owned(), winner, shadowed: defs })
                })
                .collect(),
            findings: Vec::new(),
            override_env: false,
            process: process.iter().map(|(k, v)| (OsString::from(k), OsString::from(v))).collect(),
            resolved: Default::default(),
        }
    }

    fn statuses(example: &str, res: &Resolution) -> Vec<(String, Status, bool)> {
        compare(&declared(example), res).rows.into_iter().map(|r| (r.key, r.status, r.required)).collect()
    }

    fn status_of(example: &str, res: &Resolution, key: &str) -> Status {
        compare(&declared(example), res).rows.into_iter().find(|r| r.key == key).map(|r| r.status).unwrap()
    }

    #[test]
    fn each_status() {
        let example = "A=\nB=\n# optional\nC=\nD=\nE=sk-your-key-here\nF=\n";
        let res = resolution(
            &[
                ("A", vec![def(Layer::Project, 1, REAL)]),
                ("D", vec![def(Layer::Project, 2, "")]),
                ("E", vec![def(Layer::Project, 3, "sk-your-key-here")]),
                ("F", vec![def(Layer::Project, 4, "changeme")]),
                ("X", vec![def(Layer::Project, 5, "1")]),
            ],
            &[],
        );
        assert_eq!(
            statuses(example, &res),
            [
                ("A".to_owned(), Status::Ok, true),
                ("B".to_owned(), Status::Missing, true),
                ("C".to_owned(), Status::MissingOptional, false),
                ("D".to_owned(), Status::Empty, true),
                ("E".to_owned(), Status::Placeholder, true),
                ("F".to_owned(), Status::Placeholder, true),
                ("X".to_owned(), Status::Extra, false),
            ]
        );
        let s = compare(&declared(example), &res).summary();
        assert_eq!(
            s,
            Summary {
                missing: 1,
                missing_optional: 1,
                extra: 1,
                empty: 1,
                placeholder: 2,
                ok: 1,
                drift: true
            }
        );
        assert_eq!(s.line(), "1 missing, 1 missing optional, 1 empty, 2 placeholder, 1 extra");
    }

    #[test]
    fn a_secret_equal_to_the_examples_value_is_a_placeholder_unless_that_is_empty() {
        let res = resolution(&[("API_KEY", vec![def(Layer::Project, 1, "replace")])], &[]);
        assert_eq!(status_of("API_KEY=replace\n", &res, "API_KEY"), Status::Placeholder);
        assert_eq!(status_of("API_KEY=other\n", &res, "API_KEY"), Status::Ok);
        assert_eq!(status_of("API_KEY=\n", &res, "API_KEY"), Status::Ok);
    }

    #[test]
    fn configuration_may_keep_the_examples_default() {
        let res = resolution(&[("DEFAULT_MODEL", vec![def(Layer::Project, 1, "gpt-4o-mini")])], &[]);
        assert_eq!(status_of("DEFAULT_MODEL=gpt-4o-mini\n", &res, "DEFAULT_MODEL"), Status::Ok);
    }

    #[test]
    fn any_layer_makes_a_key_present_and_the_row_names_it() {
        let example = "P=\nU=\nV=\nS=\n";
        let res = resolution(
            &[
                ("U", vec![def(Layer::User, 1, REAL)]),
                ("V", vec![def(Layer::Private, 1, REAL)]),
                ("S", vec![def(Layer::Process, 0, REAL), def(Layer::Project, 1, "")]),
            ],
            &[("P", REAL), ("S", REAL)],
        );
        let diff = compare(&declared(example), &res);
        let got: Vec<(&str, Status, String)> = diff
            .rows
            .iter()
            .map(|r| (r.key.as_str(), r.status, r.origin.as_ref().unwrap().to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("P", Status::Ok, "process".to_owned()),
                ("S", Status::Ok, "process".to_owned()),
                ("U", Status::Ok, "/home/u/.config/tkx/.env:1".to_owned()),
                ("V", Status::Ok, "/home/u/.config/tkx/projects/app-12345678/.env:1".to_owned()),
            ]
        );
        assert!(!diff.summary().drift);
    }

    #[test]
    fn only_project_files_make_a_key_extra() {
        let res = resolution(
            &[
                ("USER_ONLY", vec![def(Layer::User, 1, "1")]),
                ("PRIVATE_ONLY", vec![def(Layer::Private, 1, "1")]),
                ("PROFILE", vec![def(Layer::Profile, 1, "1")]),
                ("FILE", vec![def(Layer::File, 1, "1")]),
                // The process wins, but the project file still defines it.
                ("SHADOWED", vec![def(Layer::Process, 0, "p"), def(Layer::Project, 7, "1")]),
            ],
            &[("PROCESS_ONLY", "1"), ("SHADOWED", "p")],
        );
        let diff = compare(&[], &res);
        let got: Vec<(&str, String)> =
            diff.rows.iter().map(|r| (r.key.as_str(), r.origin.as_ref().unwrap().to_string())).collect();
        assert_eq!(
            got,
            [("FILE", "ci.env:1".into()), ("PROFILE", ".env.dev:1".into()), ("SHADOWED", ".env:7".into())]
        );
        assert_eq!(diff.extra_keys(), ["FILE", "PROFILE", "SHADOWED"]);
        let s = diff.summary();
        assert_eq!((s.extra, s.drift), (3, false));
        assert_eq!(s.line(), "3 extra");
    }

    #[test]
    fn empty_and_placeholder_optional_keys_are_not_drift() {
        let example = "# optional\nA=\nB_TOKEN=x # optional\n";
        let res = resolution(
            &[("A", vec![def(Layer::Project, 1, "")]), ("B_TOKEN", vec![def(Layer::Project, 2, "x")])],
            &[],
        );
        let diff = compare(&declared(example), &res);
        let s = diff.summary();
        assert_eq!((s.empty, s.placeholder, s.drift), (1, 1, false));
    }

    #[test]
    fn nothing_to_report_is_no_drift() {
        let res = resolution(&[("A", vec![def(Layer::Project, 1, REAL)])], &[]);
        let s = compare(&declared("A=\n"), &res).summary();
        assert_eq!(s.line(), "no drift");
        assert!(!s.drift);
    }

    #[test]
    fn rows_never_hold_the_value() {
        let res = resolution(&[("A", vec![def(Layer::Project, 1, REAL)])], &[]);
        let diff = compare(&declared("B=\n"), &res);
        let dump = format!("{diff:?}");
        assert!(!dump.contains(REAL), "{dump}");
        assert!(dump.contains("sk-p**********xY3z"), "{dump}");
    }

    #[test]
    fn append_keeps_every_byte() {
        assert_eq!(append_keys("A=1\n", &[]), "A=1\n");
        assert_eq!(append_keys("A=1\n", &["B"]), format!("A=1\n{ADDED_COMMENT}\nB=\n"));
        assert_eq!(append_keys("A=1", &["B"]), format!("A=1\n{ADDED_COMMENT}\nB=\n"));
        assert_eq!(
            append_keys("A=1\r\n# c", &["B", "C"]),
            format!("A=1\r\n# c\r\n{ADDED_COMMENT}\r\nB=\r\n{ADDED_COMMENT}\r\nC=\r\n")
        );
        assert_eq!(append_keys("", &["B"]), format!("{ADDED_COMMENT}\nB=\n"));
        let bom = "\u{feff}A=1\n";
        assert!(append_keys(bom, &["B"]).starts_with(bom));
    }

    #[test]
    fn added_keys_are_required_even_after_an_optional_comment() {
        let text = append_keys("# optional: tracing\n", &["B"]);
        let d = declared(&text);
        assert_eq!(d.len(), 1);
        assert!(d[0].required);
        assert_eq!(d[0].placeholder, "");
    }

    #[test]
    fn a_new_example_declares_every_key_as_required_and_empty() {
        let text = new_example(&["A", "B"]);
        let d = declared(&text);
        let got: Vec<(&str, bool, &str)> =
            d.iter().map(|d| (d.key.as_str(), d.required, d.placeholder.as_str())).collect();
        assert_eq!(got, [("A", true, ""), ("B", true, "")]);
    }
}
