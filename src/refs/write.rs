//! `tkx move KEY… --to vault://mount/path` (or `aws-sm://secret-id`): values written
//! into a secret manager through its CLI, the value on stdin, never in argv; fields
//! already there are kept, and one that holds a different value stops the move.

use super::{Backend, Class, Problem, Reference, Runner, Settings};
use crate::secret::Secret;
use serde_json::{Map, Value};
use std::ffi::OsString;
use std::time::Instant;

/// Where `move --to` writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// One Vault/OpenBao secret; each key a field.
    Vault {
        /// The mount.
        mount: String,
        /// The path under it.
        path: String,
    },
    /// One Secrets Manager secret holding a JSON object; each key a JSON key.
    AwsSecret {
        /// Its name.
        id: String,
    },
}

impl Destination {
    /// Reads `--to`: a reference without its field (`vault://kv/app`, `aws-sm://prod/app`).
    pub fn parse(text: &str) -> Result<Destination, String> {
        const FORMS: &str =
            "--to takes vault://mount/path or aws-sm://secret-name (each key becomes a field of that secret)";
        if let Some(rest) = text.strip_prefix("vault://") {
            let (mount, path) = rest.split_once('/').ok_or_else(|| FORMS.to_owned())?;
            if mount.is_empty()
                || path.is_empty()
                || path.split('/').any(str::is_empty)
                || rest.contains(['#', ' '])
            {
                return Err(FORMS.to_owned());
            }
            return Ok(Destination::Vault { mount: mount.to_owned(), path: path.to_owned() });
        }
        if let Some(id) = text.strip_prefix("aws-sm://") {
            if id.is_empty() || id.contains(['#', ' ']) {
                return Err(FORMS.to_owned());
            }
            return Ok(Destination::AwsSecret { id: id.to_owned() });
        }
        if Reference::classify(text).is_some() {
            return Err(format!("{FORMS}; other managers are read (references resolve) but not written yet"));
        }
        Err(FORMS.to_owned())
    }

    /// The reference to `key` in it.
    pub fn reference(&self, key: &str) -> Reference {
        match self {
            Destination::Vault { mount, path } => {
                Reference::Vault { mount: mount.clone(), path: path.clone(), field: key.to_owned() }
            }
            Destination::AwsSecret { id } => {
                Reference::AwsSecret { id: id.clone(), json_key: Some(key.to_owned()) }
            }
        }
    }

    fn backend(&self) -> Backend {
        match self {
            Destination::Vault { .. } => Backend::Vault,
            Destination::AwsSecret { .. } => Backend::AwsSecrets,
        }
    }
}

/// Writes `values` into `dest`, keeping what else it holds. Refuses (writing nothing)
/// when a field already holds a different value.
pub fn store(
    dest: &Destination,
    values: &[(String, Secret)],
    settings: &Settings,
    inherit: &[(OsString, OsString)],
) -> Result<(), Problem> {
    let runner = Runner { settings, inherit, deadline: Instant::now() + settings.timeout };
    let (existing, version) = current(&runner, dest)?;
    let mut merged = existing.clone();
    let mut clashes = Vec::new();
    for (key, value) in values {
        match existing.get(key) {
            Some(v) if super::backends::json_value(v) != value.expose() => clashes.push(key.clone()),
            _ => {
                merged.insert(key.clone(), Value::String(value.expose().to_owned()));
            }
        }
    }
    if !clashes.is_empty() {
        return Err(Problem::new(
            Class::Failed,
            format!("it already holds a different {}; nothing was written", clashes.join(", ")),
        ));
    }
    if merged == existing {
        return Ok(());
    }
    let body = serde_json::to_vec(&Value::Object(merged))
        .map_err(|_| Problem::new(Class::Failed, "the values could not be written as JSON"))?;
    let backend = dest.backend();
    let args: Vec<OsString> = match dest {
        Destination::Vault { mount, path } => {
            let mut args: Vec<OsString> = vec!["kv".into(), "put".into(), format!("-mount={mount}").into()];
            // KV v2: only over the version read, so a write meanwhile is not lost.
            if let Some(v) = version {
                args.push(format!("-cas={v}").into());
            }
            args.push(path.into());
            args.push("-".into());
            args
        }
        Destination::AwsSecret { id } => {
            let exists = version.is_some();
            let op = if exists { "put-secret-value" } else { "create-secret" };
            let mut args = super::backends::aws_args("secretsmanager", op);
            args.push(if exists { "--secret-id" } else { "--name" }.into());
            args.push(id.into());
            args.push("--secret-string".into());
            args.push("file:///dev/stdin".into());
            args
        }
    };
    let ran = runner.run(backend, args, Some(body))?;
    if ran.ok() { Ok(()) } else { Err(Problem::from_stderr(&ran.stderr)) }
}

/// What the secret holds now, and its version (Vault KV v2's, for check-and-set; for
/// AWS, `Some(0)` when it exists). A missing secret is empty.
fn current(runner: &Runner, dest: &Destination) -> Result<(Map<String, Value>, Option<u64>), Problem> {
    let missing = |p: Problem, empty| if p.class == Class::NotFound { Ok(empty) } else { Err(p) };
    match dest {
        Destination::Vault { mount, path } => {
            super::backends::vault_get(runner, mount, path).or_else(|p| missing(p, (Map::new(), None)))
        }
        Destination::AwsSecret { id } => {
            let text = match super::backends::aws_secret(runner, id) {
                Ok(text) => text,
                Err(p) => return missing(p, (Map::new(), None)),
            };
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => Ok((map, Some(0))),
                _ if text.is_empty() => Ok((Map::new(), Some(0))),
                _ => Err(Problem::new(
                    Class::Failed,
                    format!(
                        "{id} holds a plain string, not a JSON object: tkx adds keys only to a JSON secret"
                    ),
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations() {
        assert_eq!(
            Destination::parse("vault://kv/team/app"),
            Ok(Destination::Vault { mount: "kv".into(), path: "team/app".into() })
        );
        assert_eq!(
            Destination::parse("aws-sm://prod/app"),
            Ok(Destination::AwsSecret { id: "prod/app".into() })
        );
        for bad in ["vault://kv", "vault://kv/app#f", "aws-sm://", "gcp-sm://p/s", "s3://b/k", "vault:///app"]
        {
            assert!(Destination::parse(bad).is_err(), "{bad}");
        }
        assert!(Destination::parse("op://v/i/f").unwrap_err().contains("not written yet"));
        assert_eq!(
            Destination::parse("vault://kv/app").unwrap().reference("OPENAI").to_string(),
            "vault://kv/app#OPENAI"
        );
    }
}
