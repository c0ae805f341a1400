//! The one answer to "is this a secret?": how sensitive a key and its value are.
//!
//! [`classify`] sorts a key/value pair into [`Class`]; every feature that treats some
//! values as secret asks through one of the purpose functions below, so `--redact`,
//! `scan`, the agent guard and `move --secrets` agree on every value. The thresholds are
//! named constants. This module only judges; it never prints, masks or reads files.
//!
//! A value is a [`Class::Secret`] when it is, in this order:
//! 1. in a known provider's format ([`super::providers::looks_like_real_key`]);
//! 2. a URL that carries a password (`postgres://app:s3cret@db/app`);
//! 3. under a credential's name ([`super::is_secret_name`]) and at least
//!    [`MIN_CREDENTIAL_LEN`] characters long, unless it is a URL without credentials;
//! 4. high-entropy under any name: at least [`ENTROPY_MIN_LEN`] bytes at
//!    [`ENTROPY_MIN_BITS`] bits per byte or more, unless it is plainly configuration
//!    (a URL without credentials, a path or a name built from words and numbers).
//!
//! Empty values and placeholders are never secrets; everything else is configuration
//! (`PORT=8080`, `LOG_LEVEL=debug`, `DEFAULT_MODEL=gpt-4o-mini`,
//! `OPENAI_BASE_URL=https://api.openai.com/v1`).

use super::names::camel_words;
use super::providers::{in_key_format, looks_like_real_key};
use super::{is_placeholder, is_secret_name, looks_like_a_name};
use crate::envfile::RawValue;

/// Shortest value under a credential's name that counts as a secret.
pub const MIN_CREDENTIAL_LEN: usize = 8;
/// Shortest value (in bytes) that can be a secret by its entropy alone.
pub const ENTROPY_MIN_LEN: usize = 16;
/// Shannon entropy, in bits per byte, from which a long value is taken for a secret.
pub const ENTROPY_MIN_BITS: f64 = 3.5;

/// How sensitive a value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// No value at all.
    Empty,
    /// An obvious stand-in (`your-key-here`, `sk-...`, `changeme`).
    Placeholder,
    /// Plain configuration: safe to show.
    Config,
    /// A reference to a secret manager (`vault://kv/app#openai`): it stands for a secret
    /// and is not one (safe to show and commit; the key is a secret variable).
    Reference,
    /// A secret, and why.
    Secret(Why),
}

/// Why a value is a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// It is in a known provider's key format.
    Format,
    /// It is a URL with a password in it.
    UrlPassword,
    /// Its key names a credential.
    Name,
    /// It is long and random.
    Entropy,
}

/// Sorts one key/value pair.
pub fn classify(key: &str, value: &str) -> Class {
    if value.is_empty() {
        return Class::Empty;
    }
    if is_placeholder(value) {
        return Class::Placeholder;
    }
    if value.contains("://") && matches!(crate::refs::Reference::classify(value), Some(Ok(_))) {
        return Class::Reference;
    }
    if in_key_format(value) {
        return Class::Secret(Why::Format);
    }
    let url = Url::parse(value);
    if url.as_ref().is_some_and(|u| u.has_password) {
        return Class::Secret(Why::UrlPassword);
    }
    let plain_url = url.is_some_and(|u| u.is_plain());
    if is_secret_name(key) && value.chars().count() >= MIN_CREDENTIAL_LEN && !plain_url {
        return Class::Secret(Why::Name);
    }
    if is_random(value) && !plain_url && !is_name_like(value) && !is_path(value) && !is_list(value) {
        return Class::Secret(Why::Entropy);
    }
    Class::Config
}

/// Whether a value is a secret under `key` (any reason).
pub fn is_secret(key: &str, value: &str) -> bool {
    matches!(classify(key, value), Class::Secret(_))
}

/// Whether `--redact`, `tkx redact` and `exec --redact` mask this value in output.
pub fn mask_in_output(key: &str, value: &str) -> bool {
    is_secret(key, value)
}

/// Whether `scan` and the hooks search for this value verbatim (the user's own secrets).
pub fn search_in_scans(key: &str, value: &str) -> bool {
    is_secret(key, value)
}

/// Whether the agent guard keeps this variable's value from coding agents.
pub fn hide_from_agents(key: &str, value: &str) -> bool {
    matches!(classify(key, value), Class::Secret(_) | Class::Reference)
}

/// Whether an env-file statement holds a secret, before expansion: a literal is judged
/// by [`classify`], a value built from other variables (`${A}${B}`) by its key's name.
/// `move --secrets` moves these, and the agent guard and doctor treat them as secrets.
pub fn is_secret_statement(key: &str, value: &RawValue) -> bool {
    match value {
        RawValue::Literal(v) => is_secret(key, v),
        RawValue::Template(_) => is_secret_name(key),
    }
}

