//! The agent hosts tkx guards, one file each: its hook protocol (the payload `tkx agent
//! check` reads and the answer it gives) and its settings edits (what `tkx agent install`
//! merges into the host's files, and takes out again).
//!
//! [`claude`] is Claude Code, [`cursor`] is Cursor, [`codex`] is Codex CLI, [`gemini`] is
//! Gemini CLI, [`copilot`] is GitHub Copilot (CLI, cloud agent, VS Code agent),
//! [`opencode`] is opencode, [`windsurf`] is Windsurf (from its documentation only). This
//! module holds the [`Host`] enum and the dispatch on it; what several hosts share (the
//! answers of the common protocols, the fail-closed hook command, adding, finding and
//! taking out tkx's entries under `hooks`) is in `common.rs`; everything that is not about
//! hosts (the plan, the install record, ignore files, JSON through the syntax tree) lives
//! in [`super::install`] and its neighbours.
//!
//! Adding a host: a file here with its protocol and its edits, a [`Host`] variant (and
//! its place in [`Host::ALL`]), an arm in each `match` below (`in_use` says whether
//! `--host all` takes it; `deadline` and `fail_closed` say how a late check answers), and
//! the `AgentHost` value in `cli.rs` with its mapping in `commands/agent.rs`. A host whose
//! guard needs a second file that tkx owns whole (opencode's plugin) returns it from
//! `plugin`; `install` writes it as a [`Part::Plugin`].
//! Nothing here prints or exits.

pub mod claude;
pub mod codex;
mod common;
pub mod copilot;
pub mod cursor;
pub mod gemini;
pub mod opencode;
pub mod windsurf;

use super::install::{Item, Part, Plan, Target};
use super::jsonc::prop_string;
use super::state::FileRecord;
use super::{Decision, Guard};
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
    /// GitHub Copilot: the CLI, the cloud agent and VS Code's agent.
    Copilot,
    /// opencode.
    Opencode,
    /// Windsurf (Cascade).
    Windsurf,
}

impl Host {
    /// Every host, in the order `--host all` installs them.
    pub const ALL: &[Host] = &[
        Host::Claude,
        Host::Cursor,
        Host::Codex,
        Host::Gemini,
        Host::Copilot,
        Host::Opencode,
        Host::Windsurf,
    ];

    /// The host's name as users know it.
    pub fn name(self) -> &'static str {
        match self {
            Host::Claude => "Claude Code",
            Host::Cursor => "Cursor",
            Host::Codex => "Codex CLI",
            Host::Gemini => "Gemini CLI",
            Host::Copilot => "GitHub Copilot",
            Host::Opencode => "opencode",
            Host::Windsurf => "Windsurf",
        }
    }

    /// The `--host` value.
    pub fn flag(self) -> &'static str {
        match self {
            Host::Claude => "claude",
            Host::Cursor => "cursor",
            Host::Codex => "codex",
            Host::Gemini => "gemini",
            Host::Copilot => "copilot",
            Host::Opencode => "opencode",
            Host::Windsurf => "windsurf",
        }
    }

    /// How long `tkx agent check` may take before it answers "deny" on its own: well
    /// under the time limit tkx writes into the host's settings (30 seconds for Claude
    /// Code, Codex CLI and Gemini CLI), since most hosts let a tool run when the hook
    /// times out.
    pub fn deadline(self) -> std::time::Duration {
        let secs = match self {
            Host::Claude | Host::Cursor | Host::Codex | Host::Gemini => 20,
            Host::Copilot => copilot::DEADLINE_SECS,
            Host::Opencode => opencode::DEADLINE_SECS,
            Host::Windsurf => windsurf::DEADLINE_SECS,
        };
        std::time::Duration::from_secs(secs)
    }

    /// The answer `tkx agent check` gives when it cannot answer in time, or at all.
    pub fn fail_closed(self, reason: &str) -> Answer {
        let d = Decision::Deny(reason.to_owned());
        match self {
            // Exit 2 with the reason on stderr blocks the tool in Claude Code.
            Host::Claude => common::block(reason),
            Host::Cursor => cursor::respond(&d),
            Host::Codex => codex::refuse(reason),
            Host::Gemini => gemini::refuse(reason),
            Host::Copilot => copilot::respond(&d, false),
            Host::Opencode => opencode::respond(&d),
            Host::Windsurf => windsurf::respond(&d),
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
        Host::Copilot => copilot::answer(payload, guard),
        Host::Opencode => opencode::answer(payload, guard),
        Host::Windsurf => windsurf::answer(payload, guard),
    }
}

