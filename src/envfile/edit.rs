//! Lossless edits of env-file text: set, remove or comment out one key, keeping every
//! other byte (comments, blank lines, order, CRLF, a BOM, a missing final newline).
//!
//! `set`, `unset`, `init` and `rotate` edit through this module. It works on text and
//! returns text plus what it did (which lines, which duplicates were dropped); it never
//! reads or writes files and never prints. A value is written with [`quote`], and every
//! edit is checked by parsing the result: the key must read back as exactly the value
//! that was set.

use super::parse::{Entry, Parsed, Quote, RawValue, is_valid_key, parse};
use super::quote::quote;
use std::fmt;
use std::ops::Range;

/// What a [`set`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Set {
    /// The new text.
    pub text: String,
    /// Where the key's statement is now.
    pub change: Change,
    /// Lines (1-based, in the old text) of the other definitions of the key that were
    /// removed so that one statement remains.
    pub removed_duplicates: Vec<usize>,
    /// Lines of malformed statements that name the key; they are left untouched.
    pub malformed: Vec<usize>,
}

/// Where [`set`] put the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The statement on this line (1-based, the same in the old and the new text) was
    /// replaced in place.
    Replaced {
        /// The line.
        line: usize,
    },
    /// The statement on this line already said exactly this; nothing changed.
    Unchanged {
        /// The line.
        line: usize,
    },
    /// The statement was appended as this line of the new text.
    Appended {
        /// The line.
        line: usize,
    },
}

/// What a [`remove`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removed {
    /// The new text.
    pub text: String,
    /// Lines (1-based, in the old text) of the statements that were removed; empty when
    /// the key was not in the text.
    pub lines: Vec<usize>,
    /// Lines of malformed statements that name the key; they are left untouched.
    pub malformed: Vec<usize>,
}

/// Why an edit was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditError {
    /// The key is not `[A-Za-z0-9_.-]+`.
    InvalidKey,
    /// The value holds a NUL byte, which no environment variable can carry.
    NulInValue,
    /// The edited text would not read back as intended (a bug: nothing is written).
    NotRoundTrip,
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EditError::InvalidKey => "invalid key name: keys use letters, digits, `_`, `.` and `-`",
            EditError::NulInValue => "the value holds a NUL byte, which no environment variable can carry",
            EditError::NotRoundTrip => {
                "internal error: the edited file would not read back the value exactly; nothing was written"
            }
        })
    }
}

impl std::error::Error for EditError {}

/// The line ending new lines get: the file's own (CRLF when most of its lines end in
/// CRLF), LF for an empty file.
pub fn line_ending(parsed: &Parsed) -> &'static str {
    if parsed.crlf_lines > parsed.lf_lines { "\r\n" } else { "\n" }
}

/// Sets `key` to `value`: the key's first statement is replaced in place (keeping its
/// indentation, `export` and trailing comment), later duplicates are removed, and a
/// missing key is appended with the file's line ending.
pub fn set(text: &str, key: &str, value: &str) -> Result<Set, EditError> {
    if !is_valid_key(key) {
        return Err(EditError::InvalidKey);
    }
    if value.contains('\0') {
        return Err(EditError::NulInValue);
    }
    let parsed = parse(text);
    let eol = line_ending(&parsed);
    let quoted = quoted_for(value, eol);
    let mine: Vec<&Entry> = parsed.entries.iter().filter(|e| e.key == key).collect();
    let malformed = malformed_lines(&parsed, key);
    let reads_back = |out: &str| reads_back(out, key, value, parsed.entries.len() - mine.len());

    let Some(first) = mine.first() else {
        let exported = !parsed.entries.is_empty() && parsed.entries.iter().all(|e| e.exported);
        let body = format!("{}{key}={quoted}", if exported { "export " } else { "" });
        let (out, line) = append(text, &body, eol);
        if !reads_back(&out) {
            return Err(EditError::NotRoundTrip);
        }
        return Ok(Set {
            text: out,
            change: Change::Appended { line },
            removed_duplicates: Vec::new(),
            malformed,
        });
    };
    let old = text.get(first.span.clone()).ok_or(EditError::NotRoundTrip)?;
    let (body, term) = split_terminator(old);
    let removed_duplicates: Vec<usize> = mine.iter().skip(1).map(|e| e.line).collect();
    let drop: Vec<Range<usize>> = mine.iter().skip(1).map(|e| e.span.clone()).collect();
    // Keep the trailing comment when it can be kept; fall back to a plain statement.
    for keep_comment in [true, false] {
        let Some(stmt) = statement(body, first.quote, &quoted, keep_comment) else { continue };
        let replacement = format!("{stmt}{term}");
        let out = splice(text, &first.span, &replacement, &drop);
        if reads_back(&out) {
            let change = if replacement == old && drop.is_empty() {
                Change::Unchanged { line: first.line }
            } else {
                Change::Replaced { line: first.line }
            };
            return Ok(Set { text: out, change, removed_duplicates, malformed });
        }
    }
    Err(EditError::NotRoundTrip)
}

