//! `tkx set` and `tkx unset`: the stdin path, the hidden prompt under a real terminal,
//! refusals that never echo a value, targets, modes, symlinks, byte-exact edits (golden
//! files), crash safety, and a property test through `tkx get`.

use crate::support::{TestEnv, assert_no_leak, ignores_permissions, names_in, stderr, stdout, tkx_path};
use proptest::prelude::*;
use std::fs;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

const KEY: &str = "sk-proj-SETtestKEY0123456789abcdefghiJKLMNOP";
const NEW: &str = "sk-proj-NEWtestKEY9876543210zyxwvutsrQPONMLK";

fn set(env: &TestEnv, args: &[&str], stdin: &str) -> Output {
    env.tkx(["set"]).args(args).write_stdin(stdin).output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn get(env: &TestEnv, key: &str) -> String {
    stdout(&env.tkx(["get", key]).output().unwrap())
}

#[test]
fn a_piped_value_lands_in_a_new_env_with_mode_0600() {
    let env = TestEnv::new();
    let out = set(&env, &["OPENAI_PAT"], KEY);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let dotenv = env.project().join(".env");
    assert_eq!(fs::read_to_string(&dotenv).unwrap(), format!("OPENAI_PAT={KEY}\n"));
    assert_eq!(env.mode(&dotenv), 0o600);
    let err = stderr(&out);
    assert!(err.contains("tkx: added OPENAI_PAT to .env:1 (sk-p**********MNOP sha256:"), "{err}");
    assert_eq!(stdout(&out), "");
    assert_no_leak(&out, KEY);
    assert_eq!(get(&env, "OPENAI_PAT"), format!("{KEY}\n"));
}

#[test]
fn one_final_line_ending_is_stripped_and_everything_else_kept() {
    let env = TestEnv::new();
    for (input, value) in [
        ("v\n", "v"),
        ("v\r\n", "v"),
        ("line one\nline two\n", "line one\nline two"),
        ("it's \"$HOME\" # not a comment", "it's \"$HOME\" # not a comment"),
    ] {
        let out = set(&env, &["VALUE"], input);
        assert_eq!(code(&out), 0, "{input:?}: {}", stderr(&out));
        assert_eq!(get(&env, "VALUE"), format!("{value}\n"), "{input:?}");
    }
    // Blanks at either end are kept, but look like a copy mistake: --force without a terminal.
    let out = set(&env, &["VALUE"], "v \n");
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("warning[set/whitespace]"), "{}", stderr(&out));
    assert_eq!(code(&set(&env, &["VALUE", "--force"], "v \n")), 0);
    assert_eq!(get(&env, "VALUE"), "v \n");
}

#[test]
fn values_on_the_command_line_are_refused_without_being_echoed() {
    let env = TestEnv::new();
    for args in [
        vec!["set", "OPENAI_PAT", KEY],
        vec!["set", "OPENAI_PAT", "--user", KEY],
        vec!["set", "OPENAI_PAT", &format!("-{KEY}")],
        vec!["set", "OPENAI_PAT", "--", KEY],
        vec!["set", &format!("OPENAI_PAT={KEY}")],
        vec!["set", KEY],
        vec!["rotate", "OPENAI_PAT", KEY],
        vec!["rotate", &format!("OPENAI_PAT={KEY}")],
        vec!["unset", &format!("OPENAI_PAT={KEY}")],
    ] {
        let out = env.tkx(&args).write_stdin("").output().unwrap();
        assert_eq!(code(&out), 2, "{args:?}");
        assert_no_leak(&out, KEY);
        assert_no_leak(&out, &KEY[8..]);
        assert!(stderr(&out).contains("nothing was written"), "{args:?}: {}", stderr(&out));
    }
    let out = env.tkx(["set", "OPENAI_PAT", KEY]).output().unwrap();
    let err = stderr(&out);
    assert!(err.contains("does not take the value as an argument"), "{err}");
    assert!(err.contains("printf %s \"$VALUE\" | tkx set OPENAI_PAT"), "{err}");
    assert!(err.contains("shell history"), "{err}");
    assert_eq!(names_in(&env.project()), Vec::<String>::new());
}

