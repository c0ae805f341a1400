//! The filter chain a rule's hit passes before it is reported: the filters every rule
//! shares (placeholders, documentation examples, entropy, identifiers), then the rule's
//! own exception, which [`rules`](super::rules) names in the rule's data. This module
//! never asks which rule it is looking at: a rule that needs an exception carries it.
//! It must not read files, know about sources or build findings.

use super::entropy;
use super::rules::Rule;
use crate::secret::{is_made_up_words, is_placeholder, looks_like_a_label, looks_like_a_name};
use base64::Engine;

/// Values from documentation that are not secrets anyone can use.
const DOC_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    // Azurite's (the storage emulator's) account key, the same on every machine.
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
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

/// Source files of languages whose string literals are always quoted (not shell scripts,
/// Dockerfiles, YAML or env files, where an unquoted value is a literal).
const PROGRAM_EXTENSIONS: &[&str] = &[
    "rs", "ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs", "py", "pyi", "go", "java", "kt", "kts",
    "swift", "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "cs", "rb", "php", "scala", "dart", "lua", "ex",
    "exs", "vue", "svelte", "m", "mm", "zig", "jl", "r",
];

/// What the file a hit is in says about it.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileKind {
    /// A lock file: its hashes are not secrets.
    pub lock: bool,
    /// A program's source, where literals are quoted.
    pub code: bool,
}

impl FileKind {
    /// What a file's name says.
    pub fn of(file_name: &str) -> FileKind {
        FileKind { lock: LOCK_FILES.contains(&file_name), code: is_program(file_name) }
    }
}

fn is_program(file_name: &str) -> bool {
    file_name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| PROGRAM_EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}

/// One hit in its surroundings: what every filter and exception judges.
#[derive(Debug)]
pub struct Context<'a> {
    /// The whole file.
    pub data: &'a [u8],
    /// The secret's byte span in `data`.
    pub start: usize,
    /// The end of the secret's span.
    pub end: usize,
    /// Where the secret's line starts in `data`.
    pub line_start: usize,
    /// The secret, as text.
    pub secret: &'a str,
    /// The secret in ASCII lowercase.
    pub lower: &'a str,
    /// The secret's line, as text.
    pub line: &'a str,
    /// What the file's name says.
    pub file: FileKind,
}

impl Context<'_> {
    /// In a program's source a literal is quoted: an unquoted value is a name (a
    /// variable, a constant, a type: `password: PasswordKind`) or comment text.
    pub fn unquoted_in_program(&self) -> bool {
        let before = self.data.get(..self.start).unwrap_or_default();
        // After an escape (`"x\nKEY"`, `"\x1b[32mKEY"`) the hit is inside a literal too.
        let quoted =
            matches!(before.last(), Some(b'"' | b'\'' | b'`')) || super::rules::ends_with_escape(before);
        self.file.code && !quoted
    }
}

/// Whether a rule's hit is not a secret: the filters every rule shares, then the rule's
/// own exception.
pub fn rejects(rule: &Rule, c: &Context) -> bool {
    if is_placeholder(c.secret) || DOC_EXAMPLES.iter().any(|d| c.secret.contains(d)) {
        return true;
    }
    // `XMPL` marks the made-up identifiers of AWS's documentation.
    if ["example", "dummy", "sample", "xmpl"].iter().any(|w| c.lower.contains(w)) {
        return true;
    }
    // Rules that ask for entropy are the ones whose prefix or name also starts
    // identifiers (`fw_`, `re_`, `secret_access_key: SomeConfig.SecretAccessKey`): an
    // identifier is not a key however it scores.
    if rule.min_entropy > 0.0
        && (entropy(c.secret.as_bytes()) < min_entropy(rule, c.secret)
            || looks_like_a_name(c.secret)
            || (c.unquoted_in_program() && is_reference(c.secret)))
    {
        return true;
    }
    rule.except.is_some_and(|except| except(c))
}

/// An identifier or a dotted path of them (`DEVICE_PASSWORD_ID`, `config.openaiKey2`).
fn is_reference(v: &str) -> bool {
    v.split('.').all(|part| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    })
}

