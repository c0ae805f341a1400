//! The secret scanner as a library: rules (what to look for, each with its own
//! exception), matcher (their compiled form), filter (the chain every hit passes), setup
//! (known values, excludes, allow rules, baseline), text (which bytes are text, UTF-16
//! decoded) and sources (where the bytes come from: paths, the index, history, a push).
//! Adding a source never touches the rules.
//! This module turns matches into [`Finding`]s. Nothing here sees clap types, prints or
//! exits: what people should hear besides the findings is a [`Note`].

pub mod baseline;
pub mod filter;
mod lines;
pub mod matcher;
pub mod rules;
pub mod setup;
pub mod sources;
pub mod text;

use crate::report::{CommitRef, Finding, Location};
use crate::secret::Secret;
use base64::Engine;
use filter::FileKind;
pub use matcher::{Hit, Source};
use matcher::{Matcher, RuleSet};
use std::collections::BTreeSet;

/// The comment that silences a finding on its line.
pub const ALLOW_MARKER: &str = "tkx:allow";

/// The inline markers of the scanners teams already use, honoured as `tkx:allow` is, so a
/// line someone accepted there is not reported again: detect-secrets, gitleaks, trufflehog.
const OTHER_ALLOW_MARKERS: &[&str] = &["pragma: allowlist secret", "gitleaks:allow", "trufflehog:ignore"];

/// Whether a line carries an allow marker.
fn allowed_line(line: &str) -> bool {
    line.contains(ALLOW_MARKER) || OTHER_ALLOW_MARKERS.iter().any(|m| line.contains(m))
}

/// Where a known value came from: its key and origin (`.env:3`). The value itself is
/// only in the matcher's automaton.
#[derive(Clone, Debug)]
pub struct KnownOrigin {
    /// The key.
    pub key: String,
    /// Where it was defined.
    pub origin: String,
}

/// Something a scan has to tell people besides its findings: data for the command to
/// render (on stderr), never printed here.
#[derive(Debug)]
pub enum Note {
    /// The layers did not resolve (a broken env file): the user's own values are not
    /// looked for, and the rules still run.
    Unresolved(crate::Error),
    /// Text files not read because they are over `max_size` bytes: a key in one would
    /// pass unseen. Paths as reported, `/`-separated.
    Unread {
        /// The files.
        paths: Vec<String>,
        /// The limit they are over.
        max_size: u64,
    },
    /// Files or directories that could not be read, each with why. The scan fails
    /// (exit 2) like ripgrep's, and the hooks fail closed.
    Unreadable(Vec<(String, String)>),
}

/// The rules, the user's known values and the allow-lists, ready to scan.
pub struct Scanner {
    matcher: Matcher,
    known: Vec<KnownOrigin>,
    allow: Vec<regex::Regex>,
    baseline: baseline::Baseline,
    with_rules: bool,
}

/// Lines to report (1-based); `None` means every line.
pub type LineFilter = Option<BTreeSet<usize>>;

impl Scanner {
    /// Builds a scanner. `known` pairs each value with where it came from; without
    /// `with_rules` only the known values are looked for (`--value-of`).
    pub fn new(
        known: Vec<(Secret, KnownOrigin)>,
        allow: &[String],
        baseline: baseline::Baseline,
    ) -> Result<Scanner, crate::Error> {
        Self::build(known, allow, baseline, RuleSet::All)
    }

    /// A scanner for known values only.
    pub fn known_only(known: Vec<(Secret, KnownOrigin)>) -> Result<Scanner, crate::Error> {
        Self::build(known, &[], baseline::Baseline::default(), RuleSet::None)
    }

    /// A scanner for redaction: known values and provider formats, nothing that needs a
    /// file's context.
    pub fn for_redaction(known: Vec<(Secret, KnownOrigin)>) -> Scanner {
        let values: Vec<Vec<u8>> = known.iter().map(|(v, _)| v.expose().as_bytes().to_vec()).collect();
        Scanner {
            matcher: Matcher::new(&values, RuleSet::Providers),
            known: known.into_iter().map(|(_, o)| o).collect(),
            allow: Vec::new(),
            baseline: baseline::Baseline::default(),
            with_rules: true,
        }
    }

