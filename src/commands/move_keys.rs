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
use crate::refs;
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
    if let Some(to) = &args.to {
        return to_manager(ctx, args, to);
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

/// `--to vault://…` / `aws-sm://…`: the values written into the manager, read back
/// through their references, then replaced by the references in `.env` (atomically,
/// under its lock). Nothing changes what `tkx exec` runs: each moved key resolves to the
/// value it had, and no other value is built from it (`${KEY}` in another value would
/// expand to the reference's text).
fn to_manager(ctx: &mut Context, args: &MoveArgs, to: &str) -> Result<u8, Error> {
    let dest = refs::write::Destination::parse(to).map_err(|m| Error::usage(m, None))?;
    let source = store::destination(&ctx.project, store::Target::Project)?;
    let locks = store::lock_all(&[&source])?;
    let src = Current::read(&source)?;
    if !src.exists {
        return Err(Error::refused(format!("there is no {} to move keys out of", source.display), None));
    }
    let parsed = envfile::parse(&src.text);
    let keys = if args.secrets { secret_keys(&parsed) } else { named_keys(&args.keys, &parsed, &source)? };
    if keys.is_empty() {
        say(ctx, &format!("no key in {} looks secret: nothing to move", source.display));
        return Ok(0);
    }
    let res = ctx.project.resolution()?;
    let mut values: Vec<(String, crate::secret::Secret)> = Vec::new();
    for key in &keys {
        // The value `.env` gives the key (its last statement there).
        let def = res.definitions(key).find(|d| d.origin.layer == crate::layers::Layer::Project);
        let Some(def) = def else { continue };
        if crate::layers::reference_of(def).is_some() {
            return Err(Error::refused(
                format!("{key} at {} is a reference already; nothing was changed", def.origin),
                None,
            ));
        }
        if def.value.is_empty() || crate::secret::is_placeholder(def.value.expose()) {
            return Err(Error::refused(
                format!(
                    "{key} at {} is empty or a placeholder: there is no value to move; nothing was changed",
                    def.origin
                ),
                Some("set the real value first (`tkx set KEY`), or leave the key out".into()),
            ));
        }
        values.push((key.clone(), def.value.clone()));
    }
    let built: Vec<String> = parsed
        .entries
        .iter()
        .filter(|e| !keys.contains(&e.key) && template_uses(&e.value, &keys))
        .map(|e| format!("{} (line {})", e.key, e.line))
        .collect();
    if !built.is_empty() {
        return Err(Error::refused(
            format!(
                "{} {} built from a key being moved with ${{…}}; after the move it would expand to the reference's text. Nothing was changed",
                built.join(", "),
                if built.len() == 1 { "is" } else { "are" }
            ),
            Some(
                "move those keys too (put the whole built value in the manager), or let the program build it"
                    .into(),
            ),
        ));
    }
    let settings = super::references::settings(ctx, &args.refs)?;
    let backend = dest.reference("K").backend();
    let failed = |problem: refs::Problem| {
        Error::refused(
            format!("could not write to {to}: {}: {}; .env was not changed", problem.class, problem.detail),
            Some(match problem.class {
                refs::Class::NotLoggedIn | refs::Class::PermissionDenied => {
                    format!("use a login that may write there: {}", refs::login_hint(backend))
                }
                refs::Class::CliMissing => refs::install_hint(backend).to_owned(),
                _ => "fix what the manager reported, then run the move again".to_owned(),
            }),
        )
    };
    refs::write::store(&dest, &values, &settings, ctx.project.process()).map_err(failed)?;
    // Read back through the references, as `tkx exec` will.
    let wanted: Vec<refs::Wanted> = values
        .iter()
        .map(|(key, _)| refs::Wanted {
            key: key.clone(),
            origin: to.to_owned(),
            reference: Ok(dest.reference(key)),
        })
        .collect();
    let back = refs::resolve(&wanted, &settings, ctx.project.process());
    if !back.failures.is_empty() {
        return Err(Error::Unresolved(back.failures));
    }
    let differs: Vec<&str> =
        values.iter().filter(|(k, v)| back.values.get(k) != Some(v)).map(|(k, _)| k.as_str()).collect();
    if !differs.is_empty() {
        return Err(Error::refused(
            format!(
                "{} read back from {to} differently from what was written; .env was not changed",
                differs.join(", ")
            ),
            Some("check who else writes that secret, then run the move again".into()),
        ));
    }
    let mut text = src.text.clone();
    for (key, _) in &values {
        text = envfile::edit::set(&text, key, &dest.reference(key).to_string())
            .map_err(store::write::edit_error)?
            .text;
    }
    for n in src.write(&locks[0], &source, &text)? {
        ctx.warn(&n);
    }
    for (key, value) in &values {
        say(
            ctx,
            &format!("moved {key} from {} to {} ({})", source.display, dest.reference(key), value.redacted()),
        );
    }
    say(
        ctx,
        &format!("checked: read back from {to}; tkx exec resolves the same values through the references"),
    );
    if crate::envfile::shareable(&text) {
        say(
            ctx,
            &format!("{} now holds only references and plain settings: it is safe to commit", source.display),
        );
    }
    for f in store::git_exposure(&source, None) {
        if f.severity == Severity::Error {
            ctx.warn(&f);
        }
    }
    Ok(0)
}

/// Whether a value is built from any of `keys` (`${KEY}`, `$KEY`, defaults included).
fn template_uses(value: &envfile::RawValue, keys: &[String]) -> bool {
    fn pieces_use(pieces: &[envfile::parse::Piece], keys: &[String]) -> bool {
        pieces.iter().any(|p| match p {
            envfile::parse::Piece::Lit(_) => false,
            envfile::parse::Piece::Var { name, default, .. } => {
                keys.contains(name) || default.as_ref().is_some_and(|d| pieces_use(&d.pieces, keys))
            }
        })
    }
    match value {
        envfile::RawValue::Literal(_) => false,
        envfile::RawValue::Template(pieces) => pieces_use(pieces, keys),
    }
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
