//! `tkx hook install | uninstall | status | run`.

use super::Context;
use super::scan::{note_unread, repo, setup, write};
use crate::cli::{Format, HookCommand, HookInstallArgs, HookKind, HookRunArgs};
use crate::error::Error;
use crate::hook::{self, Hook, Mode, State};
use crate::report::{self, Finding};
use crate::scan::sources::{git as git_source, paths};
use std::collections::HashSet;
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

/// What the hooks call. Findings go to stderr, where git shows them.
fn run_hook(ctx: &mut Context, args: &HookRunArgs) -> Result<u8, Error> {
    let setup = setup(ctx, true)?;
    let max = setup.config.scan.max_file_size;
    let mut findings: Vec<Finding> = match args.hook {
        HookKind::PreCommit if !args.files.is_empty() => {
            // The pre-commit framework passes the files it wants checked. One that is
            // staged is judged as the native hook judges it, by the lines the commit adds
            // (a key committed long ago does not block every later edit of its file); any
            // other (`pre-commit run --all-files`) is scanned whole.
            let cwd = ctx.project.cwd().to_path_buf();
            let mut roots: Vec<_> = args.files.iter().map(|f| cwd.join(f)).collect();
            let mut found = Vec::new();
            if let Some(repo) = crate::git::Repo::discover(&cwd) {
                let rel =
                    |p: &std::path::Path| repo.relative(p).map(|r| r.to_string_lossy().replace('\\', "/"));
                let wanted: HashSet<String> = roots.iter().filter_map(|p| rel(p)).collect();
                let staged: Vec<_> = repo
                    .staged()
                    .map_err(|e| Error::usage(e, None))?
                    .into_iter()
                    .filter(|f| wanted.contains(&f.path))
                    .collect();
                let done: HashSet<String> = staged.iter().map(|f| f.path.clone()).collect();
                let (f, large) = git_source::scan_staged(&setup.scanner, staged, &setup.exclude, max);
                note_unread(ctx, &large, max);
                found = f;
                roots.retain(|p| rel(p).is_none_or(|r| !done.contains(&r)));
            }
            if !roots.is_empty() {
                let walk = paths::Walk {
                    roots: &roots,
                    no_ignore: true,
                    max_size: max,
                    exclude: &setup.exclude,
                    project_dir: &setup.project_dir,
                    base: &cwd,
                };
                found.extend(paths::scan(&setup.scanner, &walk).0);
            }
            found
        }
        HookKind::PreCommit => {
            let repo = repo(ctx, "the pre-commit hook")?;
            let (found, large) = git_source::staged(&setup.scanner, &repo, &setup.exclude, max)
                .map_err(|e| Error::usage(e, None))?;
            note_unread(ctx, &large, max);
            found
        }
        HookKind::PrePush => {
            let repo = repo(ctx, "the pre-push hook")?;
            let mut found = Vec::new();
            // git hands the hook one line per ref: <local ref> <local sha> <remote ref> <remote sha>.
            // Reading stdin here is the hook protocol; tkx has no other use for it.
            for line in std::io::stdin().lock().lines() {
                let line = line.map_err(|source| Error::Io {
                    doing: "reading the refs git is pushing".into(),
                    source,
                })?;
                let parts: Vec<&str> = line.split_whitespace().collect();
                let [_, local, _, remote] = parts.as_slice() else { continue };
                if is_zero(local) {
                    continue; // a deleted ref carries no new commits
                }
                // Only what the remote lacks is pushed: not the commits under the ref's old
                // value, nor those its remote-tracking refs show it has (a merge of the
                // remote's main into a branch pushes none of main's commits). For a new ref,
                // or a force push over a commit this clone never fetched, the tracking refs
                // are all there is; pushing to a URL, every remote's are used.
                let known = !is_zero(remote) && repo.has_commit(remote);
                let mut hide = if known { vec![(*remote).to_owned()] } else { Vec::new() };
                let tracking = args.push_args.first().and_then(|name| repo.remote_heads(name));
                let hide_remotes = tracking.is_none() && !known;
                hide.extend(tracking.unwrap_or_default());
                let (f, _) = git_source::history(
                    &setup.scanner,
                    &repo,
                    &[(*local).to_owned()],
                    &hide,
                    hide_remotes,
                    &setup.exclude,
                    max,
                )
                .map_err(|e| Error::usage(e, None))?;
                found.extend(f);
            }
            found
        }
    };
    report::sort(&mut findings);
    findings.dedup();
    if findings.is_empty() {
        return Ok(0);
    }
    let what = if args.hook == HookKind::PrePush { "this push" } else { "this commit" };
    let err = &mut *ctx.io.err;
    let _ = writeln!(err, "tkx: {what} carries secrets; it was stopped.\n");
    let _ = write(err, &findings, Format::Text, ctx.err_paint);
    let _ = writeln!(
        err,
        "\nWays out:\n  1. remove the secret (edit the file and `git add` it again; for a push, rewrite the commit), \
         and rotate it if it was real;\n  2. not a secret? add `tkx:allow` on its line, or accept it with \
         `tkx scan {} --write-baseline` and commit .tkx-baseline.json;\n  3. knowingly skip this check: \
         `git {} --no-verify`.",
        if args.hook == HookKind::PrePush { "--history REMOTE/BRANCH..HEAD" } else { "--staged" },
        if args.hook == HookKind::PrePush { "push" } else { "commit" }
    );
    Ok(1)
}

fn is_zero(sha: &str) -> bool {
    !sha.is_empty() && sha.bytes().all(|b| b == b'0')
}
