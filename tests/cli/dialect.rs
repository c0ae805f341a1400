//! The dialect against dotenvy where both agree, and PRODUCT.md's rules end to end.

use crate::support::TestEnv;

/// Inputs on which python-dotenv, dotenvy and tkx agree.
const AGREED: &[(&str, &str)] = &[
    ("A=1", "1"),
    ("export A=1", "1"),
    ("A='single $NOPE'", "single $NOPE"),
    ("A=\"double\"", "double"),
    ("A=\"esc\\\"aped\"", "esc\"aped"),
    ("A=\"multi\nline\"", "multi\nline"),
    ("A=value # comment", "value"),
    ("A=url#frag", "url#frag"),
    ("A=", ""),
    ("A=\"a\\nb\"", "a\nb"),
    ("A='x' # c", "x"),
    ("  A=indented", "indented"),
    ("A=sk-proj-abc_DEF-123", "sk-proj-abc_DEF-123"),
    ("A=\"ключ ☃\"", "ключ ☃"),
    ("A=a=b=c", "a=b=c"),
];

fn tkx_value(text: &str) -> Option<String> {
    let parsed = tkx::envfile::parse(text);
    let entry = parsed.entries.last()?;
    let mut lookup = |_: &str| None;
    tkx::envfile::expand::expand(&entry.value, &mut lookup, &mut Vec::new(), usize::MAX).ok()
}

#[test]
fn agrees_with_dotenvy() {
    let mut bad = Vec::new();
    for (input, expected) in AGREED {
        let ours = tkx_value(input);
        let theirs = dotenvy::from_read_iter(input.as_bytes()).next().and_then(Result::ok).map(|(_, v)| v);
        if ours.as_deref() != Some(*expected) || theirs.as_deref() != Some(*expected) {
            bad.push(format!("{input:?}: tkx {ours:?}, dotenvy {theirs:?}, expected {expected:?}"));
        }
    }
    assert!(bad.is_empty(), "disagreements:\n{}", bad.join("\n"));
}

#[test]
fn where_dotenvy_differs_tkx_follows_the_contract() {
    // dotenvy accepts blanks around `=`; tkx ignores the line and warns.
    assert!(dotenvy::from_read_iter("A = 1".as_bytes()).next().is_some_and(|r| r.is_ok()));
    assert_eq!(tkx_value("A = 1"), None);
    // Quotes inside an unquoted value are literal (PRODUCT.md); dotenvy strips or rejects them.
    assert_eq!(tkx_value("A={\"json\":1}").as_deref(), Some("{\"json\":1}"));
    assert_eq!(tkx_value("A=O'Brien").as_deref(), Some("O'Brien"));
    assert!(dotenvy::from_read_iter("A=O'Brien".as_bytes()).next().is_some_and(|r| r.is_err()));
    // dotenvy fails on an unterminated quote and stops; tkx skips the line and goes on.
    let parsed = tkx::envfile::parse("A=\"open\nB=2\n");
    assert_eq!(parsed.entries.len(), 1);
    assert_eq!(parsed.entries[0].key, "B");
}

#[test]
fn crlf_files_load_like_lf_files() {
    let env = TestEnv::new();
    env.write(".env", "A=1\r\nB=\"x\r\ny\"\r\nC='z' # c\r\n");
    env.tkx(["exec", "--", "sh", "-c", "printf '%s|%s|%s' \"$A\" \"$B\" \"$C\""])
        .assert()
        .success()
        .stdout("1|x\ny|z");
}

#[test]
fn bom_is_stripped() {
    let env = TestEnv::new();
    env.write(".env", "\u{feff}FIRST=1\n");
    env.tkx(["get", "FIRST"]).assert().success().stdout("1\n");
}
