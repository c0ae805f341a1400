//! `tkx env`: the resolved variables, masked, with their origin; `--explain`, `--json`,
//! `--export`.

use super::Context;
use crate::cli::EnvArgs;
use crate::error::Error;
use crate::layers::{Definition, Layer, Origin, Resolution, Status};
use crate::secret::Secret;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// One row of the listing.
struct Row {
    key: String,
    winner: Definition,
    shadowed: Vec<Definition>,
    /// The reference the winning value is (resolved or not), as written canonically;
    /// `Err` for one tkx cannot resolve.
    reference: Option<Result<String, ()>>,
    /// Whether the value is the reference's resolved value.
    resolved: bool,
}

/// The reference each key's winning value is, from the layers before resolution.
fn references(res: &Resolution) -> BTreeMap<String, Result<String, ()>> {
    res.references(None)
        .into_iter()
        .map(|w| (w.key, w.reference.map(|r| r.to_string()).map_err(|_| ())))
        .collect()
}

fn rows(res: &Resolution, all: bool, refs: &BTreeMap<String, Result<String, ()>>) -> Vec<Row> {
    let mut map: BTreeMap<String, Row> = res
        .vars
        .values()
        .map(|v| {
            (
                v.key.clone(),
                Row {
                    key: v.key.clone(),
                    winner: v.winner.clone(),
                    shadowed: v.shadowed.clone(),
                    reference: refs.get(&v.key).cloned(),
                    resolved: res.resolved.contains(&v.key),
                },
            )
        })
        .collect();
    if all {
        for (k, v) in res.process.iter() {
            let Some(k) = k.to_str() else { continue };
            map.entry(k.to_owned()).or_insert_with(|| Row {
                key: k.to_owned(),
                winner: Definition { origin: process_origin(), value: Secret::new(v.to_string_lossy()) },
                shadowed: Vec::new(),
                reference: None,
                resolved: false,
            });
        }
    }
    map.into_values().collect()
}

fn process_origin() -> Origin {
    Origin { layer: Layer::Process, path: None, line: 0 }
}

/// Runs `tkx env`.
pub fn run(ctx: &mut Context, args: &EnvArgs) -> Result<u8, Error> {
    let res = ctx.load()?;
    for w in res.shadow_warnings() {
        ctx.warn(&w);
    }
    let refs = references(&res);
    // Values that are shown or exported are resolved; a plain listing names the reference.
    let res = if args.reveal || args.export || args.resolve {
        let keys = args.explain.as_ref().filter(|k| !k.is_empty()).map(|k| vec![k.clone()]);
        super::references::resolve(ctx, res, keys.as_deref(), &args.skip_unresolved, &args.refs)?
    } else {
        res
    };
    let rows = rows(&res, args.all, &refs);
    if let Some(key) = &args.explain {
        return explain(ctx, &res, key, args.reveal);
    }
    if res.vars.is_empty() && !ctx.quiet {
        let looked: Vec<&str> = res.sources.iter().map(|s| s.display.as_str()).collect();
        let _ = writeln!(ctx.io.err, "tkx: no env file defines anything; looked in {}", looked.join(", "));
    }
    let out = &mut *ctx.io.out;
    if args.json {
        write_json(out, &res, &rows, args.reveal)?;
    } else if args.export {
        for row in &rows {
            if !is_shell_name(&row.key) {
                if !ctx.quiet {
                    let key = ctx.shown_name(&row.key);
                    let _ =
                        writeln!(ctx.io.err, "tkx: {key} is not a valid shell variable name; not exported");
                }
                continue;
            }
            writeln!(ctx.io.out, "export {}={}", row.key, sh_quote(row.winner.value.expose()))
                .map_err(Error::Output)?;
        }
    } else {
        let paint = ctx.out_paint;
        let shown: Vec<(String, String, String)> = rows
            .iter()
            .map(|r| match (&r.reference, r.resolved) {
                (Some(Ok(reference)), false) => (
                    "(not resolved)".to_owned(),
                    format!("{reference} via {}", r.winner.origin),
                    String::new(),
                ),
                (Some(Err(())), _) => {
                    ("(invalid reference)".to_owned(), r.winner.origin.to_string(), String::new())
                }
                (Some(Ok(reference)), true) => (
                    show_value(&r.winner.value, args.reveal),
                    format!("{reference} via {}", r.winner.origin),
                    r.winner.value.redacted().fingerprint,
                ),
                (None, _) => (
                    show_value(&r.winner.value, args.reveal),
                    r.winner.origin.to_string(),
                    r.winner.value.redacted().fingerprint,
                ),
            })
            .collect();
        let kw = rows.iter().map(|r| r.key.chars().count()).max().unwrap_or(0);
        let vw = shown.iter().map(|s| s.0.chars().count()).max().unwrap_or(0);
        let ow = shown.iter().map(|s| s.1.chars().count()).max().unwrap_or(0);
        for (row, (value, origin, fp)) in rows.iter().zip(&shown) {
            let key = format!("{:kw$}", row.key);
            let value = format!("{value:vw$}");
            let origin = format!("{origin:ow$}");
            writeln!(out, "{}  {}  {}  {}", paint.bold(&key), value, paint.dim(&origin), paint.dim(fp))
                .map_err(Error::Output)?;
        }
    }
    Ok(0)
}

