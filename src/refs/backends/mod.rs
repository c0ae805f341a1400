//! One file per secret manager: how its references become CLI calls (batched where the
//! CLI can), and how its output becomes values.

mod aws;
mod azure;
mod gcp;
mod onepassword;
mod vault;

pub(crate) use aws::{base_args as aws_args, one_secret as aws_secret};
pub(crate) use vault::{cli_name as vault_cli, env as vault_env, get as vault_get};

use super::{Problem, Reference, Runner};
use crate::secret::Secret;

/// One CLI call (or a few, for a fallback) and the references it answers, by their index
/// among the distinct references.
pub(crate) type Job<'a> = Box<dyn FnOnce(&Runner) -> Vec<(usize, Result<Secret, Problem>)> + Send + 'a>;

/// The calls that resolve `refs`: per backend, as few as its CLI allows. The most costly
/// come last, so a pool that pops from the end starts them first.
pub(crate) fn jobs(refs: &[Reference]) -> Vec<Job<'_>> {
    let indexed: Vec<(usize, &Reference)> = refs.iter().enumerate().collect();
    let pick = |f: fn(&Reference) -> bool| -> Vec<(usize, &Reference)> {
        indexed.iter().filter(|(_, r)| f(r)).copied().collect()
    };
    let mut jobs = Vec::new();
    jobs.extend(azure::jobs(pick(|r| matches!(r, Reference::Azure { .. }))));
    jobs.extend(vault::jobs(pick(|r| matches!(r, Reference::Vault { .. }))));
    jobs.extend(aws::parameter_jobs(pick(|r| matches!(r, Reference::AwsParameter { .. }))));
    jobs.extend(aws::secret_jobs(pick(|r| matches!(r, Reference::AwsSecret { .. }))));
    jobs.extend(onepassword::jobs(pick(|r| matches!(r, Reference::OnePassword { .. }))));
    jobs.extend(gcp::jobs(pick(|r| matches!(r, Reference::Gcp { .. }))));
    jobs
}

/// Every index of `refs` answered with the same problem.
fn all_failed(refs: &[(usize, &Reference)], problem: &Problem) -> Vec<(usize, Result<Secret, Problem>)> {
    refs.iter().map(|(i, _)| (*i, Err(problem.clone()))).collect()
}

/// A JSON field as a value: a string as it is, anything else as its JSON text.
pub(crate) fn json_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Parses a CLI's JSON output; output that is not JSON is a failure that quotes nothing.
fn parse_json(stdout: &[u8], cli: &str) -> Result<serde_json::Value, Problem> {
    serde_json::from_slice(stdout).map_err(|_| {
        Problem::new(
            super::Class::Failed,
            format!("{cli} printed something that is not the JSON tkx asked for"),
        )
    })
}

/// `--flag value` when the setting is there.
pub(crate) fn flag(args: &mut Vec<std::ffi::OsString>, name: &str, value: &Option<String>) {
    if let Some(v) = value {
        args.push(name.into());
        args.push(v.into());
    }
}
