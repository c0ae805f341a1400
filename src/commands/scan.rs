//! `tkx scan`: files, the staged changes, or history, through one scanner and one reporter.

use super::Context;
use crate::cli::{Format, ScanArgs};
use crate::config::Config;
use crate::error::Error;
use crate::git::Repo;
use crate::layers::{self, Layer, discover};
use crate::report::{self, Finding};
use crate::scan::baseline::{Accepted, Baseline};
use crate::scan::sources::{git as git_source, paths};
use crate::scan::{KnownOrigin, Scanner, entropy};
use crate::secret::{Secret, is_placeholder, is_secret_name, providers::looks_like_real_key};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::PathBuf;

/// What every scan needs: the project, its configuration and the compiled scanner.
pub struct Setup {
    /// The project directory (where `.tkx.toml` and the baseline live).
    pub project_dir: PathBuf,
    /// `.tkx.toml`.
    pub config: Config,
    /// Paths never scanned.
    pub exclude: GlobSet,
    /// The scanner.
    pub scanner: Scanner,
}

/// Loads the project, its known values, configuration and baseline.
pub fn setup(ctx: &mut Context, use_baseline: bool) -> Result<Setup, Error> {
    // The env files give the known values; a broken env file must not stop a scan.
    let res = match ctx.project.resolution() {
        Ok(res) => Some(res),
        Err(e) => {
            if !ctx.quiet {
                let _ = writeln!(ctx.io.err, "tkx: warning: {e}; your own values are not looked for");
            }
            None
        }
    };
    let project_dir =
        res.as_ref().map_or_else(|| discover::project_dir(ctx.project.cwd()), |r| r.project_dir.clone());
    let config = Config::load(&project_dir)?;
    let baseline = if use_baseline { Baseline::load(&project_dir)? } else { Baseline::default() };
    let known = res.as_deref().map(known_values).unwrap_or_default();
    let scanner = Scanner::new(known, &config.scan.allow, baseline)?;
    let exclude = globs(&config.scan.exclude)?;
    Ok(Setup { project_dir, config, exclude, scanner })
}

/// The values of the env files worth finding verbatim: credentials by name, known key
/// formats, or long high-entropy values — never plain configuration like `gpt-4o-mini`.
pub fn known_values(res: &layers::Resolution) -> Vec<(Secret, KnownOrigin)> {
    let mut out: Vec<(Secret, KnownOrigin)> = Vec::new();
    for var in res.vars.values() {
        for def in std::iter::once(&var.winner).chain(&var.shadowed) {
            if def.origin.layer == Layer::Process {
                continue;
            }
            let v = def.value.expose();
            let qualifies = v.chars().count() >= 8
                && !is_placeholder(v)
                && (is_secret_name(&var.key)
                    || looks_like_real_key(v)
                    || (v.len() >= 16 && entropy(v.as_bytes()) >= 3.5));
            if qualifies && !out.iter().any(|(s, _)| s.expose() == v) {
                out.push((
                    def.value.clone(),
                    KnownOrigin { key: var.key.clone(), origin: def.origin.to_string() },
                ));
            }
        }
    }
    out
}

fn globs(patterns: &[String]) -> Result<GlobSet, Error> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let glob = Glob::new(p)
            .map_err(|e| Error::usage(format!(".tkx.toml: [scan] exclude: invalid glob {p:?}: {e}"), None))?;
        b.add(glob);
    }
    b.build().map_err(|e| Error::usage(format!(".tkx.toml: [scan] exclude: {e}"), None))
}

/// The git work tree, or the usage error for commands that need one.
pub fn repo(ctx: &Context, what: &str) -> Result<Repo, Error> {
    Repo::discover(ctx.project.cwd()).ok_or_else(|| {
        Error::usage(
            format!("{what} needs a git repository, and {} is not in one", ctx.project.cwd().display()),
            None,
        )
    })
}

/// Says which staged text files were not read because of their size (on stderr, unless
/// `--quiet`): a key in one would pass unseen.
pub fn note_unread(ctx: &mut Context, large: &[String], max_size: u64) {
    if large.is_empty() || ctx.quiet {
        return;
    }
    let limit = if max_size >= 1 << 20 && max_size % (1 << 20) == 0 {
        format!("{} MiB", max_size >> 20)
    } else {
        format!("{max_size} bytes")
    };
    let shown: Vec<String> =
        large.iter().take(5).map(|p| crate::report::quote_path(p).into_owned()).collect();
    let more = if large.len() > shown.len() {
        format!(" and {} more", large.len() - shown.len())
    } else {
        String::new()
    };
    let _ = writeln!(
        ctx.io.err,
        "tkx: not read for keys, over {limit}: {}{more} (raise `[scan] max_file_size` in .tkx.toml to include them)",
        shown.join(", ")
    );
}

