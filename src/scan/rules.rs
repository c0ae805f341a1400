//! The scanner's rules, as data: what a secret of each kind looks like.
//!
//! Each rule has a stable id (reported as `scan/<id>`), literal keywords that any
//! match must contain (the fast pre-filter: a line without one is never given to the
//! regex), a regex whose `secret` group (or whole match) is the secret, and test
//! strings. Positives are written as two halves joined at test time, so this file
//! never holds a whole fake key for a scanner (ours or anyone's) to trip over.

use super::filter::{self, Context};

/// How a rule treats what it matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A provider's format: the match alone is evidence.
    Provider,
    /// A secret-like name assigned a high-entropy value: needs the stricter filters.
    Generic,
    /// A key that is public by design (a publishable or project key, a client DSN, an
    /// anonymous JWT) or an identifier (an AWS access key id, whose secret has its own
    /// rule): reported as a note, which fails no scan.
    Public,
}

/// A rule's own exception: true when the hit described by the context is not a secret.
pub type Exception = fn(&Context) -> bool;

/// One rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, without the `scan/` prefix.
    pub id: &'static str,
    /// What it finds, for messages and SARIF.
    pub description: &'static str,
    /// Literals one of which every match contains: as written, and for a pattern that
    /// starts with `(?i)` also in lower case, upper case and capitalised.
    pub keywords: &'static [&'static str],
    /// The pattern; the `secret` group, if any, is the secret.
    pub regex: &'static str,
    /// Minimum Shannon entropy (bits per byte) of the secret; 0 for none.
    pub min_entropy: f64,
    /// Only files these patterns take (empty: every file): a name (`.netrc`), an
    /// extension (`*.ini`), a name's start (`inventory*`) or a directory anywhere on the
    /// path (`group_vars/*`). See [`Rule::applies_to`].
    pub files: &'static [&'static str],
    /// Provider format or generic assignment.
    pub kind: Kind,
    /// Whether a match may span lines (private key blocks).
    pub multiline: bool,
    /// The rule's own exception, after the filters every rule shares: true when a hit,
    /// in its context, is not a secret after all (a documentation URL, a generic value
    /// that is a name). The scanner applies it without knowing which rule it belongs to.
    pub except: Option<Exception>,
    /// Test strings that must be found: (first half, second half).
    pub positives: &'static [(&'static str, &'static str)],
    /// Test strings that must not be found by this rule.
    pub negatives: &'static [&'static str],
}

impl Rule {
    /// Whether the rule runs on the file at `path` (`/`-separated, as reported).
    pub fn applies_to(&self, path: &str) -> bool {
        self.files.is_empty() || self.files.iter().any(|p| file_pattern_takes(p, path))
    }
}

/// Whether one of [`Rule::files`]' patterns takes `path`: `*.ext` by the name's extension
/// (any case), `dir/*` by a directory of that name anywhere above the file, `prefix*` by
/// the name's start, anything else by the whole name.
fn file_pattern_takes(pattern: &str, path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if let Some(dir) = pattern.strip_suffix("/*") {
        return path.split('/').rev().skip(1).any(|d| d == dir);
    }
    if let Some(ext) = pattern.strip_prefix("*.") {
        return name
            .rsplit_once('.')
            .is_some_and(|(stem, e)| !stem.is_empty() && e.eq_ignore_ascii_case(ext));
    }
    if let Some(prefix) = pattern.strip_suffix('*') {
        return name.starts_with(prefix);
    }
    name == pattern
}

const fn provider(
    id: &'static str,
    description: &'static str,
    keywords: &'static [&'static str],
    regex: &'static str,
    positives: &'static [(&'static str, &'static str)],
    negatives: &'static [&'static str],
) -> Rule {
    Rule {
        id,
        description,
        keywords,
        regex,
        min_entropy: 0.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives,
        negatives,
    }
}

/// What may stand glued before a provider's key where a word boundary does not: the end
/// of an ANSI escape sequence (`ESC[32m`, and as source code writes it: `\e[`, `\x1b[`,
/// `\033[`, `\u001b[`), a backslash escape inside a string (`\n`, `\t`, `\x20`,
/// `\u0020`), or a percent-encoded byte (`Bearer%20…`, `%3D`). Each ends in a letter or
/// digit, which hides the key's start from `\b`; none is a word, so `token_sk-…` inside
/// an identifier stays a non-match.
macro_rules! escape_end {
    () => {
        r"(?:\x1b\[[0-9;?]*[A-Za-z]|\\(?:e|x1[bB]|033|u001[bB])\[[0-9;?]*[A-Za-z]|\\(?:[abefnrtv0]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4})|%[0-9A-Fa-f]{2})"
    };
}

/// The left edge of a provider's key: a word boundary or the end of an escape
/// (`escape_end!`). Scan, the hooks and `redact` share it through the rules.
macro_rules! key_start {
    () => {
        concat!(r"(?:\b|", escape_end!(), ")")
    };
}

/// The escape alternatives of [`KEY_START`], as they appear in the rules' patterns.
pub const ESCAPE_END: &str = escape_end!();

/// The left edge of a provider's key as it appears in the rules' patterns.
pub const KEY_START: &str = key_start!();

/// A rule's pattern without the escape alternatives: what it matches on a line that holds
/// no escape (no ESC, `\` or `%` byte). The matcher runs it there; it is faster, because
/// the key's own literal start is then the pattern's literal start.
pub fn without_escapes(regex: &str) -> String {
    regex.replace(KEY_START, r"\b").replace(&format!("|{ESCAPE_END}"), "")
}

/// Whether `before` (the bytes before a hit) ends with an escape (`escape_end!`): the hit
/// then sits inside a string, a log line or a URL, not in code as a name.
pub fn ends_with_escape(before: &[u8]) -> bool {
    static END: std::sync::OnceLock<regex::bytes::Regex> = std::sync::OnceLock::new();
    // A constant pattern: a failure to compile is a bug, caught by the tests.
    #[allow(clippy::expect_used)]
    let end = END.get_or_init(|| {
        regex::bytes::RegexBuilder::new(concat!(escape_end!(), "$"))
            .unicode(false)
            .build()
            .expect("the escape pattern compiles")
    });
    // The longest escape is `\u001b[` with a few parameters: 16 bytes tell.
    end.is_match(&before[before.len().saturating_sub(16)..])
}

