//! `tkx diff`: the resolved project files against `.env.example`.

use crate::support::{TestEnv, assert_no_leak, stderr, stdout};
use serde::Deserialize;
use std::fs;

/// A real-looking key: it must never appear in any output.
const KEY: &str = "sk-proj-DIFFtestKEY0123456789abcdefXYZ";
/// Its mask.
const KEY_MASK: &str = "sk-p**********fXYZ";

fn run(env: &TestEnv, args: &[&str]) -> (i32, String, String) {
    let mut full = vec!["diff"];
    full.extend_from_slice(args);
    let out = env.tkx(&full).output().unwrap();
    assert_no_leak(&out, KEY);
    (out.status.code().unwrap_or(-1), stdout(&out), stderr(&out))
}

/// The table's rows as (status, key, value, origin), header and summary left out.
fn rows(stdout: &str) -> Vec<(String, String, String, String)> {
    stdout
        .lines()
        .skip(1)
        .filter(|l| l.contains("  "))
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(cols.len(), 4, "row {l:?}");
            (cols[0].to_owned(), cols[1].to_owned(), cols[2].to_owned(), cols[3].to_owned())
        })
        .collect()
}

fn row(status: &str, key: &str, value: &str, origin: &str) -> (String, String, String, String) {
    (status.to_owned(), key.to_owned(), value.to_owned(), origin.to_owned())
}

fn summary(stdout: &str) -> &str {
    stdout.lines().last().unwrap_or("")
}

#[test]
fn a_clean_project_prints_no_drift_and_exits_0() {
    let env = TestEnv::new();
    env.write(".env.example", "# The OpenAI key\nOPENAI_PAT=sk-your-key-here\nPORT=\n");
    env.write(".env", format!("OPENAI_PAT={KEY}\nPORT=8080\n"));
    let (code, out, err) = run(&env, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "no drift\n");
    assert_eq!(err, "");
}

#[test]
fn a_missing_required_key_is_drift_and_exits_1() {
    let env = TestEnv::new();
    env.write(".env.example", "OPENAI_PAT=\nDATABASE_URL=\nPORT=\n");
    env.write(".env", format!("OPENAI_PAT={KEY}\nPORT=8080\n"));
    let (code, out, err) = run(&env, &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        out,
        "STATUS   KEY           VALUE  ORIGIN\n\
         missing  DATABASE_URL  -      -\n\
         1 missing\n"
    );
    assert!(err.contains("hint: set the real values with `tkx set KEY`"), "{err}");
}

#[test]
fn a_missing_optional_key_is_reported_and_exits_0() {
    let env = TestEnv::new();
    env.write(".env.example", "A=\n# optional: tracing\nLANGSMITH_PAT=\nLOG_LEVEL=info # optional\n");
    env.write(".env", "A=1\n");
    let (code, out, _) = run(&env, &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        rows(&out),
        [row("missing-optional", "LANGSMITH_PAT", "-", "-"), row("missing-optional", "LOG_LEVEL", "-", "-")]
    );
    assert_eq!(summary(&out), "2 missing optional");
}

#[test]
fn an_extra_key_of_the_project_files_is_reported_and_exits_0() {
    let env = TestEnv::new();
    env.write(".env.example", "A=\n");
    env.write(".env", format!("A=1\nSTRAY_TOKEN={KEY}\n"));
    let (code, out, err) = run(&env, &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(rows(&out), [row("extra", "STRAY_TOKEN", KEY_MASK, ".env:2")]);
    assert_eq!(summary(&out), "1 extra");
    assert!(err.contains("--write-example"), "{err}");
}

#[test]
fn keys_only_the_environment_or_user_stores_set_are_never_extra() {
    let env = TestEnv::new();
    env.write(".env.example", "A=\n");
    env.write(".env", "A=1\n");
    env.write_abs(&env.tkx_dir().join(".env"), "USER_WIDE=1\n");
    let out = env.tkx(["diff"]).env("SHELL_ONLY", "1").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "no drift\n");
}

