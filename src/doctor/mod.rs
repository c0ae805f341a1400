//! `tkx doctor`'s checks: one file per check, all listed in [`registry`].
//!
//! A check looks at a [`Project`] (the files found, the resolved layers, the git
//! repository) and returns [`Finding`]s; some can also fix what they found. Checks
//! never print; `commands/doctor.rs` renders their findings with one reporter.

mod agents;
mod build_context;
mod example;
pub mod files;
mod format;
mod gitignore;
mod hook;
mod permissions;
mod rotation;
mod sdk_names;
mod syntax;
mod tracked;

use crate::error::Error;
use crate::git::Repo;
use crate::layers::{Resolution, discover};
use crate::report::Finding;
use std::path::{Path, PathBuf};

/// Where an env file lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// In the project tree.
    Tree,
    /// `$TKX_DIR/.env`.
    User,
    /// `$TKX_DIR/projects/<id>/.env`.
    Private,
}

/// An env file doctor looks at.
#[derive(Clone, Debug)]
pub struct EnvFile {
    /// Its path.
    pub path: PathBuf,
    /// As shown.
    pub display: String,
    /// Where it lives.
    pub scope: Scope,
}

/// Everything the checks look at.
pub struct Project {
    /// The directory tkx acts in.
    pub cwd: PathBuf,
    /// The project directory.
    pub dir: PathBuf,
    /// The resolved layers; `None` when a file could not be loaded at all (that file's
    /// problem is then a finding of its own).
    pub res: Option<Resolution>,
    /// A finding for the load failure, if any.
    pub load_error: Option<Finding>,
    /// The git work tree, if the project is in one.
    pub repo: Option<Repo>,
    /// Env files: every one in the project tree, plus the user file and private store.
    pub env_files: Vec<EnvFile>,
    /// Example files (`.env.example`, `.env.sample`, …) in the project tree.
    pub examples: Vec<EnvFile>,
    /// `$TKX_DIR`, if known.
    pub tkx_dir: Option<PathBuf>,
}

impl Project {
    /// How to show a path.
    pub fn show(&self, path: &Path) -> String {
        discover::display_path(path, &self.cwd, &self.dir)
    }
}

/// Where a definition is, as a finding's location (`None` for the process environment).
pub fn location_of(origin: &crate::layers::Origin) -> Option<crate::report::Location> {
    origin.path.as_ref().map(|p| crate::report::Location {
        path: p.to_string(),
        line: origin.line,
        column: 0,
    })
}

/// One check.
pub trait Check {
    /// Its name, as in `tkx doctor`'s documentation.
    fn name(&self) -> &'static str;

    /// What it finds.
    fn run(&self, project: &Project) -> Vec<Finding>;

    /// Fixes what is safe to fix and says what it did, one line per fix.
    fn fix(&self, _project: &Project) -> Result<Vec<String>, Error> {
        Ok(Vec::new())
    }
}

/// Every check, in the order they report.
pub fn registry() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(permissions::Permissions),
        Box::new(gitignore::Gitignore),
        Box::new(tracked::Tracked),
        Box::new(syntax::Syntax),
        Box::new(example::Example),
        Box::new(format::Format),
        Box::new(sdk_names::SdkNames),
        Box::new(rotation::Rotation),
        Box::new(hook::HookCheck),
        Box::new(agents::Agents),
        Box::new(build_context::BuildContext),
    ]
}

/// Runs every check.
pub fn check(project: &Project) -> Vec<Finding> {
    let mut findings: Vec<Finding> = project.load_error.iter().cloned().collect();
    for c in registry() {
        findings.extend(c.run(project));
    }
    crate::report::sort(&mut findings);
    findings
}

/// Applies every safe fix.
pub fn fix(project: &Project) -> Result<Vec<String>, Error> {
    let mut done = Vec::new();
    for c in registry() {
        done.extend(c.fix(project)?);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_check_file_is_registered() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/doctor");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().trim_end_matches(".rs").to_owned())
            .filter(|n| n != "mod" && n != "files")
            .collect();
        files.sort();
        let mut names: Vec<String> = super::registry().iter().map(|c| c.name().replace('-', "_")).collect();
        names.sort();
        assert_eq!(files, names);
    }
}
