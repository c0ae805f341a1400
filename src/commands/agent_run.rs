//! `tkx agent run -- AGENT`: the agent in a sandbox where the keys are not readable,
//! and `tkx exec` inside it, served by the tkx outside.
//!
//! Outside: resolve the layers once, work out what to hide ([`crate::sandbox`]), take
//! the secret variables out of the agent's environment, serve the socket, start the
//! agent. Inside: `tkx exec` becomes a request over that socket ([`exec_inside`]), and
//! the commands that print values are refused ([`refused_inside`]).

use super::Context;
use crate::cli::{AgentRunArgs, Command, EnvArgs, ExecArgs, RedactStyle};
use crate::error::Error;
use crate::layers::{ChildPlan, ProcessEnv, Resolution};
use crate::redact::{Engine, Style};
use crate::sandbox::protocol::{Message, Request};
use crate::sandbox::server::{Planned, Planner, Refusal};
use crate::sandbox::{self, Backend, HideSpec, View, Why};
use crate::secret::Secret;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Runs `tkx agent run`. Every failure before the agent starts exits 125.
pub fn run(ctx: &mut Context, args: &AgentRunArgs) -> Result<u8, Error> {
    let before = |e: Error| match e {
        Error::BeforeLaunch(_) => e,
        other => Error::BeforeLaunch(Box::new(other)),
    };
    if ctx.project.process().get(sandbox::SOCKET_VAR).is_some_and(|s| !s.is_empty()) {
        return Err(before(Error::refused(
            "this already runs inside `tkx agent run`: the sandbox does not nest",
            Some("run the agent directly; env files and stores are already hidden here".into()),
        )));
    }
    let backend = Backend::find(ctx.project.process().get("PATH"))
        .map_err(|m| before(Error::usage(m.what, Some(m.install))))?;
    let (program, agent_args) =
        args.command.split_first().ok_or_else(|| before(Error::usage("no agent given", None)))?;
    let keep = super::exec::names(ctx, "--keep", &args.keep).map_err(before)?;
    let res = ctx.load().map_err(before)?;
    let config = ctx.project.config().map_err(before)?.agent.clone();
    // References are resolved once, outside; a command inside that needs one that failed
    // is refused as `tkx exec` would refuse it.
    let (res, unresolved) =
        super::references::resolve_what_resolves(ctx, res, &crate::cli::ResolveArgs::default())
            .map_err(before)?;
    for f in &unresolved {
        let _ = writeln!(ctx.io.err, "tkx: warning: {f}; `tkx exec` inside refuses commands that need it");
    }

    let project = res.project_dir.clone();
    let tree = project.ancestors().find(|d| d.join(".git").symlink_metadata().is_ok()).unwrap_or(&project);
    let home = ctx.project.process().get("HOME").map(PathBuf::from).filter(|h| h.is_absolute());
    let guard = crate::agent::Guard::new(ctx.project.cwd(), ctx.project.options());
    let spec = HideSpec {
        tree: tree.to_path_buf(),
        tkx_dir: ctx.project.tkx_dir().map(Path::to_path_buf),
        home,
        patterns: config.hide.clone(),
        project: project.clone(),
        common: config.hide_common,
        cache_dir: guard.cache_dir.clone(),
        // Every file the layers read (an explicit `-f` of any name included).
        files: res.sources.iter().map(|s| s.path.clone()).collect(),
        services: sandbox::Services {
            runtime_dir: ctx
                .project
                .process()
                .get("XDG_RUNTIME_DIR")
                .map(PathBuf::from)
                .filter(|d| d.is_absolute()),
            tmux_dir: Some(
                ctx.project
                    .process()
                    .get("TMUX_TMPDIR")
                    .map(PathBuf::from)
                    .filter(|d| d.is_absolute())
                    .unwrap_or_else(|| PathBuf::from("/tmp")),
            ),
            uid: rustix::process::getuid().as_raw(),
            user: ctx.project.process().get_nonempty("USER"),
        },
    };
    let (hidden, capped) = sandbox::hidden_paths(&spec);
    let agent = sandbox::agent_env(ctx.project.process(), program, &keep);

    let run_dir = run_dir(ctx.project.process()).map_err(before)?;
    let view = View { hidden, run_dir: run_dir.path().to_path_buf() };
    let io_err = |doing: &str| {
        let doing = doing.to_owned();
        move |source| before(Error::Io { doing, source })
    };
    view.prepare().map_err(io_err("preparing the sandbox's directory"))?;
    let listener =
        std::os::unix::net::UnixListener::bind(view.socket()).map_err(io_err("opening the agent socket"))?;
    let planner = Arc::new(Plan {
        globals: globals(ctx.project.options()),
        res: Arc::new((*res).clone()),
        removed: agent.removed.clone(),
        secrets: secrets_of(&res, &agent.removed),
        unresolved,
    });
    sandbox::server::start(listener, backend.clone(), view.clone(), planner);
    // A cover that something outside replaces (an editor's save, `tkx set`) is put back
    // by a watcher process, which dies with this one.
    #[cfg(target_os = "linux")]
    let _watcher = if matches!(backend, Backend::Bwrap(_)) && !view.hidden.is_empty() {
        let started = std::env::current_exe().and_then(|exe| {
            std::process::Command::new(exe)
                .args(["agent", "cover", "--watch", &std::process::id().to_string(), "--over-file"])
                .arg(view.empty_file())
                .arg("--over-dir")
                .arg(view.empty_dir())
                .arg("--")
                .args(view.hidden.iter().map(|h| &h.path))
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
        });
        if let Err(e) = &started {
            let _ = writeln!(
                ctx.io.err,
                "tkx: warning: cannot watch the hidden files ({}): a file replaced outside the sandbox while the agent runs is not covered again",
                crate::error::io_reason(e)
            );
        }
        started.ok()
    } else {
        None
    };

    if !ctx.quiet {
        say_plan(ctx, &backend, &view, capped, &agent);
    }
    let mut env = agent.env;
    env.push((OsString::from(sandbox::SOCKET_VAR), view.socket().into_os_string()));
    let cwd = ctx.project.cwd().to_path_buf();
    // Not found or not executable: 127 or 126, as for `tkx exec`.
    launch_checked(program, &env, &cwd)?;
    // The values the layers resolved are in this process's memory: keep other processes
    // of the user (the agent's tools outside the sandbox view included) from reading it.
    #[cfg(target_os = "linux")]
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
    let cmd = sandbox::launch::command(&backend, &view, program, agent_args, &env, &cwd);
    let code = sandbox::launch::run_agent(cmd, &backend)?;
    drop(run_dir);
    Ok(code)
}

