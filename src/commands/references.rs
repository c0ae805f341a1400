//! References to secret managers for the commands that need values (`exec`, `get`,
//! `env --reveal/--export/--resolve`): the settings from `.tkx.toml` and the flags, and
//! the resolution with the references replaced by their values.

use super::Context;
use crate::cli::ResolveArgs;
use crate::error::Error;
use crate::layers::Resolution;
use crate::refs::{self, Settings};
use std::rc::Rc;

/// The settings: `--resolve-timeout` over `[refs] timeout` over the default.
pub fn settings(ctx: &Context, args: &ResolveArgs) -> Result<Settings, Error> {
    let config = &ctx.project.config()?.refs;
    Settings::from_config(config, args.resolve_timeout.as_deref())
        .map_err(|m| Error::usage(m, Some("write it like 30s, 2m or 500ms (at most 24 hours)".into())))
}

/// `res` with the references among `keys` (every file key when `None`) resolved. Keys in
/// `skip` whose references fail are left out; any other failure is an error naming every
/// failing key, and nothing is returned.
pub fn resolve(
    ctx: &mut Context,
    res: Rc<Resolution>,
    keys: Option<&[String]>,
    skip: &[String],
    args: &ResolveArgs,
) -> Result<Rc<Resolution>, Error> {
    let outcome = fetch(ctx, &res, keys, args)?;
    if outcome.values.is_empty() && outcome.failures.is_empty() {
        return Ok(res);
    }
    let (skipped, failed): (Vec<_>, Vec<_>) =
        outcome.failures.into_iter().partition(|f| skip.contains(&f.key));
    if !failed.is_empty() {
        return Err(Error::Unresolved(failed));
    }
    for f in &skipped {
        if !ctx.quiet {
            let _ = writeln!(ctx.io.err, "tkx: warning: {f}; left out (--skip-unresolved)");
        }
    }
    let drop: Vec<String> = skipped.into_iter().map(|f| f.key).collect();
    Ok(Rc::new(res.with_resolved(outcome.values, &drop)))
}

/// `res` with every reference that resolved in place, and the failures of the rest (whose
/// keys keep their references: the caller must not pass those on). For `tkx agent run`,
/// which resolves once for all the commands started inside.
pub fn resolve_what_resolves(
    ctx: &mut Context,
    res: Rc<Resolution>,
    args: &ResolveArgs,
) -> Result<(Rc<Resolution>, Vec<refs::Failure>), Error> {
    let outcome = fetch(ctx, &res, None, args)?;
    if outcome.values.is_empty() {
        return Ok((res, outcome.failures));
    }
    Ok((Rc::new(res.with_resolved(outcome.values, &[])), outcome.failures))
}

/// The values of the references among `keys` (every file key when `None`), fetched by
/// the managers' CLIs, and the failures; the time it took under `-v`.
fn fetch(
    ctx: &mut Context,
    res: &Resolution,
    keys: Option<&[String]>,
    args: &ResolveArgs,
) -> Result<refs::Outcome, Error> {
    let wanted = res.references(keys);
    if wanted.is_empty() {
        return Ok(refs::Outcome::default());
    }
    let settings = settings(ctx, args)?;
    let started = std::time::Instant::now();
    let outcome = refs::resolve(&wanted, &settings, &res.process);
    if ctx.verbose {
        ctx.debug(&format!(
            "resolved {} of {} references in {} ms",
            outcome.values.len(),
            wanted.len(),
            started.elapsed().as_millis()
        ));
    }
    Ok(outcome)
}
