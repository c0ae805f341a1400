//! `aws-sm://id[#key]` through `aws secretsmanager batch-get-secret-value` (20 ids a
//! call; its per-secret `Errors`, returned with exit 0, are failures) and
//! `aws-ssm://name` through `aws ssm get-parameters --with-decryption` (10 names a call).

use super::{Job, all_failed, parse_json};
use crate::refs::{Backend, Class, Problem, Reference, Runner};
use crate::secret::Secret;
use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::OsString;

/// `SERVICE OPERATION --output json` (the region and profile come from [`Runner::run`]).
pub(crate) fn base_args(service: &str, operation: &str) -> Vec<OsString> {
    vec![service.into(), operation.into(), "--output".into(), "json".into()]
}

pub(super) fn secret_jobs<'a>(refs: Vec<(usize, &'a Reference)>) -> Vec<Job<'a>> {
    let mut by_id: BTreeMap<&str, Vec<(usize, &Reference)>> = BTreeMap::new();
    for (i, r) in refs {
        if let Reference::AwsSecret { id, .. } = r {
            by_id.entry(id.as_str()).or_default().push((i, r));
        }
    }
    let ids: Vec<(&str, Vec<(usize, &Reference)>)> = by_id.into_iter().collect();
    ids.chunks(20)
        .map(|chunk| {
            let chunk = chunk.to_vec();
            Box::new(move |runner: &Runner| secrets(runner, &chunk)) as Job<'a>
        })
        .collect()
}

type Answers = Vec<(usize, Result<Secret, Problem>)>;

fn secrets(runner: &Runner, chunk: &[(&str, Vec<(usize, &Reference)>)]) -> Answers {
    let every: Vec<(usize, &Reference)> = chunk.iter().flat_map(|(_, refs)| refs.iter().copied()).collect();
    let mut args = base_args("secretsmanager", "batch-get-secret-value");
    args.push("--secret-id-list".into());
    args.extend(chunk.iter().map(|(id, _)| OsString::from(*id)));
    let ran = match runner.run(Backend::AwsSecrets, args, None) {
        Ok(r) => r,
        Err(p) => return all_failed(&every, &p),
    };
    let mut by_id: BTreeMap<&str, Result<String, Problem>> = BTreeMap::new();
    if ran.ok() {
        let json = match parse_json(&ran.stdout, "aws") {
            Ok(j) => j,
            Err(p) => return all_failed(&every, &p),
        };
        for (id, _) in chunk {
            by_id.insert(id, from_batch(&json, id));
        }
    } else if unsupported(&ran.stderr) || Problem::from_stderr(&ran.stderr).class == Class::PermissionDenied {
        // An older CLI or endpoint without the batch call, or a login allowed
        // GetSecretValue but not BatchGetSecretValue: one call per secret, at once.
        let answers: Vec<(&str, Result<String, Problem>)> = std::thread::scope(|s| {
            let handles: Vec<_> =
                chunk.iter().map(|(id, _)| s.spawn(move || (*id, one_secret(runner, id)))).collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        by_id.extend(answers);
    } else {
        return all_failed(&every, &Problem::from_stderr(&ran.stderr));
    }
    let mut out = Vec::new();
    for (id, refs) in chunk {
        let got = by_id.get(id).cloned().unwrap_or_else(|| Err(Problem::new(Class::Failed, "no answer")));
        for (i, r) in refs {
            let Reference::AwsSecret { json_key, .. } = r else { continue };
            let answer = got.clone().and_then(|text| match json_key {
                None => Ok(Secret::new(text)),
                Some(key) => json_key_of(&text, id, key),
            });
            out.push((*i, answer));
        }
    }
    out
}

fn unsupported(stderr: &str) -> bool {
    let t = stderr.to_ascii_lowercase();
    t.contains("invalid choice")
        || t.contains("not yet implemented")
        || t.contains("notimplemented")
        || t.contains("unknownoperation")
}

/// One id's answer in a `batch-get-secret-value` result: its `SecretValues` entry (by
/// name, ARN or partial ARN), or its `Errors` entry.
fn from_batch(json: &Value, id: &str) -> Result<String, Problem> {
    let values = json.get("SecretValues").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let matches = |v: &Value| {
        let name = v.get("Name").and_then(Value::as_str).unwrap_or("");
        let arn = v.get("ARN").and_then(Value::as_str).unwrap_or("");
        name == id || arn == id || (id.starts_with("arn:") && arn.starts_with(id))
    };
    if let Some(v) = values.iter().find(|v| matches(v)) {
        return secret_string(v, id);
    }
    let errors = json.get("Errors").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    if let Some(e) = errors.iter().find(|e| e.get("SecretId").and_then(Value::as_str) == Some(id)) {
        let code = e.get("ErrorCode").and_then(Value::as_str).unwrap_or("Error");
        let message = e.get("Message").and_then(Value::as_str).unwrap_or("");
        let mut p = Problem::from_stderr(&format!("{code}: {message}"));
        p.detail = format!("{code}: {message}");
        return Err(p);
    }
    Err(Problem::new(Class::NotFound, format!("Secrets Manager returned nothing for {id}")))
}

fn secret_string(v: &Value, id: &str) -> Result<String, Problem> {
    match v.get("SecretString").and_then(Value::as_str) {
        Some(s) => Ok(s.to_owned()),
        None => Err(Problem::new(Class::Failed, format!("{id} holds binary data, not a string"))),
    }
}

/// One secret's string (`get-secret-value`).
pub(crate) fn one_secret(runner: &Runner, id: &str) -> Result<String, Problem> {
    let mut args = base_args("secretsmanager", "get-secret-value");
    args.push("--secret-id".into());
    args.push(id.into());
    let ran = runner.run(Backend::AwsSecrets, args, None)?;
    if !ran.ok() {
        return Err(Problem::from_stderr(&ran.stderr));
    }
    secret_string(&parse_json(&ran.stdout, "aws")?, id)
}

fn json_key_of(text: &str, id: &str, key: &str) -> Result<Secret, Problem> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return Err(Problem::new(
            Class::Invalid,
            format!("{id} is not a JSON object, so it has no key {key}"),
        ));
    };
    match map.get(key) {
        Some(v) if !v.is_null() => Ok(Secret::new(super::json_value(v))),
        _ => Err(Problem::new(Class::NotFound, format!("the secret {id} has no key {key}"))),
    }
}

