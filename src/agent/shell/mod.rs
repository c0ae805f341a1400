//! Shell command lines: split into simple commands as a shell would, then judge each.
//!
//! The checker works in stages, one module each:
//!
//! - `lexer`: [`parse`] finds the structure a shell sees — `;`, `&&`, `||`, `&`, pipes,
//!   newlines, subshells and groups, `$(…)`, backticks, `<(…)`, redirections and
//!   here-documents — and splits each simple command into words with the shell's quoting
//!   rules;
//! - `code_env`: how a piece of interpreter code uses the environment (a dump, a
//!   variable by name, a presence test);
//! - `words`: what tkx knows about programs (which only look at files from outside,
//!   which copy, wrap another command, run inline code or a nested shell);
//! - `judge`: [`check`] judges every simple command, nested ones included, by family
//!   (environment dumps, file reads, searches, nested commands, interpreter code, `tkx`
//!   and `git`). To find why a command was denied, look up its program's family there.
//!
//! This is best-effort: a shell is a programming language and an agent can hide a
//! read (`cat $(printf '\x2eenv')`). tkx catches what agents actually run and says so.
//! This module only wires the stages together; it must not hold rules of its own.

mod code_env;
mod judge;
mod lexer;
mod words;

#[cfg(test)]
mod table_tests;

pub use lexer::{Parsed, Simple, parse};

use super::{Decision, Guard};
use std::path::Path;

/// Judges a command line run in `cwd`: [`Decision::Allow`], or a denial that says why.
pub fn check(guard: &Guard, line: &str, cwd: &Path) -> Decision {
    judge::check_depth(guard, line, cwd, 0, false, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn never_panics(line in "[ -~\n\t]{0,80}") {
            let f = crate::agent::testing::Fixture::new();
            let g = f.guard();
            let _ = check(&g, &line, &f.project());
        }

        #[test]
        fn never_panics_on_any_text(line in "\\PC{0,40}", extra in proptest::sample::select(vec![
            "ls -a | xargs cat", "for f in é*; do cat $f; done", "python3 -c 'print(os.environ[\"é\"])'",
            "node -e \"…process.env\"", "env | cut -d= -f1", "tkx exec -- ", "op read ",
        ])) {
            let f = crate::agent::testing::Fixture::new();
            let g = f.guard();
            let _ = check(&g, &format!("{extra}{line}"), &f.project());
            let _ = check(&g, &format!("{line} | {extra}"), &f.project());
        }

        #[test]
        fn never_panics_on_shell_syntax(line in proptest::collection::vec(proptest::sample::select(vec![
            "cat", " ", ".env", "'", "\"", "$(", ")", "`", "<<", "EOF", "\n", "|", "&&", ";", "$X", "${", "}", "<(", ">", "2>&1", "\\", "#", "bash -c",
        ]), 0..24)) {
            let f = crate::agent::testing::Fixture::new();
            let g = f.guard();
            let _ = check(&g, &line.concat(), &f.project());
        }
    }
}