#[test]
fn a_key_set_by_another_layer_is_present_and_the_row_says_where() {
    let env = TestEnv::new();
    env.write(".env.example", "FROM_SHELL=\nFROM_USER=\nFROM_SHELL_EMPTY=\n");
    env.write(".env", "UNRELATED=1\n");
    env.write_abs(&env.tkx_dir().join(".env"), format!("FROM_USER={KEY}\n"));
    let out = env
        .tkx(["diff", "--format", "json"])
        .env("FROM_SHELL", "a-real-value-from-the-shell")
        .env("FROM_SHELL_EMPTY", "")
        .output()
        .unwrap();
    assert_no_leak(&out, KEY);
    assert_no_leak(&out, "a-real-value-from-the-shell");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: JsonDiff = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(&str, &str, Option<&str>)> =
        doc.keys.iter().map(|k| (k.key.as_str(), k.status.as_str(), k.origin.as_deref())).collect();
    let user_file = format!("{}:1", env.tkx_dir().join(".env").display());
    assert_eq!(
        got,
        [
            ("FROM_SHELL", "ok", Some("process")),
            ("FROM_SHELL_EMPTY", "empty", Some("process")),
            ("FROM_USER", "ok", Some(user_file.as_str())),
            ("UNRELATED", "extra", Some(".env:1")),
        ]
    );
}