// --- each rule's own exception ----------------------------------------------------------

/// `url-credentials`: a documentation password (`secret123`, `changeme`, `${DB_PASS}`)
/// or a host reserved for documentation (`example.com`, `*.test`).
pub fn url_is_not_a_credential(c: &Context) -> bool {
    is_weak_password(c.secret) || is_documentation_host(c.data.get(c.end..).unwrap_or_default())
}

/// `kubeconfig-client-key`: base64 that does not decode to a private key (`REDACTED`).
pub fn not_a_private_key(c: &Context) -> bool {
    !base64::engine::general_purpose::STANDARD
        .decode(c.secret.trim_end_matches(['\\', 'n']))
        .is_ok_and(|d| memchr::memmem::find(&d, b"PRIVATE KEY").is_some())
}

/// `datadog-app-key`: forty hex digits under an application key's name belong to Datadog
/// when the name says so (`DD_APP_KEY`, `datadog_application_key`) or Datadog is named in
/// the 4 KiB above (a Terraform `provider "datadog"` block, `from datadog import …`);
/// elsewhere `app_key` is anyone's.
pub fn not_near_datadog(c: &Context) -> bool {
    let name = name_before(c.data, c.line_start, c.start);
    !(name.contains("ddapp") || name.contains("datadog") || named_above(c, &[b"datadog"]))
}

/// Whether one of `words` (lowercase) stands, in any case, in the 4 KiB above the hit's line.
fn named_above(c: &Context, words: &[&[u8]]) -> bool {
    let above = c.data.get(c.line_start.saturating_sub(4096)..c.line_start).unwrap_or_default();
    let above = above.to_ascii_lowercase();
    words.iter().any(|w| memchr::memmem::find(&above, w).is_some())
}

/// `algolia-api-key`: a 32-hex value is Algolia's where the name says so
/// (`ALGOLIA_ADMIN_KEY`, `algoliaApiKey`) or Algolia is named in the 4 KiB above (its
/// client imported, a DocSearch setup); elsewhere `api_key` is anyone's.
pub fn not_near_algolia(c: &Context) -> bool {
    !(name_before(c.data, c.line_start, c.start).contains("algolia")
        || named_above(c, &[b"algolia", b"docsearch"]))
}

/// The text of a hit's line before it, lowercase, without `_`, `-` and `.`: the name it
/// is assigned to (`DD_APP_KEY: "` -> `ddappkey: "`).
fn name_before(data: &[u8], line_start: usize, start: usize) -> String {
    data.get(line_start..start)
        .unwrap_or_default()
        .iter()
        .filter(|b| !matches!(b, b'_' | b'-' | b'.'))
        .map(|b| b.to_ascii_lowercase() as char)
        .collect()
}

/// Files that hand an Algolia key to a browser: InstantSearch, DocSearch, the lite
/// (search-only) client, a web worker's `importScripts` (any case).
const ALGOLIA_IN_A_BROWSER: &[&str] =
    &["instantsearch", "docsearch", "liteclient", "algoliasearch/lite", "importscripts("];

/// `algolia-api-key`: a search-only key, public by design (Algolia's own words: it belongs
/// in front-end code): its name says search, or the file hands it to a browser. A key
/// named admin or write is never one.
fn algolia_search_only(data: &[u8], start: usize) -> bool {
    let name = name_before(data, super::lines::line_of(data, start).0, start);
    if name.contains("admin") || name.contains("write") {
        return false;
    }
    if name.contains("search") {
        return true;
    }
    // One pass over the file, without a lowercase copy of it for each key.
    static BROWSER: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> = std::sync::OnceLock::new();
    BROWSER
        .get_or_init(|| {
            aho_corasick::AhoCorasick::builder().ascii_case_insensitive(true).build(ALGOLIA_IN_A_BROWSER).ok()
        })
        .as_ref()
        .is_some_and(|ac| ac.is_match(data))
}

