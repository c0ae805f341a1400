//! Settings files as JSON through a concrete syntax tree (the `jsonc-parser` crate): the
//! members tkx does not touch keep their order, indentation, line breaks and spacing.
//!
//! Shared by the host modules (`hosts/`) for their settings edits, and by `install`
//! (whether a file it created is empty again). A file that is not a strict JSON object
//! is refused with `file:line:column` before anything is written. Nothing here reads or
//! writes files.

use super::state::{FileRecord, Hunk};
use crate::error::Error;
use jsonc_parser::ParseOptions;
use jsonc_parser::cst::{CstArray, CstNode, CstObject, CstRootNode};
use std::path::Path;

/// Parses a settings file, refusing anything that is not a strict JSON object with
/// `file:line:column`.
pub(super) fn parse(text: &str, path: &Path) -> Result<CstRootNode, Error> {
    let refuse = |line: usize, col: usize, what: &str| {
        Error::config(
            format!("{}:{line}:{col}: {what}; nothing was changed", path.display()),
            Some("fix the file (it must be strict JSON: no comments, no trailing commas), then run the command again".into()),
        )
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(_)) => {}
        Ok(_) => return Err(refuse(1, 1, "not a JSON object")),
        Err(e) => {
            return Err(refuse(
                e.line(),
                e.column(),
                &format!("not valid JSON ({})", strip_position(&e.to_string())),
            ));
        }
    }
    CstRootNode::parse(text, &ParseOptions::default())
        .map_err(|e| refuse(1, 1, &format!("not valid JSON ({e})")))
}

/// Parses a settings file that may hold comments (`//`, `/* */`), kept like every other
/// byte; trailing commas only when `trailing_commas` (opencode's JSONC has them, Gemini
/// CLI's settings do not). Anything else is refused as [`parse`] refuses it.
fn parse_with_comments(text: &str, path: &Path, trailing_commas: bool) -> Result<CstRootNode, Error> {
    let refuse = |line: usize, col: usize, what: &str| {
        Error::config(
            format!("{}:{line}:{col}: {what}; nothing was changed", path.display()),
            Some("fix the file (JSON with comments), then run the command again".into()),
        )
    };
    let opts = ParseOptions {
        allow_comments: true,
        allow_trailing_commas: trailing_commas,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        ..ParseOptions::default()
    };
    match jsonc_parser::parse_to_value(text, &opts) {
        Ok(Some(jsonc_parser::JsonValue::Object(_))) => {}
        Ok(_) => return Err(refuse(1, 1, "not a JSON object")),
        Err(e) => {
            return Err(refuse(
                e.line_display(),
                e.column_display(),
                &format!("not valid JSON ({})", e.kind()),
            ));
        }
    }
    CstRootNode::parse(text, &opts).map_err(|e| refuse(1, 1, &format!("not valid JSON ({e})")))
}

fn strip_position(msg: &str) -> String {
    msg.split(" at line ").next().unwrap_or(msg).to_owned()
}

/// The text of a new settings file.
const NEW_FILE: &str = "{}\n";

/// `key` of `obj` as an object, created (and recorded) when missing; an error when it
/// holds something else.
pub(super) fn object(
    obj: &CstObject,
    key: &str,
    path: &Path,
    dotted: &str,
    created: &mut Vec<String>,
) -> Result<CstObject, Error> {
    match obj.get(key) {
        Some(prop) => {
            prop.value().and_then(|v| v.as_object()).ok_or_else(|| shape_error(path, dotted, "an object"))
        }
        None => {
            created.push(dotted.to_owned());
            Ok(obj.object_value_or_set(key))
        }
    }
}

/// Like [`object`], for arrays.
pub(super) fn array(
    obj: &CstObject,
    key: &str,
    path: &Path,
    dotted: &str,
    created: &mut Vec<String>,
) -> Result<(CstArray, bool), Error> {
    match obj.get(key) {
        Some(prop) => prop
            .value()
            .and_then(|v| v.as_array())
            .map(|a| (a, false))
            .ok_or_else(|| shape_error(path, dotted, "an array")),
        None => {
            created.push(dotted.to_owned());
            Ok((obj.array_value_or_set(key), true))
        }
    }
}

/// `key` of `obj` when it is an object; nothing is created.
pub(super) fn existing_object(obj: &CstObject, key: &str) -> Option<CstObject> {
    obj.get(key)?.value()?.as_object()
}

/// `key` of `obj` when it is an array; nothing is created.
pub(super) fn existing_array(obj: &CstObject, key: &str) -> Option<CstArray> {
    obj.get(key)?.value()?.as_array()
}

/// Takes out `key` of `obj` when it holds an empty object or array; whether it did.
pub(super) fn remove_empty(obj: &CstObject, key: &str) -> bool {
    let Some(prop) = obj.get(key) else { return false };
    let empty = match prop.value() {
        Some(v) => {
            v.as_object().is_some_and(|o| o.properties().is_empty())
                || v.as_array().is_some_and(|a| a.elements().is_empty())
        }
        None => false,
    };
    if empty {
        prop.remove();
    }
    empty
}