/// `tkx agent cover` (internal): puts covers back inside a running sandbox.
#[cfg(target_os = "linux")]
pub fn cover(args: &crate::cli::AgentCoverArgs) -> Result<u8, Error> {
    let done = match (args.watch, args.pid) {
        (Some(parent), _) => std::env::current_exe().and_then(|helper| {
            sandbox::cover::watch(parent, &args.over_file, &args.over_dir, &args.paths, &helper)
        }),
        (None, Some(pid)) => sandbox::cover::cover_in(pid, &args.over_file, &args.over_dir, &args.paths),
        (None, None) => return Err(Error::usage("--pid or --watch is needed", None)),
    };
    done.map(|()| 0).map_err(|source| Error::Io { doing: "covering hidden files again".into(), source })
}

/// One line on whether `tkx agent run` can sandbox an agent on this machine, for
/// `tkx agent status` and `tkx doctor`.
pub fn availability(process: &ProcessEnv) -> String {
    match Backend::find(process.get("PATH")) {
        Ok(b) => format!("Sandbox (tkx agent run): available, {}", b.describe()),
        Err(m) => format!("Sandbox (tkx agent run): not available: {}; {}", m.what, m.install),
    }
}

/// Refuses, as `execvp` would (127 not found, 126 not executable), an agent that cannot
/// be started, before the sandbox is built around it.
fn launch_checked(program: &std::ffi::OsStr, env: &[(OsString, OsString)], cwd: &Path) -> Result<(), Error> {
    sandbox::launch::check_program(program, env, cwd)
        .map(|_| ())
        .map_err(|source| Error::Launch { program: program.to_string_lossy().into_owned(), source })
}

