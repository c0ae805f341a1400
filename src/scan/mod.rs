//! The secret scanner: rules (what to look for), matcher (their compiled form), and
//! sources (where the bytes come from: paths, the index, history). Adding a source
//! never touches the rules. This module turns matches into [`Finding`]s and applies
//! every filter that keeps placeholders, examples and hashes quiet.

pub mod baseline;
pub mod matcher;
pub mod rules;
pub mod sources;

use crate::report::{CommitRef, Finding, Location, Severity};
use crate::secret::{Secret, is_placeholder, looks_like_a_name};
use base64::Engine;
pub use matcher::{Hit, Source};
use matcher::{Matcher, RuleSet};
use rules::Kind;
use std::collections::BTreeSet;

/// Values from documentation that are not secrets anyone can use.
const DOC_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
];

/// Names of values that page through results, not credentials (`NextToken`,
/// `nextPageToken`, `continuation_token`).
const PAGINATION: &[&str] = &[
    "nexttoken",
    "next_token",
    "pagetoken",
    "page_token",
    "continuationtoken",
    "continuation_token",
    "synctoken",
];

/// What the file a hit is in says about it.
#[derive(Clone, Copy)]
struct FileKind {
    /// A lock file: its hashes are not secrets.
    lock: bool,
    /// A program's source, where literals are quoted.
    code: bool,
}

/// Source files of languages whose string literals are always quoted (not shell scripts,
/// Dockerfiles, YAML or env files, where an unquoted value is a literal).
const PROGRAM_EXTENSIONS: &[&str] = &[
    "rs", "ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs", "py", "pyi", "go", "java", "kt", "kts",
    "swift", "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "cs", "rb", "php", "scala", "dart", "lua", "ex",
    "exs", "vue", "svelte", "m", "mm", "zig", "jl", "r",
];

fn is_program(file_name: &str) -> bool {
    file_name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| PROGRAM_EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}

/// An identifier or a dotted path of them (`DEVICE_PASSWORD_ID`, `config.openaiKey2`).
fn is_reference(v: &str) -> bool {
    v.split('.').all(|part| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    })
}

