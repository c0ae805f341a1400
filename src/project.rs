//! The one project per run: built once from the global options, it answers the
//! questions every command asks (the project directory, the resolved layers,
//! `.tkx.toml`, the git repository, the env files and examples of the tree), each
//! computed at most once, when first asked.
//!
//! It never prints: `commands::Context::load` is the one place that reports what
//! loading found. Precedence stays in `layers`; this module only caches its answers.

use crate::config::Config;
use crate::envfile::names::{self, TreeFiles};
use crate::error::Error;
use crate::git::Repo;
use crate::layers::{self, ProcessEnv, Resolution, discover};
use std::cell::{OnceCell, RefCell};
use std::path::{Path, PathBuf};
use std::rc::Rc;

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

/// An env file of the project: in its tree, or one of its stores.
#[derive(Clone, Debug)]
pub struct EnvFile {
    /// Its path.
    pub path: PathBuf,
    /// As shown.
    pub display: String,
    /// Where it lives.
    pub scope: Scope,
}

/// The project tkx acts on in this run.
pub struct Project {
    options: layers::Options,
    dir: OnceCell<PathBuf>,
    resolution: RefCell<Option<Rc<Resolution>>>,
    config: OnceCell<Config>,
    repo: OnceCell<Option<Repo>>,
    tree: OnceCell<TreeFiles>,
    env_files: OnceCell<(Vec<EnvFile>, Vec<EnvFile>)>,
}

impl Project {
    /// A project for these options; nothing is read yet.
    pub fn new(options: layers::Options) -> Project {
        Project {
            options,
            dir: OnceCell::new(),
            resolution: RefCell::new(None),
            config: OnceCell::new(),
            repo: OnceCell::new(),
            tree: OnceCell::new(),
            env_files: OnceCell::new(),
        }
    }

    /// Forgets everything read so far, for a command that has changed the project's
    /// files (`doctor --fix`) and looks again.
    pub fn forget(&mut self) {
        *self = Project::new(self.options.clone());
    }

    /// The options the layers are loaded with.
    pub fn options(&self) -> &layers::Options {
        &self.options
    }

    /// The directory tkx acts in (canonical; `-C` applied).
    pub fn cwd(&self) -> &Path {
        &self.options.cwd
    }

    /// The project directory: the nearest directory up from [`Project::cwd`] with an env
    /// file, within the git work tree (see [`discover::project_dir`]).
    pub fn dir(&self) -> &Path {
        self.dir.get_or_init(|| discover::project_dir(&self.options.cwd))
    }

    /// `$TKX_DIR`, if known.
    pub fn tkx_dir(&self) -> Option<&Path> {
        self.options.tkx_dir.as_deref()
    }

    /// The process environment as inherited.
    pub fn process(&self) -> &ProcessEnv {
        &self.options.process
    }

    /// How to show `path` to the user (relative to where they are, when in the project).
    pub fn show(&self, path: &Path) -> String {
        discover::display_path(path, self.cwd(), self.dir())
    }

    /// The private store file of this project, when `$TKX_DIR` is known.
    pub fn private_store(&self) -> Option<PathBuf> {
        self.tkx_dir().map(|d| discover::private_store(d, self.dir()))
    }

    /// The resolved layers, loaded on the first call and shared after it. A load that
    /// fails is not remembered: the next call tries again.
    pub fn resolution(&self) -> Result<Rc<Resolution>, Error> {
        if let Some(res) = self.resolution.borrow().as_ref() {
            return Ok(res.clone());
        }
        self.reload()
    }

    /// Whether the layers have been loaded in this run.
    pub fn is_resolved(&self) -> bool {
        self.resolution.borrow().is_some()
    }

    /// Loads the layers again, for a command that has just written one of the files.
    pub fn reload(&self) -> Result<Rc<Resolution>, Error> {
        let res = Rc::new(layers::resolve_in(&self.options, self.dir())?);
        *self.resolution.borrow_mut() = Some(res.clone());
        Ok(res)
    }

    /// `.tkx.toml` at the project root (the defaults when there is none); a malformed
    /// file is an error naming its line and column.
    pub fn config(&self) -> Result<&Config, Error> {
        if let Some(c) = self.config.get() {
            return Ok(c);
        }
        let config = Config::load(self.dir())?;
        Ok(self.config.get_or_init(|| config))
    }

    /// The git work tree that holds the directory tkx acts in (and so the project
    /// directory, which never lies above the work tree's root), if any.
    pub fn repo(&self) -> Option<&Repo> {
        self.repo.get_or_init(|| Repo::discover(self.cwd())).as_ref()
    }

