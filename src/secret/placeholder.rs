//! Recognising placeholder values: what `.env.example` holds instead of a key.

/// Whether `value` is obviously a placeholder: `your-…-here`, `changeme`, `xxx`, `<…>`,
/// `sk-...`, `****`, `TODO`. Empty is not a placeholder (it is empty).
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if v.starts_with('<') && v.ends_with('>') {
        return true;
    }
    if v.contains("...") || v.contains('…') {
        return true;
    }
    if v.len() >= 3 && v.chars().all(|c| matches!(c, 'x' | 'X' | '*' | '.' | '-' | '_')) {
        return true;
    }
    // One character over and over, between separators: `00000000-0000-0000-0000-000000000000`.
    let mut body = v.chars().filter(char::is_ascii_alphanumeric);
    if let Some(first) = body.next() {
        let rest: Vec<char> = body.collect();
        if rest.len() >= 7 && rest.iter().all(|c| *c == first) {
            return true;
        }
    }
    if lower.contains("xxxx") || lower.contains("****") {
        return true;
    }
    if lower.starts_with("your") || lower.contains("-your-") || lower.contains("_your_") {
        return true;
    }
    const WORDS: &[&str] = &[
        "changeme",
        "change-me",
        "change_me",
        "replaceme",
        "replace-me",
        "replace_me",
        "placeholder",
        "insert-key",
        "insert_key",
        "todo",
        "tbd",
        "fixme",
        "dummy",
        "redacted",
        "secret-here",
        "key-here",
        "token-here",
    ];
    WORDS.iter().any(|w| lower == *w || lower.contains(w) && w.len() >= 7)
}

/// Whether `key`'s value was never filled in: an obvious placeholder, or — for a key
/// that names a credential — the example's own non-empty value, copied unchanged. A
/// configuration key may keep the example's default (`DEFAULT_MODEL=gpt-4o-mini`).
pub fn is_unfilled(key: &str, value: &str, example_value: Option<&str>) -> bool {
    is_placeholder(value)
        || (super::is_secret_name(key) && example_value.is_some_and(|e| !e.is_empty() && e == value))
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn placeholders() {
        for v in [
            "your-key-here",
            "your_openai_key",
            "YOUR_API_KEY",
            "sk-your-key-here",
            "changeme",
            "CHANGE_ME",
            "xxx",
            "XXXXXXXX",
            "sk-xxxxxxxxxxxx",
            "<KEY>",
            "<your token>",
            "sk-...",
            "sk-proj-...",
            "sk-p****",
            "TODO",
            "placeholder",
            "replace-me-with-a-key",
            "00000000-0000-0000-0000-000000000000",
            "aaaaaaaaaaaa",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn real_values_are_not_placeholders() {
        for v in [
            "",
            "8080",
            "gpt-4o-mini",
            "sk-proj-Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z",
            "https://api.example.com/v1",
            "postgres://u:p@localhost/db",
            "info",
            "true",
            "0",
            "todolist-app",
        ] {
            assert!(!is_placeholder(v), "{v}");
        }
    }
}
