//! Judging a key by its name: does it hold a credential?

/// Words that, as a `_`/`-`/`.`-separated part of a key, mark it as a credential:
/// `OPENAI_API_KEY`, `GITHUB_PAT`, `DB_PASSWORD`, `STRIPE_SECRET`, `HF_TOKEN`.
const SECRET_WORDS: &[&str] = &[
    "KEY",
    "APIKEY",
    "TOKEN",
    "SECRET",
    "SECRETS",
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "PAT",
    "CREDENTIAL",
    "CREDENTIALS",
    "AUTH",
    "PRIVATE",
    "DSN",
    "SIGNATURE",
    "SALT",
    "COOKIE",
    "SESSION",
];

/// Last words of a name that make it name a credential's identifier or a detail about it,
/// not the credential: `CREDENTIAL_ID`, `API_KEY_NAME`, `TOKEN_TYPE`, `SECRET_ARN`,
/// `PASSWORD_FILE`.
pub const IDENTIFIER_WORDS: &[&str] = &[
    "ID", "IDS", "NAME", "NAMES", "TYPE", "ARN", "PATH", "FILE", "HEADER", "PREFIX", "VERSION", "LENGTH",
    "LEN", "COUNT", "INDEX", "FIELD", "KIND", "FORMAT", "LABEL", "HINT", "REGION", "EXPIRY", "EXPIRES",
    "TTL",
];

/// Whether a name (any case, `_`/`-`/`.` separated or camel-case) ends in one of
/// the identifier words: `credential_id`, `apiKeyId`, `TOKEN_TYPE`.
pub fn names_an_identifier(name: &str) -> bool {
    let last = name.rsplit(['_', '-', '.']).next().unwrap_or(name);
    // camelCase: the last capitalised word (`apiKeyId` → `Id`).
    let camel = last.rfind(|c: char| c.is_ascii_uppercase()).filter(|&i| i > 0).map_or(last, |i| &last[i..]);
    let is_word = |w: &str| IDENTIFIER_WORDS.iter().any(|x| x.eq_ignore_ascii_case(w));
    (name.len() > last.len() && is_word(last)) || (camel.len() < last.len() && is_word(camel))
}

/// Whether `key`'s name says it holds a credential. `PATH`, `PWD`, `HOME`, `PORT`,
/// `PUBLIC_KEY`-style names and identifiers (`CREDENTIAL_ID`) do not.
pub fn is_secret_name(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    if upper == "PWD" || upper == "OLDPWD" || names_an_identifier(key) {
        return false;
    }
    let words: Vec<&str> = upper.split(['_', '-', '.']).filter(|w| !w.is_empty()).collect();
    if words.iter().any(|w| matches!(*w, "PUBLIC" | "PUBLISHABLE")) {
        return false;
    }
    words.iter().any(|w| SECRET_WORDS.contains(w))
        || upper.ends_with("APIKEY")
        || upper.ends_with("TOKEN")
        || upper.ends_with("SECRET")
        || upper.ends_with("PASSWORD")
}

/// Whether a value is a name, not a secret: paths and resource names built from
/// words (`prod/billing/stripe-api-key-v3`, `/run/secrets/db_password_v2`,
/// `api-acme-io-tls-2024`). Every part between `/ - _ .` is a word, a number of at most
/// four digits, or a short tag like `v3`; a random secret has long mixed parts.
pub fn looks_like_a_name(v: &str) -> bool {
    let parts: Vec<&str> = v.split(['/', '-', '_', '.', ':']).filter(|p| !p.is_empty()).collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| is_word(p) || (p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit())) || p.len() <= 3)
}

