//! tkx keeps API keys out of code and out of git.
//!
//! The data flow is argv → [`cli`] → [`commands`] → engines ([`envfile`], [`layers`],
//! [`exec`], …) → values or [`report::Finding`]s → the exit code. Engines never print
//! and never exit; only `main.rs` touches the real process handles.

#![warn(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used, clippy::expect_used)]
#![warn(missing_docs)]

pub mod agent;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diff;
pub mod doctor;
pub mod envfile;
pub mod error;
pub mod example;
pub mod exec;
pub mod fsutil;
pub mod git;
pub mod hook;
pub mod layers;
pub mod project;
pub mod prompt;
pub mod redact;
pub mod refs;
pub mod report;
pub mod rotation;
#[cfg(unix)]
pub mod sandbox;
pub mod scan;
pub mod secret;
pub mod store;

use cli::{Cli, Command};
pub use error::Error;
use std::io::{Read, Write};

/// The process handles `main` passes in, and whether each output is a terminal. Tests
/// pass buffers, so every command (`redact`, `agent check`, the pre-push hook) runs
/// in-process.
pub struct Io<'a> {
    /// stdin, for the commands whose input it is (`redact`, `agent check`, the pre-push
    /// hook); the one that reads it takes it with [`Io::take_input`]. Interactive
    /// prompts go through [`prompt::Prompt`] instead.
    pub input: Option<Box<dyn Read + Send>>,
    /// stdout: the product.
    pub out: &'a mut dyn Write,
    /// stderr: for people.
    pub err: &'a mut dyn Write,
    /// Whether stdout is a terminal.
    pub out_is_tty: bool,
    /// Whether stderr is a terminal.
    pub err_is_tty: bool,
}

impl Io<'_> {
    /// stdin, taken by the command it belongs to (empty if already taken or not given).
    pub fn take_input(&mut self) -> Box<dyn Read + Send> {
        self.input.take().unwrap_or_else(|| Box::new(std::io::empty()))
    }
}

/// Runs one command with this process's environment and returns its exit code.
pub fn run(cli: Cli, io: &mut Io) -> Result<u8, Error> {
    run_with(cli, io, std::env::vars_os().collect())
}

/// [`run`] with a given process environment (what tkx reads as the process layer and
/// its own settings), so a whole command runs in-process and hermetically.
pub fn run_with(
    cli: Cli,
    io: &mut Io,
    process: Vec<(std::ffi::OsString, std::ffi::OsString)>,
) -> Result<u8, Error> {
    if let Command::Completions(args) = &cli.command {
        return commands::completions::run(io.out, args);
    }
    #[cfg(unix)]
    if let Some(refusal) = commands::agent_run::refused_inside(&cli.command, &process) {
        return Err(refusal);
    }
    #[cfg(unix)]
    if let Some(code) = commands::agent_run::env_inside(&cli, io, &process) {
        return Ok(code);
    }
    let mut ctx = commands::Context::new(&cli, io, process).map_err(|e| match &cli.command {
        // `exec` fails with 125 whenever tkx, not the child, is at fault.
        Command::Exec(_) | Command::Agent(cli::AgentCommand::Run(_)) => Error::BeforeLaunch(Box::new(e)),
        _ => e,
    })?;
    let code = match &cli.command {
        Command::Exec(args) => commands::exec::run(&mut ctx, args),
        Command::Env(args) => commands::env::run(&mut ctx, args),
        Command::Get(args) => commands::get::run(&mut ctx, args),
        Command::Doctor(args) => commands::doctor::run(&mut ctx, args),
        Command::Diff(args) => commands::diff::run(&mut ctx, args),
        Command::Scan(args) => commands::scan::run(&mut ctx, args),
        Command::Hook(cmd) => commands::hook::run(&mut ctx, cmd),
        Command::Set(args) => commands::set::run(&mut ctx, args),
        Command::Unset(args) => commands::unset::run(&mut ctx, args),
        Command::Init(args) => commands::init::run(&mut ctx, args),
        Command::Rotate(args) => commands::rotate::run(&mut ctx, args),
        Command::Redact(args) => commands::redact::run(&mut ctx, args),
        Command::Move(args) => commands::move_keys::run(&mut ctx, args),
        Command::Agent(cmd) => commands::agent::run(&mut ctx, cmd),
        Command::Completions(_) => Ok(0),
    }?;
    ctx.io.out.flush().map_err(Error::Output)?;
    Ok(code)
}

/// Writes an error and its hint to stderr, as `tkx: message` and `hint: …`.
pub fn report_error(err: &mut dyn Write, e: &Error) {
    if e.is_silent() {
        return;
    }
    let _ = writeln!(err, "tkx: {e}");
    if let Some(hint) = e.hint() {
        let _ = writeln!(err, "  hint: {hint}");
    }
}

/// clap's message for a command line it rejects, with every argument (or the value after
/// an argument's `=`) that looks like a secret value masked: clap repeats what it did not
/// expect, and a key pasted in the wrong place must not reach the terminal or a CI log.
/// "Did you mean" suggestions are kept. `styled`: with clap's colours.
pub fn rejected(e: &clap::Error, args: &[std::ffi::OsString], styled: bool) -> String {
    let mut text = if styled { e.render().ansi().to_string() } else { e.render().to_string() };
    let mut secrets: Vec<String> = Vec::new();
    for arg in args.iter().skip(1).map(|a| a.to_string_lossy()) {
        let value = arg.split_once('=').map(|(_, v)| v);
        for part in [Some(arg.trim_start_matches('-')), value].into_iter().flatten() {
            if crate::secret::classify::name_looks_secret(part)
                || crate::secret::classify::is_secret("", part)
            {
                secrets.push(part.to_owned());
            }
        }
    }
    // Longest first, so a value inside a longer argument is masked with it.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for s in secrets {
        text = text.replace(&s, &crate::secret::mask(&s));
    }
    text
}