#[test]
fn bad_keys_and_empty_values_are_refused() {
    let env = TestEnv::new();
    for bad in ["BAD KEY", "KEY!", "", "CLÉ"] {
        let out = set(&env, &[bad], "v");
        assert_eq!(code(&out), 2, "{bad:?}");
        assert!(stderr(&out).contains("invalid key name"), "{}", stderr(&out));
    }
    let out = set(&env, &["EMPTY"], "");
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--allow-empty"), "{}", stderr(&out));
    assert_eq!(code(&set(&env, &["EMPTY", "--allow-empty"], "\n")), 0);
    assert_eq!(fs::read_to_string(env.project().join(".env")).unwrap(), "EMPTY=\n");
}

#[test]
fn a_suspicious_value_without_a_terminal_needs_force() {
    let env = TestEnv::new();
    for (value, rule) in
        [("ghp_Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra", "set/format"), ("sk-your-key-here", "set/placeholder")]
    {
        let out = set(&env, &["OPENAI_PAT"], value);
        assert_eq!(code(&out), 2, "{value}");
        let err = stderr(&out);
        assert!(err.contains(&format!("warning[{rule}]")), "{err}");
        assert!(err.contains("hint: check the value; pass --force to write it anyway"), "{err}");
        assert_no_leak(&out, value);
        assert!(!env.project().join(".env").exists());
    }
    let out = set(&env, &["OPENAI_PAT", "--force"], "ghp_Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra");
    assert_eq!(code(&out), 0);
    assert!(stderr(&out).contains("it looks like a key of GitHub"), "{}", stderr(&out));
}

#[test]
fn user_and_private_targets_create_private_directories() {
    let env = TestEnv::new();
    let tkx = env.tkx_dir();
    fs::remove_dir_all(&tkx).unwrap();
    let out = set(&env, &["OPENAI_PAT", "--user"], KEY);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_no_leak(&out, KEY);
    assert_eq!(env.mode(&tkx), 0o700);
    assert_eq!(env.mode(&tkx.join(".env")), 0o600);
    assert_eq!(fs::read_to_string(tkx.join(".env")).unwrap(), format!("OPENAI_PAT={KEY}\n"));

    let out = set(&env, &["OPENAI_PAT", "--private"], NEW);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let projects = tkx.join("projects");
    let store_dir = projects.join(&names_in(&projects)[0]);
    assert!(names_in(&projects)[0].starts_with("project-"), "{:?}", names_in(&projects));
    assert_eq!((env.mode(&projects), env.mode(&store_dir)), (0o700, 0o700));
    assert_eq!(env.mode(&store_dir.join(".env")), 0o600);
    // The private store wins over the user file.
    assert_eq!(get(&env, "OPENAI_PAT"), format!("{NEW}\n"));
    assert!(!env.project().join(".env").exists());

    let out = set(&env, &["OPENAI_PAT", "--user", "--private"], KEY);
    assert_eq!(code(&out), 2);
}

#[test]
fn file_option_names_the_target() {
    let env = TestEnv::new();
    let out =
        env.tkx(["-f", "conf/app.env", "-f", "other.env", "set", "TOKEN"]).write_stdin("t").output().unwrap();
    assert_eq!(code(&out), 2, "the directory does not exist");
    assert!(stderr(&out).contains("the directory"), "{}", stderr(&out));
    fs::create_dir(env.project().join("conf")).unwrap();
    let out =
        env.tkx(["-f", "conf/app.env", "-f", "other.env", "set", "TOKEN"]).write_stdin("t").output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(fs::read_to_string(env.project().join("conf/app.env")).unwrap(), "TOKEN=t\n");
    assert!(!env.project().join("other.env").exists());
    let out = env.tkx(["-f", "conf/app.env", "set", "TOKEN", "--user"]).write_stdin("t").output().unwrap();
    assert_eq!(code(&out), 2);
}

