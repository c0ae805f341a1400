//! `azure-kv://vault/name[/version]` through `az keyvault secret show`, one call per
//! secret, all in parallel.

use super::{Job, flag, parse_json};
use crate::refs::{Backend, Class, Problem, Reference, Runner};
use crate::secret::Secret;
use std::ffi::OsString;

pub(super) fn jobs<'a>(refs: Vec<(usize, &'a Reference)>) -> Vec<Job<'a>> {
    refs.into_iter()
        .filter_map(|(i, r)| match r {
            Reference::Azure { vault, name, version } => {
                Some(
                    Box::new(move |runner: &Runner| vec![(i, show(runner, vault, name, version.as_deref()))])
                        as Job<'a>,
                )
            }
            _ => None,
        })
        .collect()
}

fn show(runner: &Runner, vault: &str, name: &str, version: Option<&str>) -> Result<Secret, Problem> {
    let mut args: Vec<OsString> = vec![
        "keyvault".into(),
        "secret".into(),
        "show".into(),
        "--vault-name".into(),
        vault.into(),
        "--name".into(),
        name.into(),
        "--output".into(),
        "json".into(),
    ];
    flag(&mut args, "--version", &version.map(str::to_owned));
    let ran = runner.run(Backend::Azure, args, None)?;
    if !ran.ok() {
        return Err(Problem::from_stderr(&ran.stderr));
    }
    let json = parse_json(&ran.stdout, "az")?;
    match json.get("value").and_then(|v| v.as_str()) {
        Some(v) => Ok(Secret::new(v)),
        None => Err(Problem::new(Class::Failed, format!("az returned no value for {vault}/{name}"))),
    }
}
