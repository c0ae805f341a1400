//! Moving keys between files without changing what `tkx exec` resolves.
//!
//! [`plan`] builds the source's and the target's new texts, refusing a key the target
//! already holds with a different value. [`check_unchanged`] proves the move is
//! invisible: the files as they would be after the move are laid out in a temporary
//! directory and resolved by the real [`layers::resolve`], with no profile and with
//! every profile the project has, so expansion (`${X}`) and precedence are judged by
//! the code that applies them. Nothing here writes the real files or prints.

use super::{Current, Dest};
use crate::envfile::{self, Entry, edit, is_valid_key};
use crate::error::Error;
use crate::layers::{self, Layer, Resolution, discover};
use crate::secret::Secret;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// One key that moves.
pub struct Moved {
    /// The key.
    pub key: String,
    /// Its statements' lines in the source.
    pub lines: Vec<usize>,
    /// Its value as the source defines it (after expansion).
    pub value: Option<Secret>,
    /// The target already had exactly this value.
    pub already: bool,
}

/// A checked move: both files' new texts and what moves.
pub struct Relocation {
    /// The source without the moved statements.
    pub source_text: String,
    /// The target with them (each key's last statement, copied exactly).
    pub target_text: String,
    /// The keys, in the order given.
    pub moved: Vec<Moved>,
}

/// Plans moving `keys` (each defined in `src`) from `source` to `target`, as `res`
/// resolves them now. Refuses a key the target holds with a different value, and a
/// statement that cannot be copied exactly.
pub fn plan(
    res: &Resolution,
    (source, src): (&Dest, &Current),
    (target, dst): (&Dest, &Current),
    keys: &[String],
) -> Result<Relocation, Error> {
    let parsed = envfile::parse(&src.text);
    let dst_parsed = envfile::parse(&dst.text);
    let mut target_text = dst.text.clone();
    let mut source_text = src.text.clone();
    let mut moved: Vec<Moved> = Vec::new();
    for key in keys {
        let Some(last) = parsed.entries.iter().rev().find(|e| &e.key == key) else { continue };
        let stmt = statement_text(&src.text, last);
        let value = source.definition(res, key).map(|d| d.value.clone());
        let in_target = target.definition(res, key).map(|d| &d.value);
        let already = match (in_target, dst_parsed.entries.iter().any(|e| &e.key == key)) {
            (Some(v), true) if Some(v) == value.as_ref() => true,
            (_, true) => {
                return Err(Error::refused(
                    format!(
                        "{key} is already in {} with a different value: nothing was changed",
                        target.display
                    ),
                    Some(format!(
                        "compare them with `tkx env --explain {key}`; remove the one you do not want (`tkx unset {key} {}`), then move again",
                        if target.layer == Layer::User { "--user" } else { "--private" }
                    )),
                ));
            }
            _ => false,
        };
        if !already {
            target_text = edit::put_statement(&target_text, key, &stmt).map(|s| s.text).ok_or_else(|| {
                Error::refused(
                    format!(
                        "{key}: its statement in {} could not be copied exactly: nothing was changed",
                        source.display
                    ),
                    None,
                )
            })?;
        }
        source_text = edit::remove(&source_text, key).text;
        let lines: Vec<usize> = parsed.entries.iter().filter(|e| &e.key == key).map(|e| e.line).collect();
        moved.push(Moved { key: key.clone(), lines, value, already });
    }
    Ok(Relocation { source_text, target_text, moved })
}

/// A statement's text without its line ending.
fn statement_text(text: &str, e: &Entry) -> String {
    text.get(e.span.clone()).unwrap_or("").trim_end_matches(['\r', '\n']).to_owned()
}

/// Keys whose resolved value would change, with the profile under which it would.
struct Change {
    key: String,
    profile: Option<String>,
}

/// Refuses `plan` when the environment `tkx exec` resolves would change, with no
/// profile, the current one or any `.env.<name>` profile the project has.
pub fn check_unchanged(
    opts: &layers::Options,
    source: &Dest,
    target: &Dest,
    plan: &Relocation,
) -> Result<(), Error> {
    let changed = simulate(opts, source, target, &plan.source_text, &plan.target_text)?;
    if changed.is_empty() { Ok(()) } else { Err(refusal(&changed, &plan.moved, target)) }
}

