//! The stand-ins answer the real CLIs (not tkx) as the real services do.

use super::servers::{Bao, GcpStandIn, Moto, path_with, stub_calls, stub_cli};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `program` from `bin` with only PATH (`bin` first), HOME and `env`.
fn command(bin: &Path, program: &str, args: &[&str], env: &[(String, String)], home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env_clear()
        .env("PATH", path_with(&[bin]))
        .env("HOME", home)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(home);
    cmd
}

/// Runs `program`, `stdin` on its standard input.
fn run(
    bin: &Path,
    program: &str,
    args: &[&str],
    env: &[(String, String)],
    home: &Path,
    stdin: &str,
) -> Output {
    let mut child = command(bin, program, args, env, home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("stdin");
    child.wait_with_output().expect("wait")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", out(o), err(o)))
}

#[track_caller]
fn assert_code(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "stdout: {}\nstderr: {}", out(o), err(o));
}

#[test]
fn bao_reads_kv_v2_and_v1() {
    let Some(bao) = Bao::start() else { return };
    let bin = Bao::bin_dir().expect("bao");
    let home = tempfile::tempdir().expect("home");
    bao.enable_kv("kv1", 1);
    bao.put("secret", "app", &[("openai", "sk-v2"), ("other", "x")]);
    bao.put("kv1", "app", &[("openai", "sk-v1")]);
    let bao_run = |args: &[&str]| run(&bin, "bao", args, &bao.env(), home.path(), "");

    let field = bao_run(&["kv", "get", "-mount=secret", "-field=openai", "app"]);
    assert_code(&field, 0);
    assert_eq!(out(&field), "sk-v2", "-field prints the bare value, no newline");
    let v2 = bao_run(&["kv", "get", "-format=json", "-mount=secret", "app"]);
    assert_code(&v2, 0);
    assert_eq!(json(&v2)["data"]["data"]["openai"], "sk-v2");
    assert_eq!(json(&v2)["data"]["metadata"]["version"], 1);
    let v1 = bao_run(&["kv", "get", "-format=json", "-mount=kv1", "app"]);
    assert_code(&v1, 0);
    assert_eq!(json(&v1)["data"]["openai"], "sk-v1");

    let missing = bao_run(&["kv", "get", "-format=json", "-mount=secret", "nosuch"]);
    assert_code(&missing, 2);
    assert!(err(&missing).contains("No value found at secret/data/nosuch"), "{}", err(&missing));
}

#[test]
fn bao_refuses_a_limited_token_then_a_sealed_then_a_stopped_server() {
    let Some(mut bao) = Bao::start() else { return };
    let bin = Bao::bin_dir().expect("bao");
    let home = tempfile::tempdir().expect("home");
    bao.put("secret", "app", &[("openai", "sk-app")]);
    bao.put("secret", "other", &[("openai", "sk-other")]);
    let limited = bao.token_for(&["secret/data/app"]);
    let get = |path: &str, env: &[(String, String)]| {
        run(&bin, "bao", &["kv", "get", "-mount=secret", "-field=openai", path], env, home.path(), "")
    };

    let allowed = get("app", &bao.env_with_token(&limited));
    assert_code(&allowed, 0);
    assert_eq!(out(&allowed), "sk-app");
    let denied = get("other", &bao.env_with_token(&limited));
    assert_code(&denied, 2);
    assert!(
        err(&denied).contains("Code: 403") && err(&denied).contains("permission denied"),
        "{}",
        err(&denied)
    );

    bao.seal();
    let sealed = get("app", &bao.env());
    assert_code(&sealed, 2);
    assert!(
        err(&sealed).contains("Code: 503") && err(&sealed).contains("Vault is sealed"),
        "{}",
        err(&sealed)
    );

    bao.stop();
    let stopped = get("app", &bao.env());
    assert_code(&stopped, 2);
    assert!(err(&stopped).contains("connection refused"), "{}", err(&stopped));
}

