//! `tkx doctor`: run every check on the project, fix the safe ones, report.
//!
//! [`report`](fn@report) is also what `tkx init` ends with, so both commands judge and
//! show a project the same way.

use super::Context;
use crate::cli::{DoctorArgs, Format};
use crate::doctor;
use crate::error::Error;
use crate::report::{self, FailOn};

/// Runs `tkx doctor`.
pub fn run(ctx: &mut Context, args: &DoctorArgs) -> Result<u8, Error> {
    if args.fix {
        for line in doctor::fix(&ctx.project)? {
            if !ctx.quiet {
                let _ = writeln!(ctx.io.err, "tkx: fixed: {line}");
            }
        }
        ctx.project.forget();
    }
    report(ctx, args.format, args.strict, args.online)
}

/// Runs every check on the project and writes the findings to stdout in `format`;
/// returns the exit code: 1 on an error (or, when `strict`, a warning), else 0; `online`
/// also checks the secret managers' logins. This is
/// `tkx doctor` without `--fix`, for any command that ends with its report (`tkx init`).
pub fn report(ctx: &mut Context, format: Format, strict: bool, online: bool) -> Result<u8, Error> {
    // A file that cannot be loaded is a finding; any other failure is the run's.
    if let Err(e) = ctx.project.resolution() {
        if !matches!(e, Error::File { .. }) {
            return Err(e);
        }
    }
    let mut findings = doctor::check(&ctx.project);
    if online {
        findings.extend(doctor::references::online(&ctx.project));
    }
    if let Ok(res) = ctx.project.resolution() {
        findings.extend(res.shadow_warnings());
        report::sort(&mut findings);
    }
    report::write(&mut *ctx.io.out, &findings, format.into(), ctx.out_paint).map_err(Error::Output)?;
    Ok(if strict { FailOn::Warnings } else { FailOn::Errors }.exit_code(&findings))
}
