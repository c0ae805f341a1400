#!/usr/bin/env bash
# Benchmarks cited by the README. Usage: bash scripts/bench.sh   (TKX_BIN=path skips the build)
# 1. start-up: `tkx exec -- true` against `env true`; target mean_tkx <= 2 * mean_env + 1 ms.
# 2. parsing: a 10,000-key, ~5 MB file; target parse cost < 20 ms, measured in-process by
#    `cargo bench --bench parse` (skipped with TKX_BIN; the whole-process `tkx get` time is
#    reported too, start-up and teardown included).
# 3. doctor: `tkx doctor` on a git repository of 5,000 files and 50 env files; target < 300 ms.
# 4. many keys: env, doctor, diff and scan on a 100,000-key project, exec with 40,000 keys;
#    target < 1 s each (linear in the number of keys). 5. `tkx set` with its lock.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
inproc=1
if [[ -n "${TKX_BIN:-}" ]]; then
  bin=$(realpath "$TKX_BIN")
  inproc=0
else
  (cd "$root" && cargo build --release --quiet && cargo bench --bench parse --no-run --quiet)
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
proj="$tmp/project" big="$tmp/big.env" tiny="$tmp/tiny.env" repo="$tmp/repo"
mkdir -p "$proj" "$tmp/tkxdir" "$tmp/expect" "$tmp/home"
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

# Benchmark 4: a project of 100,000 keys (half declared in its example), one of 40,000.
import os
for n in (100000, 40000):
    d = f"{tmp}/keys{n}"
    os.makedirs(d)
    with open(f"{d}/.env", "w") as f:
        f.writelines(f"KEY_{i}=v{tok(f'k{i}', 24)}\n" for i in range(n))
    with open(f"{d}/.env.example", "w") as f:
        f.writelines(f"KEY_{i}=\n" for i in range(0, n, 2))
    os.chmod(f"{d}/.env", 0o600)
PY

