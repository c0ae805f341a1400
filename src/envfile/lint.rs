//! The env-file lints: one enum, one rule id, message and hint per kind.
//!
//! The parser reports the malformed statements it skips; [`file_lints`] adds the
//! rules that look at a whole parsed file (duplicates, BOM, mixed line endings);
//! expansion reports undefined names. Messages name keys and point at positions; they
//! never quote values, nor names taken from values (`$xK2m` in a password).

use super::parse::{Parsed, Quote};
use crate::report::{Finding, Severity};
use std::collections::HashMap;

/// One problem in an env file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lint {
    /// `KEY = value`, `KEY =value`, `KEY= value`: the statement is ignored.
    SpacesAroundEquals {
        /// The key as written.
        key: String,
    },
    /// A line that is not a statement: `KEY`, `export KEY`, prose. The line is not
    /// quoted in the message: a pasted key alone on a line is exactly this case.
    MissingEquals {
        /// Whether the line started with `export`.
        exported: bool,
    },
    /// A key with characters outside `[A-Za-z0-9_.-]`, or an empty key. The key is
    /// not quoted: it may be a pasted value.
    InvalidKey {
        /// The first character that is not allowed; `None` for an empty key.
        bad: Option<char>,
    },
    /// A key that looks like a secret value (a provider's format, or long and random): a
    /// key pasted where the name goes. Not quoted, and the line is ignored.
    ValueAsKey,
    /// `KEY: value` (YAML style).
    ColonSeparator {
        /// The key as written.
        key: String,
    },
    /// A quote that is never closed, or closes on a later line followed by text.
    UnterminatedQuote {
        /// The key whose value is quoted.
        key: String,
        /// Which quote.
        quote: Quote,
    },
    /// `K="x"tail`.
    TextAfterQuote {
        /// The key whose value is quoted.
        key: String,
    },
    /// A NUL byte in a statement.
    NulByte,
    /// A key defined again in the same file; the later value wins.
    DuplicateKey {
        /// The key.
        key: String,
        /// The line of the earlier definition.
        first_line: usize,
    },
    /// A UTF-8 byte order mark at the start of the file (stripped).
    Bom,
    /// Some lines end with CRLF and others with LF.
    MixedLineEndings {
        /// Lines ending in CRLF.
        crlf: usize,
        /// Lines ending in LF.
        lf: usize,
    },
    /// A value whose expansion would pass [`crate::error::MAX_ENV_STRING`] (what a child
    /// can receive), or the file's [`crate::layers::EXPANSION_BUDGET`]: the statement
    /// is ignored.
    ExpansionTooLong {
        /// The key.
        key: String,
    },
    /// `$NAME` or `${NAME}` where NAME is defined nowhere: it expands to empty. The
    /// name is not kept: it is text from the value, and in a generated password
    /// (`Ab9$xK2m…`) it is the rest of the password. The lint's position is the `$`.
    UndefinedVariable {
        /// The key whose value refers to the name.
        key: String,
    },
    /// A value meant as a reference to a secret manager that tkx cannot resolve: a
    /// malformed one, an unknown manager's scheme, or one inside a longer string. It is
    /// never passed to a command as it is written.
    Reference {
        /// The key.
        key: String,
        /// What is wrong (tkx's words; the value is not quoted).
        reason: String,
    },
}

