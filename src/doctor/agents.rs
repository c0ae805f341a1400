//! `agents`: a project that shows signs of an AI coding agent (CLAUDE.md, `.cursor/`,
//! AGENTS.md, …) and keeps secret-looking values in its tree's env files. The guard
//! (`tkx agent install`) stops the agent's file tools and checks its shell commands;
//! only the private store (`tkx move --secrets --private`) takes the keys out of reach.
//! `--fix` installs the guard; it never moves keys.

use super::{Check, Project, Scope};
use crate::agent::ignore_files::{AGENT_SIGNS, sign_in};
use crate::agent::install::Plan;
use crate::agent::{Host, hosts};
use crate::error::Error;
use crate::report::Finding;
use crate::secret::classify::is_secret_statement;
use std::path::PathBuf;

/// The check.
pub struct Agents;

/// What the check found: the sign, and the tree's env files with their secret keys.
struct Exposure {
    sign: String,
    files: Vec<(String, Vec<String>)>,
}

fn exposure(project: &Project) -> Option<Exposure> {
    let sign = sign_in(project.dir(), AGENT_SIGNS)?;
    let mut files = Vec::new();
    for f in project.env_files().iter().filter(|f| f.scope == Scope::Tree) {
        let Ok(text) = crate::envfile::read_text(&f.path) else { continue };
        let mut keys: Vec<String> = Vec::new();
        for e in crate::envfile::parse(&text).entries {
            if is_secret_statement(&e.key, &e.value) && !keys.contains(&e.key) {
                keys.push(e.key);
            }
        }
        if !keys.is_empty() {
            files.push((f.display.clone(), keys));
        }
    }
    (!files.is_empty()).then_some(Exposure { sign, files })
}

fn plan(project: &Project, user: bool, shared: bool) -> Plan {
    let home = project.process().get("HOME").map(PathBuf::from).filter(|p| p.is_absolute());
    let base = if user { home.clone() } else { Some(project.dir().to_path_buf()) };
    let agent = project.config().map(|c| c.agent.clone()).unwrap_or_default();
    let mut plan = Plan {
        hosts: Host::ALL.to_vec(),
        user,
        shared,
        all_ignore_files: false,
        project: project.dir().to_path_buf(),
        home,
        tkx_dir: project.tkx_dir().map(std::path::Path::to_path_buf),
        env_names: Some(env_names(project)),
        host_env: hosts::host_env(project.process()),
        os_sandbox: agent.os_sandbox,
        hide: agent.hidden_patterns(),
    };
    // As `--host all`: Claude Code and Cursor, and the other hosts where they are in use.
    let in_use: Vec<Host> = Host::ALL
        .iter()
        .copied()
        .filter(|h| base.as_deref().is_some_and(|b| hosts::in_use(*h, &plan, b)))
        .collect();
    plan.hosts = in_use;
    plan
}