fn shape_error(path: &Path, key: &str, want: &str) -> Error {
    Error::config(
        format!("{}: `{key}` is not {want}; nothing was changed", path.display()),
        Some("fix the file, then run the command again".into()),
    )
}

/// A string literal's decoded text.
pub(super) fn string_of(node: &CstNode) -> Option<String> {
    node.as_string_lit()?.decoded_value().ok()
}

/// `key` of `obj` when it is a string.
pub(super) fn prop_string(obj: &CstObject, key: &str) -> Option<String> {
    string_of(&obj.get(key)?.value()?)
}

/// Whether settings text is an empty object (or only `version`, a `$schema` the host
/// added itself, as opencode does, and empty `hooks`).
pub(super) fn is_empty_settings(text: &str) -> bool {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(o)) => o.iter().all(|(k, v)| match k.as_str() {
            "version" | "$schema" => true,
            _ => v.as_object().is_some_and(|m| m.is_empty()) || v.as_array().is_some_and(|a| a.is_empty()),
        }),
        _ => false,
    }
}

/// One edit through the syntax tree, recorded as a [`Hunk`].
pub(super) fn pass(
    text: &mut String,
    hunks: &mut Vec<Hunk>,
    path: &Path,
    f: impl FnOnce(&CstObject) -> Result<(), Error>,
) -> Result<(), Error> {
    pass_with(text, hunks, path, parse, f)
}

/// A settings file with what `f` takes out through the syntax tree; `None` when `f` finds
/// nothing to take out (it returns whether it did).
pub(super) fn take_out(
    text: &str,
    path: &Path,
    parse: impl FnOnce(&str, &Path) -> Result<CstRootNode, Error>,
    f: impl FnOnce(&CstObject) -> bool,
) -> Result<Option<String>, Error> {
    let root = parse(text, path)?;
    let Some(obj) = root.object_value() else { return Ok(None) };
    Ok(f(&obj).then(|| root.to_string()))
}

/// Like [`pass`], with `parse` for the file's dialect.
fn pass_with(
    text: &mut String,
    hunks: &mut Vec<Hunk>,
    path: &Path,
    parse: impl FnOnce(&str, &Path) -> Result<CstRootNode, Error>,
    f: impl FnOnce(&CstObject) -> Result<(), Error>,
) -> Result<(), Error> {
    let root = parse(text, path)?;
    let obj = root.object_value_or_set();
    f(&obj)?;
    let next = root.to_string();
    if let Some(h) = Hunk::between(text, &next) {
        hunks.push(h);
    }
    *text = next;
    Ok(())
}

/// Parses a settings file that may hold comments and trailing commas (opencode reads its
/// config as JSONC).
pub(super) fn parse_jsonc(text: &str, path: &Path) -> Result<CstRootNode, Error> {
    parse_with_comments(text, path, true)
}

/// Parses a settings file that may hold comments but no trailing commas (Gemini CLI).
pub(super) fn parse_commented(text: &str, path: &Path) -> Result<CstRootNode, Error> {
    parse_with_comments(text, path, false)
}

/// Like [`pass`], for a file that may hold comments and trailing commas ([`parse_jsonc`]).
pub(super) fn pass_jsonc(
    text: &mut String,
    hunks: &mut Vec<Hunk>,
    path: &Path,
    f: impl FnOnce(&CstObject) -> Result<(), Error>,
) -> Result<(), Error> {
    pass_with(text, hunks, path, parse_jsonc, f)
}

/// Like [`pass`], for a file that may hold comments but no trailing commas
/// ([`parse_commented`]).
pub(super) fn pass_commented(
    text: &mut String,
    hunks: &mut Vec<Hunk>,
    path: &Path,
    f: impl FnOnce(&CstObject) -> Result<(), Error>,
) -> Result<(), Error> {
    pass_with(text, hunks, path, parse_commented, f)
}

/// Runs `edits` on a settings file's text (an empty object when there is none) and
/// returns the new text with the record of what was added: hunks, added values, and the
/// keys tkx created. A file tkx creates ends with a newline.
pub(super) fn edit_settings(
    text: Option<&str>,
    edits: impl FnOnce(&mut String, &mut FileRecord, &mut Vec<String>) -> Result<(), Error>,
) -> Result<(String, FileRecord), Error> {
    let created_file = text.is_none();
    let mut text = text.unwrap_or(NEW_FILE).to_owned();
    let mut record = FileRecord::default();
    let mut keys = Vec::new();
    edits(&mut text, &mut record, &mut keys)?;
    record.created_keys = keys;
    if created_file && !text.ends_with('\n') {
        text.push('\n');
    }
    Ok((text, record))
}
