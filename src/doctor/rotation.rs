//! `rotation`: a credential whose value tkx first saw more than `[rotation]
//! max_age_days` ago (`.tkx.toml`; default 90, 0 turns the check off) → warning.
//!
//! The dates come from `$TKX_DIR/rotations.json`, which tkx fills whenever it loads or
//! sets a key: the age is "known to this machine since", a lower bound of the real age.

use super::{Check, Project, location_of};
use crate::report::Finding;
use crate::rotation::{self, Ledger, days_between, tracked};
use crate::secret::fingerprint;

/// The check.
pub struct Rotation;

impl Check for Rotation {
    fn name(&self) -> &'static str {
        "rotation"
    }

    fn run(&self, project: &Project) -> Vec<Finding> {
        let (Ok(res), Some(dir)) = (project.resolution(), project.tkx_dir()) else { return Vec::new() };
        let max = project.config().map(|c| c.rotation.max_age_days).unwrap_or(90);
        if max == 0 {
            return Vec::new();
        }
        let ledger = match Ledger::load(dir) {
            Ok(l) => l,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                let file = rotation::path(dir);
                return vec![
                    Finding::warning("doctor/rotation", "not valid JSON: key ages cannot be checked")
                        .at(file.display().to_string(), 0, 0)
                        .hint("fix the file, or move it aside to start a new record"),
                ];
            }
            Err(_) => return Vec::new(),
        };
        let today = rotation::today();
        let mut out = Vec::new();
        for var in res.vars.values() {
            let value = var.winner.value.expose();
            if !tracked(&var.key, value) {
                continue;
            }
            let Some(first) = ledger.first_seen(&fingerprint(value)) else { continue };
            let age = days_between(first, today);
            if age <= i64::from(max) {
                continue;
            }
            out.push(Finding::warning("doctor/rotation", format!(
                    "{} has had the same value for {age} days (first seen {first}); rotate keys at least every {max} days",
                    var.key
                )).located(location_of(&var.winner.origin)).secret(var.winner.value.redacted()).hint(format!(
                    "create a new key at the provider, then `tkx rotate {}`; [rotation] max_age_days in .tkx.toml sets the limit (0 turns this check off)",
                    var.key
                )));
        }
        out
    }
}