/// `ini-password`: a value that stands for a password rather than being one.
pub fn ini_value_is_not_a_password(c: &Context) -> bool {
    not_a_literal_password(c)
}

/// `ansible-password`: a Jinja expression (`{{ vault_ssh_pass }}`), an encrypted `!vault`
/// block, or any value that stands for a password rather than being one.
pub fn ansible_value_is_not_a_password(c: &Context) -> bool {
    c.unquoted_in_program() || not_a_literal_password(c)
}

/// Whether a config file's password value is a stand-in, not the password: an
/// interpolation or expansion (`%(db_password)s`, `${DB_PASSWORD}`, `$DB_PASSWORD`,
/// `%DB_PASSWORD%`, `{{ var }}`), an encrypted or tagged value (`!vault`), a secret
/// manager's reference (`vault://…`, `op://…`, `aws-sm://…`), an environment lookup
/// (`os.environ/NAME`, `env:NAME`), a word such as `None` or `changeme`, a path, or a
/// value under a name that is about the password (`password_file`).
fn not_a_literal_password(c: &Context) -> bool {
    let v = c.secret;
    let name = String::from_utf8_lossy(c.data.get(c.line_start..c.start).unwrap_or_default()).into_owned();
    let name = name.trim_end_matches(|ch: char| ch.is_whitespace() || "\"'=:".contains(ch));
    let name = name.rsplit(|ch: char| ch.is_whitespace() || "{,;(\"'".contains(ch)).next().unwrap_or("");
    if crate::secret::names_an_identifier(name) {
        return true;
    }
    if v.starts_with(['%', '$', '{', '<', '[', '!', '(', '*'])
        || v.contains("${")
        || v.contains("{{")
        || v.contains("%(")
        || looks_like_code_or_hash(v)
    {
        return true;
    }
    if (v.contains("://") && crate::refs::Reference::classify(v).is_some()) || crate::refs::embedded(v) {
        return true;
    }
    let lower = c.lower;
    ["env:", "env.", "os.environ", "file:"].iter().any(|p| lower.starts_with(p))
        || ["none", "null", "nil", "true", "false", "undefined", "empty", "required", "prompt", "ask"]
            .contains(&lower)
        || ["password", "passwd", "secret"].iter().any(|w| lower.contains(w))
        || is_weak_password(v)
        || looks_like_a_name(v)
}

/// `litellm-config-key`: a key outside a LiteLLM proxy config (the generic rule judges
/// it there), or one the generic rule's caution would set aside (`os.environ/NAME`,
/// `${VAR}`, a name, a counting run).
pub fn not_in_a_litellm_config(c: &Context) -> bool {
    let config = ["litellm_params", "model_list:", "general_settings:", "litellm_settings:"]
        .iter()
        .any(|m| memchr::memmem::find(c.data, m.as_bytes()).is_some());
    !config || generic_caution(c)
}

/// The claims of a JWT (its middle part, decoded), or nothing.
fn jwt_claims(token: &str) -> Vec<u8> {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).unwrap_or_default()
}

/// Whether a JWT's claims hold `"role":"<role>"`.
fn jwt_role_is(token: &str, role: &str) -> bool {
    let claims = jwt_claims(token);
    serde_json::from_slice::<serde_json::Value>(&claims).is_ok_and(|v| v["role"] == role)
}

/// `supabase-service-role-key`: a JWT whose role is not `service_role`.
pub fn not_supabase_service_role(c: &Context) -> bool {
    !jwt_role_is(c.secret, "service_role")
}

/// `supabase-anon-key`: a JWT whose role is not `anon`.
pub fn not_supabase_anon(c: &Context) -> bool {
    !jwt_role_is(c.secret, "anon")
}

/// `bearer-token`: a variable, a template or a word (`$TOKEN`, `{{token}}`,
/// `process.env.TOKEN`) is not a token; a token already found by a provider's rule is
/// reported by that rule. The value must look generated: letters and digits mixed.
pub fn bearer_caution(c: &Context) -> bool {
    let s = c.secret;
    if looks_like_a_name(s) || looks_like_a_label(s) || looks_like_code_or_hash(s) || looks_like_counting(s) {
        return true;
    }
    let has_digit = s.chars().any(|c| c.is_ascii_digit());
    let has_alpha = s.chars().any(|c| c.is_ascii_alphabetic());
    !(has_digit && has_alpha)
}

