//! Issue #13, the engine's part of "nothing slips past": keys right after an escape,
//! keys in UTF-16 files, and values that merely look like placeholders are found by
//! `scan` and the pre-commit hook and masked by `redact`; placeholders as a whole stay
//! quiet. Every planted secret is checked never to appear in any output.

use crate::support::{JsonReport, TestEnv, stderr, stdout};

/// Keys of several providers, assembled at run time so that this file holds no whole
/// fake key: (rule, key).
fn keys() -> Vec<(&'static str, String)> {
    [
        ("openai-project-key", "sk-proj-", "Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6T3BlbkFJVc3Xz7Qw5"),
        (
            "anthropic-api-key",
            "sk-ant-api03-",
            "Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6Vc3Xz7Qw5Ep2Ry9Ut4Io8Pa1Sd6Fg3Hj7Kl0Zx5Cv2Bn9Mq-AAAA",
        ),
        ("github-token", "ghp_", "Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra"),
        ("aws-access-key-id", "AKIA", "Z7QW5EP2RY4UT6IO"),
        ("stripe-secret-key", "sk_live_", "51Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra"),
        ("slack-token", "xoxb-", "1234567890123-1234567890123-Xr4bT9qLm2Vz8Kp1Wn6Yc3Hd"),
        ("google-api-key", "AIza", "SyXr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue"),
        ("gitlab-token", "glpat-", "Xr4bT9qLm2Vz8Kp1Wn6Y"),
    ]
    .into_iter()
    .map(|(rule, a, b)| (rule, format!("{a}{b}")))
    .collect()
}

/// What stands right before a key in logs, JSON, C strings and URLs, and what follows it.
const CONTEXTS: &[(&str, &str)] = &[
    ("INFO \x1b[32m", "\x1b[0m ready"),
    ("\x1b[1;31mERROR\x1b[0m \x1b[33m", "\x1b[0m"),
    ("{\"msg\": \"token follows\\n", "\\n\"}"),
    ("{\"msg\": \"a\\t", "\\tb\"}"),
    ("printf(\"\\x1b[32m", "\\x1b[0m\\n\");"),
    ("{\"log\": \"\\u001b[32m", "\\u001b[0m\"}"),
    ("curl -H Authorization:Bearer%20", "%0A"),
    ("GET /callback?code=1&token%3D", "&state=x"),
];

/// Fails if `secret` or any 12-character run of it appears on stdout or stderr.
fn assert_nothing_of(out: &std::process::Output, secret: &str) {
    let chars: Vec<char> = secret.chars().collect();
    for (name, stream) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(stream);
        for run in chars.windows(12.min(chars.len())) {
            let run: String = run.iter().collect();
            assert!(!text.contains(&run), "a run of a secret leaked on {name}:\n{text}");
        }
    }
}

fn fingerprint(secret: &str) -> String {
    tkx::secret::fingerprint(secret)
}