/// Puts `body` (a whole statement such as `KEY=value # note`, without its line ending)
/// in place of `key`'s statements, or appends it: for copying a statement verbatim from
/// `.env.example`. Returns `None` when `body` does not parse as exactly one statement of
/// `key`.
pub fn put_statement(text: &str, key: &str, body: &str) -> Option<Set> {
    let one = parse(body);
    if one.entries.len() != 1 || one.entries.first().is_none_or(|e| e.key != key) || !one.issues.is_empty() {
        return None;
    }
    let parsed = parse(text);
    let eol = line_ending(&parsed);
    let mine: Vec<&Entry> = parsed.entries.iter().filter(|e| e.key == key).collect();
    let malformed = malformed_lines(&parsed, key);
    let (out, change, removed_duplicates) = match mine.first() {
        None => {
            let (out, line) = append(text, body, eol);
            (out, Change::Appended { line }, Vec::new())
        }
        Some(first) => {
            let old = text.get(first.span.clone())?;
            let (_, term) = split_terminator(old);
            let drop: Vec<Range<usize>> = mine.iter().skip(1).map(|e| e.span.clone()).collect();
            let out = splice(text, &first.span, &format!("{body}{term}"), &drop);
            (out, Change::Replaced { line: first.line }, mine.iter().skip(1).map(|e| e.line).collect())
        }
    };
    let check = parse(&out);
    let count = check.entries.iter().filter(|e| e.key == key).count();
    (count == 1 && check.entries.len() == parsed.entries.len() - mine.len() + 1).then_some(Set {
        text: out,
        change,
        removed_duplicates,
        malformed,
    })
}

/// Removes every statement of `key`, keeping every other byte.
pub fn remove(text: &str, key: &str) -> Removed {
    let parsed = parse(text);
    let spans: Vec<Range<usize>> =
        parsed.entries.iter().filter(|e| e.key == key).map(|e| e.span.clone()).collect();
    let lines = parsed.entries.iter().filter(|e| e.key == key).map(|e| e.line).collect();
    let malformed = malformed_lines(&parsed, key);
    let out = match spans.split_first() {
        Some((first, rest)) => splice(text, first, "", rest),
        None => text.to_owned(),
    };
    Removed { text: out, lines, malformed }
}

