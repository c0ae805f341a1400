#!/usr/bin/env bash
# The cost of `tkx agent run` (#16), cited by the README. Usage:
#   bash scripts/bench-agent-run.sh        (TKX_BIN=path skips the build)
# On a git project of 2,000 files in 200 directories with a 50-key .env and 20 nested
# env files, with hyperfine (-N: no shell in between):
# 1. `tkx agent run -- true` against `true`: the sandbox's start-up (layers, the walk
#    for env files, the socket, bubblewrap); target < 30 ms of overhead.
# 2. `tkx exec -- true` inside the sandbox (through the socket: a second bubblewrap,
#    output redacted) against `tkx exec -- true` outside; target < 10 ms of overhead.
# `bwrap true` alone is measured too, for reference.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/tkx-bin.sh"
for tool in hyperfine bwrap python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is required (apt-get install hyperfine bubblewrap python3)" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
proj="$tmp/project"
mkdir -p "$proj" "$tmp/tkxdir" "$tmp/home" "$tmp/bin"
ln -s "$bin" "$tmp/bin/tkx"
python3 - "$proj" <<'PY'
import hashlib, os, sys
proj = sys.argv[1]
def tok(seed, n):
    return hashlib.sha512(seed.encode()).hexdigest()[:n]
with open(os.path.join(proj, ".env"), "w") as f:
    for i in range(50):
        f.write(f"KEY_{i}_TOKEN=sk-proj-{tok(str(i), 48)}\n" if i % 2 else f"SETTING_{i}=value-{i}\n")
with open(os.path.join(proj, ".env.example"), "w") as f:
    f.write("KEY_1_TOKEN=\n")
for d in range(200):
    path = os.path.join(proj, "src", f"m{d // 20}", f"d{d}")
    os.makedirs(path, exist_ok=True)
    for i in range(10):
        with open(os.path.join(path, f"f{i}.py"), "w") as f:
            f.write(f"# module {d}.{i}\n")
    if d % 10 == 0:
        with open(os.path.join(path, ".env.local"), "w") as f:
            f.write(f"NESTED_TOKEN=ghp_{tok('n' + str(d), 36)}\n")
PY
(cd "$proj" && git init -q && printf '.env\n.env.*\n!.env.example\n' >.gitignore)

export HOME="$tmp/home" TKX_DIR="$tmp/tkxdir" PATH="$tmp/bin:$PATH"
cd "$proj"
"$bin" exec -- true   # first-seen ledger written once, as after any first run

echo "== tkx agent run -- true, against true and bwrap alone"
hyperfine -N --warmup 5 --runs 60 --export-json "$tmp/outer.json" \
  'true' \
  'bwrap --dev-bind / / --unshare-pid --proc /proc --die-with-parent true' \
  'tkx exec -- true' \
  'tkx agent run -- true'

echo "== tkx exec -- true inside the sandbox (through the socket), against outside"
hyperfine -N --warmup 5 --runs 60 --export-json "$tmp/outside.json" 'tkx exec -- true' 'tkx exec --redact -- true'
"$bin" -q agent run -- hyperfine -N --warmup 5 --runs 60 --export-json "$tmp/inside.json" \
  --command-name 'tkx exec -- true (inside tkx agent run)' 'tkx exec -- true'

python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
def means(name):
    with open(f"{tmp}/{name}.json") as f:
        return {r["command"]: (r["mean"] * 1000, r["stddev"] * 1000) for r in json.load(f)["results"]}
outer, outside, inside = means("outer"), means("outside"), means("inside")
def show(label, m):
    print(f"| {label} | {m[0]:.2f} ± {m[1]:.2f} ms |")
print("\n| command | mean |\n|---|---|")
for k, v in outer.items():
    show(f"`{k}`", v)
for k, v in outside.items():
    show(f"`{k}` (outside)", v)
for k, v in inside.items():
    show(f"`{k}`", v)
run = outer["tkx agent run -- true"][0] - outer["true"][0]
inner = list(inside.values())[0][0] - outside["tkx exec -- true"][0]
print(f"\nagent run overhead: {run:.1f} ms (target < 30 ms): {'pass' if run < 30 else 'FAIL'}")
print(f"exec through the socket, overhead: {inner:.1f} ms (target < 10 ms): {'pass' if inner < 10 else 'FAIL'}")
PY