impl Lint {
    /// Stable rule id.
    pub fn rule(&self) -> &'static str {
        match self {
            Lint::SpacesAroundEquals { .. } => "envfile/spaces-around-equals",
            Lint::MissingEquals { .. } => "envfile/missing-equals",
            Lint::InvalidKey { .. } => "envfile/invalid-key",
            Lint::ValueAsKey => "envfile/value-as-key",
            Lint::ColonSeparator { .. } => "envfile/colon-separator",
            Lint::UnterminatedQuote { .. } => "envfile/unterminated-quote",
            Lint::TextAfterQuote { .. } => "envfile/text-after-quote",
            Lint::NulByte => "envfile/nul-byte",
            Lint::DuplicateKey { .. } => "envfile/duplicate-key",
            Lint::Bom => "envfile/bom",
            Lint::MixedLineEndings { .. } => "envfile/mixed-line-endings",
            Lint::ExpansionTooLong { .. } => "envfile/expansion-too-long",
            Lint::UndefinedVariable { .. } => "envfile/undefined-variable",
            Lint::Reference { .. } => "envfile/invalid-reference",
        }
    }

    /// Whether the statement was skipped (not loaded) because of this lint.
    pub fn skips_statement(&self) -> bool {
        matches!(
            self,
            Lint::SpacesAroundEquals { .. }
                | Lint::MissingEquals { .. }
                | Lint::InvalidKey { .. }
                | Lint::ValueAsKey
                | Lint::ColonSeparator { .. }
                | Lint::UnterminatedQuote { .. }
                | Lint::TextAfterQuote { .. }
                | Lint::NulByte
                | Lint::ExpansionTooLong { .. }
        )
    }

    /// How serious it is.
    pub fn severity(&self) -> Severity {
        match self {
            Lint::Bom => Severity::Note,
            Lint::ExpansionTooLong { .. } | Lint::Reference { .. } => Severity::Error,
            _ => Severity::Warning,
        }
    }

    /// Whether loading (`env`, `exec`, `get`) reports it on stderr; the rest is for `doctor` and `-v`.
    pub fn shown_on_load(&self) -> bool {
        self.skips_statement() || matches!(self, Lint::UndefinedVariable { .. } | Lint::Reference { .. })
    }

    /// What is wrong, naming keys, never values.
    pub fn message(&self) -> String {
        match self {
            Lint::SpacesAroundEquals { key } => {
                format!("blanks around `=` in the statement for {key}; the line is ignored")
            }
            Lint::MissingEquals { exported: true } => {
                "`export` without `=` assigns nothing; the line is ignored".to_owned()
            }
            Lint::MissingEquals { exported: false } => {
                "expected KEY=VALUE, found a line without `=`; the line is ignored".to_owned()
            }
            Lint::InvalidKey { bad: None } => "a statement without a key; the line is ignored".to_owned(),
            Lint::InvalidKey { bad: Some(c) } => format!(
                "invalid character {c:?} in a key: keys may hold only A-Z, a-z, 0-9, `_`, `.` and `-`; the line is ignored"
            ),
            Lint::ValueAsKey => {
                "the key of this statement looks like a secret value, not a name; the line is ignored"
                    .to_owned()
            }
            Lint::ColonSeparator { key } => {
                format!("`{key}:` uses a colon instead of `=`; the line is ignored")
            }
            Lint::UnterminatedQuote { key, quote } => {
                format!("unterminated {} quote in the value of {key}; the line is ignored", quote.name())
            }
            Lint::TextAfterQuote { key } => {
                format!("text after the closing quote in the value of {key}; the line is ignored")
            }
            Lint::NulByte => "NUL byte in a statement; the line is ignored".to_owned(),
            Lint::DuplicateKey { key, first_line } => {
                format!("{key} is already set on line {first_line}; this later value wins")
            }
            Lint::Bom => "the file starts with a UTF-8 byte order mark (ignored)".to_owned(),
            Lint::ExpansionTooLong { key } => format!(
                "the value of {key} expands to more than {} KiB (or this file's expansions to more than {} MiB); the line is ignored",
                crate::error::MAX_ENV_STRING / 1024,
                crate::layers::EXPANSION_BUDGET / (1024 * 1024)
            ),
            Lint::MixedLineEndings { crlf, lf } => {
                format!("mixed line endings: {crlf} lines end in CRLF, {lf} in LF")
            }
            Lint::UndefinedVariable { key } => format!(
                "the `$` here in the value of {key} refers to a variable that is not defined; it expands to empty"
            ),
            Lint::Reference { key, reason } => {
                format!("the value of {key} is not a reference tkx can resolve: {reason}")
            }
        }
    }

    /// How to fix it.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Lint::SpacesAroundEquals { key } => {
                format!("write `{key}=value` with no blanks around `=`")
            }
            Lint::MissingEquals { .. } => "write KEY=value, or comment the line out with `#`".to_owned(),
            Lint::InvalidKey { .. } => "rename the key, e.g. to UPPER_SNAKE_CASE".to_owned(),
            Lint::ValueAsKey => {
                "a pasted key goes after `=`: write NAME=value; rotate it if this file was ever shared"
                    .to_owned()
            }
            Lint::ColonSeparator { key } => format!("write `{key}=value`"),
            Lint::UnterminatedQuote { quote, .. } => {
                format!("close the {} quote, or use single quotes for a literal value", quote.name())
            }
            Lint::TextAfterQuote { .. } => {
                "put the whole value inside the quotes, or a blank before a `#` comment".to_owned()
            }
            Lint::NulByte => "remove the NUL byte; environment values cannot hold it".to_owned(),
            Lint::DuplicateKey { .. } => "remove one of the two definitions".to_owned(),
            Lint::Bom => "save the file as UTF-8 without BOM".to_owned(),
            Lint::MixedLineEndings { .. } => "use one line ending throughout the file".to_owned(),
            Lint::ExpansionTooLong { .. } => {
                "no program can receive a variable that large: keep large data in a file and pass its path".to_owned()
            }
            Lint::UndefinedVariable { .. } => {
                "define the variable, give it a default (`${NAME:-default}`), or single-quote the value if `$` is meant literally"
                    .to_owned()
            }
            Lint::Reference { .. } => "fix the reference; until then a command that needs this key does not start (or pass --skip-unresolved KEY)".to_owned(),
        })
    }
}

