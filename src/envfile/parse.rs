//! The `.env` dialect of PRODUCT.md: a lossless, position-keeping parser.
//!
//! Input is text that is already known to be UTF-8. Every entry keeps its line,
//! column and byte span; every malformed statement becomes a [`LintAt`] and is
//! skipped, and parsing goes on at the next physical line. Nothing here reads
//! files, expands variables against an environment, or prints.

use super::lint::{Lint, LintAt};
use std::collections::HashMap;
use std::ops::Range;

/// Deepest `${A:-${B:-…}}` nesting that is expanded; deeper text stays literal,
/// so hostile input cannot exhaust the stack.
const MAX_NESTING: usize = 32;

/// How a value was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quote {
    /// Unquoted.
    None,
    /// `'…'`
    Single,
    /// `"…"`
    Double,
    /// `` `…` ``
    Backtick,
}

impl Quote {
    /// The word used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Quote::None => "no",
            Quote::Single => "single",
            Quote::Double => "double",
            Quote::Backtick => "backtick",
        }
    }

    fn from_byte(b: u8) -> Option<Quote> {
        match b {
            b'\'' => Some(Quote::Single),
            b'"' => Some(Quote::Double),
            b'`' => Some(Quote::Backtick),
            _ => None,
        }
    }

    fn byte(self) -> u8 {
        match self {
            Quote::Single => b'\'',
            Quote::Double => b'"',
            Quote::Backtick => b'`',
            Quote::None => 0,
        }
    }
}

/// A piece of a value that may need expansion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Literal text.
    Lit(String),
    /// `$NAME`, `${NAME}`, `${NAME:-default}` or `${NAME-default}`.
    Var {
        /// The variable's name.
        name: String,
        /// The default, if any.
        default: Option<Fallback>,
        /// Byte offset of the `$` in the parsed text: warnings point at it instead of
        /// quoting the name, which may be the rest of a password (`Ab9$xK2m…`).
        at: usize,
    },
}

/// The default of `${NAME:-…}` / `${NAME-…}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fallback {
    /// `:-` (also when empty) rather than `-` (only when unset).
    pub if_empty: bool,
    /// The default text, itself expandable.
    pub pieces: Vec<Piece>,
}

/// A value before expansion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawValue {
    /// No expansion needed.
    Literal(String),
    /// Literal text and variable references.
    Template(Vec<Piece>),
}

/// One `KEY=VALUE` statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// The value before expansion.
    pub value: RawValue,
    /// 1-based line the statement starts on.
    pub line: usize,
    /// 1-based column (in characters) of the key.
    pub column: usize,
    /// Byte range of the statement in the text, from the start of its first line to the
    /// end of its last line, including the line terminator.
    pub span: Range<usize>,
    /// Whether the statement started with `export`.
    pub exported: bool,
    /// How the value was quoted.
    pub quote: Quote,
}

/// A parsed file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The statements, in file order (duplicates included).
    pub entries: Vec<Entry>,
    /// The malformed statements that were skipped.
    pub issues: Vec<LintAt>,
    /// Whether the text started with a UTF-8 BOM.
    pub has_bom: bool,
    /// Number of lines ending in CRLF.
    pub crlf_lines: usize,
    /// Number of lines ending in a bare LF.
    pub lf_lines: usize,
}

/// Whether `key` is a valid key: `[A-Za-z0-9_.-]+`.
pub fn is_valid_key(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(is_key_byte)
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Parses env-file text.
pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    parsed.crlf_lines = memchr::memmem::find_iter(text.as_bytes(), b"\r\n").count();
    parsed.lf_lines = newlines - parsed.crlf_lines;
    let mut parser = Parser { text, no_close: [usize::MAX; 3] };
    let mut pos = 0;
    if text.starts_with('\u{feff}') {
        parsed.has_bom = true;
        pos = '\u{feff}'.len_utf8();
    }
    let mut line_no = 1;
    while pos < text.len() {
        let (line_end, next) = line_bounds(text, pos);
        match parser.statement(pos, line_end, line_no) {
            Step::Blank => {
                pos = next;
                line_no += 1;
            }
            Step::Skip(lint, column) => {
                parsed.issues.push(LintAt { lint, line: line_no, column });
                pos = next;
                line_no += 1;
            }
            Step::Entry(entry, end, lines) => {
                parsed.entries.push(entry);
                pos = end;
                line_no += lines;
            }
        }
    }
    parsed
}