#[test]
fn a_loose_file_becomes_0600_with_a_warning() {
    let env = TestEnv::new();
    let dotenv = env.write(".env", "A=1\n");
    env.chmod(&dotenv, 0o644);
    let out = set(&env, &["OPENAI_PAT"], KEY);
    assert_eq!(code(&out), 0);
    assert_eq!(env.mode(&dotenv), 0o600);
    let err = stderr(&out);
    assert!(err.contains(".env: warning[set/permissions]: the file had mode 0644"), "{err}");
    assert_no_leak(&out, KEY);
}

#[test]
fn a_symlinked_env_is_written_through_and_the_link_kept() {
    let env = TestEnv::new();
    let real = env.write("secrets/app.env", "# mine\nA=1\n");
    env.chmod(&real, 0o640);
    let link = env.project().join(".env");
    std::os::unix::fs::symlink("secrets/app.env", &link).unwrap();
    let out = set(&env, &["OPENAI_PAT"], KEY);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("secrets/app.env"));
    assert_eq!(fs::read_to_string(&real).unwrap(), format!("# mine\nA=1\nOPENAI_PAT={KEY}\n"));
    assert_eq!(env.mode(&real), 0o600);
    let err = stderr(&out);
    assert!(err.contains("note[set/symlink]: a symlink: wrote through to"), "{err}");
    assert_no_leak(&out, KEY);
    // unset goes through the link as well.
    let out = env.tkx(["unset", "A"]).output().unwrap();
    assert_eq!(code(&out), 0);
    assert_eq!(fs::read_to_string(&real).unwrap(), format!("# mine\nOPENAI_PAT={KEY}\n"));
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
}

#[test]
fn a_dangling_symlink_is_refused() {
    let env = TestEnv::new();
    std::os::unix::fs::symlink("nowhere/app.env", env.project().join(".env")).unwrap();
    let out = set(&env, &["OPENAI_PAT"], KEY);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains(".env is a symlink to nowhere/app.env, which does not exist"), "{err}");
    assert!(fs::symlink_metadata(env.project().join(".env")).unwrap().file_type().is_symlink());
    assert_no_leak(&out, KEY);
}

#[test]
fn a_directory_named_env_is_refused_and_nothing_is_lost() {
    let env = TestEnv::new();
    env.write(".env/keep", "precious");
    for args in [vec!["set", "OPENAI_PAT"], vec!["unset", "OPENAI_PAT"]] {
        let out = env.tkx(&args).write_stdin(KEY).output().unwrap();
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(stderr(&out).contains(".env: is a directory, not an env file"), "{}", stderr(&out));
        assert_no_leak(&out, KEY);
    }
    assert_eq!(fs::read_to_string(env.project().join(".env/keep")).unwrap(), "precious");
}

#[test]
fn a_file_that_is_not_utf8_is_refused_and_kept() {
    let env = TestEnv::new();
    let dotenv = env.write(".env", b"A=caf\xe9\n".as_slice());
    let out = set(&env, &["OPENAI_PAT"], KEY);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains(".env:1:6: not valid UTF-8"), "{}", stderr(&out));
    assert_no_leak(&out, KEY);
    assert_eq!(fs::read(&dotenv).unwrap(), b"A=caf\xe9\n");
}

#[test]
fn a_read_only_directory_leaves_the_file_as_it_was() {
    let env = TestEnv::new();
    if ignores_permissions(&env.root) {
        eprintln!("skipped: this process ignores file permissions (root); see crash_before_rename_* instead");
        return;
    }
    let dotenv = env.write(".env", "A=1\n");
    env.chmod(&dotenv, 0o600);
    env.chmod(&env.project(), 0o500);
    let out = set(&env, &["OPENAI_PAT"], KEY);
    env.chmod(&env.project(), 0o700);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("writing .env: permission denied; nothing was changed"), "{err}");
    assert!(err.contains("that directory must be writable"), "{err}");
    assert_eq!(fs::read_to_string(&dotenv).unwrap(), "A=1\n");
    assert_eq!(names_in(&env.project()), [".env"]);
    assert_no_leak(&out, KEY);
}

