//! `tkx hook install | uninstall | status | run`. `run` turns git's hook protocol (the
//! files the pre-commit framework passes, the refs on a pre-push hook's stdin) into a
//! scan [`Source`]; the library scans it and [`render`] shows the result.

use super::Context;
use super::scan::render;
use crate::cli::{HookCommand, HookInstallArgs, HookKind, HookRunArgs};
use crate::error::Error;
use crate::git::Repo;
use crate::hook::{self, Hook, Mode, State};
use crate::report::{self, FailOn};
use crate::scan::setup;
use crate::scan::sources::{self, Options, Source, push};
use std::io::BufRead;

/// Runs `tkx hook …`.
pub fn run(ctx: &mut Context, cmd: &HookCommand) -> Result<u8, Error> {
    match cmd {
        HookCommand::Install(args) => install(ctx, args),
        HookCommand::Uninstall => {
            let dir = repo(ctx, "tkx hook")?.hooks_dir();
            for h in Hook::ALL {
                let said = hook::uninstall(&dir, h)?;
                let _ = writeln!(ctx.io.err, "tkx: {said}");
            }
            Ok(0)
        }
        HookCommand::Status => status(ctx),
        HookCommand::Run(args) => run_hook(ctx, args),
    }
}

/// The git work tree, or the error naming the command that needs one.
fn repo(ctx: &Context, what: &str) -> Result<Repo, Error> {
    Ok(Repo::open(ctx.project.cwd(), what)?)
}

fn install(ctx: &mut Context, args: &HookInstallArgs) -> Result<u8, Error> {
    let repo = repo(ctx, "tkx hook install")?;
    let dir = repo.hooks_dir();
    if let Some(husky) = hook::husky(&dir) {
        return Err(hook::husky_refusal(&husky));
    }
    let mode = if args.chain {
        Mode::Chain
    } else if args.force {
        Mode::Force
    } else {
        Mode::Plain
    };
    // Check both before touching either, so a refusal leaves nothing half-installed.
    if mode == Mode::Plain {
        if let Some(h) = Hook::ALL.into_iter().find(|h| hook::state(&dir, *h) == State::Foreign) {
            return Err(hook::refusal(&dir, h));
        }
    }
    for h in Hook::ALL {
        let said = hook::install(&dir, h, mode)?;
        if !ctx.quiet {
            let _ = writeln!(ctx.io.err, "tkx: {said}");
        }
    }
    if !ctx.quiet {
        let _ = writeln!(ctx.io.err, "tkx: hooks directory: {}", dir.display());
        if let Some(level) = repo.hooks_path_shared() {
            let _ = writeln!(
                ctx.io.err,
                "tkx: core.hooksPath comes from your {level} git config: these hooks run for every repository that uses it"
            );
        }
    }
    Ok(0)
}

fn status(ctx: &mut Context) -> Result<u8, Error> {
    let dir = repo(ctx, "tkx hook status")?.hooks_dir();
    if let Some(husky) = hook::husky(&dir) {
        return husky_status(ctx, &husky);
    }
    let mut all = true;
    for h in Hook::ALL {
        let what = match hook::state(&dir, h) {
            State::Ours { chained: false } => "installed".to_owned(),
            State::Ours { chained: true } => "installed, running the previous hook first".to_owned(),
            State::Foreign => {
                all = false;
                "a hook that is not tkx's (`tkx hook install --chain` adds tkx after it)".to_owned()
            }
            State::Absent => {
                all = false;
                "not installed (`tkx hook install`)".to_owned()
            }
        };
        writeln!(ctx.io.out, "{}: {what}", h.name()).map_err(Error::Output)?;
    }
    writeln!(ctx.io.out, "hooks directory: {}", dir.display()).map_err(Error::Output)?;
    Ok(u8::from(!all))
}