/// `basic-auth-password`: as a bearer token's, and not a password written for a document
/// (`admin:password123`, `elastic:changeme`) or one that names itself.
pub fn basic_auth_caution(c: &Context) -> bool {
    bearer_caution(c) || is_weak_password(c.secret) || names_itself(c)
}

/// A value that says what it is (`webdavgeneratedpassword1`, `import-token-x1`) was
/// written by a person for an example.
fn names_itself(c: &Context) -> bool {
    ["password", "passwd", "secret", "token"].iter().any(|w| c.lower.contains(w))
}

/// The entropy a rule asks of `secret`: a random hex string scores lower than one of
/// letters and digits (one in five random 32-hex keys is under 3.5 bits a byte), so hex
/// of a key's length (32 digits or more: 128 bits) needs no more than 3.0, what the
/// named rules for hex keys ask. Shorter hex is an id or a short hash as often as not.
fn min_entropy(rule: &Rule, secret: &str) -> f64 {
    if secret.len() >= 32 && secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        rule.min_entropy.min(3.0)
    } else {
        rule.min_entropy
    }
}

/// `generic-secret`: a secret-like name proves little, so the value must look generated:
/// not a name, a label, code, a hash, a counting run or a value that says what it is.
pub fn generic_caution(c: &Context) -> bool {
    if c.unquoted_in_program() {
        return true;
    }
    // What stands before the value on its line: the name it is assigned to.
    let before = c.data.get(c.line_start..c.start).unwrap_or_default();
    let before = String::from_utf8_lossy(before).to_ascii_lowercase();
    let before = before.trim_end_matches(|c: char| c.is_whitespace() || "\"'`=:>?".contains(c));
    let name = before.rsplit(|c: char| c.is_whitespace() || "{,;(".contains(c)).next();
    if name.is_some_and(|n| n.contains("arn:") || PAGINATION.iter().any(|p| n.contains(p))) {
        return true;
    }
    // WebRTC's `a=ice-pwd:` in an SDP offer or answer: a value each peer makes up for one
    // session and sends to the other in the clear (RFC 8839), over when the call is.
    if name.is_some_and(|n| n.ends_with("ice-pwd")) {
        return true;
    }
    // An identifier under a credential's name (`credential_id`, `apiKeyId`, `token_type`).
    let original = String::from_utf8_lossy(c.data.get(c.line_start..c.start).unwrap_or_default());
    let original = original.trim_end_matches(|c: char| c.is_whitespace() || "\"'`=:>?".contains(c));
    let name_as_written = original.rsplit(|c: char| c.is_whitespace() || "{,;(\"'`".contains(c)).next();
    if name_as_written.is_some_and(|n| n.eq_ignore_ascii_case("id") || crate::secret::names_an_identifier(n))
    {
        return true;
    }
    if names_itself(c) {
        return true;
    }
    // A UUID is an identifier, unless the name says it is the API key (Exa's keys are
    // UUIDs: `x-api-key: <uuid>`, `api_key="<uuid>"`).
    let api_key_name = name_as_written.is_some_and(|n| {
        let n = n.to_ascii_lowercase().replace(['-', '_', '.'], "");
        n.ends_with("apikey")
    });
    let uuid_key = api_key_name && is_uuid(c.secret);
    if c.file.lock
        || c.line.len() > 1000
        || (!uuid_key && looks_like_code_or_hash(c.secret))
        || looks_like_a_name(c.secret)
        || looks_like_a_label(c.secret)
        || looks_like_counting(c.secret)
    {
        return true;
    }
    // Letters and digits both: prose and identifiers rarely have digits mixed in.
    let has_digit = c.secret.chars().any(|c| c.is_ascii_digit());
    let has_alpha = c.secret.chars().any(|c| c.is_ascii_alphabetic());
    !(has_digit && has_alpha)
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

/// The host of the first `http(s)://` URL on `line` (its user and password skipped), as
/// written: `api.mistral.ai`. `None` without one, for a host that is a placeholder or a
/// template (`{endpoint}`, `$HOST`), or for one with a part longer than 24 characters (a
/// token may stand there, and a message never shows one).
pub fn host_called(line: &[u8]) -> Option<String> {
    let at = memchr::memmem::find(line, b"://")?;
    let scheme = line[..at].rsplit(|b| !b.is_ascii_alphabetic()).next()?;
    if !scheme.eq_ignore_ascii_case(b"https") && !scheme.eq_ignore_ascii_case(b"http") {
        return None;
    }
    let rest = &line[at + 3..];
    let authority_end = rest
        .iter()
        .position(|b| matches!(b, b'/' | b'?' | b'#' | b'"' | b'\'' | b' ' | b'`' | b')' | b'>'))
        .unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host = authority.rsplit(|b| *b == b'@').next()?;
    let host = host.split(|b| *b == b':').next()?;
    (host.len() >= 3
        && host.contains(&b'.')
        && host.split(|b| *b == b'.').all(|part| part.len() <= 24)
        && host.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')))
    .then(|| String::from_utf8_lossy(host).to_ascii_lowercase())
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

/// Words of test and local credentials (`test_user:test_pass`, `postgres:postgres`).
const TEST_WORDS: &[&str] = &[
    "test", "dev", "local", "example", "sample", "demo", "postgres", "root", "admin", "password", "pass",
    "secret", "user",
];

/// Whether a hit is reported as a note rather than an error: an Algolia search-only key
/// (see `algolia_search_only`), or a password in a URL whose host is this machine
/// (`localhost`, `127.0.0.1`, `[::1]`, `0.0.0.0`) and whose user or password is made of
/// test words (`postgres://test_user:test_pass@localhost/app`), as test suites and compose
/// files write them; on any host, a password of words that say it is made up
/// (`https://x-access-token:test-token@github.com/…`).
pub fn only_a_note(rule: &Rule, data: &[u8], start: usize, end: usize) -> bool {
    if rule.id == "algolia-api-key" {
        return algolia_search_only(data, start);
    }
    if rule.id != "url-credentials" {
        return false;
    }
    let rest = data.get(end..).unwrap_or_default();
    let host: String = rest
        .iter()
        .skip(1)
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'[' | b']' | b':'))
        .map(|&b| char::from(b).to_ascii_lowercase())
        .collect();
    let host = host.split(':').next().unwrap_or("");
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "0.0.0.0" | "[") || host.starts_with("127.");
    if !loopback {
        // Elsewhere, a password that says it is made up (`test-token`, `fake_secret`).
        return is_made_up_words(&String::from_utf8_lossy(&data[start..end]));
    }
    // The user: what stands between `://` and the password's `:`.
    let line_start = memchr::memrchr(b'\n', &data[..start]).map_or(0, |i| i + 1);
    let before = String::from_utf8_lossy(&data[line_start..start]).to_ascii_lowercase();
    let user = before.rsplit("://").next().unwrap_or("").trim_end_matches(':').to_owned();
    let password = String::from_utf8_lossy(&data[start..end]).to_ascii_lowercase();
    let testy = |s: &str| {
        let parts: Vec<&str> = s.split(['_', '-', '.']).filter(|p| !p.is_empty()).collect();
        !parts.is_empty()
            && parts.iter().all(|p| {
                TEST_WORDS.iter().any(|w| p.trim_end_matches(|c: char| c.is_ascii_digit()) == *w)
                    || p.chars().all(|c| c.is_ascii_digit())
            })
    };
    testy(&user) || testy(&password)
}

