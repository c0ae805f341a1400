//! `gitignore`: every env file inside a git work tree must be ignored by git. Git itself
//! answers (nested `.gitignore`s, `.git/info/exclude`, `core.excludesFile` all count).

use super::{Check, Project, Scope};
use crate::error::Error;
use crate::report::Finding;

/// The check.
pub struct Gitignore;

/// The patterns `--fix` appends: the narrowest that cover every env file and keep the
/// examples visible.
const PATTERNS: &[&str] = &[".env", ".env.*", "!.env.example", "!.env.sample", "!.env.template"];

fn exposed(project: &Project) -> Vec<&super::EnvFile> {
    let Some(repo) = project.repo() else { return Vec::new() };
    project
        .env_files()
        .iter()
        .filter(|f| f.scope == Scope::Tree && repo.relative(&f.path).is_some() && !repo.is_ignored(&f.path))
        .filter(|f| !crate::envfile::shareable_file(&f.path))
        .collect()
}

impl Check for Gitignore {
    fn name(&self) -> &'static str {
        "gitignore"
    }

    fn run(&self, project: &Project) -> Vec<Finding> {
        let mut out: Vec<Finding> = exposed(project)
            .into_iter()
            .map(|f| {
                Finding::error(
                    "doctor/gitignore",
                    "git does not ignore this env file: `git add .` would commit its keys",
                )
                .at(f.display.clone(), 0, 0)
                .hint("add `.env`, `.env.*` and `!.env.example` to .gitignore, or run `tkx doctor --fix`")
            })
            .collect();
        out.extend(project.env_files().iter().filter(|f| f.scope == Scope::Tree && crate::envfile::shareable_file(&f.path)).map(|f| {
            Finding::note(
                "doctor/shareable",
                "this env file holds only references to secret managers and plain settings: it is safe to commit",
            )
            .at(f.display.clone(), 0, 0)
        }));
        out
    }

    fn fix(&self, project: &Project) -> Result<Vec<String>, Error> {
        let (Some(repo), false) = (project.repo(), exposed(project).is_empty()) else {
            return Ok(Vec::new());
        };
        let path = repo.workdir().join(".gitignore");
        let _lock = crate::fsutil::lock_for(&path)
            .map_err(|source| Error::Io { doing: format!("locking {}", path.display()), source })?;
        let old = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(source) => return Err(Error::Io { doing: format!("reading {}", path.display()), source }),
        };
        let text = String::from_utf8_lossy(&old);
        let present: Vec<&str> = text.lines().map(str::trim).collect();
        let missing: Vec<&str> = PATTERNS.iter().copied().filter(|p| !present.contains(p)).collect();
        if missing.is_empty() {
            return Ok(vec![format!(
                "{}: already lists the env patterns; a nested .gitignore or a negation un-ignores the files above",
                project.show(&path)
            )]);
        }
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut new = old.clone();
        if !new.is_empty() && !new.ends_with(b"\n") {
            new.extend_from_slice(eol.as_bytes());
        }
        new.extend_from_slice(
            format!("# env files hold secrets (added by tkx doctor --fix){eol}").as_bytes(),
        );
        for p in &missing {
            new.extend_from_slice(format!("{p}{eol}").as_bytes());
        }
        crate::fsutil::write_atomic(&path, &new, 0o644)
            .map_err(|source| Error::Io { doing: format!("writing {}", path.display()), source })?;
        Ok(vec![format!("added {} to {}", missing.join(" "), project.show(&path))])
    }
}
