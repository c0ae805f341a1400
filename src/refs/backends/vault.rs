//! `vault://mount/path#field` through `vault` or `bao`: one `kv get` per path, however
//! many fields of it are wanted. The CLI detects KV v1 or v2 from the mount itself.

use super::{Job, all_failed, json_value, parse_json};
use crate::refs::{Backend, Class, Problem, Reference, Runner};
use crate::secret::Secret;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::ffi::OsString;

pub(super) fn jobs<'a>(refs: Vec<(usize, &'a Reference)>) -> Vec<Job<'a>> {
    let mut by_path: BTreeMap<(&str, &str), Vec<(usize, &Reference)>> = BTreeMap::new();
    for (i, r) in refs {
        if let Reference::Vault { mount, path, .. } = r {
            by_path.entry((mount.as_str(), path.as_str())).or_default().push((i, r));
        }
    }
    by_path
        .into_iter()
        .map(|((mount, path), refs)| -> Job<'a> {
            Box::new(move |runner: &Runner| read(runner, mount, path, &refs))
        })
        .collect()
}

/// The CLI's name: `vault` when installed, else `bao`.
pub(crate) fn cli_name(runner_inherit: &[(OsString, OsString)]) -> &'static str {
    if crate::refs::cli::which(std::path::Path::new("vault"), runner_inherit).is_some() {
        "vault"
    } else {
        "bao"
    }
}

/// The address and namespace from `.tkx.toml`, under both CLIs' names.
pub(crate) fn env(settings: &crate::refs::BackendSettings) -> Vec<(OsString, OsString)> {
    let mut env = Vec::new();
    for (value, names) in [
        (&settings.address, ["VAULT_ADDR", "BAO_ADDR"]),
        (&settings.namespace, ["VAULT_NAMESPACE", "BAO_NAMESPACE"]),
    ] {
        if let Some(v) = value {
            env.extend(names.iter().map(|n| (OsString::from(n), OsString::from(v))));
        }
    }
    env
}

/// The fields of the secret at `mount`/`path` (one `kv get`), and its version when the
/// mount is KV v2. A secret that is not there is a `NotFound` problem.
pub(crate) fn get(
    runner: &Runner,
    mount: &str,
    path: &str,
) -> Result<(Map<String, Value>, Option<u64>), Problem> {
    let args: Vec<OsString> =
        vec!["kv".into(), "get".into(), "-format=json".into(), format!("-mount={mount}").into(), path.into()];
    let ran = runner.run(Backend::Vault, args, None)?;
    if !ran.ok() {
        let p = Problem::from_stderr(&ran.stderr);
        // `kv get` of a missing secret prints "No value found" (exit 2).
        return Err(if p.detail.is_empty() {
            Problem::new(Class::NotFound, format!("nothing at {mount}/{path}"))
        } else {
            p
        });
    }
    let name = runner.settings.program(Backend::Vault, runner.inherit).display().to_string();
    let json = parse_json(&ran.stdout, &name)?;
    let data = json.get("data").cloned().unwrap_or(Value::Null);
    // KV v2 nests the fields under data.data, beside data.metadata; v1 has them in data.
    let v2 = data.get("metadata").is_some() && data.get("data").is_some_and(Value::is_object);
    let version = if v2 { data.pointer("/metadata/version").and_then(Value::as_u64) } else { None };
    let fields = if v2 { data.get("data").cloned() } else { Some(data) };
    Ok((fields.and_then(|f| f.as_object().cloned()).unwrap_or_default(), version))
}

fn read(
    runner: &Runner,
    mount: &str,
    path: &str,
    refs: &[(usize, &Reference)],
) -> Vec<(usize, Result<Secret, Problem>)> {
    let fields = match get(runner, mount, path) {
        Ok((fields, _)) => fields,
        Err(p) => return all_failed(refs, &p),
    };
    refs.iter()
        .map(|(i, r)| {
            let Reference::Vault { field, .. } = r else {
                return (*i, Err(Problem::new(Class::Failed, "not a Vault reference")));
            };
            let value = fields.get(field.as_str());
            (
                *i,
                match value {
                    Some(v) if !v.is_null() => Ok(Secret::new(json_value(v))),
                    _ => Err(Problem::new(
                        Class::NotFound,
                        format!("the secret at {mount}/{path} has no field {field}"),
                    )),
                },
            )
        })
        .collect()
}
