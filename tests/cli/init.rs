//! `tkx init`: `.env` from `.env.example`, at a real terminal and with `--from-env`;
//! an existing `.env` only gains the missing keys; `--force`; refusals.

use crate::support::{TestEnv, assert_no_leak, has, names_in, stderr, stdout, tkx_path};
use std::fs;
use std::process::Output;
use std::time::Duration;

const KEY: &str = "sk-proj-INITtestKEY0123456789abcdefghiJKLMNO";
const LS: &str = "lsv2_pt_INITlangsmithKEY0123456789abcdef";

const EXAMPLE: &str = "\
# The OpenAI key for this project
OPENAI_PAT=sk-your-key-here
# optional: tracing
LANGSMITH_API_KEY=
PORT=8080
";

fn project(example: &str) -> TestEnv {
    let env = TestEnv::new();
    env.write(".env.example", example);
    env
}

fn init(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = env.tkx(["init"]);
    cmd.args(args);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.write_stdin("").output().unwrap();
    assert_no_leak(&out, KEY);
    assert_no_leak(&out, LS);
    out
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn dotenv(env: &TestEnv) -> String {
    fs::read_to_string(env.project().join(".env")).unwrap_or_default()
}

#[test]
fn from_env_creates_env_keeping_the_examples_comments_and_order() {
    let env = project(EXAMPLE);
    let out = init(&env, &["--from-env"], &[("OPENAI_PAT", KEY)]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        dotenv(&env),
        format!(
            "# The OpenAI key for this project\nOPENAI_PAT={KEY}\n# optional: tracing\n# LANGSMITH_API_KEY=\nPORT=8080\n"
        )
    );
    assert_eq!(env.mode(&env.project().join(".env")), 0o600);
    let err = stderr(&out);
    assert!(err.contains("tkx: wrote .env: 1 set, 1 kept from .env.example, 1 optional skipped"), "{err}");
    assert!(err.contains("what `tkx doctor` says now"), "{err}");
    // The doctor report is the product: stdout.
    assert!(stdout(&out).ends_with("0 errors, 0 warnings, 0 notes\n"), "{}", stdout(&out));
    assert_eq!(names_in(&env.project()), [".env", ".env.example"]);
}

#[test]
fn a_missing_required_key_is_named_and_fails_the_run() {
    let env = project(EXAMPLE);
    let out = init(&env, &["--from-env"], &[]);
    assert_eq!(code(&out), 1, "doctor reports the missing key");
    assert!(
        stderr(&out).contains("warning[init/missing]: required by .env.example but still unset: OPENAI_PAT")
    );
    assert!(stdout(&out).contains("error[doctor/missing-key]: OPENAI_PAT is required"), "{}", stdout(&out));
    assert!(dotenv(&env).contains("\n# OPENAI_PAT=sk-your-key-here\n"), "{}", dotenv(&env));
}

#[test]
fn without_a_terminal_or_from_env_it_refuses() {
    let env = project(EXAMPLE);
    let out = init(&env, &[], &[]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("tkx init needs a terminal to ask for 3 keys: OPENAI_PAT, LANGSMITH_API_KEY, PORT"),
        "{err}"
    );
    assert!(err.contains("--from-env"), "{err}");
    assert!(!env.project().join(".env").exists());
}

#[test]
fn an_existing_env_only_gains_the_missing_keys() {
    let env = project(EXAMPLE);
    let path = env.write(".env", "# mine\r\nOPENAI_PAT=sk-your-key-here\r\nEXTRA=1\r\n");
    env.chmod(&path, 0o644);
    let vars = [("OPENAI_PAT", KEY), ("LANGSMITH_API_KEY", LS)];
    let out = init(&env, &["--from-env"], &vars);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        dotenv(&env),
        format!(
            "# mine\r\nOPENAI_PAT={KEY}\r\nEXTRA=1\r\n# optional: tracing\r\nLANGSMITH_API_KEY={LS}\r\nPORT=8080\r\n"
        )
    );
    assert_eq!(env.mode(&path), 0o600);
    assert!(stderr(&out).contains("tkx: updated .env: 2 set, 1 kept from .env.example"), "{}", stderr(&out));
    // Nothing is missing now: a second run changes nothing and never overwrites a value.
    let before = dotenv(&env);
    let out = init(&env, &["--from-env"], &[("OPENAI_PAT", "sk-proj-OTHERvalue0123456789abcdefghijklmn")]);
    assert_eq!(code(&out), 0);
    assert!(stderr(&out).contains("tkx: left .env: 0 set, 3 already there"), "{}", stderr(&out));
    assert_eq!(dotenv(&env), before);
}

