//! The ignore files other agents read, the signs that a project uses an agent, and the
//! block of lines tkx adds to an ignore file (and takes out again).
//!
//! tkx's lines sit between a start and an end comment, so `uninstall` removes exactly
//! them and a second `install` finds them. Every file gets `.env`, `.env.*` and a
//! re-inclusion of the example names; a format that does not support `!` negation
//! (`.aiexclude`) gets the concrete env file names instead, so examples stay readable.

use std::path::Path;

/// The first line of tkx's block.
pub const START: &str =
    "# tkx: env files hold secrets; read .env.example for the key names (tkx agent install)";
/// The last line of tkx's block.
pub const END: &str = "# tkx: end";

/// An ignore file and the agent that reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IgnoreFile {
    /// Its name, at the project root.
    pub name: &'static str,
    /// The agent that reads it.
    pub agent: &'static str,
    /// Names at the project root that show the project uses that agent.
    pub signs: &'static [&'static str],
    /// Whether the format supports `!` to re-include a file.
    pub negation: bool,
}

/// Every ignore file tkx knows, `.cursorignore` first (it belongs to the Cursor host).
pub const IGNORE_FILES: &[IgnoreFile] = &[
    IgnoreFile {
        name: ".cursorignore",
        agent: "Cursor",
        signs: &[".cursor", ".cursorrules", ".cursorignore"],
        negation: true,
    },
    IgnoreFile {
        name: ".geminiignore",
        agent: "Gemini CLI",
        signs: &[".gemini", "GEMINI.md", ".geminiignore"],
        negation: true,
    },
    IgnoreFile {
        name: ".aiexclude",
        agent: "Gemini Code Assist / Android Studio",
        signs: &[".aiexclude", ".idx"],
        negation: false,
    },
    IgnoreFile { name: ".aiderignore", agent: "Aider", signs: &[".aider*", ".aiderignore"], negation: true },
    IgnoreFile {
        name: ".codeiumignore",
        agent: "Windsurf / Codeium",
        signs: &[".windsurf", ".windsurfrules", ".codeium", ".codeiumignore"],
        negation: true,
    },
    IgnoreFile {
        name: ".aiignore",
        agent: "JetBrains AI Assistant / Junie",
        signs: &[".junie", ".aiassistant", ".aiignore"],
        negation: true,
    },
    IgnoreFile {
        name: ".continueignore",
        agent: "Continue",
        signs: &[".continue", ".continueignore"],
        negation: true,
    },
    IgnoreFile {
        name: ".clineignore",
        agent: "Cline",
        signs: &[".clinerules", ".cline", ".clineignore"],
        negation: true,
    },
    IgnoreFile {
        name: ".rooignore",
        agent: "Roo Code",
        signs: &[".roo", ".roomodes", ".rooignore"],
        negation: true,
    },
    IgnoreFile {
        name: ".augmentignore",
        agent: "Augment",
        signs: &[".augment", ".augment-guidelines", ".augmentignore"],
        negation: true,
    },
];

/// Names at the project root that show some AI coding agent is used there.
pub const AGENT_SIGNS: &[&str] = &[
    ".claude",
    "CLAUDE.md",
    "CLAUDE.local.md",
    ".mcp.json",
    "AGENTS.md",
    ".cursor",
    ".cursorrules",
    ".cursorignore",
    ".gemini",
    "GEMINI.md",
    ".aider*",
    ".windsurf",
    ".windsurfrules",
    ".codeium",
    ".junie",
    ".continue",
    ".clinerules",
    ".roo",
    ".kiro",
    ".augment",
    ".codex",
    ".amazonq",
    ".github/copilot-instructions.md",
    ".github/hooks",
    ".opencode",
    "opencode.json",
    "opencode.jsonc",
    ".idx",
    ".aiexclude",
    ".aiignore",
    ".geminiignore",
    ".codeiumignore",
    ".aiderignore",
];

