//! `build-context`: env files that a build would carry away.
//!
//! - A `Dockerfile` whose directory (the usual build context) has no `.dockerignore`,
//!   or one that does not exclude the env files: `COPY . .` bakes `.env` into the image.
//!   `.dockerignore` patterns are matched as Docker does: relative to the context root
//!   (`.env` is only the top one, `**/.env` is any depth), the last matching line wins,
//!   `!` re-includes, and a pattern that matches a directory excludes what is in it.
//! - A `package.json` that npm would publish (not `"private": true`) whose package
//!   would include an env file: through its `files` list, or, without one, because
//!   neither `.npmignore` (or, without it, `.gitignore`) excludes it.

use super::{Check, Project, Scope};
use crate::report::Finding;
use std::path::{Path, PathBuf};

/// The check.
pub struct BuildContext;

impl Check for BuildContext {
    fn name(&self) -> &'static str {
        "build-context"
    }

    fn run(&self, project: &Project) -> Vec<Finding> {
        let mut out = Vec::new();
        for dockerfile in dockerfiles(project.dir()) {
            if let Some(f) = docker(project, &dockerfile) {
                out.push(f);
            }
        }
        if let Some(f) = npm(project) {
            out.push(f);
        }
        out
    }
}

fn finding(project: &Project, path: &Path, message: String, hint: &str) -> Finding {
    Finding::warning("doctor/build-context", message).at(project.show(path), 0, 0).hint(hint)
}

/// Dockerfiles in the project directory and up to two levels below it.
fn dockerfiles(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), 0usize)];
    while let Some((d, depth)) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        let mut entries: Vec<_> = rd.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() {
                if depth < 2
                    && !name.starts_with('.')
                    && !matches!(name.as_str(), "node_modules" | "target" | "vendor" | "venv")
                {
                    stack.push((e.path(), depth + 1));
                }
            } else if name == "Dockerfile"
                || name.starts_with("Dockerfile.")
                || name.ends_with(".Dockerfile")
                || name == "Containerfile"
            {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// The env files of the tree under `root`, relative to it with `/`.
fn env_files_under(project: &Project, root: &Path) -> Vec<String> {
    project
        .env_files()
        .iter()
        .filter(|f| f.scope == Scope::Tree)
        .filter_map(|f| f.path.strip_prefix(root).ok())
        .map(|r| r.to_string_lossy().replace('\\', "/"))
        .collect()
}

fn docker(project: &Project, dockerfile: &Path) -> Option<Finding> {
    let context = dockerfile.parent()?;
    let name = dockerfile.file_name()?.to_string_lossy().into_owned();
    // BuildKit reads `<Dockerfile>.dockerignore` before `.dockerignore`.
    let specific = context.join(format!("{name}.dockerignore"));
    let ignore = if specific.exists() { specific } else { context.join(".dockerignore") };
    let hint = "add `**/.env`, `**/.env.*` and `!**/.env.example` to .dockerignore";
    let Ok(text) = std::fs::read_to_string(&ignore) else {
        return Some(finding(
            project,
            dockerfile,
            format!("{name} has no .dockerignore next to it: `COPY . .` would copy .env into the image"),
            hint,
        ));
    };
    let patterns = docker_patterns(&text);
    let mut candidates = env_files_under(project, context);
    if candidates.is_empty() {
        candidates.push(".env".into());
    }
    let leaked: Vec<String> = candidates.into_iter().filter(|f| !docker_excluded(&patterns, f)).collect();
    if leaked.is_empty() {
        return None;
    }
    Some(finding(
        project,
        &ignore,
        format!(
            "{} does not exclude {}: a build of {name} would copy {} into the image",
            project.show(&ignore),
            leaked.join(", "),
            if leaked.len() == 1 { "it" } else { "them" }
        ),
        hint,
    ))
}

/// `.dockerignore` lines as (negated, glob).
fn docker_patterns(text: &str) -> Vec<(bool, globset::GlobMatcher)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (neg, p) = match l.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, l),
            };
            let p = p.trim_start_matches("./").trim_start_matches('/').trim_end_matches('/');
            let g = globset::GlobBuilder::new(p).literal_separator(true).build().ok()?;
            Some((neg, g.compile_matcher()))
        })
        .collect()
}

