//! `tracked`: an env file in git's index or in HEAD has been (or is about to be)
//! committed. Never fixed automatically: the keys are in the history and need rotating.

use super::{Check, Project};
use crate::envfile::names::is_env_name;
use crate::report::Finding;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The check.
pub struct Tracked;

fn is_env_path(p: &std::path::Path) -> bool {
    p.file_name().and_then(|n| n.to_str()).is_some_and(is_env_name)
}

impl Check for Tracked {
    fn name(&self) -> &'static str {
        "tracked"
    }

    fn run(&self, project: &Project) -> Vec<Finding> {
        let Some(repo) = project.repo() else { return Vec::new() };
        let mut paths: BTreeSet<PathBuf> =
            repo.index_paths().into_iter().filter(|p| is_env_path(p)).collect();
        paths.extend(repo.head_paths(&is_env_name));
        paths
            .into_iter()
            // References and plain settings are the shareable form (read as it is now).
            .filter(|rel| !crate::envfile::shareable_file(&repo.workdir().join(rel)))
            .map(|rel| {
                let shown = project.show(&repo.workdir().join(&rel));
                Finding::error("doctor/tracked", "this env file is committed to git (it is in the index or in HEAD)").at(shown.clone(), 0, 0).hint(format!(
                        "run `git rm --cached {shown}` and commit, then rotate every key it held: they stay in the history"
                    ))
            })
            .collect()
    }
}
