//! Masking as PRODUCT.md defines it.

/// Values this long or longer show a few characters at each end.
const REVEAL_FROM: usize = 20;
/// At most this many characters are shown at each end.
const REVEAL_EACH_END: usize = 4;
/// The number of `*` between the ends: fixed, so the mask does not tell the length.
const STARS: usize = 10;
/// What a short value shows as.
const SHORT_MASK: &str = "********";

/// Masks a value: values of 20 characters or more show their first and last four
/// characters (fewer when that would reveal more than a third of the value) around
/// ten `*`; shorter values show as `********`; an empty value stays empty.
pub fn mask(value: &str) -> String {
    let len = value.chars().count();
    if len == 0 {
        return String::new();
    }
    if len < REVEAL_FROM {
        return SHORT_MASK.to_owned();
    }
    // Never more than a third of the value in total: 2 * each <= len / 3.
    let each = REVEAL_EACH_END.min(len / 6);
    let head: String = value.chars().take(each).collect();
    let tail: String = value.chars().skip(len - each).collect();
    format!("{head}{}{tail}", "*".repeat(STARS))
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn long_values_show_four_at_each_end() {
        assert_eq!(mask("sk-proj-0123456789abcdefghij25xx"), "sk-p**********25xx");
    }

    #[test]
    fn short_values_are_fully_hidden() {
        assert_eq!(mask("hunter2"), "********");
        assert_eq!(mask("1234567890123456789"), "********");
    }

    #[test]
    fn empty_stays_empty() {
        assert_eq!(mask(""), "");
    }

    #[test]
    fn never_more_than_a_third_is_revealed() {
        for len in 1..200 {
            let v: String = "abcdefghij".chars().cycle().take(len).collect();
            let shown = mask(&v).chars().filter(|c| *c != '*').count();
            assert!(shown * 3 <= len, "len {len}: {shown} shown");
        }
    }

    #[test]
    fn multibyte_values_do_not_panic() {
        let v = "ключ-ключ-ключ-ключ-ключ-ключ";
        let m = mask(v);
        assert!(m.starts_with("ключ"));
        assert!(m.ends_with("ключ"));
    }
}
