//! `tkx init`: create (or complete) `.env` from the keys `.env.example` declares,
//! asking for each one still missing, then show what `tkx doctor` says.
//!
//! Which keys are needed and the file's new text come from
//! [`crate::store::from_example`]; this command asks (hidden for credentials, with the
//! example's default for plain settings), writes through [`crate::store`] and ends
//! with the doctor's report ([`super::doctor::report`]) on stdout.

use super::Context;
use super::dialogue::{self, cancelled, is_end, say, warn_all};
use crate::cli::{Format, InitArgs};
use crate::error::{Error, MAX_ENV_STRING};
use crate::prompt::{Prompt, Terminal};
use crate::report::{Finding, write_finding};
use crate::rotation;
use crate::secret::Secret;
use crate::secret::classify::hide_at_prompt;
use crate::store::from_example::{self, Answer, Default, Example, Item, Plan};
use crate::store::{self, Current};

/// Runs `tkx init`.
pub fn run(ctx: &mut Context, args: &InitArgs) -> Result<u8, Error> {
    run_with(ctx, args, &mut Terminal::new())
}

/// `tkx init` with the given prompt (a script in tests).
pub(crate) fn run_with(ctx: &mut Context, args: &InitArgs, prompt: &mut dyn Prompt) -> Result<u8, Error> {
    let example = Example::read(&ctx.project)?;
    let dest = store::destination(&ctx.project, store::Target::Project)?;
    let cur = Current::read(&dest)?;
    let fresh = !cur.exists || args.force;
    let res = ctx.project.resolution()?;
    let mut items = from_example::plan(&example, &res, &dest, fresh, args.from_env);

    let need: Vec<&str> =
        items.iter().filter(|i| matches!(i.plan, Plan::Need)).map(|i| i.decl.key.as_str()).collect();
    if !need.is_empty() && !args.from_env && !prompt.interactive() {
        return Err(Error::refused(
            format!(
                "tkx init needs a terminal to ask for {} {}: {}",
                need.len(),
                if need.len() == 1 { "key" } else { "keys" },
                need.join(", ")
            ),
            Some(
                "run it in a terminal, or pass --from-env to take the values from the environment (CI)"
                    .into(),
            ),
        ));
    }
    if cur.exists && args.force {
        let old_keys = example.undeclared(&cur.text);
        if !old_keys.is_empty() {
            ctx.warn(&Finding::warning("init/dropped", format!(
                    "--force replaces this file: {} {} not in .env.example and will not be in the new file",
                    old_keys.join(", "),
                    if old_keys.len() == 1 { "is" } else { "are" }
                )).at(dest.display.clone(), 0, 0).hint("declare them in .env.example first, or keep them with `tkx set` afterwards"));
        }
        if prompt.interactive() && !args.from_env {
            let q = format!(
                "Replace {} with a new file from .env.example? Its current values are not kept.",
                dest.display
            );
            if !matches!(prompt.confirm(&q, false), Ok(true)) {
                return Ok(cancelled(ctx));
            }
        }
    }

    // Collect the answers.
    for item in items.iter_mut().filter(|i| matches!(i.plan, Plan::Need)) {
        item.answer = if args.from_env {
            match res.process_value(&item.decl.key).filter(|v| !v.is_empty()) {
                Some(v) => {
                    let value = Secret::new(v);
                    warn_all(ctx, &dialogue::concerns(&item.decl.key, value.expose()));
                    Answer::Value(value)
                }
                None if item.default.is_some() => Answer::Default,
                None => Answer::Skip,
            }
        } else {
            match ask(ctx, prompt, item)? {
                Some(a) => a,
                None => return Ok(cancelled(ctx)),
            }
        };
    }

    let given = items.iter().filter(|i| matches!(i.answer, Answer::Value(_) | Answer::Default)).count();
    if prompt.interactive() && !args.from_env && given > 0 {
        let q = format!("Write {given} {} to {}?", if given == 1 { "key" } else { "keys" }, dest.display);
        if !matches!(prompt.confirm(&q, true), Ok(true)) {
            return Ok(cancelled(ctx));
        }
    }

    let text = from_example::compose(&example, &cur.text, fresh, &items)?;
    let changed = fresh || text != cur.text;
    if changed {
        // The answers took a while: the file must be as it was when they started.
        let lock = store::lock(&dest)?;
        if Current::read(&dest)?.text != cur.text {
            return Err(Error::refused(
                format!("{} changed while tkx init was asking: nothing was written", dest.display),
                Some("run tkx init again".into()),
            ));
        }
        let notes = cur.write(&lock, &dest, &text)?;
        warn_all(ctx, &notes);
    }
    summarize(ctx, &items, &dest.display, changed, cur.exists && !args.force, args.from_env);
    warn_all(ctx, &store::git_exposure(&dest, None));
    let fingerprints: Vec<String> = items
        .iter()
        .filter_map(|i| match &i.answer {
            Answer::Value(v) if rotation::tracked(&i.decl.key, v.expose()) => Some(v.redacted().fingerprint),
            _ => None,
        })
        .collect();
    rotation::record_fingerprints(ctx.project.tkx_dir(), fingerprints);

    if !ctx.quiet {
        let _ = writeln!(ctx.io.err, "tkx: what `tkx doctor` says now:");
    }
    ctx.project.forget();
    super::doctor::report(ctx, Format::Text, false, false)
}

