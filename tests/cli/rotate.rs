//! `tkx rotate` and doctor's `rotation` check: the ledger holds fingerprints and dates,
//! never values; the checklist names the old key; refusals leave everything as it was.

use crate::support::{TestEnv, assert_no_leak, stderr, stdout};
use std::fs;
use std::process::Output;
use tkx::secret::fingerprint;

const OLD: &str = "sk-proj-OLDrotateKEY0123456789abcdefghiJKLMN";
const NEW: &str = "sk-proj-NEWrotateKEY9876543210zyxwvutsrQPONM";

fn rotate(env: &TestEnv, args: &[&str], stdin: &str) -> Output {
    let out = env.tkx(["rotate"]).args(args).write_stdin(stdin).output().unwrap();
    assert_no_leak(&out, OLD);
    assert_no_leak(&out, NEW);
    out
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn ledger(env: &TestEnv) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(env.tkx_dir().join("rotations.json")).unwrap()).unwrap()
}

#[test]
fn rotate_replaces_the_value_records_fingerprints_and_prints_the_steps() {
    let env = TestEnv::new();
    env.write(".env", format!("# main key\nOPENAI_PAT={OLD} # from the dashboard\nPORT=8080\n"));
    let out = rotate(&env, &["OPENAI_PAT"], NEW);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(env.project().join(".env")).unwrap(),
        format!("# main key\nOPENAI_PAT={NEW} # from the dashboard\nPORT=8080\n")
    );
    let text = stdout(&out);
    assert!(text.starts_with("Rotated OPENAI_PAT in .env:2\n"), "{text}");
    assert!(text.contains(&format!("  old  sk-p**********KLMN  {}\n", fingerprint(OLD))), "{text}");
    assert!(text.contains(&format!("  new  sk-p**********PONM  {}\n", fingerprint(NEW))), "{text}");
    assert!(text.contains("Verify it with a test request"), "{text}");
    assert!(
        text.contains(&format!(
            "Then revoke the old key at OpenAI: sk-p**********KLMN ({})",
            fingerprint(OLD)
        )),
        "{text}"
    );
    let err = stderr(&out);
    assert!(err.contains("Rotating OPENAI_PAT in .env: the current value is sk-p**********KLMN"), "{err}");
    assert!(err.contains("recorded the rotation in"), "{err}");

    let json = ledger(&env);
    let r = &json["rotations"][0];
    assert_eq!(r["key"], "OPENAI_PAT");
    assert_eq!(r["old"], fingerprint(OLD).as_str());
    assert_eq!(r["new"], fingerprint(NEW).as_str());
    let date = r["date"].as_str().unwrap();
    assert!(date.len() == 10 && date.as_bytes()[4] == b'-', "{date}");
    assert_eq!(json["first_seen"][fingerprint(NEW)], date);
    let raw = fs::read_to_string(env.tkx_dir().join("rotations.json")).unwrap();
    assert!(!raw.contains(OLD) && !raw.contains(NEW));
    assert_eq!(env.mode(&env.tkx_dir().join("rotations.json")), 0o600);
}

#[test]
fn refusals_leave_the_file_as_it_was() {
    let env = TestEnv::new();
    let before = format!("OPENAI_PAT={OLD}\n");
    env.write(".env", &before);
    for (stdin, args, want) in [
        (OLD, vec!["OPENAI_PAT"], "is the current one"),
        ("", vec!["OPENAI_PAT"], "is empty"),
        ("ghp_0123456789abcdefghijABCDEFGHIJ012345", vec!["OPENAI_PAT"], "pass --force"),
    ] {
        let out = rotate(&env, &args, stdin);
        assert_eq!(code(&out), 2, "{stdin}");
        assert!(stderr(&out).contains(want), "{}", stderr(&out));
        assert_eq!(fs::read_to_string(env.project().join(".env")).unwrap(), before);
    }
    assert!(
        !env.tkx_dir().join("rotations.json").exists()
            || ledger(&env)["rotations"].as_array().unwrap().is_empty()
    );
}

#[test]
fn a_key_that_is_nowhere_or_only_exported_cannot_be_rotated() {
    let env = TestEnv::new();
    let out = rotate(&env, &["OPENAI_PAT"], NEW);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("OPENAI_PAT is not set in any layer"), "{}", stderr(&out));
    let out = env.tkx(["rotate", "OPENAI_PAT"]).env("OPENAI_PAT", OLD).write_stdin(NEW).output().unwrap();
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("set only in the process environment"), "{}", stderr(&out));
    assert_no_leak(&out, OLD);
    env.write(".env", format!("OPENAI_PAT={OLD}\n"));
    let out = rotate(&env, &["OPENAI_PAT", "--user"], NEW);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("there is nothing to rotate there"), "{}", stderr(&out));
}

#[test]
fn rotate_finds_the_file_that_holds_the_key() {
    let env = TestEnv::new();
    let user = env.tkx_dir().join(".env");
    env.write_abs(&user, format!("OPENAI_PAT={OLD}\n"));
    let out = rotate(&env, &["OPENAI_PAT"], NEW);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&user).unwrap(), format!("OPENAI_PAT={NEW}\n"));
    assert!(!env.project().join(".env").exists());
    assert!(
        stdout(&out).starts_with(&format!("Rotated OPENAI_PAT in {}:1", user.display())),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_old_value_elsewhere_is_pointed_out() {
    let env = TestEnv::new();
    env.write(".env", format!("OPENAI_PAT={OLD}\n"));
    env.write_abs(&env.tkx_dir().join(".env"), format!("BACKUP_OPENAI_PAT={OLD}\n"));
    let out = rotate(&env, &["OPENAI_PAT"], NEW);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning[rotate/old-value]: BACKUP_OPENAI_PAT still holds the old value of OPENAI_PAT"),
        "{err}"
    );
}

