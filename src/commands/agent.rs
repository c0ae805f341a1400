//! `tkx agent install | uninstall | status | check`.
//!
//! `check` is what the agents' hooks call: it reads the host's JSON payload on stdin
//! and answers in the host's protocol on stdout (and, for Claude Code's fail-closed
//! path, stderr and exit code 2), through [`crate::agent::hosts::answer`]. The others
//! edit or report on the hosts' files through [`crate::agent::install`].

use super::Context;
use crate::agent::install::{FileStatus, Part, Plan};
use crate::agent::paths::Scope;
use crate::agent::{Guard, Host, hosts, walk};
use crate::cli::{AgentArgs, AgentCheckArgs, AgentCommand, AgentHost};
use crate::error::Error;
use crate::layers::discover;
use std::io::Read;
use std::path::Path;

/// Largest payload read (Cursor's `beforeReadFile` carries the whole file).
const MAX_PAYLOAD: u64 = 64 * 1024 * 1024;

/// Runs `tkx agent …`.
pub fn run(ctx: &mut Context, cmd: &AgentCommand) -> Result<u8, Error> {
    match cmd {
        AgentCommand::Install(args) => install(ctx, args),
        AgentCommand::Uninstall(args) => uninstall(ctx, args),
        AgentCommand::Status(args) => status(ctx, args),
        AgentCommand::Check(args) => check(ctx, args),
        #[cfg(unix)]
        AgentCommand::Run(args) => super::agent_run::run(ctx, args),
        #[cfg(target_os = "linux")]
        AgentCommand::Cover(args) => super::agent_run::cover(args),
        #[cfg(not(target_os = "linux"))]
        AgentCommand::Cover(_) => Err(Error::usage("tkx agent cover is for Linux sandboxes", None)),
        #[cfg(not(unix))]
        AgentCommand::Run(_) => Err(Error::BeforeLaunch(Box::new(Error::usage(
            "tkx agent run has a sandbox for Linux (bubblewrap) and macOS only",
            None,
        )))),
    }
}

/// The plan for `install`, `uninstall` and `status`.
pub fn plan(ctx: &Context, args: &AgentArgs) -> Result<Plan, Error> {
    let home = ctx.project.process().get("HOME").map(std::path::PathBuf::from).filter(|p| p.is_absolute());
    if args.user && home.is_none() {
        return Err(Error::usage("--user needs $HOME, which is not set", None));
    }
    let project = discover::project_dir(ctx.project.cwd());
    let base = if args.user { home.clone() } else { Some(project.clone()) };
    let agent = ctx.project.config()?.agent.clone();
    let mut plan = Plan {
        hosts: hosts_of(args.host),
        user: args.user,
        shared: args.shared,
        all_ignore_files: args.all,
        project,
        home,
        tkx_dir: ctx.project.tkx_dir().map(std::path::Path::to_path_buf),
        env_names: None,
        host_env: hosts::host_env(ctx.project.process()),
        os_sandbox: args.os_sandbox || agent.os_sandbox,
        hide: agent.hidden_patterns(),
    };
    if args.os_sandbox && !plan.hosts.contains(&Host::Claude) {
        return Err(Error::usage(
            "--os-sandbox is for Claude Code: Codex CLI's and Gemini CLI's sandboxes cannot be told by tkx to deny reading env files",
            Some("use `--host claude --os-sandbox`, or `tkx agent run -- AGENT` for any agent".into()),
        ));
    }
    if args.host == AgentHost::All {
        // Claude Code and Cursor, and the other hosts where they are in use.
        let in_use: Vec<Host> = plan
            .hosts
            .iter()
            .copied()
            .filter(|h| base.as_deref().is_some_and(|b| hosts::in_use(*h, &plan, b)))
            .collect();
        plan.hosts = in_use;
    }
    Ok(plan)
}

/// The hosts a `--host` value names, in [`Host::ALL`]'s order.
fn hosts_of(host: AgentHost) -> Vec<Host> {
    match host {
        AgentHost::Claude => vec![Host::Claude],
        AgentHost::Cursor => vec![Host::Cursor],
        AgentHost::Codex => vec![Host::Codex],
        AgentHost::Gemini => vec![Host::Gemini],
        AgentHost::Copilot => vec![Host::Copilot],
        AgentHost::Opencode => vec![Host::Opencode],
        AgentHost::Windsurf => vec![Host::Windsurf],
        AgentHost::All => Host::ALL.to_vec(),
    }
}

fn shown(ctx: &Context, p: &Path) -> String {
    let project = discover::project_dir(ctx.project.cwd());
    discover::display_path(p, ctx.project.cwd(), &project)
}

