//! The terminal dialogue `set`, `unset`, `init` and `rotate` share: refusing a value
//! or a bad name in argv, taking a value from the hidden prompt or stdin, vetting it
//! (placeholder, provider format, stray whitespace) and the short lines they print.
//!
//! A command-layer helper: it talks to the person through [`Prompt`] and the
//! context's stderr, and never writes a file ([`crate::store`] does). A value is only
//! ever shown masked.

use super::Context;
use crate::cli;
use crate::envfile::is_valid_key;
use crate::error::{Error, MAX_ENV_STRING};
use crate::prompt::Prompt;
use crate::report::{Finding, write_finding};
use crate::secret::classify::name_looks_secret;
use crate::secret::providers::{provider_for_key, provider_for_value};
use crate::secret::{Secret, is_placeholder, is_plain_name};
use crate::store;
use std::io;

/// The store's name for the file `--user` / `--private` choose.
pub(crate) fn target(t: &cli::Target) -> store::Target {
    if t.user {
        store::Target::User
    } else if t.private {
        store::Target::Private
    } else {
        store::Target::Project
    }
}

/// Reads the value: the hidden prompt on a terminal, else all of stdin minus one final
/// line ending. `None` when the person gave up (Ctrl-D).
pub(crate) fn take_value(prompt: &mut dyn Prompt, key: &str, label: &str) -> Result<Option<Secret>, Error> {
    let value = if prompt.interactive() {
        match prompt.hidden(label) {
            Ok(v) => v,
            Err(e) if is_end(&e) => return Ok(None),
            Err(source) => {
                return Err(Error::Io { doing: "reading the value from the terminal".into(), source });
            }
        }
    } else {
        let bytes = prompt.piped(MAX_ENV_STRING + 2).map_err(|source| {
            if source.kind() == io::ErrorKind::InvalidData {
                too_long(key)
            } else {
                Error::Io { doing: "reading the value from stdin".into(), source }
            }
        })?;
        let mut text = String::from_utf8(bytes).map_err(|_| {
            Error::refused(
                format!("the value of {key} on stdin is not valid UTF-8: nothing was written"),
                Some("env files are UTF-8 text; for binary data store it base64-encoded".into()),
            )
        })?;
        // One final line ending is the pipe's, not the value's (`echo "$V" | tkx set K`).
        if text.ends_with("\r\n") {
            text.truncate(text.len() - 2);
        } else if text.ends_with('\n') {
            text.truncate(text.len() - 1);
        }
        text
    };
    if value.contains('\0') {
        return Err(Error::refused(
            format!(
                "the value of {key} holds a NUL byte, which no environment variable can carry: nothing was written"
            ),
            None,
        ));
    }
    if key.len() + 1 + value.len() > MAX_ENV_STRING {
        return Err(too_long(key));
    }
    Ok(Some(Secret::new(value)))
}

fn too_long(key: &str) -> Error {
    Error::refused(
        format!(
            "the value of {key} is over {} KiB, more than Linux can pass to a program: nothing was written",
            MAX_ENV_STRING / 1024
        ),
        Some("keep large values in a file of their own and store its path".into()),
    )
}

/// Whether a prompt error means the person gave up (Ctrl-D, Ctrl-C).
pub(crate) fn is_end(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::UnexpectedEof | io::ErrorKind::Interrupted)
}

/// What looks wrong about a value for this key: a placeholder, another provider's
/// format, blanks at either end.
pub(crate) fn concerns(key: &str, value: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |rule: &'static str, message: String, hint: &str| {
        out.push(Finding::warning(rule, message).hint(hint.to_owned()));
    };
    if value.is_empty() {
        return out;
    }
    if is_placeholder(value) {
        add(
            "set/placeholder",
            format!("the value of {key} looks like a placeholder, not a real value"),
            "paste the real value from the provider's page",
        );
    } else if let Some(p) = provider_for_key(key) {
        if !p.prefixes.iter().any(|pre| value.starts_with(pre)) {
            let looks = match provider_for_value(value) {
                Some(other) if other.name != p.name => format!("; it looks like a key of {}", other.name),
                _ => String::new(),
            };
            add(
                "set/format",
                format!(
                    "{key} is named for {}, whose keys start with `{}`, but this value does not{looks}",
                    p.name,
                    p.prefixes.join("`, `")
                ),
                "check that the right key was copied, in full",
            );
        }
    }
    if value.trim() != value {
        add(
            "set/whitespace",
            format!("the value of {key} starts or ends with blanks or a line break"),
            "a copy from a web page often catches a stray space or newline: paste again without it",
        );
    }
    out
}

