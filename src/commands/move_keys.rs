//! `tkx move`: keys out of the project's `.env` into the private store or the user file.
//!
//! The plan is checked before anything is written: every key must be in `.env`, the
//! target must not hold a different value, and the environment `tkx exec` resolves
//! must stay exactly the same ([`crate::store::relocate`] simulates the move to prove
//! it). Then the target is written by [`crate::store`] (atomically, 0600, directories
//! 0700, every other byte kept), and only then are the statements removed from `.env`.

use super::Context;
use super::dialogue::say;
use crate::cli::MoveArgs;
use crate::envfile;
use crate::error::Error;
use crate::report::Severity;
use crate::store::{self, Current, Dest, relocate};

/// Runs `tkx move`.
pub fn run(ctx: &mut Context, args: &MoveArgs) -> Result<u8, Error> {
    if !ctx.project.options().files.is_empty() {
        return Err(Error::usage(
            "tkx move moves keys out of the project's .env, not out of --file files",
            Some("run it without -f, from the project directory (or with -C DIR)".into()),
        ));
    }
    if ctx.project.options().no_user {
        return Err(Error::usage(
            "--no-user skips the private store and the user file, which is where tkx move writes",
            None,
        ));
    }
    let source = store::destination(&ctx.project, store::Target::Project)?;
    let target = if args.user { store::Target::User } else { store::Target::Private };
    let target = store::destination(&ctx.project, target)?;
    // Both files stay locked from their reads to their writes: a `tkx set` meanwhile
    // waits, instead of being lost or undone.
    let locks = store::lock_all(&[&source, &target])?;
    let src = Current::read(&source)?;
    if !src.exists {
        return Err(Error::refused(
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
    let before = ctx.project.resolution()?;
    // Both new texts, refusing what would change a value; then the environment tkx
    // exec resolves must not change, in any profile.
    let plan = relocate::plan(&before, (&source, &src), (&target, &dst), &keys)?;
    relocate::check_unchanged(ctx.project.options(), &source, &target, &plan)?;

    // Target first: a crash in between leaves the key in both places, with one value.
    let proof = &locks[0];
    let mut notes = dst.write(proof, &target, &plan.target_text)?;
    match src.write(proof, &source, &plan.source_text) {
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
    for m in &plan.moved {
        let shown = m.value.as_ref().map_or_else(|| "unset".into(), |v| v.redacted().to_string());
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
    for f in store::git_exposure(&source, None) {
        if f.severity == Severity::Error {
            ctx.warn(&f);
        }
    }
    Ok(0)
}

/// The keys named on the command line, each of which must be in the source.
fn named_keys(keys: &[String], parsed: &envfile::Parsed, source: &Dest) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    let mut missing = Vec::new();
    for k in keys {
        if !crate::secret::is_plain_name(k, |v| {
            parsed.entries.iter().any(|e| matches!(&e.value, envfile::RawValue::Literal(l) if l == v))
        }) {
            return Err(Error::refused(
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
        return Err(Error::refused(
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