fn install(ctx: &mut Context, args: &AgentArgs) -> Result<u8, Error> {
    let plan = plan(ctx, args)?;
    let done = plan.install()?;
    if !args.user {
        // The agent's first whole-project search then starts from a walk record.
        let guard = Guard::new(&plan.project, ctx.project.options());
        let scope = Scope { honors_gitignore: true, hidden: true, ..Scope::default() };
        walk::env_files(&plan.project, &scope, guard.cache_dir.as_deref());
    }
    for d in &done {
        let line = format!("{}: {}", shown(ctx, &d.path), d.what);
        say(ctx, &line);
    }
    if !ctx.quiet && plan.hosts.contains(&Host::Claude) && !args.user {
        team_note(ctx, &plan, args.shared);
    }
    if !ctx.quiet && !args.user {
        project_files_note(ctx, &plan, &done);
    }
    if !ctx.quiet {
        trust_note(ctx, &plan, args.user);
    }
    if !ctx.quiet {
        if plan.hosts.contains(&Host::Claude) {
            let _ = writeln!(
                ctx.io.err,
                "tkx: Claude Code's deny rules stop edits of env files (named one by one, because `.env.*` would also hide .env.example) and reads of tkx's stores; the hook judges every read, and says why when it refuses"
            );
        }
        if plan.os_sandbox && plan.hosts.contains(&Host::Claude) {
            sandbox_note(ctx, args.user);
        }
        if args.user && args.all {
            let _ = writeln!(ctx.io.err, "tkx: ignore files belong to projects: --user writes none");
        }
        let _ = writeln!(
            ctx.io.err,
            "tkx: checking shell commands is best-effort; keys in the private store (`tkx move --secrets --private`) are out of every agent's reach"
        );
    }
    Ok(0)
}

/// What `--os-sandbox` did and did not do, and what Claude Code's sandbox still needs on
/// this machine.
fn sandbox_note(ctx: &mut Context, user: bool) {
    let mut lines = vec![
        "Claude Code: its sandbox is on for Bash, and reading env files, tkx's stores and `[agent] hide` is denied there (sandbox.filesystem.denyRead); the file tools run outside it, and the hook still judges them".to_owned(),
        "Claude Code: a command may still ask to run outside the sandbox, with your approval; `\"allowUnsandboxedCommands\": false` under `sandbox` refuses that".to_owned(),
        "Claude Code: inside its sandbox `tkx exec` reads the env files as empty too, so commands the agent runs get no keys from them; `tkx agent run -- claude` keeps both the boundary and `tkx exec`".to_owned(),
    ];
    if user {
        lines.push("Claude Code: user settings name no project's env files: run `tkx agent install --os-sandbox` in each project for those".into());
    }
    lines.extend(sandbox_needs(ctx));
    for l in lines {
        let _ = writeln!(ctx.io.err, "tkx: {l}");
    }
}

/// What Claude Code's sandbox lacks on this machine: on Linux it needs bubblewrap and
/// socat on `PATH` (without them it runs commands unsandboxed, with a warning).
fn sandbox_needs(ctx: &Context) -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        let path = ctx.project.process().get("PATH");
        let missing: Vec<&str> = [("bwrap", "bubblewrap"), ("socat", "socat")]
            .into_iter()
            .filter(|(bin, _)| crate::fsutil::which(std::path::Path::new(bin), path).is_none())
            .map(|(_, pkg)| pkg)
            .collect();
        (!missing.is_empty()).then(|| {
            format!(
                "Claude Code's sandbox needs bubblewrap and socat on Linux, and {} {} not on PATH: `apt-get install {}` (or dnf, pacman); until then Claude Code runs commands unsandboxed",
                missing.join(" and "),
                if missing.len() > 1 { "are" } else { "is" },
                missing.join(" ")
            )
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = ctx;
        None
    }
}

/// What the Claude Code install means for the team, and a shared or committed file that
/// would bind teammates without tkx.
fn team_note(ctx: &mut Context, plan: &Plan, shared: bool) {
    use crate::agent::hosts::claude::{PERSONAL_SETTINGS, SHARED_SETTINGS};
    let say_err = |ctx: &mut Context, line: &str| {
        let _ = writeln!(ctx.io.err, "tkx: {line}");
    };
    if shared {
        say_err(
            ctx,
            &format!(
                "Claude Code: the guard is in {SHARED_SETTINGS}, which the team shares: teammates without tkx are told to install it, and their tool calls wait until they do"
            ),
        );
        return;
    }
    say_err(
        ctx,
        &format!(
            "Claude Code: the guard is in {PERSONAL_SETTINGS}, yours alone; `--shared` puts it in {SHARED_SETTINGS} for the whole team"
        ),
    );
    let personal = plan.project.join(PERSONAL_SETTINGS);
    if ctx.project.repo().is_some_and(|r| r.relative(&personal).is_some() && !r.is_ignored(&personal)) {
        say_err(
            ctx,
            &format!(
                "add {PERSONAL_SETTINGS} to .gitignore: committed, it would stop the tool calls of teammates without tkx"
            ),
        );
    }
    let shared_file = std::fs::read_to_string(plan.project.join(SHARED_SETTINGS)).unwrap_or_default();
    if shared_file.contains("tkx agent check --host claude") {
        say_err(
            ctx,
            &format!(
                "tkx's hook is also in {SHARED_SETTINGS}, which teammates share: `tkx agent uninstall --shared --host claude` removes it from there"
            ),
        );
    }
}

