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

/// Whether `key`'s name says it holds a credential. `PATH`, `PWD`, `HOME`, `PORT` and
/// `PUBLIC_KEY`-style names do not.
pub fn is_secret_name(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    if upper == "PWD" || upper == "OLDPWD" {
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

#[cfg(test)]
mod tests {
    use super::is_secret_name;

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
}
