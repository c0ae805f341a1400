//! `tkx agent run` (#16): the agent in a real bubblewrap sandbox. Every way of reading
//! the keys from inside yields nothing; `tkx exec` inside still runs commands with them,
//! masked; exit codes and signals pass through both layers.
//!
//! These tests need a working `bwrap`; without one they say so and pass, unless
//! `TKX_TEST_REQUIRE_BWRAP=1` (CI sets it) makes that a failure.

use crate::support::{TestEnv, assert_no_leak, stderr, stdout, tkx_path};
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

const KEY: &str = "sk-proj-SANDBOXtestKEY0123456789abcdefXYZ";
const PRIVATE: &str = "ghp_PRIVATEstoreKEY0123456789abcdefghij";
const USER: &str = "sk-ant-api03-USERfileKEY0123456789abcdefghij";
const EXPORTED: &str = "xoxb-EXPORTEDshellKEY0123456789abcdefghij";
const AGENT_OWN: &str = "sk-ant-api03-AGENTownKEY0123456789abcdefghij";

/// Whether bubblewrap works here; `false` (with a note) lets a test skip, unless CI
/// requires it.
fn bwrap_works() -> bool {
    let ok = Command::new("bwrap")
        .args(["--dev-bind", "/", "/", "--unshare-pid", "--proc", "/proc", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("TKX_TEST_REQUIRE_BWRAP").is_none_or(|v| v.is_empty() || v == "0"),
            "bwrap missing or not working, and TKX_TEST_REQUIRE_BWRAP is set"
        );
        eprintln!("bwrap missing or not working: skipped");
    }
    ok
}

/// A git project with `.env`, `.env.example`, a nested env file, a private store and a
/// user file.
fn project() -> TestEnv {
    let env = TestEnv::git_repo();
    env.write(".env", format!("OPENAI_PAT={KEY}\nPORT=8080\n"));
    env.write(".env.example", "OPENAI_PAT=\nPORT=\n");
    env.write("services/api/.env.local", format!("API_KEY={KEY}\n"));
    env.write("src/main.py", "print('hello from the tree')\n");
    env.write_abs(&env.tkx_dir().join(".env"), format!("USER_TOKEN={USER}\n"));
    env.tkx(["set", "PRIVATE_TOKEN", "--private"]).write_stdin(format!("{PRIVATE}\n")).assert().success();
    env
}

/// PATH with the tkx under test first, so `tkx` inside the sandbox is it.
fn path_with_tkx() -> std::ffi::OsString {
    let bin = tkx_path().parent().expect("bin dir").to_path_buf();
    let mut path = std::ffi::OsString::from(bin);
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    path
}

/// `tkx agent run ARGS` in the project, with `OPENAI_PAT`… nothing else exported but
/// `EXPORTED_TOKEN` (a secret the shell exported).
fn agent_run(env: &TestEnv, args: &[&str]) -> Command {
    let mut cmd = env.process(tkx_path());
    cmd.env("PATH", path_with_tkx()).env("EXPORTED_TOKEN", EXPORTED).arg("agent").arg("run").args(args);
    cmd
}

fn no_leaks(out: &Output) {
    for s in [KEY, PRIVATE, USER, EXPORTED] {
        assert_no_leak(out, s);
    }
}

