#!/usr/bin/env bash
# Benchmarks cited by the README. Usage: bash scripts/bench.sh   (TKX_BIN=path skips the build)
# 1. start-up: `tkx exec -- true` against `env true`; target mean_tkx <= 2 * mean_env + 1 ms.
# 2. parsing: `tkx get` on a 10,000-key, ~5 MB file; target parse cost < 20 ms.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -n "${TKX_BIN:-}" ]]; then
  bin=$(realpath "$TKX_BIN")
else
  (cd "$root" && cargo build --release --quiet)
  bin="$root/target/release/tkx"
fi
[[ -x "$bin" ]] || { echo "bench: no executable at $bin" >&2; exit 1; }
if ! command -v hyperfine >/dev/null 2>&1; then
  echo "bench: hyperfine is required: 'sudo apt-get install hyperfine' (Debian/Ubuntu)," >&2
  echo "       'brew install hyperfine' (macOS) or 'cargo install --locked hyperfine'." >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
proj="$tmp/project" big="$tmp/big.env" tiny="$tmp/tiny.env"
mkdir -p "$proj" "$tmp/tkxdir" "$tmp/expect"
printf 'A=1\n' >"$tiny"

# Deterministic fixtures: values come from hashes, not from a random generator.
python3 - "$tmp" <<'PY'
import base64, hashlib, sys
tmp = sys.argv[1]
def tok(seed, n, alphabet=None):
    raw = b"".join(hashlib.sha512(f"{seed}:{j}".encode()).digest() for j in range(n // 64 + 2))
    s = base64.urlsafe_b64encode(raw).decode().replace("-", "x").replace("_", "y")
    return s[:n] if alphabet is None else "".join(alphabet[ord(c) % len(alphabet)] for c in s[:n])
hexa = "0123456789abcdef"
lines, expect = ["# Local development settings for agent-demo", ""], {}
def put(line, key, value):
    lines.append(line); expect[key] = value
put("APP_ENV=development", "APP_ENV", "development")
put("export APP_NAME=agent-demo", "APP_NAME", "agent-demo")
lines += ["", "# --- model providers ---"]
for key, val in [("OPENAI_PAT", "sk-proj-" + tok("openai", 120)),
                 ("ANTHROPIC_API_KEY", "sk-ant-api03-" + tok("anthropic", 95)),
                 ("GITHUB_TOKEN", "ghp_" + tok("github", 36)),
                 ("STRIPE_SECRET_KEY", "sk_test_" + tok("stripe", 99)),
                 ("AWS_ACCESS_KEY_ID", "AKIA" + tok("akid", 16).upper()),
                 ("AWS_SECRET_ACCESS_KEY", tok("aws", 40))]:
    put(f"{key}={val}", key, val)
lines += ["", "# --- database ---"]
for key, val in [("DB_HOST", "localhost"), ("DB_PORT", "5432"), ("DB_USER", "app")]:
    put(f"{key}={val}", key, val)
pw = tok("dbpass", 24)
put(f"DB_PASSWORD='{pw}'", "DB_PASSWORD", pw)
put("DATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/app",
    "DATABASE_URL", f"postgres://app:{pw}@localhost:5432/app")
put('REDIS_URL="redis://${DB_HOST}:6379/0"  # cache', "REDIS_URL", "redis://localhost:6379/0")
put('GREETING="Hello, world"', "GREETING", "Hello, world")
put("PUBLIC_URL=https://example.com/app#top", "PUBLIC_URL", "https://example.com/app#top")
put("FEATURE_JSON={\"beta\":true}", "FEATURE_JSON", '{"beta":true}')
dsn = f"https://{tok('sentry', 32, hexa)}@o1.ingest.sentry.io/42"
put(f"export SENTRY_DSN={dsn}", "SENTRY_DSN", dsn)
put("LOG_LEVEL=info   # debug when needed", "LOG_LEVEL", "info")
lines += ["", "# --- internal services ---"]
i = 0
while len(expect) < 50:
    key = f"SERVICE_{i:02d}_" + ("URL", "TIMEOUT_MS", "TOKEN")[i % 3]
    val = (f"https://svc{i}.internal:8080/v1", str(1000 + 250 * i), tok(f"svc{i}", 40))[i % 3]
    put((f'{key}="{val}"', f"export {key}={val}", f"{key}={val}")[i % 2 if i % 3 else 0], key, val)
    i += 1
open(f"{tmp}/project/.env", "w").write("\n".join(lines) + "\n")
open(f"{tmp}/expect/project.env", "w").write("".join(f"{k}={v}\n" for k, v in sorted(expect.items())))

# 10,000 keys of 480-byte values; every 1000th+1 double-quoted with \n escapes,
# every 1000th+2 single-quoted across two lines, every 1000th+3 with `export`.
out = []
for i in range(10000):
    v = tok(f"big{i}", 480)
    if i % 1000 == 1:
        line, val = f'KEY_{i}="{v[:200]}\\n{v[200:]}"', v[:200] + "\n" + v[200:]
    elif i % 1000 == 2:
        line, val = f"KEY_{i}='{v[:240]}\n{v[240:]}'", v[:240] + "\n" + v[240:]
    else:
        line, val = ("export " if i % 1000 == 3 else "") + f"KEY_{i}={v}", v
    if i % 1000 == 4:
        out.append(f"# block {i // 1000}")
    out.append(line)
    if i in (5000, 5001, 5002):
        open(f"{tmp}/expect/KEY_{i}", "w").write(val)
open(f"{tmp}/big.env", "w").write("\n".join(out) + "\n")
PY

# A clean, fixed environment: the user's shell variables and real store are not read.
clean=(env -i "PATH=$PATH" "HOME=$tmp" "TKX_DIR=$tmp/tkxdir")
cd "$tmp"

# Sanity: the fixtures resolve as expected and tkx prints nothing on stderr.
"${clean[@]}" "$bin" -C "$proj" exec -- env 2>"$tmp/stderr" \
  | grep -Ev '^(PATH|HOME|TKX_DIR)=' | sort >"$tmp/got.env" || true
diff -u "$tmp/expect/project.env" "$tmp/got.env" >&2 || echo "bench: WARNING: exec environment differs (above)" >&2
for k in KEY_5000 KEY_5001 KEY_5002; do
  [[ "$("${clean[@]}" "$bin" --no-user -f "$big" get "$k" 2>>"$tmp/stderr")" == "$(cat "$tmp/expect/$k")" ]] \
    || echo "bench: WARNING: tkx get $k returned a wrong value" >&2
done
if [[ -s "$tmp/stderr" ]]; then
  echo "bench: WARNING: tkx wrote to stderr on the fixtures:" >&2; cat "$tmp/stderr" >&2
fi

q() { printf '%q' "$1"; }
echo "== Benchmark 1: start-up (exec a no-op) =="
"${clean[@]}" hyperfine -N --warmup 20 --style basic --export-json "$tmp/b1.json" \
  -n "tkx exec -- true" "$(q "$bin") -C $(q "$proj") exec -- true" \
  -n "env true" "/usr/bin/env true" \
  -n "tkx --no-user exec -- true" "$(q "$bin") -C $(q "$proj") --no-user exec -- true"
echo "== Benchmark 2: parse a $(wc -c <"$big") byte, 10,000-key file =="
"${clean[@]}" hyperfine -N --warmup 5 --style basic --export-json "$tmp/b2.json" \
  -n "tkx get (10,000 keys)" "$(q "$bin") --no-user -f $(q "$big") get KEY_5000" \
  -n "tkx get (1 key)" "$(q "$bin") --no-user -f $(q "$tiny") get A"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
python3 - "$tmp" "$(nproc)" "$cpu" "$("$bin" --version)" "$(hyperfine --version)" \
  "$(wc -c <"$big")" <<'PY'
import json, sys
tmp, ncpu, cpu, tkxv, hfv, size = sys.argv[1:]
b1 = json.load(open(f"{tmp}/b1.json"))["results"]
b2 = json.load(open(f"{tmp}/b2.json"))["results"]
ms = lambda r: f"{r['mean'] * 1e3:.2f} ± {r['stddev'] * 1e3:.2f} ms"
tkx, env, nouser = b1
bigr, tiny = b2
limit = 2 * env["mean"] + 1e-3
parse = bigr["mean"] - tiny["mean"]
ok1, ok2 = tkx["mean"] <= limit, parse < 20e-3
verdict = lambda ok: "**pass**" if ok else "**FAIL**"
print(f"\n## Benchmark results\n\nMachine: {ncpu} × {cpu}, Linux; {tkxv}; {hfv}; "
      "hyperfine -N (no shell), means over all runs.\n")
print("| benchmark | mean | target | result |\n|---|---|---|---|")
print(f"| `env true` (baseline) | {ms(env)} | | |")
print(f"| `tkx exec -- true`, 50-key `.env` | {ms(tkx)} | ≤ 2 × env + 1 ms = {limit * 1e3:.2f} ms | {verdict(ok1)} |")
print(f"| `tkx --no-user exec -- true` | {ms(nouser)} | | |")
print(f"| `tkx get`, 1-key file (process start) | {ms(tiny)} | | |")
print(f"| `tkx get`, 10,000 keys, {int(size) / 1e6:.1f} MB | {ms(bigr)} | | |")
print(f"| parse cost (difference of the two) | {parse * 1e3:.2f} ms | < 20 ms | {verdict(ok2)} |")
print("\nProduced by `bash scripts/bench.sh`.")
PY