/// A value for the text listing: masked, or revealed with control characters escaped
/// so one variable stays on one line.
fn show_value(value: &Secret, reveal: bool) -> String {
    let v = value.expose();
    if v.is_empty() {
        return "\"\"".to_owned();
    }
    if !reveal {
        return value.redacted().masked;
    }
    if v.chars().any(char::is_control) { v.escape_debug().to_string() } else { v.to_owned() }
}

fn is_shell_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// POSIX single quoting: exact for every byte a value can hold.
pub fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[derive(Serialize)]
struct JsonOrigin<'a> {
    layer: Layer,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
}

impl<'a> From<&'a Origin> for JsonOrigin<'a> {
    fn from(o: &'a Origin) -> Self {
        JsonOrigin { layer: o.layer, path: o.path.as_deref(), line: o.path.as_ref().map(|_| o.line) }
    }
}

#[derive(Serialize)]
struct JsonDefinition<'a> {
    origin: JsonOrigin<'a>,
    masked: String,
    fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
}

impl<'a> JsonDefinition<'a> {
    fn new(d: &'a Definition, reveal: bool) -> Self {
        let r = d.value.redacted();
        JsonDefinition {
            origin: (&d.origin).into(),
            masked: r.masked,
            fingerprint: r.fingerprint,
            value: reveal.then(|| d.value.expose()),
        }
    }
}

#[derive(Serialize)]
struct JsonVariable<'a> {
    key: &'a str,
    /// The reference the value comes from (`null` for an invalid one).
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    resolved: bool,
    #[serde(flatten)]
    winner: JsonDefinition<'a>,
    shadowed: Vec<JsonDefinition<'a>>,
}

#[derive(Serialize)]
struct JsonSource<'a> {
    layer: Layer,
    path: &'a str,
    status: &'static str,
}

#[derive(Serialize)]
struct JsonEnv<'a> {
    variables: Vec<JsonVariable<'a>>,
    sources: Vec<JsonSource<'a>>,
}

