//! `.env.example`: the keys a project declares, and which of them are required.
//!
//! A key is required unless its line, or the comment line right above it, contains
//! `optional` (PRODUCT.md).

use crate::envfile::{self, RawValue};

/// One key declared by `.env.example`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    /// The key.
    pub key: String,
    /// 1-based line.
    pub line: usize,
    /// Whether the project needs it.
    pub required: bool,
    /// The example's value as written (a placeholder), unexpanded.
    pub placeholder: String,
    /// The comment lines right above it, without `#`, for help text.
    pub comment: Vec<String>,
}

/// The keys declared by an example file's text, first definition of each key only.
pub fn declared(text: &str) -> Vec<Declared> {
    let parsed = envfile::parse(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<Declared> = Vec::new();
    let mut seen = std::collections::HashSet::with_capacity(parsed.entries.len());
    for e in &parsed.entries {
        if !seen.insert(e.key.as_str()) {
            continue;
        }
        let own = text.get(e.span.clone()).unwrap_or("");
        let mut comment = Vec::new();
        let mut n = e.line.saturating_sub(1);
        while n > 0 {
            match lines.get(n - 1).map(|l| l.trim_start()) {
                Some(l) if l.starts_with('#') => comment.push(l.trim_start_matches('#').trim().to_owned()),
                _ => break,
            }
            n -= 1;
        }
        comment.reverse();
        let above = comment.last().map(String::as_str).unwrap_or("");
        let optional = |s: &str| s.to_ascii_lowercase().contains("optional");
        let placeholder = match &e.value {
            RawValue::Literal(s) => s.clone(),
            RawValue::Template(_) => own.split_once('=').map_or("", |(_, v)| v.trim()).to_owned(),
        };
        out.push(Declared {
            key: e.key.clone(),
            line: e.line,
            required: !(optional(own) || optional(above)),
            placeholder,
            comment,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_unless_marked_optional() {
        let text = "# The OpenAI key\nOPENAI_PAT=sk-your-key-here\n# optional: tracing\nLANGSMITH_KEY=\nPORT=8080 # optional\n\n# Optional\n\nDEBUG=0\n";
        let d = declared(text);
        let req: Vec<(&str, bool)> = d.iter().map(|d| (d.key.as_str(), d.required)).collect();
        assert_eq!(req, [("OPENAI_PAT", true), ("LANGSMITH_KEY", false), ("PORT", false), ("DEBUG", true)]);
        assert_eq!(d[0].comment, ["The OpenAI key"]);
        assert_eq!(d[0].placeholder, "sk-your-key-here");
    }
}