#[test]
fn an_empty_required_value_is_drift_an_empty_optional_one_is_not() {
    let env = TestEnv::new();
    env.write(".env.example", "REQUIRED=\n# optional\nOPTIONAL=\n");
    env.write(".env", "REQUIRED=\nOPTIONAL=\n");
    let (code, out, _) = run(&env, &[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        rows(&out),
        [row("empty", "OPTIONAL", "\"\"", ".env:2"), row("empty", "REQUIRED", "\"\"", ".env:1")]
    );
    assert_eq!(summary(&out), "2 empty");

    env.write(".env", "REQUIRED=x\nOPTIONAL=\n");
    let (code, out, err) = run(&env, &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(err, "", "no drift, so no hint");
    assert_eq!(rows(&out), [row("empty", "OPTIONAL", "\"\"", ".env:2")]);
}

#[test]
fn placeholder_values_are_drift_real_values_are_not() {
    let env = TestEnv::new();
    env.write(".env.example", "COPIED_TOKEN=replace\nLOOKS_FAKE=\nFINE=replace\nMODEL=gpt-4o-mini\n");
    // COPIED_TOKEN still holds the example's value; LOOKS_FAKE holds an obvious placeholder;
    // MODEL keeps the example's default, which is fine for configuration.
    env.write(
        ".env",
        format!("COPIED_TOKEN=replace\nLOOKS_FAKE=sk-your-key-here\nFINE={KEY}\nMODEL=gpt-4o-mini\n"),
    );
    let (code, out, _) = run(&env, &[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        rows(&out),
        [
            row("placeholder", "COPIED_TOKEN", "********", ".env:1"),
            row("placeholder", "LOOKS_FAKE", "********", ".env:2")
        ]
    );
    assert_eq!(summary(&out), "2 placeholder");

    env.write(".env", format!("COPIED_TOKEN=value-1\nLOOKS_FAKE=value-2\nFINE={KEY}\nMODEL=gpt-4o-mini\n"));
    let (code, out, _) = run(&env, &[]);
    assert_eq!((code, out.as_str()), (0, "no drift\n"));
}

#[test]
fn the_table_is_sorted_by_key_and_summarises_every_kind() {
    let env = TestEnv::new();
    env.write(".env.example", "Z_MISSING=\nB_EMPTY=\nA_PLACEHOLDER=\nOK=\n# optional\nM_OPTIONAL=\n");
    env.write(".env", format!("OK={KEY}\nB_EMPTY=\nA_PLACEHOLDER=changeme\nC_EXTRA=1\n"));
    let (code, out, _) = run(&env, &[]);
    assert_eq!(code, 1);
    let keys: Vec<String> = rows(&out).into_iter().map(|r| r.1).collect();
    assert_eq!(keys, ["A_PLACEHOLDER", "B_EMPTY", "C_EXTRA", "M_OPTIONAL", "Z_MISSING"]);
    assert_eq!(summary(&out), "1 missing, 1 missing optional, 1 empty, 1 placeholder, 1 extra");
}

#[test]
fn no_example_is_a_usage_error_with_a_hint() {
    let env = TestEnv::new();
    env.write(".env", format!("OPENAI_PAT={KEY}\n"));
    let (code, out, err) = run(&env, &[]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.contains("tkx: no .env.example to compare with (looked for .env.example)"), "{err}");
    assert!(err.contains("hint: create it with `tkx diff --write-example`"), "{err}");
    assert!(!env.project().join(".env.example").exists());

    let (code, _, err) = run(&env, &["--example", "nope.example"]);
    assert_eq!(code, 2);
    assert!(err.contains("tkx: nope.example: no such file"), "{err}");
    assert!(err.contains("--example"), "{err}");
}

#[test]
fn an_unreadable_example_is_exit_2() {
    let env = TestEnv::new();
    env.write(".env", "A=1\n");
    env.write(".env.example", b"A=caf\xe9\n");
    let (code, _, err) = run(&env, &[]);
    assert_eq!(code, 2);
    assert!(err.contains(".env.example:1:6: not valid UTF-8"), "{err}");
}

#[test]
fn example_flag_chooses_the_file_to_compare_against() {
    let env = TestEnv::new();
    env.write(".env.example", "A=\n");
    env.write("config/prod.example", "A=\nPROD_ONLY=\n");
    env.write(".env", "A=1\n");
    assert_eq!(run(&env, &[]).0, 0);
    let (code, out, _) = run(&env, &["--example", "config/prod.example"]);
    assert_eq!(code, 1);
    assert_eq!(rows(&out), [row("missing", "PROD_ONLY", "-", "-")]);
}

#[test]
fn the_default_example_is_the_project_directorys_even_from_a_subdirectory() {
    let env = TestEnv::new();
    env.write(".env.example", "A=\nB=\n");
    env.write(".env", "A=1\n");
    fs::create_dir_all(env.project().join("src/deep")).unwrap();
    let out = env.tkx_in(&env.project().join("src/deep"), ["diff"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(rows(&stdout(&out)), [row("missing", "B", "-", "-")]);
}

#[test]
fn file_flag_selects_the_project_files() {
    let env = TestEnv::new();
    env.write(".env.example", "A=\n");
    env.write(".env", "A=1\nFROM_DOT_ENV=1\n");
    env.write("ci.env", "CI_ONLY=1\n");
    let (code, out, _) = run(&env, &[]);
    assert_eq!(code, 0);
    assert_eq!(rows(&out), [row("extra", "FROM_DOT_ENV", "********", ".env:2")]);

    // `-f` replaces .env: A goes missing, and only ci.env's keys can be extra.
    let (code, out, _) = run(&env, &["-f", "ci.env"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(rows(&out), [row("missing", "A", "-", "-"), row("extra", "CI_ONLY", "********", "ci.env:1")]);
}

#[test]
fn profile_files_are_project_files() {
    let env = TestEnv::new();
    env.write(".env.example", "A=\n");
    env.write(".env", "A=1\n");
    env.write(".env.dev", "A=sk-your-key-here\nDEV_ONLY=1\n");
    let (code, out, _) = run(&env, &["-p", "dev"]);
    assert_eq!(code, 1);
    assert_eq!(
        rows(&out),
        [
            row("placeholder", "A", "********", ".env.dev:1"),
            row("extra", "DEV_ONLY", "********", ".env.dev:2")
        ]
    );
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonDiff {
    keys: Vec<JsonKey>,
    summary: JsonSummary,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonKey {
    key: String,
    status: String,
    required: bool,
    origin: Option<String>,
    masked: Option<String>,
    fingerprint: Option<String>,
}

#[derive(Deserialize, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct JsonSummary {
    missing: usize,
    missing_optional: usize,
    extra: usize,
    empty: usize,
    placeholder: usize,
    ok: usize,
    drift: bool,
}

#[test]
fn json_lists_every_key_with_stable_fields_and_no_values() {
    let env = TestEnv::new();
    env.write(".env.example", "OPENAI_PAT=sk-your-key-here\nMISSING=\n# optional\nOPT=\nEMPTY=\nFAKE=\n");
    env.write(".env", format!("OPENAI_PAT={KEY}\nEMPTY=\nFAKE=xxxx\nEXTRA=1\n"));
    let (code, out, _) = run(&env, &["--format", "json"]);
    assert_eq!(code, 1);
    let doc: JsonDiff = serde_json::from_str(&out).unwrap();
    let got: Vec<(&str, &str, bool)> =
        doc.keys.iter().map(|k| (k.key.as_str(), k.status.as_str(), k.required)).collect();
    assert_eq!(
        got,
        [
            ("EMPTY", "empty", true),
            ("EXTRA", "extra", false),
            ("FAKE", "placeholder", true),
            ("MISSING", "missing", true),
            ("OPENAI_PAT", "ok", true),
            ("OPT", "missing-optional", false),
        ]
    );
    let pat = doc.keys.iter().find(|k| k.key == "OPENAI_PAT").unwrap();
    assert_eq!(pat.masked.as_deref(), Some(KEY_MASK));
    assert!(pat.fingerprint.as_deref().is_some_and(|f| f.starts_with("sha256:") && f.len() == 19));
    assert_eq!(pat.origin.as_deref(), Some(".env:1"));
    let missing = doc.keys.iter().find(|k| k.key == "MISSING").unwrap();
    assert_eq!(
        (missing.origin.as_deref(), missing.masked.as_deref(), missing.fingerprint.as_deref()),
        (None, None, None)
    );
    assert_eq!(
        doc.summary,
        JsonSummary {
            missing: 1,
            missing_optional: 1,
            extra: 1,
            empty: 1,
            placeholder: 1,
            ok: 1,
            drift: true
        }
    );
}

#[test]
fn json_for_a_clean_project() {
    let env = TestEnv::new();
    env.write(".env.example", "A=\n");
    env.write(".env", "A=1\n");
    let (code, out, _) = run(&env, &["--format", "json"]);
    assert_eq!(code, 0);
    let doc: JsonDiff = serde_json::from_str(&out).unwrap();
    assert_eq!(doc.keys.len(), 1);
    assert!(!doc.summary.drift);
}

#[test]
fn write_example_appends_missing_keys_and_keeps_every_existing_byte() {
    let env = TestEnv::new();
    let original = "# The project's keys\n\nOPENAI_PAT=sk-your-key-here   # the key\n# optional: tracing\nLANGSMITH_PAT=";
    env.write(".env.example", original);
    env.write(".env", format!("OPENAI_PAT={KEY}\nZ_NEW={KEY}\nA_NEW=1\n"));
    let (code, out, err) = run(&env, &["--write-example"]);
    let written = fs::read_to_string(env.project().join(".env.example")).unwrap();
    assert_eq!(
        written,
        format!(
            "{original}\n\
             # added by tkx diff --write-example\nA_NEW=\n\
             # added by tkx diff --write-example\nZ_NEW=\n"
        )
    );
    assert!(!written.contains(KEY));
    assert!(err.contains("tkx: .env.example: added A_NEW=\ntkx: .env.example: added Z_NEW=\n"), "{err}");
    // The new keys are declared now; the missing optional one is still reported.
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(rows(&out), [row("missing-optional", "LANGSMITH_PAT", "-", "-")]);

    // A second run adds nothing and leaves the file alone.
    let (code, _, err) = run(&env, &["--write-example"]);
    assert_eq!(code, 0);
    assert!(err.contains("already declares every key"), "{err}");
    assert_eq!(fs::read_to_string(env.project().join(".env.example")).unwrap(), written);
}

#[test]
fn write_example_keeps_crlf() {
    let env = TestEnv::new();
    env.write(".env.example", "A=\r\n# note\r\n");
    env.write(".env", "A=1\nB=2\n");
    let (code, _, _) = run(&env, &["--write-example"]);
    assert_eq!(code, 0);
    assert_eq!(
        fs::read(env.project().join(".env.example")).unwrap(),
        b"A=\r\n# note\r\n# added by tkx diff --write-example\r\nB=\r\n"
    );
}

#[cfg(unix)]
#[test]
fn write_example_keeps_the_files_mode() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let p = env.write(".env.example", "A=\n");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
    env.write(".env", "A=1\nB=2\n");
    assert_eq!(run(&env, &["--write-example"]).0, 0);
    assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o640);
    let names: Vec<String> = fs::read_dir(env.project())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains("tmp")), "{names:?}");
}

#[test]
fn write_example_creates_a_missing_example_from_the_project_keys() {
    let env = TestEnv::new();
    env.write(".env", format!("OPENAI_PAT={KEY}\nPORT=8080\n"));
    env.write_abs(&env.tkx_dir().join(".env"), "USER_WIDE=1\n");
    let (code, out, err) = run(&env, &["--write-example"]);
    let p = env.project().join(".env.example");
    let written = fs::read_to_string(&p).unwrap();
    assert_eq!(
        written,
        "# The keys this project reads, written by tkx diff --write-example. Values here are placeholders.\n\
         OPENAI_PAT=\nPORT=\n"
    );
    assert!(err.contains("tkx: created .env.example"), "{err}");
    assert_eq!((code, out.as_str()), (0, "no drift\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // 0644 unless the umask takes more away; never executable, always readable by the owner.
        let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & !0o644, 0, "{mode:o}");
        assert_eq!(mode & 0o600, 0o600, "{mode:o}");
    }
}

#[test]
fn write_example_writes_the_file_named_by_example() {
    let env = TestEnv::new();
    env.write(".env", "A=1\n");
    let (code, _, _) = run(&env, &["--example", "docs/env.sample", "--write-example"]);
    // The directory does not exist: nothing to write into.
    assert_eq!(code, 2);
    fs::create_dir_all(env.project().join("docs")).unwrap();
    let (code, _, _) = run(&env, &["--example", "docs/env.sample", "--write-example"]);
    assert_eq!(code, 0);
    assert!(fs::read_to_string(env.project().join("docs/env.sample")).unwrap().ends_with("\nA=\n"));
    assert!(!env.project().join(".env.example").exists());
}

#[test]
fn nothing_leaks_in_any_format() {
    let env = TestEnv::new();
    env.write(".env.example", format!("OPENAI_PAT=\nLEAKED_EXAMPLE_KEY={KEY}\n"));
    env.write(".env", format!("OPENAI_PAT={KEY}\nLEAKED_EXAMPLE_KEY={KEY}\nEXTRA_SECRET={KEY}\n"));
    for args in [&["diff"][..], &["diff", "--format", "json"], &["diff", "--write-example"], &["diff", "-v"]]
    {
        let out = env.tkx(args).output().unwrap();
        assert_no_leak(&out, KEY);
        assert!(stdout(&out).contains(KEY_MASK), "{args:?}: {}", stdout(&out));
    }
    let written = fs::read_to_string(env.project().join(".env.example")).unwrap();
    assert!(written.ends_with("# added by tkx diff --write-example\nEXTRA_SECRET=\n"), "{written}");
}

#[cfg(unix)]
#[test]
fn write_example_through_a_symlink_keeps_the_link() {
    let env = TestEnv::new();
    let real = env.write("docs/env.example", "A=\n");
    std::os::unix::fs::symlink("docs/env.example", env.project().join(".env.example")).unwrap();
    env.write(".env", "A=1\nB=2\n");
    assert_eq!(run(&env, &["--write-example"]).0, 0);
    let link = env.project().join(".env.example");
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(fs::read_to_string(real).unwrap(), "A=\n# added by tkx diff --write-example\nB=\n");
}