/// `status` when husky owns the hooks: tkx runs when husky's scripts call it.
fn husky_status(ctx: &mut Context, husky: &std::path::Path) -> Result<u8, Error> {
    let mut all = true;
    for h in Hook::ALL {
        let script = husky.join(h.name());
        let what = if hook::husky_runs_tkx(husky, h) {
            format!("installed through husky ({} runs tkx)", script.display())
        } else {
            all = false;
            format!("not installed: add the line `{}` to {}", hook::husky_line(h), script.display())
        };
        writeln!(ctx.io.out, "{}: {what}", h.name()).map_err(Error::Output)?;
    }
    writeln!(ctx.io.out, "hooks directory: {} (husky's)", husky.display()).map_err(Error::Output)?;
    Ok(u8::from(!all))
}

/// What the hooks call: git's hook protocol becomes a [`Source`], the library scans it,
/// and the findings go to stderr, where git shows them.
fn run_hook(ctx: &mut Context, args: &HookRunArgs) -> Result<u8, Error> {
    let (setup, notes) = setup::load(&ctx.project, true)?;
    render::notes(ctx, &notes);
    let cwd = ctx.project.cwd().to_path_buf();
    let (source, asked_by) = match args.hook {
        HookKind::PreCommit if !args.files.is_empty() => {
            (Source::HookFiles(args.files.clone()), "the pre-commit hook")
        }
        HookKind::PreCommit => (Source::Staged, "the pre-commit hook"),
        HookKind::PrePush => {
            // Before waiting on stdin: outside a repository there is nothing to push.
            Repo::open(&cwd, "the pre-push hook")?;
            (
                Source::Push {
                    remote: args.push_args.first().cloned(),
                    refs: push::parse(pushed_refs(ctx.io.take_input())?),
                },
                "the pre-push hook",
            )
        }
    };
    let max_size = setup.config.scan.max_file_size;
    let scanned = sources::run(&setup, &source, &Options { cwd: &cwd, max_size, asked_by })?;
    render::notes(ctx, &scanned.notes);
    let incomplete = scanned.incomplete();
    let mut findings = scanned.findings;
    // Several refs of one push can carry the same commit.
    findings.dedup();
    // Fail closed below: a file that could not be read could hold a key.
    // Keys public by design are notes: shown, never a reason to stop.
    let (notes, findings): (Vec<_>, Vec<_>) =
        findings.into_iter().partition(|f| f.severity == report::Severity::Note);
    if !notes.is_empty() {
        let _ = report::write(&mut *ctx.io.err, &notes, report::Format::Text, ctx.err_paint);
    }
    if findings.is_empty() && incomplete {
        let _ = writeln!(
            ctx.io.err,
            "tkx: stopped: the files above could not be read, so they were not checked for keys"
        );
        return Ok(2);
    }
    if findings.is_empty() {
        return Ok(0);
    }
    let pushing = args.hook == HookKind::PrePush;
    let what = if pushing { "this push" } else { "this commit" };
    let err = &mut *ctx.io.err;
    let _ = writeln!(err, "tkx: {what} carries secrets; it was stopped.\n");
    let _ = report::write(err, &findings, report::Format::Text, ctx.err_paint);
    let _ = writeln!(
        err,
        "\nWays out:\n  1. remove the secret (edit the file and `git add` it again; for a push, rewrite the commit), \
         and rotate it if it was real;\n  2. not a secret? add `tkx:allow` on its line, or accept it with \
         `tkx scan {} --write-baseline` and commit .tkx-baseline.json;\n  3. knowingly skip this check: \
         `git {} --no-verify`.",
        if pushing { "--history REMOTE/BRANCH..HEAD" } else { "--staged" },
        if pushing { "push" } else { "commit" }
    );
    Ok(FailOn::Any.exit_code(&findings))
}

/// The lines git writes to a pre-push hook's stdin, one per ref pushed. Reading stdin
/// here is the hook protocol; tkx has no other use for it.
fn pushed_refs(input: Box<dyn std::io::Read + Send>) -> Result<Vec<String>, Error> {
    std::io::BufReader::new(input)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|source| Error::Io { doing: "reading the refs git is pushing".into(), source })
}
