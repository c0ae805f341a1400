#!/usr/bin/env bash
# Redaction benchmarks (issue #6). Usage: bash scripts/bench-redact.sh   (TKX_BIN=path skips the build)
# 1. throughput: `tkx redact` over a 500 MB log holding 100 known secrets; target >= 500 MB/s,
#    next to `cat` (the floor) and `sed` with the same 100 literals.
# 2. latency: a line printed by a child of `tkx exec --redact` reaches tkx's stdout within 50 ms.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -n "${TKX_BIN:-}" ]]; then
  bin=$(realpath "$TKX_BIN")
else
  (cd "$root" && cargo build --release --quiet)
  bin="$root/target/release/tkx"
fi
command -v hyperfine >/dev/null || { echo "bench: hyperfine is required (apt-get install hyperfine)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
mkdir -p "$tmp/project" "$tmp/tkxdir"
size_mb=${SIZE_MB:-500}

python3 - "$tmp" "$size_mb" <<'PY'
import hashlib, random, sys
tmp, size_mb = sys.argv[1], int(sys.argv[2])
random.seed(7)
secrets = ["tok-" + hashlib.sha256(str(i).encode()).hexdigest()[:28] for i in range(100)]
with open(f"{tmp}/project/.env", "w") as f:
    for i, s in enumerate(secrets):
        f.write(f"SERVICE_{i}_TOKEN={s}\n")
with open(f"{tmp}/secrets.txt", "w") as f:
    f.write("\n".join(secrets) + "\n")
words = ("GET POST /api/v1/items status=200 latency_ms user_id request_id trace "
         "info warn debug worker queue retry backoff cache hit miss payload").split()
block = []
for n in range(20000):
    line = f"2026-11-23T10:{n % 60:02d}:{n % 59:02d}Z " + " ".join(random.choice(words) for _ in range(12))
    if n % 200 == 0:
        line += " auth=" + secrets[n % 100]
    block.append(line)
chunk = ("\n".join(block) + "\n").encode()
target = size_mb * 1_000_000
with open(f"{tmp}/log.txt", "wb") as f:
    written = 0
    while written < target:
        f.write(chunk)
        written += len(chunk)
PY

log="$tmp/log.txt"
bytes=$(stat -c %s "$log")
sed_script="$tmp/mask.sed"
while read -r s; do printf 's/%s/********/g\n' "$s"; done <"$tmp/secrets.txt" >"$sed_script"
cd "$tmp/project"
export TKX_DIR="$tmp/tkxdir"
# Sanity: every secret is masked, nothing else changes in length class.
leaks=$("$bin" redact <"$log" | grep -c -F -f "$tmp/secrets.txt" || true)
[[ "$leaks" == 0 ]] || { echo "bench: $leaks lines still hold a secret" >&2; exit 1; }

hyperfine --warmup 1 --runs 5 --export-json "$tmp/t.json" \
  -n cat "cat $log > /dev/null" \
  -n "tkx redact" "$bin redact --quiet < $log > /dev/null" \
  -n "sed (100 literals)" "sed -f $sed_script $log > /dev/null" >&2

python3 - "$tmp/t.json" "$bytes" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
size = int(sys.argv[2])
print(f"| tool | mean | throughput |\n|---|---|---|")
tput = {}
for r in res:
    t = r["mean"]
    tput[r["command"]] = size / t / 1e6
    print(f"| {r['command']} | {t*1000:.0f} ms | {size / t / 1e6:.0f} MB/s |")
tk = tput.get("tkx redact", 0)
print(f"\ntkx redact: {tk:.0f} MB/s on {size/1e6:.0f} MB with 100 known secrets; target >= 500 MB/s: {'pass' if tk >= 500 else 'FAIL'}")
PY

# Latency: the child prints a line every 200 ms; measure when each reaches us.
python3 - "$bin" <<'PY'
import subprocess, sys, time
bin = sys.argv[1]
child = subprocess.Popen([bin, "exec", "--redact", "--", "python3", "-u", "-c",
    "import time,sys\nfor i in range(20):\n    print(f'{time.time():.6f}', flush=True)\n    time.sleep(0.2)"],
    stdout=subprocess.PIPE, text=True)
lat = []
for line in child.stdout:
    lat.append((time.time() - float(line.strip())) * 1000)
child.wait()
lat.sort()
print(f"latency, child line to tkx stdout: median {lat[len(lat)//2]:.1f} ms, max {lat[-1]:.1f} ms over {len(lat)} lines; target <= 50 ms: {'pass' if lat[-1] <= 50 else 'FAIL'}")
PY
echo "Produced by: bash scripts/bench-redact.sh"