#[test]
fn every_way_of_reading_the_keys_yields_nothing() {
    if !bwrap_works() {
        return;
    }
    let env = project();
    let script = r#"
        echo "cat:[$(cat .env)]"
        echo "computed:[$(cat "$(printf '\056env')")]"
        python3 -c "print('python:[' + open('.env').read() + ']')" 2>/dev/null || echo "python:[]"
        for f in .e*; do printf '%s=' "$f"; cat "$f" | tr '\n' ' '; echo; done
        ln -s .env link && echo "link:[$(cat link)]"
        ln .env hard 2>/dev/null; echo "hard:[$(cat hard 2>/dev/null)]"
        echo "nested:[$(cat services/api/.env.local)]"
        echo "store:[$(cat "$TKX_DIR"/projects/*/.env 2>/dev/null)]"
        echo "user:[$(cat "$TKX_DIR/.env")]"
        echo "grep:[$(grep -r OPENAI_PAT . 2>/dev/null | grep -v example)]"
        echo "tree:$(cat src/main.py)"
        echo "write:$(echo X=1 > .env 2>&1 && echo wrote || echo refused)"
        echo "env:[$(env | grep -c EXPORTED_TOKEN)]"
        umount .env 2>/dev/null; umount -l .env 2>/dev/null; echo "umount:[$(cat .env)]"
    "#;
    let out = agent_run(&env, &["--", "sh", "-c", script]).output().unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", stderr(&out));
    for line in [
        "cat:[]",
        "computed:[]",
        "python:[]",
        ".env=\n",
        ".env.example=OPENAI_PAT= PORT= \n",
        "link:[]",
        "hard:[]",
        "nested:[]",
        "store:[]",
        "user:[]",
        "grep:[]",
        "tree:print('hello from the tree')",
        "write:refused",
        "env:[0]",
        "umount:[]",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    // Outside, nothing changed.
    assert!(std::fs::read_to_string(env.project().join(".env")).unwrap().contains(KEY));
    let err = stderr(&out);
    assert!(err.contains("tkx: sandbox: bubblewrap"), "{err}");
    assert!(err.contains("removed from the agent's environment: EXPORTED_TOKEN"), "{err}");
    no_leaks(&out);
}

#[test]
fn tkx_exec_inside_runs_with_the_keys_and_masks_them() {
    if !bwrap_works() {
        return;
    }
    let env = project();
    let script = format!(
        r#"
        tkx exec -- sh -c 'test "$OPENAI_PAT" = "{KEY}" && test "$PRIVATE_TOKEN" = "{PRIVATE}" && test "$EXPORTED_TOKEN" = "{EXPORTED}"' && echo same-values
        tkx exec -- printenv OPENAI_PAT
        tkx exec -- printenv EXPORTED_TOKEN
        tkx exec -- sh -c 'echo "[$(cat .env)]" >&2'
        tkx exec -- sh -c 'pwd'
        echo piped | tkx exec -- cat
        tkx exec --require NOPE -- true; echo "require=$?"
        tkx exec -- no-such-command-tkx; echo "notfound=$?"
        tkx env; echo "env=$?"
        tkx get OPENAI_PAT; echo "get=$?"
        tkx env --reveal; echo "reveal=$?"
        "#
    );
    let out = agent_run(&env, &["-C", "src", "--", "sh", "-c", &script]).output().unwrap();
    let (text, err) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{text}\n{err}");
    assert!(text.contains("same-values"), "{text}\n{err}");
    assert!(text.contains("sk-p**********fXYZ"), "{text}");
    assert!(text.contains("xoxb**********ghij"), "{text}");
    assert!(err.contains("[]"), "{err}");
    assert!(text.contains(&format!("{}\n", env.project().join("src").display())), "{text}");
    assert!(text.contains("piped\n"), "{text}");
    assert!(text.contains("require=125") && err.contains("missing key required by --require: NOPE"), "{err}");
    assert!(text.contains("notfound=127") && err.contains("no-such-command-tkx: command not found"), "{err}");
    // `tkx env` is listed by the tkx outside (the files read as empty here), masked.
    assert!(text.contains("OPENAI_PAT     sk-p**********fXYZ  ../.env:1"), "{text}");
    assert!(text.contains("PRIVATE_TOKEN") && text.contains("env=0"), "{text}");
    assert!(text.contains("get=2") && err.contains("tkx get is refused inside `tkx agent run`"), "{err}");
    assert!(text.contains("reveal=2") && err.contains("tkx env --reveal is refused"), "{err}");
    no_leaks(&out);
}

#[test]
fn the_agents_own_key_is_kept_and_others_removed() {
    if !bwrap_works() {
        return;
    }
    let env = project();
    let bin = env.root.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let claude = bin.join("claude");
    std::fs::write(&claude, "#!/bin/sh\necho \"own=${ANTHROPIC_API_KEY:+set} other=${EXPORTED_TOKEN:-gone} kept=${GITHUB_TOKEN:+set}\"\n")
        .unwrap();
    env.chmod(&claude, 0o755);
    let out = agent_run(&env, &["--keep", "GITHUB_TOKEN", "--", claude.to_str().unwrap()])
        .env("ANTHROPIC_API_KEY", AGENT_OWN)
        .env("GITHUB_TOKEN", PRIVATE)
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "own=set other=gone kept=set\n", "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("removed from the agent's environment: EXPORTED_TOKEN"), "{err}");
    assert!(err.contains("kept (the agent's own or --keep): ANTHROPIC_API_KEY, GITHUB_TOKEN"), "{err}");
    assert_no_leak(&out, AGENT_OWN);
    no_leaks(&out);
}

#[test]
fn exit_codes_pass_through_both_layers() {
    if !bwrap_works() {
        return;
    }
    let env = project();
    for code in [0, 1, 42, 255] {
        let out = agent_run(&env, &["--", "sh", "-c", &format!("exit {code}")]).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
    }
    let script = r#"
        tkx exec -- sh -c 'exit 3'; echo "exit=$?"
        tkx exec -- sh -c 'kill -9 $$'; echo "kill9=$?"
        tkx exec -- sh -c 'kill -TERM $$'; echo "term=$?"
        sh -c 'kill -9 $$'
    "#;
    let out = agent_run(&env, &["--", "sh", "-c", script]).output().unwrap();
    let text = stdout(&out);
    assert!(text.contains("exit=3\nkill9=137\nterm=143\n"), "{text}\n{}", stderr(&out));
    // The agent's own last command died of signal 9: the shell exits 137.
    assert_eq!(out.status.code(), Some(137), "{text}");
    no_leaks(&out);
}

/// Starts `tkx agent run -- sh -c SCRIPT`, waits for its first line, sends `sig` to
/// the outer tkx, and returns the exit code and the rest of stdout.
fn signalled(env: &TestEnv, script: &str, sig: nix::sys::signal::Signal) -> (Option<i32>, String) {
    let mut child = agent_run(env, &["--", "sh", "-c", script])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    lines.read_line(&mut first).unwrap();
    assert_eq!(first.trim(), "ready");
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap());
    nix::sys::signal::kill(pid, sig).unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut lines, &mut rest).unwrap();
    (child.wait().unwrap().code(), rest)
}

