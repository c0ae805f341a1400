//! `tkx set`: one key, taken in safely and written to one file.
//!
//! The value comes from the hidden prompt on a terminal or, for scripts, from stdin;
//! never from argv ([`dialogue`] refuses it there). It is vetted, shown only masked,
//! and written by [`crate::store`] (every other byte kept, atomically, mode 0600);
//! what the store's checks find afterwards goes to stderr as [`crate::report::Finding`]s.

use super::Context;
use super::dialogue::{self, cancelled, say, warn_all};
use crate::cli::SetArgs;
use crate::envfile::edit;
use crate::error::Error;
use crate::prompt::{Prompt, Terminal};
use crate::rotation;
use crate::store::{self, Current};

/// Runs `tkx set`.
pub fn run(ctx: &mut Context, args: &SetArgs) -> Result<u8, Error> {
    run_with(ctx, args, &mut Terminal::new())
}

/// `tkx set` with the given prompt (a script in tests).
pub(crate) fn run_with(ctx: &mut Context, args: &SetArgs, prompt: &mut dyn Prompt) -> Result<u8, Error> {
    let key = dialogue::key_to_write(ctx, "set", &args.key, &args.value)?;
    let dest = store::destination(&ctx.project, dialogue::target(&args.target))?;
    // Every check that can fail without the value runs before the prompt, so nobody
    // pastes a key only to be told the file cannot be written.
    let mut cur = Current::read(&dest)?;
    let label = format!("Value of {key} for {} (input hidden): ", dest.display);
    let Some(value) = dialogue::take_value(prompt, key, &label)? else { return Ok(cancelled(ctx)) };
    if value.is_empty() && !args.allow_empty {
        return Err(Error::refused(
            format!("the value of {key} is empty: nothing was written"),
            Some("pass --allow-empty to store an empty value".into()),
        ));
    }
    let question = format!("Write {key} to {}?", dest.display);
    if !dialogue::vet(ctx, prompt, key, &value, args.force, &question)? {
        return Ok(cancelled(ctx));
    }
    let (edited, notes) = cur.set(&dest, key, &value)?;
    let what = match edited.change {
        edit::Change::Replaced { line } => format!("set {key} in {}:{line}", dest.display),
        edit::Change::Appended { line } => format!("added {key} to {}:{line}", dest.display),
        edit::Change::Unchanged { line } => {
            format!("{key} in {}:{line} already had this value", dest.display)
        }
    };
    say(ctx, &format!("{what} ({})", value.redacted()));
    warn_all(ctx, &notes);
    warn_all(ctx, &store::duplicates(&dest, key, &edited));
    warn_all(ctx, &store::malformed(&dest, key, &edited.malformed));
    warn_all(ctx, &store::git_exposure(&dest, Some(key)));
    if let Ok(res) = ctx.project.reload() {
        warn_all(ctx, &store::shadowing(&res, &dest, key, &value));
        warn_all(ctx, &store::hiding(&res, &dest, key, &value));
    }
    if rotation::tracked(key, value.expose()) {
        rotation::record_fingerprints(ctx.project.tkx_dir(), [value.redacted().fingerprint]);
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::{Fixture, KEY};
    use crate::envfile;
    use crate::prompt::Scripted;

    #[test]
    fn set_on_a_terminal_shows_the_mask_and_asks() {
        let f = Fixture::new();
        let mut p = Scripted::tty(&[KEY, ""]);
        let (code, _, err) = f.run(&["set", "OPENAI_PAT"], &mut p);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            p.shown,
            [
                "Value of OPENAI_PAT for .env (input hidden): (hidden)",
                "Write OPENAI_PAT to .env? [Y/n] (visible)"
            ]
        );
        assert!(err.contains("OPENAI_PAT = sk-p**********JKLM  sha256:"), "{err}");
        assert_eq!(f.env(), format!("OPENAI_PAT={KEY}\n"));
    }

    #[test]
    fn declining_writes_nothing() {
        let f = Fixture::new();
        let (code, _, err) = f.run(&["set", "OPENAI_PAT"], &mut Scripted::tty(&[KEY, "n"]));
        assert_eq!(code, 1);
        assert!(err.contains("cancelled: nothing was written"), "{err}");
        assert!(!f.root.join("p/.env").exists());
    }

    #[test]
    fn a_wrong_format_asks_with_default_no() {
        let f = Fixture::new();
        let mut p = Scripted::tty(&[concat!("ghp_", "Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra"), ""]);
        let (code, _, err) = f.run(&["set", "OPENAI_PAT"], &mut p);
        assert_eq!(code, 1);
        assert!(err.contains("warning[set/format]: OPENAI_PAT is named for OpenAI"), "{err}");
        assert!(err.contains("it looks like a key of GitHub"), "{err}");
        assert_eq!(p.shown.last().unwrap(), "Write it anyway? [y/N] (visible)");
        let mut p = Scripted::tty(&[concat!("ghp_", "Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra"), "y"]);
        assert_eq!(f.run(&["set", "OPENAI_PAT"], &mut p).0, 0);
    }

    #[test]
    fn piped_values_keep_everything_but_one_final_newline() {
        let f = Fixture::new();
        let (code, _, err) = f.run(&["set", "MULTI"], &mut Scripted::piped(b"a\nb \n\n"));
        assert_eq!(code, 2, "trailing whitespace needs --force without a terminal: {err}");
        let (code, _, _) = f.run(&["set", "MULTI", "--force"], &mut Scripted::piped(b"a\nb \n\n"));
        assert_eq!(code, 0);
        let (code, _, _) = f.run(&["set", "CRLF"], &mut Scripted::piped(b"v\r\n"));
        assert_eq!(code, 0);
        let parsed = envfile::parse(&f.env());
        let v: Vec<_> = parsed.entries.iter().map(|e| (e.key.as_str(), e.value.clone())).collect();
        assert_eq!(
            v,
            [
                ("MULTI", envfile::RawValue::Literal("a\nb \n".into())),
                ("CRLF", envfile::RawValue::Literal("v".into()))
            ]
        );
    }
}
