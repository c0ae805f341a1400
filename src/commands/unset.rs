//! `tkx unset`: remove every statement of one key from one file.
//!
//! The file is chosen and edited by [`crate::store`], like `tkx set`'s; this command
//! only says what happened and whether another layer still sets the key.

use super::Context;
use super::dialogue::{self, say, warn_all};
use crate::cli::UnsetArgs;
use crate::envfile::edit;
use crate::error::Error;
use crate::store::{self, Current, lines_word};

/// Runs `tkx unset`.
pub fn run(ctx: &mut Context, args: &UnsetArgs) -> Result<u8, Error> {
    dialogue::check_key(ctx, "unset", &args.key)?;
    let key = args.key.as_str();
    let dest = store::destination(&ctx.project, dialogue::target(&args.target))?;
    // The refusals first (a missing directory, a FIFO), then the lock, held from the
    // read to the write.
    Current::read(&dest)?;
    let lock = store::lock(&dest)?;
    let cur = Current::read(&dest)?;
    let removed = edit::remove(&cur.text, key);
    // Resolved quietly: a problem loading the layers must not fail an unset.
    let winner = |ctx: &Context| ctx.project.resolution().ok().and_then(|res| res.winner(key));
    if removed.lines.is_empty() {
        let why = if cur.exists { "" } else { " (the file does not exist)" };
        say(ctx, &format!("{key} is not in {}{why}", dest.display));
        if let Some(def) = winner(ctx) {
            say(
                ctx,
                &format!(
                    "  it is set in {} (--user, --private or -f PATH choose the file)",
                    def.origin.describe()
                ),
            );
        }
        return Ok(1);
    }
    let notes = cur.write(&lock, &dest, &removed.text)?;
    say(ctx, &format!("removed {key} from {} ({})", dest.display, lines_word(&removed.lines)));
    warn_all(ctx, &notes);
    warn_all(ctx, &store::malformed(&dest, key, &removed.malformed));
    if let Some(def) = winner(ctx) {
        say(ctx, &format!("{key} is still set by {}", def.origin.describe()));
    }
    Ok(0)
}
