//! `tkx get KEY`: one resolved value, unmasked, for scripts.

use super::Context;
use crate::cli::GetArgs;
use crate::error::Error;

/// Prints the value followed by a newline, like `printenv`; exit 1 when unset.
pub fn run(ctx: &mut Context, args: &GetArgs) -> Result<u8, Error> {
    let res = ctx.load()?;
    let key = ctx.key_arg("tkx get", &args.key)?.to_owned();
    let res = super::references::resolve(ctx, res, Some(std::slice::from_ref(&key)), &[], &args.refs)?;
    let key = key.as_str();
    match res.get(key) {
        Some(value) => {
            writeln!(ctx.io.out, "{}", value.expose()).map_err(Error::Output)?;
            Ok(0)
        }
        None => {
            if !ctx.quiet {
                let _ = writeln!(
                    ctx.io.err,
                    "tkx: {key} is not set in any layer (`tkx env --explain {key}` shows where tkx looked)"
                );
            }
            Ok(1)
        }
    }
}
