//! Keeping keys away from AI coding agents: the hook handler behind `tkx agent check`
//! and the edits behind `tkx agent install | uninstall | status`.
//!
//! [`Guard`] knows what must not be read: every env file tkx would load (`.env`,
//! `.env.<name>`, at any depth, in any letter case, through symlinks and `..`) and the
//! private and user stores under `$TKX_DIR`; and which variables hold secrets (the
//! resolved layers judged by [`crate::secret::classify`]). [`hosts`] holds one file per
//! host (Claude Code, Cursor, Codex CLI, Gemini CLI, GitHub Copilot, opencode, Windsurf): it turns the host's
//! payload into a question for the guard and its [`Decision`] into the host's answer, and
//! knows what tkx merges into that host's files. [`shell`] splits a command line into
//! simple commands and judges each; [`paths`] classifies paths and search scopes.
//! [`install`] plans the files and runs the edits (under a lock, recorded so they can be
//! undone), `jsonc.rs` edits JSON through its syntax tree, and [`ignore_files`] writes the
//! ignore files other agents read.
//!
//! Nothing here prints or exits. Checking shell text is best-effort: an agent that
//! wants to can obfuscate a command. The boundary that holds is the private store,
//! outside the project tree.

pub mod call;
pub mod hosts;
pub mod ignore_files;
pub mod install;
mod jsonc;
pub mod paths;
pub mod shell;
mod state;
pub mod walk;

use crate::layers::{self, discover};
use crate::secret::classify::hide_from_agents;
use std::cell::OnceCell;
use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// What a denial tells the agent about a file.
pub const FILE_REASON: &str = "this file holds secrets; use `tkx env` to see which keys exist (masked), `tkx exec -- CMD` to run with them; never print values";

/// What a denial tells the agent about the environment.
pub const ENV_REASON: &str = "the environment holds secrets; use `tkx env` to see which keys exist (masked), `tkx exec -- CMD` to run with them; never print values";

pub use crate::secret::classify::is_secret_statement;
pub use hosts::Host;

/// The guard's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Let the tool run.
    Allow,
    /// Refuse it, with a reason written for the agent.
    Deny(String),
}

impl Decision {
    /// A denial: `tkx: {what}: {why}`.
    pub fn deny(what: impl AsRef<str>, why: &str) -> Decision {
        Decision::Deny(format!("tkx: {}: {why}", what.as_ref()))
    }

    /// A denial for reading a protected file.
    pub fn file(what: impl AsRef<str>) -> Decision {
        Decision::deny(what, FILE_REASON)
    }

    /// A denial for printing the environment or a secret variable.
    pub fn env(what: impl AsRef<str>) -> Decision {
        Decision::deny(what, ENV_REASON)
    }

    /// Whether this is a denial.
    pub fn is_deny(&self) -> bool {
        matches!(self, Decision::Deny(_))
    }
}

/// What the guard protects, for one project, and what it knows about the environment.
pub struct Guard {
    /// The directory relative paths start from (the agent's working directory).
    pub cwd: PathBuf,
    /// `$TKX_DIR`, as given and (when it exists) canonical.
    pub tkx_dirs: Vec<PathBuf>,
    /// `$HOME`, for `~`.
    pub home: Option<PathBuf>,
    /// Where directory walks keep their record (`~/.cache/tkx`), if anywhere.
    pub cache_dir: Option<PathBuf>,
    /// How to resolve the layers (for which variables hold secrets).
    options: layers::Options,
    /// Secret variable names, resolved on first use.
    secrets: OnceCell<HashSet<String>>,
}

impl Guard {
    /// A guard for an agent working in `cwd`, with the process environment and `$TKX_DIR`
    /// of `options`.
    pub fn new(cwd: &Path, options: &layers::Options) -> Guard {
        let var = |name: &str| {
            options
                .process
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .filter(|v: &OsString| !v.is_empty())
        };
        let home = var("HOME").map(PathBuf::from);
        let cache_dir = discover::cache_dir(var("XDG_CACHE_HOME").map(PathBuf::from), home.as_deref());
        let mut tkx_dirs = Vec::new();
        if let Some(d) = &options.tkx_dir {
            tkx_dirs.push(paths::normalize(d));
            if let Ok(real) = d.canonicalize() {
                if !tkx_dirs.contains(&real) {
                    tkx_dirs.push(real);
                }
            }
        }
        let mut opts = options.clone();
        opts.cwd = cwd.to_path_buf();
        opts.files = Vec::new();
        Guard { cwd: cwd.to_path_buf(), tkx_dirs, home, cache_dir, options: opts, secrets: OnceCell::new() }
    }