/// A lint at a place in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LintAt {
    /// What is wrong.
    pub lint: Lint,
    /// 1-based line (0 for the whole file).
    pub line: usize,
    /// 1-based column in characters (0 for the whole line or file).
    pub column: usize,
}

impl LintAt {
    /// The lint as a finding about `path` (as the user should read it).
    pub fn to_finding(&self, path: &str) -> Finding {
        let f = Finding::new(self.lint.rule(), self.lint.severity(), self.lint.message()).at(
            path,
            self.line,
            self.column,
        );
        match self.lint.hint() {
            Some(hint) => f.hint(hint),
            None => f,
        }
    }
}

/// The lints of a parsed file: what the parser skipped, plus the whole-file rules.
/// Sorted by line.
pub fn file_lints(parsed: &Parsed) -> Vec<LintAt> {
    let mut out = parsed.issues.clone();
    if parsed.has_bom {
        out.push(LintAt { lint: Lint::Bom, line: 1, column: 1 });
    }
    if parsed.crlf_lines > 0 && parsed.lf_lines > 0 {
        out.push(LintAt {
            lint: Lint::MixedLineEndings { crlf: parsed.crlf_lines, lf: parsed.lf_lines },
            line: 0,
            column: 0,
        });
    }
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(parsed.entries.len());
    for entry in &parsed.entries {
        if let Some(&first_line) = first.get(entry.key.as_str()) {
            out.push(LintAt {
                lint: Lint::DuplicateKey { key: entry.key.clone(), first_line },
                line: entry.line,
                column: entry.column,
            });
        } else {
            first.insert(&entry.key, entry.line);
        }
        if let crate::envfile::RawValue::Literal(value) = &entry.value {
            if let Some(reason) = reference_problem(value) {
                out.push(LintAt {
                    lint: Lint::Reference { key: entry.key.clone(), reason },
                    line: entry.line,
                    column: entry.column,
                });
            }
        }
    }
    out.sort_by_key(|l| (l.line, l.column));
    out
}

/// Why a value meant as a reference cannot be resolved, if it is one.
fn reference_problem(value: &str) -> Option<String> {
    crate::refs::Reference::of_value(value)?.err().map(|m| m.reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envfile::parse::parse;

    #[test]
    fn references_that_cannot_resolve() {
        assert_eq!(
            rules(
                "A=vault://kv/app\nB=vault://kv/app#f\nC=\"Bearer op://v/i/f\"\nD=hcvault://x\nE=https://x.io/a\n"
            ),
            vec![
                (1, "envfile/invalid-reference"),
                (3, "envfile/invalid-reference"),
                (4, "envfile/invalid-reference")
            ]
        );
    }

    fn rules(text: &str) -> Vec<(usize, &'static str)> {
        file_lints(&parse(text)).iter().map(|l| (l.line, l.lint.rule())).collect()
    }

    #[test]
    fn duplicate_key() {
        assert_eq!(rules("A=1\nB=2\nA=3\n"), vec![(3, "envfile/duplicate-key")]);
        let lints = file_lints(&parse("A=1\nA=2\n"));
        assert_eq!(lints[0].lint.message(), "A is already set on line 1; this later value wins");
    }

    #[test]
    fn bom_is_a_note() {
        let lints = file_lints(&parse("\u{feff}A=1\n"));
        assert_eq!(lints.len(), 1);
        assert_eq!(lints[0].lint, Lint::Bom);
        assert_eq!(lints[0].lint.severity(), Severity::Note);
    }

    #[test]
    fn mixed_line_endings() {
        assert_eq!(rules("A=1\r\nB=2\n"), vec![(0, "envfile/mixed-line-endings")]);
        assert!(rules("A=1\r\nB=2\r\n").is_empty());
        assert!(rules("A=1\nB=2\n").is_empty());
    }

    #[test]
    fn messages_never_hold_values() {
        let text = "A = s3cr3tvalue\nB=\"s3cr3tvalue\ntail\"x\nC: s3cr3tvalue\nD=\"s3cr3tvalue\"x\n\
                    s3cr3tvalue\ns3cr3t+value==\nexport s3cr3tvalue\n";
        for lint in file_lints(&parse(text)) {
            assert!(!lint.lint.message().contains("s3cr3t"), "{}", lint.lint.message());
            assert!(!lint.lint.hint().unwrap_or_default().contains("s3cr3t"));
        }
    }

    #[test]
    fn undefined_variable_names_the_key_not_the_text_after_the_dollar() {
        let lint = Lint::UndefinedVariable { key: "DB_PASSWORD".into() };
        let f = LintAt { lint, line: 3, column: 16 }.to_finding(".env");
        assert_eq!(
            f.message,
            "the `$` here in the value of DB_PASSWORD refers to a variable that is not defined; it expands to empty"
        );
        let loc = f.location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (3, 16));
    }
}
