//! In-process parse benchmark: `cargo bench --bench parse`.
//!
//! Times the env-file parser and the whole layer resolution (read, parse, expand,
//! precedence) on a generated 10,000-key, ~5 MB file, without process start-up.
//! Target (issue #2): under 20 ms. Also the cost of the lock every write takes
//! (issue #14: under 1 ms).

use std::time::{Duration, Instant};

fn fixture() -> String {
    let mut out = String::with_capacity(5 << 20);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    for i in 0..10_000 {
        let mut value = String::with_capacity(480);
        for _ in 0..480 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            value.push(alphabet[(x % 64) as usize] as char);
        }
        match i % 10 {
            0 => out.push_str(&format!("# key {i}\nKEY_{i}=\"{value}\\n\"\n")),
            1 => out.push_str(&format!("export KEY_{i}='{value}'\n")),
            2 => out.push_str(&format!("KEY_{i}=${{KEY_{}}}{value}\n", i - 1)),
            _ => out.push_str(&format!("KEY_{i}={value} # comment\n")),
        }
    }
    out
}

fn time<T>(runs: u32, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut best = Duration::MAX;
    let mut total = Duration::ZERO;
    for _ in 0..runs {
        let start = Instant::now();
        std::hint::black_box(f());
        let took = start.elapsed();
        best = best.min(took);
        total += took;
    }
    (total / runs, best)
}

fn main() {
    let text = fixture();
    let dir = std::env::temp_dir().join(format!("tkx-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("big.env");
    std::fs::write(&path, &text).expect("write fixture");
    let runs = 50;
    let (mean, best) = time(runs, || tkx::envfile::parse(&text));
    println!(
        "parse      {} keys, {:.1} MB: mean {:.2} ms, best {:.2} ms ({runs} runs)",
        10_000,
        text.len() as f64 / 1e6,
        mean.as_secs_f64() * 1e3,
        best.as_secs_f64() * 1e3
    );
    let opts = tkx::layers::Options {
        cwd: dir.clone(),
        files: vec![path.clone()],
        no_user: true,
        ..Default::default()
    };
    let (mean, best) = time(runs, || tkx::layers::resolve(&opts).expect("resolves"));
    println!(
        "resolve    read + parse + expand + precedence: mean {:.2} ms, best {:.2} ms ({runs} runs)",
        mean.as_secs_f64() * 1e3,
        best.as_secs_f64() * 1e3
    );
    // What every write adds: taking and releasing the lock of the file's directory.
    let runs = 10_000;
    let (mean, best) = time(runs, || tkx::fsutil::lock_for(&path).expect("locks"));
    println!(
        "lock       the lock every write takes: mean {:.2} us, best {:.2} us ({runs} runs)",
        mean.as_secs_f64() * 1e6,
        best.as_secs_f64() * 1e6
    );
    let _ = std::fs::remove_dir_all(&dir);
}
