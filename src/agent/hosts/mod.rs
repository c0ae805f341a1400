//! The agent hosts tkx guards, one file each: its hook protocol (the payload `tkx agent
//! check` reads and the answer it gives) and its settings edits (what `tkx agent install`
//! merges into the host's files, and takes out again).
//!
//! [`claude`] is Claude Code, [`cursor`] is Cursor, [`codex`] is Codex CLI, [`gemini`] is
//! Gemini CLI. This module holds the [`Host`] enum
//! and the dispatch on it; everything that is not one host's (the plan, the install
//! record, ignore files, JSON through the syntax tree) lives in [`super::install`] and
//! its neighbours.
//!
//! Adding a host: a file here with its protocol and its edits, a [`Host`] variant (and
//! its place in [`Host::ALL`]), an arm in each `match` below (`in_use` says whether
//! `--host all` takes it; `refuse` is its denial when a check runs late), and the
//! `AgentHost` value in `cli.rs` with its mapping in `commands/agent.rs`. Nothing here
//! prints or exits.

pub mod claude;
pub mod codex;
pub mod cursor;
pub mod gemini;

use super::Guard;
use super::install::{Item, Part, Plan, Target};
use super::jsonc::prop_string;
use super::state::FileRecord;
use crate::error::Error;
use jsonc_parser::cst::{CstArray, CstNode};
use std::path::Path;

/// Which host's protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// Claude Code.
    Claude,
    /// Cursor.
    Cursor,
    /// Codex CLI.
    Codex,
    /// Gemini CLI.
    Gemini,
}

impl Host {
    /// Every host, in the order `--host all` installs them.
    pub const ALL: &[Host] = &[Host::Claude, Host::Cursor, Host::Codex, Host::Gemini];

    /// The host's name as users know it.
    pub fn name(self) -> &'static str {
        match self {
            Host::Claude => "Claude Code",
            Host::Cursor => "Cursor",
            Host::Codex => "Codex CLI",
            Host::Gemini => "Gemini CLI",
        }
    }

    /// The `--host` value.
    pub fn flag(self) -> &'static str {
        match self {
            Host::Claude => "claude",
            Host::Cursor => "cursor",
            Host::Codex => "codex",
            Host::Gemini => "gemini",
        }
    }
}

/// What the hook handler answers: stdout, stderr and the exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// What to print on stdout.
    pub stdout: String,
    /// What to print on stderr.
    pub stderr: String,
    /// The exit code.
    pub code: u8,
}

/// Answers one payload in `host`'s protocol. `guard` builds the guard for the payload's
/// working directory.
pub fn answer(host: Host, payload: &[u8], guard: &dyn Fn(Option<&Path>) -> Guard) -> Answer {
    match host {
        Host::Claude => claude::answer(payload, guard),
        Host::Cursor => cursor::answer(payload, guard),
        Host::Codex => codex::answer(payload, guard),
        Host::Gemini => gemini::answer(payload, guard),
    }
}

/// A denial in `host`'s protocol, for when tkx cannot answer in time (see
/// `commands/agent.rs`): `reason` reaches the agent.
pub fn refuse(host: Host, reason: &str) -> Answer {
    let d = super::Decision::Deny(reason.to_owned());
    match host {
        // Exit 2 with the reason on stderr blocks the tool in Claude Code.
        Host::Claude => Answer { stdout: String::new(), stderr: format!("{reason}\n"), code: 2 },
        Host::Cursor => cursor::respond(&d),
        Host::Codex => codex::refuse(reason),
        Host::Gemini => gemini::refuse(reason),
    }
}

/// The files `plan` edits for `host`, under `base` (the project, or `$HOME` for `--user`).
pub(super) fn targets(host: Host, plan: &Plan, base: &Path) -> Vec<Target> {
    match host {
        Host::Claude => claude::targets(plan, base),
        Host::Cursor => cursor::targets(plan, base),
        Host::Codex => codex::targets(plan, base),
        Host::Gemini => gemini::targets(plan, base),
    }
}

/// Whether `--host all` includes `host` for `plan`: Claude Code and Cursor always; Codex
/// CLI and Gemini CLI when there is a sign of them (their directory in the project or the
/// home directory, `GEMINI.md`) or their settings file is already there, so that a project
/// that uses neither does not get their files.
pub(super) fn in_use(host: Host, plan: &Plan, base: &Path) -> bool {
    let file_there =
        || targets(host, plan, base).iter().any(|t| matches!(t.part, Part::Settings(_)) && t.path.exists());
    match host {
        Host::Claude | Host::Cursor => true,
        Host::Codex => codex::in_use(plan, base) || file_there(),
        Host::Gemini => gemini::in_use(plan, base) || file_there(),
    }
}

/// `host`'s settings file with tkx's entries merged in (`text` is `None` when there is
/// no file yet), and the record of what was added.
pub(super) fn install(
    host: Host,
    plan: &Plan,
    text: Option<&str>,
    path: &Path,
) -> Result<(String, FileRecord), Error> {
    match host {
        Host::Claude => claude::install(plan, text, path),
        Host::Cursor => cursor::install(text, path),
        Host::Codex => codex::install(text, path),
        Host::Gemini => gemini::install(text, path),
    }
}

/// `host`'s settings file with tkx's entries taken out through the syntax tree (the file
/// changed since tkx wrote it), or `None` when none are there.
pub(super) fn uninstall(
    host: Host,
    plan: &Plan,
    text: &str,
    record: Option<&FileRecord>,
    path: &Path,
) -> Result<Option<String>, Error> {
    match host {
        Host::Claude => claude::uninstall(plan, text, record, path),
        Host::Cursor => cursor::uninstall(text, record, path),
        Host::Codex => codex::uninstall(text, record, path),
        Host::Gemini => gemini::uninstall(text, record, path),
    }
}

/// What of tkx's is in `host`'s settings file and what is missing.
pub(super) fn status(host: Host, plan: &Plan, text: Option<&str>, path: &Path) -> Result<Vec<Item>, Error> {
    match host {
        Host::Claude => claude::status(plan, text, path),
        Host::Cursor => cursor::status(text, path),
        Host::Codex => codex::status(plan, text, path),
        Host::Gemini => gemini::status(plan, text, path),
    }
}

/// The variables [`super::install::Plan::host_env`] carries.
pub const HOST_ENV: &[&str] = &["CODEX_HOME", "GEMINI_CLI_HOME"];

/// [`HOST_ENV`] of a process environment, for [`super::install::Plan::host_env`].
pub fn host_env(process: &crate::layers::ProcessEnv) -> Vec<(String, std::path::PathBuf)> {
    HOST_ENV
        .iter()
        .filter_map(|k| process.get_nonempty(k).map(|v| ((*k).to_owned(), std::path::PathBuf::from(v))))
        .collect()
}

/// Whether a hook entry is tkx's (any version of the command, the shared one too).
fn is_tkx_command(cmd: &str, host: Host) -> bool {
    let check = format!("tkx agent check --host {}", host.flag());
    cmd.trim_start().starts_with(&check) || (cmd.starts_with("command -v tkx") && cmd.contains(&check))
}

/// The entries of a hooks array whose command is tkx's check for `host`.
fn tkx_entries(arr: &CstArray, host: Host) -> Vec<CstNode> {
    arr.elements()
        .into_iter()
        .filter(|e| {
            e.as_object().and_then(|o| prop_string(&o, "command")).is_some_and(|c| is_tkx_command(&c, host))
        })
        .collect()
}