#[cfg(test)]
mod tests {
    //! Whole commands in-process: stdin, stdout and stderr are buffers.
    use super::*;
    use clap::Parser;
    use std::path::Path;

    /// Runs `tkx -C dir ARGS` with `stdin`; returns the exit code, stdout and stderr.
    fn tkx(dir: &Path, args: &[&str], stdin: &str) -> (u8, String, String) {
        let mut argv = vec!["tkx", "-C", dir.to_str().unwrap_or_default()];
        argv.extend(args);
        let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{e}"));
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let input: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(stdin.as_bytes().to_vec()));
        let mut io =
            Io { input: Some(input), out: &mut out, err: &mut err, out_is_tty: false, err_is_tty: false };
        let process = vec![("TKX_DIR".into(), dir.join("tkx-home").into_os_string())];
        let code = match run_with(cli, &mut io, process) {
            Ok(code) => code,
            Err(e) => {
                report_error(io.err, &e);
                e.exit_code()
            }
        };
        (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
    }

    const KEY: &str = "sk-proj-Qm7vX2kLp9RtY4wZ8nB3cF6hJ1dG5sA0eU";

    #[test]
    fn clap_errors_mask_a_pasted_key_and_keep_the_tip() {
        for argv in [
            vec!["tkx", KEY],
            vec!["tkx", "env", &format!("--{KEY}")],
            vec!["tkx", "doctor", "--format", KEY],
        ] {
            let args: Vec<std::ffi::OsString> = argv.iter().map(Into::into).collect();
            let e = Cli::try_parse_from(&args).err().unwrap_or_else(|| panic!("{argv:?} parsed"));
            let text = rejected(&e, &args, false);
            assert!(!text.contains(&KEY[..12]) && !text.contains(&KEY[20..]), "{text}");
            assert!(text.contains("sk-p**********"), "{text}");
        }
        let args: Vec<std::ffi::OsString> = ["tkx", "scna"].iter().map(Into::into).collect();
        let e = Cli::try_parse_from(&args).err().unwrap_or_else(|| panic!("parsed"));
        assert!(rejected(&e, &args, false).contains("a similar subcommand exists: 'scan'"));
    }

    #[test]
    fn redact_reads_its_input_from_the_given_stdin() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join(".env"), "MY_PASSWORD=hunter2-correct-horse\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let input = format!("auth {KEY} pw=hunter2-correct-horse done\n");
        let (code, out, err) = tkx(dir.path(), &["redact"], &input);
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("auth ") && out.ends_with(" done\n"), "{out}");
        assert!(!out.contains(KEY) && !out.contains("hunter2-correct-horse"), "{out}");
    }

    #[test]
    fn agent_check_reads_the_hook_payload_from_the_given_stdin() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join(".env"), format!("OPENAI_API_KEY={KEY}\n"))
            .unwrap_or_else(|e| panic!("{e}"));
        let call = |command: &str| {
            let payload = serde_json::json!({
                "hook_event_name": "PreToolUse", "tool_name": "Bash",
                "tool_input": {"command": command}, "cwd": dir.path(),
            });
            tkx(dir.path(), &["agent", "check", "--host", "claude"], &payload.to_string())
        };
        let (code, out, err) = call("cat .env");
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains(r#""permissionDecision":"deny""#), "{out}");
        assert!(!out.contains(KEY) && !err.contains(KEY));
        let (code, out, err) = call("cargo build");
        assert_eq!(code, 0, "{out}{err}");
        assert!(!out.contains("deny"), "{out}");
    }

    #[test]
    fn pre_push_reads_the_pushed_refs_from_the_given_stdin() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let git = |args: &[&str]| {
            let ok = std::process::Command::new("git")
                .args(args)
                .current_dir(dir.path())
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .output()
                .is_ok_and(|o| o.status.success());
            assert!(ok, "git {args:?}");
        };
        git(&["init", "-q"]);
        std::fs::write(dir.path().join("app.py"), format!("key = \"{KEY}\"\n"))
            .unwrap_or_else(|e| panic!("{e}"));
        git(&["add", "app.py"]);
        git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x", "--no-verify"]);
        let head = std::process::Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(dir.path())
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default();
        let zero = "0".repeat(40);
        let line = format!("refs/heads/main {head} refs/heads/main {zero}\n");
        let (code, out, err) =
            tkx(dir.path(), &["hook", "run", "--hook", "pre-push", "--push-args", "origin", "url"], &line);
        assert_eq!(code, 1, "{out}{err}");
        assert!(!out.contains(KEY) && !err.contains(KEY));
        // Nothing on stdin: nothing is being pushed.
        let (code, out, err) =
            tkx(dir.path(), &["hook", "run", "--hook", "pre-push", "--push-args", "origin", "url"], "");
        assert_eq!(code, 0, "{out}{err}");
    }
}