#[test]
fn moto_answers_aws_secrets_and_parameters() {
    let Some(moto) = Moto::start() else { return };
    let bin = Moto::bin_dir().expect("aws");
    let home = tempfile::tempdir().expect("home");
    moto.put_secret("prod/app", r#"{"OPENAI":"sk-aws"}"#);
    moto.put_secret("plain", "one");
    moto.put_secret("plain", "two");
    moto.put_parameter("/app/token", "ssm-1");
    let aws = |args: &[&str]| run(&bin, "aws", args, &moto.env(), home.path(), "");

    let plain = aws(&[
        "secretsmanager",
        "get-secret-value",
        "--secret-id",
        "plain",
        "--query",
        "SecretString",
        "--output",
        "text",
    ]);
    assert_code(&plain, 0);
    assert_eq!(out(&plain), "two\n");

    let batch = aws(&[
        "secretsmanager",
        "batch-get-secret-value",
        "--secret-id-list",
        "prod/app",
        "missing",
        "--output",
        "json",
    ]);
    assert_code(&batch, 0);
    let batch = json(&batch);
    assert_eq!(batch["SecretValues"][0]["Name"], "prod/app");
    assert_eq!(batch["SecretValues"][0]["SecretString"], r#"{"OPENAI":"sk-aws"}"#);
    assert_eq!(batch["Errors"][0]["SecretId"], "missing");
    assert_eq!(batch["Errors"][0]["ErrorCode"], "ResourceNotFoundException");

    let params = aws(&[
        "ssm",
        "get-parameters",
        "--names",
        "/app/token",
        "/app/missing",
        "--with-decryption",
        "--output",
        "json",
    ]);
    assert_code(&params, 0);
    let params = json(&params);
    assert_eq!(params["Parameters"][0]["Value"], "ssm-1");
    assert_eq!(params["InvalidParameters"], serde_json::json!(["/app/missing"]));

    let missing = aws(&["secretsmanager", "get-secret-value", "--secret-id", "missing", "--output", "json"]);
    assert_code(&missing, 255);
    assert!(err(&missing).contains("(ResourceNotFoundException)"), "{}", err(&missing));
}

#[test]
fn gcloud_reads_through_the_stand_in() {
    let Some(gcp) = GcpStandIn::start() else { return };
    let bin = GcpStandIn::bin_dir().expect("gcloud");
    let home = tempfile::tempdir().expect("home");
    let env = gcp.env(home.path());
    gcp.add("my-proj", "openai", "1", "sk-old");
    gcp.add("my-proj", "openai", "3", "sk-gcp");
    gcp.deny("my-proj", "locked");
    let access = |version: &str, secret: &str| {
        let secret = format!("--secret={secret}");
        run(
            &bin,
            "gcloud",
            &["secrets", "versions", "access", version, &secret, "--project=my-proj"],
            &env,
            home.path(),
            "",
        )
    };

    let three = access("3", "openai");
    assert_code(&three, 0);
    assert_eq!(out(&three), "sk-gcp", "gcloud prints the raw payload, no newline");
    let latest = access("latest", "openai");
    assert_code(&latest, 0);
    assert_eq!(out(&latest), "sk-gcp");
    let two = access("2", "openai");
    assert_code(&two, 1);
    assert!(
        err(&two)
            .contains("NOT_FOUND: Secret Version [projects/my-proj/secrets/openai/versions/2] not found."),
        "{}",
        err(&two)
    );
    let locked = access("1", "locked");
    assert_code(&locked, 1);
    assert!(
        err(&locked).contains("PERMISSION_DENIED: Permission 'secretmanager.versions.access' denied"),
        "{}",
        err(&locked)
    );
    assert_eq!(gcp.requests(), 4);
}

#[test]
fn gcloud_waits_on_a_hanging_stand_in() {
    let Some(gcp) = GcpStandIn::start() else { return };
    let bin = GcpStandIn::bin_dir().expect("gcloud");
    let home = tempfile::tempdir().expect("home");
    gcp.hang();
    let args = ["secrets", "versions", "access", "1", "--secret=openai", "--project=my-proj"];
    let mut child = command(&bin, "gcloud", &args, &gcp.env(home.path()), home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gcloud");
    let start = Instant::now();
    while gcp.requests() == 0 {
        assert!(child.try_wait().expect("wait").is_none(), "gcloud ended before asking");
        assert!(start.elapsed() < Duration::from_secs(60), "gcloud never asked");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    assert!(child.try_wait().expect("wait").is_none(), "gcloud gave up on a server that never answers");
    child.kill().expect("kill gcloud");
    child.wait().expect("wait");
}

#[test]
fn stub_op_and_az_answer_like_the_real_ones() {
    let dir = tempfile::tempdir().expect("dir");
    let bin = dir.path().join("bin");
    let home = dir.path();
    stub_cli(&bin, "op", "# vault/item/field\tvalue\nvalue\top://dev/app/openai\tsk-op\n");
    let op = |args: &[&str], stdin: &str| run(&bin, "op", args, &[], home, stdin);

    let injected = op(&["inject"], "OPENAI={{ op://dev/app/openai }}\nPLAIN=x\n");
    assert_code(&injected, 0);
    assert_eq!(out(&injected), "OPENAI=sk-op\nPLAIN=x\n");
    let unknown = op(&["inject"], "A={{ op://dev/nope/openai }}\n");
    assert_code(&unknown, 1);
    assert_eq!(out(&unknown), "");
    assert!(err(&unknown).contains(r#""nope" isn't an item in the "dev" vault"#), "{}", err(&unknown));
    let read = op(&["read", "--no-newline", "op://dev/app/openai"], "");
    assert_eq!(out(&read), "sk-op");
    assert_code(&op(&["whoami"], ""), 0);
    let calls = stub_calls(&bin, "op");
    assert_eq!(
        calls,
        [vec!["inject"], vec!["inject"], vec!["read", "--no-newline", "op://dev/app/openai"], vec!["whoami"]]
    );

    stub_cli(&bin, "op", "state\tsigned-out\n");
    let whoami = op(&["whoami"], "");
    assert_code(&whoami, 1);
    assert!(err(&whoami).contains("account is not signed in"), "{}", err(&whoami));

    stub_cli(&bin, "az", "value\tkv1/openai\tsk-az\nvalue\tkv1/openai/abc\tsk-az-old\ndeny\tkv1/locked\n");
    let az = |extra: &[&str]| {
        let mut args = vec!["keyvault", "secret", "show", "--vault-name", "kv1"];
        args.extend_from_slice(extra);
        run(&bin, "az", &args, &[], home, "")
    };
    let shown = az(&["--name", "openai", "-o", "json"]);
    assert_code(&shown, 0);
    assert_eq!(json(&shown)["value"], "sk-az");
    assert_eq!(json(&shown)["name"], "openai");
    let old = az(&["--name", "openai", "--version", "abc", "--query", "value", "-o", "tsv"]);
    assert_eq!(out(&old), "sk-az-old\n");
    let missing = az(&["--name", "nope"]);
    assert_code(&missing, 3);
    assert!(
        err(&missing).starts_with("ERROR: (SecretNotFound) A secret with (name/id) nope was not found"),
        "{}",
        err(&missing)
    );
    let locked = az(&["--name", "locked"]);
    assert_code(&locked, 1);
    assert!(err(&locked).starts_with("ERROR: (Forbidden) "), "{}", err(&locked));

    stub_cli(&bin, "az", "state\tlogged-out\n");
    let logged_out = az(&["--name", "openai"]);
    assert_code(&logged_out, 1);
    assert_eq!(err(&logged_out), "ERROR: Please run 'az login' to setup account.\n");
}
