//! `tkx set`, `tkx unset`, `tkx init`, `tkx rotate`.

use super::Context;
use crate::cli::{InitArgs, RotateArgs, SetArgs, UnsetArgs};
use crate::error::Error;

/// Runs `tkx set`.
pub fn set(_ctx: &mut Context, _args: &SetArgs) -> Result<u8, Error> {
    Err(Error::usage("tkx set is not built yet", None))
}

/// Runs `tkx unset`.
pub fn unset(_ctx: &mut Context, _args: &UnsetArgs) -> Result<u8, Error> {
    Err(Error::usage("tkx unset is not built yet", None))
}

/// Runs `tkx init`.
pub fn init(_ctx: &mut Context, _args: &InitArgs) -> Result<u8, Error> {
    Err(Error::usage("tkx init is not built yet", None))
}

/// Runs `tkx rotate`.
pub fn rotate(_ctx: &mut Context, _args: &RotateArgs) -> Result<u8, Error> {
    Err(Error::usage("tkx rotate is not built yet", None))
}
