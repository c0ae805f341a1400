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
pub mod report;
pub mod rotation;
pub mod scan;
pub mod secret;
pub mod store;

use cli::{Cli, Command};
pub use error::Error;
use std::io::Write;

/// The output handles `main` passes in, and whether each is a terminal.
pub struct Io<'a> {
    /// stdout: the product.
    pub out: &'a mut dyn Write,
    /// stderr: for people.
    pub err: &'a mut dyn Write,
    /// Whether stdout is a terminal.
    pub out_is_tty: bool,
    /// Whether stderr is a terminal.
    pub err_is_tty: bool,
}

/// Runs one command and returns its exit code.
pub fn run(cli: Cli, io: &mut Io) -> Result<u8, Error> {
    let process: Vec<_> = std::env::vars_os().collect();
    if let Command::Completions(args) = &cli.command {
        return commands::completions::run(io.out, args);
    }
    let mut ctx = commands::Context::new(&cli, io, process).map_err(|e| match &cli.command {
        // `exec` fails with 125 whenever tkx, not the child, is at fault.
        Command::Exec(_) => Error::BeforeLaunch(Box::new(e)),
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
