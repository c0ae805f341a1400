//! The lexer: splits a command line into simple commands as a shell would.
//!
//! It finds the structure a shell sees — `;`, `&&`, `||`, `&`, pipes, newlines,
//! subshells and groups, `$(…)`, backticks, `<(…)`, redirections and here-documents —
//! and hands each simple command's text to the `shell-words` crate, which splits it
//! into words with the shell's quoting rules. Operators and substitutions are marked in
//! that text with control characters no command line contains (`OP`, `SUB`,
//! `LIT_DOLLAR`), so a quoted `">"` stays a word.
//!
//! It owns syntax only. It must not judge: no [`crate::agent::Guard`], no
//! [`crate::agent::Decision`], no knowledge of which programs read files (that is
//! `words` and `judge`).

/// Marks an operator word (`<`, `>>`, `2>&1`, …) in a simple command's text.
pub(super) const OP: char = '\u{1}';
/// Brackets a substitution's index: `\u{2}3\u{2}`.
pub(super) const SUB: char = '\u{2}';
/// A `$` that was inside single quotes: literal, never expanded.
pub(super) const LIT_DOLLAR: char = '\u{3}';

/// Deepest nesting of `$(…)`, `bash -c '…'` and friends that is analysed; deeper is
/// denied (no real command nests that far).
pub(super) const MAX_DEPTH: usize = 8;

/// One simple command.
#[derive(Clone, Debug, Default)]
pub struct Simple {
    /// Its words, as `shell-words` split them (operators start with a control character).
    pub words: Vec<String>,
    /// Which pipeline it belongs to, and its position in it.
    pub pipeline: usize,
    /// Position in the pipeline (0 = first stage).
    pub stage: usize,
    /// Here-document bodies fed to it, and whether they expand `$…`.
    pub heredocs: Vec<(String, bool)>,
    /// Whether the text could not be split into words (an unbalanced quote).
    pub unsplit: Option<String>,
}

/// A command line, split.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// Every simple command, nested ones (from substitutions) included, in order.
    pub commands: Vec<Simple>,
    /// For each substitution: the commands inside it (indexes into `commands`).
    pub subs: Vec<Vec<usize>>,
    /// Whether nesting went too deep to analyse.
    pub too_deep: bool,
}

/// Splits a command line.
pub fn parse(line: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut pipelines = 0;
    parse_into(line, 0, &mut p, &mut pipelines);
    p
}

/// The simple command being built: its text (with marks) and the here-documents it opens.
struct Builder {
    text: String,
    heredocs: Vec<(String, bool, bool)>,
    /// Byte offset in `text` where the current word starts.
    word_start: usize,
}

impl Builder {
    fn new() -> Self {
        Builder { text: String::new(), heredocs: Vec::new(), word_start: 0 }
    }
    fn at_word_start(&self) -> bool {
        self.text.len() == self.word_start
    }
    fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }
    fn space(&mut self) {
        self.text.push(' ');
        self.word_start = self.text.len();
    }
}

