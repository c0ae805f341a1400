//! `tkx exec -- CMD ARGS…`: check the plan, build the child's environment, hand over.

use super::Context;
use crate::cli::ExecArgs;
use crate::error::{Error, Lack};
use crate::example;
use crate::exec::{self, Launch};
use crate::layers::{Resolution, Status};
use crate::secret::is_placeholder;

/// Runs `tkx exec`. Every failure before the child starts exits 125.
pub fn run(ctx: &mut Context, args: &ExecArgs) -> Result<u8, Error> {
    // Inside `tkx agent run`: the tkx outside holds the layers and starts the command.
    #[cfg(unix)]
    if let Some(socket) = ctx.project.process().get(crate::sandbox::SOCKET_VAR).filter(|s| !s.is_empty()) {
        let socket = std::path::PathBuf::from(socket);
        return super::agent_run::exec_inside(ctx, args, &socket);
    }
    let (launch, engine) = prepare(ctx, args).map_err(|e| match e {
        Error::BeforeLaunch(_) => e,
        other => Error::BeforeLaunch(Box::new(other)),
    })?;
    match engine {
        #[cfg(unix)]
        Some(engine) => exec::run_redacted(launch, &engine, &mut *ctx.io.out, &mut *ctx.io.err),
        #[cfg(not(unix))]
        Some(_) => exec::run(launch),
        None => exec::run(launch),
    }
}

fn prepare(ctx: &mut Context, args: &ExecArgs) -> Result<(Launch, Option<crate::redact::Engine>), Error> {
    let res = ctx.load()?;
    for w in res.shadow_warnings() {
        ctx.warn(&w);
    }
    let require = names(ctx, "--require", &args.require)?;
    let only = names(ctx, "--only", &args.only)?;
    check_required(&res, &require, "--require")?;
    if args.strict {
        check_strict(&res)?;
    }
    for key in &only {
        if !res.vars.contains_key(key) && !ctx.quiet {
            let _ = writeln!(
                ctx.io.err,
                "tkx: warning: --only {key}: no file defines it; the command does not get it"
            );
        }
    }

    let skip = names(ctx, "--skip-unresolved", &args.skip_unresolved)?;
    let keys = (!only.is_empty()).then_some(only.as_slice());
    let res = super::references::resolve(ctx, res, keys, &skip, &args.refs)?;
    let env = crate::layers::child_env(&res, crate::layers::ChildPlan { pure: args.pure, only: &only })?;
    let mut command = args.command.iter().cloned();
    let program = command.next().ok_or_else(|| Error::usage("no command given", None))?;
    // `-C DIR` means "as if started in DIR", for the child too (like `git -C`, `make -C`).
    let dir = ctx.changed_dir.then(|| ctx.project.cwd().to_path_buf());
    let engine = ctx.project.redact(args.redact)?.then(|| super::redact::engine(&res, args.redact_style));
    Ok((Launch { program, args: command.collect(), env, dir }, engine))
}

/// The key names given to `flag` (`--require A,B` or `--require "A, B"`): trimmed, blanks
/// dropped, each a plain key name ([`Context::key_arg`]).
pub(crate) fn names(ctx: &Context, flag: &str, given: &[String]) -> Result<Vec<String>, Error> {
    given
        .iter()
        .map(|k| k.trim())
        .filter(|k| !k.is_empty())
        .map(|k| ctx.key_arg(flag, k).map(str::to_owned))
        .collect()
}

/// `--strict`: refuses when the profile's file is missing, or a required key of
/// `.env.example` is unset, empty or a placeholder.
pub(crate) fn check_strict(res: &Resolution) -> Result<(), Error> {
    if let Some(p) = res.missing_profile() {
        return Err(Error::usage(
            format!("--strict: there is no {} for this profile", p.display),
            Some("check the name given to -p (or TKX_PROFILE), or create the file".into()),
        ));
    }
    let path = res.project_dir.join(".env.example");
    match crate::envfile::read_text(&path) {
        Ok(text) => {
            let required: Vec<String> =
                example::declared(&text).into_iter().filter(|d| d.required).map(|d| d.key).collect();
            check_required(res, &required, ".env.example")
        }
        Err(crate::error::FileProblem::NotFound) => Err(Error::usage(
            "--strict: the project has no .env.example to check against",
            Some("create .env.example declaring the project's keys, or drop --strict".into()),
        )),
        Err(problem) => Err(Error::File { path: ".env.example".into(), problem }),
    }
}

/// Refuses when any of `keys` is unset, empty or a placeholder.
pub(crate) fn check_required(res: &Resolution, keys: &[String], required_by: &str) -> Result<(), Error> {
    let missing: Vec<(String, Lack)> = keys
        .iter()
        .filter_map(|k| match res.winner(k) {
            None => Some((k.clone(), Lack::Unset)),
            Some(d) if d.value.is_empty() => Some((k.clone(), Lack::Empty)),
            Some(d) if is_placeholder(d.value.expose()) => {
                Some((k.clone(), Lack::Placeholder(d.origin.to_string())))
            }
            Some(_) => None,
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut searched = vec!["process".to_owned()];
    searched.extend(res.sources.iter().map(|s| match s.status {
        Status::Absent => format!("{} (not found)", s.display),
        _ => s.display.clone(),
    }));
    Err(Error::MissingKeys { keys: missing, required_by: required_by.to_owned(), searched })
}
