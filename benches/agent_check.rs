//! Hook handler benchmark: `cargo bench --bench agent_check`.
//!
//! The agents run `tkx agent check` before every file read, search and shell command,
//! so each call must finish in under 5 ms (issue 8). This times the whole process —
//! start-up, reading the payload, the check, the answer — as the agent sees it, on a
//! generated project of 2,000 source files in 200 directories with a git-ignored
//! `.env` at the root and in one service, plus the check alone, in process.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn project(root: &Path) -> PathBuf {
    let p = root.join("app");
    for d in 0..200 {
        let dir = p.join(format!("src/m{d:03}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        for f in 0..10 {
            std::fs::write(dir.join(format!("f{f}.rs")), "fn main() {}\n").expect("write");
        }
    }
    std::fs::create_dir_all(p.join(".git")).expect("mkdir .git");
    std::fs::create_dir_all(p.join("services/api")).expect("mkdir");
    std::fs::write(p.join(".gitignore"), ".env\n.env.*\n!.env.example\ntarget/\n").expect("write");
    std::fs::write(p.join(".env"), "OPENAI_PAT=sk-proj-BENCHkey0123456789abcdefghijkl\nPORT=8080\n")
        .expect("write");
    std::fs::write(p.join("services/api/.env.local"), "DB_PASSWORD=x\n").expect("write");
    std::fs::write(p.join(".env.example"), "OPENAI_PAT=\nPORT=\n").expect("write");
    p
}

fn payloads(p: &Path) -> Vec<(&'static str, &'static str, String)> {
    let cwd = p.display().to_string();
    let claude = |tool: &str, input: serde_json::Value| {
        serde_json::json!({
            "session_id": "bench", "transcript_path": "/tmp/t.jsonl", "cwd": cwd,
            "hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": input
        })
        .to_string()
    };
    vec![
        (
            "claude",
            "Read .env (deny)",
            claude("Read", serde_json::json!({"file_path": format!("{cwd}/.env")})),
        ),
        (
            "claude",
            "Read src file (allow)",
            claude("Read", serde_json::json!({"file_path": format!("{cwd}/src/m001/f1.rs")})),
        ),
        (
            "claude",
            "Bash `cat .env | head` (deny)",
            claude("Bash", serde_json::json!({"command": "cat .env | head"})),
        ),
        (
            "claude",
            "Bash `cargo test && git status` (allow)",
            claude("Bash", serde_json::json!({"command": "cargo test && git status"})),
        ),
        (
            "claude",
            "Bash `echo $OPENAI_PAT` (deny)",
            claude("Bash", serde_json::json!({"command": "echo $OPENAI_PAT"})),
        ),
        (
            "claude",
            "Grep whole project, 2,000 files (allow)",
            claude("Grep", serde_json::json!({"pattern": "main", "path": cwd})),
        ),
        (
            "claude",
            "Bash `ls -a | grep env | xargs cat` (deny)",
            claude("Bash", serde_json::json!({"command": "ls -a | grep env | xargs cat"})),
        ),
        (
            "claude",
            "Bash `find . -type f | xargs wc -l | tail -1` (allow)",
            claude("Bash", serde_json::json!({"command": "find src -type f | xargs wc -l | tail -1"})),
        ),
        (
            "claude",
            "Bash `tkx exec -- node -e '…{...process.env}…'` (deny)",
            claude(
                "Bash",
                serde_json::json!({"command": "tkx exec -- node -e 'console.log({...process.env})'"}),
            ),
        ),
        (
            "claude",
            "Bash `grep -rn main src` (allow)",
            claude("Bash", serde_json::json!({"command": "grep -rn main src"})),
        ),
        (
            "cursor",
            "beforeShellExecution `npm test` (allow)",
            serde_json::json!({"hook_event_name": "beforeShellExecution", "command": "npm test", "cwd": cwd,
                "conversation_id": "c", "generation_id": "g", "workspace_roots": [cwd]})
            .to_string(),
        ),
    ]
}

fn main() {
    let tmp = std::env::temp_dir().join(format!("tkx-agent-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let p = project(&tmp);
    let tkx_dir = tmp.join("tkx");
    std::fs::create_dir_all(&tkx_dir).expect("mkdir");
    let bin = env!("CARGO_BIN_EXE_tkx");
    let runs = 60;
    // A project is not searched in the second it was made: let the directories settle
    // past the walk record's racy window (see src/agent/walk.rs).
    std::thread::sleep(Duration::from_millis(2100));
    let cache = tmp.join(".cache/tkx");
    println!("tkx agent check, whole process ({runs} runs each; target: under 5 ms)");
    println!("{:<48} {:>9} {:>9} {:>9}", "payload", "mean", "median", "p95");
    let mut worst = Duration::ZERO;
    let mut rows: Vec<(&str, String, String, bool)> =
        payloads(&p).into_iter().map(|(h, n, pl)| (h, n.to_owned(), pl, false)).collect();
    // The first whole-tree search of a project has no walk record to go by.
    for (h, n, pl) in payloads(&p) {
        if n.starts_with("Grep whole") || n.contains("grep -rn") {
            rows.push((h, format!("{n}, no record"), pl, true));
        }
    }
    for (host, name, payload, cold) in &rows {
        let mut times = Vec::with_capacity(runs);
        // The first runs warm the page cache; they are not counted.
        for i in 0..runs + 5 {
            if *cold {
                let _ = std::fs::remove_dir_all(&cache);
            }
            let start = Instant::now();
            let mut child = Command::new(bin)
                .args(["agent", "check", "--host", host])
                .current_dir(&p)
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", &tmp)
                .env("TKX_DIR", &tkx_dir)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn tkx");
            child.stdin.take().expect("stdin").write_all(payload.as_bytes()).expect("write payload");
            child.wait().expect("wait");
            if i >= 5 {
                times.push(start.elapsed());
            }
        }
        times.sort();
        let mean = times.iter().sum::<Duration>() / runs as u32;
        let median = times[runs / 2];
        let p95 = times[runs * 95 / 100];
        if !*cold {
            worst = worst.max(mean);
        }
        println!("{name:<48} {:>7.2}ms {:>7.2}ms {:>7.2}ms", ms(mean), ms(median), ms(p95));
    }
    println!(
        "slowest mean (with a walk record): {:.2} ms ({})",
        ms(worst),
        if worst < Duration::from_millis(5) { "pass" } else { "FAIL" }
    );

    // The check alone, without process start-up.
    println!();
    println!("the check alone, in process ({runs} runs each)");
    let opts = tkx::layers::Options {
        cwd: p.clone(),
        tkx_dir: Some(tkx_dir.clone()),
        process: tkx::layers::ProcessEnv::new(vec![("HOME".into(), tmp.clone().into_os_string())]),
        ..tkx::layers::Options::default()
    };
    for (host, name, payload) in payloads(&p) {
        let host = if host == "claude" { tkx::agent::Host::Claude } else { tkx::agent::Host::Cursor };
        let make = |cwd: Option<&Path>| tkx::agent::Guard::new(cwd.unwrap_or(&p), &opts);
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            std::hint::black_box(tkx::agent::hosts::answer(host, payload.as_bytes(), &make));
            times.push(start.elapsed());
        }
        times.sort();
        let mean = times.iter().sum::<Duration>() / runs as u32;
        println!("{name:<48} {:>7.3}ms  median {:>7.3}ms", ms(mean), ms(times[runs / 2]));
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