/// Whether `move --secrets` moves this statement out of the project's `.env`.
pub fn move_with_secrets(key: &str, value: &RawValue) -> bool {
    is_secret_statement(key, value)
}

/// Whether rotation records track this value: a credential someone issued, known by its
/// name or its format. A long random value under a configuration name (a build id, a
/// commit hash) is a secret to hide, but there is nothing to rotate.
pub fn track_for_rotation(key: &str, value: &str) -> bool {
    matches!(classify(key, value), Class::Secret(Why::Format | Why::UrlPassword | Why::Name))
}

/// Whether a prompt for `key` hides what is typed. The value is not known yet, so the
/// name decides.
pub fn hide_at_prompt(key: &str) -> bool {
    is_secret_name(key)
}

/// Whether text found where a key name was expected (an argument, the key position of a
/// file's line) looks like a secret value instead: a provider's format, or long and
/// random and not built from words (`OPENAI_API_KEY_2024`, `ReadConfigurationRegister`
/// are names). Such text is never repeated in a message; see [`super::shown_name`].
pub fn name_looks_secret(name: &str) -> bool {
    let camel = name.chars().all(|c| c.is_ascii_alphabetic()) && camel_words(name);
    looks_like_real_key(name) || (is_random(name) && !is_name_like(name) && !camel)
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

/// Whether a value is long and random enough to be a secret by its look alone.
fn is_random(value: &str) -> bool {
    value.len() >= ENTROPY_MIN_LEN && entropy(value.as_bytes()) >= ENTROPY_MIN_BITS
}

/// Whether a value is a path or a name built from words and numbers
/// (`anthropic/claude-3-5-sonnet-20241022`, `/var/lib/app/data`): every part between
/// separators is a word or a number.
fn is_name_like(value: &str) -> bool {
    if looks_like_a_name(value) {
        return true;
    }
    let parts: Vec<&str> = value.split(['/', '-', '_', '.', ':', '@']).filter(|p| !p.is_empty()).collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            p.chars().all(|c| c.is_ascii_digit())
                || (p.chars().all(|c| c.is_ascii_lowercase()))
                || p.len() <= 3
        })
}

/// Whether a value is a file path (`/tmp/.tmpAbC123/home`, `~/.config/app`): rooted,
/// home-relative or dot-relative, with no segment long and random enough to be a key.
fn is_path(value: &str) -> bool {
    let rooted = ["/", "~/", "./", "../"].iter().any(|p| value.starts_with(p));
    rooted && !value.chars().any(char::is_whitespace) && !value.split('/').any(is_random)
}

/// Whether a value is text or a list of short items rather than one token: it has
/// whitespace (a sentence, a command line) or at least four `:`/`;`/`,` separated parts,
/// none long and random (`LS_COLORS`, a `PATH`-style list).
fn is_list(value: &str) -> bool {
    if value.chars().any(char::is_whitespace) {
        return true;
    }
    let parts: Vec<&str> = value.split([':', ';', ',']).collect();
    (parts.len() >= 4 && !parts.iter().any(|p| is_random(p))) || is_host_list(value)
}

/// Whether a value is a comma-separated list of host names, addresses or networks
/// (`NO_PROXY=127.0.0.1,localhost,.internal`): configuration, however few its items.
fn is_host_list(value: &str) -> bool {
    let parts: Vec<&str> = value.split(',').map(str::trim).collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            let host = p.trim_start_matches(['.', '*']);
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '/' | '[' | ']'))
                && (host.contains('.') || host.contains(':') || host == "localhost")
                && !is_random(host)
        })
}

/// The parts of a URL that decide whether it is configuration.
struct Url {
    /// `user:password@` is present with a non-empty password.
    has_password: bool,
    /// A `?query` or `#fragment` is present.
    has_query: bool,
    /// Some path segment is long and random (a webhook's token in the path).
    random_path: bool,
}

