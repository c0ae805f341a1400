//! Recognising placeholder values: what `.env.example` holds instead of a key.
//!
//! A placeholder is judged as a whole value, never by a fragment: `sk-proj-...` and
//! `your-key-here` are placeholders, but a generated key that happens to contain `...`,
//! `xxxx` or to start with `your` is a key. Doctor, diff, scan, redact and the agent
//! guard all ask [`is_placeholder`] (through the classifier), so they agree.

/// Characters that stand in for a key's body: `sk-xxxxxxxx`, `AKIA0000…`, `sk-...`, `****`.
fn is_filler(c: char) -> bool {
    matches!(c, 'x' | 'X' | '0' | '*' | '.' | '…')
}

fn is_separator(c: char) -> bool {
    matches!(c, '-' | '_' | '.')
}

/// Words that are placeholders on their own, or (the longer ones) inside a value made
/// of words (`replace-me-with-a-key`).
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

/// Whether `value`, as a whole, is a placeholder: a known word (`changeme`, `TODO`) or
/// words that say what to put there (`your-key-here`, `sk-your-key-here`); an `<ANGLE>`,
/// `${VAR}` or `{{ var }}` form; only `x`, `*`, `.` and separators (`xxx`, `****`); a
/// key's prefix followed only by `x`, `X`, `0`, `*`, `.` or one character over and over
/// (`sk-proj-...`, `AKIAXXXXXXXXXXXXXXXX`, `sk-aaaaaaaaaaaa`); or a mask (`sk-p****`).
/// Empty is not a placeholder (it is empty).
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return false;
    }
    is_template(v)
        || (v.chars().count() >= 3 && v.chars().all(|c| matches!(c, 'x' | 'X' | '*' | '.' | '…' | '-' | '_')))
        || is_repeated(v)
        || is_prefix_and_filler(&strip_openai_marker(v))
        || is_prefix_and_counting(v)
        || is_test_words_and_counting(v)
        || is_mask(v)
        || is_words(v)
        || is_token_parts_named(v)
        || url_password(v).is_some_and(is_placeholder)
}

/// A token in a JSON Web Token's shape whose part is the name of the part, as tests and
/// documentation write one: `header.payload.signature`, `eyJhbGciOiJIUzI1NiJ9.payload.signature`.
/// A real token's parts are base64url of JSON and of a signature, never those words.
fn is_token_parts_named(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| !p.is_empty())
        && parts.iter().any(|p| {
            ["header", "payload", "signature", "claims", "sig"].iter().any(|w| p.eq_ignore_ascii_case(w))
        })
}

/// `v` without OpenAI's `T3BlbkFJ` marker (`sk-proj-xxxxT3BlbkFJxxxx` is filler around it).
fn strip_openai_marker(v: &str) -> std::borrow::Cow<'_, str> {
    if v.contains("T3BlbkFJ") {
        std::borrow::Cow::Owned(v.replace("T3BlbkFJ", ""))
    } else {
        std::borrow::Cow::Borrowed(v)
    }
}

/// The password of `scheme://user:password@host…`, if the value is such a URL:
/// `postgres://app:changeme@db/app` is a placeholder as a whole.
fn url_password(v: &str) -> Option<&str> {
    let (scheme, rest) = v.split_once("://")?;
    if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let (info, _) = authority.rsplit_once('@')?;
    let (_, password) = info.split_once(':')?;
    (!password.is_empty()).then_some(password)
}

/// `<your key>`, `${OPENAI_API_KEY}`, `$OPENAI_API_KEY`, `{{ openai_key }}`.
fn is_template(v: &str) -> bool {
    let name = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with("${") && v.ends_with('}'))
        || v.strip_prefix('$').is_some_and(name)
        || (v.starts_with("{{") && v.ends_with("}}"))
}

