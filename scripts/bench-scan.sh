#!/usr/bin/env bash
# Scanner benchmarks. Usage: bash scripts/bench-scan.sh   (TKX_BIN=path skips the build)
# 1. throughput: the python3 standard library (text tree, ~40 MB) scanned by tkx, kingfisher,
#    ripsecrets and an rg alternation of key regexes (the speed of light), in one hyperfine run.
#    Targets: tkx >= 3x kingfisher's MB/s and >= 15% of rg's.
# 2. hook: `tkx hook run` on 1,000 staged files (~20 MB), target < 200 ms; and on a typical
#    commit of 5 files (~20 KB), target < 50 ms. Hermetic repos: HOME, TKX_DIR in the temp dir.
# 3. history (when TKX_BENCH_HISTORY_REPO names a git repository, e.g. a bare mirror of
#    openai-python): `tkx scan --history` (all refs) against `kingfisher scan --git-history
#    full --no-validate`, side by side; target: tkx's CPU time at or under kingfisher's.
# Installs what it lacks: kingfisher (pip kingfisher-bin), ripsecrets (cargo install, cached in
# ~/.cache/tkx-bench/cargo), ripgrep (apt-get). RUNS=N sets hyperfine's minimum run count.
set -euo pipefail

runs=${RUNS:-5}
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tkx-bench"
say() { printf 'bench-scan: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# --- tools -----------------------------------------------------------------------------------
command -v hyperfine >/dev/null || die "hyperfine is required (apt-get install hyperfine)"
command -v python3 >/dev/null || die "python3 is required"
command -v git >/dev/null || die "git is required"
source "$(dirname "${BASH_SOURCE[0]}")/tkx-bin.sh"
src_bin=$bin
[[ -x "$src_bin" ]] || die "no executable at $src_bin"

kf_path() { python3 -c 'import kingfisher; print(kingfisher.get_binary_path())' 2>/dev/null; }
kf=${KINGFISHER:-$(kf_path || true)}
if [[ -z "$kf" ]]; then
  say "installing kingfisher (pip install kingfisher-bin)"
  python3 -m pip install --quiet kingfisher-bin >&2
  kf=$(kf_path) || die "kingfisher-bin installed but its binary was not found"
fi
rs=${RIPSECRETS:-$(command -v ripsecrets || true)}
if [[ -z "$rs" ]]; then
  rs="$cache/cargo/bin/ripsecrets"
  if [[ ! -x "$rs" ]]; then
    say "installing ripsecrets (cargo install --locked, a few minutes; cached in $cache/cargo)"
    cargo install ripsecrets --locked --quiet --root "$cache/cargo" >&2
  fi
fi
if ! command -v rg >/dev/null; then
  say "installing ripgrep (apt-get)"
  { apt-get update -qq && apt-get install -y -qq ripgrep; } >&2 || die "ripgrep is required: apt-get install ripgrep"
fi
rg=$(command -v rg)

# Wait (up to 5 minutes) for a quiet machine: a busy one makes every number meaningless.
for _ in $(seq 60); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  awk -v l="$load" 'BEGIN { exit !(l < 1.5) }' && break
  say "load average $load >= 1.5, waiting"
  sleep 5
done

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
bin="$tmp/tkx"
cp "$src_bin" "$bin" # a private copy: a rebuild during the run cannot swap it
export TKX_DIR="$tmp/tkxdir"
mkdir -p "$TKX_DIR" "$tmp/json"
cd "$tmp"

# --- 1. throughput -----------------------------------------------------------------------------
stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
tree="$tmp/stdlib"
mkdir -p "$tree"
# The text tree only: no installed packages, bytecode, static library or extension modules.
tar -C "$stdlib" --exclude=__pycache__ --exclude=site-packages --exclude=dist-packages \
  --exclude='config-*' --exclude=lib-dynload --exclude='*.whl' -cf - . | tar -C "$tree" -xf -
bytes=$(find "$tree" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
files=$(find "$tree" -type f | wc -l)
say "corpus: $stdlib -> $files files, $bytes bytes"

# Every branch starts with a literal: one that does not (Telegram's `[0-9]{8,10}:AA…`) turns off
# rg's literal prefilter and makes the whole alternation about 5x slower, no longer a bound.
patterns=(
  'sk-proj-[A-Za-z0-9_-]{40,}' 'sk-svcacct-[A-Za-z0-9_-]{40,}' 'sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}'
  'sk-ant-api[0-9]{2}-[A-Za-z0-9_-]{80,}' 'ghp_[A-Za-z0-9]{36}' 'github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}'
  'glpat-[A-Za-z0-9_-]{20,}' 'AKIA[A-Z2-7]{16}' 'xox[abprs]-[0-9]+-[A-Za-z0-9-]{10,}'
  'hooks\.slack\.com/services/[A-Za-z0-9/_-]{20,}' '[rs]k_live_[A-Za-z0-9]{20,}' 'AIza[0-9A-Za-z_-]{35}'
  'AccountKey=[A-Za-z0-9+/]{86}==' 'hf_[A-Za-z]{34}' 'gsk_[A-Za-z0-9]{52}' 'sk-or-v1-[a-f0-9]{64}'
  'SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}' 'npm_[A-Za-z0-9]{36}' 'pypi-AgE[A-Za-z0-9_-]{50,}'
  'dop_v1_[a-f0-9]{64}' '-----BEGIN [A-Z ]*PRIVATE KEY-----'
  'eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}'
  '(postgres|mysql|mongodb)://[^:@/ ]+:[^@/ ]+@'
)
alt=$(IFS='|'; echo "${patterns[*]}")

names=(tkx kingfisher ripsecrets rg)
cmds=("$bin scan --no-ignore $tree"
  "$kf scan $tree --no-validate --git-history none --no-update-check --no-extract-archives -q"
  "$rs $tree"
  "$rg --no-ignore --hidden -n -e '$alt' $tree")
args=()
for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
say "throughput: hyperfine, warmup 1, at least $runs runs per tool"
hyperfine --warmup 1 --min-runs "$runs" -i --style basic --export-json "$tmp/json/speed.json" "${args[@]}" >&2

# --- 2. hook -----------------------------------------------------------------------------------
export HOME="$tmp/home" GIT_CONFIG_NOSYSTEM=1 XDG_CONFIG_HOME="$tmp/home/.config"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
mkdir -p "$HOME"
# make_repo DIR NFILES TOTAL_BYTES: a repo with a first commit, then NFILES new files staged,
# cut at line ends from the standard library's own .py sources.
make_repo() {
  git init -q -b main "$1"
  printf '# bench\n' >"$1/README.md"
  git -C "$1" add README.md && git -C "$1" commit -q -m init
  python3 - "$tree" "$@" <<'PY'
import os, sys
tree, repo, n, total = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
srcs = sorted(os.path.join(d, f) for d, _, fs in os.walk(tree) for f in fs if f.endswith(".py"))
pool = b"".join(open(p, "rb").read() for p in srcs)
each, at = total // n, 0
for i in range(n):
    end = pool.find(b"\n", at + each) + 1 or len(pool)
    path = os.path.join(repo, "src", f"pkg{i % 25:02d}", f"module_{i:04d}.py")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "wb").write(pool[at:end])
    at = end if end < len(pool) - each else 0
PY
  git -C "$1" add -A
}
make_repo "$tmp/big" 1000 20000000
make_repo "$tmp/small" 5 20000
staged() { git -C "$1" diff --cached --numstat | awk '{ n++ } END { print n }'; }
big_bytes=$(du -sb --exclude=.git "$tmp/big" | cut -f1)
say "hook repos: big $(staged "$tmp/big") staged files ($big_bytes bytes), small $(staged "$tmp/small") files"
for r in big small; do # exit codes, for the table: 1 means the hook found something
  rc=0
  "$bin" hook run -C "$tmp/$r" >"$tmp/hook-$r.out" 2>&1 || rc=$?
  printf '%s' "$rc" >"$tmp/json/hook-$r.rc"
done
cmds+=("$bin hook run -C $tmp/big" "$bin hook run -C $tmp/small")
hyperfine -N --warmup 1 --min-runs 10 -i --style basic --export-json "$tmp/json/hook.json" \
  -n hook-big "${cmds[4]}" -n hook-small "${cmds[5]}" >&2

# --- summary -----------------------------------------------------------------------------------
python3 - "$tmp/json" "$bytes" "$files" <<'PY'
import json, sys
jd, nbytes, nfiles = sys.argv[1], int(sys.argv[2]), sys.argv[3]
speed = {r["command"]: r for r in json.load(open(f"{jd}/speed.json"))["results"]}
hook = {r["command"]: r for r in json.load(open(f"{jd}/hook.json"))["results"]}
mbs = {k: nbytes / 1e6 / r["mean"] for k, r in speed.items()}
ok = lambda c: "PASS" if c else "FAIL"
print(f"\n### tkx scan benchmarks\n\nCorpus: python3 stdlib text tree, {nfiles} files, "
      f"{nbytes / 1e6:.1f} MB (MB = 10^6 bytes); hyperfine means.\n")
print("| benchmark | tool | wall mean ± σ | CPU user+sys | runs | MB/s (wall) | target | result |")
print("|---|---|---|---|---|---|---|---|")
cpu = lambda r: f"{(r['user'] + r['system']) * 1e3:.0f} ms"
targets = {"tkx": (f"≥ 3× kingfisher ({3 * mbs['kingfisher']:.0f} MB/s), ≥ 15% rg "
                   f"({0.15 * mbs['rg']:.0f} MB/s)",
                   ok(mbs["tkx"] >= 3 * mbs["kingfisher"] and mbs["tkx"] >= 0.15 * mbs["rg"]))}
for k in ["tkx", "kingfisher", "ripsecrets", "rg"]:
    r = speed[k]
    t, res = targets.get(k, ("", ""))
    print(f"| scan stdlib | {k} | {r['mean'] * 1e3:.0f} ± {r['stddev'] * 1e3:.0f} ms | {cpu(r)} "
          f"| {len(r['times'])} | {mbs[k]:.0f} | {t} | {res} |")
for k, what, limit in [("big", "1,000 files, 20 MB", 200), ("small", "5 files, 20 KB", 50)]:
    r, rc = hook[f"hook-{k}"], open(f"{jd}/hook-{k}.rc").read()
    print(f"| hook run, {what} (exit {rc}) | tkx | {r['mean'] * 1e3:.1f} ± {r['stddev'] * 1e3:.1f} ms | {cpu(r)} "
          f"| {len(r['times'])} | | < {limit} ms | {ok(r['mean'] * 1e3 < limit)} |")
print(f"\nRatios: tkx/kingfisher = {mbs['tkx'] / mbs['kingfisher']:.2f}×, "
      f"tkx/ripsecrets = {mbs['tkx'] / mbs['ripsecrets']:.2f}×, "
      f"tkx/rg = {100 * mbs['tkx'] / mbs['rg']:.1f}%")
PY
echo
echo "Commands (from \`bash scripts/bench-scan.sh\`, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)):"
bt='`'
for c in "${cmds[@]}"; do
  printf -- '- %s%s%s\n' "$bt" "$c" "$bt" | sed "s|$tmp|\$TMP|g; s|'[^']*'|'<${#patterns[@]} key regexes, below>'|"
done
printf 'rg regex: %s%s%s\n' "$bt" "$alt" "$bt"
echo "Versions: $("$bin" --version), $("$kf" --version), $("$rs" --version), $("$rg" --version | head -1), $(hyperfine --version)"
if [[ -n "${TKX_BIN:-}" ]]; then echo "tkx: $src_bin (TKX_BIN, built outside this run)"; else echo "tkx: built from $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo " + uncommitted changes in src/")"; fi

# --- 3. history ---------------------------------------------------------------------------------
if [[ -n "${TKX_BENCH_HISTORY_REPO:-}" ]]; then
  repo=$(realpath "$TKX_BENCH_HISTORY_REPO")
  echo
  echo "### history: $(basename "$repo") ($(git -C "$repo" for-each-ref | wc -l) refs, $(git -C "$repo" rev-list --all --count) commits)"
  echo
  echo "| tool | wall | CPU user+sys | peak memory |"
  echo "|---|---|---|---|"
  for tool in tkx kingfisher; do
    if [[ $tool == tkx ]]; then
      run=(env -C "$repo" "$bin" scan --history)
    else
      run=("$kf" scan --git-history full --no-validate "$repo")
    fi
    /usr/bin/time -f "%e %U %S %M" -o "$tmp/time-$tool" "${run[@]}" >"$tmp/out-$tool" 2>&1 || true
    read -r wall user sys rss < <(tail -1 "$tmp/time-$tool")
    printf '| %s | %s s | %s s | %d MB |\n' "$tool" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')" $((rss / 1024))
  done
fi
