//! `vault://mount/path#field` through `vault` or `bao`: one `kv get` per path, however
//! many fields of it are wanted. The CLI detects KV v1 or v2 from the mount itself.

use super::{Job, all_failed, json_value, parse_json};
use crate::refs::{Backend, Class, Problem, Reference, Runner};
use crate::secret::Secret;
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

fn read(
    runner: &Runner,
    mount: &str,
    path: &str,
    refs: &[(usize, &Reference)],
) -> Vec<(usize, Result<Secret, Problem>)> {
    let name = cli_name(runner.inherit);
    let args: Vec<OsString> =
        vec!["kv".into(), "get".into(), "-format=json".into(), format!("-mount={mount}").into(), path.into()];
    let ran = match runner.run(Backend::Vault, name, args, None, &env(&runner.settings.vault)) {
        Ok(ran) => ran,
        Err(p) => return all_failed(refs, &p),
    };
    if !ran.ok() {
        let mut p = Problem::from_stderr(&ran.stderr);
        if p.detail.is_empty() {
            p = Problem::new(Class::NotFound, format!("nothing at {mount}/{path}"));
        }
        return all_failed(refs, &p);
    }
    let json = match parse_json(&ran.stdout, name) {
        Ok(j) => j,
        Err(p) => return all_failed(refs, &p),
    };
    let data = json.get("data");
    // KV v2 nests the fields under data.data, beside data.metadata; v1 has them in data.
    let fields = match data {
        Some(d) if d.get("metadata").is_some() && d.get("data").is_some_and(|x| x.is_object()) => {
            d.get("data")
        }
        other => other,
    };
    refs.iter()
        .map(|(i, r)| {
            let Reference::Vault { field, .. } = r else {
                return (*i, Err(Problem::new(Class::Failed, "not a Vault reference")));
            };
            let value = fields.and_then(|f| f.get(field.as_str()));
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
