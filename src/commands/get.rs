//! `tkx get KEY`: one resolved value, unmasked, for scripts.

use super::Context;
use crate::cli::GetArgs;
use crate::error::Error;

/// Prints the value followed by a newline, like `printenv`; exit 1 when unset.
pub fn run(ctx: &mut Context, args: &GetArgs) -> Result<u8, Error> {
    let res = ctx.load()?;
    match res.get(&args.key) {
        Some(value) => {
            writeln!(ctx.io.out, "{}", value.expose()).map_err(Error::Output)?;
            Ok(0)
        }
        None => {
            if !ctx.quiet {
                let _ = writeln!(
                    ctx.io.err,
                    "tkx: {} is not set in any layer (`tkx env --explain {}` shows where tkx looked)",
                    args.key, args.key
                );
            }
            Ok(1)
        }
    }
}
