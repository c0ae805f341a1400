//! What every scan needs before it reads a byte: the known values chosen from the
//! resolved layers, the `.tkx.toml` excludes and allow rules, and the baseline, compiled
//! into a [`Setup`]. It works from plain data (a [`Resolution`], a [`Config`], a
//! directory, flags as booleans); it never sees clap types and never prints: a problem
//! worth telling people becomes a [`Note`] for the command to render.

use super::baseline::Baseline;
use super::{KnownOrigin, Note, Scanner};
use crate::config::Config;
use crate::error::Error;
use crate::layers::{Layer, Resolution};
use crate::project::Project;
use crate::secret::Secret;
use crate::secret::classify::search_in_scans;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::HashSet;
use std::path::PathBuf;

/// What every scan needs: the project, its configuration and the compiled scanner.
pub struct Setup {
    /// The project directory (where `.tkx.toml` and the baseline live).
    pub project_dir: PathBuf,
    /// `.tkx.toml`.
    pub config: Config,
    /// Paths never scanned.
    pub exclude: GlobSet,
    /// The scanner.
    pub scanner: Scanner,
}

impl Setup {
    /// Every rule, plus the secrets of the resolved layers (none without `res`), the allow
    /// rules and excludes of `config`, and the baseline when `use_baseline`.
    pub fn new(
        project_dir: PathBuf,
        config: Config,
        res: Option<&Resolution>,
        use_baseline: bool,
    ) -> Result<Setup, Error> {
        let baseline = if use_baseline { Baseline::load(&project_dir)? } else { Baseline::default() };
        let known = res.map(known_values).unwrap_or_default();
        let scanner = Scanner::new(known, &config.scan.allow, baseline)?;
        let exclude = globs(&config.scan.exclude)?;
        Ok(Setup { project_dir, config, exclude, scanner })
    }

    /// One value and nothing else (`--value-of`): no rules, allow rules or baseline; the
    /// excludes of `config` still apply.
    pub fn only(
        project_dir: PathBuf,
        config: Config,
        value: Secret,
        origin: KnownOrigin,
    ) -> Result<Setup, Error> {
        let exclude = globs(&config.scan.exclude)?;
        let scanner = Scanner::known_only(vec![(value, origin)])?;
        Ok(Setup { project_dir, config, exclude, scanner })
    }
}

/// The setup of `tkx scan` and the hooks: resolve the layers, find the project and load
/// its `.tkx.toml`. A broken env file must not stop a scan: it becomes a
/// [`Note::Unresolved`], and the scan goes on without the user's own values.
pub fn load(project: &Project, use_baseline: bool) -> Result<(Setup, Vec<Note>), Error> {
    let (res, notes) = match project.resolution() {
        Ok(res) => (Some(res), Vec::new()),
        Err(e) => (None, vec![Note::Unresolved(e)]),
    };
    let config = project.config()?.clone();
    Ok((Setup::new(project.dir().to_path_buf(), config, res.as_deref(), use_baseline)?, notes))
}

/// The values of the env files worth finding verbatim: those the classifier searches for
/// in scans ([`search_in_scans`]), never plain configuration like `gpt-4o-mini`.
pub fn known_values(res: &Resolution) -> Vec<(Secret, KnownOrigin)> {
    let mut out: Vec<(Secret, KnownOrigin)> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for var in res.vars.values() {
        for def in var.definitions() {
            if def.origin.layer == Layer::Process {
                continue;
            }
            let v = def.value.expose();
            if search_in_scans(&var.key, v) && seen.insert(v) {
                out.push((
                    def.value.clone(),
                    KnownOrigin { key: var.key.clone(), origin: def.origin.to_string() },
                ));
            }
        }
    }
    out
}

/// The resolved value of one key and where it came from (`--value-of`); `None` when no
/// layer sets it to something.
pub fn value_of(res: &Resolution, key: &str) -> Option<(Secret, KnownOrigin)> {
    let value = res.get(key).filter(|v| !v.is_empty())?;
    let origin = res.vars.get(key).map_or_else(|| "process".to_owned(), |v| v.winner.origin.to_string());
    Some((value, KnownOrigin { key: key.to_owned(), origin }))
}

fn globs(patterns: &[String]) -> Result<GlobSet, Error> {
    let mut b = GlobSetBuilder::new();
    for (i, p) in patterns.iter().enumerate() {
        let glob = Glob::new(p).map_err(|e| {
            crate::config::invalid_pattern("[scan] exclude", i, "glob", &e.kind().to_string())
        })?;
        b.add(glob);
    }
    b.build()
        .map_err(|_| Error::config(".tkx.toml: [scan] exclude: the globs are too many or too complex", None))
}
