//! `tkx env`: masked listing, JSON, `--explain`, `--export`, `--reveal`.

use crate::support::{TestEnv, assert_no_leak, has, stderr, stdout};
use predicates::prelude::*;
use serde::Deserialize;

const KEY: &str = "sk-proj-ENVtestKEY0123456789abcdefghiJKLM";

fn project() -> TestEnv {
    let env = TestEnv::new();
    env.write(".env", format!("# keys\nOPENAI_PAT={KEY}\nPORT=8080\nexport NAME='tkx user'\n"));
    env
}

#[test]
fn listing_is_masked_with_origin_and_fingerprint() {
    use tkx::secret::fingerprint;
    let env = project();
    let out = env.tkx(["env"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let lines: Vec<Vec<String>> =
        text.lines().map(|l| l.split_whitespace().map(str::to_owned).collect()).collect();
    let row = |k: &str, v: &str, o: &str, fp: String| vec![k.to_owned(), v.to_owned(), o.to_owned(), fp];
    assert_eq!(
        lines,
        [
            row("NAME", "********", ".env:4", fingerprint("tkx user")),
            row("OPENAI_PAT", "sk-p**********JKLM", ".env:2", fingerprint(KEY)),
            row("PORT", "********", ".env:3", fingerprint("8080")),
        ]
    );
    assert_no_leak(&out, KEY);
}

#[test]
fn fingerprints_are_sha256_prefixes() {
    use sha2::{Digest, Sha256};
    let hex: String = Sha256::digest(KEY.as_bytes()).iter().take(6).map(|b| format!("{b:02x}")).collect();
    assert_eq!(tkx::secret::fingerprint(KEY), format!("sha256:{hex}"));
}

#[test]
fn all_adds_process_only_variables() {
    let env = project();
    env.tkx(["env"])
        .env("ONLY_IN_PROCESS", "x")
        .assert()
        .stdout(predicate::str::contains("ONLY_IN_PROCESS").not());
    env.tkx(["env", "--all"])
        .env("ONLY_IN_PROCESS", "x")
        .assert()
        .stdout(predicate::str::is_match(r"(?m)^ONLY_IN_PROCESS +\*{8} +process ").unwrap());
}

#[test]
fn reveal_shows_values() {
    let env = project();
    env.tkx(["env", "--reveal"]).assert().success().stdout(predicate::str::contains(KEY));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonEnv {
    variables: Vec<JsonVar>,
    sources: Vec<JsonSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonVar {
    key: String,
    origin: JsonOrigin,
    masked: String,
    fingerprint: String,
    value: Option<String>,
    shadowed: Vec<JsonShadowed>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonShadowed {
    origin: JsonOrigin,
    masked: String,
    fingerprint: String,
    value: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonOrigin {
    layer: String,
    path: Option<String>,
    line: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonSource {
    layer: String,
    path: String,
    status: String,
}

#[test]
fn json_has_stable_fields_and_no_values() {
    let env = project();
    env.write_abs(&env.tkx_dir().join(".env"), "PORT=9090\n");
    let out = env.tkx(["env", "--json"]).output().unwrap();
    assert_no_leak(&out, KEY);
    let doc: JsonEnv = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let keys: Vec<&str> = doc.variables.iter().map(|v| v.key.as_str()).collect();
    assert_eq!(keys, ["NAME", "OPENAI_PAT", "PORT"]);
    let pat = &doc.variables[1];
    assert_eq!(
        (pat.origin.layer.as_str(), pat.origin.path.as_deref(), pat.origin.line),
        ("project", Some(".env"), Some(2))
    );
    assert_eq!(pat.masked, "sk-p**********JKLM");
    assert!(pat.fingerprint.starts_with("sha256:") && pat.value.is_none());
    let port = &doc.variables[2];
    assert_eq!(port.origin.layer, "user");
    assert_eq!(port.shadowed.len(), 1);
    assert_eq!(port.shadowed[0].origin.layer, "project");
    assert!(port.shadowed[0].value.is_none() && port.shadowed[0].masked == "********");
    assert!(!port.shadowed[0].fingerprint.is_empty());
    let layers: Vec<(&str, &str)> =
        doc.sources.iter().map(|s| (s.layer.as_str(), s.status.as_str())).collect();
    assert_eq!(layers, [("private", "absent"), ("user", "loaded"), ("project", "loaded")]);
    assert!(doc.sources[1].path.ends_with("tkx/.env"));
    // --reveal adds the values.
    let out = env.tkx(["env", "--json", "--reveal"]).output().unwrap();
    let doc: JsonEnv = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc.variables[1].value.as_deref(), Some(KEY));
}

#[test]
fn explain_shows_every_layer_and_the_winner() {
    let env = project();
    env.write(".env.dev", "PORT=3000\n");
    env.write_abs(&env.tkx_dir().join(".env"), "PORT=9090\n");
    let out = env.tkx(["-p", "dev", "env", "--explain", "PORT"]).env("PORT", "1").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<Vec<&str>> = text.lines().skip(2).map(|l| l.split_whitespace().collect()).collect();
    assert!(text.contains("PORT = ********  from process"), "{text}");
    assert_eq!(rows[0][0], "process");
    assert_eq!(rows[0].last(), Some(&"wins"));
    assert_eq!((rows[1][0], rows[1].last().copied()), ("private", Some("file")));
    assert_eq!((rows[2][0], rows[2].last().copied()), ("user", Some("shadowed")));
    assert_eq!(
        (rows[3][0], rows[3][1], rows[3].last().copied()),
        ("profile", ".env.dev:1", Some("shadowed"))
    );
    assert_eq!((rows[4][0], rows[4][1], rows[4].last().copied()), ("project", ".env:3", Some("shadowed")));
}

#[test]
fn explain_of_an_unknown_key_exits_1() {
    let env = project();
    env.tkx(["env", "--explain", "NOPE"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("NOPE: not set in any layer"))
        .stderr(predicate::str::contains("NOPE is not set in any layer"));
}

#[test]
fn explain_without_a_key_lists_the_layers() {
    let env = project();
    let out = env.tkx(["env", "--explain"]).output().unwrap();
    let text = stdout(&out);
    assert!(text.starts_with("layers, highest first:\n  process"), "{text}");
    assert!(text.contains("project   .env  (3 statements)"), "{text}");
    assert!(text.contains("OPENAI_PAT = sk-p**********JKLM  from .env:2"), "{text}");
    assert_no_leak(&out, KEY);
}

/// Values that are hard to quote; each must survive `eval "$(tkx env --export)"`.
const TRICKY: &str = r#"Q1="it's \"quoted\""
Q2='$HOME and `cmd` and $(cmd)'
Q3="line1\nline2\ttab"
Q4="back\\slash\\"
Q5=ünïcödé ☃
Q6='  spaces  '
Q7=
Q8="\$dollar"
"#;

#[test]
fn export_round_trips_through_real_shells() {
    let env = TestEnv::new();
    env.write(".env", TRICKY);
    let keys = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8"];
    for shell in ["sh", "bash", "zsh", "dash"] {
        if !has(shell) {
            eprintln!("skipping {shell}: not installed");
            continue;
        }
        let tkx = assert_cmd::cargo::cargo_bin!("tkx");
        for key in keys {
            let expected = env.tkx(["get", key]).output().unwrap().stdout;
            let script = format!("eval \"$('{}' env --export)\"; printf '%s\\n' \"${key}\"", tkx.display());
            let out = std::process::Command::new(shell)
                .args(["-c", &script])
                .current_dir(env.project())
                .env("TKX_DIR", env.tkx_dir())
                .output()
                .unwrap();
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&expected),
                "{shell}: {key} did not round-trip; stderr: {}",
                stderr(&out)
            );
        }
    }
}

#[test]
fn export_skips_names_a_shell_cannot_hold() {
    let env = TestEnv::new();
    env.write(".env", "a.b=1\nGOOD=2\n");
    env.tkx(["env", "--export"])
        .assert()
        .success()
        .stdout("export GOOD='2'\n")
        .stderr(predicate::str::contains("a.b is not a valid shell variable name"));
}

#[test]
fn malformed_lines_warn_with_file_and_line() {
    let env = TestEnv::new();
    env.write(".env", "A=1\nKEY = value\nB=2\n");
    let out = env.tkx(["env"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains(".env:2:4: warning[envfile/spaces-around-equals]"), "{err}");
    assert!(err.contains("write `KEY=value` with no blanks around `=`"), "{err}");
    assert!(!stdout(&out).contains("KEY"));
    env.tkx(["-q", "env"]).assert().stderr("");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let env = TestEnv::new();
    let body: String = (0..5000).map(|i| format!("K{i}=v{i}\n")).collect();
    env.write(".env", body);
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' env | head -n 1; echo \"rc=${{PIPESTATUS:-x}}\"",
            assert_cmd::cargo::cargo_bin!("tkx").display()
        ))
        .current_dir(env.project())
        .env("TKX_DIR", env.tkx_dir())
        .output()
        .unwrap();
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("Broken pipe"), "{}", stderr(&out));
}

#[test]
fn no_color_and_color_never_print_no_escapes() {
    let env = project();
    env.tkx(["--color", "always", "env"]).assert().stdout(predicate::str::contains("\u{1b}["));
    env.tkx(["--color", "never", "env"]).assert().stdout(predicate::str::contains("\u{1b}[").not());
    env.tkx(["env"]).env("NO_COLOR", "1").assert().stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn nothing_loaded_says_where_tkx_looked() {
    let env = TestEnv::new();
    let out = env.tkx(["env"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("tkx: no env file defines anything; looked in "), "{err}");
    assert!(err.contains(".env") && err.lines().count() == 1, "{err}");
    env.write(".env", "A=1\n");
    assert!(env.tkx(["env"]).output().unwrap().stderr.is_empty());
}