impl Url {
    /// Splits `scheme://[user[:password]@]host[/path][?query]`; `None` if not a URL.
    fn parse(value: &str) -> Option<Url> {
        let (scheme, rest) = value.split_once("://")?;
        let scheme_ok = !scheme.is_empty()
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !scheme_ok || value.chars().any(char::is_whitespace) {
            return None;
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let has_password = authority
            .rsplit_once('@')
            .and_then(|(info, _)| info.split_once(':'))
            .is_some_and(|(_, password)| !password.is_empty() && !is_placeholder(password));
        let (path, has_query) = match tail.find(['?', '#']) {
            Some(i) => (tail.split_at(i).0, true),
            None => (tail, false),
        };
        let random_path = path.split('/').any(is_random);
        Some(Url { has_password, has_query, random_path })
    }

    /// A URL that names a place and carries nothing secret.
    fn is_plain(&self) -> bool {
        !self.has_password && !self.has_query && !self.random_path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(key: &str, value: &str) -> Class {
        classify(key, value)
    }

    #[test]
    fn configuration_is_not_secret() {
        for (k, v) in [
            ("PORT", "8080"),
            ("LOG_LEVEL", "debug"),
            ("DEFAULT_MODEL", "gpt-4o-mini"),
            ("DEFAULT_MODEL", "claude-3-5-sonnet-20241022"),
            ("MODEL", "anthropic/claude-3-5-sonnet-20241022"),
            ("OPENAI_BASE_URL", "https://api.openai.com/v1"),
            ("TOKEN_URL", "https://auth.example.com/oauth2/token"),
            ("DATA_DIR", "/var/lib/my-app/data"),
            ("HOME", "/tmp/.tmpAbC123xyz/home/user-QwE12"),
            ("REGION", "us-east-1"),
            ("ENABLE_TRACING", "true"),
            ("MY_TOKEN", "abc123"),
            ("LS_COLORS", "rs=0:di=01;34:ln=01;36:mh=00:pi=40;33:so=01;35:do=01;35:bd=40;33;01"),
            ("GREETING", "Hello there, q8Zr2LmX0vTn4KpW7sYd is a word"),
            ("NO_PROXY", "127.0.0.1,localhost"),
            ("no_proxy", "localhost,127.0.0.1,.example.com,10.0.0.0/8,[::1]"),
        ] {
            assert_eq!(class(k, v), Class::Config, "{k}={v}");
        }
    }

    #[test]
    fn secrets_by_each_reason() {
        let cases = [
            ("WHATEVER", "sk-proj-Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z", Why::Format),
            ("DATABASE_URL", "postgres://app:Zq8-long-pass@db:5432/app", Why::UrlPassword),
            ("MY_TOKEN", "abc12345", Why::Name),
            ("DB_PASSWORD", "correct-horse-battery-staple", Why::Name),
            ("BUILD_ID", "q8Zr2LmX0vTn4KpW7sYd", Why::Entropy),
            ("SLACK_HOOK", "https://hooks.example.com/services/T0A1B2C3D/q8Zr2LmX0vTn4KpW7sYd", Why::Entropy),
        ];
        for (k, v, why) in cases {
            assert_eq!(class(k, v), Class::Secret(why), "{k}={v}");
        }
    }

    #[test]
    fn empty_and_placeholders() {
        assert_eq!(class("OPENAI_API_KEY", ""), Class::Empty);
        assert_eq!(class("OPENAI_API_KEY", "your-key-here"), Class::Placeholder);
        assert_eq!(class("OPENAI_API_KEY", "sk-..."), Class::Placeholder);
        assert_eq!(class("DATABASE_URL", "postgres://app:changeme@db/app"), Class::Placeholder);
    }

    #[test]
    fn every_purpose_agrees_on_the_same_values() {
        for (k, v) in [("MY_TOKEN", "abc12345"), ("BUILD_ID", "q8Zr2LmX0vTn4KpW7sYd"), ("PORT", "8080")] {
            let secret = is_secret(k, v);
            assert_eq!(mask_in_output(k, v), secret, "{k}");
            assert_eq!(search_in_scans(k, v), secret, "{k}");
            assert_eq!(hide_from_agents(k, v), secret, "{k}");
            assert_eq!(is_secret_statement(k, &RawValue::Literal(v.into())), secret, "{k}");
        }
    }

    #[test]
    fn rotation_tracks_issued_credentials_only() {
        assert!(track_for_rotation("OPENAI_PAT", "q8Zr2LmX0vTn4KpW7sYd"));
        assert!(!track_for_rotation("BUILD_ID", "q8Zr2LmX0vTn4KpW7sYd"));
        assert!(!track_for_rotation("OPENAI_PAT", "your-key-here"));
    }

    #[test]
    fn templates_are_judged_by_name() {
        assert!(is_secret_statement("DB_PASSWORD", &RawValue::Template(Vec::new())));
        assert!(!is_secret_statement("DATABASE_HOST", &RawValue::Template(Vec::new())));
    }

    #[test]
    fn entropy_values() {
        assert_eq!(entropy(b""), 0.0);
        assert_eq!(entropy(b"aaaa"), 0.0);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
    }
}
