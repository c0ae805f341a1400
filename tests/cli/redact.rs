//! `tkx exec --redact` and `tkx redact`: secrets never reach the output, everything else
//! passes through byte for byte.

use crate::support::{TestEnv, stderr, stdout};
use base64::Engine as _;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

const SECRET: &str = "corp-internal-7Hq2-Zk9wYYq";

fn project() -> TestEnv {
    let env = TestEnv::new();
    env.write(".env", format!("CORP_TOKEN={SECRET}\nPORT=8080\n"));
    env
}

fn mask() -> String {
    tkx::secret::mask(SECRET)
}

fn assert_clean(out: &std::process::Output) {
    for (name, stream) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(SECRET), "{name} leaked: {text}");
        assert!(!text.contains("corp-internal"), "{name} leaked half: {text}");
    }
}

#[test]
fn whole_split_and_encoded_secrets_are_masked_on_both_streams() {
    let env = project();
    let b64 = base64::engine::general_purpose::STANDARD.encode(SECRET);
    let script = format!(
        "echo \"whole: $CORP_TOKEN\"; printf 'split: corp-inte'; sleep 0.2; printf 'rnal-7Hq2'; sleep 0.1; echo '-Zk9wYYq!'; \
         echo 'b64: {b64}'; echo \"err: $CORP_TOKEN\" >&2; echo 'port: 8080'; exit 7"
    );
    let out = env.tkx(["exec", "--redact", "--", "sh", "-c", &script]).output().unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert_clean(&out);
    let m = mask();
    // base64 is matched without its padding; the `=` left behind tells nothing.
    let pad = "=".repeat(b64.len() - b64.trim_end_matches('=').len());
    assert_eq!(stdout(&out), format!("whole: {m}\nsplit: {m}!\nb64: {m}{pad}\nport: 8080\n"));
    assert_eq!(stderr(&out), format!("err: {m}\n"));
}

#[test]
fn provider_keys_are_masked_without_being_known() {
    let env = TestEnv::new();
    let key = format!("{}{}", "ghp_", "Zr4bT9qLm2Vz8Kp1Wn6Yc3Hd7Js5Fg0Ue2Ra");
    let out = env.tkx(["exec", "--redact", "--", "echo", &format!("token={key}")]).output().unwrap();
    assert_eq!(stdout(&out), format!("token={}\n", tkx::secret::mask(&key)));
}

#[test]
fn fingerprint_style() {
    let env = project();
    let out = env
        .tkx(["exec", "--redact", "--redact-style", "fingerprint", "--", "printenv", "CORP_TOKEN"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), format!("[tkx:{}]\n", tkx::secret::fingerprint(SECRET)));
}

#[test]
fn redact_is_the_default_through_the_environment_or_the_config() {
    let env = project();
    let out = env.tkx(["exec", "--", "printenv", "CORP_TOKEN"]).env("TKX_REDACT", "1").output().unwrap();
    assert_clean(&out);
    env.write(".tkx.toml", "[exec]\nredact = true\n");
    let out = env.tkx(["exec", "--", "printenv", "CORP_TOKEN"]).output().unwrap();
    assert_clean(&out);
    let out = env.tkx(["exec", "--", "printenv", "CORP_TOKEN"]).env("TKX_REDACT", "0").output().unwrap();
    assert_eq!(stdout(&out), format!("{SECRET}\n"));
}

#[test]
fn binary_output_passes_through_unchanged() {
    let env = project();
    let data: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let file = env.write("blob.bin", &data);
    let out = env.tkx(["exec", "--redact", "--", "cat"]).arg(&file).output().unwrap();
    assert!(out.stdout == data, "binary output changed");
}

#[test]
fn stdin_passes_through_and_secrets_at_chunk_boundaries_are_masked() {
    let env = project();
    // 256 KiB chunks: put secrets right across the boundaries.
    let mut input = "x".repeat(256 * 1024 - 10);
    input.push_str(SECRET);
    input.push_str(&"y".repeat(256 * 1024 - 7));
    input.push_str(SECRET);
    input.push('\n');
    let out = env.tkx(["exec", "--redact", "--", "cat"]).write_stdin(input.clone()).output().unwrap();
    assert_clean(&out);
    assert_eq!(stdout(&out), input.replace(SECRET, &mask()));
}

#[test]
fn tkx_redact_filters_stdin() {
    let env = project();
    let url = format!("https://x/?t={SECRET}&u=1");
    let out = env.tkx(["redact"]).write_stdin(format!("log {url}\nplain\n")).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), format!("log https://x/?t={}&u=1\nplain\n", mask()));
}

#[test]
fn exit_codes_and_death_by_signal_pass_through() {
    use std::os::unix::process::ExitStatusExt;
    let env = project();
    env.tkx(["exec", "--redact", "--", "sh", "-c", "exit 42"]).assert().code(42);
    let out = env.tkx(["exec", "--redact", "--", "sh", "-c", "kill -9 $$"]).output().unwrap();
    assert_eq!(out.status.signal(), Some(9));
    env.tkx(["exec", "--redact", "--", "no-such-command-tkx"]).assert().code(127);
}

#[test]
fn sigterm_is_forwarded_and_output_is_flushed() {
    let env = project();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("tkx"))
        .current_dir(env.project())
        .env("TKX_DIR", env.tkx_dir())
        .args(["exec", "--redact", "--", "sh", "-c"])
        .arg("trap 'echo \"bye $CORP_TOKEN\"; exit 42' TERM; echo ready; while :; do sleep 0.05; done")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "ready");
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(child.wait().unwrap().code(), Some(42));
    assert_eq!(lines.next().unwrap().unwrap(), format!("bye {}", mask()));
}

#[test]
fn a_line_shows_up_while_the_child_is_still_running() {
    let env = project();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("tkx"))
        .current_dir(env.project())
        .env("TKX_DIR", env.tkx_dir())
        .args(["exec", "--redact", "--", "sh", "-c", "printf 'prompt> '; sleep 5"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut buf = [0u8; 8];
    let start = std::time::Instant::now();
    std::io::Read::read_exact(&mut out, &mut buf).unwrap();
    assert_eq!(&buf, b"prompt> ");
    assert!(start.elapsed() < std::time::Duration::from_secs(4), "output was held until the child ended");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn large_output_keeps_memory_bounded() {
    if !std::path::Path::new("/usr/bin/time").exists() {
        eprintln!("skipping: /usr/bin/time is not installed");
        return;
    }
    let env = project();
    let tkx = assert_cmd::cargo::cargo_bin!("tkx");
    // 200 MB of output with no newline at all, the hardest case for a line-holding engine.
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(tkx)
        .args(["exec", "--redact", "--", "sh", "-c", "head -c 200000000 /dev/zero"])
        .current_dir(env.project())
        .env("TKX_DIR", env.tkx_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let output = out.wait_with_output().unwrap();
    assert_eq!(output.stdout.len(), 200_000_000);
    let max_kb: u64 =
        String::from_utf8_lossy(&output.stderr).trim().lines().last().unwrap().trim().parse().unwrap();
    assert!(max_kb < 100_000, "tkx used {max_kb} KB for 200 MB of output");
    let _ = std::io::stderr().flush();
}
