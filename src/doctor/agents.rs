//! `agents`: a project that shows signs of an AI coding agent (CLAUDE.md, `.cursor/`,
//! AGENTS.md, …) and keeps secret-looking values in its tree's env files. The guard
//! (`tkx agent install`) stops the agent's file tools and checks its shell commands;
//! only the private store (`tkx move --secrets --private`) takes the keys out of reach.
//! `--fix` installs the guard; it never moves keys.

use super::{Check, Project, Scope};
use crate::agent::Host;
use crate::agent::ignore_files::{AGENT_SIGNS, sign_in};
use crate::agent::install::Plan;
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
    Plan {
        hosts: Host::ALL.to_vec(),
        user,
        shared,
        all_ignore_files: false,
        project: project.dir().to_path_buf(),
        home,
        tkx_dir: project.tkx_dir().map(std::path::Path::to_path_buf),
        env_names: Some(env_names(project)),
    }
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

/// Whether the guard is in place: one host's hooks (Claude Code's or Cursor's), in the
/// project or the user's settings, and every ignore file the project's agents read.
fn guarded(project: &Project) -> bool {
    use crate::agent::install::{FileStatus, Part};
    let complete = |files: &[FileStatus], host: Host| {
        let mine: Vec<_> = files.iter().filter(|f| f.target.part == Part::Settings(host)).collect();
        !mine.is_empty() && mine.iter().all(|f| f.items.iter().all(|i| i.installed))
    };
    let here = plan(project, false, false).status().unwrap_or_default();
    let shared = plan(project, false, true).status().unwrap_or_default();
    let user = plan(project, true, false).status().unwrap_or_default();
    let hooks =
        [&here, &shared, &user].into_iter().any(|files| Host::ALL.iter().any(|h| complete(files, *h)));
    let ignores = here
        .iter()
        .filter(|f| match f.target.part {
            // `.cursorignore` comes with the Cursor host; it counts when Cursor is in use.
            Part::Ignore(i) => i.name != ".cursorignore" || sign_in(project.dir(), i.signs).is_some(),
            _ => false,
        })
        .all(|f| f.items.iter().all(|i| i.installed));
    hooks && ignores
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
        let (message, hint) = if guarded(project) {
            (
                format!(
                    "this project uses an AI coding agent ({}) and keeps keys in its tree: {}; the guard checks the agent's tools, but shell checks are best-effort",
                    x.sign,
                    list.join("; ")
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
        if exposure(project).is_none() || guarded(project) {
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
