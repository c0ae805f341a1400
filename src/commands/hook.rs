//! `tkx hook`.

use super::Context;
use crate::cli::HookCommand;
use crate::error::Error;

/// Runs `tkx hook …`.
pub fn run(_ctx: &mut Context, _cmd: &HookCommand) -> Result<u8, Error> {
    Err(Error::usage("tkx hook is not built yet", None))
}