/// The first of `names` (`.aider*` is a prefix) present in `dir`.
pub fn sign_in(dir: &Path, names: &[&str]) -> Option<String> {
    let mut listing: Option<Vec<String>> = None;
    for n in names {
        if let Some(prefix) = n.strip_suffix('*') {
            let l = listing.get_or_insert_with(|| {
                std::fs::read_dir(dir)
                    .map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
                    .unwrap_or_default()
            });
            if let Some(hit) = l.iter().find(|x| x.starts_with(prefix)) {
                return Some(hit.clone());
            }
        } else if dir.join(n).symlink_metadata().is_ok() {
            return Some((*n).to_owned());
        }
    }
    None
}

/// tkx's block for a file: every line, each ending in `\n`.
pub fn block(file: &IgnoreFile, env_names: &[String]) -> String {
    let mut lines = vec![START.to_owned()];
    if file.negation {
        lines.extend([".env", ".env.*"].map(str::to_owned));
        for ex in crate::envfile::names::EXAMPLE_SUFFIXES {
            lines.push(format!("!.env.{ex}"));
        }
        for ex in crate::envfile::names::EXAMPLE_SUFFIXES {
            lines.push(format!("!.env.*.{ex}"));
        }
    } else {
        let mut names: Vec<String> = COMMON_ENV_NAMES.iter().map(|s| (*s).to_owned()).collect();
        for n in env_names {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
        lines.extend(names);
    }
    lines.push(END.to_owned());
    let mut out = String::new();
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

/// Env file names that are common enough to name even before they exist.
pub const COMMON_ENV_NAMES: &[&str] = &[
    ".env",
    ".env.local",
    ".env.development",
    ".env.development.local",
    ".env.production",
    ".env.production.local",
    ".env.test",
    ".env.test.local",
    ".env.staging",
];

/// The byte range of tkx's block in `text`, if it is there.
pub fn find_block(text: &str) -> Option<std::ops::Range<usize>> {
    let start = line_start_of(text, START)?;
    let after = &text[start..];
    let end_rel = after.find(&format!("\n{END}"))? + 1 + END.len();
    let mut end = start + end_rel;
    if text[end..].starts_with("\r\n") {
        end += 2;
    } else if text[end..].starts_with('\n') {
        end += 1;
    }
    Some(start..end)
}

fn line_start_of(text: &str, line: &str) -> Option<usize> {
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        if l.trim_end_matches(['\r', '\n']) == line {
            return Some(at);
        }
        at += l.len();
    }
    None
}

/// `text` with tkx's block put in (replacing an old one in place, or appended) and
/// whether a line ending had to be added before it.
pub fn with_block(text: &str, block: &str) -> (String, bool) {
    if let Some(r) = find_block(text) {
        let mut out = String::with_capacity(text.len() + block.len());
        out.push_str(&text[..r.start]);
        out.push_str(block);
        out.push_str(&text[r.end..]);
        return (out, false);
    }
    let mut out = text.to_owned();
    let added = !out.is_empty() && !out.ends_with('\n');
    if added {
        out.push('\n');
    }
    out.push_str(block);
    (out, added)
}

/// `text` without tkx's block; `drop_newline` also removes the line ending `install`
/// added before it.
pub fn without_block(text: &str, drop_newline: bool) -> Option<String> {
    let r = find_block(text)?;
    let mut out = String::with_capacity(text.len());
    let mut before = &text[..r.start];
    if drop_newline && r.end == text.len() {
        before = before.strip_suffix('\n').unwrap_or(before);
    }
    out.push_str(before);
    out.push_str(&text[r.end..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_round_trips() {
        let f = &IGNORE_FILES[0];
        let b = block(f, &[]);
        assert!(b.contains("!.env.example\n") && b.contains(".env.*\n"));
        for before in ["", "node_modules/\n", "dist", "a\r\nb\r\n"] {
            let (after, added) = with_block(before, &b);
            assert_eq!(with_block(&after, &b).0, after, "idempotent");
            assert_eq!(without_block(&after, added).unwrap(), before);
        }
    }

    #[test]
    fn aiexclude_lists_names_and_never_the_example() {
        let f = IGNORE_FILES.iter().find(|f| f.name == ".aiexclude").unwrap();
        let b = block(f, &[".env.dev".into()]);
        assert!(
            b.contains("\n.env.dev\n")
                && !b.lines().any(|l| !l.starts_with('#') && (l.contains('*') || l.contains("example")))
        );
    }
}