/// Says what was written, what was already set elsewhere, and which required keys are
/// still unset. `updated`: an existing file was completed rather than replaced.
fn summarize(ctx: &mut Context, items: &[Item], shown: &str, changed: bool, updated: bool, from_env: bool) {
    let count = |f: &dyn Fn(&Item) -> bool| items.iter().filter(|i| f(i)).count();
    let set_n = count(&|i| matches!(i.answer, Answer::Value(_)));
    let kept = count(&|i| matches!(i.answer, Answer::Default));
    let here = count(&|i| matches!(i.plan, Plan::HaveHere));
    let elsewhere: Vec<String> = items
        .iter()
        .filter_map(|i| match &i.plan {
            Plan::HaveElsewhere(w) => Some(format!("{} ({w})", i.decl.key)),
            _ => None,
        })
        .collect();
    let skipped_optional =
        count(&|i| matches!(i.plan, Plan::Need) && matches!(i.answer, Answer::Skip) && !i.decl.required);
    let unset_required: Vec<&str> = items
        .iter()
        .filter(|i| matches!(i.plan, Plan::Need) && matches!(i.answer, Answer::Skip) && i.decl.required)
        .map(|i| i.decl.key.as_str())
        .collect();
    let mut parts = vec![format!("{set_n} set")];
    if kept > 0 {
        parts.push(format!("{kept} kept from .env.example"));
    }
    if here > 0 {
        parts.push(format!("{here} already there"));
    }
    if skipped_optional > 0 {
        parts.push(format!("{skipped_optional} optional skipped"));
    }
    let verb = match (changed, updated) {
        (false, _) => "left",
        (true, true) => "updated",
        (true, false) => "wrote",
    };
    say(ctx, &format!("{verb} {shown}: {}", parts.join(", ")));
    if !elsewhere.is_empty() {
        say(ctx, &format!("set in another layer, so not written here: {}", elsewhere.join(", ")));
    }
    if !unset_required.is_empty() {
        ctx.warn(
            &Finding::warning(
                "init/missing",
                format!("required by .env.example but still unset: {}", unset_required.join(", ")),
            )
            .hint(if from_env {
                "export them before `tkx init --from-env`, or set them with `tkx set KEY`"
            } else {
                "set them with `tkx set KEY` when you have them"
            }),
        );
    }
}

