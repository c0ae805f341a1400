//! `tkx set`, `tkx unset`, `tkx init`, `tkx rotate`: taking keys in safely.
//!
//! A value comes from the hidden prompt on a terminal or, for scripts, from stdin;
//! never from argv, where it would land in shell history and `ps`. It is checked
//! (empty, placeholder, provider format, stray whitespace), shown only masked, and
//! written with [`crate::envfile::edit`] (every other byte kept) through
//! [`crate::fsutil::write_atomic`] (a crash leaves the old file or the new one), mode
//! 0600. Prompts go through [`crate::prompt`]; warnings are [`Finding`]s on stderr;
//! the only stdout output is `rotate`'s checklist and `init`'s doctor report.

use super::Context;
use crate::cli::{DoctorArgs, Format, InitArgs, RotateArgs, SetArgs, Target, UnsetArgs};
use crate::envfile::{self, edit, is_valid_key};
use crate::error::{Error, FileProblem, MAX_ENV_STRING, io_reason};
use crate::example::{self, Declared};
use crate::git::Repo;
use crate::layers::{self, Definition, Layer, Origin, Resolution, discover};
use crate::prompt::{Prompt, Terminal};
use crate::report::{Finding, Location, Severity, write_finding};
use crate::rotation::{self, Ledger, Rotation};
use crate::secret::providers::{looks_like_real_key, provider_for_key, provider_for_value};
use crate::secret::{Secret, is_placeholder, is_secret_name, is_unfilled};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Runs `tkx set`.
pub fn set(ctx: &mut Context, args: &SetArgs) -> Result<u8, Error> {
    set_with(ctx, args, &mut Terminal::new())
}

/// Runs `tkx unset`.
pub fn unset(ctx: &mut Context, args: &UnsetArgs) -> Result<u8, Error> {
    check_key("unset", &args.key)?;
    let key = args.key.as_str();
    let dest = destination(ctx, Some(&args.target))?;
    let cur = Current::read(&dest)?;
    let removed = edit::remove(&cur.text, key);
    if removed.lines.is_empty() {
        let why = if cur.exists { "" } else { " (the file does not exist)" };
        say(ctx, &format!("{key} is not in {}{why}", dest.display));
        if let Some(def) = resolve_quietly(ctx).and_then(|res| winner(&res, key)) {
            say(
                ctx,
                &format!(
                    "  it is set in {} (--user, --private or -f PATH choose the file)",
                    from(&def.origin)
                ),
            );
        }
        return Ok(1);
    }
    let notes = cur.write(&dest, &removed.text)?;
    say(ctx, &format!("removed {key} from {} ({})", dest.display, lines_word(&removed.lines)));
    warn_all(ctx, &notes);
    warn_all(ctx, &malformed(&dest, key, &removed.malformed));
    if let Some(def) = resolve_quietly(ctx).and_then(|res| winner(&res, key)) {
        say(ctx, &format!("{key} is still set by {}", from(&def.origin)));
    }
    Ok(0)
}

/// Runs `tkx init`.
pub fn init(ctx: &mut Context, args: &InitArgs) -> Result<u8, Error> {
    init_with(ctx, args, &mut Terminal::new())
}

/// Runs `tkx rotate`.
pub fn rotate(ctx: &mut Context, args: &RotateArgs) -> Result<u8, Error> {
    rotate_with(ctx, args, &mut Terminal::new())
}

// ---------------------------------------------------------------------------------
// set

fn set_with(ctx: &mut Context, args: &SetArgs, prompt: &mut dyn Prompt) -> Result<u8, Error> {
    refuse_argv_value("set", &args.key, &args.value)?;
    check_key("set", &args.key)?;
    let key = args.key.as_str();
    let dest = destination(ctx, Some(&args.target))?;
    // Every check that can fail without the value runs before the prompt, so nobody
    // pastes a key only to be told the file cannot be written.
    let cur = Current::read(&dest)?;
    let label = format!("Value of {key} for {} (input hidden): ", dest.display);
    let Some(value) = take_value(prompt, key, &label)? else { return Ok(cancelled(ctx)) };
    if value.is_empty() && !args.allow_empty {
        return Err(Error::usage(
            format!("the value of {key} is empty: nothing was written"),
            Some("pass --allow-empty to store an empty value".into()),
        ));
    }
    let question = format!("Write {key} to {}?", dest.display);
    if !vet(ctx, prompt, key, &value, args.force, &question)? {
        return Ok(cancelled(ctx));
    }
    let edited = edit::set(&cur.text, key, value.expose()).map_err(edit_error)?;
    let notes = cur.write(&dest, &edited.text)?;
    let r = value.redacted();
    let shown =
        if r.masked.is_empty() { "empty".to_owned() } else { format!("{} {}", r.masked, r.fingerprint) };
    let what = match edited.change {
        edit::Change::Replaced { line } => format!("set {key} in {}:{line}", dest.display),
        edit::Change::Appended { line } => format!("added {key} to {}:{line}", dest.display),
        edit::Change::Unchanged { line } => {
            format!("{key} in {}:{line} already had this value", dest.display)
        }
    };
    say(ctx, &format!("{what} ({shown})"));
    warn_all(ctx, &notes);
    warn_all(ctx, &duplicates(&dest, key, &edited));
    warn_all(ctx, &malformed(&dest, key, &edited.malformed));
    warn_all(ctx, &git_exposure(&dest, Some(key)));
    warn_all(ctx, &shadowing(ctx, &dest, key, &value));
    if rotation::tracked(key, value.expose()) {
        rotation::record_fingerprints(ctx.layers.tkx_dir.as_deref(), [r.fingerprint]);
    }
    Ok(0)
}