/// Turns every statement of `key` into a comment (`# ` before each of its lines), so a
/// key the user skipped stays visible where the example put it. Returns the lines
/// commented out.
pub fn comment_out(text: &str, key: &str) -> (String, Vec<usize>) {
    let parsed = parse(text);
    let mine: Vec<&Entry> = parsed.entries.iter().filter(|e| e.key == key).collect();
    let mut out = String::with_capacity(text.len() + 2 * mine.len());
    let mut at = 0;
    for e in &mine {
        let (Some(before), Some(stmt)) = (text.get(at..e.span.start), text.get(e.span.clone())) else {
            return (text.to_owned(), Vec::new());
        };
        out.push_str(before);
        for line in stmt.split_inclusive('\n') {
            out.push_str("# ");
            out.push_str(line);
        }
        at = e.span.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    (out, mine.iter().map(|e| e.line).collect())
}

/// Appends comment lines (`# ` + each line) at the end of `text`, with the file's line
/// ending: the help text of a key `init` adds to an existing file.
pub fn append_comments(text: &str, lines: &[String]) -> String {
    let eol = line_ending(&parse(text));
    let mut out = text.to_owned();
    for l in lines {
        let (next, _) = append(&out, format!("# {l}").trim_end(), eol);
        out = next;
    }
    out
}

/// The value as it goes after `=`: [`quote`], with the raw newlines a single-quoted
/// value may hold written as the file's line ending (the parser reads CRLF inside quotes
/// as LF, so both read back the same; a CRLF file stays consistently CRLF).
fn quoted_for(value: &str, eol: &str) -> String {
    let q = quote(value);
    if eol == "\r\n" && q.starts_with('\'') && q.contains('\n') { q.replace('\n', "\r\n") } else { q }
}

/// `body` and its line terminator (`\r\n`, `\n`, a lone `\r` at the end of the text, or
/// nothing on a last line without one).
fn split_terminator(stmt: &str) -> (&str, &str) {
    for t in ["\r\n", "\n", "\r"] {
        if let Some(body) = stmt.strip_suffix(t) {
            return (body, t);
        }
    }
    (stmt, "")
}

/// The statement with a new value: everything up to and including `=` as it was, the
/// new value, and (when asked) the old trailing comment.
fn statement(body: &str, old_quote: Quote, quoted: &str, keep_comment: bool) -> Option<String> {
    // Neither `export` nor a key can hold `=`, so the first `=` is the separator.
    let eq = body.find('=')?;
    let prefix = body.get(..=eq)?;
    let rest = body.get(eq + 1..)?;
    let comment = if keep_comment { trailing_comment(rest, old_quote)? } else { "" };
    let mut out = String::with_capacity(prefix.len() + quoted.len() + comment.len() + 1);
    out.push_str(prefix);
    out.push_str(quoted);
    if !comment.is_empty() {
        // `KEY="x"# note` is legal only after a quote; a bare new value needs a blank.
        if !comment.starts_with([' ', '\t']) {
            out.push(' ');
        }
        out.push_str(comment);
    }
    Some(out)
}

/// The comment after a value (with the blanks before it), or `""` when there is none.
fn trailing_comment(rest: &str, quote: Quote) -> Option<&str> {
    let tail = match quote {
        Quote::None => {
            // As the parser does: a `#` after a blank starts the comment.
            let b = rest.as_bytes();
            match (0..b.len()).find(|&i| matches!(b[i], b' ' | b'\t') && b.get(i + 1) == Some(&b'#')) {
                Some(i) => {
                    let start = rest.get(..i)?.trim_end_matches([' ', '\t']).len();
                    rest.get(start..)?
                }
                None => "",
            }
        }
        q => rest.get(close_quote(rest, q)? + 1..)?,
    };
    Some(if tail.trim_start_matches([' ', '\t']).starts_with('#') { tail } else { "" })
}

/// The offset in `rest` (which starts with the opening quote) of the closing quote, found
/// the way the parser finds it.
fn close_quote(rest: &str, quote: Quote) -> Option<usize> {
    let q = match quote {
        Quote::Single => b'\'',
        Quote::Double => b'"',
        Quote::Backtick => b'`',
        Quote::None => return None,
    };
    let b = rest.as_bytes();
    if b.first() != Some(&q) {
        return None;
    }
    let mut i = 1;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && (quote == Quote::Double || b.get(i + 1) == Some(&q)) {
            i += 2;
            continue;
        }
        if c == q {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `text` with `span` replaced by `with` and the `drop` spans removed.
fn splice(text: &str, span: &Range<usize>, with: &str, drop: &[Range<usize>]) -> String {
    let mut cuts: Vec<(Range<usize>, &str)> = Vec::with_capacity(drop.len() + 1);
    cuts.push((span.clone(), with));
    cuts.extend(drop.iter().map(|r| (r.clone(), "")));
    cuts.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len() + with.len());
    let mut at = 0;
    for (r, replacement) in cuts {
        out.push_str(text.get(at..r.start).unwrap_or(""));
        out.push_str(replacement);
        at = r.end.max(at);
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

/// `text` with a line appended: the last line is ended first if it has no terminator.
/// Returns the new text and the 1-based line of the appended body.
fn append(text: &str, body: &str, eol: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len() + body.len() + 2 * eol.len());
    out.push_str(text);
    let only_bom = text == "\u{feff}";
    if !text.is_empty() && !only_bom && !text.ends_with('\n') {
        out.push_str(if text.ends_with('\r') { "\n" } else { eol });
    }
    let line = 1 + out.matches('\n').count();
    out.push_str(body);
    out.push_str(eol);
    (out, line)
}

/// Lines of the parser's skipped statements that name `key`.
fn malformed_lines(parsed: &Parsed, key: &str) -> Vec<usize> {
    use super::lint::Lint;
    parsed
        .issues
        .iter()
        .filter(|i| match &i.lint {
            Lint::SpacesAroundEquals { key: k }
            | Lint::ColonSeparator { key: k }
            | Lint::UnterminatedQuote { key: k, .. }
            | Lint::TextAfterQuote { key: k } => k == key,
            _ => false,
        })
        .map(|i| i.line)
        .collect()
}

/// Whether `out` defines `key` exactly once, as exactly `value`, next to `others`
/// statements of other keys.
fn reads_back(out: &str, key: &str, value: &str, others: usize) -> bool {
    let p = parse(out);
    let mine: Vec<&Entry> = p.entries.iter().filter(|e| e.key == key).collect();
    matches!(mine.as_slice(), [e] if e.value == RawValue::Literal(value.to_owned()))
        && p.entries.len() == others + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set_ok(text: &str, key: &str, value: &str) -> Set {
        set(text, key, value).unwrap()
    }

    #[test]
    fn replaces_in_place_keeping_everything_else() {
        let text = "# top\n\nA=1\n  export B='old' # keep me\r\nC=3";
        let s = set_ok(text, "B", "new value");
        assert_eq!(s.text, "# top\n\nA=1\n  export B='new value' # keep me\r\nC=3");
        assert_eq!(s.change, Change::Replaced { line: 4 });
    }

    #[test]
    fn comments_survive_every_quoting() {
        for (old, new) in [
            ("K=old # c\n", "K=v # c\n"),
            ("K=old\t# c\n", "K=v\t# c\n"),
            ("K=\"o#ld\"# c\n", "K=v # c\n"),
            ("K='a\nb' # c\n", "K=v # c\n"),
            ("K=`x` # c\n", "K=v # c\n"),
            ("K=#notacomment\n", "K=v\n"),
            ("K=\"a\\\"b\" #c\n", "K=v #c\n"),
        ] {
            assert_eq!(set_ok(old, "K", "v").text, new, "{old:?}");
        }
    }

    #[test]
    fn duplicates_resolve_to_the_first_statement() {
        let text = "A=1\nK=a\nB=2\nK=b\nK=\"c\nd\"\nC=3\n";
        let s = set_ok(text, "K", "z");
        assert_eq!(s.text, "A=1\nK=z\nB=2\nC=3\n");
        assert_eq!(s.removed_duplicates, [4, 5]);
    }

    #[test]
    fn appends_with_the_files_own_line_ending() {
        assert_eq!(set_ok("", "K", "v").text, "K=v\n");
        assert_eq!(set_ok("A=1", "K", "v").text, "A=1\nK=v\n");
        assert_eq!(set_ok("A=1\r\nB=2\r\n", "K", "v").text, "A=1\r\nB=2\r\nK=v\r\n");
        assert_eq!(set_ok("A=1\r\nB=2", "K", "v").text, "A=1\r\nB=2\r\nK=v\r\n");
        assert_eq!(set_ok("# only a comment", "K", "v").text, "# only a comment\nK=v\n");
        assert_eq!(set_ok("\u{feff}", "K", "v").text, "\u{feff}K=v\n");
        assert_eq!(set_ok("\u{feff}A=1\n", "K", "v").text, "\u{feff}A=1\nK=v\n");
        assert_eq!(set_ok("export A=1\n", "K", "v").text, "export A=1\nexport K=v\n");
        assert_eq!(set_ok("A=1\n", "K", "v").change, Change::Appended { line: 2 });
    }

    #[test]
    fn multi_line_values_follow_crlf() {
        let s = set_ok("A=1\r\n", "K", "x\ny");
        assert_eq!(s.text, "A=1\r\nK='x\r\ny'\r\n");
    }

    #[test]
    fn unchanged_when_already_so() {
        assert_eq!(set_ok("K=v # c\n", "K", "v").change, Change::Unchanged { line: 1 });
    }

    #[test]
    fn malformed_statements_of_the_key_are_reported_and_kept() {
        let s = set_ok("K = old\nA=1\n", "K", "v");
        assert_eq!(s.text, "K = old\nA=1\nK=v\n");
        assert_eq!(s.malformed, [1]);
    }

    #[test]
    fn refusals() {
        assert_eq!(set("", "BAD KEY", "v"), Err(EditError::InvalidKey));
        assert_eq!(set("", "K", "a\0b"), Err(EditError::NulInValue));
    }

    #[test]
    fn remove_keeps_every_other_byte() {
        let text = "# c\r\nA=1\r\nK=x # note\r\nB='m\r\nl'\r\nK=y";
        let r = remove(text, "K");
        assert_eq!(r.text, "# c\r\nA=1\r\nB='m\r\nl'\r\n");
        assert_eq!(r.lines, [3, 6]);
        let r = remove(text, "B");
        assert_eq!(r.text, "# c\r\nA=1\r\nK=x # note\r\nK=y");
        assert!(remove(text, "NOPE").lines.is_empty());
        assert_eq!(remove(text, "NOPE").text, text);
    }

    #[test]
    fn comment_out_and_append_comments() {
        let (t, lines) = comment_out("A=1\nK='a\nb'\nB=2\n", "K");
        assert_eq!((t.as_str(), lines), ("A=1\n# K='a\n# b'\nB=2\n", vec![2]));
        assert_eq!(append_comments("A=1", &["help".into()]), "A=1\n# help\n");
    }

    #[test]
    fn put_statement_copies_verbatim() {
        let s = put_statement("A=1\nK=\n", "K", "K=${HOST}:80 # default").unwrap();
        assert_eq!(s.text, "A=1\nK=${HOST}:80 # default\n");
        assert!(put_statement("", "K", "OTHER=1").is_none());
        assert!(put_statement("", "K", "K=1\nK=2").is_none());
    }

    proptest! {
        #[test]
        fn set_reads_back_and_keeps_the_rest(
            value in "[^\u{0}]{0,40}",
            before in prop::sample::select(vec!["", "A=1\n", "# c\r\nA='x\r\ny'\r\n", "export A=1", "K=old # c\nB=2\nK=dup\n"]),
        ) {
            let s = set(before, "K", &value).unwrap();
            let p = parse(&s.text);
            let k: Vec<_> = p.entries.iter().filter(|e| e.key == "K").collect();
            prop_assert_eq!(k.len(), 1);
            prop_assert_eq!(&k[0].value, &RawValue::Literal(value.clone()));
            // Removing the key again gives back the old text without it: every other
            // byte was kept (an appended key only ends an unterminated last line).
            let had_key = parse(before).entries.iter().any(|e| e.key == "K");
            let expected = if had_key {
                remove(before, "K").text
            } else if before.is_empty() || before.ends_with('\n') {
                before.to_owned()
            } else {
                format!("{before}\n")
            };
            prop_assert_eq!(remove(&s.text, "K").text, expected);
        }
    }
}