/// The 1-based line and column (in characters) of byte offset `at` of `text`, as the
/// parser counts them (a BOM is not a column).
pub fn line_and_column(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = text.as_bytes().get(..at).unwrap_or_default();
    let line = 1 + memchr::memchr_iter(b'\n', before).count();
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let column = text.get(line_start..at).map_or(1, |s| s.trim_start_matches('\u{feff}').chars().count() + 1);
    (line, column)
}

/// The end of the line's content (before `\r\n` or `\n`) and the start of the next line.
fn line_bounds(text: &str, pos: usize) -> (usize, usize) {
    match memchr::memchr(b'\n', &text.as_bytes()[pos..]) {
        Some(off) => {
            let nl = pos + off;
            let end = if nl > pos && text.as_bytes()[nl - 1] == b'\r' { nl - 1 } else { nl };
            (end, nl + 1)
        }
        None => {
            let end = if text.ends_with('\r') && text.len() > pos { text.len() - 1 } else { text.len() };
            (end, text.len())
        }
    }
}

enum Step {
    Blank,
    Skip(Lint, usize),
    /// The entry, the byte offset after it, and the number of lines it spans.
    Entry(Entry, usize, usize),
}

struct Parser<'a> {
    text: &'a str,
    /// For each quote kind, the smallest start offset from which no closing quote exists:
    /// remembering it keeps a file full of unterminated quotes linear.
    no_close: [usize; 3],
}

