//! The text reporter: `path:line:col: severity[rule]: message`, then a hint line.

use super::{Finding, Severity};
use console::Style;
use std::io::{self, Write};

/// Decides colour once and applies it; a no-op when colour is off.
#[derive(Clone, Copy, Debug)]
pub struct Painter {
    enabled: bool,
}

impl Painter {
    /// A painter that colours when `enabled`.
    pub fn new(enabled: bool) -> Self {
        Self { enabled }
    }

    /// Whether colour is on.
    pub fn enabled(self) -> bool {
        self.enabled
    }

    fn paint(self, style: Style, text: &str) -> String {
        if self.enabled { style.force_styling(true).apply_to(text).to_string() } else { text.to_owned() }
    }

    /// The severity word, coloured.
    pub fn severity(self, s: Severity) -> String {
        let style = match s {
            Severity::Error => Style::new().red().bold(),
            Severity::Warning => Style::new().yellow().bold(),
            Severity::Note => Style::new().cyan(),
        };
        self.paint(style, s.as_str())
    }

    /// Dim text (origins, fingerprints).
    pub fn dim(self, text: &str) -> String {
        self.paint(Style::new().dim(), text)
    }

    /// Bold text (keys).
    pub fn bold(self, text: &str) -> String {
        self.paint(Style::new().bold(), text)
    }
}

/// A path as a terminal line can show it: as is, or, when it holds control characters
/// (a newline, an escape sequence that could repaint the screen), in double quotes with C
/// escapes, as git shows such names.
pub fn quote_path(path: &str) -> std::borrow::Cow<'_, str> {
    if !path.chars().any(|c| c.is_control()) && !path.starts_with('"') {
        return path.into();
    }
    let mut out = String::with_capacity(path.len() + 2);
    out.push('"');
    for c in path.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\{b:03o}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out.into()
}

/// Writes one finding in the text format.
pub fn write_finding(w: &mut dyn Write, f: &Finding, painter: Painter) -> io::Result<()> {
    if let Some(loc) = &f.location {
        write!(w, "{}", quote_path(&loc.path))?;
        if loc.line > 0 {
            write!(w, ":{}", loc.line)?;
            if loc.column > 0 {
                write!(w, ":{}", loc.column)?;
            }
        }
        write!(w, ": ")?;
    }
    write!(w, "{}[{}]: {}", painter.severity(f.severity), f.rule, f.message)?;
    if let Some(secret) = &f.secret {
        write!(w, " {}", painter.dim(&format!("({secret})")))?;
    }
    if let Some(c) = &f.commit {
        let short = c.id.get(..12).unwrap_or(&c.id);
        write!(w, " {}", painter.dim(&format!("in commit {short} ({})", c.date)))?;
    }
    writeln!(w)?;
    if let Some(hint) = &f.hint {
        writeln!(w, "  {} {hint}", painter.dim("hint:"))?;
    }
    Ok(())
}

/// Writes findings grouped by file (a blank line between files), then the summary line.
pub fn write_text(w: &mut dyn Write, findings: &[Finding], painter: Painter) -> io::Result<()> {
    let mut last: Option<&str> = None;
    for f in findings {
        let path = f.location.as_ref().map(|l| l.path.as_str());
        if last.is_some() && path != last {
            writeln!(w)?;
        }
        last = path;
        write_finding(w, f, painter)?;
    }
    if !findings.is_empty() {
        writeln!(w)?;
    }
    writeln!(w, "{}", super::Summary::of(findings).line())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_line_shape() {
        let f =
            Finding::warning("envfile/duplicate-key", "A is already set on line 1; this later value wins")
                .at(".env", 3, 1)
                .hint("remove one");
        let mut out = Vec::new();
        write_finding(&mut out, &f, Painter::new(false)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            ".env:3:1: warning[envfile/duplicate-key]: A is already set on line 1; this later value wins\n  hint: remove one\n"
        );
    }

    #[test]
    fn paths_with_control_characters_are_quoted_as_git_quotes_them() {
        assert_eq!(quote_path("src/app.py"), "src/app.py");
        assert_eq!(quote_path("dir with spaces/ünï.py"), "dir with spaces/ünï.py");
        assert_eq!(quote_path("a\nb.py"), "\"a\\nb.py\"");
        assert_eq!(quote_path("x\u{1b}[2Jy"), "\"x\\033[2Jy\"");
        assert_eq!(quote_path("t\tq\"\\"), "\"t\\tq\\\"\\\\\"");
        assert_eq!(quote_path("\"quoted"), "\"\\\"quoted\"");
    }
}
