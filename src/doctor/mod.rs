//! `tkx doctor`'s checks: one file per check, all listed in [`registry`].
//!
//! A check looks at a [`Project`] (the files found, the resolved layers, the git
//! repository) and returns [`Finding`]s; some can also fix what they found. Checks
//! never print; `commands/doctor.rs` renders their findings with one reporter.

mod agents;
mod build_context;
mod example;
mod format;
mod gitignore;
mod hook;
mod leftovers;
mod permissions;
pub mod references;
mod rotation;
mod sdk_names;
mod syntax;
mod tracked;

use crate::error::{Error, FileProblem};
use crate::report::Finding;

pub use crate::project::{EnvFile, Project, Scope};

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
        Box::new(references::References),
        Box::new(hook::HookCheck),
        Box::new(agents::Agents),
        Box::new(build_context::BuildContext),
        Box::new(leftovers::Leftovers),
    ]
}

/// Runs every check.
pub fn check(project: &Project) -> Vec<Finding> {
    let mut findings: Vec<Finding> = load_error(project).into_iter().collect();
    for c in registry() {
        findings.extend(c.run(project));
    }
    crate::report::sort(&mut findings);
    findings
}

/// The finding for layers that could not be loaded at all (the other checks then skip
/// what needs them); other errors are not doctor's to report.
fn load_error(project: &Project) -> Option<Finding> {
    let Err(Error::File { path, problem }) = project.resolution() else { return None };
    let (line, column) = match problem {
        FileProblem::InvalidUtf8 { line, column } => (line, column),
        _ => (0, 0),
    };
    Some(
        Finding::error("envfile/unreadable", format!("{problem}; the layers could not be loaded"))
            .at(path, line, column),
    )
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
            .filter(|n| n != "mod")
            .collect();
        files.sort();
        let mut names: Vec<String> = super::registry().iter().map(|c| c.name().replace('-', "_")).collect();
        names.sort();
        assert_eq!(files, names);
    }
}