#[test]
fn a_damaged_ledger_stops_the_rotation_before_anything_changes() {
    let env = TestEnv::new();
    env.write(".env", format!("OPENAI_PAT={OLD}\n"));
    env.write_abs(&env.tkx_dir().join("rotations.json"), "{ not json");
    let out = rotate(&env, &["OPENAI_PAT"], NEW);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("rotations.json"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(env.project().join(".env")).unwrap(), format!("OPENAI_PAT={OLD}\n"));
    assert_eq!(fs::read_to_string(env.tkx_dir().join("rotations.json")).unwrap(), "{ not json");
    let out = env.tkx(["doctor"]).output().unwrap();
    assert!(stdout(&out).contains("warning[doctor/rotation]: not valid JSON"), "{}", stdout(&out));
}

fn doctor_rotation_lines(env: &TestEnv) -> Vec<String> {
    let out = env.tkx(["doctor"]).output().unwrap();
    assert_no_leak(&out, OLD);
    assert_no_leak(&out, NEW);
    stdout(&out).lines().filter(|l| l.contains("[doctor/rotation]")).map(str::to_owned).collect()
}

#[test]
fn doctor_warns_about_keys_older_than_the_limit() {
    let env = TestEnv::new();
    env.write(".env", format!("OPENAI_PAT={OLD}\n"));
    env.write_abs(
        &env.tkx_dir().join("rotations.json"),
        format!("{{\"first_seen\": {{\"{}\": \"2020-01-01\"}}}}", fingerprint(OLD)),
    );
    let lines = doctor_rotation_lines(&env);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(".env:1: warning[doctor/rotation]: OPENAI_PAT has had the same value for "),
        "{lines:?}"
    );
    assert!(
        lines[0].contains("days (first seen 2020-01-01); rotate keys at least every 90 days"),
        "{lines:?}"
    );

    env.write(".tkx.toml", "[rotation]\nmax_age_days = 0\n");
    assert!(doctor_rotation_lines(&env).is_empty(), "0 turns the check off");
    env.write(".tkx.toml", "[rotation]\nmax_age_days = 1000000\n");
    assert!(doctor_rotation_lines(&env).is_empty());
    fs::remove_file(env.project().join(".tkx.toml")).unwrap();

    // After a rotation the value is new.
    assert_eq!(code(&rotate(&env, &["OPENAI_PAT"], NEW)), 0);
    assert!(doctor_rotation_lines(&env).is_empty());
    // The ledger kept the old entry's date.
    assert_eq!(ledger(&env)["first_seen"][fingerprint(OLD)], "2020-01-01");
}

#[test]
fn rotate_names_the_other_env_files_of_the_tree_that_still_hold_the_old_value() {
    let env = TestEnv::new();
    env.write(".env", format!("OPENAI_PAT={OLD}\n"));
    env.write(".env.staging", format!("PORT=1\nOPENAI_PAT={OLD}\n"));
    env.write("services/api/.env", format!("# api\nLLM_KEY={OLD}\nOTHER=x\n"));
    let out = rotate(&env, &["OPENAI_PAT"], NEW);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    let fp = fingerprint(OLD);
    assert!(
        err.contains(&format!(".env.staging:2:1: warning[rotate/old-value]: OPENAI_PAT still holds the old value of OPENAI_PAT ({fp})")),
        "{err}"
    );
    assert!(
        err.contains(&format!("services/api/.env:2:1: warning[rotate/old-value]: LLM_KEY still holds the old value of OPENAI_PAT ({fp})")),
        "{err}"
    );
    assert!(err.contains("replace it too: `tkx -f services/api/.env set LLM_KEY`"), "{err}");
    // Only the rotated file changed.
    assert_eq!(
        fs::read_to_string(env.project().join("services/api/.env")).unwrap(),
        format!("# api\nLLM_KEY={OLD}\nOTHER=x\n")
    );
}

#[test]
fn rotate_says_when_the_old_value_is_in_the_git_history() {
    let env = TestEnv::git_repo();
    env.write(".gitignore", ".env\n");
    env.write("config.py", format!("KEY = \"{OLD}\"\n"));
    env.git(&["add", ".gitignore", "config.py"]);
    env.git(&["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "oops", "--no-verify"]);
    env.write(".env", format!("OPENAI_PAT={OLD}\n"));
    let out = rotate(&env, &["OPENAI_PAT"], NEW);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("warning[rotate/old-in-history]: the old value of OPENAI_PAT ({}) is in 1 commit of this repository", fingerprint(OLD))),
        "{err}"
    );
    // A clean history says nothing.
    let env = TestEnv::git_repo();
    env.write(".env", format!("OPENAI_PAT={OLD}\n"));
    let out = rotate(&env, &["OPENAI_PAT"], NEW);
    assert!(!stderr(&out).contains("old-in-history"), "{}", stderr(&out));
}
