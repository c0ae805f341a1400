//! `references`: every reference to a secret manager in the project's layers can be
//! resolved here: its CLI is installed (and, with `tkx doctor --online`, logged in).
//! Malformed references are `envfile/invalid-reference` lints, reported with the syntax.

use super::{Check, Project};
use crate::refs::{Backend, Settings};
use crate::report::Finding;
use std::collections::BTreeMap;

/// The check.
pub struct References;

/// Each backend the layers' references use, with where it is first used and how many.
fn used(project: &Project) -> BTreeMap<Backend, (crate::layers::Origin, usize)> {
    let mut out: BTreeMap<Backend, (crate::layers::Origin, usize)> = BTreeMap::new();
    let Ok(res) = project.resolution() else { return out };
    for d in res.vars.values().flat_map(|v| v.definitions()) {
        if let Some(Ok(r)) = crate::layers::reference_of(d) {
            out.entry(r.backend()).or_insert_with(|| (d.origin.clone(), 0)).1 += 1;
        }
    }
    out
}

fn settings(project: &Project) -> Settings {
    project.config().ok().and_then(|c| Settings::from_config(&c.refs, None).ok()).unwrap_or_default()
}

fn at(f: Finding, origin: &crate::layers::Origin) -> Finding {
    f.at(origin.path.as_deref().unwrap_or(""), origin.line, 0)
}

impl Check for References {
    fn name(&self) -> &'static str {
        "references"
    }

    fn run(&self, project: &Project) -> Vec<Finding> {
        let settings = settings(project);
        let inherit: &[(std::ffi::OsString, std::ffi::OsString)] = project.process();
        used(project)
            .into_iter()
            .filter(|(b, _)| crate::refs::cli::which(&settings.program(*b, inherit), inherit).is_none())
            .map(|(b, (origin, n))| {
                let program = settings.program(b, inherit);
                at(
                    Finding::error(
                        "doctor/reference-cli",
                        format!(
                            "{n} {} to {} ({}) cannot be resolved here: {}",
                            if n == 1 { "reference" } else { "references" },
                            b.product(),
                            b.scheme(),
                            settings.missing(b, &program.display().to_string())
                        ),
                    ),
                    &origin,
                )
                .hint(crate::refs::install_hint(b))
            })
            .collect()
    }
}

/// `--online`: one finding per backend whose CLI is installed but not logged in (or
/// cannot reach its service), run in parallel.
pub fn online(project: &Project) -> Vec<Finding> {
    let settings = settings(project);
    let inherit: &[(std::ffi::OsString, std::ffi::OsString)] = project.process();
    let used: Vec<(Backend, (crate::layers::Origin, usize))> = used(project)
        .into_iter()
        .filter(|(b, _)| crate::refs::cli::which(&settings.program(*b, inherit), inherit).is_some())
        // SSM and Secrets Manager share one login.
        .filter(|(b, _)| *b != Backend::AwsParameters)
        .collect();
    let timeout = settings.timeout;
    std::thread::scope(|s| {
        let handles: Vec<_> = used
            .iter()
            .map(|(b, (origin, _))| {
                let settings = &settings;
                s.spawn(move || {
                    crate::refs::login::check(*b, settings, inherit, timeout).err().map(|p| {
                        at(
                            Finding::error(
                                "doctor/reference-login",
                                format!("{} ({}): {}: {}", b.product(), b.scheme(), p.class, p.detail),
                            ),
                            origin,
                        )
                        .hint(format!("log in: {}", crate::refs::login_hint(*b)))
                    })
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok().flatten()).collect()
    })
}