/// Splits `line`, `depth` substitutions down, into `out`; `pipelines` numbers the pipelines.
fn parse_into(line: &str, depth: usize, out: &mut Parsed, pipelines: &mut usize) {
    if depth > MAX_DEPTH {
        out.too_deep = true;
        return;
    }
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut b = Builder::new();
    let mut stage = 0usize;
    let mut pipeline = *pipelines;
    *pipelines += 1;
    // Here-documents waiting for the end of the line: (command index, delimiter,
    // strip tabs, expands).
    let mut pending: Vec<(usize, String, bool, bool)> = Vec::new();

    let finish = |b: &mut Builder,
                  out: &mut Parsed,
                  pipeline: usize,
                  stage: usize,
                  pending: &mut Vec<(usize, String, bool, bool)>| {
        if b.is_empty() && b.heredocs.is_empty() {
            *b = Builder::new();
            return;
        }
        let idx = out.commands.len();
        let (words, unsplit) = match shell_words::split(&b.text) {
            Ok(w) => (w, None),
            Err(_) => (Vec::new(), Some(b.text.clone())),
        };
        out.commands.push(Simple { words, pipeline, stage, heredocs: Vec::new(), unsplit });
        for (d, strip, expand) in b.heredocs.drain(..) {
            pending.push((idx, d, strip, expand));
        }
        *b = Builder::new();
    };

    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                if chars.get(i + 1) == Some(&'\n') {
                    i += 2;
                    continue;
                }
                b.text.push('\\');
                if let Some(&n) = chars.get(i + 1) {
                    b.text.push(n);
                }
                i += 2;
            }
            '\'' => {
                // Literal to the next quote; `$` inside is marked literal.
                b.text.push('\'');
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    b.text.push(if chars[i] == '$' { LIT_DOLLAR } else { chars[i] });
                    i += 1;
                }
                if i < chars.len() {
                    b.text.push('\'');
                    i += 1;
                }
            }
            '"' => {
                b.text.push('"');
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    match chars[i] {
                        '\\' => {
                            b.text.push('\\');
                            if let Some(&n) = chars.get(i + 1) {
                                b.text.push(n);
                            }
                            i += 2;
                        }
                        '$' if chars.get(i + 1) == Some(&'(') && chars.get(i + 2) != Some(&'(') => {
                            i = substitution(&chars, i + 2, ')', depth, out, pipelines, &mut b);
                        }
                        '`' => {
                            i = substitution(&chars, i + 1, '`', depth, out, pipelines, &mut b);
                        }
                        ch => {
                            b.text.push(ch);
                            i += 1;
                        }
                    }
                }
                if i < chars.len() {
                    b.text.push('"');
                    i += 1;
                }
            }
            '`' => {
                i = substitution(&chars, i + 1, '`', depth, out, pipelines, &mut b);
            }
            '$' if chars.get(i + 1) == Some(&'(') && chars.get(i + 2) == Some(&'(') => {
                // Arithmetic: text to the matching `))`.
                let end = matching(&chars, i + 1, '(', ')').unwrap_or(chars.len());
                b.text.extend(&chars[i..end.min(chars.len())]);
                i = end;
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                i = substitution(&chars, i + 2, ')', depth, out, pipelines, &mut b);
            }
            '$' if chars.get(i + 1) == Some(&'{') => {
                let end = matching(&chars, i + 1, '{', '}').unwrap_or(chars.len());
                b.text.extend(&chars[i..end.min(chars.len())]);
                i = end;
            }
            '<' | '>' if matches!(chars.get(i + 1), Some('(')) => {
                // Process substitution.
                i = substitution(&chars, i + 2, ')', depth, out, pipelines, &mut b);
            }
            '#' if b.at_word_start() => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\n' | ';' | '&' | '|' | '(' | ')' => {
                // `&>` and `>&` are redirections, not separators.
                if c == '&' && chars.get(i + 1) == Some(&'>') {
                    let (op, next) = redirection(&chars, i);
                    push_op(&mut b, &op);
                    i = next;
                    continue;
                }
                if c == '(' && !b.at_word_start() {
                    // `f()` or a glob like `@(…)`: keep as text.
                    b.text.push(c);
                    i += 1;
                    continue;
                }
                let pipe = c == '|' && chars.get(i + 1) != Some(&'|');
                finish(&mut b, out, pipeline, stage, &mut pending);
                if pipe {
                    stage += 1;
                    i += if chars.get(i + 1) == Some(&'&') { 2 } else { 1 };
                } else {
                    stage = 0;
                    pipeline = *pipelines;
                    *pipelines += 1;
                    i += if matches!(
                        (c, chars.get(i + 1)),
                        ('&', Some('&')) | ('|', Some('|')) | (';', Some(';'))
                    ) {
                        2
                    } else {
                        1
                    };
                }
                if c == '\n' && !pending.is_empty() {
                    i = heredoc_bodies(&chars, i, &mut pending, out);
                }
            }
            '<' | '>' => {
                // An fd number right before the operator belongs to it (`2>`).
                let fd: String = b.text[b.word_start..].to_owned();
                let fd = if !fd.is_empty() && fd.chars().all(|c| c.is_ascii_digit()) {
                    b.text.truncate(b.word_start);
                    fd
                } else {
                    String::new()
                };
                if c == '<' && chars.get(i + 1) == Some(&'<') && chars.get(i + 2) != Some(&'<') {
                    // A here-document: `<<WORD` or `<<-WORD`.
                    let mut j = i + 2;
                    let strip = chars.get(j) == Some(&'-');
                    if strip {
                        j += 1;
                    }
                    while chars.get(j).is_some_and(|c| *c == ' ' || *c == '\t') {
                        j += 1;
                    }
                    let start = j;
                    while j < chars.len()
                        && !matches!(chars[j], ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')')
                    {
                        j += 1;
                    }
                    let raw: String = chars[start..j].iter().collect();
                    let expand = !raw.contains(['\'', '"', '\\']);
                    let delim: String = raw.chars().filter(|c| !matches!(c, '\'' | '"' | '\\')).collect();
                    b.heredocs.push((delim, strip, expand));
                    push_op(&mut b, &format!("{fd}<<"));
                    i = j;
                    continue;
                }
                let (op, next) = redirection(&chars, i);
                push_op(&mut b, &format!("{fd}{op}"));
                i = next;
            }
            ' ' | '\t' => {
                b.space();
                i += 1;
            }
            _ => {
                b.text.push(c);
                i += 1;
            }
        }
    }
    finish(&mut b, out, pipeline, stage, &mut pending);
    // Here-documents with no body (the line ended first): nothing to attach.
}