#[test]
fn a_file_of_another_user_keeps_its_owner() {
    use std::os::unix::fs::MetadataExt;
    let env = TestEnv::new();
    let dotenv = env.write(".env", "A=1\n");
    if std::os::unix::fs::chown(&dotenv, Some(65534), Some(65534)).is_err() {
        eprintln!("skipped: cannot give a file to another user without root");
        return;
    }
    env.chmod(&dotenv, 0o644);
    let out = set(&env, &["OPENAI_PAT"], KEY);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let meta = fs::metadata(&dotenv).unwrap();
    assert_eq!((meta.uid(), meta.gid(), env.mode(&dotenv)), (65534, 65534, 0o600));
    assert_no_leak(&out, KEY);
}

/// A megabyte of env file, as a crash-safety load.
fn big_env(env: &TestEnv) -> (std::path::PathBuf, Vec<u8>) {
    let mut text = String::from("# big\n");
    let mut i = 0;
    while text.len() < 1_500_000 {
        text.push_str(&format!("KEY_{i:06}=value-{i:06}-abcdefghijklmnopqrstuvwxyz0123456789\n"));
        i += 1;
    }
    text.push_str("OPENAI_PAT=sk-proj-OLDbigFILEkey0123456789abcdefghijklmn\n");
    let dotenv = env.write(".env", &text);
    env.chmod(&dotenv, 0o600);
    (dotenv, text.into_bytes())
}

