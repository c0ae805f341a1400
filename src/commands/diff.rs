//! `tkx diff`: the resolved project files against `.env.example`.

use super::Context;
use crate::cli::DiffArgs;
use crate::error::Error;

/// Runs `tkx diff`.
pub fn run(_ctx: &mut Context, _args: &DiffArgs) -> Result<u8, Error> {
    Err(Error::usage("tkx diff is not built yet", None))
}