    /// Every secret in `data` worth masking, as groups of matches to mask as one, sorted
    /// and apart from each other. Used by the redaction engine, which must never release
    /// part of a secret, whatever it is glued to:
    /// - a provider's key glued to a known value (`…value` + `sk-proj-…`, or a key followed
    ///   by a value that starts with a letter) has no word boundary at that edge, so the
    ///   rules also run on the text on each side of every known value, up to its edge;
    /// - a key's match ends where its format ends, so the key characters glued to its end
    ///   (`ghp_…` + `sk-proj-…` reads as `ghp_…sk` then `-proj-…`) are masked with it;
    /// - matches that overlap or abut form one [`Group`], masked as a whole: masking one
    ///   and skipping the other would release the other's tail.
    ///
    /// `beside` runs on this thread while another starts the search (see
    /// [`Matcher::find_beside`]).
    pub fn spans(&self, data: &[u8], beside: &mut dyn FnMut()) -> Vec<Group> {
        let mut hits = self.matcher.find_beside(data, "", beside, &|hits| self.refine(data, hits));
        for h in &mut hits {
            if let Source::Rule(_) = h.source {
                let glued = data[h.end..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
                h.end += glued.count();
            }
        }
        group(hits)
    }

    /// The hits of whole lines of `data` worth masking: those the filters keep, and the
    /// keys glued to a known value (see [`Scanner::spans`]).
    fn refine(&self, data: &[u8], hits: Vec<Hit>) -> Vec<Hit> {
        let keep = |h: &Hit| self.masks(h, data);
        let mut hits: Vec<Hit> = hits.into_iter().filter(keep).collect();
        let mut known: Vec<(usize, usize)> =
            hits.iter().filter(|h| matches!(h.source, Source::Known(_))).map(|h| (h.start, h.end)).collect();
        known.sort_unstable();
        for &(start, end) in &known {
            // The text between this value and its neighbours on the line: a key glued
            // between two values touches both.
            let line_start = memchr::memrchr(b'\n', &data[..start]).map_or(0, |i| i + 1);
            let line_end = memchr::memchr(b'\n', &data[end..]).map_or(data.len(), |i| end + i);
            let prev_end = known.iter().map(|k| k.1).filter(|e| *e <= start).max().unwrap_or(0);
            let next_start = known.iter().map(|k| k.0).filter(|s| *s >= end).min().unwrap_or(data.len());
            let before = line_start.max(start.saturating_sub(MAX_KEY)).max(prev_end)..start;
            let after = end..line_end.min(end + MAX_KEY).min(next_start);
            // Searched only on a side where a key may touch the value.
            let beside = |range: std::ops::Range<usize>, touching: Option<&u8>| match touching {
                Some(b) if may_touch_a_value(*b) => self.matcher.find_rules_in(data, range),
                _ => Vec::new(),
            };
            let glued = beside(before, start.checked_sub(1).and_then(|i| data.get(i)))
                .into_iter()
                .filter(|h| h.end == start)
                .chain(beside(after, data.get(end)).into_iter().filter(|h| h.start == end));
            hits.extend(glued.filter(keep).collect::<Vec<_>>());
        }
        hits
    }

    fn build(
        known: Vec<(Secret, KnownOrigin)>,
        allow: &[String],
        baseline: baseline::Baseline,
        rules: RuleSet,
    ) -> Result<Scanner, crate::Error> {
        let with_rules = rules != RuleSet::None;
        let values: Vec<Vec<u8>> = known.iter().map(|(v, _)| v.expose().as_bytes().to_vec()).collect();
        let allow = allow
            .iter()
            .enumerate()
            .map(|(i, a)| {
                regex::Regex::new(a).map_err(|e| {
                    crate::config::invalid_pattern(
                        "[scan] allow",
                        i,
                        "regular expression",
                        &crate::config::regex_reason(&e),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Scanner {
            matcher: Matcher::new(&values, rules),
            known: known.into_iter().map(|(_, o)| o).collect(),
            allow,
            baseline,
            with_rules,
        })
    }

    /// Scans one file's bytes. `display` is the path as reported; `lines` limits the
    /// report to added lines (staged changes, history).
    pub fn scan(
        &self,
        data: &[u8],
        display: &str,
        lines: &LineFilter,
        commit: Option<&CommitRef>,
    ) -> Vec<Finding> {
        let file_name = display.rsplit('/').next().unwrap_or(display);
        let mut findings = Vec::new();
        // An env file of references and plain settings is the form meant to be shared.
        if self.with_rules
            && crate::envfile::names::is_env_name(file_name)
            && !std::str::from_utf8(data).is_ok_and(crate::envfile::shareable)
        {
            findings.push(
                Finding::error(
                    "scan/env-file",
                    "an env file: it holds secrets and belongs in .gitignore, not in git",
                )
                .at(display, 0, 0)
                .hint(format!("git rm --cached {display}, and add it to .gitignore (`tkx doctor --fix`)"))
                .commit(commit.cloned()),
            );
        }
        let kind = FileKind::of(file_name);
        let hits: Vec<Hit> =
            self.matcher.find(data, display).into_iter().filter(|h| self.keep(h, data, kind)).collect();
        let kept = dedupe(self.without_covering_generic(hits));
        let decoded_lines = self.extend_decoded(data, display, &mut findings, lines, commit);
        let mut line = 1;
        let mut counted = 0;
        for h in kept {
            line += memchr::memchr_iter(b'\n', &data[counted..h.start]).count();
            counted = h.start;
            if lines.as_ref().is_some_and(|l| !l.contains(&line)) || decoded_lines.contains(&line) {
                continue;
            }
            let (line_start, line_end) = lines::line_of(data, h.start);
            let column = String::from_utf8_lossy(&data[line_start..h.start]).chars().count() + 1;
            let secret = Secret::new(String::from_utf8_lossy(&data[h.start..h.end]));
            let redacted = secret.redacted();
            let (rule, mut message) = self.describe(h.source);
            if self.baseline.accepts(&rule, &redacted.fingerprint) {
                continue;
            }
            // A generic rule cannot say whose key it is; the host the line calls can.
            if matches!(h.source, Source::Rule(i) if self.matcher.rule(i).kind == rules::Kind::Generic) {
                if let Some(host) = filter::host_called(&data[line_start..line_end]) {
                    message = format!("{message} (host on the line: {host})");
                }
            }
            let public = matches!(h.source, Source::Rule(i) if {
                let rule = self.matcher.rule(i);
                rule.kind == rules::Kind::Public || filter::only_a_note(rule, data, h.start, h.end)
            });
            if public {
                findings.push(
                    Finding::note(rule, message)
                        .at(display, line, column)
                        .secret(redacted)
                        .hint("not a secret by itself (public by design, an identifier, or a test password): nothing to rotate unless a real credential is exposed too")
                        .commit(commit.cloned()),
                );
                continue;
            }
            findings.push(
                Finding::error(rule, message)
                    .at(display, line, column)
                    .secret(redacted)
                    .hint(
                        "remove it and rotate the key; load it with tkx instead (`tkx set`, `tkx exec`). \
                         Not a secret? add `tkx:allow` on the line or accept it with `tkx scan --write-baseline`",
                    )
                    .commit(commit.cloned()),
            );
        }
        findings
    }

    /// Whether [`Scanner::scan`] of `whole` (the file at `display`) may report something
    /// on a line of `added`: the lines of `whole` that its earlier content lacked, joined.
    /// False when nothing matches in `added` before any filter (filters only drop hits,
    /// and a rule sees only its own line), unless a match could reach past its line or
    /// the file is judged whole: an env file by its name, a Kubernetes Secret (its values
    /// are decoded).
    pub fn may_find(&self, added: &[u8], whole: &[u8], display: &str) -> bool {
        let file_name = display.rsplit('/').next().unwrap_or(display);
        (self.with_rules && crate::envfile::names::is_env_name(file_name))
            || memchr::memmem::find(whole, DECODED_MARK).is_some()
            || self.matcher.may_span_lines(added)
            || !self.matcher.find(added, display).is_empty()
    }

    /// A generic rule's hit that holds a provider's key gives way to it, so the finding
    /// says whose key it is: `AZURE_SAS=sv=…&sig=…` is a secret-like name over a whole
    /// query string, of which only the signature is the secret.
    fn without_covering_generic(&self, hits: Vec<Hit>) -> Vec<Hit> {
        let kind = |h: &Hit| match h.source {
            Source::Rule(i) => Some(self.matcher.rule(i).kind),
            Source::Known(_) => None,
        };
        // A public key's format says what it is as surely as a provider's does.
        let providers: Vec<(usize, usize)> = hits
            .iter()
            .filter(|h| matches!(kind(h), Some(rules::Kind::Provider | rules::Kind::Public)))
            .map(|h| (h.start, h.end))
            .collect();
        if providers.is_empty() {
            return hits;
        }
        hits.into_iter()
            .filter(|h| {
                kind(h) != Some(rules::Kind::Generic)
                    || !providers.iter().any(|&(start, end)| h.start <= start && end <= h.end)
            })
            .collect()
    }

    fn describe(&self, source: Source) -> (String, String) {
        match source {
            Source::Rule(i) => {
                let rule = self.matcher.rule(i);
                (format!("scan/{}", rule.id), rule.description.to_owned())
            }
            Source::Known(i) => {
                let o = self.known.get(i);
                let what =
                    o.map_or_else(String::new, |o| format!(": the value of {} from {}", o.key, o.origin));
                ("scan/known-value".into(), format!("one of your own secrets{what}"))
            }
        }
    }

    /// The filter chain: `tkx:allow` and the configured allow-list for every hit, then,
    /// for a rule's hit, the filters of [`filter`] and the rule's own exception.
    fn keep(&self, h: &Hit, data: &[u8], file: FileKind) -> bool {
        let secret = String::from_utf8_lossy(&data[h.start..h.end]);
        let (line_start, line_end) = lines::line_of(data, h.start);
        let line = String::from_utf8_lossy(&data[line_start..line_end]);
        if allowed_line(&line) || self.allow.iter().any(|a| a.is_match(&secret) || a.is_match(&line)) {
            return false;
        }
        !self.rejects(h, data, file, (line_start, &line))
    }

    /// Whether redaction masks a hit: every known value, and a rule's match unless the
    /// filters of [`filter`] reject it (a placeholder, an example). Allow markers and
    /// allow-lists accept a finding in source code; they never let a secret be printed.
    fn masks(&self, h: &Hit, data: &[u8]) -> bool {
        if let Source::Known(_) = h.source {
            return true;
        }
        let (line_start, line_end) = lines::line_of(data, h.start);
        let line = String::from_utf8_lossy(&data[line_start..line_end]);
        !self.rejects(h, data, FileKind::default(), (line_start, &line))
    }

    /// Whether the filters of [`filter`] and the rule's own exception reject a rule's hit
    /// on the line that starts at `line_start`.
    fn rejects(&self, h: &Hit, data: &[u8], file: FileKind, (line_start, line): (usize, &str)) -> bool {
        let Source::Rule(i) = h.source else { return false };
        let secret = String::from_utf8_lossy(&data[h.start..h.end]);
        let lower = secret.to_ascii_lowercase();
        let context = filter::Context {
            data,
            start: h.start,
            end: h.end,
            line_start,
            secret: &secret,
            lower: &lower,
            line,
            file,
        };
        filter::rejects(self.matcher.rule(i), &context)
    }

    /// Base64 values in a Kubernetes Secret's `data:` are secrets once decoded: scan the
    /// decoded text and report what it holds on the encoded line.
    fn extend_decoded(
        &self,
        data: &[u8],
        display: &str,
        findings: &mut Vec<Finding>,
        lines: &LineFilter,
        commit: Option<&CommitRef>,
    ) -> BTreeSet<usize> {
        let mut found_on = BTreeSet::new();
        if memchr::memmem::find(data, DECODED_MARK).is_none() {
            return found_on;
        }
        let text = String::from_utf8_lossy(data);
        for (n, line) in text.lines().enumerate() {
            let line_no = n + 1;
            if lines.as_ref().is_some_and(|l| !l.contains(&line_no)) || allowed_line(line) {
                continue;
            }
            let Some((name, value)) = line.trim().split_once(':') else { continue };
            let value = value.trim().trim_matches(['"', '\'']);
            if name.contains(' ')
                || value.len() < 8
                || !value.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
            {
                continue;
            }
            let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(value) else { continue };
            let inner = self.scan(&decoded, display, &None, None);
            for f in inner.into_iter().filter(|f| f.rule != "scan/env-file") {
                let column = line.find(value).map_or(1, |c| c + 1);
                found_on.insert(line_no);
                findings.push(Finding {
                    location: Some(Location { path: display.to_owned(), line: line_no, column }),
                    message: format!("{} (base64-encoded in a Kubernetes Secret)", f.message),
                    commit: commit.cloned(),
                    ..f
                });
            }
        }
        found_on
    }
}

/// The longest key a rule matches next to a known value, in bytes.
const MAX_KEY: usize = 1024;

/// Whether a key glued to a known value may touch it with `b`: its last byte right before
/// the value, or its first right after. A key's own characters (letters, digits, `_-+/=.~`)
/// may; beside any other byte (a space, a quote, `:`, `&`, `@`) the line's own search saw
/// the key's edge as its rule asks (`\b`, or a byte outside the key's characters), and a
/// rule whose secret may hold such bytes (a password after `-p`) takes the value with it.
fn may_touch_a_value(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_-+/=.~".contains(&b)
}

/// Matches that overlap or abut, masked as one by redaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Where the first match starts.
    pub start: usize,
    /// Where the last match ends.
    pub end: usize,
    /// The matches, by start; at the same start rules come first, then the longest
    /// known value.
    pub hits: Vec<Hit>,
}

/// Sorts matches and joins those that overlap or abut into groups.
fn group(mut hits: Vec<Hit>) -> Vec<Group> {
    hits.sort_by_key(order);
    hits.dedup();
    let mut groups: Vec<Group> = Vec::new();
    for h in hits {
        match groups.last_mut() {
            Some(g) if h.start <= g.end => {
                g.end = g.end.max(h.end);
                g.hits.push(h);
            }
            _ => groups.push(Group { start: h.start, end: h.end, hits: vec![h] }),
        }
    }
    groups
}

/// The order of matches: by start; at the same start rules (specific before general),
/// then known values, longest first.
fn order(h: &Hit) -> (usize, usize, usize) {
    match h.source {
        Source::Rule(i) => (h.start, 0, i),
        Source::Known(_) => (h.start, 1, usize::MAX - (h.end - h.start)),
    }
}

/// Overlapping matches become one: the earliest start wins, and at the same start the
/// most specific rule (rules come before known values, specific rules before general)
/// or the longest known value.
fn dedupe(mut hits: Vec<Hit>) -> Vec<Hit> {
    // Among known values at the same start, the longest: the values may sit in several
    // searchers, and a shorter one that is a prefix of another must not leave a tail.
    hits.sort_by_key(order);
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        if kept.last().is_none_or(|k| h.start >= k.end) {
            kept.push(h);
        }
    }
    kept
}

pub use crate::secret::classify::entropy;

pub use text::{is_binary, text_of};

/// What marks a file whose values [`Scanner::scan`] decodes (a Kubernetes Secret).
const DECODED_MARK: &[u8] = b"kind: Secret";

#[cfg(test)]
mod tests {
    use super::*;
    use rules::RULES;

    fn scanner() -> Scanner {
        Scanner::new(Vec::new(), &[], baseline::Baseline::default()).unwrap()
    }

    fn rules_found(s: &Scanner, text: &str, file: &str) -> Vec<String> {
        s.scan(text.as_bytes(), file, &None, None).into_iter().map(|f| f.rule.into_owned()).collect()
    }

    /// Issue 18, shapes a recall probe missed: a UUID under an API key's name, random hex
    /// that scores under 3.5 bits a byte, a master key, and a public key under a secret's
    /// name (a note, not the generic error).
    #[test]
    fn keys_of_every_shape_under_their_names() {
        let s = scanner();
        let severities = |text: String, file: &str| -> Vec<String> {
            s.scan(text.as_bytes(), file, &None, None)
                .into_iter()
                .map(|f| format!("{}:{}", f.severity.as_str(), f.rule))
                .collect()
        };
        let uuid = concat!("3f9a1c7e-5b2d-4f8a-", "9c0e-9b1d3f5a7c9e");
        for line in [
            format!("curl -H \"x-api-key: {uuid}\" https://api.exa.ai/search"),
            format!("exa = Exa(api_key=\"{uuid}\")"),
        ] {
            assert_eq!(severities(line.clone(), "call.sh"), ["error:scan/generic-secret"], "{line}");
        }
        assert!(severities(format!("request_id = \"{uuid}\""), "app.py").is_empty());
        // 3.34 bits a byte: one in five random 32-hex keys scores under 3.5.
        let hex = concat!("9a50f8a8e9bb8bdb", "5eba456bf92d5d98");
        assert_eq!(
            severities(format!("client = Client(api_key=\"{hex}\")"), "app.py"),
            ["error:scan/generic-secret"]
        );
        assert_eq!(
            severities(
                concat!("export LITELLM_MASTER_KEY=sk-Xr4bT9qLm2", "Vz8Kp1Wn6Yc3").to_owned(),
                "run.sh"
            ),
            ["error:scan/generic-secret"]
        );
        assert_eq!(
            severities(
                concat!("{\"apiKey\": \"pk-lf-abf9211e-fb8e-", "889a-8853-6e8482f7803b\"}").to_owned(),
                "c.json"
            ),
            ["note:scan/langfuse-public-key"]
        );
        // A generic finding names the host its line calls: whose key it is.
        let found = s.scan(
            concat!(
                "curl https://api.mistral.ai/v1/models -H \"Authorization: Bearer Xr4bT9qLm2Vz8Kp1",
                "Wn6Yc3Hd7Js5Fg0\"\n"
            )
            .as_bytes(),
            "call.sh",
            &None,
            None,
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].message.ends_with("(host on the line: api.mistral.ai)"), "{}", found[0].message);
        // An AWS key id is a note alone, and its secret an error beside it.
        assert_eq!(
            severities(
                concat!("curl --user \"AKIAZ7QW5EP2RY4UT6IO:Xr4bT9qLm2Vz8Kp1W", "n6Yc3Hd7Js5Fg0Ue2Ra9Ti4\"")
                    .to_owned(),
                "s3.sh"
            ),
            ["note:scan/aws-access-key-id", "error:scan/aws-key-pair"]
        );
    }

    /// Issue 18: an Algolia key is named; a search-only one (its name says so, or the file
    /// hands it to a browser) is public by design, a note; an admin key stays an error.
    #[test]
    fn algolia_search_keys_are_notes_and_admin_keys_errors() {
        let s = scanner();
        let hex = concat!("3f9a1c7e5b2d8f4a", "6c0e9b1d3f5a7c9e");
        let severities = |text: String, file: &str| -> Vec<String> {
            s.scan(text.as_bytes(), file, &None, None)
                .into_iter()
                .map(|f| format!("{}:{}", f.severity.as_str(), f.rule))
                .collect()
        };
        let browser = |key: &str| {
            format!(
                "const ALGOLIA_APP_ID = 'KPPUDTIAVX';\nconst {key} = '{hex}';\nconst search = instantsearch({{ indexName: 'docs' }});\n"
            )
        };
        assert_eq!(severities(browser("ALGOLIA_API_KEY"), "docs/search.js"), ["note:scan/algolia-api-key"]);
        assert_eq!(
            severities(browser("ALGOLIA_ADMIN_KEY"), "docs/search.js"),
            ["error:scan/algolia-api-key"]
        );
        assert_eq!(
            severities(format!("ALGOLIA_SEARCH_KEY={hex}\n"), "deploy.sh"),
            ["note:scan/algolia-api-key"]
        );
        assert_eq!(
            severities(format!("ALGOLIA_API_KEY={hex}\n"), "deploy.sh"),
            ["error:scan/algolia-api-key"]
        );
        let worker = format!(
            "importScripts('https://cdn.example.net/algoliasearch.umd.js')\nconst apiKey = '{hex}';\n"
        );
        assert_eq!(severities(worker, "search-worker.js"), ["note:scan/algolia-api-key"]);
        assert_eq!(severities(format!("api_key = \"{hex}\"\n"), "client.py"), ["error:scan/generic-secret"]);
    }

    #[test]
    fn test_passwords_on_this_machine_are_notes() {
        let s = scanner();
        let severities = |text: &str| -> Vec<String> {
            s.scan(text.as_bytes(), "docker-compose.yml", &None, None)
                .into_iter()
                .map(|f| format!("{}:{}", f.severity.as_str(), f.rule))
                .collect()
        };
        assert_eq!(
            severities("DATABASE_URL=postgres://test_user:test_pass@localhost:5432/app_test\n"),
            ["note:scan/url-credentials"]
        );
        assert_eq!(
            severities(concat!("DATABASE_URL=postgres://app:Xr4bT9", "qLm2Vz8@localhost:5432/app\n")),
            ["error:scan/url-credentials"]
        );
        assert_eq!(
            severities(concat!("DATABASE_URL=postgres://test_user:Xr4bT9", "qLm2Vz8@db.internal.corp/app\n")),
            ["error:scan/url-credentials"]
        );
        // A password that says it is made up is a note on any host.
        assert_eq!(
            severities("git clone https://x-access-token:test-token@github.com/org/repo.git\n"),
            ["note:scan/url-credentials"]
        );
        assert_eq!(
            severities(concat!(
                "git clone https://x-access-token:Xr4bT9",
                "qLm2Vz8@github.com/org/repo.git\n"
            )),
            ["error:scan/url-credentials"]
        );
    }

    #[test]
    fn every_rule_finds_its_positives_and_nothing_finds_its_negatives() {
        let s = scanner();
        let mut failures = Vec::new();
        for rule in RULES {
            let file = example_file(rule);
            let file = file.as_str();
            for (a, b) in rule.positives {
                let text = format!("{a}{b}\n");
                let found = rules_found(&s, &text, file);
                if !found.contains(&format!("scan/{}", rule.id)) {
                    failures.push(format!("{}: missed {text:?}, found {found:?}", rule.id));
                }
            }
            for n in rule.negatives {
                // A key that is public by design may be a note; nothing may be an error.
                let found: Vec<String> = s
                    .scan(format!("{n}\n").as_bytes(), file, &None, None)
                    .into_iter()
                    .filter(|f| {
                        f.severity != crate::report::Severity::Note || rule.kind == rules::Kind::Public
                    })
                    .map(|f| f.rule.into_owned())
                    .collect();
                if !found.is_empty() {
                    failures.push(format!("{}: flagged negative {n:?} as {found:?}", rule.id));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// A file a rule runs on: its first file pattern made a path (`*.ini` → `settings.ini`,
    /// `group_vars/*` → `group_vars/all.yml`), or any file.
    fn example_file(rule: &rules::Rule) -> String {
        let Some(pattern) = rule.files.first() else { return "config.txt".into() };
        let file = if let Some(dir) = pattern.strip_suffix("/*") {
            format!("{dir}/all.yml")
        } else if let Some(ext) = pattern.strip_prefix("*.") {
            format!("settings.{ext}")
        } else {
            pattern.replace('*', ".example")
        };
        assert!(rule.applies_to(&file), "{}: {file}", rule.id);
        file
    }

    #[test]
    fn file_patterns() {
        let rule = |files: &'static [&'static str]| rules::Rule { files, ..RULES[0] };
        let ini = rule(&["*.ini", ".pypirc", "inventory*", "group_vars/*"]);
        for yes in [
            "odbc.ini",
            "conf/TOX.INI",
            ".pypirc",
            "a/.pypirc",
            "inventory",
            "inventory.ini",
            "deploy/group_vars/all.yml",
            "group_vars/web/vars.yml",
        ] {
            assert!(ini.applies_to(yes), "{yes}");
        }
        for no in [
            ".ini",
            "ini",
            "a.ini.bak",
            "pypirc",
            "my_inventory",
            "group_vars",
            "group_vars.yml",
            "x/all.yml",
        ] {
            assert!(!ini.applies_to(no), "{no}");
        }
        assert!(rule(&[]).applies_to("anything"));
    }

    /// Every provider rule whose key starts at a word boundary, with the secret of each
    /// of its positives (as the matcher cuts it out of the positive's line).
    fn keys_of_boundary_rules() -> Vec<(&'static str, String)> {
        let m = Matcher::new(&[], RuleSet::All);
        let mut out = Vec::new();
        for rule in RULES.iter().filter(|r| r.regex.starts_with(r"(?:\b|") && r.files.is_empty()) {
            for (a, b) in rule.positives {
                let line = format!("{a}{b}");
                let hit = m
                    .find(line.as_bytes(), "config.txt")
                    .into_iter()
                    .find(|h| h.source == Source::Rule(RULES.iter().position(|r| r.id == rule.id).unwrap()))
                    .unwrap_or_else(|| panic!("{}: no hit in its own positive", rule.id));
                let key = line[hit.start..hit.end].to_owned();
                // A key that needs words around it (Notion's legacy `secret_` form) is not
                // a key by its look alone.
                if m.find(format!(" {key}\n").as_bytes(), "config.txt").iter().any(|h| h.source == hit.source)
                {
                    out.push((rule.id, key));
                }
            }
        }
        out
    }

    /// Issue #13: a key right after an ANSI colour, a backslash escape or a percent-encoded
    /// byte is found, for every provider whose key starts at a word boundary.
    #[test]
    fn keys_after_escapes_are_found_for_every_provider() {
        let s = scanner();
        let keys = keys_of_boundary_rules();
        assert!(keys.len() > 50, "{}", keys.len());
        let contexts: &[(&str, &str)] = &[
            ("\x1b[32m", "\x1b[0m"),
            ("log: \x1b[0;1;32m", "\x1b[0m done"),
            ("echo -e \"\\e[32m", "\\e[0m\""),
            ("printf(\"\\x1b[31m", "\\x1b[0m\");"),
            ("\"msg\": \"\\u001b[32m", "\\u001b[0m\""),
            ("console.log(\"\\033[1m", "\\033[0m\")"),
            ("{\"text\": \"line one\\n", "\\nline three\"}"),
            ("\"a\\t", "\\t\""),
            ("s = \"\\x20", "\""),
            ("s = \"\\u0020", "\""),
            ("curl -H Authorization:Bearer%20", "%26x=1"),
            ("https://api.example.com/?token%3D", "&page=2"),
            ("https://api.example.com/?t=%22", "%22"),
        ];
        let mut failures = Vec::new();
        for (id, key) in &keys {
            for (before, after) in contexts {
                let line = format!("{before}{key}{after}\n");
                for file in ["out.log", "app.js"] {
                    let findings = s.scan(line.as_bytes(), file, &None, None);
                    let hit = findings.iter().find(|f| f.rule == format!("scan/{id}"));
                    match hit {
                        Some(f)
                            if f.secret.as_ref().unwrap().fingerprint
                                == Secret::new(key.as_str()).redacted().fingerprint => {}
                        _ => failures.push(format!("{id} in {file}: {before:?} KEY {after:?}")),
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{} misses:\n{}", failures.len(), failures.join("\n"));
    }

    /// Escapes widen the left boundary only where an escape ends: a key glued to a word
    /// or inside an identifier stays a non-match, as before.
    #[test]
    fn escape_aware_boundaries_add_no_matches_inside_words() {
        let s = scanner();
        let keys = keys_of_boundary_rules();
        let mut failures = Vec::new();
        for (id, key) in &keys {
            for before in ["token_", "x", "Bearer20", "my", "n", "e[32m", "x1b[32m", "%2"] {
                let line = format!("v = {before}{key}\n");
                let found = rules_found(&s, &line, "out.log");
                if found.contains(&format!("scan/{id}")) {
                    failures.push(format!("{id} after {before:?}"));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_rule_compiles() {
        for r in RULES {
            assert!(regex::bytes::RegexBuilder::new(r.regex).unicode(false).build().is_ok(), "{}", r.id);
            // And without its escape alternatives, as lines without an escape run it.
            let plain = rules::without_escapes(r.regex);
            assert!(!plain.contains(rules::ESCAPE_END), "{}", r.id);
            assert!(regex::bytes::RegexBuilder::new(&plain).unicode(false).build().is_ok(), "{}", r.id);
        }
    }

    #[test]
    fn rule_ids_are_unique_and_every_rule_has_tests() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        for r in RULES {
            assert!(!r.positives.is_empty(), "{} has no positive test", r.id);
        }
    }

    #[test]
    fn false_positive_corpus_stays_quiet() {
        let s = scanner();
        let corpus = [
            "\"integrity\": \"sha512-Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz7Qw5Ep2Ry9Ut4Io8Pa1Sd6Fg3Hj7Kl0Zx5Cv==\"",
            "commit 3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e2b4d6f8a",
            "id = 550e8400-e29b-41d4-a716-446655440000",
            "<img src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\">",
            "OPENAI_API_KEY=sk-...",
            "export OPENAI_API_KEY=<your key>",
            "api_key: ${OPENAI_API_KEY}",
            "key = sk-p************",
            "-----BEGIN PUBLIC KEY-----",
            "-----BEGIN CERTIFICATE-----",
            "password_field = forms.CharField(widget=forms.PasswordInput)",
            "The secret to good tokenization is a well-chosen vocabulary of 32000 entries.",
            "const token = await getToken(request);",
            "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
            "RESEND_API_KEY=re_123456789",
            "API_SECRET=1234567890abcdef",
            "client_secret = \"secret-00000000\"",
            "const secret = 'ISSUE-17040-TEXT-FILE-ONLY-9f31c7';",
        ];
        for line in corpus {
            assert_eq!(rules_found(&s, line, "app.py"), Vec::<String>::new(), "{line}");
        }
        // In a program, an unquoted value is a name; a quoted one is a literal. In a shell
        // script or an env file an unquoted value is a literal too.
        for (line, file) in [
            ("pub const DOT11_WPS_PASSWORD_ID_REKEY: DOT11_WPS_DEVICE_PASSWORD_ID = 3i32;", "lib.rs"),
            ("    pub ikeCredentials: IKEEXT_CREDENTIALS0,", "types.rs"),
            ("const auth = { apiKey: config.openaiKey2, token: ctx.sessionToken9 };", "client.ts"),
            ("def login(password: PasswordHash2 = None):", "auth.py"),
            (" * token exchange requested_token_type: rfc8693#section-2.1", "client.js"),
            (
                "secret_access_key: SandboxesSandboxAwsMountStaticAuthConfig.SecretAccessKey;",
                "sandboxes.d.ts",
            ),
        ] {
            assert_eq!(rules_found(&s, line, file), Vec::<String>::new(), "{line}");
        }
        let literal = concat!("Xr4bT9qLm", "2Vz8Kp1Wn6");
        for (line, file) in [
            (format!("api_key = \"{literal}\""), "app.py"),
            (format!("export API_TOKEN={literal}"), "deploy.sh"),
            (format!("API_TOKEN={literal}"), "config.env"),
        ] {
            assert_eq!(rules_found(&s, &line, file), ["scan/generic-secret"], "{line}");
        }
        // Pagination tokens, ARNs, values that name themselves, AWS's `XMPL` identifiers.
        for line in [
            "\"NextToken\": \"eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyMH0=\"",
            "{\"nextPageToken\": \"CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA\"}",
            "\"ARN\": \"arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestDatabaseSecret-a1b2c3\",",
            "\"Password\": \"webdavgeneratedpassword1\",",
            "\"ImportToken\": \"import-token-5ott6ho5nts7bbcg\",",
            "\"ServiceSpecificCredentialId\": \"ACCAQFOXMPL6VW57M7AJP\",",
        ] {
            assert_eq!(rules_found(&s, line, "example.json"), Vec::<String>::new(), "{line}");
        }
        // Documentation URLs: reserved hosts, dictionary passwords.
        for line in [
            "Url::parse(\"ftp://rms:Xr4bT9qLm2@example.com\")",
            "postgres://app:Xr4bT9qLm2@db.example.org/app",
            "redis://foo:bar@somehost:6379/0",
            "ftp://user1:secret123@files.internal",
        ] {
            assert_eq!(rules_found(&s, line, "lib.rs"), Vec::<String>::new(), "{line}");
        }
        let real = concat!("postgres://app:Xr4bT9", "qLm2Vz8@db.internal.corp:5432/app");
        assert_eq!(rules_found(&s, real, "settings.py"), ["scan/url-credentials"]);
        // Counting at the end of a longer value is not documentation.
        assert_eq!(
            rules_found(&s, "DB_PASSWORD=Summer2024Pass-12345678", "app.env"),
            ["scan/generic-secret"]
        );
    }

    /// Issue #18: a secret-like name over a whole SAS query string is the generic rule's
    /// match, but only the signature in it is the secret, and the finding names Azure.
    #[test]
    fn a_providers_key_inside_a_generic_match_is_the_providers_finding() {
        let sig = concat!("Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7", "Js5Fg0Ue2Ra9Ti4Ol8%3D");
        let line =
            format!("AZURE_STORAGE_SAS_TOKEN=\"sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-01-01&sig={sig}\"\n");
        let f = scanner().scan(line.as_bytes(), "deploy.sh", &None, None);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule, "scan/azure-sas-token");
        assert_eq!(f[0].secret.as_ref().unwrap().fingerprint, Secret::new(sig).redacted().fingerprint);
    }

    #[test]
    fn allow_comment_and_allow_regex() {
        let key = format!("{}{}", "ghp_", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra");
        let s = scanner();
        assert_eq!(rules_found(&s, &format!("t = \"{key}\" # tkx:allow"), "a.py"), Vec::<String>::new());
        for marker in ["# pragma: allowlist secret", "// gitleaks:allow", "# trufflehog:ignore"] {
            assert_eq!(rules_found(&s, &format!("t = \"{key}\" {marker}"), "a.py"), Vec::<String>::new());
        }
        let allowing =
            Scanner::new(Vec::new(), &["^ghp_Xr4b".into()], baseline::Baseline::default()).unwrap();
        assert_eq!(rules_found(&allowing, &format!("t = \"{key}\""), "a.py"), Vec::<String>::new());
        assert_eq!(rules_found(&s, &format!("t = \"{key}\""), "a.py"), ["scan/github-token"]);
    }

    #[test]
    fn known_values_are_found_verbatim() {
        let value = "corp-internal-7Hq2-Zk9w";
        let s = Scanner::new(
            vec![(Secret::new(value), KnownOrigin { key: "CORP_TOKEN".into(), origin: ".env:2".into() })],
            &[],
            baseline::Baseline::default(),
        )
        .unwrap();
        let f = s.scan(format!("x = '{value}'\n").as_bytes(), "a.py", &None, None);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "scan/known-value");
        assert_eq!(f[0].message, "one of your own secrets: the value of CORP_TOKEN from .env:2");
        assert!(!f[0].message.contains(value));
    }

    #[test]
    fn lines_and_columns() {
        let key = format!("{}{}", "ghp_", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra");
        let f = scanner().scan(format!("a\nb\n  tok = \"{key}\"\n").as_bytes(), "x.py", &None, None);
        let loc = f[0].location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (3, 10));
    }

    #[test]
    fn env_files_are_findings_of_their_own() {
        let f = scanner().scan(b"A=1\n", "sub/.env.local", &None, None);
        assert_eq!(f[0].rule, "scan/env-file");
        assert_eq!(f[0].location.as_ref().unwrap().line, 0);
        assert!(scanner().scan(b"A=\n", ".env.example", &None, None).is_empty());
    }

    #[test]
    fn kubernetes_secret_data_is_decoded() {
        let key = format!("{}{}", "ghp_", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra");
        let encoded = base64::engine::general_purpose::STANDARD.encode(&key);
        let yaml = format!("apiVersion: v1\nkind: Secret\ndata:\n  token: {encoded}\n");
        let f = scanner().scan(yaml.as_bytes(), "secret.yaml", &None, None);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].location.as_ref().unwrap().line, 4);
        assert!(f[0].message.contains("base64-encoded"));
    }
}