/// Whether `v` is a UUID (`8-4-4-4-12` hex digits).
fn is_uuid(v: &str) -> bool {
    v.len() == 36
        && v.bytes()
            .enumerate()
            .all(|(i, b)| if [8, 13, 18, 23].contains(&i) { b == b'-' } else { b.is_ascii_hexdigit() })
}

/// Generic-rule values that are code, variable references, UUIDs or hashes.
fn looks_like_code_or_hash(v: &str) -> bool {
    is_uuid(v) || v.contains("${")
        || v.contains("{{")
        || v.starts_with("process.env")
        || v.starts_with("os.environ")
        || v.starts_with("ENV[")
        || v.starts_with("env.")
        || v.starts_with("secrets.")
        || v.starts_with("sha256-")
        || v.starts_with("sha512-")
        || v.starts_with("sha1-")
        // Spread syntax or a value cut short for show (`...rest`, `abc123...`); a value
        // that merely holds `...` somewhere is still judged.
        || v.starts_with("...")
        || v.ends_with("...")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::rules::RULES;

    /// The scanner applies exceptions without naming rules: every exception is named by
    /// exactly the rule it was written for.
    #[test]
    fn exceptions_belong_to_their_rules() {
        let with: Vec<&str> = RULES.iter().filter(|r| r.except.is_some()).map(|r| r.id).collect();
        assert_eq!(
            with,
            [
                "datadog-app-key",
                "algolia-api-key",
                "supabase-service-role-key",
                "supabase-anon-key",
                "url-credentials",
                "ansible-password",
                "ini-password",
                "kubeconfig-client-key",
                "litellm-config-key",
                "bearer-token",
                "basic-auth-password",
                "generic-secret"
            ]
        );
    }

    #[test]
    fn the_host_a_line_calls() {
        let host = |line: &str| host_called(line.as_bytes());
        assert_eq!(
            host("curl https://api.mistral.ai/v1/models -H \"Authorization: Bearer x\"").as_deref(),
            Some("api.mistral.ai")
        );
        assert_eq!(host("curl -u api:x https://API.wandb.ai:443/graphql").as_deref(), Some("api.wandb.ai"));
        // The user and password before the host are never part of it.
        assert_eq!(host("git clone https://u:Xr4bT9qLm2@github.com/o/r").as_deref(), Some("github.com"));
        for line in [
            "curl $ENDPOINT -u api:x",
            "url = \"https://{endpoint}/v1\"",
            "ftp://files.example.org",
            "http://localhost:8080",
            "curl https://Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5.tunnel.example.net/v1",
        ] {
            assert_eq!(host(line), None, "{line}");
        }
    }

    #[test]
    fn rule_exceptions() {
        let ctx = |data: &'static str, secret: &'static str, file: &str| {
            let start = data.find(secret).unwrap();
            (data, start, secret, FileKind::of(file))
        };
        let judge = |(data, start, secret, file): (&str, usize, &str, FileKind), f: Exception| {
            let lower = secret.to_ascii_lowercase();
            f(&Context {
                data: data.as_bytes(),
                start,
                end: start + secret.len(),
                line_start: 0,
                secret,
                lower: &lower,
                line: data,
                file,
            })
        };
        type Exception = crate::scan::rules::Exception;
        assert!(judge(ctx("redis://u:secret123@cache", "secret123", "a.yml"), url_is_not_a_credential));
        assert!(judge(
            ctx("pg://u:Xr4bT9qLm2@db.example.org", "Xr4bT9qLm2", "a.yml"),
            url_is_not_a_credential
        ));
        assert!(!judge(ctx("pg://u:Xr4bT9qLm2@db.corp", "Xr4bT9qLm2", "a.yml"), url_is_not_a_credential));
        assert!(judge(ctx("client-key-data: REDACTEDREDACTED", "REDACTEDREDACTED", "k"), not_a_private_key));
        assert!(judge(ctx("token = Xr4bT9qLm2Vz8", "Xr4bT9qLm2Vz8", "a.py"), generic_caution));
        assert!(!judge(ctx("token = \"Xr4bT9qLm2Vz8\"", "Xr4bT9qLm2Vz8", "a.py"), generic_caution));
        assert!(judge(ctx("token = \"Xr4bT9qLmVz\"", "Xr4bT9qLmVz", "yarn.lock"), generic_caution));
    }
}