/// One character over and over, between separators: `00000000-0000-0000-0000-000000000000`,
/// `aaaaaaaaaaaa`.
fn is_repeated(v: &str) -> bool {
    let mut body = v.chars().filter(char::is_ascii_alphanumeric);
    let Some(first) = body.next() else { return false };
    let mut rest = 0;
    for c in body {
        if c != first {
            return false;
        }
        rest += 1;
    }
    rest >= 7 && v.chars().all(|c| c.is_ascii_alphanumeric() || is_separator(c))
}

/// Whether `a` then `b` counts up by one: `1`→`2`, `a`→`b`, and from one run to the next
/// as people type them (`9`→`a`, `9`→`A`, `z`→`0`, `Z`→`0`, `f`→`0` after hex).
fn steps(a: char, b: char) -> bool {
    b as u32 == a as u32 + 1
        || matches!((a, b), ('9', 'a' | 'A' | '0') | ('0', 'a' | 'A') | ('z' | 'Z' | 'f' | 'F', '0'))
}

/// A key's prefix followed by a body typed by counting (`sk-proj-abcdefghij…0123456789`,
/// `dapi0123456789abcdef…`, `m0-test-12345678`), or an `sk-` key whose body is a single
/// short word (`sk-ant-oat01-file`): what documentation and test fixtures write for a key. A
/// generated key almost never counts for eight characters in a row.
fn is_prefix_and_counting(v: &str) -> bool {
    if v.len() > 200 || !v.chars().all(|c| c.is_ascii_alphanumeric() || is_separator(c)) {
        return false;
    }
    // The body: after the last separator, or the whole value when it has none; what
    // stands before it must read as a key's prefix (`sk-proj-`, `m0-test-key-`), not as
    // a word of the value (`Summer2024Pass-12345678` is a password).
    let mut body = v.rsplit(['-', '_', '.']).next().unwrap_or(v);
    // A prefix glued to its body: `dapi1234567890abcdef`.
    if body.len() == v.len() {
        let letters = body.chars().take_while(char::is_ascii_alphabetic).count();
        if (2..=5).contains(&letters) && body[letters..].starts_with(|c: char| c.is_ascii_digit()) {
            body = &body[letters..];
        }
    }
    let chars: Vec<char> = body.chars().collect();
    let prefix: Vec<char> = v[..v.len() - body.len()].chars().collect();
    if !prefix_shaped(&prefix, &chars) {
        return false;
    }
    if v.starts_with("sk-")
        && !prefix.is_empty()
        && (4..=10).contains(&chars.len())
        && chars.iter().all(char::is_ascii_lowercase)
    {
        return true;
    }
    // A short value without a prefix may be a (weak) password: `abc12345`.
    if chars.len() < 8 || (prefix.is_empty() && chars.len() < 16) {
        return false;
    }
    let pairs = chars.len() - 1;
    let counting = chars.windows(2).filter(|w| steps(w[0], w[1])).count();
    counting * 5 >= pairs * 4
}

/// Words that mark a value as made up for a test or an example.
const TEST_WORDS: &[&str] = &[
    "test", "fake", "dummy", "mock", "sample", "example", "invalid", "valid", "demo", "bad", "wrong", "foo",
    "bar",
];

/// Other words such values are built of.
const KEY_WORDS: &[&str] = &[
    "api", "key", "secret", "token", "my", "your", "the", "a", "an", "access", "auth", "pass", "password",
    "client", "app", "user", "options", "option", "config", "env", "default", "custom", "other", "another",
    "new", "old", "first", "second",
];

/// Whether `v` is two words or more that say they are made up and nothing else:
/// `test-token`, `fake_api_key`, `dummy.secret` (one of `TEST_WORDS`, the rest of them
/// or of `KEY_WORDS`). A password of such words was written for a test or a document.
pub fn is_made_up_words(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split(is_separator).filter(|p| !p.is_empty()).collect();
    parts.len() >= 2 && made_of_test_words(&parts)
}

