//! `tkx move`: keys out of the project's `.env` into the private store or the user file.
//!
//! The plan is checked before anything is written: every key must be in `.env`, the
//! target must not hold a different value, and the environment `tkx exec` resolves
//! must stay exactly the same. That last check is a simulation: the files as they
//! would be after the move are laid out in a temporary directory and resolved by the
//! real [`layers::resolve`], with no profile and with every profile the project has,
//! so expansion (`${X}`) and precedence are judged by the code that applies them.
//! Then the target is written (atomically, 0600, directories 0700, every other byte
//! kept), and only then are the statements removed from `.env`.

use super::Context;
use super::set::{Current, Dest, destination, git_exposure};
use crate::cli::{MoveArgs, Target};
use crate::envfile::{self, Entry, edit, is_valid_key};
use crate::error::Error;
use crate::layers::{self, Layer, discover};
use crate::report::Severity;
use crate::secret::Secret;
use crate::secret::providers::looks_like_real_key;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Runs `tkx move`.
pub fn run(ctx: &mut Context, args: &MoveArgs) -> Result<u8, Error> {
    if !ctx.layers.files.is_empty() {
        return Err(Error::usage(
            "tkx move moves keys out of the project's .env, not out of --file files",
            Some("run it without -f, from the project directory (or with -C DIR)".into()),
        ));
    }
    if ctx.layers.no_user {
        return Err(Error::usage(
            "--no-user skips the private store and the user file, which is where tkx move writes",
            None,
        ));
    }
    let source = destination(ctx, None)?;
    let target = destination(ctx, Some(&Target { user: args.user, private: args.private }))?;
    let src = Current::read(&source)?;
    if !src.exists {
        return Err(Error::usage(
            format!("there is no {} to move keys out of", source.display),
            Some("tkx set KEY --private stores a new key in the private store directly".into()),
        ));
    }
    let parsed = envfile::parse(&src.text);
    let keys = if args.secrets { secret_keys(&parsed) } else { named_keys(&args.keys, &parsed, &source)? };
    if keys.is_empty() {
        say(ctx, &format!("no key in {} looks secret: nothing to move", source.display));
        return Ok(0);
    }
    let dst = Current::read(&target)?;
    let before = layers::resolve(&ctx.layers)?;

    // Build both new texts, refusing what would change a value.
    let mut target_text = dst.text.clone();
    let mut source_text = src.text.clone();
    let mut moved: Vec<Moved> = Vec::new();
    let dst_parsed = envfile::parse(&dst.text);
    for key in &keys {
        let Some(last) = parsed.entries.iter().rev().find(|e| &e.key == key) else { continue };
        let stmt = statement_text(&src.text, last);
        let value = effective(&before, &source, key);
        let in_target = definition_in(&before, &target, key);
        let already = match (&in_target, dst_parsed.entries.iter().any(|e| &e.key == key)) {
            (Some(v), true) if Some(v) == value.as_ref() => true,
            (_, true) => {
                return Err(Error::usage(
                    format!(
                        "{key} is already in {} with a different value: nothing was changed",
                        target.display
                    ),
                    Some(format!(
                        "compare them with `tkx env --explain {key}`; remove the one you do not want (`tkx unset {key} {}`), then move again",
                        if args.user { "--user" } else { "--private" }
                    )),
                ));
            }
            _ => false,
        };
        if !already {
            target_text = edit::put_statement(&target_text, key, &stmt).map(|s| s.text).ok_or_else(|| {
                Error::usage(
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

    // The environment tkx exec resolves must not change, in any profile.
    let changed = simulate(ctx, &source, &target, &source_text, &target_text)?;
    if !changed.is_empty() {
        return Err(refusal(&changed, &moved, &target));
    }

    // Target first: a crash in between leaves the key in both places, with one value.
    let mut notes = dst.write(&target, &target_text)?;
    match src.write(&source, &source_text) {
        Ok(n) => notes.extend(n),
        Err(e) => {
            let _ = writeln!(
                ctx.io.err,
                "tkx: the keys were written to {}, but could not be removed from {}; they are in both files, with the same values",
                target.display, source.display
            );
            return Err(e);
        }
    }
    for m in &moved {
        let shown = m
            .value
            .as_ref()
            .map(|v| {
                let r = v.redacted();
                if r.masked.is_empty() {
                    "empty".to_owned()
                } else {
                    format!("{} {}", r.masked, r.fingerprint)
                }
            })
            .unwrap_or_else(|| "unset".into());
        let lines: Vec<String> = m.lines.iter().map(ToString::to_string).collect();
        let what = if m.already { "it was already there" } else { "written" };
        say(
            ctx,
            &format!(
                "moved {} from {}:{} to {} ({what}; {shown})",
                m.key,
                source.display,
                lines.join(","),
                target.display
            ),
        );
    }
    for n in &notes {
        ctx.warn(n);
    }
    say(ctx, "checked: tkx exec resolves the same environment as before the move");
    if args.private {
        say(
            ctx,
            "the private store is outside the project tree: tools that read the tree (AI agents, build contexts, backups) no longer see these keys",
        );
    }
    // The old file may live on in git history, editor backups or an agent's transcript.
    for f in git_exposure(&source, None) {
        if f.severity == Severity::Error {
            ctx.warn(&f);
        }
    }
    Ok(0)
}

/// One key that moves.
struct Moved {
    key: String,
    /// Its statements' lines in the source.
    lines: Vec<usize>,
    /// Its value as the source defines it (after expansion).
    value: Option<Secret>,
    /// The target already had exactly this value.
    already: bool,
}

/// The keys named on the command line, each of which must be in the source.
fn named_keys(keys: &[String], parsed: &envfile::Parsed, source: &Dest) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    let mut missing = Vec::new();
    for k in keys {
        if !is_valid_key(k) || looks_like_real_key(k) {
            return Err(Error::usage(
                "tkx move takes key names (e.g. OPENAI_PAT), not values: nothing was changed",
                None,
            ));
        }
        if !parsed.entries.iter().any(|e| &e.key == k) {
            missing.push(k.clone());
        } else if !out.contains(k) {
            out.push(k.clone());
        }
    }
    if !missing.is_empty() {
        return Err(Error::usage(
            format!("not in {}: {}; nothing was changed", source.display, missing.join(", ")),
            Some("`tkx env --explain KEY` shows where a key is set".into()),
        ));
    }
    Ok(out)
}

/// The keys whose name or value says they are secret, in file order; plain
/// configuration (`PORT`, `LOG_LEVEL`, `DEFAULT_MODEL`) and empty values stay.
fn secret_keys(parsed: &envfile::Parsed) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in &parsed.entries {
        if out.contains(&e.key) {
            continue;
        }
        let last = parsed.entries.iter().rev().find(|x| x.key == e.key).unwrap_or(e);
        if crate::agent::is_secret_statement(&last.key, &last.value) {
            out.push(e.key.clone());
        }
    }
    out
}

/// A statement's text without its line ending.
fn statement_text(text: &str, e: &Entry) -> String {
    text.get(e.span.clone()).unwrap_or("").trim_end_matches(['\r', '\n']).to_owned()
}

/// The value the source file gives `key` (its last definition, expanded).
fn effective(res: &layers::Resolution, source: &Dest, key: &str) -> Option<Secret> {
    definition_in(res, source, key)
}

/// The value `file` gives `key` in `res`, if it defines it.
fn definition_in(res: &layers::Resolution, file: &Dest, key: &str) -> Option<Secret> {
    let var = res.vars.get(key)?;
    std::iter::once(&var.winner)
        .chain(&var.shadowed)
        .find(|d| d.origin.layer == file.layer && d.origin.path.as_deref() == Some(file.display.as_str()))
        .map(|d| d.value.clone())
}

/// Keys whose resolved value would change, with the profile under which it would.
struct Change {
    key: String,
    profile: Option<String>,
}

/// Resolves the layers as they are and as they would be after the move, in a temporary
/// copy, with no profile, the current profile and every `.env.<name>` profile the
/// project has. Returns every key whose winning value differs.
fn simulate(
    ctx: &Context,
    source: &Dest,
    target: &Dest,
    source_text: &str,
    target_text: &str,
) -> Result<Vec<Change>, Error> {
    let project = discover::project_dir(&ctx.layers.cwd);
    let Some(tkx_dir) = ctx.layers.tkx_dir.clone() else { return Ok(Vec::new()) };
    let tmp = tempfile::tempdir().map_err(|source| Error::Io {
        doing: "creating a temporary directory to check the move".into(),
        source,
    })?;
    let io = |source| Error::Io { doing: "checking the move in a temporary directory".into(), source };
    let root = tmp.path().canonicalize().map_err(io)?;
    let sim_tkx = root.join("tkx");
    // Same directory name, so the private store id keeps its shape.
    let sim_project = root.join("p").join(project.file_name().unwrap_or_else(|| "project".as_ref()));
    fs::create_dir_all(&sim_project).map_err(io)?;

    let mut profiles: Vec<Option<String>> = vec![None];
    if let Some(p) = &ctx.layers.profile {
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
    let copy_as_is = |from: &Path, to: &Path| -> Result<(), Error> {
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(io)?;
        }
        match fs::read(from) {
            Ok(bytes) => fs::write(to, bytes).map_err(io),
            Err(_) => Ok(()),
        }
    };
    for (from, to) in &files {
        copy_as_is(from, to)?;
    }
    let sim_target = if target.layer == Layer::Private { sim_private } else { sim_tkx.join(".env") };

    let mut out = Vec::new();
    for profile in profiles {
        let mut real = ctx.layers.clone();
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

fn write_sim(path: &Path, text: &str) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|source| Error::Io {
            doing: "checking the move in a temporary directory".into(),
            source,
        })?;
    }
    fs::write(path, text)
        .map_err(|source| Error::Io { doing: "checking the move in a temporary directory".into(), source })
}

/// Every file-defined key's winning value.
fn values(res: &layers::Resolution) -> BTreeMap<String, Secret> {
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
    Error::usage(
        format!("moving would change what tkx exec resolves for {}: nothing was changed", list.join(", ")),
        Some(hint),
    )
}

/// A line of information on stderr, unless `-q`.
fn say(ctx: &mut Context, line: &str) {
    if !ctx.quiet {
        let _ = writeln!(ctx.io.err, "tkx: {line}");
    }
}