#[test]
fn crash_before_rename_leaves_the_old_file() {
    // The file-size limit kills tkx (SIGXFSZ) while it writes its temporary copy, a real
    // crash in the middle of the write, and one that works for root too.
    let env = TestEnv::new();
    let (dotenv, old) = big_env(&env);
    let out = env
        .process("sh")
        .args(["-c", "ulimit -f 1000 && exec \"$0\" set OPENAI_PAT", tkx_path().to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(NEW.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(!out.status.success(), "the size limit should have stopped tkx: {}", stderr(&out));
    assert!(fs::read(&dotenv).unwrap() == old, "the .env changed");
    assert_no_leak(&out, NEW);
    // The same run without the limit succeeds and leaves no temporary file.
    let out = set(&env, &["OPENAI_PAT"], NEW);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let names: Vec<String> =
        names_in(&env.project()).into_iter().filter(|n| !n.starts_with(".tkx-")).collect();
    assert_eq!(names, [".env"]);
}

#[test]
fn killing_tkx_at_any_moment_leaves_the_old_or_the_new_file() {
    let env = TestEnv::new();
    let (dotenv, old) = big_env(&env);
    let mut new = old.clone();
    let at = new.len() - "sk-proj-OLDbigFILEkey0123456789abcdefghijklmn\n".len();
    new.truncate(at);
    new.extend_from_slice(format!("{NEW}\n").as_bytes());

    // How long one full run takes, to spread the kills over it.
    let start = Instant::now();
    let out = set(&env, &["OPENAI_PAT"], NEW);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let full = start.elapsed();
    assert_no_leak(&out, NEW);
    assert!(fs::read(&dotenv).unwrap() == new);
    fs::write(&dotenv, &old).unwrap();

    let mut seen_old = 0;
    let mut seen_new = 0;
    for i in 0..16u32 {
        let delay = full * i / 14;
        let mut child = env
            .process(tkx_path())
            .args(["set", "OPENAI_PAT"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            let _ = child.stdin.take().unwrap().write_all(NEW.as_bytes());
        }
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let now = fs::read(&dotenv).unwrap();
        if now == old {
            seen_old += 1;
        } else if now == new {
            seen_new += 1;
            fs::write(&dotenv, &old).unwrap();
        } else {
            panic!("after a kill at {delay:?} the file is neither the old nor the new version");
        }
    }
    eprintln!("one run took {full:?}; after 16 kills: {seen_old} old, {seen_new} new");
    assert!(seen_old > 0, "no kill landed before the rename");
}

#[test]
fn after_a_normal_run_no_temporary_file_is_left() {
    let env = TestEnv::new();
    env.write(".env", "A=1\n");
    let out = set(&env, &["OPENAI_PAT"], KEY);
    assert_eq!(code(&out), 0);
    assert_no_leak(&out, KEY);
    assert_eq!(code(&env.tkx(["unset", "A"]).output().unwrap()), 0);
    assert_eq!(code(&set(&env, &["T", "--user"], "x")), 0);
    assert_eq!(names_in(&env.project()), [".env"]);
    assert_eq!(names_in(&env.tkx_dir()), [".env", "rotations.json"]);
}

/// Compares with a golden file in tests/fixtures/set; `TKX_BLESS=1` rewrites it.
fn golden(name: &str, actual: &[u8]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/set").join(name);
    if std::env::var_os("TKX_BLESS").is_some() {
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{name} differs from the golden file:\n--- expected\n{}\n--- actual\n{}",
        String::from_utf8_lossy(&expected).escape_debug(),
        String::from_utf8_lossy(actual).escape_debug()
    );
}

fn fixture(name: &str) -> Vec<u8> {
    fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/set").join(name)).unwrap()
}

#[test]
fn set_and_unset_keep_every_untouched_byte() {
    // input.env: a BOM, CRLF with one LF line, comments, `export`, a quoted multi-line
    // value, three definitions of AGENT_TOKEN, a malformed line, no final newline.
    let env = TestEnv::new();
    let input = fixture("input.env");
    let dotenv = env.write(".env", &input);
    env.chmod(&dotenv, 0o600);

    let out = set(&env, &["AGENT_TOKEN"], "tok-new");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("set AGENT_TOKEN in .env:3"), "{err}");
    assert!(err.contains(".env:3: note[set/duplicates]: AGENT_TOKEN was defined 3 times; kept line 3 and removed lines 8, 12"), "{err}");
    golden("set.env", &fs::read(&dotenv).unwrap());

    let out = set(&env, &["NEW_KEY"], "two words");
    assert_eq!(code(&out), 0);
    assert!(stderr(&out).contains("added NEW_KEY to .env:12"), "{}", stderr(&out));
    golden("append.env", &fs::read(&dotenv).unwrap());
    assert_eq!(get(&env, "NEW_KEY"), "two words\n");
    assert_eq!(get(&env, "AGENT_TOKEN"), "tok-new\n");
    assert_eq!(get(&env, "CERT"), "-----BEGIN-----\nline two\n-----END-----\n");

    let dotenv = env.write(".env", &input);
    let out = env.tkx(["unset", "CERT"]).output().unwrap();
    assert_eq!(code(&out), 0);
    assert!(stderr(&out).contains("removed CERT from .env (line 5)"), "{}", stderr(&out));
    golden("unset-cert.env", &fs::read(&dotenv).unwrap());
    let out = env.tkx(["unset", "AGENT_TOKEN"]).output().unwrap();
    assert!(stderr(&out).contains("removed AGENT_TOKEN from .env (lines 3, 5, 9)"), "{}", stderr(&out));
    golden("unset-both.env", &fs::read(&dotenv).unwrap());
    let out = env.tkx(["unset", "BROKEN"]).output().unwrap();
    assert_eq!(code(&out), 1, "a malformed line is not a definition");
}

#[test]
fn the_golden_edits_change_only_their_statements() {
    // Independent of the golden files: the bytes around each edit are the input's own.
    let input = fixture("input.env");
    let set = fixture("set.env");
    let start = input.windows(11).position(|w| w == b"export AGEN").unwrap();
    assert_eq!(&set[..start], &input[..start]);
    let tail_in = input.windows(3).position(|w| w == b"URL").unwrap();
    let tail_set = set.windows(3).position(|w| w == b"URL").unwrap();
    let without_dup = |b: &[u8]| {
        String::from_utf8_lossy(b).replace("\texport AGENT_TOKEN='duplicate-two'   # trailing\r\n", "")
    };
    assert_eq!(without_dup(&set[tail_set..]), without_dup(&input[tail_in..]));
    assert_eq!(fixture("append.env").strip_prefix(set.as_slice()).unwrap(), b"\r\nNEW_KEY='two words'\r\n");
}

#[test]
fn unset_of_a_missing_key_exits_1() {
    let env = TestEnv::new();
    let out = env.tkx(["unset", "NOPE"]).output().unwrap();
    assert_eq!(code(&out), 1);
    assert_eq!(stderr(&out), "tkx: NOPE is not in .env (the file does not exist)\n");
    env.write_abs(&env.tkx_dir().join(".env"), "NOPE=1\n");
    env.write(".env", "A=1\n");
    let out = env.tkx(["unset", "NOPE"]).output().unwrap();
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains("tkx: NOPE is not in .env\n"), "{err}");
    assert!(err.contains("it is set in"), "{err}");
    let out = env.tkx(["unset", "NOPE", "--user"]).output().unwrap();
    assert_eq!(code(&out), 0);
    assert_eq!(fs::read_to_string(env.tkx_dir().join(".env")).unwrap(), "");
}

#[test]
fn set_in_a_git_repo_warns_until_env_is_ignored() {
    let env = TestEnv::git_repo();
    let out = set(&env, &["OPENAI_PAT"], KEY);
    assert_eq!(code(&out), 0);
    let err = stderr(&out);
    assert!(err.contains(".env: warning[set/gitignore]: git does not ignore this file"), "{err}");
    assert!(err.contains("tkx doctor --fix"), "{err}");
    assert_no_leak(&out, KEY);
    env.write(".gitignore", ".env\n");
    let out = set(&env, &["OPENAI_PAT"], NEW);
    assert!(!stderr(&out).contains("set/gitignore"), "{}", stderr(&out));
    // A tracked .env is worse: the next commit publishes the key.
    env.write(".gitignore", "");
    env.git(&["add", ".env"]);
    let out = set(&env, &["OPENAI_PAT"], KEY);
    assert!(stderr(&out).contains("error[set/tracked]: git tracks this file"), "{}", stderr(&out));
    assert_no_leak(&out, KEY);
}

#[test]
fn a_value_hidden_by_a_higher_layer_is_reported() {
    let env = TestEnv::new();
    let out = env.tkx(["set", "PORT"]).env("PORT", "1").write_stdin("8080").output().unwrap();
    assert_eq!(code(&out), 0);
    let err = stderr(&out);
    assert!(err.contains("warning[set/shadowed]: PORT is also set in the process environment"), "{err}");
}

#[test]
fn loading_records_first_seen_fingerprints_only_for_credentials() {
    let env = TestEnv::new();
    env.write(".env", format!("OPENAI_PAT={KEY}\nPORT=8080\n"));
    fs::remove_dir_all(env.tkx_dir()).unwrap();
    let out = env.tkx(["env"]).output().unwrap();
    assert_eq!(code(&out), 0);
    assert_no_leak(&out, KEY);
    let ledger = fs::read_to_string(env.tkx_dir().join("rotations.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&ledger).unwrap();
    let seen = json["first_seen"].as_object().unwrap();
    assert_eq!(seen.len(), 1, "{ledger}");
    assert!(seen.contains_key(&tkx::secret::fingerprint(KEY)));
    assert!(!ledger.contains(KEY));
    assert_eq!(env.mode(&env.tkx_dir().join("rotations.json")), 0o600);
    assert_eq!(env.mode(&env.tkx_dir()), 0o700);
    // Loading again writes nothing new.
    let before = fs::metadata(env.tkx_dir().join("rotations.json")).unwrap().modified().unwrap();
    std::thread::sleep(Duration::from_millis(20));
    env.tkx(["env"]).output().unwrap();
    let after = fs::metadata(env.tkx_dir().join("rotations.json")).unwrap().modified().unwrap();
    assert_eq!(before, after);
}

// --------------------------------------------------------------------------------
// A real terminal

/// `tkx ARGS…` on a pseudo-terminal whose echo is ON, as in a user's shell (rexpect
/// turns echo off for its children; `stty echo` turns it back on), so that only tkx's
/// own hidden prompt can keep a typed value off the screen.
fn on_a_terminal(env: &TestEnv, args: &[&str]) -> Option<rexpect::session::PtySession> {
    if !crate::support::has("stty") {
        eprintln!("skipped: stty is not available");
        return None;
    }
    let mut cmd = env.process("sh");
    cmd.arg("-c").arg("stty echo && exec \"$0\" \"$@\"").arg(tkx_path()).args(args).env("TERM", "dumb");
    match rexpect::session::spawn_command(cmd, Some(20_000)) {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!("skipped: no pseudo-terminal available ({e})");
            None
        }
    }
}

/// Types a line once the program had time to turn echo off after its prompt appeared.
fn type_line(p: &mut rexpect::session::PtySession, line: &str) {
    std::thread::sleep(Duration::from_millis(300));
    p.send_line(line).unwrap();
}

fn exit_code(p: &rexpect::session::PtySession) -> Option<i32> {
    match p.process().wait().ok()? {
        rexpect::process::WaitStatus::Exited(_, code) => Some(code),
        _ => None,
    }
}

#[test]
fn the_hidden_prompt_never_shows_the_typed_value() {
    let env = TestEnv::new();
    let Some(mut p) = on_a_terminal(&env, &["set", "OPENAI_PAT"]) else { return };
    let mut screen = p.exp_string("Value of OPENAI_PAT for .env (input hidden): ").unwrap();
    screen.push_str("Value of OPENAI_PAT for .env (input hidden): ");
    type_line(&mut p, KEY);
    screen.push_str(&p.exp_string("[Y/n] ").unwrap());
    type_line(&mut p, "yes");
    screen.push_str(&p.exp_eof().unwrap());
    assert!(!screen.contains(KEY), "the value appeared on the terminal:\n{screen}");
    assert!(!screen.contains(&KEY[4..20]), "part of the value appeared:\n{screen}");
    assert!(screen.contains("OPENAI_PAT = sk-p**********MNOP  sha256:"), "{screen}");
    // Echo was on: the visible answer shows. So only the hidden read kept the key away.
    assert!(screen.contains("yes"), "echo was off, the test proves nothing:\n{screen}");
    assert_eq!(exit_code(&p), Some(0), "{screen}");
    assert_eq!(fs::read_to_string(env.project().join(".env")).unwrap(), format!("OPENAI_PAT={KEY}\n"));
}

#[test]
fn declining_at_the_terminal_writes_nothing() {
    let env = TestEnv::new();
    let Some(mut p) = on_a_terminal(&env, &["set", "OPENAI_PAT"]) else { return };
    p.exp_string("(input hidden): ").unwrap();
    type_line(&mut p, "ghp_Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra");
    let screen = p.exp_string("[y/N] ").unwrap();
    assert!(screen.contains("[set/format]"), "{screen}");
    type_line(&mut p, "");
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("cancelled: nothing was written"), "{rest}");
    assert_eq!(exit_code(&p), Some(1));
    assert!(!env.project().join(".env").exists());
}

#[test]
fn ctrl_c_at_the_hidden_prompt_writes_nothing() {
    let env = TestEnv::new();
    env.write(".env", "A=1\n");
    let Some(mut p) = on_a_terminal(&env, &["set", "OPENAI_PAT"]) else { return };
    p.exp_string("(input hidden): ").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    p.send(&KEY[..10]).unwrap();
    p.send_control('c').unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(!rest.contains(&KEY[..10]), "{rest}");
    let status = p.process().wait().unwrap();
    assert!(
        matches!(status, rexpect::process::WaitStatus::Signaled(_, rexpect::process::Signal::SIGINT, _)),
        "{status:?}"
    );
    assert_eq!(fs::read_to_string(env.project().join(".env")).unwrap(), "A=1\n");
    assert_eq!(names_in(&env.project()), [".env"]);
}

// --------------------------------------------------------------------------------
// Round trip

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever the value (quotes, newlines, `$`, `#`, backslashes, unicode), `set` then
    /// `get` gives it back exactly, into an empty file or over a tricky one.
    #[test]
    fn set_then_get_returns_the_value_exactly(
        value in "[^\u{0}]{0,40}",
        start in prop::sample::select(vec!["", "A=1\r\nV='old\r\nvalue' # c\r\n", "export V=\"x\" # n\nV=dup"]),
    ) {
        let env = TestEnv::new();
        if !start.is_empty() {
            env.write(".env", start);
        }
        // The pipe's one final line ending is stripped and the value's own characters are
        // kept; a value ending in CR goes without one (CR + LF would be stripped together).
        let piped = if value.ends_with('\r') { value.clone() } else { format!("{value}\n") };
        let out = set(&env, &["V", "--force", "--allow-empty"], &piped);
        prop_assert_eq!(code(&out), 0, "{}", stderr(&out));
        prop_assert_eq!(get(&env, "V"), format!("{value}\n"));
        if start.contains("A=1") {
            prop_assert_eq!(get(&env, "A"), "1\n");
        }
    }
}

/// 2×50 `tkx set`s of different keys at once, into the project's `.env` and the user
/// file: every key is there afterwards, and no temporary file is left.
#[test]
fn concurrent_sets_lose_nothing() {
    let env = TestEnv::new();
    env.write(".env", "FIRST=1\n");
    let mut children = Vec::new();
    for i in 0..50 {
        for target in ["", "--user"] {
            let mut cmd = env.process(assert_cmd::cargo::cargo_bin!("tkx"));
            cmd.args(["set", &format!("KEY_{i}")]);
            if !target.is_empty() {
                cmd.arg(target);
            }
            let mut child = cmd
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn tkx");
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(format!("value-{i}").as_bytes()).expect("write");
            children.push(child);
        }
    }
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    for file in [env.project().join(".env"), env.tkx_dir().join(".env")] {
        let text = std::fs::read_to_string(&file).expect("read");
        for i in 0..50 {
            assert!(
                text.contains(&format!("KEY_{i}=value-{i}\n")),
                "KEY_{i} lost from {}:\n{text}",
                file.display()
            );
        }
        assert_eq!(env.mode(&file), 0o600);
    }
    assert!(std::fs::read_to_string(env.project().join(".env")).expect("read").starts_with("FIRST=1\n"));
    for dir in [env.project(), env.tkx_dir()] {
        let names = crate::support::names_in(&dir);
        assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    }
}

/// `tkx set` racing `tkx move`: the set key is never lost and a moved key never comes back.
#[test]
fn set_racing_move_keeps_both() {
    for round in 0..5 {
        let env = TestEnv::new();
        env.write(".env", "OPENAI_API_KEY=sk-proj-Lk4wQz8RmT2vXn6Yb1Jc9Hd3Fs7Gp5Ae0Uo\nPORT=8080\n");
        let mut set = env.process(assert_cmd::cargo::cargo_bin!("tkx"));
        let mut set = set
            .args(["set", "NEW_KEY"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut mv = env.process(assert_cmd::cargo::cargo_bin!("tkx"));
        let mv = mv
            .args(["move", "--private", "OPENAI_API_KEY"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        use std::io::Write;
        set.stdin.take().expect("stdin").write_all(b"fresh-value").expect("write");
        let (s, m) = (set.wait_with_output().expect("wait"), mv.wait_with_output().expect("wait"));
        assert!(s.status.success(), "round {round}: {}", String::from_utf8_lossy(&s.stderr));
        assert!(m.status.success(), "round {round}: {}", String::from_utf8_lossy(&m.stderr));
        let dotenv = std::fs::read_to_string(env.project().join(".env")).expect("read");
        assert!(dotenv.contains("NEW_KEY=fresh-value\n"), "round {round}: {dotenv}");
        assert!(!dotenv.contains("OPENAI_API_KEY"), "round {round}: the moved key came back: {dotenv}");
    }
}

#[test]
fn a_value_that_now_hides_another_layers_is_warned_about() {
    let env = TestEnv::new();
    env.write(".env", format!("OPENAI_PAT={KEY}\nPORT=8080\n"));
    let out = env
        .tkx(["set", "OPENAI_PAT", "--private"])
        .write_stdin("sk-proj-PRIVATEvalue0123456789abcdefghijk")
        .output()
        .unwrap();
    assert_no_leak(&out, KEY);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning[set/hides]: ")
            && stderr(&out).contains("different value of OPENAI_PAT in .env:1"),
        "{}",
        stderr(&out)
    );
    // The same value hides nothing worth a word.
    let out = env.tkx(["set", "PORT", "--user"]).write_stdin("8080").output().unwrap();
    assert!(!stderr(&out).contains("set/hides"), "{}", stderr(&out));
}