    /// The env files and examples of the project tree (directories git ignores are not
    /// entered; env files git ignores are listed).
    pub fn tree(&self) -> &TreeFiles {
        self.tree.get_or_init(|| {
            let repo = self.repo();
            names::walk(self.dir(), |p| repo.is_some_and(|r| r.is_ignored(p)))
        })
    }

    /// Every env file of the project: those of the tree, then the private store and the
    /// user file where they exist.
    pub fn env_files(&self) -> &[EnvFile] {
        &self.files().0
    }

    /// The example files (`.env.example`, `.env.sample`, …) of the project tree.
    pub fn examples(&self) -> &[EnvFile] {
        &self.files().1
    }

    fn files(&self) -> &(Vec<EnvFile>, Vec<EnvFile>) {
        self.env_files.get_or_init(|| {
            let tree = self.tree();
            let of_tree =
                |path: &PathBuf| EnvFile { display: self.show(path), path: path.clone(), scope: Scope::Tree };
            let mut env: Vec<EnvFile> = tree.env.iter().map(of_tree).collect();
            if let Some(dir) = self.tkx_dir() {
                let stores = [
                    (Scope::Private, discover::private_store(dir, self.dir())),
                    (Scope::User, dir.join(".env")),
                ];
                env.extend(
                    stores
                        .into_iter()
                        .filter(|(_, p)| p.symlink_metadata().is_ok())
                        .map(|(scope, path)| EnvFile { display: path.display().to_string(), path, scope }),
                );
            }
            (env, tree.examples.iter().map(of_tree).collect())
        })
    }

    /// Whether `exec` masks secrets in the child's output: the flag, then `TKX_REDACT`,
    /// then `[exec] redact` in `.tkx.toml`, then off (see [`setting`]).
    pub fn redact(&self, flag: bool) -> Result<bool, Error> {
        let env = self.process().get("TKX_REDACT").map(|v| truthy(&v.to_string_lossy()));
        setting(flag.then_some(true), env, || Ok(Some(self.config()?.exec.redact)), false)
    }

    /// The largest file `scan` reads: `--max-size`, then `[scan] max_file_size`.
    pub fn max_file_size(&self, flag: Option<u64>) -> Result<u64, Error> {
        let default = crate::config::ScanConfig::default().max_file_size;
        setting(flag, None, || Ok(Some(self.config()?.scan.max_file_size)), default)
    }
}

/// The precedence of tkx's own settings, decided here once: a command-line flag, then
/// an environment variable, then `.tkx.toml`, then the built-in default. `.tkx.toml` is
/// read only when neither the flag nor the variable decides.
pub fn setting<T>(
    flag: Option<T>,
    env: Option<T>,
    file: impl FnOnce() -> Result<Option<T>, Error>,
    default: T,
) -> Result<T, Error> {
    if let Some(v) = flag.or(env) {
        return Ok(v);
    }
    Ok(file()?.unwrap_or(default))
}

/// Whether an environment variable's text turns a setting on: anything but empty, `0`,
/// `false`, `no` and `off`.
pub fn truthy(v: &str) -> bool {
    !matches!(v, "" | "0" | "false" | "no" | "off")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_precedence_flag_env_file_default() {
        let file = |v: Option<u32>| move || Ok(v);
        assert_eq!(setting(Some(1), Some(2), file(Some(3)), 4).unwrap(), 1);
        assert_eq!(setting(None, Some(2), file(Some(3)), 4).unwrap(), 2);
        assert_eq!(setting(None, None, file(Some(3)), 4).unwrap(), 3);
        assert_eq!(setting(None, None, file(None), 4).unwrap(), 4);
        // The file is not read (and so cannot fail) when the flag or variable decides.
        let broken = || Err(Error::usage("bad .tkx.toml", None));
        assert_eq!(setting(None, Some(2), broken, 4).unwrap(), 2);
        assert!(setting(None, None, broken, 4).is_err());
    }

    #[test]
    fn truthy_values() {
        for v in ["1", "true", "yes", "on", "anything"] {
            assert!(truthy(v), "{v}");
        }
        for v in ["", "0", "false", "no", "off"] {
            assert!(!truthy(v), "{v}");
        }
    }

    #[test]
    fn the_resolution_is_loaded_once_and_reloaded_on_request() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().canonicalize().unwrap();
        std::fs::write(dir.join(".env"), "A=1\n").unwrap();
        let p = Project::new(layers::Options { cwd: dir.clone(), ..Default::default() });
        assert!(!p.is_resolved());
        let first = p.resolution().unwrap();
        std::fs::write(dir.join(".env"), "A=2\n").unwrap();
        assert!(Rc::ptr_eq(&first, &p.resolution().unwrap()));
        assert_eq!(p.reload().unwrap().vars["A"].winner.value.expose(), "2");
        assert_eq!(p.dir(), dir);
    }
}