/// Whether `rel` (or a directory above it) is excluded: the last matching line wins.
fn docker_excluded(patterns: &[(bool, globset::GlobMatcher)], rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let prefixes: Vec<String> = (1..=parts.len()).map(|n| parts[..n].join("/")).collect();
    let mut excluded = false;
    for (neg, g) in patterns {
        if prefixes.iter().any(|p| g.is_match(p)) {
            excluded = !neg;
        }
    }
    excluded
}

fn npm(project: &Project) -> Option<Finding> {
    let pkg = project.dir().join("package.json");
    let text = std::fs::read_to_string(&pkg).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    if v.get("private").and_then(serde_json::Value::as_bool) == Some(true) {
        return None;
    }
    let envs = env_files_under(project, project.dir());
    if envs.is_empty() {
        return None;
    }
    let leaked: Vec<String> = match v.get("files").and_then(serde_json::Value::as_array) {
        Some(files) => {
            let entries: Vec<String> = files.iter().filter_map(|f| f.as_str()).map(str::to_owned).collect();
            envs.into_iter().filter(|e| files_include(&entries, e)).collect()
        }
        None => {
            let npmignore = project.dir().join(".npmignore");
            let source = if npmignore.exists() { npmignore } else { project.dir().join(".gitignore") };
            let mut b = ignore::gitignore::GitignoreBuilder::new(project.dir());
            if source.exists() {
                let _ = b.add(&source);
            }
            let gi = b.build().ok()?;
            envs.into_iter()
                .filter(|e| !gi.matched_path_or_any_parents(project.dir().join(e), false).is_ignore())
                .collect()
        }
    };
    if leaked.is_empty() {
        return None;
    }
    Some(finding(
        project,
        &pkg,
        format!("`npm publish` would include {} in the package", leaked.join(", ")),
        "list what to publish in package.json `files`, or add `.env` and `.env.*` to .npmignore",
    ))
}

/// Whether a `files` list includes `rel`: an entry naming it, a directory above it, or a
/// glob matching it (`!` entries exclude).
fn files_include(entries: &[String], rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let prefixes: Vec<String> = (1..=parts.len()).map(|n| parts[..n].join("/")).collect();
    let mut included = false;
    for e in entries {
        let (neg, p) = match e.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, e.as_str()),
        };
        let p = p.trim_start_matches("./").trim_end_matches('/');
        let hit = match globset::GlobBuilder::new(p).literal_separator(true).build() {
            Ok(g) => {
                let m = g.compile_matcher();
                prefixes.iter().any(|x| m.is_match(x))
            }
            Err(_) => prefixes.iter().any(|x| x == p),
        };
        if hit {
            included = !neg;
        }
    }
    included
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerignore_semantics() {
        let p = docker_patterns("# c\n.env\n!.env.example\n");
        assert!(docker_excluded(&p, ".env"));
        assert!(!docker_excluded(&p, "api/.env"), "`.env` is only the top one");
        let p = docker_patterns("**/.env*\n!**/.env.example\n");
        assert!(docker_excluded(&p, "api/.env.local"));
        assert!(!docker_excluded(&p, ".env.example"));
        let p = docker_patterns("services\n");
        assert!(docker_excluded(&p, "services/api/.env"));
    }

    #[test]
    fn npm_files() {
        assert!(!files_include(&["dist".into(), "README.md".into()], ".env"));
        assert!(files_include(&["config".into()], "config/.env"));
        assert!(files_include(&["**/*".into()], ".env"));
        assert!(!files_include(&["config".into(), "!config/.env".into()], "config/.env"));
    }
}