#[test]
fn sigterm_and_sigint_reach_the_agent() {
    if !bwrap_works() {
        return;
    }
    use nix::sys::signal::Signal;
    let env = project();
    let (code, _) = signalled(&env, "echo ready; exec sleep 30", Signal::SIGTERM);
    assert_eq!(code, Some(143));
    let (code, _) = signalled(&env, "echo ready; exec sleep 30", Signal::SIGINT);
    assert_eq!(code, Some(130));
    let (code, rest) =
        signalled(&env, "trap 'echo trapped; exit 7' TERM; echo ready; sleep 30 & wait", Signal::SIGTERM);
    assert_eq!((code, rest.as_str()), (Some(7), "trapped\n"));
}

#[test]
fn signals_reach_a_command_started_through_tkx_exec_inside() {
    if !bwrap_works() {
        return;
    }
    let env = project();
    // The agent signals its own `tkx exec`; the inner tkx relays it over the socket and
    // the outer delivers it to the command, in its own sandbox.
    let script = r#"
        for sig in TERM INT; do
            tkx exec -- sh -c 'echo started >&2; exec sleep 30' 2>started &
            pid=$!
            while ! grep -q started started 2>/dev/null; do sleep 0.05; done
            kill -$sig $pid
            wait $pid
            echo "$sig=$?"
            rm -f started
        done
    "#;
    let out = assert_cmd::Command::from_std(agent_run(&env, &["--", "sh", "-c", script]))
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("TERM=143\nINT=130\n"), "{text}\n{}", stderr(&out));
    no_leaks(&out);
}

#[test]
fn without_bwrap_it_says_how_to_install_it_and_exits_125() {
    let env = project();
    let empty = env.root.join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let out =
        env.process(tkx_path()).env("PATH", &empty).args(["agent", "run", "--", "true"]).output().unwrap();
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("bwrap (bubblewrap) is not on PATH"), "{err}");
    assert!(err.contains("apt-get install bubblewrap"), "{err}");
    no_leaks(&out);
}