/// Whether a value is a label a person wrote: three words or more (of three letters or
/// more: one case, or camel case) with numbers of up to eight digits and at most one other
/// short part of up to eight letters and digits (`ISSUE-17040-TEXT-FILE-ONLY-9f31c7`,
/// `TEST-API-KEY-FOR-UNIT-TESTS-1a2b3c`). All a label's chance is in that short part, too
/// little for a generated credential, whose random part is long. The scanner's generic
/// rules set labels aside; what a user keeps in an env file is still judged by its look.
pub fn looks_like_a_label(v: &str) -> bool {
    let parts: Vec<&str> = v.split(['-', '_', '.']).filter(|p| !p.is_empty()).collect();
    let number = |p: &str| p.len() <= 8 && p.chars().all(|c| c.is_ascii_digit());
    let words = parts.iter().filter(|p| p.len() >= 3 && is_word(p)).count();
    let mut others = parts.iter().filter(|p| !is_word(p) && !number(p));
    let tag_is_short =
        others.next().is_none_or(|t| t.len() <= 8 && t.chars().all(|c| c.is_ascii_alphanumeric()));
    words >= 3 && tag_is_short && others.next().is_none()
}

/// Whether `p` is a word: letters only, of one case (`ISSUE`, `token`) or camel-case words
/// (`validationPattern`).
pub(super) fn is_word(p: &str) -> bool {
    let one_case = p.chars().all(|c| !c.is_ascii_uppercase()) || p.chars().all(|c| !c.is_ascii_lowercase());
    p.chars().all(|c| c.is_ascii_alphabetic()) && (one_case || camel_words(p))
}

/// Whether letters read as camel-case words of three letters or more: `validationPattern`,
/// `ReadConfigurationRegister`. A random string of letters almost never does.
pub(super) fn camel_words(p: &str) -> bool {
    let b = p.as_bytes();
    let mut start = 0;
    for i in 1..=b.len() {
        if i == b.len() || b[i].is_ascii_uppercase() {
            let word = &b[start..i];
            if word.len() < 3 || word[1..].iter().any(u8::is_ascii_uppercase) {
                return false;
            }
            start = i;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{is_secret_name, looks_like_a_label, names_an_identifier};

    #[test]
    fn identifiers_are_not_credentials() {
        for n in [
            "CREDENTIAL_ID",
            "credential_id",
            "apiKeyId",
            "TOKEN_TYPE",
            "SECRET_ARN",
            "AWS_ACCESS_KEY_ID",
            "password-file",
        ] {
            assert!(names_an_identifier(n) && !is_secret_name(n), "{n}");
        }
        for n in ["OPENAI_API_KEY", "GITHUB_TOKEN", "DB_PASSWORD", "ID", "Idle", "apiKey", "PAID_TOKEN"] {
            assert!(!names_an_identifier(n), "{n}");
        }
    }

    #[test]
    fn secret_names() {
        for k in [
            "OPENAI_API_KEY",
            "OPENAI_PAT",
            "ANTHROPIC_API_KEY",
            "DB_PASSWORD",
            "GITHUB_TOKEN",
            "HF_TOKEN",
            "stripe_secret",
            "AWS_SECRET_ACCESS_KEY",
            "SENTRY_DSN",
            "MYAPIKEY",
            "slack-bot-token",
            "JWT_SIGNING_SECRET",
            "accessToken",
        ] {
            assert!(is_secret_name(k), "{k}");
        }
    }

    #[test]
    fn configuration_names() {
        for k in [
            "PATH",
            "PWD",
            "HOME",
            "PORT",
            "LOG_LEVEL",
            "DEFAULT_MODEL",
            "API_BASE",
            "STRIPE_PUBLISHABLE_KEY",
            "PUBLIC_KEY",
            "KEYBOARD_LAYOUT",
            "MONKEY",
            "PATTERN",
        ] {
            assert!(!is_secret_name(k), "{k}");
        }
    }

    #[test]
    fn labels_are_words_with_one_short_tag() {
        for v in [
            "ISSUE-17040-TEXT-FILE-ONLY-9f31c7",
            "TEST-API-KEY-FOR-UNIT-TESTS-1a2b3c",
            "staging_deploy_token_20241022",
            "primaryRegion.serviceName.deploy.v2",
        ] {
            assert!(looks_like_a_label(v), "{v}");
        }
        for v in [
            // Two words are a name's, not enough to set the random part aside.
            "live-key-9f31c7",
            // A long random part, or two random tags.
            "ISSUE-TEXT-FILE-9f31c7Xr4bT9qL",
            "ISSUE-TEXT-FILE-9f31c7-Xr4bT9",
            "sk_live_test_key_Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd",
            "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0U",
        ] {
            assert!(!looks_like_a_label(v), "{v}");
        }
    }
}