/// A file holding each key in each context, one a line; the expected (line, rule, key).
fn escaped_keys_file() -> (String, Vec<(usize, &'static str, String)>) {
    let mut text = String::new();
    let mut expected = Vec::new();
    for (rule, key) in keys() {
        for (before, after) in CONTEXTS {
            text.push_str(&format!("{before}{key}{after}\n"));
            expected.push((expected.len() + 1, rule, key.clone()));
        }
    }
    (text, expected)
}

fn json(out: &std::process::Output) -> JsonReport {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

#[test]
fn scan_finds_keys_of_every_provider_right_after_an_escape() {
    let env = TestEnv::new();
    let (text, expected) = escaped_keys_file();
    env.write("logs/run.log", &text);
    let out = env.tkx(["scan", "--format", "json"]).output().unwrap();
    for (_, key) in keys() {
        assert_nothing_of(&out, &key);
    }
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let got: Vec<(usize, String, Option<String>)> =
        report.findings.iter().map(|f| (f.line, f.rule.clone(), f.fingerprint.clone())).collect();
    let want: Vec<(usize, String, Option<String>)> = expected
        .iter()
        .map(|(line, rule, key)| (*line, format!("scan/{rule}"), Some(fingerprint(key))))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn a_key_glued_to_a_word_stays_a_non_match() {
    let env = TestEnv::new();
    let mut text = String::new();
    for (_, key) in keys() {
        text.push_str(&format!("token_{key}\nxx{key}\nBearer20{key}\n"));
    }
    env.write("ids.txt", &text);
    let out = env.tkx(["scan"]).output().unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "0 errors, 0 warnings, 0 notes\n"));
}

#[test]
fn the_hook_refuses_a_commit_with_keys_after_escapes() {
    let env = hook_repo();
    let before = env.head();
    let (text, expected) = escaped_keys_file();
    env.write("fixtures/session.log", &text);
    env.git(&["add", "fixtures/session.log"]);
    let out = env.git_output(&["commit", "-qm", "logs"]);
    for (_, key) in keys() {
        assert_nothing_of(&out, &key);
    }
    assert!(!out.status.success());
    let err = stderr(&out);
    for (line, rule, _) in &expected {
        assert!(err.contains(&format!("fixtures/session.log:{line}:")), "line {line}: {err}");
        // An AWS access key id alone is an identifier: a note (issue 18).
        let severity = if *rule == "aws-access-key-id" { "note" } else { "error" };
        assert!(err.contains(&format!("{severity}[scan/{rule}]")), "{rule}: {err}");
    }
    assert_eq!(env.head(), before);
}

#[test]
fn redact_masks_keys_right_after_an_escape() {
    let env = TestEnv::new();
    let (text, _) = escaped_keys_file();
    let out = env.tkx(["redact"]).write_stdin(text.clone()).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for (_, key) in keys() {
        assert_nothing_of(&out, &key);
    }
    // Only the keys changed: every escape and every line is still there.
    let got = stdout(&out);
    assert_eq!(got.lines().count(), text.lines().count());
    for (before, after) in CONTEXTS {
        assert!(got.contains(before) && got.contains(after), "{before:?} {after:?}:\n{got}");
    }
}

use crate::hook::repo_with_hook as hook_repo;

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
    for unit in text.encode_utf16() {
        out.extend(if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
    }
    out
}

/// A PowerShell script with a key on line 3, as PowerShell saves it; the key and its column.
fn powershell(big_endian: bool) -> (Vec<u8>, String, usize) {
    let key = keys()[2].1.clone();
    let line = format!("$env:GITHUB_TOKEN = \"{key}\"");
    let column = line.find(&key).unwrap() + 1;
    let text = format!("# Setup für Windows\r\nWrite-Host \"Installing…\"\r\n{line}\r\n& .\\build.ps1\r\n");
    (utf16(&text, big_endian), key, column)
}

#[test]
fn scan_reads_utf16_files_with_a_bom() {
    for big_endian in [false, true] {
        let env = TestEnv::new();
        let (data, key, column) = powershell(big_endian);
        env.write("setup.ps1", &data);
        // Binary for another reason: NUL bytes without a BOM. Still skipped.
        env.write("blob.bin", [b"\0\0\0\x01".as_slice(), key.as_bytes()].concat());
        let out = env.tkx(["scan"]).output().unwrap();
        assert_nothing_of(&out, &key);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains(&format!("setup.ps1:3:{column}: error[scan/github-token]")), "{text}");
        assert!(!text.contains("blob.bin"), "{text}");
        assert!(text.ends_with("1 error, 0 warnings, 0 notes\n"), "{text}");
    }
}

#[test]
fn the_hook_refuses_a_utf16_file_and_history_finds_it() {
    for big_endian in [false, true] {
        let env = hook_repo();
        let before = env.head();
        let (data, key, column) = powershell(big_endian);
        env.write("setup.ps1", &data);
        env.git(&["add", "setup.ps1"]);
        let out = env.git_output(&["commit", "-qm", "setup"]);
        assert_nothing_of(&out, &key);
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains(&format!("setup.ps1:3:{column}: error[scan/github-token]")),
            "{}",
            stderr(&out)
        );
        assert_eq!(env.head(), before);

        // Committed anyway: history finds it.
        env.git(&["commit", "-qm", "setup", "--no-verify"]);
        let out = env.tkx(["scan", "--history"]).output().unwrap();
        assert_nothing_of(&out, &key);
        assert_eq!(out.status.code(), Some(1));
        assert!(stdout(&out).contains("setup.ps1:3:"), "{}", stdout(&out));
    }
}

#[test]
fn a_key_added_to_a_committed_utf16_file_is_found_when_staged() {
    let env = TestEnv::git_repo();
    let clean = "# Setup\r\nWrite-Host \"ok\"\r\n";
    env.write("setup.ps1", utf16(clean, false));
    env.git(&["add", "setup.ps1"]);
    env.git(&["commit", "-qm", "clean"]);
    let (data, key, _) = powershell(false);
    env.write("setup.ps1", &data);
    env.git(&["add", "setup.ps1"]);
    let out = env.tkx(["scan", "--staged"]).output().unwrap();
    assert_nothing_of(&out, &key);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("setup.ps1:3:"), "{}", stdout(&out));
}

