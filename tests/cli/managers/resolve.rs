//! `tkx` resolving references through the real CLIs and servers: OpenBao (`bao`), moto
//! with the real `aws`, the real `gcloud` against a loopback Secret Manager, and scripted
//! `op` and `az` (which cannot be installed here). Every test checks that no value
//! appears in any output, and that a command that needs a failed reference never starts.

use super::servers::{Bao, GcpStandIn, Moto, path_with, stub_calls, stub_cli};
use crate::support::{TestEnv, assert_no_leak, read, stderr, stdout};
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

const OPENAI: &str = "sk-proj-VAULTv2value0123456789abcdefXYZ";
const ANTHROPIC: &str = "sk-ant-api03-VAULTv1value0123456789abcdefgh";
const SETTING: &str = "plain-looking-but-managed-7f3a9";

/// `tkx ARGS` in the project with `env` added and `bins` first on PATH.
fn tkx(env: &TestEnv, bins: &[&Path], extra: &[(String, String)], args: &[&str]) -> Output {
    env.tkx(args)
        .env("PATH", path_with(bins))
        .envs(extra.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("tkx runs")
}

#[track_caller]
fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

#[track_caller]
fn assert_none_leak(o: &Output, values: &[&str]) {
    for v in values {
        assert_no_leak(o, v);
    }
}

/// A child that would leave a mark if it started.
fn marker(env: &TestEnv) -> (String, std::path::PathBuf) {
    let mark = env.root.join("started");
    (format!("touch {}", mark.display()), mark)
}

fn bao_project(bao: &Bao) -> TestEnv {
    bao.enable_kv("kv1", 1);
    bao.put("secret", "app", &[("openai", OPENAI), ("setting", SETTING)]);
    bao.put("kv1", "team", &[("anthropic", ANTHROPIC)]);
    let env = TestEnv::new();
    env.write(
        ".env",
        "OPENAI_PAT=vault://secret/app#openai\nANTHROPIC_PAT=\"vault://kv1/team#anthropic\"\nSETTING=vault://secret/app#setting\nPORT=8080\n",
    );
    env
}

#[test]
fn vault_kv_v2_and_v1_reach_the_child_and_nothing_else() {
    let Some(bao) = Bao::start() else { return };
    let bin = Bao::bin_dir().expect("bao");
    let env = bao_project(&bao);
    let e = bao.env();
    let all = [OPENAI, ANTHROPIC, SETTING];

    let check = format!(
        "test \"$OPENAI_PAT\" = '{OPENAI}' && test \"$ANTHROPIC_PAT\" = '{ANTHROPIC}' && test \"$SETTING\" = '{SETTING}' && test \"$PORT\" = 8080"
    );
    let o = tkx(&env, &[&bin], &e, &["exec", "--", "sh", "-c", &check]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_none_leak(&o, &all);

    // Listed as references, not resolved, nothing fetched.
    let o = tkx(&env, &[&bin], &e, &["env"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let listing = stdout(&o);
    assert!(listing.contains("vault://secret/app#openai via .env:1"), "{listing}");
    assert!(listing.contains("vault://kv1/team#anthropic via .env:2"), "{listing}");
    assert!(listing.contains("(not resolved)"), "{listing}");
    assert_none_leak(&o, &all);

    // --resolve: masked, with fingerprints; JSON says which values were resolved.
    let o = tkx(&env, &[&bin], &e, &["env", "--resolve"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("sha256:"), "{}", stdout(&o));
    assert_none_leak(&o, &all);

    // --redact masks resolved values whatever the key is called.
    let o = tkx(&env, &[&bin], &e, &["exec", "--redact", "--", "sh", "-c", "echo \"$SETTING $OPENAI_PAT\""]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_none_leak(&o, &all);

    // get, --export and --reveal print what the user asked for.
    let o = tkx(&env, &[&bin], &e, &["get", "ANTHROPIC_PAT"]);
    assert_eq!((code(&o), stdout(&o)), (0, format!("{ANTHROPIC}\n")), "{}", stderr(&o));
    let o = tkx(&env, &[&bin], &e, &["env", "--export"]);
    assert!(stdout(&o).contains(&format!("export OPENAI_PAT='{OPENAI}'")), "{}", stdout(&o));
}

#[test]
fn failures_name_every_key_and_the_command_never_starts() {
    let Some(bao) = Bao::start() else { return };
    let bin = Bao::bin_dir().expect("bao");
    let env = bao_project(&bao);
    env.write(
        ".env",
        "OPENAI_PAT=vault://secret/app#openai\nNO_PATH=vault://secret/nothing-here#x\nNO_FIELD=vault://secret/app#nope\nDENIED=vault://secret/other#x\n",
    );
    bao.put("secret", "other", &[("x", ANTHROPIC)]);
    // A token that may read secret/app and nothing else: a partial failure.
    let limited = bao.token_for(&["secret/data/app"]);
    let (touch, mark) = marker(&env);
    let o = tkx(&env, &[&bin], &bao.env_with_token(&limited), &["exec", "--", "sh", "-c", &touch]);
    assert_eq!(code(&o), 125, "{}", stderr(&o));
    assert!(!mark.exists(), "the command started");
    let err = stderr(&o);
    assert!(err.contains("3 references to a secret manager did not resolve"), "{err}");
    // Vault answers 403 for a path the token may not read, whether it exists or not.
    assert!(err.contains("NO_PATH (.env:2, vault://): permission denied"), "{err}");
    assert!(err.contains("Code: 403. permission denied"), "{err}");
    assert!(
        err.contains("NO_FIELD (.env:3, vault://): not found: the secret at secret/app has no field nope"),
        "{err}"
    );
    assert!(err.contains("DENIED (.env:4, vault://): permission denied"), "{err}");
    assert!(!err.contains("OPENAI_PAT ("), "{err}");
    assert!(err.contains("--skip-unresolved"), "{err}");
    assert_none_leak(&o, &[OPENAI, ANTHROPIC]);

    // --only needs only its keys' references.
    let o = tkx(
        &env,
        &[&bin],
        &bao.env_with_token(&limited),
        &["exec", "--only", "OPENAI_PAT", "--", "sh", "-c", "test -n \"$OPENAI_PAT\""],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // --skip-unresolved starts it without them: unset, never the literal reference.
    let check = "test -z \"${NO_PATH+x}${NO_FIELD+x}${DENIED+x}\" && test -n \"$OPENAI_PAT\"";
    let o = tkx(
        &env,
        &[&bin],
        &bao.env_with_token(&limited),
        &["exec", "--skip-unresolved", "NO_PATH,NO_FIELD,DENIED", "--", "sh", "-c", check],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("left out (--skip-unresolved)"), "{}", stderr(&o));
    assert_none_leak(&o, &[OPENAI, ANTHROPIC]);

    // With a token that may read everything, a missing path is not found.
    let o = tkx(&env, &[&bin], &bao.env(), &["exec", "--only", "NO_PATH", "--", "true"]);
    assert_eq!(code(&o), 125, "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("NO_PATH (.env:2, vault://): not found: No value found at secret/data/nothing-here"),
        "{}",
        stderr(&o)
    );

    // A bad token: every key fails.
    let o = tkx(&env, &[&bin], &bao.env_with_token("not-a-token"), &["get", "OPENAI_PAT"]);
    assert_eq!(code(&o), 125, "{}", stderr(&o));
    assert!(stderr(&o).contains("permission denied"), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn sealed_and_stopped_servers_are_unreachable() {
    let Some(mut bao) = Bao::start() else { return };
    let bin = Bao::bin_dir().expect("bao");
    let env = bao_project(&bao);
    let (touch, mark) = marker(&env);
    bao.seal();
    let o = tkx(&env, &[&bin], &bao.env(), &["exec", "--", "sh", "-c", &touch]);
    assert_eq!(code(&o), 125, "{}", stderr(&o));
    assert!(stderr(&o).contains("OPENAI_PAT (.env:1, vault://): unreachable"), "{}", stderr(&o));
    assert!(stderr(&o).contains("sealed"), "{}", stderr(&o));
    bao.stop();
    let o = tkx(&env, &[&bin], &bao.env(), &["exec", "--", "sh", "-c", &touch]);
    assert_eq!(code(&o), 125, "{}", stderr(&o));
    assert!(stderr(&o).contains("unreachable"), "{}", stderr(&o));
    assert!(!mark.exists(), "the command started");
}

#[test]
fn the_deadline_holds_against_a_server_that_never_answers() {
    let Some(bin) = Bao::bin_dir() else {
        // Bao::start says whether a missing bao fails the run.
        let _ = Bao::start();
        return;
    };
    // Accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
    let addr = format!("http://{}", silent.local_addr().expect("addr"));
    let held = std::thread::spawn(move || {
        let mut conns = Vec::new();
        for c in silent.incoming().take(8) {
            conns.push(c);
        }
        conns
    });
    let env = TestEnv::new();
    env.write(".env", "OPENAI_PAT=vault://secret/app#openai\n");
    let e: Vec<(String, String)> = [
        ("VAULT_ADDR", addr.as_str()),
        ("BAO_ADDR", addr.as_str()),
        ("BAO_TOKEN", "t"),
        ("VAULT_TOKEN", "t"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let (touch, mark) = marker(&env);
    let started = Instant::now();
    let o = tkx(&env, &[&bin], &e, &["exec", "--resolve-timeout", "1500ms", "--", "sh", "-c", &touch]);
    let took = started.elapsed();
    assert_eq!(code(&o), 125, "{}", stderr(&o));
    assert!(stderr(&o).contains("OPENAI_PAT (.env:1, vault://): timeout"), "{}", stderr(&o));
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(!mark.exists());
    drop(held);
}

#[test]
fn invalid_references_are_lints_and_never_values() {
    let env = TestEnv::new();
    env.write(
        ".env",
        "NO_FIELD=vault://kv/app\nIN_STRING=\"Bearer op://v/i/f\"\nUNKNOWN=hcvault://kv/app#x\nURL=https://api.example.com/v1\n",
    );
    let o = env.tkx(["env"]).output().expect("tkx");
    let err = stderr(&o);
    for line in [".env:1", ".env:2", ".env:3"] {
        assert!(err.contains(&format!("{line}:1: error[envfile/invalid-reference]")), "{line}: {err}");
    }
    assert!(!err.contains(".env:4"), "{err}");
    let (touch, mark) = marker(&env);
    let o = env.tkx(["exec", "--", "sh", "-c", &touch]).output().expect("tkx");
    assert_eq!(code(&o), 125, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "IN_STRING (.env:2, reference): invalid reference: a reference must be the whole value"
        ),
        "{}",
        stderr(&o)
    );
    assert!(!mark.exists());
    let o = env
        .tkx([
            "exec",
            "--skip-unresolved",
            "NO_FIELD,IN_STRING,UNKNOWN",
            "--",
            "sh",
            "-c",
            "test -z \"${NO_FIELD+x}${IN_STRING+x}${UNKNOWN+x}\" && test -n \"$URL\"",
        ])
        .output()
        .expect("tkx");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn move_to_vault_writes_reads_back_and_leaves_references() {
    let Some(bao) = Bao::start() else { return };
    let bin = Bao::bin_dir().expect("bao");
    let env = TestEnv::new();
    let before =
        format!("# keys\nexport OPENAI_PAT={OPENAI}  # the key\nPORT=8080\nANTHROPIC_PAT='{ANTHROPIC}'\n");
    env.write(".env", &before);
    bao.put("secret", "team/app", &[("KEEP", "kept-field")]);
    let o = tkx(
        &env,
        &[&bin],
        &bao.env(),
        &["move", "OPENAI_PAT", "ANTHROPIC_PAT", "--to", "vault://secret/team/app"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_none_leak(&o, &[OPENAI, ANTHROPIC]);
    let after = read(&env, ".env").expect(".env");
    assert_eq!(
        after,
        "# keys\nexport OPENAI_PAT='vault://secret/team/app#OPENAI_PAT'  # the key\nPORT=8080\nANTHROPIC_PAT='vault://secret/team/app#ANTHROPIC_PAT'\n"
    );
    assert!(stderr(&o).contains("safe to commit"), "{}", stderr(&o));
    // The manager holds both, and the field that was there.
    let got = bao.cli(&["kv", "get", "-format=json", "-mount=secret", "team/app"], "");
    let json: serde_json::Value = serde_json::from_slice(&got.stdout).expect("json");
    assert_eq!(json["data"]["data"]["OPENAI_PAT"], OPENAI);
    assert_eq!(json["data"]["data"]["ANTHROPIC_PAT"], ANTHROPIC);
    assert_eq!(json["data"]["data"]["KEEP"], "kept-field");
    let check = format!("test \"$OPENAI_PAT\" = '{OPENAI}' && test \"$ANTHROPIC_PAT\" = '{ANTHROPIC}'");
    let o = tkx(&env, &[&bin], &bao.env(), &["exec", "--", "sh", "-c", &check]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // A field holding a different value stops the move; .env is untouched.
    env.write(".env", "KEEP=another-value-entirely-9\n");
    let o = tkx(&env, &[&bin], &bao.env(), &["move", "KEEP", "--to", "vault://secret/team/app"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("could not write to vault://secret/team/app"), "{}", stderr(&o));
    assert!(stderr(&o).contains("already holds a different KEEP"), "{}", stderr(&o));
    assert_eq!(read(&env, ".env").unwrap(), "KEEP=another-value-entirely-9\n");

    // A value built from a moved key would expand to the reference's text: refused.
    env.write(".env", format!("DB_PASSWORD={ANTHROPIC}\nDB_URL=postgres://app:${{DB_PASSWORD}}@db/app\n"));
    let o = tkx(&env, &[&bin], &bao.env(), &["move", "DB_PASSWORD", "--to", "vault://secret/db"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("DB_URL (line 2) is built from a key being moved"), "{}", stderr(&o));
    assert_none_leak(&o, &[ANTHROPIC]);
    let missing = bao.cli(&["kv", "get", "-mount=secret", "db"], "");
    assert!(!missing.status.success(), "nothing was written");
}

#[test]
fn a_file_of_references_may_be_committed() {
    let env = TestEnv::git_repo();
    env.write(".gitignore", "");
    env.write(
        ".env",
        "OPENAI_PAT=vault://secret/app#openai\nANTHROPIC_PAT=op://Eng/Anthropic/credential\nPORT=8080\n",
    );
    env.chmod(&env.project().join(".env"), 0o644);
    let o = env.tkx(["scan", "."]).output().expect("tkx");
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let o = env.tkx(["doctor"]).output().expect("tkx");
    let report = stdout(&o);
    assert!(report.contains("note[doctor/shareable]"), "{report}");
    for rule in ["doctor/gitignore", "doctor/permissions", "doctor/tracked", "doctor/format"] {
        assert!(!report.contains(rule), "{rule}: {report}");
    }
    env.tkx(["hook", "install"]).assert().success();
    env.git(&["add", ".env", ".gitignore"]);
    env.git(&["commit", "-qm", "references only"]);
    // One literal key and it is an env file with secrets again.
    env.write(
        ".env",
        format!(
            "OPENAI_PAT=vault://secret/app#openai\nGITHUB_PAT=ghp_{}\n",
            "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2"
        ),
    );
    env.git(&["add", ".env"]);
    let o = env.git_output(&["commit", "-qm", "a literal key"]);
    assert!(!o.status.success(), "the hook let a literal key in");
    assert!(stderr(&o).contains("scan/env-file") || stdout(&o).contains("scan/env-file"), "{}", stderr(&o));
}

#[test]
fn doctor_names_missing_clis_and_failed_logins() {
    let Some(bao) = Bao::start() else { return };
    let bin = Bao::bin_dir().expect("bao");
    let env = TestEnv::new();
    env.write(".env", "OPENAI_PAT=vault://secret/app#openai\nX=azure-kv://kv1/x\n");
    env.write(".tkx.toml", "[refs.azure]\ncli = \"/nonexistent/az\"\n");
    let o = tkx(&env, &[&bin], &bao.env_with_token("bad-token"), &["doctor", "--online"]);
    let report = stdout(&o);
    assert_eq!(code(&o), 1, "{report}");
    assert!(report.contains(".env:2: error[doctor/reference-cli]: 1 reference to Azure Key Vault (azure-kv://) cannot be resolved here: /nonexistent/az"), "{report}");
    assert!(
        report.contains(".env:1: error[doctor/reference-login]: Vault/OpenBao (vault://): permission denied"),
        "{report}"
    );
    let o = tkx(&env, &[&bin], &bao.env(), &["doctor", "--online"]);
    assert!(!stdout(&o).contains("reference-login"), "{}", stdout(&o));
}

#[test]
fn aws_secrets_manager_and_ssm_in_batches() {
    let Some(moto) = Moto::start() else { return };
    let bin = Moto::bin_dir().expect("aws");
    moto.put_secret("plain", SETTING);
    moto.put_secret("prod/app", &serde_json::json!({"OPENAI": OPENAI, "N": 7}).to_string());
    moto.put_parameter("/app/token", ANTHROPIC);
    let env = TestEnv::new();
    env.write(
        ".env",
        "A=aws-sm://plain\nB=aws-sm://prod/app#OPENAI\nN=aws-sm://prod/app#N\nT=aws-ssm:///app/token\nT2=aws-ssm://app/token\n",
    );
    let check = format!(
        "test \"$A\" = '{SETTING}' && test \"$B\" = '{OPENAI}' && test \"$N\" = 7 && test \"$T\" = '{ANTHROPIC}' && test \"$T2\" = \"$T\""
    );
    let o = tkx(&env, &[&bin], &moto.env(), &["-v", "exec", "--", "sh", "-c", &check]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_none_leak(&o, &[OPENAI, ANTHROPIC, SETTING]);

    // The batch answers a missing secret in its Errors, with exit 0: still a failure.
    env.write(".env", "B=aws-sm://prod/app#OPENAI\nGONE=aws-sm://no-such-secret\nNOKEY=aws-sm://prod/app#NOPE\nP=aws-ssm:///app/none\n");
    let (touch, mark) = marker(&env);
    let o = tkx(&env, &[&bin], &moto.env(), &["exec", "--", "sh", "-c", &touch]);
    assert_eq!(code(&o), 125, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("GONE (.env:2, aws-sm://): not found: ResourceNotFoundException"), "{err}");
    assert!(
        err.contains("NOKEY (.env:3, aws-sm://): not found: the secret prod/app has no key NOPE"),
        "{err}"
    );
    assert!(err.contains("P (.env:4, aws-ssm://): not found"), "{err}");
    assert!(!err.contains("B ("), "{err}");
    assert!(!mark.exists());
    assert_none_leak(&o, &[OPENAI, ANTHROPIC, SETTING]);
}

#[test]
fn move_to_aws_secrets_manager() {
    let Some(moto) = Moto::start() else { return };
    let bin = Moto::bin_dir().expect("aws");
    let env = TestEnv::new();
    env.write(".env", format!("OPENAI_PAT={OPENAI}\nPORT=8080\n"));
    let o = tkx(&env, &[&bin], &moto.env(), &["move", "OPENAI_PAT", "--to", "aws-sm://team/app"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_none_leak(&o, &[OPENAI]);
    assert_eq!(read(&env, ".env").unwrap(), "OPENAI_PAT='aws-sm://team/app#OPENAI_PAT'\nPORT=8080\n");
    let o = tkx(&env, &[&bin], &moto.env(), &["get", "OPENAI_PAT"]);
    assert_eq!(stdout(&o), format!("{OPENAI}\n"), "{}", stderr(&o));
}

#[test]
fn google_secret_manager_through_gcloud() {
    let Some(gcp) = GcpStandIn::start() else { return };
    let bin = GcpStandIn::bin_dir().expect("gcloud");
    gcp.add("my-proj", "openai", "1", SETTING);
    gcp.add("my-proj", "openai", "2", OPENAI);
    gcp.add("my-proj", "denied", "1", ANTHROPIC);
    gcp.deny("my-proj", "denied");
    let env = TestEnv::new();
    let e = gcp.env(&env.root);
    // The same secret written two ways is fetched once.
    env.write(
        ".env",
        "LATEST=gcp-sm://my-proj/openai\nSAME=sm://my-proj/openai\nFIRST=gcp-sm://my-proj/openai#1\n",
    );
    let check = format!(
        "test \"$LATEST\" = '{OPENAI}' && test \"$SAME\" = \"$LATEST\" && test \"$FIRST\" = '{SETTING}'"
    );
    let o = tkx(&env, &[&bin], &e, &["exec", "--", "sh", "-c", &check]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(gcp.requests(), 2, "one request per distinct version");
    assert_none_leak(&o, &[OPENAI, SETTING, ANTHROPIC]);

    env.write(
        ".env",
        "OK=gcp-sm://my-proj/openai\nDENIED=gcp-sm://my-proj/denied\nGONE=gcp-sm://my-proj/gone#3\n",
    );
    let o = tkx(&env, &[&bin], &e, &["exec", "--", "true"]);
    assert_eq!(code(&o), 125, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("DENIED (.env:2, gcp-sm://): permission denied"), "{err}");
    assert!(err.contains("GONE (.env:3, gcp-sm://): not found"), "{err}");
    assert_none_leak(&o, &[OPENAI, SETTING, ANTHROPIC]);

    // A server that never answers: the deadline ends gcloud.
    gcp.hang();
    let started = Instant::now();
    let o = tkx(&env, &[&bin], &e, &["exec", "--resolve-timeout", "3s", "--only", "OK", "--", "true"]);
    assert_eq!(code(&o), 125, "{}", stderr(&o));
    assert!(stderr(&o).contains("OK (.env:1, gcp-sm://): timeout"), "{}", stderr(&o));
    assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());
}

#[test]
fn one_password_one_inject_for_all_and_no_value_in_argv() {
    let env = TestEnv::new();
    let stubs = env.root.join("stubs");
    stub_cli(
        &stubs,
        "op",
        &format!(
            "value\top://Eng/OpenAI/credential\t{OPENAI}\nvalue\top://Eng/Anthropic/api/key\t{ANTHROPIC}\n"
        ),
    );
    env.write(".env", "OPENAI_PAT=op://Eng/OpenAI/credential\nANTHROPIC_PAT=\"op://Eng/Anthropic/api/key\"\nAGAIN=op://Eng/OpenAI/credential\n");
    let check = format!(
        "test \"$OPENAI_PAT\" = '{OPENAI}' && test \"$ANTHROPIC_PAT\" = '{ANTHROPIC}' && test \"$AGAIN\" = \"$OPENAI_PAT\""
    );
    let o = tkx(&env, &[&stubs], &[], &["exec", "--", "sh", "-c", &check]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let calls = stub_calls(&stubs, "op");
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0][0], "inject");

    // One unknown reference: the batch fails, each is read alone so the right key is named.
    env.write(".env", "OPENAI_PAT=op://Eng/OpenAI/credential\nGONE=op://Eng/Nothing/credential\n");
    let o = tkx(&env, &[&stubs], &[], &["exec", "--", "true"]);
    assert_eq!(code(&o), 125, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("GONE (.env:2, op://): not found"), "{err}");
    assert!(!err.contains("OPENAI_PAT ("), "{err}");
    assert_none_leak(&o, &[OPENAI, ANTHROPIC]);
    for call in stub_calls(&stubs, "op") {
        for arg in call {
            assert!(!arg.contains(OPENAI) && !arg.contains(ANTHROPIC), "a value in argv: {arg}");
        }
    }

    // Signed out: the class and the way to log in.
    stub_cli(&stubs, "op", "state\tsigned-out\n");
    let o = tkx(&env, &[&stubs], &[], &["exec", "--", "true"]);
    assert_eq!(code(&o), 125);
    assert!(stderr(&o).contains("not logged in"), "{}", stderr(&o));
    assert!(stderr(&o).contains("op signin"), "{}", stderr(&o));
}

#[test]
fn azure_key_vault_through_az() {
    let env = TestEnv::new();
    let stubs = env.root.join("stubs");
    stub_cli(
        &stubs,
        "az",
        &format!("value\tkv1/openai\t{OPENAI}\nvalue\tkv1/openai/v2\t{SETTING}\ndeny\tkv1/locked\n"),
    );
    env.write(".env", "A=azure-kv://kv1/openai\nB=azure-kv://kv1.vault.azure.net/openai/v2\n");
    let check = format!("test \"$A\" = '{OPENAI}' && test \"$B\" = '{SETTING}'");
    let o = tkx(&env, &[&stubs], &[], &["exec", "--", "sh", "-c", &check]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    env.write(".env", "A=azure-kv://kv1/openai\nL=azure-kv://kv1/locked\nG=azure-kv://kv1/gone\n");
    let o = tkx(&env, &[&stubs], &[], &["exec", "--", "true"]);
    assert_eq!(code(&o), 125);
    let err = stderr(&o);
    assert!(err.contains("L (.env:2, azure-kv://): permission denied"), "{err}");
    assert!(err.contains("G (.env:3, azure-kv://): not found"), "{err}");
    assert_none_leak(&o, &[OPENAI, SETTING]);
    for call in stub_calls(&stubs, "az") {
        for arg in call {
            assert!(!arg.contains(OPENAI) && !arg.contains(SETTING), "a value in argv: {arg}");
        }
    }
    stub_cli(&stubs, "az", "state\tlogged-out\n");
    let o = tkx(&env, &[&stubs], &[], &["exec", "--", "true"]);
    assert!(stderr(&o).contains("not logged in") && stderr(&o).contains("az login"), "{}", stderr(&o));
}

#[test]
fn three_backends_resolve_in_parallel() {
    let (Some(bao), Some(moto), Some(gcp)) = (Bao::start(), Moto::start(), GcpStandIn::start()) else {
        return;
    };
    let bins = [Bao::bin_dir().unwrap(), Moto::bin_dir().unwrap(), GcpStandIn::bin_dir().unwrap()];
    bao.put("secret", "app", &[("a", "va"), ("b", "vb"), ("c", "vc")]);
    moto.put_secret("s1", "v1");
    moto.put_secret("s2", "{\"k\":\"v2\"}");
    moto.put_parameter("/p/one", "v3");
    gcp.add("my-proj", "g1", "1", "v4");
    gcp.add("my-proj", "g2", "1", "v5");
    gcp.add("my-proj", "g3", "1", "v6");
    let env = TestEnv::new();
    env.write(
        ".env",
        "A=vault://secret/app#a\nB=vault://secret/app#b\nC=vault://secret/app#c\nS1=aws-sm://s1\nS2=aws-sm://s2#k\nP=aws-ssm:///p/one\nG1=gcp-sm://my-proj/g1\nG2=gcp-sm://my-proj/g2\nG3=gcp-sm://my-proj/g3\nG1B=sm://my-proj/g1\n",
    );
    let mut e = bao.env();
    e.extend(moto.env());
    e.extend(gcp.env(&env.root));
    let dirs: Vec<&Path> = bins.iter().map(|b| b.as_path()).collect();
    let check = "test \"$A$B$C$S1$S2$P$G1$G2$G3$G1B\" = vavbvcv1v2v3v4v5v6v4";
    let o = tkx(&env, &dirs, &e, &["exec", "--", "sh", "-c", check]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(gcp.requests(), 3);
}

/// A login may be allowed `GetSecretValue` but not `BatchGetSecretValue`: the batch's
/// AccessDenied falls back to one call per secret. (A scripted `aws`: moto does not check
/// IAM permissions.)
#[test]
fn aws_batch_denied_falls_back_to_one_call_per_secret() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let stubs = env.root.join("stubs");
    std::fs::create_dir_all(&stubs).unwrap();
    let aws = stubs.join("aws");
    std::fs::write(
        &aws,
        format!(
            r#"#!/bin/sh
echo "$*" >> "{log}"
case "$*" in
  *batch-get-secret-value*) printf '\nAn error occurred (AccessDeniedException) when calling the BatchGetSecretValue operation: User: arn:aws:iam::1:user/dev is not authorized to perform: secretsmanager:BatchGetSecretValue\n' >&2; exit 255 ;;
  *"--secret-id one"*) printf '{{"Name": "one", "ARN": "arn:aws:secretsmanager:us-east-1:1:secret:one-AbCdEf", "SecretString": "{OPENAI}"}}\n' ;;
  *) printf '\nAn error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can'"'"'t find the specified secret.\n' >&2; exit 255 ;;
esac
"#,
            log = stubs.join("aws.log").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.write(".env", "ONE=aws-sm://one\nTWO=aws-sm://two\n");
    let o = tkx(
        &env,
        &[&stubs],
        &[],
        &["exec", "--skip-unresolved", "TWO", "--", "sh", "-c", &format!("test \"$ONE\" = '{OPENAI}'")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("TWO (.env:2, aws-sm://): not found: An error occurred (ResourceNotFoundException)"),
        "{}",
        stderr(&o)
    );
    let log = std::fs::read_to_string(stubs.join("aws.log")).unwrap();
    assert_eq!(log.lines().count(), 3, "{log}");
    assert!(!log.contains(OPENAI));
    assert_none_leak(&o, &[OPENAI]);
}
