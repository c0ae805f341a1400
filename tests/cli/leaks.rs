//! Nothing leaks: unique secrets planted in every layer, in good and malformed lines, in
//! key positions, in `.tkx.toml` and on the command line where a name goes; every
//! subcommand with its main flags, plain and `-v`, every format and error path. No
//! output may hold a secret or any 12 characters of one. Only `tkx get`, `env --reveal`
//! and `env --export` print values, and only when asked for one.

use crate::support::TestEnv;
use std::process::Output;

/// Provider-shaped and shapeless secrets, each planted once.
const OPENAI: &str = "sk-proj-Lk4wQz8RmT2vXn6Yb1Jc9Hd3Fs7Gp5Ae0Uo";
const ANTHROPIC: &str = "sk-ant-api03-Wq3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc-Vb3NmQ5wE7rT9yU1iO2pA4sD6fG8hJ0kL2zX4cV6bN8mQ1wE3rT5yU7iAA";
/// A generated password: `$` followed by letters must not make a lint quote its tail.
const PASSWORD: &str = "Ab9$xK2mQ7vLp3RtY8wZ4nB6cH1j";
const HF: &str = "hf_Qw8Er4Ty6Ui2Op9As1Df3Gh5Jk7Lz0XcVb";
const STORE: &str = "Zx7Cv5Bn3Mq1Wl9Ek2Rj4Th6Yg8Uf0Id";
const MALFORMED: &str = "Pm4Nq8Rs2Tu6Vw0Xy3Za7Bc1De5Fg9Hi";
const YAML: &str = "Jk2Lm6No0Pq4Rs8Tu3Vw7Xy1Za5Bc9De";
const QUOTED: &str = "Fg3Hi7Jk1Lm5No9Pq2Rs6Tu0Vw4Xy8Za";
/// Pasted where a key goes, in a file.
const KEY_AS_NAME: &str = "sk-proj-Yt6Re4Wq2Po0Iu8Ly7Tk5Rj3Eh1Gf9Ds";
const NAME_IN_PROFILE: &str = "ghp_Nb5Vc3Xz1Lk9Jh7Gf5Ds3Aq1Wr8Et6Yu4Io2";
/// In `.tkx.toml`.
const IN_CONFIG: &str = "Qa1Ws2Ed3Rf4Tg5Yh6Uj7Ik8Ol9Pz0Xc";
/// Typed on the command line where a name goes.
const ARGV: &str = "sk-proj-Mn8Bv6Cx4Za2Sd0Fg9Hj7Kl5Qw3Er1Ty";
const ARGV_PLAIN: &str = "Kq7Wz2Xv9Lp4Rt6Ym1Nb8Hc3Jd5Fg0Se";

const ALL: &[&str] = &[
    OPENAI,
    ANTHROPIC,
    PASSWORD,
    HF,
    STORE,
    MALFORMED,
    YAML,
    QUOTED,
    KEY_AS_NAME,
    NAME_IN_PROFILE,
    IN_CONFIG,
    ARGV,
    ARGV_PLAIN,
];

/// Fails if any secret, or any 12 consecutive characters of one, is in the output.
fn assert_clean(what: &str, out: &Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        for secret in ALL {
            let chars: Vec<char> = secret.chars().collect();
            for window in chars.windows(12) {
                let piece: String = window.iter().collect();
                assert!(
                    !text.contains(&piece),
                    "`tkx {what}` leaked {piece:?} (of a planted secret) on {stream}:\n{text}"
                );
            }
        }
    }
}

/// A git project with a secret in every layer and in malformed lines and key positions.
fn planted() -> TestEnv {
    let env = TestEnv::git_repo();
    env.write(
        ".env",
        format!(
            "OPENAI_API_KEY={OPENAI}\nDB_PASSWORD={PASSWORD}\nBROKEN_TOKEN = {MALFORMED}\nYAML_TOKEN: {YAML}\n\
             QUOTED_TOKEN=\"{QUOTED}\n{KEY_AS_NAME}=1\nDEFAULT_MODEL=gpt-4o-mini\n"
        ),
    );
    env.write(".env.dev", format!("ANTHROPIC_API_KEY={ANTHROPIC}\n{NAME_IN_PROFILE}=x\n"));
    env.write(".env.example", "OPENAI_API_KEY=\nDB_PASSWORD=\nMISSING_TOKEN=\n");
    env.write("app.py", format!("client = OpenAI(api_key=\"{OPENAI}\")\npw = \"{PASSWORD}\"\n"));
    for (key, value, target) in [("HF_TOKEN", HF, "--user"), ("STORE_TOKEN", STORE, "--private")] {
        let out = env.tkx(["set", key, target]).write_stdin(value).output().expect("run");
        assert!(out.status.success(), "set {key}: {}", String::from_utf8_lossy(&out.stderr));
        assert_clean("set", &out);
    }
    env.git(&["add", "app.py", ".env.example"]);
    env
}

