//! `tkx doctor`: gather the project, run every check, fix the safe ones, report.
//!
//! [`gather`] and [`report`](fn@report) are also what `tkx init` ends with, so both commands
//! judge and show a project the same way.

use super::Context;
use crate::cli::{DoctorArgs, Format};
use crate::doctor::{self, EnvFile, Project, Scope, files};
use crate::error::{Error, FileProblem};
use crate::git::Repo;
use crate::layers::{self, discover};
use crate::report::{self, Finding, Location, Severity, Summary};

/// Runs `tkx doctor`.
pub fn run(ctx: &mut Context, args: &DoctorArgs) -> Result<u8, Error> {
    let mut project = gather(ctx.project.options())?;
    if args.fix {
        for line in doctor::fix(&project)? {
            if !ctx.quiet {
                let _ = writeln!(ctx.io.err, "tkx: fixed: {line}");
            }
        }
        project = gather(ctx.project.options())?;
    }
    report(ctx, &project, args.format, args.strict)
}

/// Runs every check on `project` and writes the findings to stdout in `format`;
/// returns the exit code: 1 on an error (or, when `strict`, a warning), else 0. This is
/// `tkx doctor` without `--fix`, for any command that ends with its report (`tkx init`).
pub fn report(ctx: &mut Context, project: &Project, format: Format, strict: bool) -> Result<u8, Error> {
    let mut findings = doctor::check(project);
    if let Some(res) = &project.res {
        findings.extend(res.shadow_warnings());
        report::sort(&mut findings);
    }
    let out = &mut *ctx.io.out;
    match format {
        Format::Text => report::write_text(out, &findings, ctx.out_paint),
        Format::Json => report::write_json(out, &findings),
        Format::Sarif => report::write_sarif(out, &findings),
        Format::Github => report::write_github(out, &findings),
    }
    .map_err(Error::Output)?;
    let summary = Summary::of(&findings);
    Ok(u8::from(summary.errors > 0 || (strict && summary.warnings > 0)))
}

/// Everything the checks need: the resolved layers (or why they could not be loaded),
/// the git work tree, and every env and example file in the project tree.
pub fn gather(opts: &layers::Options) -> Result<Project, Error> {
    let (res, load_error) = match layers::resolve(opts) {
        Ok(res) => (Some(res), None),
        Err(Error::File { path, problem }) => {
            let (line, column) = match problem {
                FileProblem::InvalidUtf8 { line, column } => (line, column),
                _ => (0, 0),
            };
            let finding = Finding {
                rule: "envfile/unreadable".into(),
                severity: Severity::Error,
                location: Some(Location { path, line, column }),
                message: format!("{problem}; the layers could not be loaded"),
                secret: None,
                commit: None,
                hint: None,
            };
            (None, Some(finding))
        }
        Err(e) => return Err(e),
    };
    let cwd = opts.cwd.clone();
    let dir = res.as_ref().map_or_else(|| discover::project_dir(&cwd), |r| r.project_dir.clone());
    let repo = Repo::discover(&dir);
    let crate::envfile::names::TreeFiles { env, examples } =
        crate::envfile::names::walk(&dir, |p| repo.as_ref().is_some_and(|r| r.is_ignored(p)));
    let show = |p: &std::path::Path| discover::display_path(p, &cwd, &dir);
    let tree = |path: std::path::PathBuf| EnvFile { display: show(&path), path, scope: Scope::Tree };
    let mut env_files: Vec<EnvFile> = env.into_iter().map(tree).collect();
    env_files.extend(files::stores(opts.tkx_dir.as_deref(), &dir));
    Ok(Project {
        examples: examples.into_iter().map(tree).collect(),
        cwd,
        dir,
        res,
        load_error,
        repo,
        env_files,
        tkx_dir: opts.tkx_dir.clone(),
    })
}