/// Adds an operator as a word of its own.
fn push_op(b: &mut Builder, op: &str) {
    b.space();
    b.text.push(OP);
    b.text.push_str(op);
    b.space();
}

/// The redirection operator starting at `i` (`>`, `>>`, `>|`, `<`, `<>`, `<<<`, `>&`,
/// `<&`, `&>`, `&>>`) and the index after it.
fn redirection(chars: &[char], i: usize) -> (String, usize) {
    let mut j = i;
    let mut op = String::new();
    while j < chars.len() && matches!(chars[j], '<' | '>' | '&' | '|') && op.len() < 3 {
        // `>|` is a clobber, but `>||` is not an operator.
        if chars[j] == '|' && !op.ends_with('>') {
            break;
        }
        if chars[j] == '&' && op.contains('&') {
            break;
        }
        op.push(chars[j]);
        j += 1;
        if op.ends_with('&') && op.len() > 1 {
            // `>&2`, `<&0`, `>&-`: the target follows directly.
            break;
        }
    }
    (op, j)
}

/// The index of the bracket closing the one at `open_at`, past it.
fn matching(chars: &[char], open_at: usize, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open_at;
    let mut quote: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) => {
                if c == '\\' && q == '"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if c == '\\' {
                    i += 1;
                } else if c == '\'' || c == '"' {
                    quote = Some(c);
                } else if c == open {
                    depth += 1;
                } else if c == close {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
            }
        }
        i += 1;
    }
    None
}

