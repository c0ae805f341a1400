//! `tkx move`.

use super::Context;
use crate::cli::MoveArgs;
use crate::error::Error;

/// Runs `tkx move`.
pub fn run(_ctx: &mut Context, _args: &MoveArgs) -> Result<u8, Error> {
    Err(Error::usage("tkx move is not built yet", None))
}