#[test]
fn force_starts_over_from_the_example() {
    let env = project(EXAMPLE);
    env.write(".env", "OPENAI_PAT=sk-proj-OLDvalue0123456789abcdefghijklmnopq\nOLD_ONLY=1\n");
    let out = init(&env, &["--from-env", "--force"], &[("OPENAI_PAT", KEY)]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(dotenv(&env).starts_with(&format!("# The OpenAI key for this project\nOPENAI_PAT={KEY}\n")));
    assert!(!dotenv(&env).contains("OLD_ONLY"));
    let err = stderr(&out);
    assert!(
        err.contains("warning[init/dropped]: --force replaces this file: OLD_ONLY is not in .env.example"),
        "{err}"
    );
}

#[test]
fn keys_set_in_another_layer_are_not_copied() {
    let env = project(EXAMPLE);
    let user = env.tkx_dir().join(".env");
    env.write_abs(&user, format!("OPENAI_PAT={KEY}\n"));
    env.chmod(&user, 0o600);
    let out = init(&env, &["--from-env"], &[]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(dotenv(&env).contains("\n# OPENAI_PAT=sk-your-key-here\n"), "{}", dotenv(&env));
    assert!(!dotenv(&env).contains(KEY));
    let err = stderr(&out);
    assert!(err.contains("set in another layer, so not written here: OPENAI_PAT ("), "{err}");
}

#[test]
fn no_example_is_a_usage_error() {
    let env = TestEnv::new();
    let out = init(&env, &["--from-env"], &[]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("there is no .env.example in"), "{}", stderr(&out));
    assert!(stderr(&out).contains("tkx diff --write-example"), "{}", stderr(&out));
}

#[test]
fn in_a_git_repo_the_new_env_must_be_ignored() {
    let env = TestEnv::git_repo();
    env.write(".env.example", EXAMPLE);
    let out = init(&env, &["--from-env"], &[("OPENAI_PAT", KEY)]);
    assert_eq!(code(&out), 1, "doctor's gitignore error");
    assert!(stderr(&out).contains(".env: warning[set/gitignore]"), "{}", stderr(&out));
    assert!(stdout(&out).contains(".env: error[doctor/gitignore]"), "{}", stdout(&out));
    env.write(".gitignore", ".env\n");
    fs::remove_file(env.project().join(".env")).unwrap();
    let out = init(&env, &["--from-env"], &[("OPENAI_PAT", KEY)]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(!stderr(&out).contains("gitignore"), "{}", stderr(&out));
}

#[test]
fn at_a_terminal_secrets_are_hidden_and_the_rest_is_echoed() {
    let env = project(EXAMPLE);
    if !has("stty") {
        eprintln!("skipped: stty is not available");
        return;
    }
    let mut cmd = env.process("sh");
    cmd.args(["-c", "stty echo && exec \"$0\" init"]).arg(tkx_path()).env("NO_COLOR", "1");
    let mut p = match rexpect::session::spawn_command(cmd, Some(20_000)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("skipped: no pseudo-terminal available ({e})");
            return;
        }
    };
    let mut screen = String::new();
    let mut answer = |p: &mut rexpect::session::PtySession, prompt: &str, line: &str| {
        screen.push_str(&p.exp_string(prompt).unwrap());
        screen.push_str(prompt);
        // Give tkx the time to turn echo off after showing the prompt.
        std::thread::sleep(Duration::from_millis(300));
        p.send_line(line).unwrap();
    };
    answer(&mut p, "OPENAI_PAT (input hidden): ", KEY);
    answer(&mut p, "LANGSMITH_API_KEY (input hidden): ", "");
    answer(&mut p, "PORT [8080]: ", "9000");
    answer(&mut p, "Write 2 keys to .env? [Y/n] ", "");
    screen.push_str(&p.exp_eof().unwrap());
    assert!(!screen.contains(KEY) && !screen.contains(&KEY[4..20]), "the key appeared:\n{screen}");
    assert!(
        screen.contains("The OpenAI key for this project"),
        "the example's comment is the help:\n{screen}"
    );
    assert!(screen.contains("OPENAI_PAT = sk-p**********LMNO  sha256:"), "{screen}");
    assert!(screen.contains("9000"), "visible input is echoed:\n{screen}");
    assert!(screen.contains("0 errors"), "{screen}");
    assert_eq!(
        dotenv(&env),
        format!(
            "# The OpenAI key for this project\nOPENAI_PAT={KEY}\n# optional: tracing\n# LANGSMITH_API_KEY=\nPORT=9000\n"
        )
    );
}