/// Parses a substitution whose body starts at `start` and ends at `close`, adds its
/// commands, puts a placeholder in the current word, and returns the index after it.
fn substitution(
    chars: &[char],
    start: usize,
    close: char,
    depth: usize,
    out: &mut Parsed,
    pipelines: &mut usize,
    b: &mut Builder,
) -> usize {
    let end = if close == '`' {
        let mut j = start;
        while j < chars.len() && chars[j] != '`' {
            if chars[j] == '\\' {
                j += 1;
            }
            j += 1;
        }
        j
    } else {
        // `start` is just past `(`: find the matching `)` from the `(`.
        matching(chars, start.saturating_sub(1), '(', ')').map_or(chars.len(), |e| e - 1)
    };
    let body: String = chars[start..end.min(chars.len())].iter().collect();
    let first = out.commands.len();
    parse_into(&body, depth + 1, out, pipelines);
    let idx = out.subs.len();
    out.subs.push((first..out.commands.len()).collect());
    b.text.push(SUB);
    b.text.push_str(&idx.to_string());
    b.text.push(SUB);
    (end + 1).min(chars.len())
}

/// Reads the bodies of pending here-documents from `i` (the start of the next line),
/// attaches them, and returns the index after the last delimiter line.
fn heredoc_bodies(
    chars: &[char],
    mut i: usize,
    pending: &mut Vec<(usize, String, bool, bool)>,
    out: &mut Parsed,
) -> usize {
    for (idx, delim, strip, expand) in pending.drain(..) {
        let mut body = String::new();
        loop {
            if i >= chars.len() {
                break;
            }
            let end = chars[i..].iter().position(|c| *c == '\n').map_or(chars.len(), |p| i + p);
            let line: String = chars[i..end].iter().collect();
            i = (end + 1).min(chars.len().max(end + 1));
            let cmp = if strip { line.trim_start_matches('\t') } else { line.as_str() };
            if cmp == delim {
                break;
            }
            body.push_str(&line);
            body.push('\n');
        }
        if let Some(c) = out.commands.get_mut(idx) {
            c.heredocs.push((body, expand));
        }
    }
    i
}

/// The text with literal-`$` marks turned back into `$` (for code and nested shells).
pub(super) fn restore(s: &str) -> String {
    s.replace(LIT_DOLLAR, "$")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<Vec<String>> {
        parse(line).commands.into_iter().map(|c| c.words.into_iter().map(|w| restore(&w)).collect()).collect()
    }

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(
            words("a b; c && d || e | f & g"),
            vec![vec!["a", "b"], vec!["c"], vec!["d"], vec!["e"], vec!["f"], vec!["g"]]
        );
        assert_eq!(words("echo 'a;b' \"c|d\""), vec![vec!["echo", "a;b", "c|d"]]);
        assert_eq!(words("cat<.env"), vec![vec!["cat".to_owned(), format!("{OP}<"), ".env".to_owned()]]);
        assert_eq!(
            words("ls 2>/dev/null"),
            vec![vec!["ls".to_owned(), format!("{OP}2>"), "/dev/null".to_owned()]]
        );
        let p = parse("echo $(cat .env) `id`");
        assert_eq!(p.commands.len(), 3);
        assert_eq!(p.commands[0].words, ["cat", ".env"]);
        assert_eq!(p.commands[1].words, ["id"]);
        let p = parse("cat <<EOF\nhello $X\nEOF\necho done");
        assert_eq!(p.commands[0].heredocs, vec![("hello $X\n".to_owned(), true)]);
        assert_eq!(p.commands[1].words, ["echo", "done"]);
        let p = parse("(cd a && cat b) | { grep x; }");
        let w: Vec<_> = p.commands.iter().map(|c| c.words.join(" ")).collect();
        assert_eq!(w, ["cd a", "cat b", "{ grep x", "}"]);
    }

    #[test]
    fn never_panics_on_truncations() {
        let lines = [
            "echo \"$(cat '.env')\" | grep -r x <<'E'\nbody\nE\n",
            "a=$((1+2)) ${X:-$(y)} `z` <(w) >(v) 2>&1 &>/dev/null",
            "bash -c 'sh -c \"echo \\$OPENAI_PAT\"'",
        ];
        for l in lines {
            for end in 0..=l.len() {
                if l.is_char_boundary(end) {
                    let _ = parse(&l[..end]);
                }
            }
        }
    }
}