impl Parser<'_> {
    fn column(&self, line_start: usize, at: usize) -> usize {
        self.text.get(line_start..at).map_or(1, |s| s.chars().count() + 1)
    }

    fn statement(&mut self, start: usize, line_end: usize, line_no: usize) -> Step {
        let text = self.text;
        let line = &text[start..line_end];
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() && is_blank(b[i]) {
            i += 1;
        }
        if i == b.len() || b[i] == b'#' {
            return Step::Blank;
        }
        if let Some(nul) = memchr::memchr(0, b) {
            return Step::Skip(Lint::NulByte, self.column(start, start + nul));
        }
        let mut exported = false;
        if line[i..].starts_with("export") && b.get(i + 6).is_some_and(|c| is_blank(*c)) {
            exported = true;
            i += 6;
            while i < b.len() && is_blank(b[i]) {
                i += 1;
            }
        }
        let key_start = i;
        while i < b.len() && !matches!(b[i], b'=' | b' ' | b'\t' | b':') {
            i += 1;
        }
        let key = &line[key_start..i];
        let key_col = self.column(start, start + key_start);
        let bad_char = key.chars().find(|c| !c.is_ascii() || !is_key_byte(*c as u8));
        if let Some(c) = bad_char {
            let at = key_start + key.find(c).unwrap_or(0);
            return Step::Skip(Lint::InvalidKey { bad: Some(c) }, self.column(start, start + at));
        }
        if crate::secret::classify::name_looks_secret(key) {
            return Step::Skip(Lint::ValueAsKey, key_col);
        }
        let named = key.to_owned();
        match b.get(i) {
            None => return Step::Skip(Lint::MissingEquals { exported }, key_col),
            Some(b':') if !key.is_empty() => {
                return Step::Skip(Lint::ColonSeparator { key: named }, self.column(start, start + i));
            }
            Some(b' ' | b'\t') => {
                let mut j = i;
                while j < b.len() && is_blank(b[j]) {
                    j += 1;
                }
                let lint = if b.get(j) == Some(&b'=') && !key.is_empty() {
                    Lint::SpacesAroundEquals { key: named }
                } else {
                    Lint::MissingEquals { exported }
                };
                return Step::Skip(lint, self.column(start, start + i));
            }
            Some(b'=') if key.is_empty() => {
                return Step::Skip(Lint::InvalidKey { bad: None }, key_col);
            }
            Some(b'=') => {}
            Some(_) => return Step::Skip(Lint::MissingEquals { exported }, key_col),
        }
        // After `=`.
        let v = i + 1;
        if b.get(v).is_some_and(|c| is_blank(*c)) {
            let rest = line[v..].trim_start_matches([' ', '\t']);
            if !(rest.is_empty() || rest.starts_with('#')) {
                return Step::Skip(Lint::SpacesAroundEquals { key: named }, self.column(start, start + v));
            }
        }
        let mut entry = Entry {
            key: named,
            value: RawValue::Literal(String::new()),
            line: line_no,
            column: key_col,
            span: start..start,
            exported,
            quote: Quote::None,
        };
        let (_, next_line) = line_bounds(text, line_end.min(text.len()));
        let Some(quote) = b.get(v).and_then(|c| Quote::from_byte(*c)) else {
            entry.value = unquoted(&line[v..], start + v);
            entry.span = start..next_line;
            return Step::Entry(entry, next_line, 1);
        };
        entry.quote = quote;
        let content_start = start + v + 1;
        let Some(close) = self.find_close(content_start, quote) else {
            let lint = Lint::UnterminatedQuote { key: entry.key, quote };
            return Step::Skip(lint, self.column(start, start + v));
        };
        let lines_spanned = 1 + text[start..close].bytes().filter(|c| *c == b'\n').count();
        let (close_line_end, after) = line_bounds(text, close);
        let tail = text[close + 1..close_line_end.max(close + 1)].trim_start_matches([' ', '\t']);
        if !(tail.is_empty() || tail.starts_with('#')) {
            let lint = if lines_spanned > 1 {
                // A quote that "closes" on a later line followed by text is almost always a
                // quote that was never closed on its own line.
                Lint::UnterminatedQuote { key: entry.key, quote }
            } else {
                Lint::TextAfterQuote { key: entry.key }
            };
            let col = if lines_spanned > 1 { v } else { close + 1 - start };
            return Step::Skip(lint, self.column(start, start + col));
        }
        let raw = &text[content_start..close];
        if raw.contains('\0') {
            return Step::Skip(Lint::NulByte, self.column(start, start + v));
        }
        let crlf = raw.contains("\r\n");
        let original = raw;
        let raw = if crlf { raw.replace("\r\n", "\n") } else { raw.to_owned() };
        entry.value = match quote {
            Quote::Double => {
                let mut value = template(&raw, Context::Double, content_start);
                if crlf {
                    // Offsets were taken in the text with CRLF read as LF: add back one
                    // byte for every `\r` removed before each reference.
                    if let RawValue::Template(pieces) = &mut value {
                        relocate(pieces, &|at| {
                            let normalized = at - content_start;
                            content_start + normalized + original_crlfs_before(original, normalized)
                        });
                    }
                }
                value
            }
            Quote::Single => RawValue::Literal(raw.replace("\\'", "'")),
            Quote::Backtick => RawValue::Literal(raw.replace("\\`", "`")),
            Quote::None => RawValue::Literal(raw),
        };
        entry.span = start..after;
        Step::Entry(entry, after, lines_spanned)
    }

    /// The offset of the closing quote for a value whose content starts at `from`.
    fn find_close(&mut self, from: usize, quote: Quote) -> Option<usize> {
        let slot = match quote {
            Quote::Single => 0,
            Quote::Double => 1,
            _ => 2,
        };
        if from >= self.no_close[slot] {
            return None;
        }
        let q = quote.byte();
        let b = self.text.as_bytes();
        let mut i = from;
        while i < b.len() {
            let c = b[i];
            if c == b'\\' {
                // In double quotes any backslash escapes the next byte for the purpose of
                // finding the end; in single quotes and backticks only `\'` / `` \` `` does.
                if quote == Quote::Double || b.get(i + 1) == Some(&q) {
                    i += 2;
                    continue;
                }
            } else if c == q {
                return Some(i);
            }
            i += 1;
        }
        self.no_close[slot] = self.no_close[slot].min(from);
        None
    }
}

/// Moves every reference's offset through `f`.
fn relocate(pieces: &mut [Piece], f: &dyn Fn(usize) -> usize) {
    for piece in pieces {
        if let Piece::Var { at, default, .. } = piece {
            *at = f(*at);
            if let Some(d) = default {
                relocate(&mut d.pieces, f);
            }
        }
    }
}

/// How many `\r\n` pairs of `original` lie before offset `normalized` of the same text
/// with each pair read as `\n`.
fn original_crlfs_before(original: &str, normalized: usize) -> usize {
    let mut removed = 0;
    for i in memchr::memmem::find_iter(original.as_bytes(), b"\r\n") {
        // The pair's `\n` sits at `i - removed` in the normalized text.
        if i - removed >= normalized {
            break;
        }
        removed += 1;
    }
    removed
}