/// Runs `tkx scan`.
pub fn run(ctx: &mut Context, args: &ScanArgs) -> Result<u8, Error> {
    let setup = if let Some(key) = &args.value_of {
        value_of_setup(ctx, key)?
    } else {
        setup(ctx, !args.write_baseline)?
    };
    let max_size = args.max_size.unwrap_or(setup.config.scan.max_file_size);
    let mut findings = if args.staged {
        let repo = repo(ctx, "--staged")?;
        let (found, large) = git_source::staged(&setup.scanner, &repo, &setup.exclude, max_size)
            .map_err(|e| Error::usage(e, None))?;
        note_unread(ctx, &large, max_size);
        found
    } else if let Some(range) = &args.history {
        let repo = repo(ctx, "--history")?;
        let push: Vec<String> = if range.is_empty() { Vec::new() } else { vec![range.clone()] };
        let (found, commits) =
            git_source::history(&setup.scanner, &repo, &push, &[], false, &setup.exclude, max_size)
                .map_err(|e| Error::usage(e, None))?;
        ctx.debug(&format!("scanned {commits} commits"));
        found
    } else {
        let cwd = ctx.project.cwd().to_path_buf();
        let roots: Vec<PathBuf> = if args.paths.is_empty() {
            vec![cwd.clone()]
        } else {
            args.paths.iter().map(|p| cwd.join(p)).collect()
        };
        for (root, given) in roots.iter().zip(&args.paths) {
            if root.symlink_metadata().is_err() {
                return Err(Error::usage(format!("{}: no such file or directory", given.display()), None));
            }
        }
        let walk = paths::Walk {
            roots: &roots,
            no_ignore: args.no_ignore,
            max_size,
            exclude: &setup.exclude,
            project_dir: &setup.project_dir,
            base: &cwd,
        };
        let (found, stats) = paths::scan(&setup.scanner, &walk);
        ctx.debug(&format!(
            "scanned {} files ({} bytes), skipped {} binary or large",
            stats.files, stats.bytes, stats.skipped
        ));
        found
    };
    report::sort(&mut findings);
    if args.write_baseline {
        return write_baseline(ctx, &setup, &findings);
    }
    let out = &mut *ctx.io.out;
    write(out, &findings, args.format, ctx.out_paint).map_err(Error::Output)?;
    Ok(u8::from(!findings.is_empty()))
}

/// Renders findings in a format.
pub fn write(
    out: &mut dyn std::io::Write,
    findings: &[Finding],
    format: Format,
    paint: report::Painter,
) -> std::io::Result<()> {
    match format {
        Format::Text => report::write_text(out, findings, paint),
        Format::Json => report::write_json(out, findings),
        Format::Sarif => report::write_sarif(out, findings),
        Format::Github => report::write_github(out, findings),
    }
}

/// `--value-of KEY`: look for one resolved value, and nothing else.
fn value_of_setup(ctx: &mut Context, key: &str) -> Result<Setup, Error> {
    let res = ctx.project.resolution()?;
    let Some(value) = res.get(key).filter(|v| !v.is_empty()) else {
        return Err(Error::usage(format!("--value-of {key}: {key} is not set in any layer"), None));
    };
    let origin = res.vars.get(key).map_or_else(|| "process".to_owned(), |v| v.winner.origin.to_string());
    let config = Config::load(&res.project_dir)?;
    let exclude = globs(&config.scan.exclude)?;
    let scanner = Scanner::known_only(vec![(value, KnownOrigin { key: key.to_owned(), origin })])?;
    Ok(Setup { project_dir: res.project_dir.clone(), config, exclude, scanner })
}

fn write_baseline(ctx: &mut Context, setup: &Setup, findings: &[Finding]) -> Result<u8, Error> {
    let mut baseline = Baseline::load(&setup.project_dir)?;
    let before = baseline.len();
    baseline.extend(findings.iter().filter_map(|f| {
        let secret = f.secret.as_ref()?;
        Some(Accepted { rule: f.rule.to_string(), fingerprint: secret.fingerprint.clone() })
    }));
    let path = setup.project_dir.join(crate::scan::baseline::FILE_NAME);
    crate::fsutil::write_atomic(&path, baseline.render().as_bytes(), 0o644)
        .map_err(|source| Error::Io { doing: format!("writing {}", path.display()), source })?;
    if !ctx.quiet {
        let _ = writeln!(
            ctx.io.err,
            "tkx: {} now accepts {} findings ({} new); commit it so the hook and CI accept them too",
            crate::scan::baseline::FILE_NAME,
            baseline.len(),
            baseline.len() - before
        );
    }
    Ok(0)
}
