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
    if value.is_empty() {
        return String::new();
    }
    let (head, tail) = mask_ends(value);
    mask_joined(&head, &tail)
}

/// The characters [`mask`] shows at the start and at the end of `value`: empty for a
/// value shorter than 20 characters.
pub fn mask_ends(value: &str) -> (String, String) {
    let len = value.chars().count();
    if len < REVEAL_FROM {
        return (String::new(), String::new());
    }
    // Never more than a third of the value in total: 2 * each <= len / 3.
    let each = REVEAL_EACH_END.min(len / 6);
    let head: String = value.chars().take(each).collect();
    let tail: String = value.chars().skip(len - each).collect();
    (head, tail)
}

/// A mask around the ends given: `head`, the stars, `tail`; `********` when both are
/// empty. Secrets that touch are masked as one with the first one's head and the last
/// one's tail (each from [`mask_ends`]), which shows nothing their own masks would not.
pub fn mask_joined(head: &str, tail: &str) -> String {
    if head.is_empty() && tail.is_empty() {
        return SHORT_MASK.to_owned();
    }
    format!("{head}{}{tail}", "*".repeat(STARS))
}

#[cfg(test)]
mod tests {
    use super::{mask, mask_ends, mask_joined};

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
    fn joined_masks_show_the_outer_ends_only() {
        let (head, _) = mask_ends("sk-proj-0123456789abcdefghij25xx");
        let (_, tail) = mask_ends("corp-internal-7Hq2-Zk9wYYq");
        assert_eq!(mask_joined(&head, &tail), "sk-p**********wYYq");
        assert_eq!(mask_ends("short-value"), (String::new(), String::new()));
        assert_eq!(mask_joined("", ""), "********");
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
