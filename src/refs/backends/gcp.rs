//! `gcp-sm://project/secret#version` through `gcloud secrets versions access`, one call
//! per secret version (gcloud has no batch read), all in parallel.

use super::{Job, parse_json};
use crate::refs::{Backend, Class, Problem, Reference, Runner};
use crate::secret::Secret;
use base64::Engine as _;
use std::ffi::OsString;

pub(super) fn jobs<'a>(refs: Vec<(usize, &'a Reference)>) -> Vec<Job<'a>> {
    refs.into_iter()
        .filter_map(|(i, r)| match r {
            Reference::Gcp { project, secret, version } => {
                Some(Box::new(move |runner: &Runner| vec![(i, access(runner, project, secret, version))])
                    as Job<'a>)
            }
            _ => None,
        })
        .collect()
}

fn access(runner: &Runner, project: &str, secret: &str, version: &str) -> Result<Secret, Problem> {
    let args: Vec<OsString> = vec![
        "secrets".into(),
        "versions".into(),
        "access".into(),
        version.into(),
        format!("--secret={secret}").into(),
        format!("--project={project}").into(),
        "--format=json".into(),
        "--quiet".into(),
    ];
    let ran = runner.run(Backend::Gcp, args, None)?;
    if !ran.ok() {
        return Err(Problem::from_stderr(&ran.stderr));
    }
    let json = parse_json(&ran.stdout, "gcloud")?;
    let data = json.pointer("/payload/data").and_then(|d| d.as_str()).unwrap_or("");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(data))
        .map_err(|_| Problem::new(Class::Failed, "gcloud's payload is not base64"))?;
    String::from_utf8(bytes)
        .map(Secret::new)
        .map_err(|_| Problem::new(Class::Invalid, format!("{project}/{secret} holds binary data, not text")))
}
