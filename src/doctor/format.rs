//! `format`: a value whose key names a known provider but does not look like that
//! provider's key (`OPENAI_PAT` not starting with `sk-`). Usually a key pasted into
//! the wrong variable, or a truncated paste.

use super::{Check, Project, location_of};
use crate::layers::Layer;
use crate::report::Finding;
use crate::secret::is_placeholder;
use crate::secret::providers::{provider_for_key, provider_for_value};

/// The check.
pub struct Format;

impl Check for Format {
    fn name(&self) -> &'static str {
        "format"
    }

    fn run(&self, project: &Project) -> Vec<Finding> {
        let Ok(res) = project.resolution() else { return Vec::new() };
        let mut out = Vec::new();
        for var in res.vars.values() {
            let def = &var.winner;
            let value = def.value.expose();
            if def.origin.layer == Layer::Process
                || value.is_empty()
                || is_placeholder(value)
                || crate::layers::reference_of(def).is_some()
            {
                continue;
            }
            let Some(provider) = provider_for_key(&var.key) else { continue };
            if provider.prefixes.iter().any(|p| value.starts_with(p)) {
                continue;
            }
            let looks = match provider_for_value(value) {
                Some(other) if other.name != provider.name => {
                    format!("; it looks like {} key", a(other.name))
                }
                _ => String::new(),
            };
            out.push(
                Finding::warning(
                    "doctor/format",
                    format!(
                        "{} does not look like {} key (those start with `{}`){looks}",
                        var.key,
                        a(provider.name),
                        provider.prefixes.join("`, `")
                    ),
                )
                .located(location_of(&def.origin))
                .secret(def.value.redacted())
                .hint("check that the right key was pasted into the right variable, in full"),
            );
        }
        out
    }
}

/// The name with its indefinite article: "an OpenAI", "a GitHub".
fn a(name: &str) -> String {
    let vowel = name.chars().next().is_some_and(|c| "AEIOUaeiou".contains(c));
    format!("{} {name}", if vowel { "an" } else { "a" })
}