pub(super) fn parameter_jobs<'a>(refs: Vec<(usize, &'a Reference)>) -> Vec<Job<'a>> {
    refs.chunks(10)
        .map(|chunk| {
            let chunk = chunk.to_vec();
            Box::new(move |runner: &Runner| parameters(runner, &chunk)) as Job<'a>
        })
        .collect()
}

fn parameters(runner: &Runner, chunk: &[(usize, &Reference)]) -> Answers {
    let names: Vec<&str> = chunk
        .iter()
        .filter_map(|(_, r)| match r {
            Reference::AwsParameter { name } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let mut args = base_args("ssm", "get-parameters");
    args.push("--with-decryption".into());
    args.push("--names".into());
    args.extend(names.iter().map(OsString::from));
    let ran = match runner.run(Backend::AwsParameters, args, None) {
        Ok(r) => r,
        Err(p) => return all_failed(chunk, &p),
    };
    if !ran.ok() {
        return all_failed(chunk, &Problem::from_stderr(&ran.stderr));
    }
    let json = match parse_json(&ran.stdout, "aws") {
        Ok(j) => j,
        Err(p) => return all_failed(chunk, &p),
    };
    let params = json.get("Parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    chunk
        .iter()
        .map(|(i, r)| {
            let Reference::AwsParameter { name } = r else {
                return (*i, Err(Problem::new(Class::Failed, "not a parameter")));
            };
            // A selector (`name:3`, `name:label`) is not part of the name returned.
            let bare = name.split_once(':').map_or(name.as_str(), |(n, _)| n);
            let found = params.iter().find(|p| {
                let n = p.get("Name").and_then(Value::as_str).unwrap_or("");
                n == name || n == bare
            });
            (
                *i,
                match found.and_then(|p| p.get("Value")).and_then(Value::as_str) {
                    Some(v) => Ok(Secret::new(v)),
                    None => Err(Problem::new(Class::NotFound, format!("ParameterNotFound: {name}"))),
                },
            )
        })
        .collect()
}