#[test]
fn a_key_already_committed_in_a_utf16_file_is_not_reported_again() {
    for big_endian in [false, true] {
        let env = TestEnv::git_repo();
        let (data, key, _) = powershell(big_endian);
        env.write("setup.ps1", &data);
        env.git(&["add", "setup.ps1"]);
        env.git(&["commit", "-qm", "with a key", "--no-verify"]);
        let mut text = String::from_utf16_lossy(
            &data[2..]
                .chunks(2)
                .map(|c| {
                    if big_endian {
                        u16::from_be_bytes([c[0], c[1]])
                    } else {
                        u16::from_le_bytes([c[0], c[1]])
                    }
                })
                .collect::<Vec<_>>(),
        );
        text.push_str("Write-Host \"done\"\r\n");
        env.write("setup.ps1", utf16(&text, big_endian));
        env.git(&["add", "setup.ps1"]);
        let out = env.tkx(["scan", "--staged"]).output().unwrap();
        assert_nothing_of(&out, &key);
        assert_eq!(out.status.code(), Some(0), "only a clean line was added: {}", stdout(&out));
    }
}

/// Random-looking values that merely contain `...` or `xxxx`, or start with `your`.
fn lookalikes() -> [String; 3] {
    [
        format!("{}{}", "Xr4bT9qLm2...Vz8K", "p1Wn6Yc3Hd7Js5Fg0"),
        format!("{}{}", "Wq8nR2xxxxTz5Lp9", "Mb3Kc7Vh1Gd4Jf6S"),
        format!("{}{}", "yourQ7mZ2kW9pL4x", "N8vB3cR6tY1hJ5dF"),
    ]
}

#[test]
fn values_that_merely_contain_placeholder_fragments_are_found_and_masked() {
    let env = TestEnv::new();
    let [dots, xs, yours] = lookalikes();
    let key = format!("{}{}", "sk-proj-Zr4bT9qLm2Vz8xx", "xxKp1Wn6Yc3Hd7Js5Fg0Ue2Ra9Ti4Ol8Mk1Nb6");
    env.write(".env", format!("DOTS_TOKEN={dots}\nXS_TOKEN={xs}\nYOUR_TOKEN={yours}\n"));
    env.write(
        "app/config.yml",
        format!("a: {dots}\nb: {xs}\nc: {yours}\nopenai: {key}\napi_token: \"{dots}\"\n"),
    );
    let out = env.tkx(["scan", "app", "--format", "json"]).output().unwrap();
    for s in [&dots, &xs, &yours, &key] {
        assert_nothing_of(&out, s);
    }
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let got: Vec<(usize, &str)> = report.findings.iter().map(|f| (f.line, f.rule.as_str())).collect();
    assert_eq!(
        got,
        [
            (1, "scan/known-value"),
            (2, "scan/known-value"),
            (3, "scan/known-value"),
            (4, "scan/openai-project-key"),
            // The rule comes first where both match.
            (5, "scan/generic-secret")
        ]
    );

    let input = format!("{dots} {xs}\n{yours}&{key}\n");
    let out = env.tkx(["redact"]).write_stdin(input).output().unwrap();
    for s in [&dots, &xs, &yours, &key] {
        assert_nothing_of(&out, s);
    }
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn placeholders_as_a_whole_stay_quiet() {
    let env = TestEnv::new();
    let forms = [
        "sk-proj-...",
        "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "sk-proj-000000000000000000000000000000000000000000",
        "sk-proj-****************************************",
        "sk-proj-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "AKIAXXXXXXXXXXXXXXXX",
        "sk-ant-api03-your-key-here",
        "your-openai-key-here",
        "<your OpenAI key>",
        "${OPENAI_API_KEY}",
        "changeme",
    ];
    let text: String = forms.iter().map(|f| format!("openai_api_key: {f}\n")).collect();
    env.write("config/settings.yml", &text);
    let out = env.tkx(["scan"]).output().unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "0 errors, 0 warnings, 0 notes\n"));
    let out = env.tkx(["redact"]).write_stdin(text.clone()).output().unwrap();
    assert_eq!(stdout(&out), text);
}

#[test]
fn redact_masks_a_key_glued_to_a_loaded_value_whole() {
    let env = TestEnv::new();
    let value = format!("{}{}", "Lm2Vz8&Kp1W", "n6Yc3Hd7Qa");
    env.write(".env", format!("CORP_TOKEN='{value}'\n"));
    let mut input = String::new();
    for (_, key) in keys() {
        input.push_str(&format!("{key}{value}\n{value}{key}\nx={value}{key}{value}&y\n"));
    }
    for args in [&["redact"][..], &["exec", "--redact", "--", "cat"][..]] {
        let out = env.tkx(args).write_stdin(input.clone()).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_nothing_of(&out, &value);
        for (_, key) in keys() {
            assert_nothing_of(&out, &key);
        }
        assert_eq!(stdout(&out).lines().count(), input.lines().count());
    }
}
