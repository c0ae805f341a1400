//! What is an env file: the one home for the names tkx loads, protects and scans
//! (`.env`, `.env.<name>`), the examples that document them (`.env.example`, …), and
//! the directories no walk of a project enters.
//!
//! doctor, scan, the agent guard and `move` all ask here; none keeps its own list.

use std::fs;
use std::path::{Path, PathBuf};

/// Parts of `.env.<part>[.<part>…]` names that mark a file documenting keys instead of
/// holding them (`.env.example`, `.env.local.example`, `.env.default`).
pub const EXAMPLE_SUFFIXES: &[&str] =
    &["example", "sample", "template", "dist", "default", "defaults", "schema", "tmpl", "tpl"];

/// Directories never worth walking into: tools' caches and dependency trees.
pub const SKIP_DIRS: &[&str] =
    &[".git", "node_modules", ".venv", "venv", "__pycache__", "target", ".tox", ".mypy_cache"];

/// Whether a file name is an example: one of its dot-separated parts after `.env` marks
/// it so (`.env.example`, `.env.sample`, `.env.local.example`, `.env.default`, …).
pub fn is_example_name(name: &str) -> bool {
    name.strip_prefix(".env.").is_some_and(|s| {
        s.split('.').any(|part| EXAMPLE_SUFFIXES.iter().any(|e| part.eq_ignore_ascii_case(e)))
    })
}

/// Whether a file name is an env file that holds values (`.env`, `.env.local`, …).
pub fn is_env_name(name: &str) -> bool {
    name == ".env" || (name.starts_with(".env.") && !is_example_name(name))
}

/// Whether a directory name is one that walks skip ([`SKIP_DIRS`]).
pub fn is_skipped_dir(name: &str) -> bool {
    SKIP_DIRS.contains(&name)
}

/// The env files and the examples under `root`, each list sorted.
pub struct TreeFiles {
    /// Env files that hold values.
    pub env: Vec<PathBuf>,
    /// Example files.
    pub examples: Vec<PathBuf>,
}

/// Walks `root` for env and example files. Directories in [`SKIP_DIRS`] and those
/// `ignored_dir` names are skipped (an ignored `node_modules/` holds other people's
/// files); env files are listed whether ignored or not (they are exactly what tkx is
/// about). Symlinked directories are not followed.
pub fn walk(root: &Path, ignored_dir: impl Fn(&Path) -> bool) -> TreeFiles {
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
                if !is_skipped_dir(&name) && !ignored_dir(&path) {
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
    TreeFiles { env, examples }
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
        // An example by any dot-separated part (issue 18).
        for n in [".env.local.example", ".env.default", ".env.production.dist", ".env.dev.sample", ".env.tpl"]
        {
            assert!(is_example_name(n) && !is_env_name(n), "{n}");
        }
        for n in [".env.examples-are-not-parts", ".env.local", ".env.defaulted"] {
            assert!(!is_example_name(n), "{n}");
        }
        assert!(is_skipped_dir("node_modules") && !is_skipped_dir("src"));
    }
}
