//! `tkx agent install | uninstall | status | check`.

use super::Context;
use crate::cli::AgentCommand;
use crate::error::Error;

/// Runs `tkx agent …`.
pub fn run(_ctx: &mut Context, _cmd: &AgentCommand) -> Result<u8, Error> {
    Err(Error::usage("tkx agent is not built yet", None))
}