/// Asks for one key. `None` when the person gave up (Ctrl-D).
fn ask(ctx: &mut Context, prompt: &mut dyn Prompt, item: &Item) -> Result<Option<Answer>, Error> {
    let d = item.decl;
    let hidden = hide_at_prompt(&d.key);
    let _ = writeln!(ctx.io.err);
    let _ = writeln!(ctx.io.err, "{} ({})", d.key, if d.required { "required" } else { "optional" });
    for line in d.comment.iter().filter(|l| !l.is_empty()) {
        let _ = writeln!(ctx.io.err, "  {line}");
    }
    let label = match (&item.default, hidden) {
        (_, true) => format!("{} (input hidden): ", d.key),
        (Some(Default::Literal(v)), false) => format!("{} [{v}]: ", d.key),
        (Some(Default::Template), false) => format!("{} [Enter keeps the example's value]: ", d.key),
        (None, false) => format!("{}: ", d.key),
    };
    let mut asked_again = false;
    loop {
        let got = if hidden { prompt.hidden(&label) } else { prompt.visible(&label) };
        let raw = match got {
            Ok(v) => v,
            Err(e) if is_end(&e) => return Ok(None),
            Err(source) => return Err(Error::Io { doing: "reading the answer".into(), source }),
        };
        if raw.is_empty() {
            if item.default.is_some() {
                return Ok(Some(Answer::Default));
            }
            if !d.required || asked_again {
                return Ok(Some(Answer::Skip));
            }
            let _ = writeln!(
                ctx.io.err,
                "  {} is required: enter it now, or press Enter again to leave it unset (tkx doctor will report it)",
                d.key
            );
            asked_again = true;
            continue;
        }
        if raw.contains('\0') || d.key.len() + 1 + raw.len() > MAX_ENV_STRING {
            let _ =
                writeln!(ctx.io.err, "  that value cannot be stored in an environment variable; try again");
            continue;
        }
        let value = Secret::new(raw);
        if hidden {
            let r = value.redacted();
            let _ = writeln!(ctx.io.err, "  {} = {}  {}", d.key, r.masked, r.fingerprint);
        }
        let found = dialogue::concerns(&d.key, value.expose());
        if found.is_empty() {
            return Ok(Some(Answer::Value(value)));
        }
        for f in &found {
            let _ = write_finding(ctx.io.err, f, ctx.err_paint);
        }
        match prompt.confirm("Use it anyway?", false) {
            Ok(true) => return Ok(Some(Answer::Value(value))),
            Ok(false) => continue,
            Err(e) if is_end(&e) => return Ok(None),
            Err(source) => return Err(Error::Io { doing: "reading the answer".into(), source }),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::{Fixture, KEY};
    use crate::prompt::Scripted;
    use std::fs;

    #[test]
    fn init_asks_hidden_for_secrets_and_visible_with_defaults() {
        let f = Fixture::new();
        fs::write(
            f.root.join("p/.env.example"),
            "# The OpenAI key\nOPENAI_PAT=sk-your-key-here\n# optional\nLANGSMITH_API_KEY=\nDEFAULT_MODEL=gpt-4o-mini\n",
        )
        .unwrap();
        // The key; skip the optional one; accept the model's default; confirm.
        let mut p = Scripted::tty(&[KEY, "", "", ""]);
        let (code, out, err) = f.run(&["init"], &mut p);
        assert_eq!(
            p.shown,
            [
                "OPENAI_PAT (input hidden): (hidden)",
                "LANGSMITH_API_KEY (input hidden): (hidden)",
                "DEFAULT_MODEL [gpt-4o-mini]: (visible)",
                "Write 2 keys to .env? [Y/n] (visible)"
            ]
        );
        assert_eq!(code, 0, "{out}{err}");
        assert_eq!(
            f.env(),
            format!(
                "# The OpenAI key\nOPENAI_PAT={KEY}\n# optional\n# LANGSMITH_API_KEY=\nDEFAULT_MODEL=gpt-4o-mini\n"
            )
        );
        assert!(err.contains("The OpenAI key"), "{err}");
        assert!(out.contains("0 errors"), "{out}");
    }

    #[test]
    fn init_asks_a_required_key_twice_then_leaves_it_unset() {
        let f = Fixture::new();
        fs::write(f.root.join("p/.env.example"), "OPENAI_PAT=\nPORT=\n").unwrap();
        let mut p = Scripted::tty(&["", "", "8080", ""]);
        let (code, out, err) = f.run(&["init"], &mut p);
        assert_eq!(code, 1, "doctor reports the missing key: {out}{err}");
        assert_eq!(p.shown.iter().filter(|s| s.starts_with("OPENAI_PAT")).count(), 2);
        assert!(err.contains("still unset: OPENAI_PAT"), "{err}");
        assert_eq!(f.env(), "# OPENAI_PAT=\nPORT=8080\n");
    }
}
