//! `tkx rotate`: replace a key with a new one, record the rotation, and list what is
//! left to do (deploy, verify, revoke the old key).
//!
//! The new value is taken and vetted like `tkx set`'s ([`dialogue`]) and written by
//! [`crate::store`]; the rotation goes into `$TKX_DIR/rotations.json` by fingerprint.
//! The checklist is the only stdout output; everything else goes to stderr.

use super::Context;
use super::dialogue::{self, cancelled, say, warn_all};
use crate::cli::RotateArgs;
use crate::envfile::edit;
use crate::error::{Error, io_reason};
use crate::layers::Layer;
use crate::prompt::{Prompt, Terminal};
use crate::report::Finding;
use crate::rotation::{self, Ledger, Rotation};
use crate::secret::providers::{provider_for_key, provider_for_value};
use crate::store::{self, Current, Dest};
use std::io;

/// Runs `tkx rotate`.
pub fn run(ctx: &mut Context, args: &RotateArgs) -> Result<u8, Error> {
    run_with(ctx, args, &mut Terminal::new())
}

/// `tkx rotate` with the given prompt (a script in tests).
pub(crate) fn run_with(ctx: &mut Context, args: &RotateArgs, prompt: &mut dyn Prompt) -> Result<u8, Error> {
    let key = dialogue::key_to_write(ctx, "rotate", &args.key, &args.value)?;
    let Some(tkx_dir) = ctx.project.tkx_dir().map(std::path::Path::to_path_buf) else {
        return Err(Error::refused(
            "tkx rotate records rotations in $TKX_DIR/rotations.json, but there is no $TKX_DIR",
            Some("set TKX_DIR (or HOME) to a directory tkx may write".into()),
        ));
    };
    let res = ctx.project.resolution()?;
    let explicit = args.target.user || args.target.private || !ctx.project.options().files.is_empty();
    let (dest, old) = if explicit {
        let dest = store::destination(&ctx.project, dialogue::target(&args.target))?;
        match dest.definition(&res, key).map(|d| d.value.clone()) {
            Some(old) => (dest, old),
            None => {
                say(ctx, &format!("{key} is not in {}: there is nothing to rotate there", dest.display));
                if let Some(d) = res.winner(key) {
                    say(ctx, &format!("  it is set in {}", d.origin.describe()));
                }
                return Ok(1);
            }
        }
    } else {
        match res.definitions(key).find(|d| d.origin.layer != Layer::Process) {
            Some(d) => (Dest::behind(&res, &d.origin)?, d.value.clone()),
            None if res.in_process(key) => {
                return Err(Error::refused(
                    format!("{key} is set only in the process environment: tkx cannot rotate it there"),
                    Some(format!(
                        "change it where it is exported (a shell profile, CI settings), or store it in a file with `tkx set {key}`"
                    )),
                ));
            }
            None => {
                say(
                    ctx,
                    &format!(
                        "{key} is not set in any layer: there is nothing to rotate (`tkx set {key}` stores a new key)"
                    ),
                );
                return Ok(1);
            }
        }
    };
    let mut cur = Current::read(&dest)?;
    // Read the ledger before anything changes: a damaged one stops the rotation here,
    // instead of after the key was replaced.
    Ledger::load(&tkx_dir).map_err(|source| Error::Io {
        doing: format!("reading {}", rotation::path(&tkx_dir).display()),
        source,
    })?;
    let old_r = old.redacted();
    let _ = writeln!(
        ctx.io.err,
        "Rotating {key} in {}: the current value is {}  {}",
        dest.display, old_r.masked, old_r.fingerprint
    );
    let label = format!("New value of {key} for {} (input hidden): ", dest.display);
    let Some(value) = dialogue::take_value(prompt, key, &label)? else { return Ok(cancelled(ctx)) };
    if value.is_empty() {
        return Err(Error::refused(
            format!("the new value of {key} is empty: nothing was written"),
            Some(format!("to remove the key, use `tkx unset {key}`")),
        ));
    }
    if value == old {
        return Err(Error::refused(
            format!("the new value of {key} is the current one ({}): nothing was written", old_r.fingerprint),
            Some("create a new key at the provider first, then paste that one".into()),
        ));
    }
    let question = format!("Replace {key} in {}?", dest.display);
    if !dialogue::vet(ctx, prompt, key, &value, args.force, &question)? {
        return Ok(cancelled(ctx));
    }
    let (edited, notes) = cur.set(&dest, key, &value)?;
    let new_r = value.redacted();
    let date = rotation::today();
    let recorded = Ledger::update(&tkx_dir, |l| {
        l.rotations.push(Rotation {
            key: key.to_owned(),
            old: old_r.fingerprint.clone(),
            new: new_r.fingerprint.clone(),
            date: date.to_string(),
            file: Some(cur.real.display().to_string()),
        });
        l.see(&new_r.fingerprint, date);
    });

    let line = match edited.change {
        edit::Change::Replaced { line }
        | edit::Change::Appended { line }
        | edit::Change::Unchanged { line } => line,
    };
    let provider = provider_for_value(old.expose()).or_else(|| provider_for_key(key)).map(|p| p.name);
    let at = provider.map_or_else(|| "at its provider".to_owned(), |p| format!("at {p}"));
    let out = &mut *ctx.io.out;
    (|| -> io::Result<()> {
        writeln!(out, "Rotated {key} in {}:{line}", dest.display)?;
        writeln!(out, "  old  {}  {}", old_r.masked, old_r.fingerprint)?;
        writeln!(out, "  new  {}  {}", new_r.masked, new_r.fingerprint)?;
        writeln!(out, "Still to do:")?;
        writeln!(
            out,
            "  1. Deploy the new value wherever else {key} is used (CI secrets, servers, teammates' stores)."
        )?;
        writeln!(
            out,
            "  2. Verify it with a test request, e.g. `tkx exec -- <a command that calls the API>`."
        )?;
        writeln!(
            out,
            "  3. Then revoke the old key {at}: {} ({}). Until then it still works for anyone who has it.",
            old_r.masked, old_r.fingerprint
        )
    })()
    .map_err(Error::Output)?;
    match recorded {
        Ok(()) => say(ctx, &format!("recorded the rotation in {}", rotation::path(&tkx_dir).display())),
        Err(e) => ctx.warn(&Finding::warning(
            "rotate/ledger",
            format!(
                "{key} was replaced, but the rotation could not be recorded in {}: {}",
                rotation::path(&tkx_dir).display(),
                io_reason(&e)
            ),
        )),
    }
    warn_all(ctx, &notes);
    warn_all(ctx, &store::duplicates(&dest, key, &edited));
    warn_all(ctx, &store::git_exposure(&dest, Some(key)));
    // The old value elsewhere keeps working until it is revoked: say where it still is.
    if let Ok(res) = ctx.project.reload() {
        warn_all(ctx, &store::old_value_left(&res, &dest, key, &old));
        warn_all(ctx, &store::old_value_in_tree(ctx.project.env_files(), &res, key, &old));
        warn_all(ctx, &store::old_value_in_history(&ctx.project, key, &old));
        warn_all(ctx, &store::shadowing(&res, &dest, key, &value));
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::{Fixture, KEY};
    use crate::prompt::Scripted;
    use crate::rotation::Ledger;
    use std::fs;

    #[test]
    fn rotate_records_fingerprints_and_prints_the_steps() {
        let f = Fixture::new();
        fs::write(f.root.join("p/.env"), format!("# keys\nOPENAI_PAT={KEY}\n")).unwrap();
        let new = "sk-proj-NEWtestKEY0123456789abcdefghiJKLMNOP";
        let (code, out, err) = f.run(&["rotate", "OPENAI_PAT"], &mut Scripted::piped(new.as_bytes()));
        assert_eq!(code, 0, "{err}");
        assert!(!out.contains(new) && !err.contains(new));
        assert!(out.contains("revoke the old key at OpenAI"), "{out}");
        let ledger = Ledger::load(&f.root.join("tkx")).unwrap();
        assert_eq!(ledger.rotations.len(), 1);
        assert_eq!(ledger.rotations[0].old, crate::secret::fingerprint(KEY));
        assert_eq!(ledger.rotations[0].new, crate::secret::fingerprint(new));
        assert!(ledger.first_seen(&crate::secret::fingerprint(new)).is_some());
        assert_eq!(f.env(), format!("# keys\nOPENAI_PAT={new}\n"));
        // The same value again is refused.
        let (code, _, err) = f.run(&["rotate", "OPENAI_PAT"], &mut Scripted::piped(new.as_bytes()));
        assert_eq!(code, 2);
        assert!(err.contains("is the current one"), "{err}");
    }
}
