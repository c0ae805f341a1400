//! Finding env files: every `.env` and `.env.*` in the project tree, and the stores.

use super::{EnvFile, Scope};
use crate::git::Repo;
use std::fs;
use std::path::{Path, PathBuf};

/// Suffixes of `.env.<suffix>` files that document keys instead of holding them.
pub const EXAMPLE_SUFFIXES: &[&str] =
    &["example", "sample", "template", "dist", "defaults", "schema", "tmpl"];

/// Directories never worth walking into: tools' caches and dependency trees.
const SKIP_DIRS: &[&str] =
    &[".git", "node_modules", ".venv", "venv", "__pycache__", "target", ".tox", ".mypy_cache"];

/// Whether a file name is an example (`.env.example`, `.env.sample`, …).
pub fn is_example_name(name: &str) -> bool {
    name.strip_prefix(".env.").is_some_and(|s| EXAMPLE_SUFFIXES.iter().any(|e| s.eq_ignore_ascii_case(e)))
}

/// Whether a file name is an env file that holds values (`.env`, `.env.local`, …).
pub fn is_env_name(name: &str) -> bool {
    name == ".env" || (name.starts_with(".env.") && !is_example_name(name))
}

/// Walks `root` for env and example files. Directories git ignores are skipped (an
/// ignored `node_modules/` holds other people's files), env files git ignores are not
/// (they are exactly what doctor is about). Symlinked directories are not followed.
pub fn walk(root: &Path, repo: Option<&Repo>) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut env = Vec::new();
    let mut examples = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        let mut names: Vec<(String, PathBuf, fs::FileType)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                Some((e.file_name().to_string_lossy().into_owned(), e.path(), e.file_type().ok()?))
            })
            .collect();
        names.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, path, kind) in names {
            if kind.is_dir() {
                let ignored = repo.is_some_and(|r| r.is_ignored(&path));
                if !SKIP_DIRS.contains(&name.as_str()) && !ignored {
                    stack.push(path);
                }
            } else if is_env_name(&name) {
                env.push(path);
            } else if is_example_name(&name) {
                examples.push(path);
            }
        }
    }
    env.sort();
    examples.sort();
    (env, examples)
}

/// The user file and the private store, where they exist.
pub fn stores(tkx_dir: Option<&Path>, project_dir: &Path) -> Vec<EnvFile> {
    let Some(dir) = tkx_dir else { return Vec::new() };
    [
        (Scope::Private, crate::layers::discover::private_store(dir, project_dir)),
        (Scope::User, dir.join(".env")),
    ]
    .into_iter()
    .filter(|(_, p)| p.symlink_metadata().is_ok())
    .map(|(scope, path)| EnvFile { display: path.display().to_string(), path, scope })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for n in [".env", ".env.local", ".env.production", ".env.dev.local"] {
            assert!(is_env_name(n), "{n}");
        }
        for n in [".env.example", ".env.sample", ".env.template", ".envrc", "env", ".env-example", "x.env"] {
            assert!(!is_env_name(n), "{n}");
        }
        assert!(is_example_name(".env.example") && is_example_name(".env.EXAMPLE"));
    }
}
