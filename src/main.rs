//! The `tkx` binary: parse argv, run, turn the result into an exit code.

use clap::Parser;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let (out_is_tty, err_is_tty) = (stdout.is_terminal(), stderr.is_terminal());
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match tkx::cli::Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version
        Err(e) => {
            // clap repeats the argument it rejects; one that looks like a key is masked.
            let _ = write!(stderr.lock(), "{}", tkx::rejected(&e, &args, err_is_tty));
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let (mut out, mut err) = (stdout.lock(), stderr.lock());
    let input: Box<dyn std::io::Read + Send> = Box::new(std::io::stdin());
    let mut io = tkx::Io { input: Some(input), out: &mut out, err: &mut err, out_is_tty, err_is_tty };
    match tkx::run(cli, &mut io) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // A closed stdout (`tkx env | head`) is a normal end, not an error.
            tkx::report_error(io.err, &e);
            ExitCode::from(e.exit_code())
        }
    }
}