/// Shows the value masked with its fingerprint (on a terminal) and any concerns, then
/// decides: on a terminal the person confirms (default yes, or default no when
/// something looks wrong); without one a concern refuses unless `--force`.
pub(crate) fn vet(
    ctx: &mut Context,
    prompt: &mut dyn Prompt,
    key: &str,
    value: &Secret,
    force: bool,
    question: &str,
) -> Result<bool, Error> {
    let found = concerns(key, value.expose());
    let interactive = prompt.interactive();
    if interactive {
        let r = value.redacted();
        let shown = if r.masked.is_empty() {
            "(empty)".to_owned()
        } else {
            format!("{}  {}", r.masked, r.fingerprint)
        };
        let _ = writeln!(ctx.io.err, "  {key} = {shown}");
    }
    // Concerns are part of the decision, so `-q` does not hide them.
    for f in &found {
        let _ = write_finding(ctx.io.err, f, ctx.err_paint);
    }
    if force {
        return Ok(true);
    }
    let asked = match (found.is_empty(), interactive) {
        (true, false) => return Ok(true),
        (true, true) => prompt.confirm(question, true),
        (false, true) => prompt.confirm("Write it anyway?", false),
        (false, false) => {
            return Err(Error::refused(
                format!(
                    "{key} was not written: its value looks wrong (see above) and there is no terminal to confirm"
                ),
                Some("check the value; pass --force to write it anyway".into()),
            ));
        }
    };
    match asked {
        Ok(yes) => Ok(yes),
        Err(e) if is_end(&e) => Ok(false),
        Err(source) => Err(Error::Io { doing: "reading the answer".into(), source }),
    }
}

/// The key `set` and `rotate` are to write: refuses a value given in argv, `KEY=VALUE`,
/// a pasted value and an invalid name, never repeating a value.
pub(crate) fn key_to_write<'k>(
    ctx: &Context,
    cmd: &str,
    key: &'k str,
    value: &[String],
) -> Result<&'k str, Error> {
    refuse_argv_value(cmd, key, value)?;
    check_key(ctx, cmd, key)?;
    Ok(key)
}

/// Refuses a value given on the command line, without repeating it.
fn refuse_argv_value(cmd: &str, key: &str, value: &[String]) -> Result<(), Error> {
    if value.is_empty() {
        return Ok(());
    }
    let k = key.split_once('=').map_or(key, |(k, _)| k);
    let k = if is_plain_name(k, |_| false) { k } else { "KEY" };
    Err(Error::refused(
        format!(
            "tkx {cmd} does not take the value as an argument (it would stay in your shell history and show in `ps`): nothing was written"
        ),
        Some(history_hint(cmd, k)),
    ))
}

fn history_hint(cmd: &str, key: &str) -> String {
    format!(
        "run `tkx {cmd} {key}` and paste the value at the hidden prompt, or pipe it in: printf %s \"$VALUE\" | tkx {cmd} {key}. The value you typed is in your shell history now: delete it there, and rotate the key if anyone else can read that history"
    )
}

/// Refuses `KEY=VALUE`, a pasted value (a provider's format, long and random, or a
/// value the layers hold) and an invalid name, never repeating a value. The layers are
/// resolved quietly: a problem loading them is not this check's to report.
pub(crate) fn check_key(ctx: &Context, cmd: &str, raw: &str) -> Result<(), Error> {
    if let Some((k, _)) = raw.split_once('=') {
        let k = if is_plain_name(k, |_| false) { k } else { "KEY" };
        return Err(Error::refused(
            format!("tkx {cmd} takes the key alone, not KEY=VALUE: nothing was written"),
            Some(if cmd == "unset" { format!("run `tkx unset {k}`") } else { history_hint(cmd, k) }),
        ));
    }
    let loaded = ctx.project.resolution().is_ok_and(|res| res.holds_value(raw));
    if name_looks_secret(raw) || loaded {
        return Err(Error::refused(
            "that looks like a key's value, not its name: nothing was written",
            Some(format!(
                "name the variable, e.g. `tkx {cmd} OPENAI_PAT`, and paste the value at the prompt. The value is in your shell history now: delete it there, and rotate the key if anyone else can read that history"
            )),
        ));
    }
    if !is_valid_key(raw) {
        let what = match raw.chars().find(|c| !c.is_ascii_alphanumeric() && !matches!(c, '_' | '.' | '-')) {
            Some(c) if !c.is_control() => format!("{c:?} is not allowed in a key"),
            Some(_) => "a control character is not allowed in a key".to_owned(),
            None => "the key is empty".to_owned(),
        };
        return Err(Error::refused(
            format!("invalid key name: {what}"),
            Some("keys use letters, digits, `_`, `.` and `-`, e.g. OPENAI_PAT".into()),
        ));
    }
    Ok(())
}

/// Writes each finding to stderr, unless `-q`.
pub(crate) fn warn_all(ctx: &mut Context, findings: &[Finding]) {
    for f in findings {
        ctx.warn(f);
    }
}

/// A line of information on stderr, unless `-q`.
pub(crate) fn say(ctx: &mut Context, line: &str) {
    if !ctx.quiet {
        let _ = writeln!(ctx.io.err, "tkx: {line}");
    }
}

/// The person declined or gave up: exit 1, nothing written.
pub(crate) fn cancelled(ctx: &mut Context) -> u8 {
    let _ = writeln!(ctx.io.err, "tkx: cancelled: nothing was written");
    1
}
