//! `tkx scan`.

use super::Context;
use crate::cli::ScanArgs;
use crate::error::Error;

/// Runs `tkx scan`.
pub fn run(_ctx: &mut Context, _args: &ScanArgs) -> Result<u8, Error> {
    Err(Error::usage("tkx scan is not built yet", None))
}