/// An unquoted value: the rest of the line after `=`, which starts at offset `at`.
fn unquoted(rest: &str, at: usize) -> RawValue {
    // Only a `#` after a blank starts a comment; `#` right after `=` is part of the value
    // (`COLOR=#ff6600`). `KEY= #c` never gets here with text: it is an empty value.
    let b = rest.as_bytes();
    let end = memchr::memchr2_iter(b' ', b'\t', b).find(|&i| b.get(i + 1) == Some(&b'#')).unwrap_or(b.len());
    let value = rest[..end].trim_matches([' ', '\t']);
    let lead = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    template(value, Context::Unquoted, at + lead)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Unquoted,
    Double,
}

/// Splits text into literal pieces and variable references, applying the context's
/// escapes; `s` starts at offset `base` of the parsed text.
fn template(s: &str, ctx: Context, base: usize) -> RawValue {
    let braces = Braces::of(s);
    let mut pieces = pieces(s, ctx, Nest { depth: 0, off: 0, braces: &braces }, base);
    match pieces.as_mut_slice() {
        [] => RawValue::Literal(String::new()),
        [Piece::Lit(l)] => RawValue::Literal(std::mem::take(l)),
        _ => RawValue::Template(pieces),
    }
}

/// Where a `pieces` call stands: its nesting depth, the offset of its text in the
/// value, and the value's matched braces.
#[derive(Clone, Copy)]
struct Nest<'a> {
    depth: usize,
    off: usize,
    braces: &'a Braces,
}

/// The `}` that closes each `${` of a value, found in one pass: looking for it again
/// from every `${` would be quadratic in a value of many unclosed `${X:-`.
struct Braces(HashMap<usize, usize>);

