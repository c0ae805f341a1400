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

/// The man pages, in roff: `tkx.1`, and one per subcommand (`tkx-exec.1`,
/// `tkx-hook-install.1`, …), which the page above each one refers to.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    // `tkx help CMD` is `tkx CMD --help`: its pages would repeat the others.
    fn no_help(cmd: clap::Command) -> clap::Command {
        cmd.disable_help_subcommand(true).mut_subcommands(no_help)
    }
    let mut cmd = no_help(Cli::command());
    cmd.build();
    let mut pages = Vec::new();
    add_pages(&cmd, &mut pages);
    pages
}

/// `cmd`'s page and its subcommands' (built: clap named them `tkx-hook-install`).
fn add_pages(cmd: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) {
    let mut out = Vec::new();
    // Rendering into a Vec cannot fail.
    let _ = clap_mangen::Man::new(cmd.clone()).render(&mut out);
    let out = with_synopsis(&String::from_utf8_lossy(&out), cmd).into_bytes();
    pages.push((format!("{}.1", cmd.get_display_name().unwrap_or_else(|| cmd.get_name())), out));
    // Internal subcommands (`tkx agent cover`) get no page.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        add_pages(sub, pages);
    }
}

/// `page` with a synopsis that names every option's value and the positionals
/// (clap_mangen's lists the flags alone: `[-C ]`).
fn with_synopsis(page: &str, cmd: &clap::Command) -> String {
    let esc = |s: &str| s.replace('-', "\\-");
    let mut line = format!("\\fB{}\\fR", esc(cmd.get_bin_name().unwrap_or_else(|| cmd.get_name())));
    let mut positionals = String::new();
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        let value = || {
            let names = arg.get_value_names().map(|v| v.iter().map(|n| n.to_string()).collect::<Vec<_>>());
            names.map_or_else(|| arg.get_id().to_string().to_uppercase(), |n| n.join(" "))
        };
        let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
        if arg.is_positional() {
            let many = if arg.get_num_args().is_some_and(|n| n.max_values() > 1) { "..." } else { "" };
            let v = format!("\\fI<{}>\\fR{many}", value());
            positionals.push_str(&if arg.is_required_set() { format!(" {v}") } else { format!(" [{v}]") });
            continue;
        }
        let mut flags = Vec::new();
        if let Some(s) = arg.get_short() {
            flags.push(format!("\\fB\\-{s}\\fR"));
        }
        if let Some(l) = arg.get_long() {
            flags.push(format!("\\fB\\-\\-{}\\fR", esc(l)));
        }
        let value = if takes_value { format!(" \\fI<{}>\\fR", value()) } else { String::new() };
        line.push_str(&format!(" [{}{value}]", flags.join("|")));
    }
    line.push_str(&positionals);
    if cmd.has_subcommands() {
        line.push_str(" <\\fIsubcommand\\fR>");
    }
    let mut out = String::with_capacity(page.len());
    let mut replace_next = false;
    for l in page.lines() {
        if replace_next {
            out.push_str(&line);
            replace_next = false;
        } else {
            out.push_str(l);
            replace_next = l == ".SH SYNOPSIS";
        }
        out.push('\n');
    }
    out
}

/// Prints the completion script.
pub fn run(out: &mut dyn Write, args: &CompletionsArgs) -> Result<u8, Error> {
    out.write_all(&script(args.shell)).map_err(Error::Output)?;
    Ok(0)
}
