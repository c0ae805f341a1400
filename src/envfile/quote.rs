//! Writing values so the parser reads them back exactly.
//!
//! `set`, `init` and `move` write with [`quote`]; a property test checks that
//! every value round-trips through [`super::parse()`].

/// Quotes `value` for a `KEY=VALUE` line: bare when it holds only characters that
/// mean nothing special to tkx or to a POSIX shell, single-quoted when that is
/// exact, double-quoted with escapes otherwise.
pub fn quote(value: &str) -> String {
    if value.chars().all(is_bare) {
        return value.to_owned();
    }
    if !value.contains(['\'', '\\', '\r']) {
        return format!("'{value}'");
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '$' => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':' | '@' | '%' | '+' | ',' | '=')
}

#[cfg(test)]
mod tests {
    use super::quote;
    use crate::envfile::expand::expand;
    use crate::envfile::parse::parse;
    use proptest::prelude::*;

    fn round_trip(value: &str) -> Option<String> {
        let text = format!("K={}\n", quote(value));
        let parsed = parse(&text);
        if !parsed.issues.is_empty() || parsed.entries.len() != 1 {
            return None;
        }
        let mut lookup = |_: &str| Some("EXPANDED".to_owned());
        expand(&parsed.entries[0].value, &mut lookup, &mut Vec::new(), usize::MAX).ok()
    }

    #[test]
    fn styles() {
        assert_eq!(quote("sk-abc_123"), "sk-abc_123");
        assert_eq!(quote(""), "");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("$HOME"), "'$HOME'");
        assert_eq!(quote("it's"), "\"it's\"");
        assert_eq!(quote("a\\"), "\"a\\\\\"");
    }

    #[test]
    fn tricky_values_round_trip() {
        for v in [
            "",
            " lead",
            "trail ",
            "a # b",
            "#x",
            "'",
            "\"",
            "`",
            "\\",
            "a\\'b",
            "$X",
            "${X}",
            "\\$",
            "line\nbreak",
            "cr\rlf\r\n",
            "tab\there",
            "ключ",
            "😀",
            "x'y\"z`",
            "=",
            "a=b",
        ] {
            assert_eq!(round_trip(v).as_deref(), Some(v), "{v:?} quoted as {}", quote(v));
        }
    }

    proptest! {
        #[test]
        fn every_value_round_trips(v in "[^\u{0}]{0,40}") {
            prop_assert_eq!(round_trip(&v), Some(v.clone()), "quoted as {}", quote(&v));
        }

        #[test]
        fn the_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = crate::envfile::file_lints(&parse(&text));
        }

        #[test]
        fn the_parser_never_panics_on_dialect_soup(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("="), Just("'"), Just("\""), Just("`"), Just("\\"), Just("$"), Just("${"),
                    Just("}"), Just(":-"), Just("#"), Just(" "), Just("\t"), Just("\n"), Just("\r\n"),
                    Just("export "), Just("KEY"), Just(":"), Just("\0"), Just("é"), Just("\u{feff}"),
                ],
                0..60,
            )
        ) {
            let text: String = parts.concat();
            let _ = crate::envfile::file_lints(&parse(&text));
        }
    }
}