impl Braces {
    /// Pairs each `${` with its `}` as [`matching_brace`] would (a `\` skips the next
    /// byte), innermost first.
    fn of(s: &str) -> Braces {
        let b = s.as_bytes();
        let mut open = Vec::new();
        let mut pairs = HashMap::new();
        let mut i = 0;
        while let Some(off) = b.get(i..).and_then(|rest| memchr::memchr3(b'\\', b'$', b'}', rest)) {
            i += off;
            match b[i] {
                b'\\' => i += 1,
                b'$' if b.get(i + 1) == Some(&b'{') => {
                    open.push(i);
                    i += 1;
                }
                b'}' => {
                    if let Some(o) = open.pop() {
                        pairs.insert(o, i);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        Braces(pairs)
    }
}

fn pieces(s: &str, ctx: Context, nest: Nest, base: usize) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    while i < s.len() {
        // Copy the run up to the next character that can mean something, in one go.
        let run = memchr::memchr2(b'\\', b'$', &s.as_bytes()[i..]).map_or(s.len(), |off| i + off);
        lit.push_str(&s[i..run]);
        i = run;
        let rest = &s[i..];
        if let Some(after) = rest.strip_prefix('\\') {
            let next = after.chars().next();
            let escaped = match (ctx, next) {
                (_, Some('$')) => Some('$'),
                (Context::Double, Some('n')) => Some('\n'),
                (Context::Double, Some('t')) => Some('\t'),
                (Context::Double, Some('r')) => Some('\r'),
                (Context::Double, Some('"')) => Some('"'),
                (Context::Double, Some('\\')) => Some('\\'),
                (Context::Double, Some('\'')) => Some('\''),
                _ => None,
            };
            match escaped {
                Some(e) => {
                    lit.push(e);
                    i += 2;
                }
                None => {
                    lit.push('\\');
                    i += 1;
                    // In double quotes an unknown escape is kept whole (`\d` stays `\d`);
                    // the next character must not start an expansion of its own.
                    if ctx == Context::Double {
                        if let Some(n) = next {
                            lit.push(n);
                            i += n.len_utf8();
                        }
                    }
                }
            }
        } else if rest.starts_with('$') {
            match expansion(rest, ctx, Nest { off: nest.off + i, ..nest }, base + i) {
                Some((piece, used)) => {
                    if !lit.is_empty() {
                        out.push(Piece::Lit(std::mem::take(&mut lit)));
                    }
                    out.push(piece);
                    i += used;
                }
                None => {
                    lit.push('$');
                    i += 1;
                }
            }
        }
    }
    if !lit.is_empty() {
        out.push(Piece::Lit(lit));
    }
    out
}

fn name_len(s: &str) -> usize {
    let b = s.as_bytes();
    if b.first().is_none_or(|c| !(c.is_ascii_alphabetic() || *c == b'_')) {
        return 0;
    }
    b.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count()
}

/// Parses `$NAME` or `${…}` at the start of `s`, which is at offset `at` of the parsed
/// text; `None` means the `$` is literal.
fn expansion(s: &str, ctx: Context, nest: Nest, at: usize) -> Option<(Piece, usize)> {
    let after = &s[1..];
    if !after.starts_with('{') {
        let n = name_len(after);
        return (n > 0).then(|| (Piece::Var { name: after[..n].to_owned(), default: None, at }, 1 + n));
    }
    let inner = &after[1..];
    let n = name_len(inner);
    if n == 0 {
        return None;
    }
    let name = inner[..n].to_owned();
    let rest = &inner[n..];
    if rest.starts_with('}') {
        return Some((Piece::Var { name, default: None, at }, 2 + n + 1));
    }
    let (if_empty, op) = if rest.starts_with(":-") {
        (true, 2)
    } else if rest.starts_with('-') {
        (false, 1)
    } else {
        return None;
    };
    if nest.depth >= MAX_NESTING {
        return None;
    }
    let body = &rest[op..];
    // The body starts 2 + n + op bytes after the `$`; its `}` was paired in one pass.
    let body_at = 2 + n + op;
    let close = nest.braces.0.get(&nest.off)?.checked_sub(nest.off + body_at)?;
    let inner = Nest { depth: nest.depth + 1, off: nest.off + body_at, braces: nest.braces };
    let default = Fallback { if_empty, pieces: pieces(&body[..close], ctx, inner, at + body_at) };
    Some((Piece::Var { name, default: Some(default), at }, 2 + n + op + close + 1))
}

/// The offset of the `}` that closes a `${` whose body starts at `s`, searched from
/// there: what [`Braces`] finds for every `${` at once (the test compares them).
#[cfg(test)]
fn matching_brace(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'$' if b.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The entries' keys and values, with templates shown in a compact form.
    fn kv(text: &str) -> Vec<(String, String)> {
        parse(text).entries.into_iter().map(|e| (e.key, show(&e.value))).collect()
    }

    fn show(v: &RawValue) -> String {
        match v {
            RawValue::Literal(s) => s.clone(),
            RawValue::Template(p) => show_pieces(p),
        }
    }

    fn show_pieces(p: &[Piece]) -> String {
        p.iter()
            .map(|p| match p {
                Piece::Lit(s) => s.clone(),
                Piece::Var { name, default: None, .. } => format!("<{name}>"),
                Piece::Var { name, default: Some(d), .. } => {
                    format!("<{name}{}{}>", if d.if_empty { ":-" } else { "-" }, show_pieces(&d.pieces))
                }
            })
            .collect()
    }

    fn one(text: &str) -> String {
        let v = kv(text);
        assert_eq!(v.len(), 1, "{text:?} gave {v:?}");
        v[0].1.clone()
    }

    fn skipped(text: &str) -> Vec<(usize, &'static str)> {
        parse(text).issues.iter().map(|l| (l.line, l.lint.rule())).collect()
    }

    #[test]
    fn statements() {
        assert_eq!(
            kv("A=1\nexport B=2\n  C=3\n\tD=4"),
            vec![
                ("A".into(), "1".into()),
                ("B".into(), "2".into()),
                ("C".into(), "3".into()),
                ("D".into(), "4".into())
            ]
        );
        assert_eq!(one("a.b-c_d=1"), "1");
        assert_eq!(one("export=1"), "1");
        assert_eq!(kv("export\tKEY=x")[0].0, "KEY");
        assert!(parse("export\tKEY=x").entries[0].exported);
    }

    #[test]
    fn comments() {
        assert_eq!(kv("# c\n  # c\n\nA=1 # note\n"), vec![("A".into(), "1".into())]);
        assert_eq!(one("URL=https://x/page#frag"), "https://x/page#frag");
        assert_eq!(one("COLOR=#ff6600"), "#ff6600");
        assert_eq!(one("A=v\t# note"), "v");
        assert_eq!(one("A=\"x\"# note"), "x");
        assert_eq!(one("A='x' # note"), "x");
    }

    #[test]
    fn unquoted_values() {
        assert_eq!(skipped("A=  a b  "), vec![(1, "envfile/spaces-around-equals")]);
        assert_eq!(one("A=a b  "), "a b");
        assert_eq!(one("A=O'Brien"), "O'Brien");
        assert_eq!(one("A={\"a\":1}"), "{\"a\":1}");
        assert_eq!(one("A=C:\\path\\n"), "C:\\path\\n");
        assert_eq!(one("A=\\$HOME"), "$HOME");
        assert_eq!(one("A="), "");
        assert_eq!(one("A=   # c"), "");
        assert_eq!(one("A= "), "");
        assert!(parse("A=   # c").issues.is_empty());
    }

    #[test]
    fn single_quotes() {
        assert_eq!(one("A='$HOME \\n x'"), "$HOME \\n x");
        assert_eq!(one("A='it\\'s'"), "it's");
        assert_eq!(one("A='a\nb'"), "a\nb");
        assert_eq!(one("A='a\r\nb'\r\n"), "a\nb");
    }

    #[test]
    fn double_quotes() {
        assert_eq!(one(r#"A="a\nb\tc\rd\"e\\f\$g\'h""#), "a\nb\tc\rd\"e\\f$g'h");
        assert_eq!(one(r#"A="^\d+$""#), "^\\d+$");
        assert_eq!(one("A=\"line1\nline2\""), "line1\nline2");
        assert_eq!(one("A=\"x\r\ny\"\r\n"), "x\ny");
        assert_eq!(one("A=\"$B\""), "<B>");
        assert_eq!(one("A=\"a#b\""), "a#b");
    }

    #[test]
    fn backticks() {
        assert_eq!(one("A=`it's \"quoted\"`"), "it's \"quoted\"");
    }

    #[test]
    fn expansion_forms() {
        assert_eq!(one("A=$B"), "<B>");
        assert_eq!(one("A=${B}"), "<B>");
        assert_eq!(one("A=x${B}y$C"), "x<B>y<C>");
        assert_eq!(one("A=${B:-d}"), "<B:-d>");
        assert_eq!(one("A=${B-d}"), "<B-d>");
        assert_eq!(one("A=${B:-${C:-z}}"), "<B:-<C:-z>>");
        assert_eq!(one("A=pa$$word"), "pa$<word>");
        assert_eq!(one("A=$(whoami)"), "$(whoami)");
        assert_eq!(one("A=$1"), "$1");
        assert_eq!(one("A=cost $"), "cost $");
        assert_eq!(one("A=${unclosed"), "${unclosed");
        assert_eq!(one("A=${B:?x}"), "${B:?x}");
    }

    #[test]
    fn deep_nesting_stays_literal_without_overflow() {
        let deep = format!("A={}x{}", "${B:-".repeat(10_000), "}".repeat(10_000));
        assert_eq!(parse(&deep).entries.len(), 1);
    }

    #[test]
    fn crlf_and_bom() {
        let p = parse("\u{feff}A=1\r\nB=2\r\n");
        assert!(p.has_bom);
        assert_eq!(p.crlf_lines, 2);
        assert_eq!(p.entries[0].key, "A");
        assert_eq!(one("A=1\r"), "1");
    }

    #[test]
    fn spaces_around_equals_are_skipped_with_a_warning() {
        for line in
            ["KEY = value", "KEY =value", "KEY= value", "KEY\t=\tvalue", "export KEY = value", "KEY=\tvalue"]
        {
            let p = parse(line);
            assert!(p.entries.is_empty(), "{line:?} was loaded");
            assert_eq!(skipped(line), vec![(1, "envfile/spaces-around-equals")], "{line:?}");
        }
        let p = parse("KEY = value");
        assert_eq!(p.issues[0].column, 4);
        assert_eq!(p.issues[0].lint.hint().unwrap(), "write `KEY=value` with no blanks around `=`");
    }

    #[test]
    fn malformed_statements_are_skipped_and_parsing_goes_on() {
        let text = "A=1\nKEY\nexport KEY\nKEY!=x\nCLÉ=x\nKEY: value\nB=\"open\nC=2\nD=\"x\"tail\n=x\nE=3\n";
        assert_eq!(
            skipped(text),
            vec![
                (2, "envfile/missing-equals"),
                (3, "envfile/missing-equals"),
                (4, "envfile/invalid-key"),
                (5, "envfile/invalid-key"),
                (6, "envfile/colon-separator"),
                (7, "envfile/unterminated-quote"),
                (9, "envfile/text-after-quote"),
                (10, "envfile/invalid-key"),
            ]
        );
        let keys: Vec<_> = kv(text).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["A", "C", "E"]);
    }

    proptest::proptest! {
        #[test]
        fn braces_pair_as_a_search_from_each_opening_would(s in "[ab$\\\\{}:-]{0,40}") {
            let braces = Braces::of(&s);
            for (i, _) in s.match_indices("${") {
                let from_here = matching_brace(&s[i + 2..]).map(|c| c + i + 2);
                // A search from this opening finds the pair unless an escape before it
                // hid the opening from the one pass (then pieces() never asks).
                if braces.0.contains_key(&i) || from_here.is_none() {
                    proptest::prop_assert_eq!(braces.0.get(&i).copied(), from_here, "{:?} at {}", s, i);
                }
            }
        }
    }

    #[test]
    fn unclosed_openings_are_literal_text() {
        // One pass pairs the braces: 200,000 unclosed `${X:-` no longer take minutes.
        let text = format!("A={}\n", "${X:-".repeat(200_000));
        let p = parse(&text);
        assert_eq!(kv(&text), [("A".to_owned(), "${X:-".repeat(200_000))]);
        assert!(p.issues.is_empty());
    }

    #[test]
    fn a_value_in_the_key_position_is_skipped_unquoted() {
        let key = "sk-proj-Yt6Re4Wq2Po0Iu8Ly7Tk5Rj3Eh1Gf9Ds";
        for text in
            [format!("{key}=1\n"), format!("{key} = 1\n"), format!("{key}: 1\n"), format!("export {key}=1\n")]
        {
            assert_eq!(skipped(&text), vec![(1, "envfile/value-as-key")], "{text}");
            let p = parse(&text);
            assert!(p.entries.is_empty());
            let message = p.issues[0].lint.message() + &p.issues[0].lint.hint().unwrap_or_default();
            assert!(!message.contains(&key[..12]), "{message}");
        }
        let text =
            "Xk29fjQ8vLm3Rt7Wz1Pb5Nc8=1\nREAD_CONFIGURATION_REGISTER_2024=1\nReadConfigurationRegister=1\n";
        assert_eq!(skipped(text), vec![(1, "envfile/value-as-key")]);
        assert_eq!(kv(text).len(), 2);
    }

    #[test]
    fn unterminated_quote_does_not_swallow_the_file() {
        let text = "A='open\nB=2\nC=3\n";
        assert_eq!(skipped(text), vec![(1, "envfile/unterminated-quote")]);
        assert_eq!(kv(text).len(), 2);
        // A quote "closed" by a later line's quote, followed by text, is the same mistake.
        let text = "A=\"open\nB=\"x\"\n";
        assert_eq!(skipped(text), vec![(1, "envfile/unterminated-quote")]);
        assert_eq!(kv(text), vec![("B".into(), "x".into())]);
    }

    #[test]
    fn nul_byte() {
        assert_eq!(skipped("A=a\0b\nB=1"), vec![(1, "envfile/nul-byte")]);
        assert_eq!(skipped("A=\"a\nb\0\"\nB=1"), vec![(1, "envfile/nul-byte"), (2, "envfile/nul-byte")]);
    }

    #[test]
    fn positions_and_spans() {
        let text = "# c\n  A=1\nB=\"x\ny\"\nC=3";
        let p = parse(text);
        assert_eq!((p.entries[0].line, p.entries[0].column), (2, 3));
        assert_eq!(&text[p.entries[0].span.clone()], "  A=1\n");
        assert_eq!(p.entries[1].line, 3);
        assert_eq!(&text[p.entries[1].span.clone()], "B=\"x\ny\"\n");
        assert_eq!((p.entries[2].line, &text[p.entries[2].span.clone()]), (5, "C=3"));
    }

    #[test]
    fn many_unterminated_quotes_stay_linear() {
        let text = "A='x\n".repeat(200_000);
        let p = parse(&text);
        assert_eq!(p.issues.len(), 200_000);
    }
}
