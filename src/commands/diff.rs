//! `tkx diff`: the resolved project files against `.env.example`.
//!
//! The flags become a plan (which example file, which format, whether to write), the
//! [`crate::diff`] engine compares, and this file renders the rows: a table or JSON on
//! stdout, notes and hints on stderr. Exit 1 when a required key drifts (missing, empty
//! or a placeholder), 0 otherwise, 2 when there is nothing to compare against.

use super::Context;
use crate::cli::{DiffArgs, DiffFormat};
use crate::diff::{self, Diff, Row, Status};
use crate::envfile;
use crate::error::{Error, FileProblem};
use crate::example;
use crate::layers::Resolution;
use crate::layers::discover::display_path;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Runs `tkx diff`.
pub fn run(ctx: &mut Context, args: &DiffArgs) -> Result<u8, Error> {
    let res = ctx.load()?;
    for w in res.shadow_warnings() {
        ctx.warn(&w);
    }
    let (path, display) = match &args.example {
        Some(p) => (ctx.project.cwd().join(p), p.to_string_lossy().into_owned()),
        None => {
            let p = res.project_dir.join(".env.example");
            let shown = display_path(&p, ctx.project.cwd(), &res.project_dir);
            (p, shown)
        }
    };
    // `--write-example` edits the example: locked from this read to its write.
    let _lock = if args.write_example {
        Some(
            crate::fsutil::lock_for(&path)
                .map_err(|source| Error::Io { doing: format!("locking {display}"), source })?,
        )
    } else {
        None
    };
    let text = match envfile::read_text(&path) {
        Ok(text) => Some(text),
        Err(FileProblem::NotFound) => None,
        Err(problem) => return Err(Error::File { path: display, problem }),
    };
    let text = match (text, args.write_example) {
        (text, true) => write_example(ctx, &res, &path, &display, text)?,
        (Some(text), false) => text,
        (None, false) => return Err(no_example(&display, args.example.is_some())),
    };

    let diff = diff::compare(&example::declared(&text), &res);
    let summary = diff.summary();
    match args.format {
        DiffFormat::Text => write_text(ctx, &diff)?,
        DiffFormat::Json => write_json(&mut *ctx.io.out, &diff)?,
    }
    if !ctx.quiet {
        let paint = ctx.err_paint;
        let mut hints = Vec::new();
        if summary.drift {
            hints.push(
                "set the real values with `tkx set KEY`, in .env, or export them; `tkx env --explain KEY` shows where tkx looked",
            );
        }
        if summary.extra > 0 {
            hints.push(
                "declare extra keys in the example with `tkx diff --write-example`, or remove them from the project files",
            );
        }
        for hint in hints {
            let _ = writeln!(ctx.io.err, "  {} {hint}", paint.dim("hint:"));
        }
    }
    Ok(u8::from(summary.drift))
}

fn no_example(display: &str, named: bool) -> Error {
    if named {
        Error::usage(
            format!("{display}: no such file"),
            Some(format!(
                "check the path given to --example, or create the file with `tkx diff --example {display} --write-example`"
            )),
        )
    } else {
        Error::usage(
            format!("no .env.example to compare with (looked for {display})"),
            Some(
                "create it with `tkx diff --write-example` (it lists the project's keys as `KEY=`, never their values), or name another file with --example PATH"
                    .to_owned(),
            ),
        )
    }
}

/// Adds the keys of the project files that the example lacks, or creates the example when
/// there is none; returns the example's text as it now stands.
fn write_example(
    ctx: &mut Context,
    res: &Resolution,
    path: &Path,
    display: &str,
    text: Option<String>,
) -> Result<String, Error> {
    let declared = text.as_deref().map(example::declared).unwrap_or_default();
    let before = diff::compare(&declared, res);
    let keys = before.extra_keys();
    let new = match &text {
        Some(_) if keys.is_empty() => {
            if !ctx.quiet {
                let _ =
                    writeln!(ctx.io.err, "tkx: {display} already declares every key of the project files");
            }
            return Ok(text.unwrap_or_default());
        }
        Some(old) => diff::append_keys(old, &keys),
        None => diff::new_example(&keys),
    };
    crate::fsutil::write_atomic(path, new.as_bytes(), 0o644)
        .map_err(|source| Error::Io { doing: format!("writing {display}"), source })?;
    if !ctx.quiet {
        let err = &mut *ctx.io.err;
        if text.is_none() {
            let _ = writeln!(err, "tkx: created {display}");
        }
        for key in &keys {
            let _ = writeln!(err, "tkx: {display}: added {key}=");
        }
    }
    Ok(new)
}

/// What the VALUE column shows: the mask, `""` for an empty value, `-` for none.
fn shown_value(row: &Row) -> String {
    match &row.value {
        None => "-".to_owned(),
        Some(r) if r.masked.is_empty() => "\"\"".to_owned(),
        Some(r) => r.masked.clone(),
    }
}

fn write_text(ctx: &mut Context, diff: &Diff) -> Result<(), Error> {
    let paint = ctx.out_paint;
    let out = &mut *ctx.io.out;
    let cells: Vec<[String; 4]> = diff
        .rows
        .iter()
        .filter(|r| r.status != Status::Ok)
        .map(|r| {
            let origin = r.origin.as_ref().map_or_else(|| "-".to_owned(), ToString::to_string);
            [r.status.name().to_owned(), r.key.clone(), shown_value(r), origin]
        })
        .collect();
    if !cells.is_empty() {
        let header = ["STATUS", "KEY", "VALUE", "ORIGIN"].map(str::to_owned);
        let width = |i: usize| {
            std::iter::once(&header).chain(&cells).map(|c| c[i].chars().count()).max().unwrap_or(0)
        };
        let (sw, kw, vw) = (width(0), width(1), width(2));
        let [s, k, v, o] = &header;
        writeln!(out, "{}", paint.dim(&format!("{s:sw$}  {k:kw$}  {v:vw$}  {o}"))).map_err(Error::Output)?;
        for [status, key, value, origin] in &cells {
            let key = format!("{key:kw$}");
            writeln!(out, "{status:sw$}  {}  {value:vw$}  {}", paint.bold(&key), paint.dim(origin))
                .map_err(Error::Output)?;
        }
    }
    writeln!(out, "{}", diff.summary().line()).map_err(Error::Output)
}

#[derive(Serialize)]
struct JsonRow<'a> {
    key: &'a str,
    status: &'static str,
    required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    masked: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSummary {
    missing: usize,
    missing_optional: usize,
    extra: usize,
    empty: usize,
    placeholder: usize,
    ok: usize,
    drift: bool,
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    keys: Vec<JsonRow<'a>>,
    summary: JsonSummary,
}

/// Every row, `ok` ones included, so scripts see the whole comparison; never a value.
fn write_json(out: &mut dyn Write, diff: &Diff) -> Result<(), Error> {
    let s = diff.summary();
    let doc = JsonDiff {
        keys: diff
            .rows
            .iter()
            .map(|r| JsonRow {
                key: &r.key,
                status: r.status.name(),
                required: r.required,
                origin: r.origin.as_ref().map(ToString::to_string),
                masked: r.value.as_ref().map(|v| v.masked.as_str()),
                fingerprint: r.value.as_ref().map(|v| v.fingerprint.as_str()),
            })
            .collect(),
        summary: JsonSummary {
            missing: s.missing,
            missing_optional: s.missing_optional,
            extra: s.extra,
            empty: s.empty,
            placeholder: s.placeholder,
            ok: s.ok,
            drift: s.drift,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(|e| Error::Output(e.into()))?;
    writeln!(out).map_err(Error::Output)
}