/// A private directory for the socket and the empty file and directory: in
/// `$XDG_RUNTIME_DIR` when set, else the temporary directory.
fn run_dir(process: &ProcessEnv) -> Result<tempfile::TempDir, Error> {
    let base = process
        .get("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_absolute() && d.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    tempfile::Builder::new()
        .prefix("tkx-agent-")
        .tempdir_in(&base)
        .map_err(|source| Error::Io { doing: "creating the sandbox's directory".into(), source })
}

/// What `tkx agent run` says before the agent starts: the sandbox, what it hides, and
/// which variables were removed and kept (names only).
fn say_plan(ctx: &mut Context, backend: &Backend, view: &View, capped: bool, agent: &sandbox::AgentEnv) {
    let count = |why: Why| view.hidden.iter().filter(|h| h.why == why).count();
    let (env_files, stores, configured) = (count(Why::EnvFile), count(Why::Store), count(Why::Configured));
    let mut parts = vec![format!("{env_files} env file{}", if env_files == 1 { "" } else { "s" })];
    if stores > 0 {
        parts.push("the private stores and the user file".into());
    }
    if configured > 0 {
        parts.push(format!("{configured} path{} from .tkx.toml", if configured == 1 { "" } else { "s" }));
    }
    let services = count(Why::Service);
    if services > 0 {
        let s = if services == 1 { "" } else { "s" };
        parts.push(format!(
            "{services} socket{s} of services that run commands outside (D-Bus, systemd, tmux, screen)"
        ));
    }
    let mut lines = vec![format!("sandbox: {}; hidden: {}", backend.describe(), parts.join(", "))];
    if capped {
        lines.push(
            "warning: the tree has more than 2,000,000 entries; env files past that limit are not hidden"
                .into(),
        );
    }
    let removed = agent.removed_names();
    if !removed.is_empty() {
        lines.push(format!("removed from the agent's environment: {}", removed.join(", ")));
    }
    if !agent.kept.is_empty() {
        lines.push(format!("kept (the agent's own or --keep): {}", agent.kept.join(", ")));
    }
    for l in lines {
        let _ = writeln!(ctx.io.err, "tkx: {l}");
    }
}

/// Every value the commands' output is masked of: the file-loaded secrets (as
/// `tkx exec --redact` masks) and the secret variables removed from the agent.
fn secrets_of(res: &Resolution, removed: &[(OsString, OsString)]) -> Vec<Secret> {
    let mut values = res.output_secrets();
    values.extend(removed.iter().map(|(_, v)| Secret::new(v.to_string_lossy())));
    values
}

/// The global options the outer tkx was given that choose the layers (`-p`, `-f`,
/// `--no-user`, `--override`), for the subcommands it runs for the inside.
fn globals(o: &crate::layers::Options) -> Vec<OsString> {
    let mut g: Vec<OsString> = Vec::new();
    if let Some(p) = &o.profile {
        g.extend(["-p".into(), p.into()]);
    }
    for f in &o.files {
        g.extend(["-f".into(), o.cwd.join(f).into_os_string()]);
    }
    if o.no_user {
        g.push("--no-user".into());
    }
    if o.override_env {
        g.push("--override".into());
    }
    g
}

/// The outer tkx's answer to requests: the resolution made once at start.
struct Plan {
    /// The outer tkx's layer options, as arguments.
    globals: Vec<OsString>,
    res: Arc<Resolution>,
    removed: Vec<(OsString, OsString)>,
    secrets: Vec<Secret>,
    /// References that did not resolve when the sandbox started.
    unresolved: Vec<crate::refs::Failure>,
}

impl Planner for Plan {
    fn plan(&self, req: &Request) -> Result<Planned, Refusal> {
        let refusal = |e: Error| Refusal { code: 125, message: e.to_string(), hint: e.hint() };
        let mut res = (*self.res).clone();
        // The command sees what the agent set, and the secrets taken from the agent.
        let mut process: Vec<(OsString, OsString)> =
            req.env.iter().filter(|(k, _)| k != sandbox::SOCKET_VAR).cloned().collect();
        for (k, v) in &self.removed {
            if !process.iter().any(|(pk, _)| pk == k) {
                process.push((k.clone(), v.clone()));
            }
        }
        res.process = ProcessEnv::new(process);
        super::exec::check_required(&res, &req.require, "--require").map_err(refusal)?;
        let needed: Vec<crate::refs::Failure> = self
            .unresolved
            .iter()
            .filter(|f| req.only.is_empty() || req.only.contains(&f.key))
            .cloned()
            .collect();
        let (skipped, needed): (Vec<_>, Vec<_>) =
            needed.into_iter().partition(|f| req.skip_unresolved.contains(&f.key));
        if !needed.is_empty() {
            return Err(refusal(Error::Unresolved(needed)));
        }
        // Never the literal reference: a skipped key is left out.
        for f in &skipped {
            res.vars.remove(&f.key);
        }
        if req.strict {
            super::exec::check_strict(&res).map_err(refusal)?;
        }
        let mut env =
            crate::layers::child_env(&res, ChildPlan { pure: req.pure, only: &req.only }).map_err(refusal)?;
        // Nested `tkx exec` in the command reaches this tkx too.
        if let Some((_, socket)) = req.env.iter().find(|(k, _)| k == sandbox::SOCKET_VAR) {
            env.push((OsString::from(sandbox::SOCKET_VAR), socket.clone()));
        }
        let style = if req.fingerprint { Style::Fingerprint } else { Style::Mask };
        Ok(Planned { env, engine: Engine::new(&self.secrets, style) })
    }

    fn tkx(&self, req: &Request, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> u8 {
        use clap::Parser;
        let mut argv: Vec<OsString> = vec!["tkx".into(), "-C".into(), req.cwd.clone().into_os_string()];
        argv.extend(self.globals.iter().cloned());
        argv.extend(req.argv.iter().cloned());
        let cli = match crate::cli::Cli::try_parse_from(&argv) {
            Ok(cli) => cli,
            Err(e) => {
                let _ = err.write_all(crate::rejected(&e, &argv, false).as_bytes());
                return 2;
            }
        };
        // Only the masked listing: everything else a tkx inside does itself.
        if !matches!(&cli.command, Command::Env(a) if !a.reveal && !a.export) {
            let _ = writeln!(err, "tkx: only `tkx env` runs in the tkx outside the sandbox");
            return 2;
        }
        let mut io = crate::Io { input: None, out, err, out_is_tty: false, err_is_tty: false };
        match crate::run_with(cli, &mut io, self.res.process.to_vec()) {
            Ok(code) => code,
            Err(e) => {
                crate::report_error(io.err, &e);
                e.exit_code()
            }
        }
    }
}

/// `tkx env` (masked) inside the sandbox: the env files read as empty here, so the tkx
/// outside lists the variables with its layers. `None` outside the sandbox, or for
/// another command.
pub fn env_inside(cli: &crate::cli::Cli, io: &mut crate::Io, process: &[(OsString, OsString)]) -> Option<u8> {
    let socket = process.iter().find(|(k, v)| k == sandbox::SOCKET_VAR && !v.is_empty())?.1.clone();
    let Command::Env(a) = &cli.command else { return None };
    if a.reveal || a.export || !cli.files.is_empty() {
        return None;
    }
    let mut argv: Vec<OsString> = vec!["env".into()];
    if a.json {
        argv.push("--json".into());
    }
    if a.all {
        argv.push("--all".into());
    }
    if let Some(k) = &a.explain {
        argv.push(format!("--explain={k}").into());
    }
    if cli.quiet {
        argv.insert(0, "-q".into());
    }
    let start = std::env::current_dir().ok()?;
    let cwd = cli.directory.as_ref().map_or(start.clone(), |d| start.join(d));
    let req = Request { argv, cwd, tkx: true, ..Request::default() };
    let _ = io.out.flush();
    match sandbox::client::exec(Path::new(&socket), &req) {
        Ok(Message::Exit(code)) => Some(code),
        Ok(Message::Refused { code, message, .. }) => {
            let _ = writeln!(io.err, "tkx: {message}");
            Some(code)
        }
        _ => {
            let _ = writeln!(
                io.err,
                "tkx: the `tkx agent run` outside the sandbox did not answer; listing what this side sees"
            );
            None
        }
    }
}

/// `tkx exec` inside the sandbox: the tkx outside runs the command (same directory,
/// same view, output always masked) and this one waits for its exit code.
pub fn exec_inside(ctx: &mut Context, args: &ExecArgs, socket: &Path) -> Result<u8, Error> {
    let before = |e: Error| Error::BeforeLaunch(Box::new(e));
    let o = ctx.project.options();
    // A profile from TKX_PROFILE is the one the tkx outside was started with too.
    let profile_flag = o.profile.is_some() && o.profile != ctx.project.process().get_nonempty("TKX_PROFILE");
    if (!o.files.is_empty() || profile_flag || o.no_user || o.override_env) && !ctx.quiet {
        let _ = writeln!(
            ctx.io.err,
            "tkx: warning: -f, -p, --no-user and --override do not apply inside `tkx agent run`: the command gets the layers it resolved (give them to `tkx agent run` instead)"
        );
    }
    let require = super::exec::names(ctx, "--require", &args.require).map_err(before)?;
    let only = super::exec::names(ctx, "--only", &args.only).map_err(before)?;
    let skip_unresolved =
        super::exec::names(ctx, "--skip-unresolved", &args.skip_unresolved).map_err(before)?;
    let req = Request {
        argv: args.command.clone(),
        cwd: ctx.project.cwd().to_path_buf(),
        env: ctx.project.process().to_vec(),
        pure: args.pure,
        strict: args.strict,
        fingerprint: args.redact_style == RedactStyle::Fingerprint,
        only,
        require,
        skip_unresolved,
        tkx: false,
    };
    ctx.io.out.flush().map_err(Error::Output)?;
    match sandbox::client::exec(socket, &req) {
        Ok(Message::Exit(code)) => Ok(code),
        Ok(Message::Refused { code, message, hint }) => {
            let _ = writeln!(ctx.io.err, "tkx: {message}");
            if let Some(h) = hint {
                let _ = writeln!(ctx.io.err, "  hint: {h}");
            }
            Ok(code)
        }
        Ok(Message::Signal(_)) => Err(before(Error::usage("unexpected answer from the agent socket", None))),
        Err(source) => Err(before(Error::Io {
            doing: format!("asking the `tkx agent run` outside the sandbox ({})", socket.display()),
            source,
        })),
    }
}

/// Inside `tkx agent run`, the commands that print values are refused: values stay
/// outside the sandbox.
pub fn refused_inside(command: &Command, process: &[(OsString, OsString)]) -> Option<Error> {
    if !process.iter().any(|(k, v)| k == sandbox::SOCKET_VAR && !v.is_empty()) {
        return None;
    }
    let what = match command {
        Command::Get(_) => "tkx get",
        Command::Env(EnvArgs { reveal: true, .. }) => "tkx env --reveal",
        Command::Env(EnvArgs { export: true, .. }) => "tkx env --export",
        _ => return None,
    };
    Some(Error::refused(
        format!("{what} is refused inside `tkx agent run`: secret values stay outside the agent's sandbox"),
        Some("run the command that needs them with `tkx exec -- CMD` (its output is masked)".into()),
    ))
}
