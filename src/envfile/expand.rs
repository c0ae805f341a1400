//! Variable expansion: turns a [`RawValue`] into text, given a lookup.
//!
//! The lookup decides what a name means (PRODUCT.md: what the child will get);
//! this module only applies the POSIX meanings of `$X`, `${X:-d}` and `${X-d}`.

use super::parse::{Piece, RawValue};
use std::collections::HashSet;

/// A reference to a name that `lookup` did not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undefined {
    /// The name. It is text from the value (in `Ab9$xK2m` the name is `xK2m`, the rest
    /// of a password): never put it in a message.
    pub name: String,
    /// Byte offset of its `$` in the parsed text: what messages point at instead.
    pub at: usize,
}

/// The expansion of a value would be longer than the limit it was given: it was
/// stopped there, so no input can make tkx allocate more than the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLong;

/// Expands `value`, to at most `limit` bytes. Names that `lookup` does not know expand
/// to empty and are appended to `undefined` (only those without a default, each name
/// once).
pub fn expand(
    value: &RawValue,
    lookup: &mut dyn FnMut(&str) -> Option<String>,
    undefined: &mut Vec<Undefined>,
    limit: usize,
) -> Result<String, TooLong> {
    match value {
        RawValue::Literal(s) if s.len() > limit => Err(TooLong),
        RawValue::Literal(s) => Ok(s.clone()),
        RawValue::Template(pieces) => {
            let mut run = Run { lookup, undefined, seen: HashSet::new(), limit, out: String::new() };
            run.pieces(pieces)?;
            Ok(run.out)
        }
    }
}

/// One expansion in progress.
struct Run<'a> {
    lookup: &'a mut dyn FnMut(&str) -> Option<String>,
    undefined: &'a mut Vec<Undefined>,
    /// The undefined names already reported.
    seen: HashSet<String>,
    limit: usize,
    out: String,
}

impl Run<'_> {
    fn push(&mut self, s: &str) -> Result<(), TooLong> {
        if self.out.len() + s.len() > self.limit {
            return Err(TooLong);
        }
        self.out.push_str(s);
        Ok(())
    }

    fn pieces(&mut self, pieces: &[Piece]) -> Result<(), TooLong> {
        for piece in pieces {
            match piece {
                Piece::Lit(s) => self.push(s)?,
                Piece::Var { name, default, at } => {
                    let found = (self.lookup)(name);
                    match (found, default) {
                        (Some(v), Some(d)) if d.if_empty && v.is_empty() => self.pieces(&d.pieces)?,
                        (Some(v), _) => self.push(&v)?,
                        (None, Some(d)) => self.pieces(&d.pieces)?,
                        (None, None) => {
                            if self.seen.insert(name.clone()) {
                                self.undefined.push(Undefined { name: name.clone(), at: *at });
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envfile::parse::parse;
    use std::collections::HashMap;

    fn run(text: &str, vars: &[(&str, &str)]) -> (String, Vec<String>) {
        let map: HashMap<&str, &str> = vars.iter().copied().collect();
        let parsed = parse(text);
        let mut undefined = Vec::new();
        let mut lookup = |n: &str| map.get(n).map(|v| v.to_string());
        let v = expand(&parsed.entries[0].value, &mut lookup, &mut undefined, usize::MAX).unwrap();
        (v, undefined.into_iter().map(|u| u.name).collect())
    }

    #[test]
    fn posix_defaults() {
        assert_eq!(run("A=${X:-d}", &[]).0, "d");
        assert_eq!(run("A=${X:-d}", &[("X", "")]).0, "d");
        assert_eq!(run("A=${X:-d}", &[("X", "v")]).0, "v");
        assert_eq!(run("A=${X-d}", &[]).0, "d");
        assert_eq!(run("A=${X-d}", &[("X", "")]).0, "");
        assert_eq!(run("A=${X:-${Y:-z}}", &[]).0, "z");
        assert_eq!(run("A=${X:-${Y:-z}}", &[("Y", "y")]).0, "y");
        assert_eq!(run("A=${X:-$Y/p}", &[("Y", "/h")]).0, "/h/p");
    }

    #[test]
    fn undefined_names_expand_to_empty_and_are_reported_once() {
        assert_eq!(run("A=pa$$word", &[]), ("pa$".to_owned(), vec!["word".to_owned()]));
        assert_eq!(run("A=$X$X", &[]), (String::new(), vec!["X".to_owned()]));
        assert_eq!(run("A=${X:-d}", &[]).1, Vec::<String>::new());
    }

    #[test]
    fn undefined_references_point_at_their_dollar() {
        let at = |text: &str| {
            let mut undefined = Vec::new();
            expand(&parse(text).entries[0].value, &mut |_| None, &mut undefined, usize::MAX).unwrap();
            undefined.iter().map(|u| u.at).collect::<Vec<_>>()
        };
        assert_eq!(at("PW=Ab9$xK2m"), [6]);
        assert_eq!(at("  PW =x\nPW=a$B${C}"), [12, 14]);
        assert_eq!(at("PW=\"a\r\nb\r\n$X ${Y:-$Z}\""), [10, 18]);
        assert_eq!(at("PW='$X'"), Vec::<usize>::new());
    }

    #[test]
    fn expansion_stops_at_its_limit() {
        let parsed = parse("A=${X}${X}${X}${X}");
        let mut lookup = |_: &str| Some("0123456789".to_owned());
        let v = &parsed.entries[0].value;
        assert_eq!(expand(v, &mut lookup, &mut Vec::new(), 40).unwrap().len(), 40);
        assert_eq!(expand(v, &mut lookup, &mut Vec::new(), 39), Err(TooLong));
    }

    #[test]
    fn expansion_is_not_recursive() {
        // The value of X is inserted as text, never expanded again.
        assert_eq!(run("A=$X", &[("X", "$HOME")]).0, "$HOME");
    }
}