/// Whether every one of `words` (lower case) is one of `TEST_WORDS` or `KEY_WORDS`, and
/// one of them at least says the value is made up.
fn made_of_test_words(words: &[impl AsRef<str>]) -> bool {
    words.iter().all(|w| is_test_or_key_word(w.as_ref()))
        && words.iter().any(|w| TEST_WORDS.contains(&w.as_ref()))
}

/// Whether `w` (lower case) is one of `TEST_WORDS` or `KEY_WORDS`.
fn is_test_or_key_word(w: &str) -> bool {
    TEST_WORDS.contains(&w) || KEY_WORDS.contains(&w)
}

/// A test value built of words and a counted number, perhaps after a short prefix:
/// `gw_valid_api_key_12345`, `test-api-key-12345`, `sk-fake_api_key_123456`,
/// `AIzaFakeApiKey123456`, `m0-test12345678`. One word must say it is made up (`test`,
/// `fake`, `invalid`, …); the number counts up from 0 or 1 for four digits or more. A
/// generated key is never made of dictionary words.
fn is_test_words_and_counting(v: &str) -> bool {
    if v.len() > 80 || !v.chars().all(|c| c.is_ascii_alphanumeric() || is_separator(c)) {
        return false;
    }
    // Runs of letters (split at camel-case humps) and of digits.
    let mut tokens: Vec<String> = Vec::new();
    for part in v.split(is_separator).filter(|p| !p.is_empty()) {
        let mut current = String::new();
        let mut prev: Option<char> = None;
        for c in part.chars() {
            let split = prev.is_some_and(|p| {
                p.is_ascii_digit() != c.is_ascii_digit() || (p.is_ascii_lowercase() && c.is_ascii_uppercase())
            });
            if split && !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
            current.push(c);
            prev = Some(c);
        }
        if !current.is_empty() {
            tokens.push(current);
        }
    }
    let Some((number, words)) = tokens.split_last() else { return false };
    let digits: Vec<char> = number.chars().collect();
    let counts = digits.len() >= 4
        && digits.iter().all(char::is_ascii_digit)
        && matches!(digits.first(), Some('0' | '1'))
        && digits.windows(2).all(|w| steps(w[0], w[1]));
    if !counts || words.is_empty() {
        return false;
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    // Up to two short tokens of a key's prefix first (`sk`, `gw`, `m0`, `AIza`).
    let skip = lower.iter().take(2).take_while(|w| w.len() <= 4 && !is_test_or_key_word(w)).count();
    let rest = &lower[skip..];
    !rest.is_empty() && made_of_test_words(rest)
}

/// A key's prefix followed only by filler or by one character over and over:
/// `sk-proj-xxxxxxxx`, `sk-ant-api03-...`, `AKIAXXXXXXXXXXXXXXXX`, `SKxxxx…`,
/// `A3-XXXXXX-XXXXXX-…`, `sk-aaaaaaaaaaaa`. The prefix must look like one (short parts
/// between separators, with a letter), so a random value that merely ends in `000` or
/// `...` is not taken for a placeholder.
fn is_prefix_and_filler(v: &str) -> bool {
    // Cheap refusal first (most values): the tail is neither filler nor a run of six.
    let Some(end) = v.chars().next_back() else { return false };
    if !(is_filler(end) || is_separator(end) || v.chars().rev().take(6).all(|c| c == end)) {
        return false;
    }
    let chars: Vec<char> = v.chars().collect();
    // The filler: the longest tail of filler characters and separators, holding at least
    // three filler characters; or the longest tail of one repeated letter or digit.
    let filler_start = chars.iter().rposition(|c| !(is_filler(*c) || is_separator(*c))).map_or(0, |i| i + 1);
    // `…` stands for three.
    let fillers: usize =
        chars[filler_start..].iter().map(|c| if *c == '…' { 3 } else { usize::from(is_filler(*c)) }).sum();
    if fillers >= 3 && prefix_shaped(&chars[..filler_start], &chars[filler_start..]) {
        return true;
    }
    let Some(&last) = chars.last() else { return false };
    let run_start = chars.iter().rposition(|c| *c != last).map_or(0, |i| i + 1);
    last.is_ascii_alphanumeric()
        && chars.len() - run_start >= 6
        && prefix_shaped(&chars[..run_start], &chars[run_start..])
}

/// Whether `p` reads as a key's prefix in front of `tail`: empty, or at most 20
/// characters in at most three short letter-and-digit parts between separators (`sk-`,
/// `sk-ant-api03-`, `dp.st.prd.`; not words such as `not-an-openai-key`), with a letter, ending
/// at a separator (`sk-proj-`) or in a short part (`AKIA`, `sk-p`), or in a part no longer
/// than the tail.
fn prefix_shaped(p: &[char], tail: &[char]) -> bool {
    if p.is_empty() {
        return true;
    }
    let text: String = p.iter().collect();
    let parts: Vec<&str> = text.split(is_separator).collect();
    let last = parts.last().map_or(0, |l| l.chars().count());
    p.len() <= 20
        && parts.iter().filter(|part| !part.is_empty()).count() <= 3
        && p.iter().any(char::is_ascii_alphabetic)
        && parts.iter().all(|part| part.len() <= 12 && part.chars().all(|c| c.is_ascii_alphanumeric()))
        && (last == 0 || last <= 4 || tail.first().is_some_and(|c| is_separator(*c)) || last <= tail.len())
}

/// A masked value: a run of four or more `*` with at most eight other characters
/// (`sk-p****`, `sk-p**********25xx`).
fn is_mask(v: &str) -> bool {
    v.contains("****") && v.chars().filter(|c| *c != '*').count() <= 8
}

/// Words that say what belongs there: `your-key-here`, `YOUR_API_KEY`,
/// `sk-your-key-here`, `your token`, `replace-me-with-a-key`, or a known placeholder word.
/// Every part is a word (one case, or camel case), perhaps after a key's prefix; a
/// generated value has random parts and is never words.
fn is_words(v: &str) -> bool {
    // A placeholder word, perhaps numbered: `changeme`, `changeme123456`, `TODO-1`.
    let numbered = |w: &&str| {
        v.get(..w.len()).is_some_and(|head| head.eq_ignore_ascii_case(w))
            && v[w.len()..].chars().all(|c| c.is_ascii_digit() || is_separator(c))
    };
    if WORDS.iter().any(numbered) {
        return true;
    }
    // After a prefix (`sk-`, `sk-ant-api03-`, `ghp_`), or the whole value.
    let starts = std::iter::once(0)
        .chain(v.char_indices().filter(|(i, c)| *i < 20 && is_separator(*c)).map(|(i, c)| i + c.len_utf8()));
    for start in starts {
        let rest = &v[start..];
        if !is_wordy(rest) {
            continue;
        }
        let rest_lower = rest.to_ascii_lowercase();
        let parts: Vec<&str> = rest_lower.split(|c: char| is_separator(c) || c == ' ').collect();
        let yours = parts.first().is_some_and(|p| p.starts_with("your")) || parts.contains(&"your");
        if yours || WORDS.iter().any(|w| w.len() >= 7 && rest_lower.contains(w)) {
            return true;
        }
    }
    false
}

/// Whether every part of `s` between separators and blanks is a word (letters of one
/// case, or camel-case words) or a number of at most four digits.
fn is_wordy(s: &str) -> bool {
    let parts: Vec<&str> = s.split(|c: char| is_separator(c) || c == ' ').filter(|p| !p.is_empty()).collect();
    !parts.is_empty()
        && parts
            .iter()
            .all(|p| super::names::is_word(p) || (p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit())))
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
    use super::{is_made_up_words, is_placeholder};

    #[test]
    fn counting_bodies_and_word_bodies_are_placeholders() {
        for v in [
            "dapi0123456789abcdef0123456789abcdef",
            "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ12345",
            "m0-test-key-12345678",
            "sk-ant-oat01-file",
            "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
            "dapi1234567890abcdef",
            "gw_valid_api_key_12345",
            "gw_valid_options_api_key_12345",
            "m0-test12345678",
            "test-api-key-12345",
            "invalid-key-12345",
            "sk-fake_api_key_123456",
            "AIzaFakeApiKey123456",
            "header.bm90LWpzb24.signature",
            "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.payload.signature",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in [
            concat!("dapi", "3f9a1c7e5b2d8f4a6c0e9b1d3f5a7c9e"),
            concat!("sk-proj-", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6"),
            "AKIAZ7QW5EP2RY4UT6IO",
            "hunter2hunter2",
            "Summer2024Pass-12345678",
            "password12345",
            "testing-prod-key-98765",
            "sk-test-Qm7vX2kLp9RtY4wZ8nB3cF6hJ1dG5sA0-12345",
            concat!("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.", "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9"),
            "production",
            "my-app",
            "gpt-4o-mini",
            "en-us",
        ] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn made_up_words() {
        for v in ["test-token", "fake_api_key", "Dummy.Secret", "test-pass", "mock-client-secret"] {
            assert!(is_made_up_words(v), "{v}");
        }
        // One word, words of a real name, or anything random.
        for v in ["test", "token-secret", "prod-api-token", "test-Xr4bT9qLm2", "testtoken"] {
            assert!(!is_made_up_words(v), "{v}");
        }
    }

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

    /// Issue #13: every placeholder form is a placeholder as a whole value.
    #[test]
    fn every_whole_value_form() {
        for v in [
            // Words.
            "your token",
            "YourApiKey",
            "ENTER_YOUR_KEY",
            "ghp_your_token_here",
            "sk-ant-api03-your-key-here",
            "xoxb-your-token",
            "sk-your-openai-key-goes-here-please",
            "REDACTED",
            "changeme123456",
            // Templates.
            "${OPENAI_API_KEY}",
            "$OPENAI_API_KEY",
            "{{ openai_api_key }}",
            "<cohere key>",
            // A prefix and filler.
            "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "sk-ant-admin01-...",
            "sk-ant-api03-xxxxxxxx",
            "AKIAXXXXXXXXXXXXXXXX",
            "AKIA0000000000000000",
            "AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX",
            "dp.st.prd.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "sk-XXXXXXXXXXXXXXXXXXXXT3BlbkFJXXXXXXXXXXXXXXXXXXXX",
            "sk-proj-****************",
            "ghp_…",
            "sk-aaaaaaaaaaaaaaaa",
            "hvs....",
            // Masks.
            "sk-p**********25xx",
            "********",
            // A URL whose password is one.
            "postgres://app:changeme@db/app",
            "redis://:<password>@cache:6379",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn real_values_are_not_placeholders() {
        for v in [
            "",
            "8080",
            "100000",
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

    /// Issue #13: a random value that merely contains `...` or `xxxx`, or starts with
    /// `your`, is not a placeholder.
    #[test]
    fn fragments_do_not_make_a_placeholder() {
        for v in [
            "Xr4bT9qLm2...Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9",
            "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9...",
            // Halves joined at build time: no whole fake key in the source for a scanner.
            concat!("sk-proj-Xr4bT9qLm2Vz8xx", "xxKp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8"),
            "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2xxxx",
            "yourXr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6",
            "your-Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1",
            "Kx9Qz8Lm000",
            "not-an-openai-key-000000000",
            "ab****cdXr4bT9qLm2Vz8Kp1",
            "Xr4bT9changemeLm2Vz8Kp1Wn6",
            "Ab9$xK2mQ7z****Lp0",
            concat!("postgres://app:Xr4bT9", "qLm2...Vz8Kp1@db/app"),
        ] {
            assert!(!is_placeholder(v), "{v}");
        }
    }
}
