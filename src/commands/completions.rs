//! `tkx completions SHELL`, and the man page: both generated from the clap declarations.

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Error;
use clap::CommandFactory;
use clap_complete::Shell;
use std::io::Write;

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "tkx", &mut out);
    out
}

/// The man page `man/tkx.1`, in roff.
pub fn man_page() -> Vec<u8> {
    let mut out = Vec::new();
    // Rendering into a Vec cannot fail.
    let _ = clap_mangen::Man::new(Cli::command()).render(&mut out);
    out
}

/// Prints the completion script.
pub fn run(out: &mut dyn Write, args: &CompletionsArgs) -> Result<u8, Error> {
    out.write_all(&script(args.shell)).map_err(Error::Output)?;
    Ok(0)
}