# Benchmark 3's repository: 5,000 ordinary files in ~100 directories (1,000 of them in an
# ignored node_modules/), 50 env files under services/, a top-level .env and .env.example.
python3 - "$repo" <<'PY'
import hashlib, os, sys
repo = sys.argv[1]
hx = lambda seed, n: "".join(hashlib.sha256(f"{seed}:{j}".encode()).hexdigest() for j in range(n // 64 + 1))[:n]
def write(rel, text, mode=0o644):
    path = os.path.join(repo, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
count = 0
def ordinary(rel, text):
    global count
    write(rel, text); count += 1
write(".gitignore", "node_modules/\n.env\n.env.*\n!.env.example\n")
for p in range(25):                                   # src/: 51 directories, 3,000 files
    for m in range(80):
        ordinary(f"src/pkg_{p:02d}/module_{m:02d}.py",
                 f'"""pkg_{p:02d}.module_{m:02d}."""\n\n\ndef f_{m}(x):\n    return x * {m} + {p}\n')
    for t in range(40):
        ordinary(f"src/pkg_{p:02d}/tests/test_{t:02d}.py",
                 f"from pkg_{p:02d} import module_{t:02d}\n\n\ndef test_{t}():\n"
                 f"    assert module_{t:02d}.f_{t}(1) == {t + p}\n")
for d in range(5):                                    # docs/: 6 directories, 300 files
    for n in range(60):
        ordinary(f"docs/section_{d}/page_{n:02d}.md", f"# Section {d}, page {n}\n\nSee `src/pkg_{n % 25:02d}`.\n")
for s in range(25):                                   # services/: 26 directories, 700 files
    svc = f"services/svc_{s:02d}"
    ordinary(f"{svc}/Dockerfile", f"FROM python:3.12-slim\nCOPY . /app\nCMD [\"python\", \"/app/app.py\"]\n")
    ordinary(f"{svc}/requirements.txt", "fastapi==0.115.0\nuvicorn==0.30.6\n")
    ordinary(f"{svc}/app.py", f"import os\n\nPORT = int(os.environ['PORT'])\nNAME = 'svc_{s:02d}'\n")
    for h in range(25):
        ordinary(f"{svc}/handler_{h:02d}.py", f"def handle_{h}(request):\n    return {{'svc': {s}, 'h': {h}}}\n")
    # 50 env files: .env and .env.local in each service, ~10 keys each, mode 0600.
    write(f"{svc}/.env", "".join(f"{k}={v}\n" for k, v in [
        ("SERVICE_NAME", f"svc_{s:02d}"), ("PORT", str(8000 + s)), ("LOG_LEVEL", "info"),
        ("DATABASE_URL", f"postgres://svc_{s:02d}:{hx(f'db{s}', 24)}@localhost:5432/svc_{s:02d}"),
        ("REDIS_URL", f"redis://localhost:6379/{s % 16}"),
        ("API_BASE_URL", f"https://api.internal.example.com/svc_{s:02d}"),
        ("SIGNING_SECRET", hx(f"sign{s}", 40)), ("FEATURE_FLAGS", "search,checkout"),
        ("REQUEST_TIMEOUT_MS", "3000"), ("WORKERS", "4")]), 0o600)
    write(f"{svc}/.env.local", f"# svc_{s:02d}: local overrides\n" + "".join(f"{k}={v}\n" for k, v in [
        ("LOG_LEVEL", "debug"), ("PORT", str(9000 + s)), ("WORKERS", "1"), ("DEBUG", "true"),
        ("SIGNING_SECRET", hx(f"local{s}", 40)), ("SENTRY_ENVIRONMENT", "local"),
        ("TRACE_SAMPLE_RATE", "1.0"), ("CACHE_TTL_S", "5"), ("MAIL_HOST", "localhost"),
        ("MAIL_PORT", "1025")]), 0o600)
for k in range(10):                                   # node_modules/: 21 directories, 1,000 files
    for n in range(50):
        ordinary(f"node_modules/lib_{k}/index_{n:02d}.js", f"module.exports = {{ v: {n} }};\n")
        ordinary(f"node_modules/lib_{k}/dist/chunk_{n:02d}.js", f"export const c{n} = {k};\n")
assert count == 5000, count
top = [("APP_ENV", "development", "development"), ("PORT", "8080", "8080"),
       ("LOG_LEVEL", "info", "info"),
       ("DATABASE_URL", f"postgres://app:{hx('appdb', 24)}@localhost:5432/app", ""),
       ("OPENAI_PAT", "sk-proj-" + hx("openai", 120), ""),
       ("STRIPE_SECRET_KEY", "sk_test_" + hx("stripe", 99), ""),
       ("SESSION_SECRET", hx("session", 64), ""), ("SMTP_HOST", "localhost", "localhost"),
       ("SMTP_PORT", "1025", "1025"), ("PUBLIC_URL", "http://localhost:8080", "http://localhost:8080")]
write(".env", "".join(f"{k}={v}\n" for k, v, _ in top), 0o600)
write(".env.example", "# Copy to .env and fill in.\n" + "".join(f"{k}={e}\n" for k, _, e in top))
PY

# A clean, fixed environment: the user's shell variables and real store are not read.
clean=(env -i "PATH=$PATH" "HOME=$tmp" "TKX_DIR=$tmp/tkxdir")
# The same for git and doctor: no global or system git config, a private TKX_DIR (0700).
gitenv=(env -i "PATH=$PATH" "HOME=$tmp/home" GIT_CONFIG_NOSYSTEM=1)
install -d -m 700 "$tmp/doctor-tkx"
dclean=("${gitenv[@]}" "TKX_DIR=$tmp/doctor-tkx")
cd "$tmp"

# Commit the ordinary files (git ignores node_modules/ and the env files) so that the
# index and HEAD are populated.
git=("${gitenv[@]}" GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
  GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
  GIT_AUTHOR_DATE=2024-01-01T00:00:00Z GIT_COMMITTER_DATE=2024-01-01T00:00:00Z git -C "$repo")
"${git[@]}" init -q
"${git[@]}" add -A
"${git[@]}" commit -q -m "Initial import"
tracked=$("${git[@]}" ls-files | wc -l)
[[ "$tracked" -eq 4002 ]] || echo "bench: WARNING: expected 4002 tracked files, git has $tracked" >&2
if "${git[@]}" ls-files | grep -E '(^|/)\.env(\.[^/]*)?$' | grep -v '\.env\.example$' >&2; then
  echo "bench: WARNING: env files were committed to the fixture repository (above)" >&2
fi

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
# doctor exits 1 when it has findings; 2 would be a usage or configuration error.
drc=0
"${dclean[@]}" "$bin" -C "$repo" doctor >"$tmp/doctor.out" 2>"$tmp/doctor.err" || drc=$?
if [[ "$drc" -ne 0 && "$drc" -ne 1 ]]; then
  echo "bench: tkx doctor exited $drc on the fixture repository:" >&2
  cat "$tmp/doctor.out" "$tmp/doctor.err" >&2
  exit 1
fi
echo "tkx doctor on the fixture repository: exit $drc, \"$(tail -n 1 "$tmp/doctor.out")\""
if [[ "$(wc -l <"$tmp/doctor.out")" -gt 1 ]]; then
  echo "bench: WARNING: doctor has findings on the clean generated repository:" >&2
  cat "$tmp/doctor.out" >&2
fi
if [[ -s "$tmp/doctor.err" ]]; then
  echo "bench: WARNING: tkx doctor wrote to stderr:" >&2; cat "$tmp/doctor.err" >&2
fi
# doctor must see all 51 env files, or the benchmark times a walk that misses them:
# loosen their modes for one run, count the permission findings, restore.
envfiles=("$repo/.env" "$repo"/services/*/.env "$repo"/services/*/.env.local)
chmod 644 "${envfiles[@]}"
seen=$("${dclean[@]}" "$bin" -C "$repo" doctor 2>/dev/null | grep -c 'doctor/permissions' || true)
chmod 600 "${envfiles[@]}"
[[ "$seen" -eq ${#envfiles[@]} ]] \
  || echo "bench: WARNING: doctor saw $seen of the ${#envfiles[@]} env files (by loosened mode)" >&2

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

echo "== Benchmark 3: doctor on a repository of 5,000 files and 50 env files =="
"${dclean[@]}" hyperfine -N -i --warmup 3 --style basic --export-json "$tmp/b3.json" \
  -n "tkx doctor" "$(q "$bin") -C $(q "$repo") doctor"
echo "== Benchmark 4: 100,000 keys; exec with 40,000 =="
k100="$tmp/keys100000" k40="$tmp/keys40000"
"${clean[@]}" hyperfine -N -i --warmup 1 --runs 5 --style basic --export-json "$tmp/b4.json" \
  -n "env" "$(q "$bin") -C $(q "$k100") --no-user env" \
  -n "doctor" "$(q "$bin") -C $(q "$k100") --no-user doctor" \
  -n "diff" "$(q "$bin") -C $(q "$k100") --no-user diff" \
  -n "scan .env" "$(q "$bin") -C $(q "$k100") --no-user scan .env" \
  -n "exec -- true (40,000 keys)" "$(q "$bin") -C $(q "$k40") --no-user exec -- true"
echo "== Benchmark 5: tkx set (read, lock, write, checks) =="
"${clean[@]}" hyperfine -N --warmup 5 --style basic --export-json "$tmp/b5.json" \
  -n "tkx set" "$(q "$bin") -C $(q "$proj") set BENCH_KEY --allow-empty"
if [[ "$inproc" -eq 1 ]]; then
  echo "== In-process parse benchmark: cargo bench --bench parse =="
  (cd "$root" && cargo bench --bench parse --quiet) | tee "$tmp/parse.txt"
else
  echo "== In-process parse benchmark skipped (TKX_BIN is set) =="
  : >"$tmp/parse.txt"
fi

cmd="bash scripts/bench.sh"
[[ -z "${TKX_BIN:-}" ]] || cmd="TKX_BIN=$(q "$TKX_BIN") $cmd"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
python3 - "$tmp" "$(nproc)" "$cpu" "$("$bin" --version)" "$(hyperfine --version)" \
  "$(wc -c <"$big")" "$inproc" "$drc" "$(tail -n 1 "$tmp/doctor.out")" "$cmd" <<'PY'
import json, re, sys
tmp, ncpu, cpu, tkxv, hfv, size, inproc, drc, dsummary, cmd = sys.argv[1:]
load = lambda n: json.load(open(f"{tmp}/b{n}.json"))["results"]
(tkx, env, nouser), (bigr, tiny), (doctor,) = load(1), load(2), load(3)
many, (tset,) = load(4), load(5)
ms = lambda r: f"{r['mean'] * 1e3:.2f} ± {r['stddev'] * 1e3:.2f} ms"
verdict = lambda ok: "**pass**" if ok else "**FAIL**"
limit = 2 * env["mean"] + 1e-3
diff = bigr["mean"] - tiny["mean"]
# `parse      10000 keys, 5.2 MB: mean 9.87 ms, best 9.12 ms (50 runs)`, and `resolve …`.
inp = {}
for line in open(f"{tmp}/parse.txt"):
    m = re.match(r"(parse|resolve)\s+(.*): mean ([\d.]+) ms, best ([\d.]+) ms \((\d+) runs\)", line)
    if m:
        inp[m[1]] = (m[2], float(m[3]), float(m[4]), m[5])
    m = re.match(r"lock\s+(.*): mean ([\d.]+) us, best ([\d.]+) us \((\d+) runs\)", line)
    if m:
        inp["lock"] = (m[1], float(m[2]), float(m[3]), m[4])
print(f"\n## Benchmark results\n\nMachine: {ncpu} × {cpu}, Linux; {tkxv}; {hfv}; "
      "hyperfine -N (no shell), means over all runs; in-process rows from `cargo bench --bench parse`.\n")
print("| benchmark | mean | target | result |\n|---|---|---|---|")
print(f"| 1. `env true` (baseline) | {ms(env)} | | |")
print(f"| 1. `tkx exec -- true`, 50-key `.env` | {ms(tkx)} | ≤ 2 × env + 1 ms = {limit * 1e3:.2f} ms | {verdict(tkx['mean'] <= limit)} |")
print(f"| 1. `tkx --no-user exec -- true` | {ms(nouser)} | | |")
file = inp.get("parse", ("10,000 keys, ~5 MB",))[0]
for name, what in [("parse", f"parse, in-process, generated file of {file}"),
                   ("resolve", "resolve (read + parse + expand + precedence), in-process, same file")]:
    if name in inp:
        _, mean, best, runs = inp[name]
        print(f"| 2. {what} | "
              f"{mean:.2f} ms (best {best:.2f} ms, {runs} runs) | < 20 ms | {verdict(mean < 20)} |")
    elif inproc == "1":
        print(f"| 2. {what} | no `{name}` line in the output of `cargo bench --bench parse` | < 20 ms | **no data** |")
    else:
        print(f"| 2. {what} | not run (TKX_BIN is set) | < 20 ms | |")
print(f"| 2. `tkx get`, 1-key file (whole process: start-up and teardown) | {ms(tiny)} | | |")
print(f"| 2. `tkx get`, 10,000 keys, {int(size) / 1e6:.1f} MB (whole process: includes start-up and teardown) | {ms(bigr)} | | |")
if inp:
    print(f"| 2. difference of the two `tkx get` rows (whole-process estimate of parse cost) | {diff * 1e3:.2f} ms | | |")
else:
    print(f"| 2. difference of the two `tkx get` rows (whole-process estimate, in place of the in-process rows) | {diff * 1e3:.2f} ms | < 20 ms | {verdict(diff < 20e-3)} |")
print(f"| 3. `tkx -C repo doctor`, 5,000 files (1,000 in an ignored `node_modules/`), 50 env files; exit {drc}, \"{dsummary}\" | {ms(doctor)} | < 300 ms | {verdict(doctor['mean'] < 0.3)} |")
for r in many:
    print(f"| 4. `tkx {r['command']}`, {'40,000' if '40,000' in r['command'] else '100,000'} keys | {ms(r)} | < 1 s | {verdict(r['mean'] < 1)} |")
print(f"| 5. `tkx set KEY --allow-empty` (stdin: /dev/null) into the 50-key `.env`, whole process | {ms(tset)} | | |")
if "lock" in inp:
    _, mean, best, runs = inp["lock"]
    print(f"| 5. the lock every write takes, in-process | {mean:.2f} µs (best {best:.2f} µs, {runs} runs) | < 1 ms | {verdict(mean < 1000)} |")
print(f"\nProduced by `{cmd}`.")
PY
