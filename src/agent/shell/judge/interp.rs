//! Interpreter code: the inline code of `python -c`, `node -e`, `ruby -e`, `perl -e`,
//! `php -r`, `deno eval`, … and here-documents fed to an interpreter — a mention of an
//! env file, `dotenv`, a dump of the environment, or a read of a secret variable; and a
//! script argument that is itself an env file (`python .env`).
//!
//! It owns the denials that say "this code …". It must not judge the interpreter's
//! other arguments as files beyond the script (that is `reads`).

use super::Run;
use crate::agent::Decision;
use crate::agent::shell::code_env::{EnvUse, env_uses};
use crate::agent::shell::lexer::Simple;
use crate::agent::shell::words::{CODE_FLAGS, interpreter};
use std::path::Path;

/// Interpreter options that take the next word as their value (not a script).
const VALUE_OPTIONS: &[(&str, &[&str])] = &[
    (
        "node",
        &[
            "-r",
            "--require",
            "--import",
            "--loader",
            "--experimental-loader",
            "-C",
            "--conditions",
            "--title",
        ],
    ),
    ("nodejs", &["-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions"]),
    ("bun", &["-r", "--preload", "--cwd", "--tsconfig-override", "--conditions"]),
    ("python", &["-W", "-X", "--check-hash-based-pycs"]),
    ("ruby", &["-r", "-I", "-C", "-E", "--encoding"]),
    ("perl", &["-I", "-M", "-m"]),
    ("php", &["-d", "-c", "-z"]),
];

impl Run<'_> {
    /// Inline code of an interpreter: a mention of an env file, `dotenv`, a dump of the
    /// environment, or a read of a secret variable.
    pub(super) fn code(&self, name: &str, words: &[String], cmd: &Simple, cwd: &Path) -> Option<Decision> {
        let base = interpreter(name)?;
        let flags = CODE_FLAGS.iter().find(|(n, _)| *n == base).map(|(_, f)| *f)?;
        let mut code: Vec<String> = Vec::new();
        let mut i = 1;
        while i < words.len() {
            let w = words[i].as_str();
            if flags.contains(&w) {
                if let Some(c) = words.get(i + 1) {
                    code.push(c.clone());
                }
                i += 2;
                continue;
            }
            // `python -Sc '…'`, `perl -le '…'`, `ruby -ne '…'`: combined short flags
            // ending in the code flag.
            let combined = w.len() > 2
                && w.starts_with('-')
                && !w.starts_with("--")
                && flags.iter().any(|f| f.len() == 2 && w.ends_with(&f[1..]));
            if combined {
                if let Some(c) = words.get(i + 1) {
                    code.push(c.clone());
                }
                i += 2;
                continue;
            }
            if w == "--env-file" {
                // `node --env-file .env app.js`: loaded into the environment, not run.
                i += 2;
                continue;
            }
            // Options whose value is the next word (`node -r dotenv/config -e …`).
            if VALUE_OPTIONS.iter().any(|(n, opts)| *n == base && opts.contains(&w)) {
                i += 2;
                continue;
            }
            if !w.starts_with('-') {
                // A script file: its code is not on the command line. It may still be
                // an env file (`python .env`).
                if let Some(hit) = self.reads(&words[i], cwd) {
                    return Some(Decision::file(format!("`{name}` reads {hit}")));
                }
                break;
            }
            i += 1;
        }
        for (body, _) in &cmd.heredocs {
            code.push(body.clone());
        }
        for c in &code {
            if let Some(d) = self.judge_code(c, base, cwd) {
                return Some(d);
            }
        }
        // Arguments after the code may name env files (`python -c '…' .env`).
        None
    }

    /// One piece of code: env file names, `/proc/*/environ`, `dotenv`, whole-environment
    /// dumps, and secret variables read by name.
    fn judge_code(&self, code: &str, lang: &str, cwd: &Path) -> Option<Decision> {
        // Env file names in the code.
        for tok in code
            .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '~' | '$')))
        {
            if tok.contains(".env") || tok.contains(".ENV") {
                if let Some(hit) = self.guard.protected(tok, cwd) {
                    return Some(Decision::file(format!("this code reads {hit}")));
                }
            }
            if tok.starts_with("/proc/") && tok.ends_with("/environ") {
                return Some(Decision::env("this code reads a process's environment"));
            }
        }
        // Code that reads the values of an env file itself. Code that only loads one
        // into its environment (`load_dotenv()`) is judged by what it does with it.
        let readers = [
            "dotenv_values",
            "get_key(",
            "dotenv.parse",
            "dotenv.config().parsed",
            ").parsed",
            "Dotenv.parse",
            "godotenv.Read",
            "dotenv.read",
        ];
        if readers.iter().any(|r| code.contains(r)) {
            return Some(Decision::file("this code reads the values of .env (dotenv)"));
        }
        for u in env_uses(code, !matches!(lang, "python" | "node" | "nodejs" | "bun" | "deno" | "php")) {
            match u {
                EnvUse::Dump => return Some(Decision::env("this code prints the environment")),
                EnvUse::Computed => {
                    return Some(Decision::env("this code reads environment variables by a computed name"));
                }
                EnvUse::Name(n) if self.is_secret(&n) => {
                    return Some(Decision::env(format!("this code reads ${n}")));
                }
                EnvUse::Name(_) => {}
            }
        }
        // `$NAME` in the code's text: the shell (or the language) expands it.
        if let Some(n) = self.secret_refs(code) {
            return Some(Decision::env(format!("this code reads ${n}")));
        }
        None
    }
}