/// Resolves the layers as they are and as they would be after the move, in a temporary
/// copy, with no profile, the current profile and every `.env.<name>` profile the
/// project has. Returns every key whose winning value differs.
fn simulate(
    opts: &layers::Options,
    source: &Dest,
    target: &Dest,
    source_text: &str,
    target_text: &str,
) -> Result<Vec<Change>, Error> {
    let project = discover::project_dir(&opts.cwd);
    let Some(tkx_dir) = opts.tkx_dir.clone() else { return Ok(Vec::new()) };
    let tmp = tempfile::tempdir().map_err(|source| Error::Io {
        doing: "creating a temporary directory to check the move".into(),
        source,
    })?;
    let root = tmp.path().canonicalize().map_err(sim_error)?;
    let sim_tkx = root.join("tkx");
    // Same directory name, so the private store id keeps its shape.
    let sim_project = root.join("p").join(project.file_name().unwrap_or_else(|| "project".as_ref()));
    fs::create_dir_all(&sim_project).map_err(sim_error)?;

    let mut profiles: Vec<Option<String>> = vec![None];
    if let Some(p) = &opts.profile {
        profiles.push(Some(p.clone()));
    }
    let mut files: Vec<(PathBuf, PathBuf)> = Vec::new();
    if let Ok(rd) = fs::read_dir(&project) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(p) = name.strip_prefix(".env.") {
                if crate::envfile::names::is_env_name(&name) && is_valid_key(p) {
                    if !profiles.contains(&Some(p.to_owned())) {
                        profiles.push(Some(p.to_owned()));
                    }
                    files.push((e.path(), sim_project.join(&name)));
                }
            }
        }
    }
    let private = discover::private_store(&tkx_dir, &project);
    let sim_private = discover::private_store(&sim_tkx, &sim_project);
    files.push((tkx_dir.join(".env"), sim_tkx.join(".env")));
    files.push((private.clone(), sim_private.clone()));
    files.push((source.path.clone(), sim_project.join(".env")));
    for (from, to) in &files {
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(sim_error)?;
        }
        if let Ok(bytes) = fs::read(from) {
            fs::write(to, bytes).map_err(sim_error)?;
        }
    }
    let sim_target = if target.layer == Layer::Private { sim_private } else { sim_tkx.join(".env") };

    let mut out = Vec::new();
    for profile in profiles {
        let mut real = opts.clone();
        real.profile = profile.clone();
        let before = values(&layers::resolve(&real)?);
        // Before the move, in the copy: proves the copy resolves like the real files.
        let mut sim = real.clone();
        sim.cwd = sim_project.clone();
        sim.tkx_dir = Some(sim_tkx.clone());
        write_sim(&sim_project.join(".env"), source_text)?;
        write_sim(&sim_target, target_text)?;
        let after = values(&layers::resolve(&sim)?);
        let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            if before.get(k) != after.get(k) && !out.iter().any(|c: &Change| &c.key == k) {
                out.push(Change { key: k.clone(), profile: profile.clone() });
            }
        }
    }
    Ok(out)
}

fn sim_error(source: std::io::Error) -> Error {
    Error::Io { doing: "checking the move in a temporary directory".into(), source }
}

fn write_sim(path: &Path, text: &str) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(sim_error)?;
    }
    fs::write(path, text).map_err(sim_error)
}

/// Every file-defined key's winning value.
fn values(res: &Resolution) -> BTreeMap<String, Secret> {
    res.vars.iter().map(|(k, v)| (k.clone(), v.winner.value.clone())).collect()
}

/// Why a move that would change the environment is refused.
fn refusal(changed: &[Change], moved: &[Moved], target: &Dest) -> Error {
    let list: Vec<String> = changed
        .iter()
        .map(|c| match &c.profile {
            Some(p) => format!("{} (with -p {p})", c.key),
            None => c.key.clone(),
        })
        .collect();
    let refs = moved.iter().any(|m| changed.iter().any(|c| c.key == m.key));
    let hint = if refs {
        format!(
            "a moved value that refers to other variables (${{X}}) sees, in {}, only the process environment and the lines above it in that file; and a value there wins over .env.<profile> and the user file. Move the variables it refers to as well, or write the value out in full",
            target.display
        )
    } else {
        "a key defined elsewhere refers to a moved one in a way that changes its value; move them together"
            .to_owned()
    };
    Error::refused(
        format!("moving would change what tkx exec resolves for {}: nothing was changed", list.join(", ")),
        Some(hint),
    )
}