#[test]
fn configured_paths_are_hidden_too() {
    if !bwrap_works() {
        return;
    }
    let env = project();
    env.write(".tkx.toml", "[agent]\nhide = [\"certs/*.key\", \"~/.netrc\"]\n");
    env.write("certs/server.key", format!("{KEY}\n"));
    env.write("certs/server.crt", "public\n");
    env.write_abs(&env.root.join("home/.netrc"), format!("machine x password {KEY}\n"));
    let script =
        r#"echo "key:[$(cat certs/server.key)] crt:[$(cat certs/server.crt)] netrc:[$(cat ~/.netrc)]""#;
    let out = agent_run(&env, &["--", "sh", "-c", script]).output().unwrap();
    assert_eq!(stdout(&out), "key:[] crt:[public] netrc:[]\n", "{}", stderr(&out));
    assert!(stderr(&out).contains("2 paths from .tkx.toml"), "{}", stderr(&out));
    no_leaks(&out);
}

#[test]
fn the_terminal_cannot_be_fed_input_from_inside() {
    if !bwrap_works() {
        return;
    }
    let env = project();
    // TIOCSTI would push text into the user's terminal, run by their shell after the agent
    // exits. The filter answers before the tty check, so no terminal is needed to see it.
    let code = "import errno, fcntl, termios\n\
        for req in (termios.TIOCSTI, 0x541c):\n    \
            try:\n        fcntl.ioctl(0, req, b'x')\n        print('allowed')\n    \
            except OSError as e:\n        print(errno.errorcode[e.errno])\n";
    let script = format!("python3 -c \"{code}\"; tkx exec -- python3 -c \"{code}\"");
    let out = agent_run(&env, &["--", "sh", "-c", &script]).output().unwrap();
    assert_eq!(stdout(&out), "EPERM\nEPERM\nEPERM\nEPERM\n", "{}", stderr(&out));
}

#[test]
fn status_says_whether_the_sandbox_is_available() {
    let env = project();
    let out = env.process(tkx_path()).args(["agent", "status"]).output().unwrap();
    let line = if bwrap_works() {
        "Sandbox (tkx agent run): available, bubblewrap"
    } else {
        "Sandbox (tkx agent run): not available"
    };
    assert!(stdout(&out).contains(line), "{}", stdout(&out));
    let empty = env.root.join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let out = env.process(tkx_path()).env("PATH", &empty).args(["agent", "status"]).output().unwrap();
    assert!(
        stdout(&out).contains("Sandbox (tkx agent run): not available: bwrap (bubblewrap) is not on PATH"),
        "{}",
        stdout(&out)
    );
    no_leaks(&out);
}