/// The files `plan` edits for `host`, under `base` (the project, or `$HOME` for `--user`).
pub(super) fn targets(host: Host, plan: &Plan, base: &Path) -> Vec<Target> {
    match host {
        Host::Claude => claude::targets(plan, base),
        Host::Cursor => cursor::targets(plan, base),
        Host::Codex => codex::targets(plan, base),
        Host::Gemini => gemini::targets(plan, base),
        Host::Copilot => copilot::targets(plan, base),
        Host::Opencode => opencode::targets(plan, base),
        Host::Windsurf => windsurf::targets(plan, base),
    }
}

/// Whether `--host all` includes `host` for `plan`, under `base` (the project, or `$HOME`
/// for `--user`): Claude Code and Cursor always; the others where there is a sign of them
/// (their directory or settings file, `GEMINI.md`, tkx's own file from an earlier
/// install), so that a plain `tkx agent install` does not scatter files for every agent
/// there is.
pub(crate) fn in_use(host: Host, plan: &Plan, base: &Path) -> bool {
    let file_there = || {
        targets(host, plan, base)
            .iter()
            .any(|t| matches!(t.part, Part::Settings(_) | Part::Plugin(_)) && t.path.exists())
    };
    let signs: &[&str] = match (host, plan.user) {
        (Host::Claude | Host::Cursor, _) => return true,
        (Host::Codex, _) => return codex::in_use(plan, base) || file_there(),
        (Host::Gemini, _) => return gemini::in_use(plan, base) || file_there(),
        (Host::Copilot, false) => &[".github/hooks", ".github/copilot-instructions.md"],
        (Host::Copilot, true) => &[".copilot"],
        (Host::Opencode, false) => &[".opencode", "opencode.json", "opencode.jsonc"],
        (Host::Opencode, true) => &[".config/opencode"],
        (Host::Windsurf, false) => &[".windsurf", ".windsurfrules"],
        (Host::Windsurf, true) => &[".codeium/windsurf"],
    };
    signs.iter().any(|s| base.join(s).symlink_metadata().is_ok()) || file_there()
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
        Host::Copilot => copilot::install(text, path),
        Host::Opencode => opencode::install(plan, text, path),
        Host::Windsurf => windsurf::install(text, path),
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
        Host::Copilot => copilot::uninstall(text, record, path),
        Host::Opencode => opencode::uninstall(plan, text, record, path),
        Host::Windsurf => windsurf::uninstall(text, record, path),
    }
}

/// What of tkx's is in `host`'s settings file and what is missing.
pub(super) fn status(host: Host, plan: &Plan, text: Option<&str>, path: &Path) -> Result<Vec<Item>, Error> {
    match host {
        Host::Claude => claude::status(plan, text, path),
        Host::Cursor => cursor::status(text, path),
        Host::Codex => codex::status(plan, text, path),
        Host::Gemini => gemini::status(plan, text, path),
        Host::Copilot => copilot::status(text, path),
        Host::Opencode => opencode::status(plan, text, path),
        Host::Windsurf => windsurf::status(text, path),
    }
}

/// The text of the file tkx owns whole for `host` (opencode's plugin), if it has one.
pub(super) fn plugin(host: Host) -> Option<&'static str> {
    match host {
        Host::Opencode => Some(opencode::PLUGIN),
        Host::Claude | Host::Cursor | Host::Codex | Host::Gemini | Host::Copilot | Host::Windsurf => None,
    }
}

/// What `status` calls `host`'s plugin file.
pub(super) fn plugin_item(host: Host) -> &'static str {
    match host {
        Host::Opencode => "tool.execute.before plugin (fail closed)",
        _ => "plugin",
    }
}

/// The files a patch in the `apply_patch` format touches (`*** Add File: p`, `*** Update
/// File: p`, `*** Delete File: p`, `*** Move to: p`).
fn patch_paths(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| {
            ["*** Add File:", "*** Update File:", "*** Delete File:", "*** Move to:"]
                .iter()
                .find_map(|p| l.strip_prefix(p))
                .map(str::trim)
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What `tkx agent check` answers when it runs out of time, in each protocol.
    #[test]
    fn fail_closed_is_a_deny_in_every_protocol() {
        for h in Host::ALL {
            let a = h.fail_closed("tkx: too slow");
            let denied = match h {
                Host::Claude | Host::Windsurf => a.code == 2 && a.stderr.contains("too slow"),
                Host::Cursor => a.stdout.contains("\"deny\""),
                Host::Codex => {
                    a.stdout.contains("\"deny\"") || (a.code == 2 && a.stderr.contains("too slow"))
                }
                Host::Gemini => a.stdout.contains("\"deny\"") || a.code == 2,
                Host::Copilot => a.stdout.contains("\"permissionDecision\":\"deny\""),
                Host::Opencode => a.stdout.contains("\"decision\":\"deny\""),
            };
            assert!(denied, "{h:?}: {a:?}");
            assert!(h.deadline().as_secs() <= 20, "{h:?}");
        }
    }
}
