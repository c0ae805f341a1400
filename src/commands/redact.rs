//! `tkx redact`: stdin to stdout with secrets masked, and the engine `exec --redact` uses.

use super::Context;
use crate::cli::{RedactArgs, RedactStyle};
use crate::error::Error;
use crate::layers::Resolution;
use crate::redact::{Engine, Style};

/// The engine for a resolution: every file-loaded value the classifier masks in output
/// (configuration such as `DEFAULT_MODEL=gpt-4o-mini` stays readable), plus the
/// provider formats.
pub fn engine(res: &Resolution, style: RedactStyle) -> Engine {
    let values = res.output_secrets();
    let style = match style {
        RedactStyle::Mask => Style::Mask,
        RedactStyle::Fingerprint => Style::Fingerprint,
    };
    Engine::new(&values, style)
}

/// Runs `tkx redact`.
pub fn run(ctx: &mut Context, args: &RedactArgs) -> Result<u8, Error> {
    let res = ctx.load()?;
    let engine = engine(&res, args.style);
    // stdin is this command's input by definition; it is read on the pump's thread.
    let stdin = ctx.io.take_input();
    crate::redact::pump(&engine, vec![stdin], &mut [&mut *ctx.io.out]).map_err(Error::Output)?;
    Ok(0)
}