fn write_json(out: &mut dyn Write, res: &Resolution, rows: &[Row], reveal: bool) -> Result<(), Error> {
    let doc = JsonEnv {
        variables: rows
            .iter()
            .map(|r| JsonVariable {
                key: &r.key,
                reference: r.reference.as_ref().map(|x| x.as_ref().ok().map(String::as_str)),
                resolved: r.resolved,
                winner: JsonDefinition::new(&r.winner, reveal),
                shadowed: r.shadowed.iter().map(|d| JsonDefinition::new(d, reveal)).collect(),
            })
            .collect(),
        sources: res
            .sources
            .iter()
            .map(|s| JsonSource {
                layer: s.layer,
                path: &s.display,
                status: match s.status {
                    Status::Loaded(_) => "loaded",
                    Status::Absent => "absent",
                    Status::Skipped(_) => "skipped",
                },
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(|e| Error::Output(e.into()))?;
    writeln!(out).map_err(Error::Output)
}

/// `--explain [KEY]`: every layer's value and which one won.
fn explain(ctx: &mut Context, res: &Resolution, key: &str, reveal: bool) -> Result<u8, Error> {
    let keys: Vec<String> = if key.is_empty() {
        let out = &mut *ctx.io.out;
        writeln!(out, "layers, highest first:").map_err(Error::Output)?;
        writeln!(out, "  process   the environment tkx was started with").map_err(Error::Output)?;
        for s in &res.sources {
            let status = match &s.status {
                Status::Loaded(n) => format!("{n} statements"),
                Status::Absent => "not found".to_owned(),
                Status::Skipped(why) => format!("skipped: {why}"),
            };
            writeln!(out, "  {:8}  {}  ({status})", s.layer.name(), s.display).map_err(Error::Output)?;
        }
        res.vars.keys().cloned().collect()
    } else {
        vec![ctx.key_arg("--explain", key)?.to_owned()]
    };
    let mut missing = false;
    for key in keys {
        let var = res.vars.get(&key);
        let process_value = res.process.get(&key).map(|v| Secret::new(v.to_string_lossy()));
        let mut defs: Vec<(&Definition, bool)> = Vec::new();
        let process_def;
        if let Some(v) = var {
            defs.push((&v.winner, true));
            defs.extend(v.shadowed.iter().map(|d| (d, false)));
        } else if let Some(p) = process_value.clone() {
            process_def = Definition { origin: process_origin(), value: p };
            defs.push((&process_def, true));
        }
        let out = &mut *ctx.io.out;
        let paint = ctx.out_paint;
        writeln!(out).map_err(Error::Output)?;
        match defs.iter().find(|(_, won)| *won) {
            Some((d, _)) => {
                writeln!(out, "{} = {}  from {}", paint.bold(&key), show_value(&d.value, reveal), d.origin)
            }
            None => {
                missing = true;
                writeln!(out, "{}: not set in any layer", paint.bold(&key))
            }
        }
        .map_err(Error::Output)?;
        let line =
            |layer: Layer, place: &str, what: String| format!("  {:8}  {place:40}  {what}", layer.name());
        let mut lines = Vec::new();
        let process_entry = defs.iter().find(|(d, _)| d.origin.layer == Layer::Process);
        lines.push(match process_entry {
            Some((d, won)) => line(Layer::Process, "", verdict(&d.value, *won, reveal)),
            None => line(Layer::Process, "", "not set".into()),
        });
        for s in &res.sources {
            let here: Vec<&(&Definition, bool)> = defs
                .iter()
                .filter(|(d, _)| {
                    d.origin.layer == s.layer && d.origin.path.as_deref() == Some(s.display.as_str())
                })
                .collect();
            if here.is_empty() {
                let why = match &s.status {
                    Status::Loaded(_) => "not set".to_owned(),
                    Status::Absent => "no such file".to_owned(),
                    Status::Skipped(why) => format!("skipped: {why}"),
                };
                lines.push(line(s.layer, &s.display, why));
            }
            for (d, won) in here {
                lines.push(line(s.layer, &d.origin.to_string(), verdict(&d.value, *won, reveal)));
            }
        }
        for l in lines {
            writeln!(out, "{}", l.trim_end()).map_err(Error::Output)?;
        }
    }
    if missing && !key.is_empty() {
        if !ctx.quiet {
            let _ = writeln!(ctx.io.err, "tkx: {key} is not set in any layer");
        }
        return Ok(1);
    }
    Ok(0)
}

fn verdict(value: &Secret, won: bool, reveal: bool) -> String {
    let fp = value.redacted().fingerprint;
    format!("{}  {fp}  {}", show_value(value, reveal), if won { "wins" } else { "shadowed" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sh_quote_handles_single_quotes() {
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
        assert_eq!(sh_quote(""), "''");
    }

    #[test]
    fn shell_names() {
        assert!(is_shell_name("OPENAI_PAT"));
        assert!(is_shell_name("_x1"));
        assert!(!is_shell_name("1X"));
        assert!(!is_shell_name("a.b"));
        assert!(!is_shell_name("a-b"));
    }
}
