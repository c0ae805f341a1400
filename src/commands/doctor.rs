//! `tkx doctor`: run every check, fix the safe ones, report.

use super::Context;
use crate::cli::DoctorArgs;
use crate::error::Error;

/// Runs `tkx doctor`.
pub fn run(_ctx: &mut Context, _args: &DoctorArgs) -> Result<u8, Error> {
    Err(Error::usage("tkx doctor is not built yet", None))
}
