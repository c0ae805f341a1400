//! The process environment as tkx inherited it: the one place it is searched.
//!
//! tkx never changes its own environment; this snapshot is taken once in `lib.rs` and
//! passed down, so tests can hand in any environment they like.

use std::ffi::{OsStr, OsString};
use std::ops::Deref;

/// The inherited environment, in the order the operating system gave it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcessEnv(Vec<(OsString, OsString)>);

impl ProcessEnv {
    /// Wraps a snapshot.
    pub fn new(vars: Vec<(OsString, OsString)>) -> ProcessEnv {
        ProcessEnv(vars)
    }

    /// The value of `name`, if set (an empty value counts as set).
    pub fn get(&self, name: &str) -> Option<&OsStr> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_os_str())
    }

    /// The value of `name` when set and not empty, as text (lossily).
    pub fn get_nonempty(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty()).map(|v| v.to_string_lossy().into_owned())
    }

    /// Whether `name` is set.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The variables whose names and values are both UTF-8.
    pub fn utf8(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().filter_map(|(k, v)| Some((k.to_str()?, v.to_str()?)))
    }
}

impl Deref for ProcessEnv {
    type Target = [(OsString, OsString)];

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl FromIterator<(OsString, OsString)> for ProcessEnv {
    fn from_iter<I: IntoIterator<Item = (OsString, OsString)>>(iter: I) -> Self {
        ProcessEnv(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let p: ProcessEnv = [("A", "1"), ("E", "")].iter().map(|(k, v)| (k.into(), v.into())).collect();
        assert_eq!(p.get("A"), Some(OsStr::new("1")));
        assert!(p.contains("E") && !p.contains("B"));
        assert_eq!(p.get_nonempty("E"), None);
        assert_eq!(p.get_nonempty("A").as_deref(), Some("1"));
    }
}