/// Every rule, most specific first: when two rules match the same text, the earlier wins.
pub const RULES: &[Rule] = &[
    provider(
        "anthropic-api-key",
        "Anthropic API key",
        &["sk-"],
        concat!(key_start!(), r"(?P<secret>sk-ant-api\d\d-[A-Za-z0-9_-]{80,120})"),
        &[(
            "ANTHROPIC_API_KEY=sk-ant-",
            "api03-Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz7Qw5Ep2Ry9Ut4Io8Pa1Sd6Fg3Hj7Kl0Zx5Cv2Bn9Mq-AAAA",
        )],
        &["sk-ant-api03-your-key-here", "sk-ant-api03-xxxxxxxx"],
    ),
    provider(
        "anthropic-admin-key",
        "Anthropic admin key",
        &["sk-"],
        concat!(key_start!(), r"(?P<secret>sk-ant-admin\d\d-[A-Za-z0-9_-]{80,120})"),
        &[(
            "key: sk-ant-",
            "admin01-Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz7Qw5Ep2Ry9Ut4Io8Pa1Sd6Fg3Hj7Kl0Zx5Cv2Bn9Mq-AAAA",
        )],
        &["sk-ant-admin01-..."],
    ),
    provider(
        "anthropic-oauth-token",
        "Anthropic OAuth token (Claude Code `setup-token`, CLAUDE_CODE_OAUTH_TOKEN)",
        &["sk-"],
        concat!(key_start!(), r"(?P<secret>sk-ant-o[ar]t\d\d-[A-Za-z0-9_-]{60,200})"),
        &[(
            "CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-eKJyJ4MBm4PzLgeVudubh1MlH2zj3jmrsA4WbHprx",
            "hbjUi-PeHeWp1Ovc3QgiD86eXr48vHZwvi8tam4v77QF1p6dEOeYAA",
        )],
        &["CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-...", "sk-ant-oat01-[A-Za-z0-9_-]{20,}"],
    ),
    provider(
        "openrouter-api-key",
        "OpenRouter API key",
        &["sk-"],
        concat!(key_start!(), r"(?P<secret>sk-or-v1-[a-f0-9]{64})\b"),
        &[(
            "OPENROUTER_API_KEY=sk-or-",
            "v1-3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e2b4d6f8a0c1e3f5a7b9d2c4e6f8a0b1c",
        )],
        &["sk-or-v1-xxxxxxxx"],
    ),
    provider(
        "openai-project-key",
        "OpenAI project API key",
        &["sk-"],
        concat!(key_start!(), r"(?P<secret>sk-proj-[A-Za-z0-9_-]{40,})"),
        &[(
            "OPENAI_API_KEY=sk-",
            "proj-Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6T3BlbkFJVc3Xz7Qw5Ep2Ry9Ut4Io8Pa1",
        )],
        &[
            "sk-proj-...",
            "sk-proj-your-key-here",
            "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "sk-p****************",
        ],
    ),
    provider(
        "openai-service-account-key",
        "OpenAI service account key",
        &["sk-"],
        concat!(key_start!(), r"(?P<secret>sk-svcacct-[A-Za-z0-9_-]{40,})"),
        &[("key = \"sk-", "svcacct-Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6T3BlbkFJVc3Xz7Qw5Ep2\"")],
        &["sk-svcacct-..."],
    ),
    provider(
        "openai-admin-key",
        "OpenAI admin key",
        &["sk-"],
        concat!(key_start!(), r"(?P<secret>sk-admin-[A-Za-z0-9_-]{40,})"),
        &[("sk-", "admin-Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6T3BlbkFJVc3Xz7Qw5Ep2")],
        &["sk-admin-..."],
    ),
    provider(
        "openai-legacy-key",
        "OpenAI API key (legacy format)",
        &["T3BlbkFJ"],
        concat!(key_start!(), r"(?P<secret>sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})\b"),
        &[("openai.api_key = 'sk-Xr4bT9qLm2Vz8Kp1Wn6Y", "T3BlbkFJc3Hd7Js5Fg0Ue2Ra9Ti4'")],
        &["sk-XXXXXXXXXXXXXXXXXXXXT3BlbkFJXXXXXXXXXXXXXXXXXXXX"],
    ),
    provider(
        "langfuse-secret-key",
        "Langfuse secret key",
        &["sk-"],
        concat!(
            key_start!(),
            r"(?P<secret>sk-lf-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"
        ),
        &[("LANGFUSE_SECRET_KEY=sk-lf-abf9211e-fb8e-", "889a-8853-6e8482f7803b")],
        &["LANGFUSE_SECRET_KEY=sk-lf-...", "LANGFUSE_PUBLIC_KEY=pk-lf-abf9211e-fb8e-889a-8853-6e8482f7803b"],
    ),
    Rule {
        id: "langfuse-public-key",
        description: "Langfuse public key (an identifier: a credential only with its secret key)",
        keywords: &["pk-lf-"],
        regex: concat!(
            key_start!(),
            r"(?P<secret>pk-lf-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"
        ),
        min_entropy: 0.0,
        files: &[],
        kind: Kind::Public,
        multiline: false,
        except: None,
        positives: &[("langfuse = Langfuse(public_key=\"pk-lf-abf9211e-fb8e-", "889a-8853-6e8482f7803b\")")],
        negatives: &["LANGFUSE_PUBLIC_KEY=pk-lf-..."],
    },
    Rule {
        id: "cerebras-api-key",
        description: "Cerebras API key",
        // `csk-` holds `sk-`: the shared keyword costs the pre-filter nothing.
        keywords: &["sk-"],
        regex: concat!(key_start!(), r"(?P<secret>csk-[A-Za-z0-9]{40,64})\b"),
        min_entropy: 3.5,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[("CEREBRAS_API_KEY=csk-vn94kc1s04bxgdsf61", "37r1hqgp8urgwpj2ezkvjzvburyt08")],
        negatives: &["CEREBRAS_API_KEY=csk-...", "csk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    Rule {
        id: "deepseek-api-key",
        description: "DeepSeek API key",
        keywords: &["deepseek", "DEEPSEEK", "DeepSeek"],
        regex: r#"(?i:deepseek[\w.-]{0,20}?(?:api[_.-]?)?key["']?\s*(?:[:=]|:=|=>)\s*["']?)(?P<secret>sk-[a-f0-9]{32})\b"#,
        min_entropy: 3.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[("DEEPSEEK_API_KEY=sk-3f9a1c7e5b2d8f4a", "6c0e9b1d3f5a7c9e")],
        negatives: &["DEEPSEEK_API_KEY=sk-your-deepseek-key"],
    },
    Rule {
        id: "token-factory-api-key",
        description: "Token Factory API key",
        // The `sk-oais` prefix as issue 18 gives it; no vendor page reachable from here
        // states the body, so it is taken as the `sk-` style's.
        keywords: &["sk-oais"],
        regex: concat!(r"(?:^|", escape_end!(), r"|[^A-Za-z0-9_-])(?P<secret>sk-oais[A-Za-z0-9_-]{24,})"),
        min_entropy: 3.5,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[("TOKEN_FACTORY_API_KEY=sk-oais", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9")],
        negatives: &[
            "TOKEN_FACTORY_API_KEY=sk-oais-your-key-here",
            "sk-oaisxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ],
    },
    provider(
        "sk-style-key",
        "API key in the `sk-` style (OpenAI, Moonshot and others)",
        &["sk-"],
        concat!(r"(?:^|", escape_end!(), r"|[^A-Za-z0-9_-])(?P<secret>sk-[A-Za-z0-9][A-Za-z0-9_-]{31,})"),
        &[
            ("MOONSHOT_API_KEY=sk-", "3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e"),
            ("token: sk-", "None-Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9"),
        ],
        &[
            "risk-assessment-framework-document-v2",
            "sk-your-openai-key-goes-here-please",
            "disk-usage-report-2024-01-01-final-v1",
        ],
    ),
    Rule {
        id: "aws-access-key-id",
        description: "AWS access key id (an identifier: a credential only with its secret access key, reported on its own)",
        keywords: &["AKIA", "ASIA", "ABIA", "ACCA"],
        regex: concat!(key_start!(), r"(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b"),
        min_entropy: 0.0,
        files: &[],
        kind: Kind::Public,
        multiline: false,
        except: None,
        positives: &[("aws_access_key_id = AKIA", "Z7QW5EP2RY4UT6IO")],
        negatives: &["AKIAIOSFODNN7EXAMPLE", "AKIAXXXXXXXXXXXXXXXX"],
    },
    Rule {
        id: "aws-secret-access-key",
        description: "AWS secret access key",
        // Every match holds `secret` (any case the generic rule's keywords cover, which
        // includes `SecretAccessKey`): sharing that keyword costs the pre-filter nothing.
        keywords: &["secret"],
        regex: r#"(?i)(?:aws[_.-]?secret[_.-]?(?:access[_.-]?)?key|secret[_.-]?access[_.-]?key)["']?\s*(?:[:=]|:=|=>)\s*["']?(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+]|$)"#,
        min_entropy: 3.5,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[("aws_secret_access_key = Xr4bT9qLm2Vz8Kp1W", "n6Yc3Hd7Js5Fg0Ue2Ra9Ti4")],
        negatives: &["aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
    },
    Rule {
        id: "aws-key-pair",
        description: "AWS secret access key beside its access key id (`AKIA…:…`, `--user AKIA…:…`)",
        keywords: &["AKIA", "ASIA"],
        regex: r#"\b(?:AKIA|ASIA)[A-Z2-7]{16}["']?\s*(?::|,)\s*["']?(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
        min_entropy: 3.5,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[(
            "curl --aws-sigv4 \"aws:amz:us-east-1:s3\" --user \"AKIAZ7QW5EP2RY4UT6IO:Xr4bT9qLm2Vz8Kp1W",
            "n6Yc3Hd7Js5Fg0Ue2Ra9Ti4\" https://s3.amazonaws.com/b",
        )],
        negatives: &["--user \"AKIAZ7QW5EP2RY4UT6IO:$AWS_SECRET_ACCESS_KEY\""],
    },
    provider(
        "github-token",
        "GitHub token",
        &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        concat!(key_start!(), r"(?P<secret>gh[pousr]_[A-Za-z0-9]{36,255})\b"),
        &[
            ("GITHUB_TOKEN=ghp_", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra"),
            ("gho_", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra"),
        ],
        &["ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "ghp_your_token_here"],
    ),
    provider(
        "github-fine-grained-token",
        "GitHub fine-grained personal access token",
        &["github_pat_"],
        concat!(key_start!(), r"(?P<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b"),
        &[(
            "github_pat_",
            "11ABCDEFG0Xr4bT9qLm2Vz_8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz7Qw5Ep2Ry9Ut4Io8P",
        )],
        &["github_pat_..."],
    ),
    provider(
        "gitlab-token",
        "GitLab token",
        &[
            "glpat-", "glptt-", "gldt-", "glrt-", "glcbt-", "glsoat-", "gloas-", "glimt-", "glffct-",
            "glft-", "glagent-",
        ],
        concat!(
            key_start!(),
            r"(?P<secret>gl(?:pat|ptt|dt|rt|cbt|soat|oas|imt|ffct|ft|agent)-[A-Za-z0-9_-]{20,})"
        ),
        &[
            ("CI_TOKEN=glpat-", "Xr4bT9qLm2Vz8Kp1Wn6Y"),
            ("glagent-Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5", "Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz7"),
        ],
        &["glpat-xxxxxxxxxxxxxxxxxxxx"],
    ),
    provider(
        "slack-token",
        "Slack token",
        &["xox"],
        concat!(key_start!(), r"(?P<secret>xox[abeprs]-(?:\d+-)+[A-Za-z0-9-]{10,})"),
        &[("SLACK_BOT_TOKEN=xoxb-", "1234567890123-1234567890123-Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd")],
        &["xoxb-your-token", "xoxb-XXXXXXXXXXXX"],
    ),
    provider(
        "slack-app-token",
        "Slack app-level token",
        &["xapp-"],
        concat!(key_start!(), r"(?P<secret>xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{32,})"),
        &[(
            "xapp-",
            "1-A0123BCDEF4-1234567890123-3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e2b4d6f8a0c1e3f5a7b9d2c4e6f8a0b1c",
        )],
        &["xapp-1-..."],
    ),
    provider(
        "slack-webhook",
        "Slack webhook URL",
        &["hooks.slack.com"],
        r"(?P<secret>https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,})",
        &[("https://hooks.slack.com/services/T0123ABCD/", "B0456EFGH/Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd")],
        &["https://hooks.slack.com/services/..."],
    ),
    provider(
        "stripe-secret-key",
        "Stripe secret or restricted key (Clerk secret keys share the format)",
        &["k_live_", "k_test_", "k_prod_"],
        concat!(key_start!(), r"(?P<secret>[rs]k_(?:live|test|prod)_[A-Za-z0-9]{20,})\b"),
        &[("STRIPE_SECRET_KEY=sk_live_", "51Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra")],
        &["sk_test_4eC39HqLyjWDarjtT1zdp7dc", "pk_live_51Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5"],
    ),
    provider(
        "stripe-webhook-secret",
        "Webhook signing secret (`whsec_`: Stripe, OpenAI and other Standard Webhooks senders)",
        &["whsec_"],
        concat!(key_start!(), r"(?P<secret>whsec_[A-Za-z0-9]{32,})\b"),
        &[("whsec_", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue")],
        &["whsec_..."],
    ),
    provider(
        "google-api-key",
        "Google API key (Gemini, Maps, Firebase)",
        &["AIza"],
        concat!(key_start!(), r"(?P<secret>AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)"),
        &[("GEMINI_API_KEY=AIza", "SyXr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue")],
        &["AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"],
    ),
    provider(
        "google-service-account",
        "Google service account key (private_key_id of a service-account JSON)",
        &["private_key_id"],
        r#""private_key_id"\s*:\s*"(?P<secret>[a-f0-9]{40})""#,
        &[("\"private_key_id\": \"3f9a1c7e5b2d8f4a6c0e", "9b1d3f5a7c9e2b4d6f8a\"")],
        &["\"private_key_id\": \"<your-key-id>\""],
    ),
    Rule {
        id: "azure-storage-key",
        description: "Azure storage account key",
        // The pattern ignores case through a group, so these spellings are taken as
        // written: the connection string's `AccountKey=` and the names people give it.
        keywords: &[
            "AccountKey",
            "accountKey",
            "account_key",
            "ACCOUNT_KEY",
            "account-key",
            "storage_key",
            "STORAGE_KEY",
            "storageKey",
            "StorageKey",
            "storage-key",
            "storage_access_key",
            "STORAGE_ACCESS_KEY",
            "ARM_ACCESS_KEY",
            "arm_access_key",
        ],
        regex: r#"(?:AccountKey=(?P<secret>[A-Za-z0-9+/]{86}==)|(?i:(?:azure[_.-]?)?storage[_.-]?(?:account[_.-]?)?(?:access[_.-]?)?key|account[_.-]?key|arm[_.-]?access[_.-]?key)["']?(?:\s*(?:[:=]|:=|=>)\s*|\s+)["']?(?P<s2>[A-Za-z0-9+/]{86}==))(?:[^A-Za-z0-9+/=]|$)"#,
        min_entropy: 0.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[
            (
                "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz",
                "7Qw5Ep2Ry9Ut4Io8Pa1Sd6Fg3Hj7Kl0Z==;EndpointSuffix=core.windows.net",
            ),
            (
                "AZURE_STORAGE_KEY=Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz",
                "7Qw5Ep2Ry9Ut4Io8Pa1Sd6Fg3Hj7Kl0Z==",
            ),
            (
                "  account_key: \"Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz",
                "7Qw5Ep2Ry9Ut4Io8Pa1Sd6Fg3Hj7Kl0Z==\"",
            ),
            (
                "az storage blob list --account-name acme --account-key Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz",
                "7Qw5Ep2Ry9Ut4Io8Pa1Sd6Fg3Hj7Kl0Z== -c logs",
            ),
        ],
        negatives: &[
            "AccountKey=<key>",
            "AZURE_STORAGE_KEY=${AZURE_STORAGE_KEY}",
            // Azurite's development key, published in Microsoft's documentation.
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
            "account_key = \"Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz7Qw5Ep2Ry9Ut4Io8Pa1Sd6Fg3Hj7Kl0Z==AAAA\"",
        ],
    },
    provider(
        "azure-shared-access-key",
        "Azure shared access key (Service Bus, Event Hubs, IoT Hub)",
        &["SharedAccessKey="],
        r"SharedAccessKey=(?P<secret>[A-Za-z0-9+/]{42,43}=)",
        &[(
            "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=Xr4bT9qLm2Vz8Kp1Wn6Yc3",
            "Hd7Js5Fg0Ue2Ra9Ti4Ol8=",
        )],
        &["SharedAccessKey=<key>"],
    ),
    Rule {
        id: "azure-sas-token",
        description: "Azure SAS token signature (the `sig` of a shared access signature)",
        keywords: &["sig="],
        // The token's version (`sv=2022-11-02`) or Service Bus's `SharedAccessSignature
        // sr=…` says whose query string it is; the signature is HMAC-SHA256 in base64,
        // percent-encoded or not, and may come before or after the version. `&amp;` is an
        // `&` in HTML and XML.
        regex: concat!(
            r#"(?:\bsv=\d{4}-\d\d-\d\d|SharedAccessSignature[ =]sr=[^&\s"'<>]+)(?:&(?:amp;)?[A-Za-z]{1,10}=[^&\s"'<>]*){0,15}?&(?:amp;)?sig=(?P<secret>"#,
            r"(?:[A-Za-z0-9+/]|%2[BbFf]){43}(?:=|%3[Dd]))(?:[^A-Za-z0-9+/%=]|$)",
            r"|\bsig=(?P<s2>(?:[A-Za-z0-9+/]|%2[BbFf]){43}(?:=|%3[Dd]))",
            r#"(?:&(?:amp;)?[A-Za-z]{1,10}=[^&\s"'<>]*){0,15}?&(?:amp;)?sv=\d{4}-\d\d-\d\d"#
        ),
        min_entropy: 3.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[
            (
                "https://acme.blob.core.windows.net/logs?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-01-01T00:00:00Z&spr=https&sig=q7Zr%2Bm3Vw9Kp1Xn6Yc3Hd7",
                "Js5Fg0Ue2Ra9Ti4Ol8Mk1%3D",
            ),
            (
                "BlobEndpoint=https://acme.blob.core.windows.net/;SharedAccessSignature=sv=2021-06-08&ss=bfqt&srt=sco&sp=rwdlacupx&sig=Xr4bT9qLm2Vz8Kp1Wn6Yc3",
                "Hd7Js5Fg0Ue2Ra9Ti4Ol8=",
            ),
            (
                "url = \"https://acme.blob.core.windows.net/c/f.csv?sig=Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7",
                "Js5Fg0Ue2Ra9Ti4Ol8%3D&se=2026-01-01&sp=r&sv=2022-11-02&sr=b\"",
            ),
            (
                "Authorization: SharedAccessSignature sr=acme.servicebus.windows.net%2Fq&sig=Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7",
                "Js5Fg0Ue2Ra9Ti4Ol8%3D&se=1767225600&skn=RootManageSharedAccessKey",
            ),
        ],
        negatives: &[
            "https://acme.blob.core.windows.net/logs?sv=2022-11-02&ss=b&sp=rl&sig=<signature>",
            "AZURE_SAS=sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-01-01&sig=${AZURE_SAS_SIG}",
            "https://example.net/api?sig=Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8%3D&id=42",
        ],
    },
    provider(
        "huggingface-token",
        "Hugging Face token",
        &["hf_", "api_org_"],
        concat!(key_start!(), r"(?P<secret>(?:hf_|api_org_)[A-Za-z0-9]{34})\b"),
        &[
            ("HF_TOKEN=hf_", "XrbTqLmVzKpWnYcHdJsFgUeRaTiOlMkNbV"),
            ("hf_Xr4bT9qLm2Vz8Kp1", "Wn6Yc3Hd7Js5Fg0Ue2"),
        ],
        &["hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "hf_your_token"],
    ),
    provider(
        "replicate-token",
        "Replicate API token",
        &["r8_"],
        concat!(key_start!(), r"(?P<secret>r8_[A-Za-z0-9_-]{37})(?:[^A-Za-z0-9_-]|$)"),
        &[("REPLICATE_API_TOKEN=r8_", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9")],
        &["r8_xxx"],
    ),
    provider(
        "groq-api-key",
        "Groq API key",
        &["gsk_"],
        concat!(key_start!(), r"(?P<secret>gsk_[A-Za-z0-9]{52})\b"),
        &[("GROQ_API_KEY=gsk_", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3")],
        &["gsk_..."],
    ),
    provider(
        "xai-api-key",
        "xAI API key",
        &["xai-"],
        concat!(key_start!(), r"(?P<secret>xai-[A-Za-z0-9_]{70,90})\b"),
        &[
            (
                "XAI_API_KEY=xai-",
                "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz7Qw5Ep2Ry9Ut4Io8Pa1Sd6Fg3Hj",
            ),
            ("xai-hMYHRluWQPnOR8JsO0aSM1CS1snlr5EUgkP00UZRz7", "uZd9ioYJ6HmJG9PvVhKpcxmQfMPHqnCWYX_QvQw"),
        ],
        &[
            "xai-your-key",
            "xai-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ],
    ),
    provider(
        "perplexity-api-key",
        "Perplexity API key",
        &["pplx-"],
        concat!(key_start!(), r"(?P<secret>pplx-[A-Za-z0-9]{48})\b"),
        &[("PERPLEXITY_API_KEY=pplx-", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb")],
        &["pplx-xxxxxxxx"],
    ),
    Rule {
        id: "mistral-api-key",
        description: "Mistral AI API key",
        keywords: &["mistral"],
        regex: r#"(?i)mistral[\w.-]{0,20}?(?:\(\s*[\w.-]{0,12}?)?(?:key|token)[\w.-]*["']?\s*(?:[:=]|:=|=>)\s*["']?(?P<secret>[A-Za-z0-9]{32})\b"#,
        min_entropy: 3.5,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[
            ("MISTRAL_API_KEY=Xr4bT9qLm2Vz8Kp1", "Wn6Yc3Hd7Js5Fg0U"),
            ("client = Mistral(api_key=\"Xr4bT9qLm2Vz8Kp1", "Wn6Yc3Hd7Js5Fg0U\")"),
        ],
        negatives: &["MISTRAL_API_KEY=your-mistral-key"],
    },
    Rule {
        id: "cohere-api-key",
        description: "Cohere API key",
        keywords: &["cohere", "COHERE", "Cohere", "co_api_key", "CO_API_KEY"],
        regex: r#"(?i:(?:cohere[\w.-]{0,20}?(?:\(\s*[\w.-]{0,12}?)?(?:key|token)|co_api_key)[\w.-]*["']?\s*(?:[:=]|:=|=>)\s*["']?(?P<secret>[A-Za-z0-9]{40})\b)"#,
        min_entropy: 3.5,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[
            ("COHERE_API_KEY=Xr4bT9qLm2Vz8Kp1Wn6Yc", "3Hd7Js5Fg0Ue2Ra9Ti4"),
            ("co = cohere.ClientV2(api_key=\"Xr4bT9qLm2Vz8Kp1Wn6Yc", "3Hd7Js5Fg0Ue2Ra9Ti4\")"),
        ],
        negatives: &["COHERE_API_KEY=<cohere key>"],
    },
    Rule {
        id: "twilio-api-key",
        description: "Twilio API key SID",
        // `SK…` alone is too common a start to pre-filter on; the SID is named with Twilio.
        keywords: &["twilio"],
        regex: r"(?i)twilio.{0,40}?(?-i:\b(?P<secret>SK[0-9a-f]{32})\b)",
        min_entropy: 0.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[("TWILIO_API_KEY=SK", "3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e")],
        negatives: &["TWILIO_API_KEY=SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    Rule {
        id: "twilio-auth-token",
        description: "Twilio auth token",
        keywords: &["twilio"],
        regex: r#"(?i)twilio[\w.-]{0,20}?(?:auth[\w.-]*token|secret)[\w.-]*["']?\s*(?:[:=]|:=|=>)\s*["']?(?P<secret>[a-f0-9]{32})\b"#,
        min_entropy: 3.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[("TWILIO_AUTH_TOKEN=3f9a1c7e5b2d8f4a", "6c0e9b1d3f5a7c9e")],
        negatives: &["TWILIO_AUTH_TOKEN=your_auth_token"],
    },
    Rule {
        id: "twilio-credentials",
        description: "Twilio auth token or API key secret beside its SID (`Client(\"AC…\", \"…\")`, `-u SK…:…`)",
        keywords: &["AC", "SK"],
        regex: r#"\b(?:AC[a-f0-9]{32}["']?\s*(?:,|:)\s*["']?(?P<secret>[a-f0-9]{32})|SK[a-f0-9]{32}["']?\s*(?:,|:)\s*["']?(?P<s2>[A-Za-z0-9]{32}))\b"#,
        min_entropy: 3.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[
            (
                "client = Client(\"AC3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e\", \"6c0e9b1d3f5a7c9e",
                "3f9a1c7e5b2d8f4a\")",
            ),
            (
                "curl -u 'AC3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e:6c0e9b1d3f5a7c9e",
                "3f9a1c7e5b2d8f4a' https://api.twilio.com",
            ),
            (
                "curl -X POST https://api.twilio.com/2010-04-01/Accounts/AC3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e/Messages.json -u SK3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e:Xr4bT9qLm2Vz8Kp1",
                "Wn6Yc3Hd7Js5Fg0U",
            ),
        ],
        negatives: &["Client(\"AC3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e\", auth_token)"],
    },
    provider(
        "e2b-api-key",
        "E2B API key (sandboxes for agents)",
        &["e2b_"],
        concat!(key_start!(), r"(?P<secret>e2b_[a-f0-9]{40})\b"),
        &[("E2B_API_KEY=e2b_3f9a1c7e5b2d8f4a6c0e", "9b1d3f5a7c9e2b4d6f8a")],
        &["E2B_API_KEY=e2b_your_api_key", "e2b_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    ),
    provider(
        "age-secret-key",
        "age secret key (file encryption)",
        &["AGE-SECRET-KEY-1"],
        r"(?P<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b",
        &[(
            "# created: 2026-01-01\nAGE-SECRET-KEY-1SJQF6H5GRAEEEEX7ERVYDU284RXQF",
            "XHPYDCFSKH788LA77N9FX4S72PDHF",
        )],
        &["AGE-SECRET-KEY-1..."],
    ),
    provider(
        "square-access-token",
        "Square access token",
        &["EAAA"],
        concat!(key_start!(), r"(?P<secret>EAAA[A-Za-z0-9_-]{60})\b"),
        &[("SQUARE_ACCESS_TOKEN=EAAAu8jzPde0IgxLd6GncfBAepfJBd0Kh8", "oOOL8dKLzdocJ2isAjIhKtJ0RlgLKO")],
        &["SQUARE_ACCESS_TOKEN=EAAA-your-token-here"],
    ),
    provider(
        "square-oauth-secret",
        "Square OAuth application secret",
        &["sq0csp-"],
        concat!(key_start!(), r"(?P<secret>sq0csp-[A-Za-z0-9_-]{43})\b"),
        &[("SQUARE_APP_SECRET=sq0csp-mxgJTeKdNnFRIBXuDL7D", "xtpYlSXpfKtHF4vUCsMehGA")],
        &["sq0csp-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    ),
    provider(
        "postman-api-key",
        "Postman API key",
        &["PMAK-"],
        concat!(key_start!(), r"(?P<secret>PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b"),
        &[("POSTMAN_API_KEY=PMAK-5a4fd12aabfe228f219e9cb0-eb53f16947ccf2", "5ec84d8dbc74254770f5")],
        &["PMAK-xxxxxxxxxxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    ),
    Rule {
        id: "wandb-api-key",
        description: "Weights & Biases API key",
        keywords: &["wandb", "WANDB"],
        // Keys issued since 2025 carry their own prefix and are found anywhere; the older
        // 40 hex only under W&B's name.
        regex: concat!(
            key_start!(),
            r"(?P<secret>wandb_v1_[A-Za-z0-9]{27}_[A-Za-z0-9]{49})\b",
            r#"|(?i:wandb[\w.-]{0,12}?(?:\(\s*)?(?:api[_.-]?)?key["']?\s*(?:[:=]|:=|=>)\s*["']?(?P<s2>[a-f0-9]{40}|local-[a-f0-9]{40})\b)"#
        ),
        min_entropy: 3.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[
            ("WANDB_API_KEY=3f9a1c7e5b2d8f4a6c0e9b1d", "3f5a7c9e2b4d6f8a"),
            ("wandb.login(key=\"3f9a1c7e5b2d8f4a6c0e9b1d", "3f5a7c9e2b4d6f8a\")"),
            (
                "wandb.login(key=\"wandb_v1_Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js_",
                "5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz7Qw5Ep2Ry9Ut4Io8Pa1Sd6\")",
            ),
        ],
        negatives: &["WANDB_API_KEY=<your-wandb-key>"],
    },
    Rule {
        id: "azure-openai-api-key",
        description: "Azure OpenAI API key",
        keywords: &["azure", "AZURE", "Azure"],
        regex: r#"(?i:azure[_.-]?(?:openai|oai|ai)[\w.-]{0,12}?(?:\(\s*)?(?:api[_.-]?)?key["']?\s*(?:[:=]|:=|=>)\s*["']?)(?P<secret>[a-f0-9]{32}|[A-Za-z0-9]{84})\b"#,
        min_entropy: 3.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[
            ("AZURE_OPENAI_API_KEY=3f9a1c7e5b2d8f4a", "6c0e9b1d3f5a7c9e"),
            (
                "client = AzureOpenAI(api_key=\"3f9a1c7e5b2d8f4a",
                "6c0e9b1d3f5a7c9e\", api_version=\"2024-10-21\")",
            ),
        ],
        negatives: &["AZURE_OPENAI_API_KEY=<your-key>"],
    },
    provider(
        "azure-ai-services-key",
        "Azure AI services / Azure OpenAI key (Microsoft's identifiable 84-character format)",
        &["JQQJ9"],
        concat!(
            key_start!(),
            r"(?P<secret>[A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9][A-L][A-Za-z0-9]{16}[A-Za-z][A-Za-z0-9]{7})\b"
        ),
        &[(
            "AZURE_KEY=Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3JQQJ99",
            "BCAC5Fg0Ue2Ra9Ti4Ol8MkXz7Q",
        )],
        &["AZURE_KEY=<your-key>"],
    ),
    provider(
        "sendgrid-api-key",
        "SendGrid API key",
        &["SG."],
        concat!(key_start!(), r"(?P<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})\b"),
        &[("SENDGRID_API_KEY=SG.", "Xr4bT9qLm2Vz8Kp1Wn6Yc3.Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz7Qw5Ep2Ry9U")],
        &["SG.xxxxx"],
    ),
    Rule {
        id: "mailgun-api-key",
        description: "Mailgun API key",
        keywords: &["key-", "mailgun"],
        regex: concat!(
            r"(?i)(?:",
            key_start!(),
            r#"(?P<secret>key-[0-9a-f]{32})\b|mailgun[\w.-]{0,20}?key[\w.-]*["']?\s*[:=]\s*["']?(?P<s2>[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})\b)"#
        ),
        min_entropy: 3.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[("MAILGUN_API_KEY=key-", "3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e")],
        negatives: &["monkey-business-as-usual"],
    },
    provider(
        "npm-token",
        "npm access token",
        &["npm_"],
        concat!(key_start!(), r"(?P<secret>npm_[A-Za-z0-9]{36})\b"),
        &[("//registry.npmjs.org/:_authToken=npm_", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra")],
        &["npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    ),
    provider(
        "pypi-token",
        "PyPI upload token",
        &["pypi-AgE"],
        concat!(key_start!(), r"(?P<secret>pypi-AgE[A-Za-z0-9_-]{50,})"),
        &[(
            "password = pypi-AgEIcHlwaS5vcmc",
            "CJDNlYzY0ZjItNTFkNC00YjM5LWFkMjgtZjIzYzU0NTE2ZWQ3AAIqWzMsImY",
        )],
        &["pypi-AgE..."],
    ),
    provider(
        "dockerhub-token",
        "Docker Hub personal or organization access token",
        &["dckr_"],
        concat!(key_start!(), r"(?P<secret>dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,})"),
        &[
            ("dckr_pat_", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js"),
            ("DOCKER_TOKEN=dckr_oat_uopHo8bgDCzN", "1lRerZLeqH8zkSCfN2MN"),
        ],
        &["dckr_pat_..."],
    ),
    provider(
        "digitalocean-token",
        "DigitalOcean token",
        &["_v1_"],
        concat!(key_start!(), r"(?P<secret>do[opr]_v1_[a-f0-9]{64})\b"),
        &[("DIGITALOCEAN_TOKEN=dop_v1_", "3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e2b4d6f8a0c1e3f5a7b9d2c4e6f8a0b1c")],
        &["dop_v1_xxx"],
    ),
    provider(
        "shopify-token",
        "Shopify access token",
        &["shp"],
        concat!(key_start!(), r"(?P<secret>shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b"),
        &[("shpat_", "3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e")],
        &["shpat_xxxx"],
    ),
    provider(
        "discord-webhook",
        "Discord webhook URL",
        &["discord"],
        r"(?P<secret>https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{60,})",
        &[(
            "https://discord.com/api/webhooks/123456789012345678/",
            "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz7Qw5Ep2Ry9Ut4Io8",
        )],
        &["https://discord.com/api/webhooks/..."],
    ),
    Rule {
        id: "discord-bot-token",
        description: "Discord bot token",
        // Named for Discord, or sent in the `Bot` scheme of an Authorization header (Discord's).
        keywords: &["discord", "authorization"],
        regex: r#"(?i)(?:discord[\w.-]{0,20}?(?:token|key)[\w.-]*["']?\s*(?:[:=]|:=|=>)\s*["']?|authorization["']?\s*[:=,]\s*["']?bot\s+)(?P<secret>[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})"#,
        min_entropy: 3.5,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[
            ("DISCORD_BOT_TOKEN=MTA4Xr4bT9qLm2Vz8Kp1Wn6Yc3.GhJkLm.", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra"),
            (
                "curl https://discord.com/api/v10/users/@me -H \"Authorization: Bot MTA4Xr4bT9qLm2Vz8Kp1Wn6Yc3.GhJkLm.",
                "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra\"",
            ),
        ],
        negatives: &["DISCORD_BOT_TOKEN=your-token"],
    },
    provider(
        "telegram-bot-token",
        "Telegram bot token",
        &[":AA"],
        r"(?:^|[^0-9])(?P<secret>\d{8,12}:AA[A-Za-z0-9_-]{33})(?:[^A-Za-z0-9_-]|$)",
        &[
            ("TELEGRAM_BOT_TOKEN=1234567890:AA", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue"),
            (
                "curl https://api.telegram.org/bot1234567890:AA",
                "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue/sendMessage",
            ),
        ],
        &["1234567890:AAxxxx"],
    ),
    Rule {
        id: "datadog-api-key",
        description: "Datadog API key",
        // The pattern ignores case through a group, not a leading `(?i)`, so these
        // spellings are taken as written: no `Dd_api` and such in the pre-filter.
        keywords: &["datadog", "DATADOG", "Datadog", "dd_api", "DD_API", "dd-api", "DD-API"],
        regex: r#"(?i:(?:datadog|dd)[_.-]?api[_.-]?key["']?\s*(?:[:=]|:=|=>)\s*["']?(?P<secret>[a-f0-9]{32})\b)"#,
        min_entropy: 3.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[
            ("DD_API_KEY=3f9a1c7e5b2d8f4a", "6c0e9b1d3f5a7c9e"),
            ("curl -H \"DD-API-KEY: 3f9a1c7e5b2d8f4a", "6c0e9b1d3f5a7c9e\" https://api.datadoghq.com"),
        ],
        negatives: &["DD_API_KEY=<your datadog key>", "DD_API_KEY=${DD_API_KEY}"],
    },
    Rule {
        id: "datadog-app-key",
        description: "Datadog application key",
        // 40 hex digits, as a git commit is: taken under an application key's name, and
        // under a bare `app_key` only where Datadog is named above it (a Terraform
        // `provider "datadog"` block, `from datadog import initialize`).
        keywords: &[
            "app_key",
            "APP_KEY",
            "appKey",
            "AppKey",
            "appkey",
            "APPKEY",
            "app-key",
            "APP-KEY",
            "application_key",
            "APPLICATION_KEY",
            "applicationKey",
            "ApplicationKey",
            "application-key",
            "APPLICATION-KEY",
        ],
        regex: r#"(?:^|[^A-Za-z0-9])(?i:(?:datadog|dd)?[_.-]?app(?:lication)?[_.-]?key["']?\s*(?:[:=]|:=|=>)\s*["']?(?P<secret>[a-f0-9]{40})\b)"#,
        min_entropy: 3.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: Some(filter::not_near_datadog),
        positives: &[
            ("DD_APP_KEY=3f9a1c7e5b2d8f4a6c0e9b1d", "3f5a7c9e2b4d6f8a"),
            ("DATADOG_APPLICATION_KEY: \"3f9a1c7e5b2d8f4a6c0e9b1d", "3f5a7c9e2b4d6f8a\""),
            ("provider \"datadog\" {\n  app_key = \"3f9a1c7e5b2d8f4a6c0e9b1d", "3f5a7c9e2b4d6f8a\"\n}"),
        ],
        negatives: &[
            "DD_APP_KEY=<your application key>",
            "app_key = \"3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e2b4d6f8a\"",
            "whatsapp_key: 3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e2b4d6f8a",
        ],
    },
    Rule {
        id: "algolia-api-key",
        description: "Algolia API key",
        // 32 hex digits, as an MD5 is: taken under a name that says Algolia, and under a
        // bare `apiKey`/`api_key` only where Algolia is named above it (the client's
        // import, a DocSearch setup). A search-only key is public by design: a note
        // (`filter::only_a_note`).
        keywords: &["algolia", "apiKey", "ApiKey", "api_key", "api-key"],
        regex: r#"(?i)(?:^|[^a-z0-9])(?:algolia[_.-]?(?:admin|write|search(?:[_.-]?only)?)?[_.-]?(?:api[_.-]?)?key|(?:search[_.-]?(?:only[_.-]?)?)?api[_.-]?key)["']?\s*(?:[:=]|:=|=>)\s*["']?(?P<secret>(?-i:[a-f0-9]{32}))\b"#,
        min_entropy: 3.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: Some(filter::not_near_algolia),
        positives: &[
            ("ALGOLIA_ADMIN_KEY=3f9a1c7e5b2d8f4a", "6c0e9b1d3f5a7c9e"),
            ("algoliaApiKey: \"3f9a1c7e5b2d8f4a", "6c0e9b1d3f5a7c9e\""),
            (
                "import algoliasearch from 'algoliasearch';\nconst apiKey = '3f9a1c7e5b2d8f4a",
                "6c0e9b1d3f5a7c9e';",
            ),
        ],
        negatives: &[
            "ALGOLIA_API_KEY=<your admin key>",
            "ALGOLIA_APP_ID = \"3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e\"",
            "etag: 3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e",
        ],
    },
    Rule {
        id: "sentry-dsn",
        description: "Sentry DSN (public by design: clients send events with it)",
        keywords: &["sentry"],
        regex: r"(?P<secret>https://[a-f0-9]{32}(?::[a-f0-9]{32})?@[A-Za-z0-9.-]*sentry[A-Za-z0-9.-]*/\d+)",
        min_entropy: 0.0,
        files: &[],
        kind: Kind::Public,
        multiline: false,
        except: None,
        positives: &[(
            "SENTRY_DSN=https://3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e",
            "@o123456.ingest.sentry.io/7654321",
        )],
        negatives: &["https://examplePublicKey@o0.ingest.sentry.io/0"],
    },
    provider(
        "sentry-auth-token",
        "Sentry auth token",
        &["sntry"],
        concat!(key_start!(), r"(?P<secret>sntry[su]_[A-Za-z0-9+/=_]{50,})"),
        &[("SENTRY_AUTH_TOKEN=sntryu_", "3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e2b4d6f8a0c1e3f5a7b9d2c4e6f8a0b1c")],
        &["sntryu_..."],
    ),
    provider(
        "logfire-token",
        // `pylf_v1_<region>_<token>`: write tokens, API keys and Pydantic AI Gateway keys.
        "Pydantic Logfire token",
        &["pylf_v"],
        concat!(key_start!(), r"(?P<secret>pylf_v[0-9]+_[a-z]{2,10}_[A-Za-z0-9]{40,60})\b"),
        &[("LOGFIRE_TOKEN=pylf_v1_us_", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8M")],
        &["LOGFIRE_TOKEN=\"pylf_v1_us_...\"", "pylf_v1_your_logfire_token_here", "pylf_v1_eu_secret"],
    ),
    provider(
        "langsmith-api-key",
        "LangSmith API key",
        &["lsv2_"],
        concat!(key_start!(), r"(?P<secret>lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})\b"),
        &[("LANGSMITH_API_KEY=lsv2_pt_", "3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e_1a2b3c4d5e")],
        &["lsv2_pt_..."],
    ),
    provider(
        "tavily-api-key",
        "Tavily API key",
        &["tvly-"],
        concat!(key_start!(), r"(?P<secret>tvly-(?:[a-z]{3,4}-)?[A-Za-z0-9]{32})\b"),
        &[
            ("TAVILY_API_KEY=tvly-", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0U"),
            ("TAVILY_API_KEY=tvly-dev-Xr4bT9qLm2", "Vz8Kp1Wn6Yc3Hd7Js5Fg0U"),
        ],
        &["tvly-xxxx"],
    ),
    provider(
        "google-oauth-client-secret",
        "Google OAuth client secret",
        &["GOCSPX-"],
        concat!(key_start!(), r"(?P<secret>GOCSPX-[A-Za-z0-9_-]{28})(?:[^A-Za-z0-9_-]|$)"),
        &[("GOOGLE_CLIENT_SECRET=GOCSPX-9ILuLFQOwsUaFs", "q6dLTncGOukXcd")],
        &["GOOGLE_CLIENT_SECRET=GOCSPX-...", "GOCSPX-xxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    ),
    provider(
        "aws-bedrock-api-key",
        "Amazon Bedrock API key",
        &["ABSK", "bedrock-api-key-"],
        // Not inside a longer base64 run (`…+ABSK…` in a data blob).
        r"(?:^|[^A-Za-z0-9+/])(?P<secret>ABSK[A-Za-z0-9+/]{109,269}={0,2}|bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%_-]{20,})",
        &[(
            "AWS_BEARER_TOKEN_BEDROCK=ABSKjGm1q4iy9zMYerJRGiy6CXsOY3B+UYVLw+OjUnq/G57Bs5GVWve",
            "jRcw6RRXArMYjOyOFkbQkwovDi//LdTXligIKOgqkZ7fAX0jWjABS457HYvUzMLoIKgbF",
        )],
        &[
            "AWS_BEARER_TOKEN_BEDROCK=ABSK...",
            "data:application/octet-stream;base64,Zm9vYmFy+ABSKjGm1q4iy9zMYerJRGiy6CXsOY3B+UYVLw+OjUnq/G57Bs5GVWvejRcw6RRXArMYjOyOFkbQkwovDi//LdTXligIKOgqkZ7fAX0jWjABS457HYvUzMLoIKgbF",
        ],
    ),
    provider(
        "elevenlabs-api-key",
        "ElevenLabs API key",
        &["sk_"],
        concat!(key_start!(), r"(?P<secret>sk_[a-f0-9]{48})\b"),
        &[("ELEVENLABS_API_KEY=sk_579ebaed36c168589b1f", "838d586a3c82a5592716b0ce525c")],
        &["ELEVENLABS_API_KEY=sk_...", "sk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    ),
    provider(
        "pinecone-api-key",
        "Pinecone API key",
        &["pcsk_"],
        concat!(key_start!(), r"(?P<secret>pcsk_[A-Za-z0-9]{5,6}_[A-Za-z0-9]{60,70})\b"),
        &[(
            "PINECONE_API_KEY=pcsk_nXDGHN_lofPyDqJK3l7xCJ7mum9l",
            "agc3si3OMjNE0mYbIpXKuSZrRQInIl7o2Qt2ZGKqp2",
        )],
        &["PINECONE_API_KEY=pcsk_..."],
    ),
    provider(
        "firecrawl-api-key",
        "Firecrawl API key",
        &["fc-"],
        concat!(key_start!(), r"(?P<secret>fc-[a-f0-9]{32})\b"),
        &[("FIRECRAWL_API_KEY=fc-0540e780be15d391", "de47b60d2621e381")],
        &["FIRECRAWL_API_KEY=fc-YOUR_API_KEY", "fc-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    ),
    provider(
        "jina-api-key",
        "Jina AI API key",
        &["jina_"],
        concat!(key_start!(), r"(?P<secret>jina_[A-Za-z0-9]{40,80})\b"),
        &[("JINA_API_KEY=jina_ZnaDLb5yOxctPMPXmnCYeYUEyT", "ZCWy8CQP2rGYq5AAnJpBKcC7bIFvg0DHxM")],
        &["JINA_API_KEY=jina_...", "jina_embeddings_v3_base_multilingual_model"],
    ),
    Rule {
        id: "fireworks-api-key",
        description: "Fireworks AI API key",
        keywords: &["fw_"],
        regex: concat!(key_start!(), r"(?P<secret>fw_[A-Za-z0-9]{24,48})\b"),
        // A camel-case identifier after `fw_` is letters with repeats; a key is random.
        min_entropy: 4.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[("FIREWORKS_API_KEY=fw_NBQkSGn9ks", "WEbOk2qziqtrdu")],
        negatives: &[
            "FIREWORKS_API_KEY=fw_...",
            "fw_FirmwareVersionIdentifierString",
            "fw_ReadConfigurationRegisterBlock",
            "fw_GetDeviceFirmwareVersionString",
        ],
    },
    provider(
        "together-api-key",
        "Together AI API key",
        // `tgp_v1_` holds `_v1_`, a keyword already: the pre-filter pays nothing more. The
        // older keys, 64 hex, only under Together's name.
        &["_v1_", "together", "Together", "TOGETHER"],
        concat!(
            key_start!(),
            r"(?P<secret>tgp_v1_[A-Za-z0-9_-]{40,64})(?:[^A-Za-z0-9_-]|$)",
            r#"|(?i:together[\w.-]{0,20}?(?:\(\s*[\w.-]{0,12}?)?key["']?\s*(?:[:=]|:=|=>)\s*["']?)(?P<s2>[a-f0-9]{64})\b"#
        ),
        &[
            ("TOGETHER_API_KEY=tgp_v1_MNiXB2uCAroGnrzf", "EoLzo4DCwFYoHyB-8A8rhxRmtr4"),
            (
                "client = Together(api_key=\"3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e",
                "2b4d6f8a3f9a1c7e5b2d8f4a6c0e9b1d\")",
            ),
        ],
        &["TOGETHER_API_KEY=tgp_v1_...", "TOGETHER_API_KEY=<your-key>"],
    ),
    provider(
        "nvidia-api-key",
        "NVIDIA API key (build.nvidia.com, NIM)",
        &["nvapi-"],
        concat!(key_start!(), r"(?P<secret>nvapi-[A-Za-z0-9_-]{64})(?:[^A-Za-z0-9_-]|$)"),
        &[("NVIDIA_API_KEY=nvapi-zdsIK-rPYS7EMlbLY6cbdupSa1drtRpP", "z9lLf-88x2iU-ju0plKKY7K41V7vDLa1")],
        &["NVIDIA_API_KEY=nvapi-..."],
    ),
    Rule {
        id: "resend-api-key",
        description: "Resend API key",
        keywords: &["re_"],
        regex: concat!(key_start!(), r"(?P<secret>re_[A-Za-z0-9]{8}_[A-Za-z0-9]{20,32})\b"),
        min_entropy: 3.5,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[("RESEND_API_KEY=re_X59W8vDX_", "uHuS9BQZWhSLUyVWKugzkiD1")],
        negatives: &[
            "RESEND_API_KEY=re_...",
            "re_compile_MultilinePatternMatcher",
            "re_username_validationPatternStrict = re.compile(x)",
        ],
    },
    Rule {
        id: "notion-token",
        description: "Notion integration token",
        // The legacy form is `secret_` and exactly 43 letters and digits; a name made of
        // words that long (`secret_ConfigurationOfTheApplicationServer`) is set aside.
        keywords: &["ntn_", "secret_"],
        regex: concat!(
            key_start!(),
            r"(?:(?P<secret>ntn_\d{11}[A-Za-z0-9]{35})|(?P<s2>secret_[A-Za-z0-9]{43}))\b"
        ),
        min_entropy: 3.5,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[
            ("NOTION_TOKEN=ntn_09386685058xlRLKej0rN", "042fSzQ1zY0BPsJz49BfqiSrr"),
            ("NOTION_API_KEY=secret_qYCIdFwosnt1QIyC2U2", "HKWyvT15wU6IX6Um7Jme8Fv9"),
            ("{\"apiKey\": \"secret_qYCIdFwosnt1QIyC2U2", "HKWyvT15wU6IX6Um7Jme8Fv9\"}"),
        ],
        negatives: &[
            "NOTION_TOKEN=ntn_...",
            "NOTION_TOKEN=secret_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "secret_ConfigurationOfTheApplicationServerAb",
        ],
    },
    provider(
        "linear-api-key",
        "Linear API key",
        &["lin_api_"],
        concat!(key_start!(), r"(?P<secret>lin_api_[A-Za-z0-9]{40})\b"),
        &[("LINEAR_API_KEY=lin_api_CSEV63mJi5WuZLJLG7zt", "uCSbeZABD6E4oly0EBBB")],
        &["LINEAR_API_KEY=lin_api_..."],
    ),
    provider(
        "supabase-secret-key",
        "Supabase secret key or access token",
        &["sbp_", "sb_secret_"],
        concat!(key_start!(), r"(?P<secret>sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{24,})"),
        &[
            ("SUPABASE_ACCESS_TOKEN=sbp_bc8335ed6febb889b17b", "2e6626c654ceebdfd243"),
            ("SUPABASE_SECRET_KEY=sb_secret_ZLJBo8MHKdUQ", "otzl7Kx6m9_uqTD4btt"),
        ],
        &["SUPABASE_SECRET_KEY=sb_secret_...", "SUPABASE_PUBLISHABLE_KEY=sb_publishable_ZLJBo8MHKdUQ"],
    ),
    provider(
        "databricks-token",
        "Databricks personal access token",
        &["dapi"],
        concat!(key_start!(), r"(?P<secret>dapi[a-f0-9]{32}(?:-\d)?)\b"),
        &[("DATABRICKS_TOKEN=dapi0559c121604c5dc7", "c1158ade60b349c9")],
        &["DATABRICKS_TOKEN=dapi...", "dapixxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    ),
    provider(
        "cloudflare-api-token",
        "Cloudflare API token or global key (scannable format)",
        &["cfut_", "cfat_", "cfk_"],
        concat!(key_start!(), r"(?P<secret>cf(?:ut|at|k)_[A-Za-z0-9]{48})\b"),
        &[("CLOUDFLARE_API_TOKEN=cfut_uShfB9jWiPaMF4Cpakyh1j", "JxHEirlLvRAHUzQKOJabbcb8a7")],
        &["CLOUDFLARE_API_TOKEN=cfut_..."],
    ),
    provider(
        "doppler-token",
        "Doppler token",
        &["dp."],
        concat!(
            key_start!(),
            r"(?P<secret>dp\.(?:pt|st|ct|sa|scim|audit)(?:\.[a-z0-9_-]{2,35})?\.[A-Za-z0-9]{40,44})\b"
        ),
        &[("DOPPLER_TOKEN=dp.pt.S0KxkPZYV46liWUtKE5pn", "jhmU25D0O3OP9U8ChppMpk")],
        &["DOPPLER_TOKEN=dp.st.prd.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    ),
    provider(
        "1password-service-account-token",
        "1Password service account token",
        &["ops_eyJ"],
        concat!(key_start!(), r"(?P<secret>ops_eyJ[A-Za-z0-9+/]{200,}={0,3})"),
        &[(
            "OP_SERVICE_ACCOUNT_TOKEN=ops_eyJUbyDG1TdVYkaGbWXsd9D+6Y993Cm6gjM0SCe1857rzO1V4z9belX9KXssd9QgGJVxx0gRMfEI3vXoePweqqA3ZCBnad4Me9bUHkMrXc6ZMPbsEm6z4",
            "fOAwCN7QtT3LUov/b9WSO5RZLi3B2TQhwC7605R8U3claDNn+zwM67enyslh45Jh3Bx9LExIuprHl/KB6GGy5AYvfmKVhDE4X3RLV0L+TSQmmzloQe7vdTS+5kf8WsJHVJ6dGvQtaxeo2Ivd1",
        )],
        &["OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ..."],
    ),
    provider(
        "1password-secret-key",
        "1Password account secret key",
        &["A3-"],
        concat!(
            key_start!(),
            r"(?P<secret>A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})\b"
        ),
        &[("A3-W0LQ0Q-N4K4FW", "L9I0L-7QK2M-P8ZR4-XH3TB")],
        &["A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX"],
    ),
    provider(
        "vault-token",
        "HashiCorp Vault service or batch token",
        &["hvs.", "hvb."],
        concat!(
            key_start!(),
            r"(?P<secret>hvs\.[A-Za-z0-9_-]{90,120}|hvb\.[A-Za-z0-9_-]{138,300})(?:[^A-Za-z0-9_-]|$)"
        ),
        &[(
            "VAULT_TOKEN=hvs.dBNhQcAMlQXxCYWt8twt3R9leYHcs9p6YBisRfOUXNqbW_z4Va",
            "ka3oci1p6PZmAhqcxIyCPnVYYGRA5fTvrFs6ozfxy",
        )],
        &["VAULT_TOKEN=hvs.xxxxxxxx", "VAULT_TOKEN=hvs...."],
    ),
    provider(
        "terraform-cloud-token",
        "HCP Terraform (Terraform Cloud) or Vagrant Cloud API token",
        &[".atlasv1."],
        concat!(
            key_start!(),
            r"(?P<secret>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})(?:[^A-Za-z0-9_=-]|$)"
        ),
        &[(
            "TF_TOKEN_app_terraform_io=BhYgqLRuetjg8G.atlasv1.gOemgRrv9WwLU",
            "vObMN1EpZ9kp1F0SJFoOGCCJ69DfoUsxK0qr7oSglJOQdJAls0myjx",
        )],
        &["token = \"xxxxxxxxxxxxxx.atlasv1.xxxxxxxx\""],
    ),
    provider(
        "grafana-token",
        "Grafana Cloud access policy or service account token",
        &["glc_eyJ", "glsa_"],
        concat!(
            key_start!(),
            r"(?P<secret>glc_eyJ[A-Za-z0-9+/]{60,400}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?:[^A-Za-z0-9+/=_]|$)"
        ),
        &[
            ("GRAFANA_TOKEN=glsa_6A6fzMdOCK34Khi3UmtM", "6L2jCDKwbXRR_1c0e5dcc"),
            (
                "glc_eyJGOtGiYvkeTaAvbZ4uaMMPlVFsL0tRqxLcNtukSV8AIp4F9UsU5",
                "Z4yhrT7abIVmDqTK+fniePN2HsKRRUPZ4UJaI6pYuOlZkzaxsr",
            ),
        ],
        &["GRAFANA_TOKEN=glsa_..."],
    ),
    provider(
        "new-relic-user-key",
        "New Relic user API key",
        &["NRAK-"],
        concat!(key_start!(), r"(?P<secret>NRAK-[A-Z0-9]{27})\b"),
        &[("NEW_RELIC_API_KEY=NRAK-U2KI2AL9IYEA", "CW4TZ1FZL57XITB")],
        &["NEW_RELIC_API_KEY=NRAK-XXXXXXXXXXXXXXXXXXXXXXXXXXX"],
    ),
    provider(
        "planetscale-token",
        "PlanetScale service token, OAuth token or password",
        &["pscale_"],
        concat!(key_start!(), r"(?P<secret>pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.=-]{32,64})"),
        &[("DATABASE_PASSWORD=pscale_pw_fPQvuO3W6Jv9fg_", "SuxSGT6NGEIU75faojtRYqlljtbF")],
        &["DATABASE_PASSWORD=pscale_pw_..."],
    ),
    provider(
        "atlassian-api-token",
        "Atlassian (Jira, Confluence) API token",
        &["ATATT3", "ATCTT3"],
        concat!(key_start!(), r"(?P<secret>AT[AC]TT3[A-Za-z0-9_=-]{150,300})"),
        &[(
            "JIRA_API_TOKEN=ATATT3SkA8qncfCv0a2Vs2IACJ2kDRbeBZYyPcPihLOqZFANjf6gQU4f6-s6fXFCv02wVsB7JiepyoIfSA9",
            "xtbO1u8gIhHH0GDUqqrJNOmK_ZIGiX6YjqTFDa_OBOsXh2o1jKl6dJ5fABlIYb30n7ug1SSL6ka7d13l2FK_d3LZREmJEGsCmg5ZD3D=AD47AC2D",
        )],
        &["JIRA_API_TOKEN=ATATT3..."],
    ),
    provider(
        "figma-token",
        "Figma personal access token",
        &["figd_"],
        concat!(key_start!(), r"(?P<secret>figd_[A-Za-z0-9_-]{40,})"),
        &[("FIGMA_TOKEN=figd_eTWP4QIAA3Vg4iPcZbI", "hLOc_6SERRiyzfxxmtjRp")],
        &["FIGMA_TOKEN=figd_..."],
    ),
    provider(
        "heroku-api-key",
        "Heroku API key",
        &["HRKU-"],
        concat!(key_start!(), r"(?P<secret>HRKU-AA[A-Za-z0-9_-]{58})(?:[^A-Za-z0-9_-]|$)"),
        &[("HEROKU_API_KEY=HRKU-AA2yZ_8dWKccC0bbDNxk8sVo5V", "vftl4Az30t9sav3aXG7lG6YiJfYF8vJhFz")],
        &["HEROKU_API_KEY=HRKU-..."],
    ),
    provider(
        "uuid-api-key",
        "API key in UUID form, named for its provider (Heroku's classic keys, Postmark, Exa)",
        &["heroku", "postmark", "exa_api", "exa-api", "exaApi"],
        r#"(?i)(?:heroku|postmark|exa)[A-Za-z0-9_.-]{0,30}(?:key|token)[A-Za-z0-9_.-]{0,10}["'`]?\s*(?:=|:=|=>|:)\s*["'`]?(?P<secret>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"#,
        &[
            ("HEROKU_API_KEY=5c3e1a7b-9d2f-", "4e8a-b6c1-0f2e4d6a8b9c"),
            ("postmark_server_token: \"a81f3c2e-", "6b4d-4f19-9e7a-3d5c1b8f2e60\""),
            ("EXA_API_KEY=\"0d9e8f7a-6b5c-", "4d3e-a2f1-9e8d7c6b5a43\""),
        ],
        &[
            "HEROKU_APP_ID=5c3e1a7b-9d2f-4e8a-b6c1-0f2e4d6a8b9c",
            "HEROKU_API_KEY=00000000-0000-0000-0000-000000000000",
            "request_id = 5c3e1a7b-9d2f-4e8a-b6c1-0f2e4d6a8b9c",
        ],
    ),
    Rule {
        id: "private-key",
        description: "Private key block (RSA, EC, DSA, OpenSSH, PGP, PKCS#8)",
        keywords: &["PRIVATE KEY"],
        regex: r"(?P<secret>-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:\\[nr]|\s)*[A-Za-z0-9+/=:\s\\,-]{64,}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)",
        min_entropy: 0.0,
        files: &[],
        kind: Kind::Provider,
        multiline: true,
        except: None,
        positives: &[(
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAxr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6V\nc3Xz7Qw5Ep2Ry9Ut4Io8Pa1Sd6Fg3Hj7Kl0Zx5Cv2Bn9Mq4Wr",
            "7Ty1Ui3Op5As8Df\n-----END RSA PRIVATE KEY-----",
        )],
        negatives: &[
            "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
            "-----BEGIN PUBLIC KEY-----",
        ],
    },
    Rule {
        id: "supabase-service-role-key",
        description: "Supabase service_role key (a JWT that bypasses row-level security)",
        keywords: &["eyJ"],
        regex: concat!(
            key_start!(),
            r"(?P<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,})"
        ),
        min_entropy: 0.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: Some(filter::not_supabase_service_role),
        positives: &[(
            "SUPABASE_SERVICE_ROLE_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InF3ZXJ0eXVpb3Bhc2RmZ2hqa2x6Iiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoyMDAwMDAwMDAwfQ",
            ".Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8",
        )],
        negatives: &[
            "SUPABASE_ANON_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InF3ZXJ0eXVpb3Bhc2RmZ2hqa2x6Iiwicm9sZSI6ImFub24iLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MjAwMDAwMDAwMH0.Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8",
        ],
    },
    Rule {
        id: "supabase-anon-key",
        description: "Supabase anon key (public by design: it only has the rights row-level security gives anyone)",
        keywords: &["eyJ"],
        regex: concat!(
            key_start!(),
            r"(?P<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,})"
        ),
        min_entropy: 0.0,
        files: &[],
        kind: Kind::Public,
        multiline: false,
        except: Some(filter::not_supabase_anon),
        positives: &[(
            "NEXT_PUBLIC_SUPABASE_ANON_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InF3ZXJ0eXVpb3Bhc2RmZ2hqa2x6Iiwicm9sZSI6ImFub24iLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MjAwMDAwMDAwMH0",
            ".Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8",
        )],
        negatives: &[
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        ],
    },
    Rule {
        id: "posthog-project-key",
        description: "PostHog project API key (public by design: it only sends events)",
        keywords: &["phc_"],
        regex: concat!(key_start!(), r"(?P<secret>phc_[A-Za-z0-9]{30,60})\b"),
        min_entropy: 3.0,
        files: &[],
        kind: Kind::Public,
        multiline: false,
        except: None,
        positives: &[("posthog.init('phc_Xr4bT9qLm2Vz8Kp1Wn6Yc3", "Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1')")],
        negatives: &["POSTHOG_KEY=phc_your_project_key"],
    },
    Rule {
        id: "stripe-publishable-key",
        description: "Stripe publishable key (public by design: it belongs in client code)",
        keywords: &["pk_live_", "pk_test_"],
        regex: concat!(key_start!(), r"(?P<secret>pk_(?:live|test)_[A-Za-z0-9]{20,120})\b"),
        min_entropy: 3.0,
        files: &[],
        kind: Kind::Public,
        multiline: false,
        except: None,
        positives: &[("STRIPE_PUBLISHABLE_KEY=pk_live_51Xr4bT9qLm2", "Vz8Kp1Wn6Yc3Hd7Js5")],
        negatives: &["pk_live_xxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    provider(
        "jwt",
        "JSON Web Token",
        &["eyJ"],
        concat!(
            key_start!(),
            r"(?P<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,})"
        ),
        &[(
            "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjoxOTk5OTk5OTk5fQ",
            ".Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti",
        )],
        &[
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        ],
    ),
    Rule {
        id: "url-credentials",
        description: "Password in a URL (database, broker, git or registry URL)",
        keywords: &["://"],
        regex: r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|https?|ftps?|sftp|ldaps?|smtps?|nats|kafka|clickhouse|cockroachdb|neo4j(?:\+s)?|jdbc:[a-z]+)://[^:@/\s'`]{0,64}:(?P<secret>[^@/\s'`]{3,128})@[A-Za-z0-9._-]+",
        min_entropy: 0.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: Some(filter::url_is_not_a_credential),
        positives: &[
            ("DATABASE_URL=postgres://app:Xr4bT9qLm2", "Vz8Kp1@db.internal:5432/app"),
            ("https://deploy:Xr4bT9qLm2Vz8Kp1", "@github.com"),
        ],
        negatives: &[
            "postgres://user:password@localhost/db",
            "postgres://user:${DB_PASSWORD}@db/app",
            "redis://:<password>@host",
            "https://user:pass@example.com",
        ],
    },
    Rule {
        id: "netrc-password",
        description: "Password in a .netrc file",
        keywords: &["password"],
        regex: r"(?:^|\s)password\s+(?P<secret>\S{4,})",
        min_entropy: 0.0,
        files: &[".netrc", "_netrc"],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[("machine api.example.com login me password Xr4bT9q", "Lm2Vz8Kp1")],
        negatives: &[],
    },
    Rule {
        id: "pgpass-password",
        description: "Password in a .pgpass file",
        keywords: &[":"],
        regex: r"^[^:\s#]+:[^:\s]+:[^:\s]+:[^:\s]+:(?P<secret>\S{4,})$",
        min_entropy: 0.0,
        files: &[".pgpass", "pgpass.conf"],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[("db.internal:5432:app:app:Xr4bT9q", "Lm2Vz8Kp1")],
        negatives: &[],
    },
    Rule {
        id: "npmrc-auth",
        description: "Registry credential in an .npmrc file",
        keywords: &["_auth", "_password"],
        regex: r#"(?:_authToken|_auth|_password)\s*=\s*["']?(?P<secret>[^\s"'$]{16,})"#,
        min_entropy: 3.0,
        files: &[".npmrc", ".yarnrc"],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[("//npm.pkg.github.com/:_authToken=Xr4bT9qLm2", "Vz8Kp1Wn6Yc3Hd7Js5")],
        negatives: &["//registry.npmjs.org/:_authToken=${NPM_TOKEN}"],
    },
    Rule {
        id: "ansible-password",
        description: "Ansible connection or become password (ansible_password, ansible_ssh_pass, ansible_become_pass)",
        keywords: &["ansible_"],
        // `ansible_password`, `ansible_ssh_pass`, `ansible_become_password`,
        // `ansible_sudo_pass`…: as `name=value` in an INI inventory or `-e`, `name: value`
        // in YAML vars.
        // Before `ini-password`, which an INI inventory's line also matches: the finding
        // names Ansible.
        regex: r#"\bansible_(?:[a-z]+_){0,2}pass(?:word)?["']?[ \t]*[:=][ \t]*["']?(?P<secret>[^\s"']{4,256})"#,
        min_entropy: 0.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: Some(filter::ansible_value_is_not_a_password),
        positives: &[
            ("web1 ansible_host=10.0.0.5 ansible_user=deploy ansible_password=Xr4bT9q", "Lm2Vz8Kp1"),
            ("ansible_become_password: \"Tr0ub4dor", "&3x\""),
            ("ansible_ssh_pass: Xr4b!T9q", "Lm2Vz"),
        ],
        negatives: &[
            "ansible_password: \"{{ vault_ansible_password }}\"",
            "ansible_become_pass: '{{vault_become_pass}}'",
            "ansible_password: !vault |",
            "ansible_password: \"{{ lookup('env', 'ANSIBLE_PASSWORD') }}\"",
            "ansible_password=vault://kv/hosts#web1",
            "ansible_become_password_file: /etc/ansible/become.txt",
            "ansible_password: changeme",
        ],
    },
    Rule {
        id: "ini-password",
        description: "Password in an INI-style config file (my.cnf, odbc.ini, .pypirc, setup.cfg, *.properties…)",
        keywords: &["pass", "pwd", "secret"],
        // A `password`, `passwd`, `pwd`, `pass`, `passphrase` or `secret` key at the start
        // of its line (a commented-out line is an example), `=` or `:`, and the value.
        regex: r#"(?i)^[ \t]*(?:[A-Za-z0-9_.-]*(?:passw(?:or)?d|pwd|passphrase|secret)[A-Za-z0-9_.-]*|(?:[A-Za-z0-9_.-]*[_.-])?pass)[ \t]*[=:][ \t]*["']?(?P<secret>[^\s"']{4,256})"#,
        min_entropy: 0.0,
        files: &["*.ini", "*.cfg", "*.conf", "*.cnf", "*.properties", ".pypirc", ".s3cfg", ".boto"],
        kind: Kind::Provider,
        multiline: false,
        except: Some(filter::ini_value_is_not_a_password),
        positives: &[
            ("[client]\nuser = app\npassword = Xr4bT9q", "Lm2Vz8Kp1"),
            ("PWD=Xr4b!T9q", "Lm2Vz"),
            ("  db.password: \"Tr0ub4dor", "&3x\""),
            ("secret_key = Xr4bT9qLm2Vz8Kp1Wn6Y", "c3Hd7Js5Fg0Ue2Ra9Ti4"),
        ],
        negatives: &[
            "password =",
            "password = changeme",
            "password = secret123",
            "password = %(db_password)s",
            "password = ${DB_PASSWORD}",
            "password = $DB_PASSWORD",
            "password = %DB_PASSWORD%",
            "password = {{ db_password }}",
            "password = <your password>",
            "password = vault://kv/app#db",
            "password = op://Private/db/password",
            "password = aws-sm://prod/db#password",
            "password_file = /run/secrets/Xr4bT9qLm2",
            "password_encryption = scram-sha-256",
            "# password = Xr4b!T9q",
            "bypass = Xr4bT9qLm2Vz8Kp1",
            "password = None",
        ],
    },
    Rule {
        id: "cli-password",
        description: "Password on a command line (docker login -p, mysql -p…, sshpass -p)",
        keywords: &["docker", "mysql", "sshpass", "mariadb"],
        regex: r#"(?:docker\s+login\b[^\n]*?\s(?:-p|--password)(?:\s+|=)|\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]*?\s-p|\bsshpass\s+-p\s*)["']?(?P<secret>[^\s"'$-][^\s"']{5,})"#,
        min_entropy: 2.5,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: None,
        positives: &[
            ("docker login -u me -p Xr4bT9qLm2", "Vz8Kp1 registry.example.com"),
            ("mysql -u root -pXr4bT9q", "Lm2Vz8 app"),
        ],
        negatives: &["docker login -u me -p $DOCKER_PASSWORD", "mysql -u root -p app"],
    },
    Rule {
        id: "kubeconfig-client-key",
        description: "Base64 private key in a kubeconfig (client-key-data)",
        keywords: &["client-key-data"],
        regex: r"client-key-data:\s*(?P<secret>[A-Za-z0-9+/=]{40,})",
        min_entropy: 0.0,
        files: &[],
        kind: Kind::Provider,
        multiline: false,
        except: Some(filter::not_a_private_key),
        positives: &[(
            "    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFcEFJQkFBS0NBUUVB",
            "eHI0YlQ5cUxtMlZ6OEtwMVduNlljM0hkN0pzNUZnMFVlMlJhOVRpNE9sOE1rMU5iNlYK",
        )],
        negatives: &["    client-key-data: REDACTED"],
    },
    Rule {
        id: "litellm-config-key",
        description: "API or master key in a LiteLLM proxy config",
        keywords: &["api_key", "master_key", "salt_key"],
        // A provider's key here is its provider's finding (those rules come first); this
        // one names LiteLLM for a key of no known format, and for the proxy's own keys.
        // `os.environ/NAME` is LiteLLM's reference to the environment.
        regex: r#"(?:^|[\s{,"'])(?:[a-z0-9_]*api_key|master_key|salt_key)["']?[ \t]*:[ \t]*["']?(?P<secret>[A-Za-z0-9+/=_\-.~!@#%^&*]{12,200})(?:["'`,;\s)}\]]|$)"#,
        min_entropy: 3.5,
        files: &[],
        kind: Kind::Generic,
        multiline: false,
        except: Some(filter::not_in_a_litellm_config),
        positives: &[
            (
                "model_list:\n  - model_name: claude\n    litellm_params:\n      model: anthropic/claude-sonnet-4\n      api_key: Xr4bT9qLm2Vz8",
                "Kp1Wn6Yc3Hd7Js5\n",
            ),
            ("general_settings:\n  master_key: Xr4bT9qLm2Vz8", "Kp1Wn6Yc3Hd7Js5\n"),
        ],
        negatives: &[
            "model_list:\n  - litellm_params:\n      api_key: os.environ/AZURE_API_KEY\n",
            "model_list:\n  - litellm_params:\n      api_key: ${OPENAI_API_KEY}\n",
            "general_settings:\n  master_key: sk-1234\n",
            "model_list:\n  - litellm_params:\n      api_key: aws-sm://prod/openai\n",
        ],
    },
    Rule {
        id: "bearer-token",
        description: "Bearer token in an Authorization header (curl, HTTP clients, .http files)",
        keywords: &["Bearer", "bearer", "BEARER"],
        regex: r#"(?i:authorization)["']?\s*[:=,]\s*["']?(?i:bearer)\s+(?P<secret>[A-Za-z0-9._~+/-]{20,512}=*)(?:["'`,;\s)}\]]|$)"#,
        min_entropy: 3.5,
        files: &[],
        kind: Kind::Generic,
        multiline: false,
        except: Some(filter::bearer_caution),
        positives: &[(
            "curl https://api.mistral.ai/v1/models -H \"Authorization: Bearer Xr4bT9qLm2Vz8Kp1",
            "Wn6Yc3Hd7Js5Fg0\"",
        )],
        negatives: &[
            "curl -H \"Authorization: Bearer $MISTRAL_API_KEY\" https://api.mistral.ai",
            "Authorization: Bearer {{token}}",
            "Authorization: Bearer <YOUR_API_KEY>",
            "headers = {\"Authorization\": f\"Bearer {api_key}\"}",
        ],
    },
    Rule {
        id: "basic-auth-password",
        description: "Password in a `-u user:password` / `--user` option (curl and HTTP clients)",
        keywords: &["-u", "--user"],
        regex: r#"(?:^|\s)(?:-u|--user)(?:\s+|=)["']?[^\s:"'$]*:(?P<secret>[^\s"']{8,200})["']?(?:\s|$)"#,
        min_entropy: 3.0,
        files: &[],
        kind: Kind::Generic,
        multiline: false,
        except: Some(filter::basic_auth_caution),
        positives: &[("curl -u api:Xr4bT9qLm2Vz8Kp1", "Wn6Yc3Hd7Js5Fg0 https://api.wandb.ai/graphql")],
        negatives: &[
            "curl -u \"api:$WANDB_API_KEY\" https://api.wandb.ai/graphql",
            "docker run -u 1000:1000 image",
            "curl -u admin:password123 http://localhost:9200",
            "curl --user elastic:changeme http://localhost:9200",
            "git push -u origin main:main",
        ],
    },
    Rule {
        id: "generic-secret",
        description: "High-entropy value assigned to a secret-like name",
        keywords: &["pass", "secret", "token", "key", "pwd", "credential", "auth"],
        regex: r#"(?i)(?:^|[^A-Za-z0-9])(?:[A-Za-z0-9_.-]*(?:passw(?:or)?d|passwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|private[_.-]?key|client[_.-]?secret|master[_.-]?key|credentials?|pwd)[A-Za-z0-9_.-]*)["'`]?\s*(?:=|:|:=|=>|\?=)\s*["'`]?(?P<secret>[A-Za-z0-9+/=_\-.~!@#%^&*]{12,200})(?:["'`,;\s)}\]]|$)"#,
        min_entropy: 3.5,
        files: &[],
        kind: Kind::Generic,
        multiline: false,
        except: Some(filter::generic_caution),
        positives: &[
            ("DB_PASSWORD=Xr4bT9qLm", "2Vz8Kp1Wn6"),
            ("\"client_secret\": \"Xr4bT9qLm2Vz8", "Kp1Wn6Yc3Hd7\""),
        ],
        negatives: &[
            "\"password\": \"Mot de passe\"",
            "password = get_password_from_vault()",
            "api_key = os.environ['OPENAI_PAT']",
            "token: ${{ secrets.GITHUB_TOKEN }}",
            "secret_key_base = <%= ENV['SECRET_KEY_BASE'] %>",
            "PASSWORD=changeme123456",
            "sort_key = 'created_at_descending'",
            "session_token = 550e8400-e29b-41d4-a716-446655440000",
            "credential_id = \"vcrd_8f3kq2m9x7p1z5w4\"",
            "apiKeyId: \"Xr4bT9qLm2Vz8Kp1Wn6\"",
            "token_type = \"Xr4bT9qLm2Vz8Kp1Wn6\"",
            "secretName: api-acme-io-tls-2024",
            "sm.get_secret_value(SecretId=\"prod/billing/stripe-api-key-v3\")",
            "credentials_path = \"/etc/acme/credentials-2024.json\"",
            "password_file = \"/run/secrets/db_password_v2\"",
            "a=ice-ufrag:YnNx\\r\\na=ice-pwd:jIsRuXZmV9Yq00qk4a33Xe\\r\\n",
            "            a=ice-pwd:uoD16Di5OGx3VbqgA3ymjEQV2kwiOjw6",
        ],
    },
];