/// Reads the value: the hidden prompt on a terminal, else all of stdin minus one final
/// line ending. `None` when the person gave up (Ctrl-D).
fn take_value(prompt: &mut dyn Prompt, key: &str, label: &str) -> Result<Option<Secret>, Error> {
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
            Error::usage(
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
        return Err(Error::usage(
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
    Error::usage(
        format!(
            "the value of {key} is over {} KiB, more than Linux can pass to a program: nothing was written",
            MAX_ENV_STRING / 1024
        ),
        Some("keep large values in a file of their own and store its path".into()),
    )
}

fn is_end(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::UnexpectedEof | io::ErrorKind::Interrupted)
}

/// What looks wrong about a value for this key: a placeholder, another provider's
/// format, blanks at either end.
fn concerns(key: &str, value: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |rule: &'static str, message: String, hint: &str| {
        out.push(finding(rule, Severity::Warning, None, message, Some(hint.to_owned())));
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
fn vet(
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
            return Err(Error::usage(
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

// ---------------------------------------------------------------------------------
// rotate

fn rotate_with(ctx: &mut Context, args: &RotateArgs, prompt: &mut dyn Prompt) -> Result<u8, Error> {
    refuse_argv_value("rotate", &args.key, &args.value)?;
    check_key("rotate", &args.key)?;
    let key = args.key.as_str();
    let Some(tkx_dir) = ctx.layers.tkx_dir.clone() else {
        return Err(Error::usage(
            "tkx rotate records rotations in $TKX_DIR/rotations.json, but there is no $TKX_DIR",
            Some("set TKX_DIR (or HOME) to a directory tkx may write".into()),
        ));
    };
    let res = layers::resolve(&ctx.layers)?;
    let explicit = args.target.user || args.target.private || !ctx.layers.files.is_empty();
    let (dest, old) = if explicit {
        let dest = destination(ctx, Some(&args.target))?;
        let def = definitions(&res, key).into_iter().find(|d| is_dest(&d.origin, &dest)).cloned();
        match def {
            Some(d) => (dest, d.value),
            None => {
                say(ctx, &format!("{key} is not in {}: there is nothing to rotate there", dest.display));
                if let Some(d) = winner(&res, key) {
                    say(ctx, &format!("  it is set in {}", from(&d.origin)));
                }
                return Ok(1);
            }
        }
    } else {
        let file_def = definitions(&res, key).into_iter().find(|d| d.origin.layer != Layer::Process).cloned();
        match file_def {
            Some(d) => (dest_of(&res, &d.origin)?, d.value),
            None if res.in_process(key) => {
                return Err(Error::usage(
                    format!("{key} is set only in the process environment: tkx cannot rotate it there"),
                    Some(format!(
                        "change it where it is exported (a shell profile, CI settings), or store it in a file with `tkx set {key}`"
                    )),
                ));
            }
            None => {
                say(
                    ctx,
                    &format!(
                        "{key} is not set in any layer: there is nothing to rotate (`tkx set {key}` stores a new key)"
                    ),
                );
                return Ok(1);
            }
        }
    };
    let cur = Current::read(&dest)?;
    // Read the ledger before anything changes: a damaged one stops the rotation here,
    // instead of after the key was replaced.
    let mut ledger = Ledger::load(&tkx_dir).map_err(|source| Error::Io {
        doing: format!("reading {}", rotation::path(&tkx_dir).display()),
        source,
    })?;
    let old_r = old.redacted();
    let _ = writeln!(
        ctx.io.err,
        "Rotating {key} in {}: the current value is {}  {}",
        dest.display, old_r.masked, old_r.fingerprint
    );
    let label = format!("New value of {key} for {} (input hidden): ", dest.display);
    let Some(value) = take_value(prompt, key, &label)? else { return Ok(cancelled(ctx)) };
    if value.is_empty() {
        return Err(Error::usage(
            format!("the new value of {key} is empty: nothing was written"),
            Some(format!("to remove the key, use `tkx unset {key}`")),
        ));
    }
    if value == old {
        return Err(Error::usage(
            format!("the new value of {key} is the current one ({}): nothing was written", old_r.fingerprint),
            Some("create a new key at the provider first, then paste that one".into()),
        ));
    }
    if !vet(ctx, prompt, key, &value, args.force, &format!("Replace {key} in {}?", dest.display))? {
        return Ok(cancelled(ctx));
    }
    let edited = edit::set(&cur.text, key, value.expose()).map_err(edit_error)?;
    let notes = cur.write(&dest, &edited.text)?;
    let new_r = value.redacted();
    let date = rotation::today();
    ledger.rotations.push(Rotation {
        key: key.to_owned(),
        old: old_r.fingerprint.clone(),
        new: new_r.fingerprint.clone(),
        date: date.to_string(),
        file: Some(cur.real.display().to_string()),
    });
    ledger.see(&new_r.fingerprint, date);
    let recorded = ledger.save(&tkx_dir);

    let line = match edited.change {
        edit::Change::Replaced { line }
        | edit::Change::Appended { line }
        | edit::Change::Unchanged { line } => line,
    };
    let provider = provider_for_value(old.expose()).or_else(|| provider_for_key(key)).map(|p| p.name);
    let at = provider.map_or_else(|| "at its provider".to_owned(), |p| format!("at {p}"));
    let out = &mut *ctx.io.out;
    (|| -> io::Result<()> {
        writeln!(out, "Rotated {key} in {}:{line}", dest.display)?;
        writeln!(out, "  old  {}  {}", old_r.masked, old_r.fingerprint)?;
        writeln!(out, "  new  {}  {}", new_r.masked, new_r.fingerprint)?;
        writeln!(out, "Still to do:")?;
        writeln!(
            out,
            "  1. Deploy the new value wherever else {key} is used (CI secrets, servers, teammates' stores)."
        )?;
        writeln!(
            out,
            "  2. Verify it with a test request, e.g. `tkx exec -- <a command that calls the API>`."
        )?;
        writeln!(
            out,
            "  3. Then revoke the old key {at}: {} ({}). Until then it still works for anyone who has it.",
            old_r.masked, old_r.fingerprint
        )
    })()
    .map_err(Error::Output)?;
    match recorded {
        Ok(()) => say(ctx, &format!("recorded the rotation in {}", rotation::path(&tkx_dir).display())),
        Err(e) => ctx.warn(&finding(
            "rotate/ledger",
            Severity::Warning,
            None,
            format!(
                "{key} was replaced, but the rotation could not be recorded in {}: {}",
                rotation::path(&tkx_dir).display(),
                io_reason(&e)
            ),
            None,
        )),
    }
    warn_all(ctx, &notes);
    warn_all(ctx, &duplicates(&dest, key, &edited));
    warn_all(ctx, &git_exposure(&dest, Some(key)));
    // The old value elsewhere keeps working until it is revoked: say where it still is.
    if let Some(res) = resolve_quietly(ctx) {
        for var in res.vars.values() {
            for d in std::iter::once(&var.winner).chain(&var.shadowed) {
                if d.value == old && !(var.key == key && is_dest(&d.origin, &dest)) {
                    ctx.warn(&finding(
                        "rotate/old-value",
                        Severity::Warning,
                        crate::doctor::location_of(&d.origin),
                        format!("{} still holds the old value of {key} (from {})", var.key, from(&d.origin)),
                        Some(format!("replace it too: `tkx set {}` in that file", var.key)),
                    ));
                }
            }
        }
    }
    warn_all(ctx, &shadowing(ctx, &dest, key, &value));
    Ok(0)
}

// ---------------------------------------------------------------------------------
// init

/// What to do with one key of the example.
enum Plan {
    /// The target file already has a real value.
    HaveHere,
    /// Another layer has a real value (where).
    HaveElsewhere(String),
    /// Ask for it (or take it from the environment).
    Need,
}

/// What the person (or the environment) gave for a key.
enum Answer {
    /// A value.
    Value(Secret),
    /// Keep the example's own statement (a default).
    Default,
    /// Nothing: an optional key skipped, or a required key left unset.
    Skip,
}

/// The example's value of a non-credential key, when it is a usable default.
enum Default {
    /// A plain value.
    Literal(String),
    /// A value with `${…}`: kept as the example wrote it.
    Template,
}

struct Item<'a> {
    decl: &'a Declared,
    plan: Plan,
    default: Option<Default>,
    /// The example's statement, without its line ending.
    statement: String,
    answer: Answer,
}

fn init_with(ctx: &mut Context, args: &InitArgs, prompt: &mut dyn Prompt) -> Result<u8, Error> {
    let cwd = ctx.layers.cwd.clone();
    let project = discover::project_dir(&cwd);
    let example_path = project.join(".env.example");
    let example_shown = discover::display_path(&example_path, &cwd, &project);
    let example_text = match envfile::read_text(&example_path) {
        Ok(text) => text,
        Err(FileProblem::NotFound) => {
            return Err(Error::usage(
                format!("there is no .env.example in {}", project.display()),
                Some(
                    "tkx init creates .env from the keys .env.example declares: write one (`tkx diff --write-example` starts it from an existing .env), or store single keys with `tkx set KEY`"
                        .into(),
                ),
            ));
        }
        Err(problem) => return Err(Error::File { path: example_shown, problem }),
    };
    let declared = example::declared(&example_text);
    if declared.is_empty() {
        return Err(Error::usage(
            format!("{example_shown} declares no keys: there is nothing to set up"),
            None,
        ));
    }
    let example_parsed = envfile::parse(&example_text);
    let dest = destination(ctx, None)?;
    let cur = Current::read(&dest)?;
    let fresh = !cur.exists || args.force;
    let res = layers::resolve(&ctx.layers)?;

    let mut items: Vec<Item> = Vec::with_capacity(declared.len());
    for d in &declared {
        let filled = |v: &str| !v.is_empty() && !is_unfilled(&d.key, v, Some(&d.placeholder));
        let defs = definitions(&res, &d.key);
        let here = defs.iter().any(|def| is_dest(&def.origin, &dest) && filled(def.value.expose()));
        let elsewhere = defs.iter().find(|def| {
            !is_dest(&def.origin, &dest) && def.origin.layer != Layer::Process && filled(def.value.expose())
        });
        let in_process = process_value(ctx, &d.key).is_some_and(|v| filled(&v));
        let plan = if !fresh && here {
            Plan::HaveHere
        } else if let Some(def) = elsewhere {
            Plan::HaveElsewhere(from(&def.origin))
        } else if in_process && !args.from_env {
            Plan::HaveElsewhere("the process environment".into())
        } else {
            Plan::Need
        };
        let entry = example_parsed.entries.iter().find(|e| e.key == d.key);
        let statement = entry
            .and_then(|e| example_text.get(e.span.clone()))
            .map(|s| s.trim_end_matches(['\r', '\n']).to_owned())
            .unwrap_or_default();
        let default = match entry.map(|e| &e.value) {
            _ if is_secret_name(&d.key) => None,
            Some(envfile::RawValue::Literal(v)) if !v.is_empty() && !is_placeholder(v) => {
                Some(Default::Literal(v.clone()))
            }
            Some(envfile::RawValue::Template(_)) => Some(Default::Template),
            _ => None,
        };
        items.push(Item { decl: d, plan, default, statement, answer: Answer::Skip });
    }

    let need: Vec<&str> =
        items.iter().filter(|i| matches!(i.plan, Plan::Need)).map(|i| i.decl.key.as_str()).collect();
    if !need.is_empty() && !args.from_env && !prompt.interactive() {
        return Err(Error::usage(
            format!(
                "tkx init needs a terminal to ask for {} {}: {}",
                need.len(),
                if need.len() == 1 { "key" } else { "keys" },
                need.join(", ")
            ),
            Some(
                "run it in a terminal, or pass --from-env to take the values from the environment (CI)"
                    .into(),
            ),
        ));
    }
    if cur.exists && args.force {
        let old_keys: Vec<String> = envfile::parse(&cur.text)
            .entries
            .into_iter()
            .map(|e| e.key)
            .filter(|k| !declared.iter().any(|d| &d.key == k))
            .collect();
        if !old_keys.is_empty() {
            ctx.warn(&finding(
                "init/dropped",
                Severity::Warning,
                Some(Location { path: dest.display.clone(), line: 0, column: 0 }),
                format!(
                    "--force replaces this file: {} {} not in .env.example and will not be in the new file",
                    old_keys.join(", "),
                    if old_keys.len() == 1 { "is" } else { "are" }
                ),
                Some("declare them in .env.example first, or keep them with `tkx set` afterwards".into()),
            ));
        }
        if prompt.interactive() && !args.from_env {
            let q = format!(
                "Replace {} with a new file from .env.example? Its current values are not kept.",
                dest.display
            );
            if !matches!(prompt.confirm(&q, false), Ok(true)) {
                return Ok(cancelled(ctx));
            }
        }
    }

    // Collect the answers.
    for item in items.iter_mut().filter(|i| matches!(i.plan, Plan::Need)) {
        item.answer = if args.from_env {
            match process_value(ctx, &item.decl.key).filter(|v| !v.is_empty()) {
                Some(v) => {
                    let value = Secret::new(v);
                    warn_all(ctx, &concerns(&item.decl.key, value.expose()));
                    Answer::Value(value)
                }
                None if item.default.is_some() => Answer::Default,
                None => Answer::Skip,
            }
        } else {
            match ask(ctx, prompt, item)? {
                Some(a) => a,
                None => return Ok(cancelled(ctx)),
            }
        };
    }

    let given = items.iter().filter(|i| matches!(i.answer, Answer::Value(_) | Answer::Default)).count();
    if prompt.interactive() && !args.from_env && given > 0 {
        let q = format!("Write {given} {} to {}?", if given == 1 { "key" } else { "keys" }, dest.display);
        if !matches!(prompt.confirm(&q, true), Ok(true)) {
            return Ok(cancelled(ctx));
        }
    }

    // Build the file: from the example when fresh, else the existing text plus what is new.
    let mut text = if fresh { example_text.clone() } else { cur.text.clone() };
    for item in &items {
        let key = item.decl.key.as_str();
        let absent = !envfile::parse(&text).entries.iter().any(|e| e.key == key);
        match (&item.answer, fresh) {
            (Answer::Value(v), true) => {
                let same_as_default = matches!(&item.default, Some(Default::Literal(d)) if d == v.expose());
                if !same_as_default {
                    text = edit::set(&text, key, v.expose()).map_err(edit_error)?.text;
                }
            }
            (Answer::Default, true) => {}
            (_, true) => text = edit::comment_out(&text, key).0,
            (Answer::Value(v), false) => {
                if absent {
                    text = edit::append_comments(&text, &item.decl.comment);
                }
                text = edit::set(&text, key, v.expose()).map_err(edit_error)?.text;
            }
            (Answer::Default, false) => {
                if absent {
                    text = edit::append_comments(&text, &item.decl.comment);
                }
                text = edit::put_statement(&text, key, &item.statement)
                    .map(|s| s.text)
                    .ok_or_else(|| edit_error(edit::EditError::NotRoundTrip))?;
            }
            (Answer::Skip, false) => {}
        }
    }

    let changed = fresh || text != cur.text;
    if changed {
        let notes = cur.write(&dest, &text)?;
        warn_all(ctx, &notes);
    }
    let count = |f: &dyn Fn(&Item) -> bool| items.iter().filter(|i| f(i)).count();
    let set_n = count(&|i| matches!(i.answer, Answer::Value(_)));
    let kept = count(&|i| matches!(i.answer, Answer::Default));
    let here = count(&|i| matches!(i.plan, Plan::HaveHere));
    let elsewhere: Vec<String> = items
        .iter()
        .filter_map(|i| match &i.plan {
            Plan::HaveElsewhere(w) => Some(format!("{} ({w})", i.decl.key)),
            _ => None,
        })
        .collect();
    let skipped_optional =
        count(&|i| matches!(i.plan, Plan::Need) && matches!(i.answer, Answer::Skip) && !i.decl.required);
    let unset_required: Vec<&str> = items
        .iter()
        .filter(|i| matches!(i.plan, Plan::Need) && matches!(i.answer, Answer::Skip) && i.decl.required)
        .map(|i| i.decl.key.as_str())
        .collect();
    let mut parts = vec![format!("{set_n} set")];
    if kept > 0 {
        parts.push(format!("{kept} kept from .env.example"));
    }
    if here > 0 {
        parts.push(format!("{here} already there"));
    }
    if skipped_optional > 0 {
        parts.push(format!("{skipped_optional} optional skipped"));
    }
    let verb = match (changed, cur.exists && !args.force) {
        (false, _) => "left",
        (true, true) => "updated",
        (true, false) => "wrote",
    };
    say(ctx, &format!("{verb} {}: {}", dest.display, parts.join(", ")));
    if !elsewhere.is_empty() {
        say(ctx, &format!("set in another layer, so not written here: {}", elsewhere.join(", ")));
    }
    if !unset_required.is_empty() {
        ctx.warn(&finding(
            "init/missing",
            Severity::Warning,
            None,
            format!("required by .env.example but still unset: {}", unset_required.join(", ")),
            Some(if args.from_env {
                "export them before `tkx init --from-env`, or set them with `tkx set KEY`".into()
            } else {
                "set them with `tkx set KEY` when you have them".into()
            }),
        ));
    }
    warn_all(ctx, &git_exposure(&dest, None));
    let fingerprints: Vec<String> = items
        .iter()
        .filter_map(|i| match &i.answer {
            Answer::Value(v) if rotation::tracked(&i.decl.key, v.expose()) => Some(v.redacted().fingerprint),
            _ => None,
        })
        .collect();
    rotation::record_fingerprints(ctx.layers.tkx_dir.as_deref(), fingerprints);

    if !ctx.quiet {
        let _ = writeln!(ctx.io.err, "tkx: what `tkx doctor` says now:");
    }
    super::doctor::run(ctx, &DoctorArgs { format: Format::Text, fix: false, strict: false })
}

/// Asks for one key. `None` when the person gave up (Ctrl-D).
fn ask(ctx: &mut Context, prompt: &mut dyn Prompt, item: &Item) -> Result<Option<Answer>, Error> {
    let d = item.decl;
    let hidden = is_secret_name(&d.key);
    let _ = writeln!(ctx.io.err);
    let _ = writeln!(ctx.io.err, "{} ({})", d.key, if d.required { "required" } else { "optional" });
    for line in d.comment.iter().filter(|l| !l.is_empty()) {
        let _ = writeln!(ctx.io.err, "  {line}");
    }
    let label = match (&item.default, hidden) {
        (_, true) => format!("{} (input hidden): ", d.key),
        (Some(Default::Literal(v)), false) => format!("{} [{v}]: ", d.key),
        (Some(Default::Template), false) => format!("{} [Enter keeps the example's value]: ", d.key),
        (None, false) => format!("{}: ", d.key),
    };
    let mut asked_again = false;
    loop {
        let got = if hidden { prompt.hidden(&label) } else { prompt.visible(&label) };
        let raw = match got {
            Ok(v) => v,
            Err(e) if is_end(&e) => return Ok(None),
            Err(source) => return Err(Error::Io { doing: "reading the answer".into(), source }),
        };
        if raw.is_empty() {
            if item.default.is_some() {
                return Ok(Some(Answer::Default));
            }
            if !d.required || asked_again {
                return Ok(Some(Answer::Skip));
            }
            let _ = writeln!(
                ctx.io.err,
                "  {} is required: enter it now, or press Enter again to leave it unset (tkx doctor will report it)",
                d.key
            );
            asked_again = true;
            continue;
        }
        if raw.contains('\0') || d.key.len() + 1 + raw.len() > MAX_ENV_STRING {
            let _ =
                writeln!(ctx.io.err, "  that value cannot be stored in an environment variable; try again");
            continue;
        }
        let value = Secret::new(raw);
        if hidden {
            let r = value.redacted();
            let _ = writeln!(ctx.io.err, "  {} = {}  {}", d.key, r.masked, r.fingerprint);
        }
        let found = concerns(&d.key, value.expose());
        if found.is_empty() {
            return Ok(Some(Answer::Value(value)));
        }
        for f in &found {
            let _ = write_finding(ctx.io.err, f, ctx.err_paint);
        }
        match prompt.confirm("Use it anyway?", false) {
            Ok(true) => return Ok(Some(Answer::Value(value))),
            Ok(false) => continue,
            Err(e) if is_end(&e) => return Ok(None),
            Err(source) => return Err(Error::Io { doing: "reading the answer".into(), source }),
        }
    }
}

// ---------------------------------------------------------------------------------
// The target file

/// The file a command writes.
#[derive(Clone, Debug)]
pub(crate) struct Dest {
    /// Absolute, as addressed (it may be a symlink).
    pub(crate) path: PathBuf,
    /// As shown, and as the layers show it.
    pub(crate) display: String,
    /// The layer it is.
    pub(crate) layer: Layer,
}

/// The target: `-f` (the first), `--user`, `--private`, or the project's `.env`.
pub(crate) fn destination(ctx: &Context, target: Option<&Target>) -> Result<Dest, Error> {
    let cwd = &ctx.layers.cwd;
    let project = discover::project_dir(cwd);
    let show = |p: &Path| discover::display_path(p, cwd, &project);
    let (user, private) = target.map_or((false, false), |t| (t.user, t.private));
    if let Some(f) = ctx.layers.files.first() {
        if user || private {
            return Err(Error::usage(
                "--file and --user/--private name different files",
                Some("give one of them".into()),
            ));
        }
        return Ok(Dest { path: cwd.join(f), display: f.to_string_lossy().into_owned(), layer: Layer::File });
    }
    if user || private {
        let Some(dir) = &ctx.layers.tkx_dir else {
            return Err(Error::usage(
                "there is no $TKX_DIR for the user file and the private stores",
                Some("set TKX_DIR (or HOME)".into()),
            ));
        };
        let (path, layer) = if user {
            (dir.join(".env"), Layer::User)
        } else {
            (discover::private_store(dir, &project), Layer::Private)
        };
        return Ok(Dest { display: show(&path), path, layer });
    }
    let path = project.join(".env");
    Ok(Dest { display: show(&path), path, layer: Layer::Project })
}

/// The file behind a definition's origin.
fn dest_of(res: &Resolution, origin: &Origin) -> Result<Dest, Error> {
    res.sources
        .iter()
        .find(|s| s.layer == origin.layer && origin.path.as_deref() == Some(s.display.as_str()))
        .map(|s| Dest { path: s.path.clone(), display: s.display.clone(), layer: s.layer })
        .ok_or_else(|| Error::usage(format!("cannot find the file behind {origin}"), None))
}

/// Whether a definition comes from `dest`.
fn is_dest(origin: &Origin, dest: &Dest) -> bool {
    origin.layer == dest.layer && origin.path.as_deref() == Some(dest.display.as_str())
}

/// The target file as it is now.
pub(crate) struct Current {
    /// Its text; empty when it does not exist.
    pub(crate) text: String,
    /// Whether the file exists.
    pub(crate) exists: bool,
    /// Where the bytes live: the symlink's target for a link.
    real: PathBuf,
    /// Whether `path` is a symlink.
    via_link: bool,
    /// Mode, owner and group (Unix).
    #[cfg(unix)]
    meta: Option<(u32, u32, u32)>,
}

impl Current {
    /// Reads the target, refusing what tkx must not edit: a directory, a dangling
    /// symlink, a device or FIFO, a file that is not UTF-8, a missing directory.
    pub(crate) fn read(dest: &Dest) -> Result<Current, Error> {
        let io_err = |source| Error::Io { doing: format!("reading {}", dest.display), source };
        let link = match fs::symlink_metadata(&dest.path) {
            Ok(m) => Some(m.file_type().is_symlink()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_err(e)),
        };
        let Some(is_link) = link else {
            let parent = dest.path.parent().unwrap_or(Path::new("/"));
            if matches!(dest.layer, Layer::Project | Layer::File) && !parent.is_dir() {
                return Err(Error::usage(
                    format!(
                        "cannot create {}: the directory {} does not exist",
                        dest.display,
                        parent.display()
                    ),
                    None,
                ));
            }
            return Ok(Current {
                text: String::new(),
                exists: false,
                real: dest.path.clone(),
                via_link: false,
                #[cfg(unix)]
                meta: None,
            });
        };
        let real = if is_link {
            match fs::canonicalize(&dest.path) {
                Ok(real) => real,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    let to = fs::read_link(&dest.path).map(|p| p.display().to_string()).unwrap_or_default();
                    return Err(Error::usage(
                        format!(
                            "{} is a symlink to {to}, which does not exist: nothing was written",
                            dest.display
                        ),
                        Some("create the file it points to, or remove the link".into()),
                    ));
                }
                Err(e) => return Err(io_err(e)),
            }
        } else {
            dest.path.clone()
        };
        let meta = fs::metadata(&real).map_err(io_err)?;
        if meta.is_dir() {
            return Err(Error::File { path: dest.display.clone(), problem: FileProblem::IsDirectory });
        }
        if !meta.is_file() {
            return Err(Error::usage(
                format!("{} is not a regular file: tkx edits only files", dest.display),
                None,
            ));
        }
        let text = envfile::read_text(&real)
            .map_err(|problem| Error::File { path: dest.display.clone(), problem })?;
        Ok(Current {
            text,
            exists: true,
            real,
            via_link: is_link,
            #[cfg(unix)]
            meta: {
                use std::os::unix::fs::MetadataExt;
                Some((meta.mode() & 0o777, meta.uid(), meta.gid()))
            },
        })
    }

    /// Writes `text` atomically with mode 0600 and returns the notes worth telling: a
    /// looser mode it had, the symlink written through, an owner kept.
    pub(crate) fn write(&self, dest: &Dest, text: &str) -> Result<Vec<Finding>, Error> {
        let mut notes = Vec::new();
        let at = || Some(Location { path: dest.display.clone(), line: 0, column: 0 });
        if !self.exists && matches!(dest.layer, Layer::User | Layer::Private) {
            if let Some(parent) = dest.path.parent() {
                rotation::create_private_dir(parent).map_err(|source| Error::Io {
                    doing: format!("creating {}", parent.display()),
                    source,
                })?;
            }
        }
        #[cfg(unix)]
        if let Some((mode, _, _)) = self.meta {
            // Tighten before writing, so the new value is never readable by others, not
            // even for a moment; only the owner may chmod, which also stops tkx from
            // replacing another user's file.
            if mode != 0o600 {
                use std::os::unix::fs::PermissionsExt;
                fs::set_permissions(&self.real, fs::Permissions::from_mode(0o600)).map_err(|e| {
                    Error::usage(
                        format!("{}: cannot make it private (chmod 600): {}; nothing was written", dest.display, io_reason(&e)),
                        Some("it belongs to another user: ask them, or write your own file with --user or -f PATH".into()),
                    )
                })?;
            }
            if mode & 0o077 != 0 {
                notes.push(finding(
                    "set/permissions",
                    Severity::Warning,
                    at(),
                    format!("the file had mode {mode:04o}, readable or writable by others; it is 0600 now"),
                    Some("anyone who could read it may have copied its keys: consider `tkx rotate KEY` for each".into()),
                ));
            }
        }
        if self.exists && text == self.text {
            return Ok(notes);
        }
        crate::fsutil::write_atomic(&self.real, text.as_bytes(), 0o600).map_err(|e| {
            let dir = self.real.parent().map(|p| p.display().to_string()).unwrap_or_default();
            match e.kind() {
                io::ErrorKind::PermissionDenied => Error::usage(
                    format!("writing {}: {}; nothing was changed", dest.display, io_reason(&e)),
                    Some(format!(
                        "tkx writes a temporary file in {dir} and renames it over the old one, so that directory must be writable"
                    )),
                ),
                _ => Error::Io { doing: format!("writing {} (nothing was changed)", dest.display), source: e },
            }
        })?;
        #[cfg(unix)]
        if let Some((_, uid, gid)) = self.meta {
            // Root editing someone else's file must not take it over.
            use std::os::unix::fs::MetadataExt;
            if let Ok(now) = fs::metadata(&self.real) {
                if (now.uid(), now.gid()) != (uid, gid)
                    && std::os::unix::fs::chown(&self.real, Some(uid), Some(gid)).is_err()
                {
                    notes.push(finding(
                        "set/owner",
                        Severity::Warning,
                        at(),
                        format!("the file belonged to uid {uid}; it now belongs to tkx's user"),
                        Some(format!("chown {uid}:{gid} {}", self.real.display())),
                    ));
                }
            }
        }
        if self.via_link {
            notes.push(finding(
                "set/symlink",
                Severity::Note,
                at(),
                format!("a symlink: wrote through to {} and kept the link", self.real.display()),
                None,
            ));
        }
        Ok(notes)
    }
}

// ---------------------------------------------------------------------------------
// Checks after a write

/// A warning when git would commit the file: not ignored, or already tracked.
pub(crate) fn git_exposure(dest: &Dest, key: Option<&str>) -> Vec<Finding> {
    let Some(dir) = dest.path.parent() else { return Vec::new() };
    let Some(repo) = Repo::discover(dir) else { return Vec::new() };
    let Some(rel) = repo.relative(&dest.path) else { return Vec::new() };
    let at = Some(Location { path: dest.display.clone(), line: 0, column: 0 });
    let what = key.map_or_else(|| "its keys".to_owned(), |k| k.to_owned());
    if repo.is_tracked(&rel) {
        return vec![finding(
            "set/tracked",
            Severity::Error,
            at,
            format!("git tracks this file: the next commit that includes it publishes {what}"),
            Some(format!(
                "git rm --cached {}, commit, then rotate every key it ever held (`tkx rotate KEY`): its history keeps them",
                rel.display()
            )),
        )];
    }
    if !repo.is_ignored(&dest.path) {
        return vec![finding(
            "set/gitignore",
            Severity::Warning,
            at,
            format!("git does not ignore this file: `git add .` would commit {what}"),
            Some("run `tkx doctor --fix` to add .env, .env.* and !.env.example to .gitignore".into()),
        )];
    }
    Vec::new()
}

/// A warning when another layer wins over the file just written with a different value.
fn shadowing(ctx: &Context, dest: &Dest, key: &str, value: &Secret) -> Vec<Finding> {
    let Some(res) = resolve_quietly(ctx) else { return Vec::new() };
    let Some(w) = winner(&res, key) else { return Vec::new() };
    if is_dest(&w.origin, dest) || &w.value == value {
        return Vec::new();
    }
    let hint = if w.origin.layer == Layer::Process {
        format!(
            "unset {key} in your shell (look for an export in your shell profile), or run with --override"
        )
    } else {
        format!(
            "remove it there with `tkx unset {key}` and the right --user/--private/-f, if this file should win"
        )
    };
    vec![finding(
        "set/shadowed",
        Severity::Warning,
        None,
        format!(
            "{key} is also set in {}, which takes precedence over {}: tkx exec and tkx get still see that value",
            from(&w.origin),
            dest.display
        ),
        Some(hint),
    )]
}

fn duplicates(dest: &Dest, key: &str, edited: &edit::Set) -> Vec<Finding> {
    if edited.removed_duplicates.is_empty() {
        return Vec::new();
    }
    let line = match edited.change {
        edit::Change::Replaced { line }
        | edit::Change::Unchanged { line }
        | edit::Change::Appended { line } => line,
    };
    vec![finding(
        "set/duplicates",
        Severity::Note,
        Some(Location { path: dest.display.clone(), line, column: 0 }),
        format!(
            "{key} was defined {} times; kept line {line} and removed {}",
            edited.removed_duplicates.len() + 1,
            lines_word(&edited.removed_duplicates)
        ),
        None,
    )]
}

fn malformed(dest: &Dest, key: &str, lines: &[usize]) -> Vec<Finding> {
    lines
        .iter()
        .map(|&line| {
            finding(
                "set/malformed",
                Severity::Warning,
                Some(Location { path: dest.display.clone(), line, column: 0 }),
                format!("a malformed statement of {key} was left as it is (tkx ignores it when loading)"),
                Some("fix it or remove it; `tkx doctor` explains what is wrong with it".into()),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// Small helpers

/// Refuses a value given on the command line, without repeating it.
fn refuse_argv_value(cmd: &str, key: &str, value: &[String]) -> Result<(), Error> {
    if value.is_empty() {
        return Ok(());
    }
    let k = key.split_once('=').map_or(key, |(k, _)| k);
    let k = if is_valid_key(k) && !looks_like_real_key(k) { k } else { "KEY" };
    Err(Error::usage(
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

/// Refuses `KEY=VALUE`, a pasted value and an invalid name, never repeating a value.
fn check_key(cmd: &str, raw: &str) -> Result<(), Error> {
    if let Some((k, _)) = raw.split_once('=') {
        let k = if is_valid_key(k) && !looks_like_real_key(k) { k } else { "KEY" };
        return Err(Error::usage(
            format!("tkx {cmd} takes the key alone, not KEY=VALUE: nothing was written"),
            Some(if cmd == "unset" { format!("run `tkx unset {k}`") } else { history_hint(cmd, k) }),
        ));
    }
    if looks_like_real_key(raw) {
        return Err(Error::usage(
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
        return Err(Error::usage(
            format!("invalid key name: {what}"),
            Some("keys use letters, digits, `_`, `.` and `-`, e.g. OPENAI_PAT".into()),
        ));
    }
    Ok(())
}

fn edit_error(e: edit::EditError) -> Error {
    Error::usage(e.to_string(), None)
}

fn finding(
    rule: &'static str,
    severity: Severity,
    location: Option<Location>,
    message: String,
    hint: Option<String>,
) -> Finding {
    Finding { rule: rule.into(), severity, location, message, secret: None, hint, commit: None }
}

fn warn_all(ctx: &mut Context, findings: &[Finding]) {
    for f in findings {
        ctx.warn(f);
    }
}

/// A line of information on stderr, unless `-q`.
fn say(ctx: &mut Context, line: &str) {
    if !ctx.quiet {
        let _ = writeln!(ctx.io.err, "tkx: {line}");
    }
}

/// The person declined or gave up: exit 1, nothing written.
fn cancelled(ctx: &mut Context) -> u8 {
    let _ = writeln!(ctx.io.err, "tkx: cancelled: nothing was written");
    1
}

fn lines_word(lines: &[usize]) -> String {
    let list: Vec<String> = lines.iter().map(ToString::to_string).collect();
    format!("{} {}", if lines.len() == 1 { "line" } else { "lines" }, list.join(", "))
}

/// The layers, resolved without reporting anything: for checks after a write, which
/// must not fail the command or repeat warnings about unrelated files.
fn resolve_quietly(ctx: &Context) -> Option<Resolution> {
    layers::resolve(&ctx.layers).ok()
}

/// Every definition of `key`, winner first (the process environment included).
fn definitions<'r>(res: &'r Resolution, key: &str) -> Vec<&'r Definition> {
    res.vars.get(key).map(|v| std::iter::once(&v.winner).chain(&v.shadowed).collect()).unwrap_or_default()
}

/// The definition that wins for `key`, the process environment included.
fn winner(res: &Resolution, key: &str) -> Option<Definition> {
    if let Some(v) = res.vars.get(key) {
        return Some(v.winner.clone());
    }
    res.get(key)
        .map(|value| Definition { origin: Origin { layer: Layer::Process, path: None, line: 0 }, value })
}

/// Where a definition is, for messages.
fn from(origin: &Origin) -> String {
    match origin.layer {
        Layer::Process => "the process environment".to_owned(),
        _ => origin.to_string(),
    }
}

fn process_value(ctx: &Context, key: &str) -> Option<String> {
    ctx.layers
        .process
        .iter()
        .find(|(k, _)| k.to_str() == Some(key))
        .map(|(_, v)| v.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Io;
    use crate::cli::{Cli, Command};
    use crate::prompt::Scripted;
    use clap::Parser;

    const KEY: &str = "sk-proj-UNITtestKEY0123456789abcdefghiJKLM";

    struct Fixture {
        _t: tempfile::TempDir,
        root: PathBuf,
    }

    impl Fixture {
        fn new() -> Self {
            let t = tempfile::tempdir().unwrap();
            let root = t.path().canonicalize().unwrap();
            fs::create_dir_all(root.join("p")).unwrap();
            Fixture { _t: t, root }
        }

        /// Runs `tkx -C p ARGS…` with `prompt`; returns the exit code (or the error's),
        /// stdout and stderr.
        fn run(&self, args: &[&str], prompt: &mut Scripted) -> (u8, String, String) {
            let p = self.root.join("p");
            let mut argv = vec!["tkx", "-C", p.to_str().unwrap()];
            argv.extend_from_slice(args);
            let cli = Cli::try_parse_from(argv).unwrap();
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let mut io = Io { out: &mut out, err: &mut err, out_is_tty: false, err_is_tty: false };
            let process = vec![("TKX_DIR".into(), self.root.join("tkx").into_os_string())];
            let code = {
                let mut ctx = crate::commands::Context::new(&cli, &mut io, process).unwrap();
                let r = match &cli.command {
                    Command::Set(a) => set_with(&mut ctx, a, prompt),
                    Command::Rotate(a) => rotate_with(&mut ctx, a, prompt),
                    Command::Init(a) => init_with(&mut ctx, a, prompt),
                    _ => unreachable!(),
                };
                match r {
                    Ok(c) => c,
                    Err(e) => {
                        crate::report_error(ctx.io.err, &e);
                        e.exit_code()
                    }
                }
            };
            let (out, err) = (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap());
            assert!(!out.contains(KEY) && !err.contains(KEY), "leak:\n{out}\n{err}");
            (code, out, err)
        }

        fn env(&self) -> String {
            fs::read_to_string(self.root.join("p/.env")).unwrap_or_default()
        }
    }

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
        let mut p = Scripted::tty(&["ghp_0123456789abcdefghijABCDEFGHIJ012345", ""]);
        let (code, _, err) = f.run(&["set", "OPENAI_PAT"], &mut p);
        assert_eq!(code, 1);
        assert!(err.contains("warning[set/format]: OPENAI_PAT is named for OpenAI"), "{err}");
        assert!(err.contains("it looks like a key of GitHub"), "{err}");
        assert_eq!(p.shown.last().unwrap(), "Write it anyway? [y/N] (visible)");
        let mut p = Scripted::tty(&["ghp_0123456789abcdefghijABCDEFGHIJ012345", "y"]);
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

    #[test]
    fn rotate_records_fingerprints_and_prints_the_steps() {
        let f = Fixture::new();
        fs::write(f.root.join("p/.env"), format!("# keys\nOPENAI_PAT={KEY}\n")).unwrap();
        let new = "sk-proj-NEWtestKEY0123456789abcdefghiJKLMNOP";
        let (code, out, err) = f.run(&["rotate", "OPENAI_PAT"], &mut Scripted::piped(new.as_bytes()));
        assert_eq!(code, 0, "{err}");
        assert!(!out.contains(new) && !err.contains(new));
        assert!(out.contains("revoke the old key at OpenAI"), "{out}");
        let ledger = Ledger::load(&f.root.join("tkx")).unwrap();
        assert_eq!(ledger.rotations.len(), 1);
        assert_eq!(ledger.rotations[0].old, crate::secret::fingerprint(KEY));
        assert_eq!(ledger.rotations[0].new, crate::secret::fingerprint(new));
        assert!(ledger.first_seen(&crate::secret::fingerprint(new)).is_some());
        assert_eq!(f.env(), format!("# keys\nOPENAI_PAT={new}\n"));
        // The same value again is refused.
        let (code, _, err) = f.run(&["rotate", "OPENAI_PAT"], &mut Scripted::piped(new.as_bytes()));
        assert_eq!(code, 2);
        assert!(err.contains("is the current one"), "{err}");
    }

    #[test]
    fn init_asks_hidden_for_secrets_and_visible_with_defaults() {
        let f = Fixture::new();
        fs::write(
            f.root.join("p/.env.example"),
            "# The OpenAI key\nOPENAI_PAT=sk-your-key-here\n# optional\nLANGSMITH_API_KEY=\nDEFAULT_MODEL=gpt-4o-mini\n",
        )
        .unwrap();
        // The key; skip the optional one; accept the model's default; confirm.
        let mut p = Scripted::tty(&[KEY, "", "", ""]);
        let (code, out, err) = f.run(&["init"], &mut p);
        assert_eq!(
            p.shown,
            [
                "OPENAI_PAT (input hidden): (hidden)",
                "LANGSMITH_API_KEY (input hidden): (hidden)",
                "DEFAULT_MODEL [gpt-4o-mini]: (visible)",
                "Write 2 keys to .env? [Y/n] (visible)"
            ]
        );
        assert_eq!(code, 0, "{out}{err}");
        assert_eq!(
            f.env(),
            format!(
                "# The OpenAI key\nOPENAI_PAT={KEY}\n# optional\n# LANGSMITH_API_KEY=\nDEFAULT_MODEL=gpt-4o-mini\n"
            )
        );
        assert!(err.contains("The OpenAI key"), "{err}");
        assert!(out.contains("0 errors"), "{out}");
    }

    #[test]
    fn init_asks_a_required_key_twice_then_leaves_it_unset() {
        let f = Fixture::new();
        fs::write(f.root.join("p/.env.example"), "OPENAI_PAT=\nPORT=\n").unwrap();
        let mut p = Scripted::tty(&["", "", "8080", ""]);
        let (code, out, err) = f.run(&["init"], &mut p);
        assert_eq!(code, 1, "doctor reports the missing key: {out}{err}");
        assert_eq!(p.shown.iter().filter(|s| s.starts_with("OPENAI_PAT")).count(), 2);
        assert!(err.contains("still unset: OPENAI_PAT"), "{err}");
        assert_eq!(f.env(), "# OPENAI_PAT=\nPORT=8080\n");
    }
}
