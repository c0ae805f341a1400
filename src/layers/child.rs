//! The child's environment for `tkx exec`, assembled beside the precedence that decides
//! it: the process environment (or, with `--pure`, a minimal part of it), overlaid with
//! the resolved file values (all, or only the `--only` keys).

use super::Resolution;
use crate::error::{Error, MAX_ENV_STRING};
use std::collections::HashMap;
use std::ffi::OsString;

/// The variables `--pure` keeps from the process environment (and every `LC_*`).
pub const PURE_KEEP: &[&str] = &["PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "TZ", "TMPDIR"];

/// How to build the child's environment.
#[derive(Clone, Copy, Debug, Default)]
pub struct ChildPlan<'a> {
    /// Start from [`PURE_KEEP`] instead of the whole process environment.
    pub pure: bool,
    /// Only these file keys (all when empty).
    pub only: &'a [String],
}

/// The child's whole environment. A value Linux could not pass (over
/// [`MAX_ENV_STRING`] bytes with its key) is an error naming the key.
pub fn child_env(res: &Resolution, plan: ChildPlan) -> Result<Vec<(OsString, OsString)>, Error> {
    let mut env: Vec<(OsString, OsString)> = res
        .process
        .iter()
        .filter(|(k, _)| {
            !plan.pure || k.to_str().is_some_and(|k| PURE_KEEP.contains(&k) || k.starts_with("LC_"))
        })
        .cloned()
        .collect();
    let mut slot: HashMap<OsString, usize> =
        env.iter().enumerate().map(|(i, (k, _))| (k.clone(), i)).collect();
    for var in res.vars.values() {
        if !plan.only.is_empty() && !plan.only.contains(&var.key) {
            continue;
        }
        let bytes = var.key.len() + 1 + var.winner.value.expose().len() + 1;
        if bytes > MAX_ENV_STRING {
            return Err(Error::ValueTooLong { key: var.key.clone(), bytes: bytes - 1 });
        }
        let key = OsString::from(&var.key);
        let value = OsString::from(var.winner.value.expose());
        match slot.get(&key) {
            Some(&i) => {
                if let Some(entry) = env.get_mut(i) {
                    entry.1 = value;
                }
            }
            None => {
                slot.insert(key.clone(), env.len());
                env.push((key, value));
            }
        }
    }
    Ok(env)
}
