//! `hook`: a git repository without tkx's pre-commit hook lets keys be committed.

use super::{Check, Project};
use crate::hook::{self as hooks, Hook, State};
use crate::report::Finding;

/// The check.
pub struct HookCheck;

impl Check for HookCheck {
    fn name(&self) -> &'static str {
        "hook"
    }

    fn run(&self, project: &Project) -> Vec<Finding> {
        let Some(repo) = project.repo() else { return Vec::new() };
        let dir = repo.hooks_dir();
        let (what, hint) = match hooks::state(&dir, Hook::PreCommit) {
            State::Ours { .. } => return Vec::new(),
            State::Absent => ("no pre-commit hook checks commits for keys", "run `tkx hook install`"),
            State::Foreign => (
                "the pre-commit hook is not tkx's: commits are not checked for keys",
                "run `tkx hook install --chain` to keep that hook and add tkx after it",
            ),
        };
        vec![Finding::warning("doctor/hook", what).at(project.show(&dir.join("pre-commit")), 0, 0).hint(hint)]
    }
}