    /// The project directory the agent works in.
    pub fn project_dir(&self) -> PathBuf {
        discover::project_dir(&self.cwd)
    }

    /// Whether `$NAME` holds a secret: a variable the layers or the process environment
    /// define, whose name marks a credential or whose value is in a provider's format.
    pub fn is_secret_var(&self, name: &str) -> bool {
        self.secrets
            .get_or_init(|| {
                let mut out = HashSet::new();
                for (k, v) in self.options.process.iter() {
                    if let (Some(k), Some(v)) = (k.to_str(), v.to_str()) {
                        if hide_from_agents(k, v) {
                            out.insert(k.to_owned());
                        }
                    }
                }
                if let Ok(res) = layers::resolve(&self.options) {
                    for (k, var) in &res.vars {
                        let v = var.winner.value.expose();
                        if hide_from_agents(k, v) {
                            out.insert(k.clone());
                        }
                    }
                }
                // Every profile counts (`tkx exec -p prod` loads `.env.prod`).
                let dir = self.project_dir();
                if let Ok(rd) = std::fs::read_dir(&dir) {
                    for e in rd.flatten().take(1000) {
                        let name = e.file_name();
                        if name
                            .to_str()
                            .is_some_and(|n| n.starts_with(".env.") && paths::is_protected_name(n))
                        {
                            out.extend(secret_names_in(&e.path()));
                        }
                    }
                }
                out
            })
            .contains(name)
    }
}

/// The keys of an env file whose statements hold secrets (none when it cannot be read).
pub fn secret_names_in(path: &Path) -> Vec<String> {
    let Ok(text) = crate::envfile::read_text(path) else { return Vec::new() };
    crate::envfile::parse::parse(&text)
        .entries
        .into_iter()
        .filter(|e| is_secret_statement(&e.key, &e.value))
        .map(|e| e.key)
        .collect()
}

#[cfg(test)]
pub(crate) mod testing {
    //! A guard in a temporary project, for the unit tests of the host modules.
    use super::*;
    use std::fs;

    pub struct Fixture {
        pub _t: tempfile::TempDir,
        pub root: PathBuf,
    }

    impl Fixture {
        /// `root/p` with `.env`, `.env.example`, `services/api/.env.local`, `src/main.rs`,
        /// and `root/tkx` as `$TKX_DIR` with a user file.
        pub fn new() -> Fixture {
            let t = tempfile::tempdir().unwrap();
            let root = t.path().canonicalize().unwrap();
            let p = root.join("p");
            for d in ["src", "services/api", "docs"] {
                fs::create_dir_all(p.join(d)).unwrap();
            }
            fs::write(p.join(".env"), "OPENAI_PAT=sk-proj-FIXTUREkey0123456789abcdefghij\nPORT=1\n").unwrap();
            fs::write(p.join(".env.example"), "OPENAI_PAT=\nPORT=\n").unwrap();
            fs::write(p.join("services/api/.env.local"), "DB_PASSWORD=x\n").unwrap();
            fs::write(p.join("src/main.rs"), "fn main() {}\n").unwrap();
            fs::write(p.join("docs/notes.md"), "notes\n").unwrap();
            fs::create_dir_all(root.join("tkx")).unwrap();
            fs::write(root.join("tkx/.env"), "ANTHROPIC_API_KEY=x\n").unwrap();
            fs::create_dir_all(root.join("home")).unwrap();
            Fixture { _t: t, root }
        }

        pub fn project(&self) -> PathBuf {
            self.root.join("p")
        }

        pub fn guard(&self) -> Guard {
            let opts = layers::Options {
                cwd: self.project(),
                tkx_dir: Some(self.root.join("tkx")),
                process: crate::layers::ProcessEnv::new(vec![
                    ("HOME".into(), self.root.join("home").into_os_string()),
                    ("PATH".into(), "/usr/bin".into()),
                    ("GITHUB_TOKEN".into(), concat!("ghp_", "Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra").into()),
                ]),
                ..layers::Options::default()
            };
            Guard::new(&self.project(), &opts)
        }
    }
}
