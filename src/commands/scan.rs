//! `tkx scan`: its flags become a [`Source`] and a [`Setup`], the library scans, and the
//! result is rendered here. [`render`] is the one rendering of a scan's notes, shared
//! with the hooks.

use super::Context;
use crate::cli::ScanArgs;
use crate::error::Error;
use crate::report::{self, FailOn};
use crate::scan::baseline;
use crate::scan::setup::{self, Setup};
use crate::scan::sources::{self, Options, Source};

/// Runs `tkx scan`.
pub fn run(ctx: &mut Context, args: &ScanArgs) -> Result<u8, Error> {
    let setup = if let Some(key) = &args.value_of {
        value_of_setup(ctx, key)?
    } else {
        let (setup, notes) = setup::load(&ctx.project, !args.write_baseline)?;
        render::notes(ctx, &notes);
        setup
    };
    let (source, asked_by) = if args.staged {
        (Source::Staged, "--staged")
    } else if let Some(range) = &args.history {
        (Source::History(Some(range.clone()).filter(|r| !r.is_empty())), "--history")
    } else {
        (Source::Paths { roots: args.paths.clone(), no_ignore: args.no_ignore }, "tkx scan")
    };
    let cwd = ctx.project.cwd().to_path_buf();
    let max_size = ctx.project.max_file_size(args.max_size)?;
    let scanned = sources::run(&setup, &source, &Options { cwd: &cwd, max_size, asked_by })?;
    render::notes(ctx, &scanned.notes);
    if let Some(stats) = &scanned.walked {
        ctx.debug(&format!(
            "scanned {} files ({} bytes), skipped {} binary or large",
            stats.files, stats.bytes, stats.skipped
        ));
    }
    if let (Source::History(_), Some(commits)) = (&source, scanned.commits) {
        ctx.debug(&format!("scanned {commits} commits"));
    }
    let incomplete = scanned.incomplete();
    let findings = scanned.findings;
    if args.write_baseline {
        let (total, new) = baseline::accept(&setup.project_dir, &findings)?;
        if !ctx.quiet {
            let _ = writeln!(
                ctx.io.err,
                "tkx: {} now accepts {total} findings ({new} new); commit it so the hook and CI accept them too",
                baseline::FILE_NAME,
            );
        }
        return Ok(0);
    }
    report::write(&mut *ctx.io.out, &findings, args.format.into(), ctx.out_paint).map_err(Error::Output)?;
    // A file left unread could hold a key: not an all-clear (as ripgrep, exit 2). Notes
    // (keys public by design) fail nothing.
    Ok(if incomplete { 2 } else { FailOn::Warnings.exit_code(&findings) })
}

/// `--value-of KEY`: look for one resolved value, and nothing else.
fn value_of_setup(ctx: &mut Context, key: &str) -> Result<Setup, Error> {
    let res = ctx.project.resolution()?;
    let key = ctx.key_arg("--value-of", key)?;
    let Some((value, origin)) = setup::value_of(&res, key) else {
        return Err(Error::usage(format!("--value-of {key}: {key} is not set in any layer"), None));
    };
    let config = ctx.project.config()?.clone();
    Setup::only(ctx.project.dir().to_path_buf(), config, value, origin)
}

/// The one rendering of a scan's notes (on stderr, for people), for `tkx scan` and the
/// hooks alike.
pub mod render {
    use super::Context;
    use crate::report;
    use crate::scan::Note;

    /// Writes the notes on stderr: files that could not be read always, the rest
    /// unless `--quiet`.
    pub fn notes(ctx: &mut Context, notes: &[Note]) {
        for note in notes {
            if let Note::Unreadable(paths) = note {
                for (path, why) in paths {
                    let path = report::quote_path(path);
                    let _ = writeln!(ctx.io.err, "tkx: error: {path}: {why}; not scanned");
                }
            }
        }
        if ctx.quiet {
            return;
        }
        for note in notes {
            let _ = match note {
                Note::Unreadable(_) => Ok(()),
                Note::Unresolved(e) => {
                    writeln!(ctx.io.err, "tkx: warning: {e}; your own values are not looked for")
                }
                Note::Unread { paths, max_size } => writeln!(
                    ctx.io.err,
                    "tkx: not read for keys, over {}: {} (raise `[scan] max_file_size` in .tkx.toml to include them)",
                    limit(*max_size),
                    list(paths)
                ),
            };
        }
    }

    fn limit(max_size: u64) -> String {
        if max_size >= 1 << 20 && max_size % (1 << 20) == 0 {
            format!("{} MiB", max_size >> 20)
        } else {
            format!("{max_size} bytes")
        }
    }

    /// The first five paths, quoted where needed, and how many more.
    fn list(paths: &[String]) -> String {
        let shown: Vec<String> = paths.iter().take(5).map(|p| report::quote_path(p).into_owned()).collect();
        let more = if paths.len() > shown.len() {
            format!(" and {} more", paths.len() - shown.len())
        } else {
            String::new()
        };
        format!("{}{more}", shown.join(", "))
    }
}
