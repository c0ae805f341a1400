//! `tkx move` (issue 8): keys out of `.env` into the private store or the user file,
//! every other byte kept, and `tkx exec` resolving exactly the same environment.

use crate::support::{TestEnv, assert_no_leak, stderr};
use std::fs;

const KEY: &str = "sk-proj-MOVEtestKEY0123456789abcdefghiJKLMN";
const DB: &str = "s3cr3t-db-pass-123";

fn project() -> TestEnv {
    let env = TestEnv::new();
    env.write(
        ".env",
        format!(
            "# app settings\r\nOPENAI_PAT={KEY}\r\nPORT=8080\r\n\r\nLOG_LEVEL=debug\r\nDEFAULT_MODEL=gpt-4o-mini\r\nexport DB_PASSWORD='{DB}' # rotate yearly\r\nDB_URL=postgres://app:${{DB_PASSWORD}}@localhost/app\r\n"
        ),
    );
    env
}

/// What `tkx exec -- env` gives the child, sorted.
fn exec_env(env: &TestEnv) -> Vec<String> {
    let out = env.tkx(["-q", "exec", "--", "env"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect();
    lines.sort();
    lines
}

fn private_store(env: &TestEnv) -> std::path::PathBuf {
    let projects = env.tkx_dir().join("projects");
    let id = fs::read_dir(&projects).unwrap().next().unwrap().unwrap().file_name();
    projects.join(id).join(".env")
}

#[test]
fn move_secrets_private_keeps_the_environment_and_the_other_bytes() {
    let env = project();
    let before = exec_env(&env);
    let out = env.tkx(["move", "--secrets", "--private"]).output().unwrap();
    assert_no_leak(&out, KEY);
    assert_no_leak(&out, DB);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("moved OPENAI_PAT from .env:2"), "{}", stderr(&out));
    assert_eq!(exec_env(&env), before, "tkx exec resolves the same environment after the move");
    assert_eq!(
        fs::read_to_string(env.project().join(".env")).unwrap(),
        "# app settings\r\nPORT=8080\r\n\r\nLOG_LEVEL=debug\r\nDEFAULT_MODEL=gpt-4o-mini\r\nDB_URL=postgres://app:${DB_PASSWORD}@localhost/app\r\n",
        "plain configuration stays, every other byte kept; DB_URL holds only a reference and now finds DB_PASSWORD in the private store"
    );
    let store = private_store(&env);
    assert_eq!(
        fs::read_to_string(&store).unwrap(),
        format!("OPENAI_PAT={KEY}\nexport DB_PASSWORD='{DB}' # rotate yearly\n"),
        "statements moved as written, comment and `export` included"
    );
    assert_eq!(env.mode(&store), 0o600);
    assert_eq!(env.mode(store.parent().unwrap()), 0o700);
    assert_eq!(env.mode(&env.tkx_dir().join("projects")), 0o700);
}

#[test]
fn move_named_keys_to_the_user_file() {
    let env = project();
    env.write_abs(&env.tkx_dir().join(".env"), "# mine\nOTHER=1");
    let before = exec_env(&env);
    let out = env.tkx(["move", "OPENAI_PAT", "--user"]).output().unwrap();
    assert_no_leak(&out, KEY);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(exec_env(&env), before);
    assert_eq!(
        fs::read_to_string(env.tkx_dir().join(".env")).unwrap(),
        format!("# mine\nOTHER=1\nOPENAI_PAT={KEY}\n")
    );
    assert!(!fs::read_to_string(env.project().join(".env")).unwrap().contains("OPENAI_PAT"));
}

#[test]
fn a_different_value_in_the_target_is_refused_and_nothing_changes() {
    let env = project();
    let store_dir = env.tkx_dir().join("projects");
    env.tkx(["move", "PORT", "--private"]).assert().success();
    let store = private_store(&env);
    fs::write(&store, "OPENAI_PAT=sk-proj-OTHERvalue0123456789abcdefghijkl\n").unwrap();
    let dotenv = fs::read_to_string(env.project().join(".env")).unwrap();
    let out = env.tkx(["move", "OPENAI_PAT", "--private"]).output().unwrap();
    assert_no_leak(&out, KEY);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("OPENAI_PAT is already in"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(env.project().join(".env")).unwrap(), dotenv);
    assert_eq!(fs::read_to_string(&store).unwrap(), "OPENAI_PAT=sk-proj-OTHERvalue0123456789abcdefghijkl\n");
    assert!(store_dir.exists());
}

#[test]
fn a_reference_that_would_break_is_refused() {
    let env = project();
    // DB_URL refers to DB_PASSWORD, which stays in .env: the private store cannot see it.
    let out = env.tkx(["move", "DB_URL", "--private"]).output().unwrap();
    assert_no_leak(&out, DB);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("would change what tkx exec resolves for DB_URL"), "{}", stderr(&out));
    assert!(!env.tkx_dir().join("projects").exists(), "nothing written");
    // Moving what it refers to first keeps its meaning.
    let before = exec_env(&env);
    env.tkx(["move", "DB_PASSWORD", "DB_URL", "--private"]).assert().success();
    assert_eq!(exec_env(&env), before);
}

#[test]
fn a_user_file_value_that_the_move_would_override_is_refused() {
    let env = project();
    env.write_abs(&env.tkx_dir().join(".env"), "LOG_LEVEL=info\n");
    let out = env.tkx(["move", "LOG_LEVEL", "--private"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("LOG_LEVEL"), "{}", stderr(&out));
}

#[test]
fn unknown_keys_and_values_as_names_are_refused() {
    let env = project();
    let out = env.tkx(["move", "NOPE", "--private"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not in .env: NOPE"), "{}", stderr(&out));
    let out = env.tkx(["move", KEY, "--private"]).output().unwrap();
    assert_no_leak(&out, KEY);
    assert_eq!(out.status.code(), Some(2));
    let out = env.tkx(["move", "OPENAI_PAT"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a destination is required");
}
