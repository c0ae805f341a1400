//! `example`: `.env.example` against the resolved environment, and the examples'
//! own values.
//!
//! - no `.env.example` beside the project's env files → warning;
//! - a required key of the example missing or empty in any layer → error;
//! - a resolved value that was never filled in ([`is_unfilled`]) → error;
//! - a key of the project files that the example does not declare → warning;
//! - a real-looking key inside any example file → error.

use super::{Check, Project, Scope, location_of};
use crate::envfile::{self, RawValue};
use crate::example::{self, Declared};
use crate::layers::Layer;
use crate::report::{Finding, Location, Severity};
use crate::secret::{Secret, is_unfilled, providers::looks_like_real_key};
use std::collections::HashMap;

/// The check.
pub struct Example;

fn finding(
    rule: &'static str,
    severity: Severity,
    location: Option<Location>,
    message: String,
    hint: &str,
) -> Finding {
    Finding::new(rule, severity, message).located(location).hint(hint.to_owned())
}

impl Check for Example {
    fn name(&self) -> &'static str {
        "example"
    }

    fn run(&self, project: &Project) -> Vec<Finding> {
        let mut out = Vec::new();
        let path = project.dir().join(".env.example");
        let shown = project.show(&path);
        let declared: Option<Vec<Declared>> = envfile::read_text(&path).ok().map(|t| example::declared(&t));
        let has_env_here = project
            .env_files()
            .iter()
            .any(|f| f.scope == Scope::Tree && f.path.parent() == Some(project.dir()));
        if declared.is_none() && has_env_here {
            out.push(finding(
                "doctor/example-missing",
                Severity::Warning,
                Some(Location { path: shown.clone(), line: 0, column: 0 }),
                "the project has env files but no .env.example declaring its keys".into(),
                "`tkx diff --write-example` creates one with every key and no values",
            ));
        }
        if let Ok(res) = project.resolution() {
            let by_key: HashMap<&str, &Declared> =
                declared.iter().flatten().map(|d| (d.key.as_str(), d)).collect();
            for d in declared.iter().flatten().filter(|d| d.required) {
                let at = Some(Location { path: shown.clone(), line: d.line, column: 1 });
                match res.get(&d.key) {
                    None => out.push(finding(
                        "doctor/missing-key",
                        Severity::Error,
                        at,
                        format!("{} is required by .env.example but set in no layer", d.key),
                        "set it with `tkx set KEY` or in .env; mark it `# optional` in the example if it is not needed",
                    )),
                    Some(v) if v.is_empty() => out.push(finding(
                        "doctor/missing-key",
                        Severity::Error,
                        at,
                        format!("{} is required by .env.example but its value is empty", d.key),
                        "fill it in, or mark it `# optional` in the example",
                    )),
                    Some(_) => {}
                }
            }
            for var in res.vars.values() {
                let value = var.winner.value.expose();
                let example_value = by_key.get(var.key.as_str()).map(|d| d.placeholder.as_str());
                if !value.is_empty() && is_unfilled(&var.key, value, example_value) {
                    let mut f = finding(
                        "doctor/placeholder",
                        Severity::Error,
                        location_of(&var.winner.origin),
                        format!(
                            "{} still holds a placeholder, not a real value (from {})",
                            var.key, var.winner.origin
                        ),
                        "put the real value in with `tkx set KEY`",
                    );
                    f.secret = Some(var.winner.value.redacted());
                    out.push(f);
                }
                if declared.is_some() && !by_key.contains_key(var.key.as_str()) {
                    let project_defs = std::iter::once(&var.winner)
                        .chain(&var.shadowed)
                        .filter(|d| matches!(d.origin.layer, Layer::Project | Layer::Profile | Layer::File));
                    for def in project_defs {
                        out.push(finding(
                            "doctor/undeclared",
                            Severity::Warning,
                            location_of(&def.origin),
                            format!("{} is not declared in .env.example", var.key),
                            "declare it (with an empty value) so others know the project needs it: `tkx diff --write-example`",
                        ));
                    }
                }
            }
        }
        for ex in project.examples() {
            let Ok(text) = envfile::read_text(&ex.path) else { continue };
            for e in envfile::parse(&text).entries {
                if let RawValue::Literal(v) = &e.value {
                    if looks_like_real_key(v) {
                        let mut f = finding(
                            "doctor/example-secret",
                            Severity::Error,
                            Some(Location { path: ex.display.clone(), line: e.line, column: e.column }),
                            format!("{} in an example file looks like a real key", e.key),
                            "replace it with a placeholder and rotate the key: example files are committed",
                        );
                        f.secret = Some(Secret::new(v.clone()).redacted());
                        out.push(f);
                    }
                }
            }
        }
        out
    }
}