/// Files whose content is generated hashes and URLs, never configuration.
const LOCK_FILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "Cargo.lock",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "go.sum",
    "composer.lock",
    "Gemfile.lock",
    "packages.lock.json",
    "flake.lock",
];

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

    /// Every secret in `data` worth masking, as byte spans with what matched, sorted and
    /// not overlapping. Used by the redaction engine.
    pub fn spans(&self, data: &[u8]) -> Vec<Hit> {
        dedupe(
            self.matcher
                .find(data, "")
                .into_iter()
                .filter(|h| self.keep(h, data, FileKind { lock: false, code: false }))
                .collect(),
        )
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
            .map(|a| {
                regex::Regex::new(a).map_err(|e| {
                    crate::Error::usage(format!(".tkx.toml: [scan] allow: invalid regex {a:?}: {e}"), None)
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
        if self.with_rules && crate::envfile::names::is_env_name(file_name) {
            findings.push(Finding {
                rule: "scan/env-file".into(),
                severity: Severity::Error,
                location: Some(Location { path: display.to_owned(), line: 0, column: 0 }),
                message: "an env file: it holds secrets and belongs in .gitignore, not in git".into(),
                secret: None,
                hint: Some(format!(
                    "git rm --cached {display}, and add it to .gitignore (`tkx doctor --fix`)"
                )),
                commit: commit.cloned(),
            });
        }
        let kind = FileKind { lock: LOCK_FILES.contains(&file_name), code: is_program(file_name) };
        let kept = dedupe(
            self.matcher.find(data, file_name).into_iter().filter(|h| self.keep(h, data, kind)).collect(),
        );
        let decoded_lines = self.extend_decoded(data, display, &mut findings, lines, commit);
        let mut line = 1;
        let mut counted = 0;
        for h in kept {
            line += memchr::memchr_iter(b'\n', &data[counted..h.start]).count();
            counted = h.start;
            if lines.as_ref().is_some_and(|l| !l.contains(&line)) || decoded_lines.contains(&line) {
                continue;
            }
            let line_start = memchr::memrchr(b'\n', &data[..h.start]).map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&data[line_start..h.start]).chars().count() + 1;
            let secret = Secret::new(String::from_utf8_lossy(&data[h.start..h.end]));
            let redacted = secret.redacted();
            let (rule, message) = self.describe(h.source);
            if self.baseline.accepts(&rule, &redacted.fingerprint) {
                continue;
            }
            findings.push(Finding {
                rule: rule.into(),
                severity: Severity::Error,
                location: Some(Location { path: display.to_owned(), line, column }),
                message,
                secret: Some(redacted),
                hint: Some(
                    "remove it and rotate the key; load it with tkx instead (`tkx set`, `tkx exec`). \
                     Not a secret? add `tkx:allow` on the line or accept it with `tkx scan --write-baseline`"
                        .into(),
                ),
                commit: commit.cloned(),
            });
        }
        findings
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

    /// The filters: placeholders, documentation examples, entropy, generic-rule caution,
    /// `tkx:allow` and the configured allow-list.
    fn keep(&self, h: &Hit, data: &[u8], kind: FileKind) -> bool {
        let secret = String::from_utf8_lossy(&data[h.start..h.end]);
        let line_start = memchr::memrchr(b'\n', &data[..h.start]).map_or(0, |i| i + 1);
        let line_end = memchr::memchr(b'\n', &data[h.start..]).map_or(data.len(), |i| h.start + i);
        let line = String::from_utf8_lossy(&data[line_start..line_end]);
        if allowed_line(&line) || self.allow.iter().any(|a| a.is_match(&secret) || a.is_match(&line)) {
            return false;
        }
        let Source::Rule(i) = h.source else { return true };
        let rule = self.matcher.rule(i);
        if is_placeholder(&secret) || DOC_EXAMPLES.iter().any(|d| secret.contains(d)) {
            return false;
        }
        let lower = secret.to_ascii_lowercase();
        // `XMPL` marks the made-up identifiers of AWS's documentation.
        if ["example", "dummy", "sample", "xmpl"].iter().any(|w| lower.contains(w)) {
            return false;
        }
        if rule.id == "url-credentials"
            && (is_weak_password(&secret) || is_documentation_host(&data[h.end..]))
        {
            return false;
        }
        if rule.id == "kubeconfig-client-key" && !decodes_to_private_key(&secret) {
            return false;
        }
        // In a program's source a literal is quoted: an unquoted value is a name (a
        // variable, a constant, a type: `password: PasswordKind`) or comment text.
        let quoted = h.start > 0 && matches!(data[h.start - 1], b'"' | b'\'' | b'`');
        let unquoted_in_program = kind.code && !quoted;
        // Rules that ask for entropy are the ones whose prefix or name also starts
        // identifiers (`fw_`, `re_`, `secret_access_key: SomeConfig.SecretAccessKey`): an
        // identifier is not a key however it scores.
        if rule.min_entropy > 0.0
            && (entropy(secret.as_bytes()) < rule.min_entropy
                || looks_like_a_name(&secret)
                || (unquoted_in_program && is_reference(&secret)))
        {
            return false;
        }
        if rule.kind == Kind::Generic {
            if unquoted_in_program {
                return false;
            }
            // What stands before the value on its line: the name it is assigned to.
            let before = String::from_utf8_lossy(&data[line_start..h.start]).to_ascii_lowercase();
            let before = before.trim_end_matches(|c: char| c.is_whitespace() || "\"'`=:>?".contains(c));
            let name = before.rsplit(|c: char| c.is_whitespace() || "{,;(".contains(c)).next();
            if name.is_some_and(|n| n.contains("arn:") || PAGINATION.iter().any(|p| n.contains(p))) {
                return false;
            }
            // A value that says what it is (`webdavgeneratedpassword1`, `import-token-x1`)
            // was written by a person for an example.
            if ["password", "passwd", "secret", "token"].iter().any(|w| lower.contains(w)) {
                return false;
            }
            if kind.lock
                || line.len() > 1000
                || looks_like_code_or_hash(&secret)
                || looks_like_a_name(&secret)
                || looks_like_counting(&secret)
            {
                return false;
            }
            // Letters and digits both: prose and identifiers rarely have digits mixed in.
            let has_digit = secret.chars().any(|c| c.is_ascii_digit());
            let has_alpha = secret.chars().any(|c| c.is_ascii_alphabetic());
            if !(has_digit && has_alpha) {
                return false;
            }
        }
        true
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
        if memchr::memmem::find(data, b"kind: Secret").is_none() {
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

/// Overlapping matches become one: the earliest start wins, and at the same start the
/// most specific rule (rules come before known values, specific rules before general)
/// or the longest known value.
fn dedupe(mut hits: Vec<Hit>) -> Vec<Hit> {
    // Among known values at the same start, the longest: the values may sit in several
    // searchers, and a shorter one that is a prefix of another must not leave a tail.
    hits.sort_by_key(|h| match h.source {
        Source::Rule(i) => (h.start, 0, i),
        Source::Known(_) => (h.start, 1, usize::MAX - (h.end - h.start)),
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        if kept.last().is_none_or(|k| h.start >= k.end) {
            kept.push(h);
        }
    }
    kept
}

/// Shannon entropy in bits per byte.
pub fn entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for b in bytes {
        counts[*b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts.iter().filter(|c| **c > 0).map(|c| *c as f64 / n).map(|p| -p * p.log2()).sum()
}

/// Passwords in URLs that are examples or references, not secrets.
fn is_weak_password(p: &str) -> bool {
    let lower = p.to_ascii_lowercase();
    // A lowercase word with a few digits at most (`secret123`, `foobar`): a documentation
    // password, not a generated one.
    let letters = lower.trim_end_matches(|c: char| c.is_ascii_digit());
    let wordish = p.len() <= 12
        && lower == p
        && !letters.is_empty()
        && letters.chars().all(|c| c.is_ascii_lowercase())
        && p.len() - letters.len() <= 4;
    wordish
        || p.starts_with('$')
        || p.starts_with('<')
        || p.starts_with('«')
        || p.starts_with('[')
        || p.starts_with('{')
        || p.starts_with('%')
        || [
            "password", "pass", "passwd", "secret", "pwd", "changeme", "postgres", "root", "admin", "guest",
            "test", "user",
        ]
        .contains(&lower.as_str())
}

/// Generic-rule values that are code, variable references, UUIDs or hashes.
fn looks_like_code_or_hash(v: &str) -> bool {
    let uuid = v.len() == 36
        && v.bytes()
            .enumerate()
            .all(|(i, b)| if [8, 13, 18, 23].contains(&i) { b == b'-' } else { b.is_ascii_hexdigit() });
    uuid || v.contains("${")
        || v.contains("{{")
        || v.starts_with("process.env")
        || v.starts_with("os.environ")
        || v.starts_with("ENV[")
        || v.starts_with("env.")
        || v.starts_with("secrets.")
        || v.starts_with("sha256-")
        || v.starts_with("sha512-")
        || v.starts_with("sha1-")
        || v.contains("...")
}

/// Generic-rule values whose last part (after `_` or `-`, behind a prefix of at most 8
/// characters) is a counting or repeated run of 8 or more characters, as documentation
/// writes a key it does not mean: `re_123456789`, `1234567890abcdef`, `00000000`. In a
/// random key a step of +1 comes once in 60 pairs; here four in five are. (Provider rules
/// still report such values: a `ghp_` token is worth a look whatever its body.)
fn looks_like_counting(v: &str) -> bool {
    let body = v.rsplit(['_', '-']).next().unwrap_or(v).as_bytes();
    // The run must be nearly the whole value: a prefix such as `re_` or `sk_test_` at most,
    // so `Summer2024Pass-12345678` is still a password.
    if body.len() < 8 || v.len() - body.len() > 8 || !body.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let pairs = body.len() - 1;
    let same = body.windows(2).filter(|w| w[0] == w[1]).count();
    let step = body
        .windows(2)
        .filter(|w| w[1] == w[0].wrapping_add(1) || (w[0] == b'9' && matches!(w[1], b'0' | b'a' | b'A')))
        .count();
    same == pairs || step * 5 >= pairs * 4
}

/// Whether the URL host after a password (`rest` starts at its `@`) is reserved for
/// documentation (RFC 2606 and RFC 6761: `example.com`, `*.example`, `*.test`,
/// `*.invalid`).
fn is_documentation_host(rest: &[u8]) -> bool {
    let host: String = rest
        .iter()
        .skip(1)
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        .map(|&b| char::from(b).to_ascii_lowercase())
        .collect();
    let host = host.trim_end_matches('.');
    ["example.com", "example.org", "example.net"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        || [".example", ".test", ".invalid"].iter().any(|t| host.ends_with(t))
        || ["example", "test", "invalid"].contains(&host)
}

fn decodes_to_private_key(v: &str) -> bool {
    base64::engine::general_purpose::STANDARD
        .decode(v.trim_end_matches(['\\', 'n']))
        .is_ok_and(|d| memchr::memmem::find(&d, b"PRIVATE KEY").is_some())
}

/// Whether the bytes look binary (a NUL in the first 8 KiB, as git and ripgrep judge).
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(8192)]).is_some()
}

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

    #[test]
    fn every_rule_finds_its_positives_and_nothing_finds_its_negatives() {
        let s = scanner();
        let mut failures = Vec::new();
        for rule in RULES {
            let file = rule.files.first().copied().unwrap_or("config.txt");
            for (a, b) in rule.positives {
                let text = format!("{a}{b}\n");
                let found = rules_found(&s, &text, file);
                if !found.contains(&format!("scan/{}", rule.id)) {
                    failures.push(format!("{}: missed {text:?}, found {found:?}", rule.id));
                }
            }
            for n in rule.negatives {
                let found = rules_found(&s, &format!("{n}\n"), file);
                if !found.is_empty() {
                    failures.push(format!("{}: flagged negative {n:?} as {found:?}", rule.id));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_rule_compiles() {
        for r in RULES {
            assert!(regex::bytes::RegexBuilder::new(r.regex).unicode(false).build().is_ok(), "{}", r.id);
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

    #[test]
    fn entropy_values() {
        assert_eq!(entropy(b"aaaa"), 0.0);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
    }
}
