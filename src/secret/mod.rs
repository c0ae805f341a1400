//! The one place that knows how a secret value is shown: masked or fingerprinted.
//!
//! Values travel as [`Secret`], which cannot be displayed or serialized; everything
//! that reaches a screen or a report is a [`Redacted`].

pub mod classify;
mod fingerprint;
mod mask;
mod names;
mod placeholder;
pub mod providers;

pub use fingerprint::fingerprint;
pub use mask::{mask, mask_ends, mask_joined};
pub use names::{is_secret_name, looks_like_a_label, looks_like_a_name, names_an_identifier};
pub use placeholder::{is_made_up_words, is_placeholder, is_unfilled};

use std::borrow::Cow;
use std::fmt;

/// Text from where a key name was expected (an argument, a key in a file), as a message
/// may show it: itself when it is a valid key name that does not look like a secret
/// value and is no loaded value (`is_loaded`), else its mask. This is the rule every
/// message that repeats a name follows.
pub fn shown_name<'a>(name: &'a str, is_loaded: impl Fn(&str) -> bool) -> Cow<'a, str> {
    if is_plain_name(name, is_loaded) { Cow::Borrowed(name) } else { Cow::Owned(mask(name)) }
}

/// Whether [`shown_name`] shows `name` as it is.
pub fn is_plain_name(name: &str, is_loaded: impl Fn(&str) -> bool) -> bool {
    crate::envfile::is_valid_key(name) && !classify::name_looks_secret(name) && !is_loaded(name)
}

/// A value that may be a secret. It has no `Display` and no `Serialize`;
/// [`Secret::expose`] is the only way to the bytes and is meant to be easy to grep.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw value. Only the child's environment, `get`, `--reveal` and `--export` use it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in characters.
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The mask and fingerprint of this value.
    pub fn redacted(&self) -> Redacted {
        Redacted { masked: mask(&self.0), fingerprint: fingerprint(&self.0) }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// What may be shown of a secret: its mask and its fingerprint.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Redacted {
    /// The masked value (see [`mask`]).
    pub masked: String,
    /// `sha256:` and 12 hex digits (see [`fingerprint`]).
    pub fingerprint: String,
}

impl fmt::Display for Redacted {
    /// `mask fingerprint`, or `empty` for an empty value: the one way a value is named
    /// in a message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.masked.is_empty() {
            f.write_str("empty")
        } else {
            write!(f, "{} {}", self.masked, self.fingerprint)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_look_like_values_are_masked() {
        let none = |_: &str| false;
        for plain in
            ["OPENAI_API_KEY", "DB_PASSWORD", "AZURE_OPENAI_ENDPOINT_2024", "ReadConfigurationRegister", "A"]
        {
            assert_eq!(shown_name(plain, none), plain);
        }
        for value in [
            "sk-proj-Qm7vX2kLp9RtY4wZ8nB3cF6hJ1dG5sA0eU",
            "ghp_R8x2Lq9Zt4Wv7Yb3Nc6Md1Kf5Hj0Gp2Sa4Ue",
            "Xk29fjQ8vLm3Rt7Wz1Pb5Nc8",
            "a b",
            "",
        ] {
            let shown = shown_name(value, none);
            assert!(value.is_empty() || !shown.contains(value), "{shown}");
        }
        assert_ne!(shown_name("hunter2hunter2", |v| v == "hunter2hunter2"), "hunter2hunter2");
    }

    #[test]
    fn redacted_display_is_mask_and_fingerprint_or_empty() {
        let r = Secret::new("sk-proj-abcdefghijklmnop").redacted();
        assert_eq!(r.to_string(), format!("{} {}", r.masked, r.fingerprint));
        assert_eq!(Secret::new("").redacted().to_string(), "empty");
    }

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("sk-proj-abcdefghijklmnop");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
    }
}