/// The hosts whose project files bind everyone who works in the project once committed
/// (there is no personal project file for them): said once per file, with the ways out.
fn project_files_note(ctx: &mut Context, plan: &Plan, done: &[crate::agent::install::Done]) {
    let shared = [Host::Copilot, Host::Opencode, Host::Windsurf];
    for t in plan.targets() {
        let Some(h) = t.part.host().filter(|h| shared.contains(h)) else { continue };
        if !done.iter().any(|d| d.path == t.path && d.changed)
            || matches!(t.part, Part::Settings(Host::Opencode))
        {
            continue;
        }
        let line = format!(
            "{}: {} applies to everyone who works in this project once committed: their tool calls are refused until they install tkx; git-ignore it to keep it yours, or use `--user`",
            h.name(),
            shown(ctx, &t.path)
        );
        let _ = writeln!(ctx.io.err, "tkx: {line}");
    }
}

/// Codex CLI and Gemini CLI skip a hook until the user trusts it (or the project): what
/// is still missing, and exactly what the user does about it.
fn trust_note(ctx: &mut Context, plan: &Plan, user: bool) {
    let Ok(files) = plan.status() else { return };
    for f in files {
        let Part::Settings(host @ (Host::Codex | Host::Gemini)) = f.target.part else { continue };
        let path = &f.target.path;
        if !user && ctx.project.repo().is_some_and(|r| r.relative(path).is_some() && !r.is_ignored(path)) {
            let _ = writeln!(
                ctx.io.err,
                "tkx: {}: {} is not git-ignored: committed, it guards teammates too once they trust it, and stops their tool calls until they install tkx; git-ignore it to keep the guard yours",
                host.name(),
                shown(ctx, path)
            );
        }
        let missing: Vec<String> = f
            .items
            .iter()
            .filter(|i| !i.installed)
            .map(|i| match &i.detail {
                Some(d) => format!("{} ({d})", i.what),
                None => i.what.clone(),
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let steps = match host {
            Host::Codex => hosts::codex::trust_steps(user),
            _ => hosts::gemini::trust_steps().to_owned(),
        };
        let _ =
            writeln!(ctx.io.err, "tkx: {}: not protecting yet: {}; {steps}", host.name(), missing.join("; "));
    }
}

fn uninstall(ctx: &mut Context, args: &AgentArgs) -> Result<u8, Error> {
    let plan = plan(ctx, args)?;
    for d in plan.uninstall()? {
        let line = format!("{}: {}", shown(ctx, &d.path), d.what);
        say(ctx, &line);
    }
    Ok(0)
}

fn status(ctx: &mut Context, args: &AgentArgs) -> Result<u8, Error> {
    let plan = plan(ctx, args)?;
    let files = plan.status()?;
    let mut all = true;
    let mut installable = false;
    let mut trust: Vec<Part> = Vec::new();
    let mut lines = Vec::new();
    let mut last_host = "";
    // A hook installed at user level covers every project: it counts as coverage here.
    let user_level: Vec<FileStatus> = if args.user {
        Vec::new()
    } else {
        let user_plan = Plan { user: true, shared: false, ..plan.clone() };
        if user_plan.home.is_some() { user_plan.status().unwrap_or_default() } else { Vec::new() }
    };
    let covered = |part: &Part| {
        user_level.iter().find(|u| &u.target.part == part).filter(|u| u.items.iter().all(|i| i.installed))
    };
    for f in &files {
        let host = match f.target.part {
            Part::Settings(h) | Part::Plugin(h) => h.name(),
            Part::Ignore(i) if i.name == ".cursorignore" => Host::Cursor.name(),
            Part::Ignore(i)
                if i.name == ".geminiignore"
                    && files.iter().any(|g| g.target.part == Part::Settings(Host::Gemini)) =>
            {
                Host::Gemini.name()
            }
            Part::Ignore(_) => "Other agents",
        };
        if host != last_host {
            lines.push(format!("{host}:"));
            last_host = host;
        }
        let why = match (&f.target.part, &f.target.why) {
            (Part::Ignore(i), Some(w)) => format!(" ({}; {w})", i.agent),
            (Part::Ignore(i), None) => format!(" ({})", i.agent),
            _ => String::new(),
        };
        lines.push(format!("  {}{why}", shown(ctx, &f.target.path)));
        let by_user = covered(&f.target.part).filter(|_| !matches!(f.target.part, Part::Ignore(_)));
        if let Some(u) = by_user {
            lines.push(format!("    covered by the user-level {}", u.target.path.display()));
            continue;
        }
        for (n, i) in f.items.iter().enumerate() {
            all &= i.installed;
            // What only the user can give in the host (trust) is not install's to add.
            let host_side = n > 0 && matches!(f.target.part, Part::Settings(Host::Codex | Host::Gemini));
            if !i.installed && host_side {
                trust.push(f.target.part);
            } else if !i.installed {
                installable = true;
            }
            let state = if i.installed { "installed" } else { "missing" };
            let detail = i.detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default();
            lines.push(format!("    {:<52} {state}{detail}", i.what));
        }
    }
    if files.is_empty() {
        lines.push("nothing to check (no $HOME for --user)".into());
    }
    for l in lines {
        writeln!(ctx.io.out, "{l}").map_err(Error::Output)?;
    }
    if installable {
        writeln!(
            ctx.io.out,
            "run `tkx agent install{}` to add what is missing",
            if args.user { " --user" } else { "" }
        )
        .map_err(Error::Output)?;
    }
    trust.dedup();
    for part in trust {
        let steps = match part {
            Part::Settings(Host::Codex) => hosts::codex::trust_steps(args.user),
            _ => hosts::gemini::trust_steps().to_owned(),
        };
        writeln!(ctx.io.out, "{steps}").map_err(Error::Output)?;
    }
    let sandbox_shown = files.iter().any(|f| f.items.iter().any(|i| i.what.starts_with("OS sandbox")));
    if sandbox_shown && cfg!(target_os = "linux") {
        let line = sandbox_needs(ctx)
            .unwrap_or_else(|| "Claude Code's sandbox: bubblewrap and socat are on PATH".to_owned());
        writeln!(ctx.io.out, "{line}").map_err(Error::Output)?;
    }
    #[cfg(unix)]
    writeln!(ctx.io.out, "{}", super::agent_run::availability(ctx.project.process()))
        .map_err(Error::Output)?;
    Ok(u8::from(!all))
}

/// The hook handler. It never fails with an exit code other than 0 or 2: for Claude
/// Code any other code lets the tool run.
fn check(ctx: &mut Context, args: &AgentCheckArgs) -> Result<u8, Error> {
    let [host] = hosts_of(args.host)[..] else {
        let one: Vec<String> = Host::ALL.iter().map(|h| format!("--host {}", h.flag())).collect();
        return Err(Error::usage(format!("tkx agent check needs one host: {}", one.join(" or ")), None));
    };
    let mut payload = Vec::new();
    let read = ctx.io.take_input().take(MAX_PAYLOAD + 1).read_to_end(&mut payload);
    if read.is_err() || payload.len() as u64 > MAX_PAYLOAD {
        payload = b"\0unreadable".to_vec();
    }
    let layers = ctx.project.options().clone();
    let run = move || {
        let make = |cwd: Option<&Path>| {
            let cwd = cwd.filter(|c| c.is_dir()).map(Path::to_path_buf).unwrap_or_else(|| layers.cwd.clone());
            Guard::new(&cwd, &layers)
        };
        hosts::answer(host, &payload, &make)
    };
    // Most hosts let a tool run when the hook runs out of time: tkx answers before their
    // limits, with a denial if the guard has not decided by then; the check left running
    // ends with the process.
    let limit = check_deadline(ctx, host);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(run());
    });
    let a = rx.recv_timeout(limit).unwrap_or_else(|_| {
        host.fail_closed(&format!(
            "tkx: checking this tool call took longer than {:.1} seconds, so it is refused (fail closed); narrow the call (a path, a glob) and try again",
            limit.as_secs_f64()
        ))
    });
    ctx.io.out.write_all(a.stdout.as_bytes()).map_err(Error::Output)?;
    let _ = ctx.io.err.write_all(a.stderr.as_bytes());
    Ok(a.code)
}

/// How long `check` takes at most: the host's [`Host::deadline`], well under its hook
/// time limit. `TKX_AGENT_CHECK_DEADLINE_MS` shortens it (tests).
fn check_deadline(ctx: &Context, host: Host) -> std::time::Duration {
    let limit = host.deadline();
    ctx.project
        .process()
        .get("TKX_AGENT_CHECK_DEADLINE_MS")
        .and_then(|v| v.to_str()?.parse::<u64>().ok())
        .map_or(limit, |ms| std::time::Duration::from_millis(ms).min(limit))
}

fn say(ctx: &mut Context, line: &str) {
    if !ctx.quiet {
        let _ = writeln!(ctx.io.err, "tkx: {line}");
    }
}
