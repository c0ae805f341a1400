//! The `tkx` binary: parse argv, run, turn the result into an exit code.

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = tkx::cli::Cli::parse();
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let (out_is_tty, err_is_tty) = (stdout.is_terminal(), stderr.is_terminal());
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