/// The names of the tree's env files, from the walk doctor already did.
fn env_names(project: &Project) -> Vec<String> {
    let mut names: Vec<String> = project
        .env_files()
        .iter()
        .filter(|f| f.scope == Scope::Tree)
        .filter_map(|f| f.path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| crate::agent::paths::is_protected_name(n))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The hosts whose guard is in place (every file of the host's, in the project or the
/// user's settings), when every ignore file the project's agents read is there too;
/// empty when the guard is missing.
fn guarded(project: &Project) -> Vec<Host> {
    use crate::agent::install::{FileStatus, Part};
    let complete = |files: &[FileStatus], host: Host| {
        let mine: Vec<_> = files.iter().filter(|f| f.target.part.host() == Some(host)).collect();
        !mine.is_empty() && mine.iter().all(|f| f.items.iter().all(|i| i.installed))
    };
    let here = plan(project, false, false).status().unwrap_or_default();
    let shared = plan(project, false, true).status().unwrap_or_default();
    let user = plan(project, true, false).status().unwrap_or_default();
    let hooks: Vec<Host> = Host::ALL
        .iter()
        .copied()
        .filter(|h| [&here, &shared, &user].into_iter().any(|files| complete(files, *h)))
        .collect();
    let ignores = here
        .iter()
        .filter(|f| match f.target.part {
            // `.cursorignore` comes with the Cursor host; it counts when Cursor is in use.
            Part::Ignore(i) => i.name != ".cursorignore" || sign_in(project.dir(), i.signs).is_some(),
            _ => false,
        })
        .all(|f| f.items.iter().all(|i| i.installed));
    if ignores { hooks } else { Vec::new() }
}

/// Codex CLI's and Gemini CLI's hooks that are in but not protecting (not trusted yet,
/// or hooks turned off): the host and what is missing.
fn not_protecting(project: &Project) -> Vec<String> {
    use crate::agent::install::Part;
    let mut out = Vec::new();
    for user in [false, true] {
        for f in plan(project, user, false).status().unwrap_or_default() {
            let Part::Settings(host @ (Host::Codex | Host::Gemini)) = f.target.part else { continue };
            let Some((hook, rest)) = f.items.split_first() else { continue };
            let missing: Vec<&str> = rest.iter().filter(|i| !i.installed).map(|i| i.what.as_str()).collect();
            if hook.installed && !missing.is_empty() {
                out.push(format!(
                    "{}'s hook in {} is not protecting yet ({})",
                    host.name(),
                    project.show(&f.target.path),
                    missing.join(", ")
                ));
            }
        }
    }
    out
}

impl Check for Agents {
    fn name(&self) -> &'static str {
        "agents"
    }

    fn run(&self, project: &Project) -> Vec<Finding> {
        let Some(x) = exposure(project) else { return Vec::new() };
        let list: Vec<String> =
            x.files.iter().map(|(f, keys)| format!("{f} ({})", keys.join(", "))).collect();
        let (path, _) = &x.files[0];
        let idle = not_protecting(project);
        if !idle.is_empty() {
            // A hook that is in but skipped by its host is the one problem to fix first.
            let message = format!(
                "this project uses an AI coding agent ({}) and keeps keys in its tree: {}; {}",
                x.sign,
                list.join("; "),
                idle.join("; ")
            );
            return vec![
                Finding::warning("doctor/agents", message)
                    .at(path.clone(), 0, 0)
                    .hint("run `tkx agent status` and trust the hook in the agent as it says (Codex CLI: its hooks review or `/hooks`; Gemini CLI: trust the folder)"),
            ];
        }
        let hosts = guarded(project);
        let (message, hint) = if !hosts.is_empty() {
            let names: Vec<&str> = hosts.iter().map(|h| h.name()).collect();
            (
                format!(
                    "this project uses an AI coding agent ({}) and keeps keys in its tree: {}; the guard ({}) checks the agent's tools, but shell checks are best-effort",
                    x.sign,
                    list.join("; "),
                    names.join(", ")
                ),
                "run `tkx move --secrets --private` to keep the keys outside the project, where no agent reads them",
            )
        } else {
            (
                format!(
                    "this project uses an AI coding agent ({}) and keeps keys in its tree, with no guard installed: {}",
                    x.sign,
                    list.join("; ")
                ),
                "run `tkx agent install` (or `tkx doctor --fix`) so the agent cannot read env files, and `tkx move --secrets --private` to keep the keys outside the project",
            )
        };
        // Whether this machine can also start the agent where the keys are unreadable.
        #[cfg(unix)]
        let hint = match crate::sandbox::Backend::find(project.process().get("PATH")) {
            Ok(_) => format!(
                "{hint}; or start the agent with `tkx agent run -- AGENT`, in a sandbox where env files read as empty"
            ),
            Err(m) => {
                format!("{hint}; `tkx agent run` could sandbox the agent, but {}: {}", m.what, m.install)
            }
        };
        vec![Finding::warning("doctor/agents", message).at(path.clone(), 0, 0).hint(hint)]
    }

    fn fix(&self, project: &Project) -> Result<Vec<String>, Error> {
        if exposure(project).is_none() || !guarded(project).is_empty() {
            return Ok(Vec::new());
        }
        let done = plan(project, false, false).install()?;
        Ok(done
            .into_iter()
            .filter(|d| d.changed)
            .map(|d| format!("installed the agent guard in {} ({})", project.show(&d.path), d.what))
            .collect())
    }
}