fn run(env: &TestEnv, args: &[&str], stdin: &str) -> Output {
    env.tkx(args).write_stdin(stdin.to_owned()).output().expect("run tkx")
}

#[test]
fn no_subcommand_prints_a_planted_secret() {
    let env = planted();
    let payload = serde_json::json!({
        "hook_event_name": "PreToolUse", "tool_name": "Bash",
        "tool_input": {"command": "cat .env"}, "cwd": env.project(),
    })
    .to_string();
    // PASSWORD is not here: unquoted, its `$xK2m…` expands, so tkx loads only `Ab9`.
    let stream = format!("log {OPENAI} {HF} {STORE} {ANTHROPIC}\n");
    let table: Vec<(Vec<&str>, &str)> = vec![
        (vec!["env"], ""),
        (vec!["env", "--json"], ""),
        (vec!["env", "--all"], ""),
        (vec!["env", "--explain"], ""),
        (vec!["env", "--explain", "DB_PASSWORD"], ""),
        (vec!["-p", "dev", "env"], ""),
        (vec!["get", "NOT_SET"], ""),
        (vec!["doctor"], ""),
        (vec!["doctor", "--strict", "--format", "json"], ""),
        (vec!["doctor", "--format", "sarif"], ""),
        (vec!["doctor", "--format", "github"], ""),
        (vec!["diff"], ""),
        (vec!["diff", "--format", "json"], ""),
        (vec!["scan"], ""),
        (vec!["scan", "--format", "json"], ""),
        (vec!["scan", "--format", "sarif"], ""),
        (vec!["scan", "--format", "github"], ""),
        (vec!["scan", "--staged"], ""),
        (vec!["scan", "--value-of", "DB_PASSWORD"], ""),
        (vec!["hook", "run"], ""),
        (vec!["exec", "--", "true"], ""),
        (vec!["exec", "--strict", "--", "true"], ""),
        (vec!["exec", "--require", "MISSING_TOKEN", "--", "true"], ""),
        (vec!["exec", "--redact", "--", "sh", "-c", "env"], ""),
        (vec!["redact"], &stream),
        (vec!["agent", "check", "--host", "claude"], &payload),
        (vec!["agent", "check", "--host", "cursor"], &payload),
        (vec!["move", "--secrets", "--private"], ""),
    ];
    for (args, stdin) in &table {
        for verbose in [false, true] {
            let mut argv: Vec<&str> = if verbose { vec!["-v"] } else { Vec::new() };
            argv.extend(args);
            let out = run(&env, &argv, stdin);
            assert_clean(&argv.join(" "), &out);
        }
    }
}

#[test]
fn a_secret_typed_where_a_name_goes_is_never_repeated() {
    let env = planted();
    for name in [ARGV, ARGV_PLAIN, PASSWORD] {
        let flag = format!("--{name}");
        let table: Vec<Vec<&str>> = vec![
            vec!["get", name],
            vec!["env", "--explain", name],
            vec!["exec", "--require", name, "--", "true"],
            vec!["exec", "--only", name, "--", "true"],
            vec!["scan", "--value-of", name],
            vec!["set", name],
            vec!["unset", name],
            vec!["rotate", name],
            vec!["move", name],
            vec![name],
            vec!["env", &flag],
            vec!["doctor", "--format", name],
            vec!["-p", name, "env"],
        ];
        for args in &table {
            let out = run(&env, args, "a-new-value-for-it\n");
            assert!(!out.status.success(), "`tkx {}` should fail", args.join(" "));
            assert_clean(&args.join(" "), &out);
        }
    }
    // Nothing was written under a pasted name.
    let dotenv = std::fs::read_to_string(env.project().join(".env")).expect("read .env");
    assert!(!dotenv.contains("a-new-value"), "{dotenv}");
}

#[test]
fn config_errors_do_not_quote_what_they_reject() {
    let env = planted();
    for config in [
        format!("[scan]\nallow = [\"({IN_CONFIG}\"]\n"),
        format!("[scan]\nexclude = [\"{IN_CONFIG}[\"]\n"),
        format!("[scan]\n{IN_CONFIG} = 1\n"),
        format!("[scan]\nmax_file_size = \"{IN_CONFIG}\"\n"),
    ] {
        env.write(".tkx.toml", &config);
        for args in [vec!["scan"], vec!["doctor"], vec!["hook", "run"], vec!["exec", "--", "true"]] {
            let out = run(&env, &args, "");
            assert_clean(&args.join(" "), &out);
        }
        let out = run(&env, &["scan"], "");
        assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains(".tkx.toml"));
    }
}
