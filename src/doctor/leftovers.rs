//! `leftovers`: temporary copies a killed tkx left beside the files it writes
//! (`.env.tkx-a1B2c3.tmp`). Each may hold every key of the file it was replacing.

use super::{Check, Project};
use crate::error::Error;
use crate::report::Finding;
use std::path::PathBuf;

/// The check.
pub struct Leftovers;

/// The leftovers: in the directories of the project's env files, `$TKX_DIR` and the
/// private store's directory.
fn found(project: &Project) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        project.env_files().iter().filter_map(|f| f.path.parent().map(PathBuf::from)).collect();
    dirs.push(project.dir().to_path_buf());
    dirs.extend(project.tkx_dir().map(PathBuf::from));
    dirs.extend(project.private_store().and_then(|p| p.parent().map(PathBuf::from)));
    dirs.sort();
    dirs.dedup();
    let mut out: Vec<PathBuf> = dirs
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flat_map(|entries| entries.flatten())
        .filter(|e| crate::fsutil::is_temp_name(&e.file_name().to_string_lossy()))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

impl Check for Leftovers {
    fn name(&self) -> &'static str {
        "leftovers"
    }

    fn run(&self, project: &Project) -> Vec<Finding> {
        found(project)
            .iter()
            .map(|p| {
                Finding::warning(
                    "doctor/leftover",
                    "a temporary copy a stopped tkx left behind: it may hold every key of the file it was replacing",
                )
                .at(project.show(p), 0, 0)
                .hint("delete it (`tkx doctor --fix` does; so does the next tkx write in that directory)")
            })
            .collect()
    }

    fn fix(&self, project: &Project) -> Result<Vec<String>, Error> {
        let mut done = Vec::new();
        for p in found(project) {
            std::fs::remove_file(&p)
                .map_err(|source| Error::Io { doing: format!("removing {}", project.show(&p)), source })?;
            done.push(format!("removed {}", project.show(&p)));
        }
        Ok(done)
    }
}
