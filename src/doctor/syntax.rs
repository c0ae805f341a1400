//! `syntax`: every lint of the env-file engine, for every env and example file.

use super::{Check, Project};
use crate::envfile;
use crate::report::Finding;

/// The check.
pub struct Syntax;

impl Check for Syntax {
    fn name(&self) -> &'static str {
        "syntax"
    }

    fn run(&self, project: &Project) -> Vec<Finding> {
        let mut out = Vec::new();
        // Files the layers loaded were linted while loading (with undefined names too).
        let res = project.resolution().ok();
        let loaded: Vec<&std::path::Path> = res
            .iter()
            .flat_map(|r| r.sources.iter().filter(|s| matches!(s.status, crate::layers::Status::Loaded(_))))
            .map(|s| s.path.as_path())
            .collect();
        if let Ok(res) = project.resolution() {
            out.extend(res.findings.iter().map(|f| f.finding.clone()));
        }
        for f in project.env_files().iter().chain(project.examples()) {
            if loaded.iter().any(|l| same_file(l, &f.path)) {
                continue;
            }
            match envfile::read_text(&f.path) {
                Ok(text) => out.extend(
                    envfile::file_lints(&envfile::parse(&text)).iter().map(|l| l.to_finding(&f.display)),
                ),
                Err(problem) => {
                    let (line, column) = match problem {
                        crate::error::FileProblem::InvalidUtf8 { line, column } => (line, column),
                        _ => (0, 0),
                    };
                    out.push(Finding::error("envfile/unreadable", problem.to_string()).at(
                        f.display.clone(),
                        line,
                        column,
                    ));
                }
            }
        }
        out
    }
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b || a.canonicalize().ok().zip(b.canonicalize().ok()).is_some_and(|(x, y)| x == y)
}