#[test]
fn an_explicit_file_of_any_name_is_hidden_too() {
    if !bwrap_works() {
        return;
    }
    let env = project();
    env.write("config/secrets.txt", format!("OPENAI_PAT={KEY}\n"));
    let script = r#"echo "[$(cat config/secrets.txt)]"; tkx exec -- sh -c 'test "$OPENAI_PAT" = "'"$1"'" && echo same'"#;
    let mut cmd = env.process(tkx_path());
    cmd.env("PATH", path_with_tkx()).args([
        "-f",
        "config/secrets.txt",
        "agent",
        "run",
        "--",
        "sh",
        "-c",
        script,
        "sh",
        KEY,
    ]);
    let out = cmd.output().unwrap();
    assert_eq!(stdout(&out), "[]\nsame\n", "{}", stderr(&out));
    assert!(
        stderr(&out).contains("hidden: 3 env files, the private stores and the user file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn doctor_points_to_the_sandbox() {
    let env = project();
    env.write("CLAUDE.md", "# notes\n");
    let out = env.tkx(["doctor"]).output().unwrap();
    let text = format!("{}{}", stdout(&out), stderr(&out));
    let want = if bwrap_works() { "tkx agent run -- AGENT" } else { "apt-get install bubblewrap" };
    assert!(text.contains(want), "{text}");
    no_leaks(&out);
}

#[test]
fn an_env_file_replaced_outside_is_covered_again() {
    if !bwrap_works() {
        return;
    }
    let env = project();
    // Both the agent and a command it started through `tkx exec` before the rename wait
    // for the marker, then read `.env` until the cover is back (a few milliseconds after
    // the rename), at most 3 seconds.
    let wait_then_read = r#"while [ ! -e renamed ]; do sleep 0.02; done; for i in $(seq 150); do [ -z "$(cat .env)" ] && break; sleep 0.02; done"#;
    let script = format!(
        r#"
        tkx exec -- sh -c '{wait_then_read}; echo "child:[$(cat .env)]"' &
        sleep 0.3
        echo ready
        {wait_then_read}
        echo "agent:[$(cat .env)]"
        wait
        "#
    );
    let mut child = agent_run(&env, &["--", "sh", "-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    lines.read_line(&mut first).unwrap();
    assert_eq!(first.trim(), "ready");
    // `tkx set` writes the file atomically: a new file renamed over the old.
    env.tkx(["set", "NEW_TOKEN"]).write_stdin(format!("{PRIVATE}\n")).assert().success();
    assert!(std::fs::read_to_string(env.project().join(".env")).unwrap().contains("NEW_TOKEN="));
    env.write("renamed", "");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut lines, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(rest.contains("agent:[]"), "{rest}\n{}", stderr(&out));
    assert!(rest.contains("child:[]"), "{rest}\n{}", stderr(&out));
    assert!(!rest.contains(KEY) && !rest.contains(PRIVATE), "{rest}");
}

/// Inside another sandbox that covers `.env` with /dev/null (Claude Code's `denyRead` does
/// this on Linux), tkx says the file is hidden and how to get the keys, instead of failing
/// on "not a regular file".
#[test]
fn an_env_file_covered_by_dev_null_is_named_hidden_and_skipped() {
    if !bwrap_works() {
        return;
    }
    let env = project();
    let dotenv = env.project().join(".env");
    let out = env
        .process("bwrap")
        .args(["--dev-bind", "/", "/", "--dev-bind", "/dev/null"])
        .arg(&dotenv)
        .arg(tkx_path())
        .args(["exec", "--", "sh", "-c", "test -z \"$OPENAI_PAT\" && test -n \"$PRIVATE_TOKEN\" && echo ran"])
        .output()
        .expect("bwrap runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "ran\n");
    let err = stderr(&out);
    assert!(err.contains(".env: warning[envfile/unreadable]: hidden here: it reads as /dev/null"), "{err}");
    assert!(err.contains("tkx agent run"), "{err}");
    no_leaks(&out);
}

/// References are resolved once, by the tkx outside: `tkx exec` inside gets the values
/// (masked in its output); one that did not resolve refuses only the commands that need it.
#[test]
fn references_resolve_outside_for_tkx_exec_inside() {
    if !bwrap_works() {
        return;
    }
    let Some(bao) = crate::managers::servers::Bao::start() else { return };
    let bao_dir = crate::managers::servers::Bao::bin_dir().expect("bao");
    const MANAGED: &str = "sk-proj-MANAGEDinVAULT0123456789abcdefXYZ";
    bao.put("secret", "app", &[("openai", MANAGED)]);
    let env = project();
    env.write(".env", "MANAGED_PAT=vault://secret/app#openai\nBROKEN=vault://secret/nothing#x\nPORT=8080\n");
    let mut path = std::ffi::OsString::from(&bao_dir);
    path.push(":");
    path.push(path_with_tkx());
    let script = format!(
        r#"
        tkx exec --only MANAGED_PAT -- sh -c 'test "$MANAGED_PAT" = "{MANAGED}"' && echo resolved
        tkx exec --only MANAGED_PAT -- printenv MANAGED_PAT
        tkx exec -- true; echo "all=$?"
        tkx exec --skip-unresolved BROKEN -- sh -c 'test -z "${{BROKEN+x}}" && echo skipped'
        "#
    );
    let out =
        agent_run(&env, &["--", "sh", "-c", &script]).env("PATH", path).envs(bao.env()).output().unwrap();
    let (text, err) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{text}\n{err}");
    assert!(text.contains("resolved\n"), "{text}\n{err}");
    assert!(text.contains("sk-p**********fXYZ"), "{text}");
    assert!(text.contains("all=125") && err.contains("BROKEN (.env:2, vault://): not found"), "{err}");
    assert!(text.contains("skipped\n"), "{text}\n{err}");
    assert_no_leak(&out, MANAGED);
    no_leaks(&out);
}
