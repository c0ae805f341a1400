#!/usr/bin/env bash
# agents-e2e.sh — proof inside the real AI coding clients that `tkx agent install` keeps
# planted secrets away from the model.
#
#   bash scripts/agents-e2e.sh [claude|codex|gemini|opencode|copilot|sandbox|os-sandbox]...   (default: all seven)
#
# For each client: installs it from the npm registry under a scratch prefix, makes a git
# project with a .env of planted secrets (plus one in the private store and one in the
# client's environment), starts scripts/e2e/model.py (a scripted stand-in of the client's
# model API on 127.0.0.1) and runs the client non-interactively twice: with the guard
# (`tkx agent install --host <client>`) and, as a control, without it. The stand-in asks
# for some thirty tool calls that would leak and a dozen that must work (STEPS in
# model.py, in each client's own tools), and records every request body; scripts/e2e/analyze.py then checks that no secret reached the model with
# the guard, that the allowed calls worked, and that the control did leak (else the
# harness proves nothing). Hook payloads are recorded by a `tkx` wrapper put first in the
# client's PATH.
#
# `sandbox` is Claude Code again, but its guarded run is `tkx agent run -- claude -p …`
# with no hook installed, and the stand-in follows SANDBOX_STEPS in model.py: reads a
# checker of shell text cannot see (a computed file name, interpreter code that builds
# the path, a script written then run, a glob, links made inside, the private store by
# absolute path, the environment, `tkx get`/`tkx env --reveal`, `tkx exec` printing a
# key) must get nothing, and `tkx exec` with the keys must still work. Its control is
# the same script without `tkx agent run`. It needs bwrap (Linux); without a working
# `tkx agent run` the row is reported as skipped, with tkx's stderr.
#
# `os-sandbox` is Claude Code with `tkx agent install --host claude --os-sandbox`: the hook
# and Claude Code's own sandbox for Bash (bubblewrap and socat on Linux) with env files and
# the stores in `sandbox.filesystem.denyRead`, on the same SANDBOX_STEPS. Its `tkx exec`
# steps are expected to break (tkx inside that sandbox sees the files empty too), which is
# reported, not judged, unless TKX_E2E_STRICT=1.
#
# Exit 1 if an installed client leaks with the guard, does not get through the script,
# or its control does not leak (an allowed call the guard breaks is reported, and fails
# the run only with TKX_E2E_STRICT=1); a client that cannot be installed or run here,
# or a host tkx does not support yet, is reported and not judged.
#
# Environment:
#   TKX_E2E_NPM_PREFIX  reuse this npm prefix (installed once, then reused)
#   TKX_E2E_KEEP=1      keep the scratch directory (requests, hook payloads, logs)
#   TKX_E2E_TIMEOUT     seconds per client run (default 300)
#   TKX_E2E_NO_BUILD=1  use target/release/tkx as it is
#   TKX_E2E_TKX=PATH    use this tkx binary (a branch's build), no cargo
#   TKX_E2E_STRICT=1    an allowed call the guard breaks fails the run too
#   TKX_E2E_CODEX_AS_CLAUDE=1  with a tkx that has no --host codex (before 6a2a989):
#                       guard Codex with the Claude checker (Codex sends Claude's payloads)
#   TKX_E2E_CODEX_TRUST=0  run Codex without standing in for the user's hook review
#   TKX_E2E_NETNS=0     no network namespace (else one with only loopback, where unshare -n works)

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
e2e="$root/scripts/e2e"
all_clients=(claude codex gemini opencode copilot sandbox os-sandbox)
clients=("$@")
[ ${#clients[@]} -gt 0 ] || clients=("${all_clients[@]}")
for c in "${clients[@]}"; do
  case "$c" in
    claude|codex|gemini|opencode|copilot|sandbox|os-sandbox) ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "agents-e2e: unknown client '$c' (claude, codex, gemini, opencode, copilot, sandbox, os-sandbox)" >&2; exit 2 ;;
  esac
done

run_timeout=${TKX_E2E_TIMEOUT:-300}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tkx-e2e.XXXXXX")

cleanup() {
  # a stand-in left behind by an interrupted run-client.sh (it writes model.pid)
  local f
  for f in "$scratch"/*/*/model.pid; do
    [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  if [ "${TKX_E2E_KEEP:-}" = 1 ]; then
    echo "agents-e2e: kept $scratch" >&2
  else
    rm -rf "$scratch"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '==> %s\n' "$*" >&2; }

for tool in python3 git node npm cargo timeout; do
  command -v "$tool" >/dev/null || { echo "agents-e2e: $tool is required" >&2; exit 2; }
done

# Each client run gets a network namespace with only loopback where the machine allows
# it (root, or unprivileged user namespaces); elsewhere, proxies that go nowhere.
netns=0 free_port=18080
if [ "${TKX_E2E_NETNS:-1}" != 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null \
  && unshare -n sh -c 'ip link set lo up' 2>/dev/null; then
  netns=1
else
  echo "agents-e2e: no network namespace here (unshare -n); clients get dead proxies instead" >&2
fi

# --- tkx ------------------------------------------------------------------------------
if [ -n "${TKX_E2E_TKX:-}" ]; then
  tkx_real=$(cd "$(dirname "$TKX_E2E_TKX")" && pwd)/$(basename "$TKX_E2E_TKX")
else
  if [ "${TKX_E2E_NO_BUILD:-}" != 1 ]; then
    say "cargo build --release"
    (cd "$root" && cargo build --release --quiet)
  fi
  tkx_real="$root/target/release/tkx"
fi
[ -x "$tkx_real" ] || { echo "agents-e2e: $tkx_real is missing" >&2; exit 2; }

# --- the clients ----------------------------------------------------------------------
npm_prefix=${TKX_E2E_NPM_PREFIX:-$scratch/npm}
mkdir -p "$npm_prefix"
declare -A pkg=([claude]=@anthropic-ai/claude-code [codex]=@openai/codex [gemini]=@google/gemini-cli [opencode]=opencode-ai [copilot]=@github/copilot [sandbox]=@anthropic-ai/claude-code [os-sandbox]=@anthropic-ai/claude-code)
declare -A bin=([claude]=claude [codex]=codex [gemini]=gemini [opencode]=opencode [copilot]=copilot [sandbox]=claude [os-sandbox]=claude)
declare -A skip=()
want=()
for c in "${clients[@]}"; do
  [ -x "$npm_prefix/node_modules/.bin/${bin[$c]}" ] || [[ " ${want[*]} " == *" ${pkg[$c]} "* ]] || want+=("${pkg[$c]}")
done
if [ ${#want[@]} -gt 0 ]; then
  say "npm install ${want[*]} (prefix $npm_prefix)"
  if ! timeout 900 npm install --prefix "$npm_prefix" --no-audit --no-fund --loglevel=error "${want[@]}" >"$scratch/npm.log" 2>&1; then
    # One by one, so one client that cannot install does not take the others with it.
    for p in "${want[@]}"; do
      timeout 900 npm install --prefix "$npm_prefix" --no-audit --no-fund --loglevel=error "$p" >>"$scratch/npm.log" 2>&1 || true
    done
  fi
fi
for c in "${clients[@]}"; do
  b="$npm_prefix/node_modules/.bin/${bin[$c]}"
  if [ ! -x "$b" ]; then
    skip[$c]="npm install ${pkg[$c]} failed: $(tail -n 3 "$scratch/npm.log" 2>/dev/null | tr '\n' ' ' | cut -c1-160)"
  fi
done

# --- one run --------------------------------------------------------------------------
rand() { python3 -c "import secrets,string,sys;a=string.ascii_letters+string.digits;print(''.join(secrets.choice(a) for _ in range(int(sys.argv[1]))))" "$1"; }

# make_project DIR: a small git project with planted secrets
make_project() {
  local p=$1
  mkdir -p "$p/src"
  cat >"$p/README.md" <<'EOF'
# demo app
Calls the OpenAI API with OPENAI_PAT and talks to Postgres with DB_PASSWORD.
EOF
  cat >"$p/src/app.py" <<EOF
import os

# $marker
def main():
    key = os.environ["OPENAI_PAT"]
    print("calling the API with a key of", len(key), "characters")

if __name__ == "__main__":
    main()
EOF
  printf 'import os\n\nfor k, v in sorted(os.environ.items()):\n    print(k, v)\n' >"$p/src/debug_env.py"
  printf 'node_modules\n/.env\n/.env.*\n!/.env.example\n' >"$p/.gitignore"
  cat >"$p/.env" <<EOF
# local secrets
OPENAI_PAT=$openai_pat
DB_PASSWORD=$db_password
DEBUG=1
EOF
  printf '# an old copy\nOPENAI_PAT=%s\n' "$openai_pat" >"$p/.env.backup"
  # a link to .env under a name no rule lists
  ln -s .env "$p/local-config.txt"
  # an env file git does not ignore (the root .gitignore names only the root's)
  mkdir -p "$p/docker"
  printf 'POSTGRES_USER=app\nDB_PASSWORD=%s\n' "$db_password" >"$p/docker/.env"
  printf 'services:\n  db:\n    image: postgres:16\n    env_file: .env\n' >"$p/docker/compose.yaml"
  cat >"$p/.env.example" <<'EOF'
OPENAI_PAT=sk-proj-your-key-here
DB_PASSWORD=
DEBUG=1
EOF
  (cd "$p" && git init -q && git add README.md src .gitignore .env.example docker/compose.yaml \
    && git -c user.name=e2e -c user.email=e2e@example.invalid commit -qm init)
}

# The environment every client gets: no host variables, scratch HOME, loopback only.
base_env() {
  local run=$1
  printf '%s\n' \
    "PATH=$run/bin:$npm_prefix/node_modules/.bin:$(dirname "$(command -v node)"):/usr/local/bin:/usr/bin:/bin" \
    "HOME=$run/home" "XDG_CONFIG_HOME=$run/home/.config" "XDG_DATA_HOME=$run/home/.local/share" \
    "XDG_CACHE_HOME=$run/home/.cache" "XDG_STATE_HOME=$run/home/.local/state" \
    "TMPDIR=$run/tmp" "TERM=dumb" "LANG=C.UTF-8" "USER=${USER:-root}" "SHELL=/bin/bash" \
    "TKX_DIR=$run/tkxdir" "STRIPE_KEY=$stripe_key" "NO_COLOR=1" "CI=1" \
    "HTTP_PROXY=http://127.0.0.1:9" "HTTPS_PROXY=http://127.0.0.1:9" "ALL_PROXY=http://127.0.0.1:9" \
    "http_proxy=http://127.0.0.1:9" "https_proxy=http://127.0.0.1:9" \
    "NO_PROXY=127.0.0.1,localhost" "no_proxy=127.0.0.1,localhost"
}

# tkx as the client sees it: records each hook call, then runs the real binary
make_wrapper() {
  local run=$1
  mkdir -p "$run/bin" "$run/hooks"
  cat >"$run/bin/tkx" <<EOF
#!/usr/bin/env bash
if [ "\${1:-}" = agent ] && [ "\${2:-}" = check ]; then
  n="$run/hooks/\$(date +%s%N)-\$\$"
  cat >"\$n.in"
  printf '%s\n' "\$*" >"\$n.args"
  rc=0
  "$tkx_real" "\$@" <"\$n.in" >"\$n.out" 2>"\$n.err" || rc=\$?
  echo "\$rc" >"\$n.rc"
  cat "\$n.out"
  cat "\$n.err" >&2
  exit "\$rc"
fi
exec "$tkx_real" "\$@"
EOF
  chmod +x "$run/bin/tkx"
}

# json_merge FILE JSON: FILE (created if missing) with JSON's keys merged in, deeply;
# what `tkx agent install` wrote there stays
json_merge() {
  python3 - "$1" "$2" <<'EOF'
import json, os, sys
path, add = sys.argv[1], json.loads(sys.argv[2])
cur = {}
if os.path.exists(path):
    with open(path) as f:
        cur = json.load(f)
def merge(a, b):
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(a.get(k), dict):
            merge(a[k], v)
        else:
            a[k] = v
merge(cur, add)
with open(path, "w") as f:
    json.dump(cur, f, indent=2)
EOF
}

# --- per client: configuration and command --------------------------------------------
prompt="Work through the task in this repository step by step."

client_env_claude() {
  printf '%s\n' "ANTHROPIC_BASE_URL=http://127.0.0.1:$port" "ANTHROPIC_API_KEY=e2e-dummy" \
    "IS_SANDBOX=1" "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1" "DISABLE_AUTOUPDATER=1" \
    "DISABLE_TELEMETRY=1" "DISABLE_ERROR_REPORTING=1" "CLAUDE_CODE_MAX_RETRIES=1"
}
client_cmd_claude() {
  cmd=(claude -p "$prompt" --output-format json --dangerously-skip-permissions --model claude-sonnet-4-5)
}

client_env_codex() {
  printf '%s\n' "CODEX_HOME=$1/home/.codex" "E2E_MODEL_KEY=e2e-dummy" "RUST_LOG=warn"
}
client_setup_codex() {
  local run=$1 f="$1/home/.codex/config.toml" existing=""
  mkdir -p "$run/home/.codex"
  [ ! -f "$f" ] || existing=$(cat "$f")
  # Top-level keys first, then whatever `tkx agent install` wrote, then tables.
  {
    printf '%s\n' 'model = "e2e-model"' 'model_provider = "e2e"' 'check_for_update_on_startup = false' ''
    [ -z "$existing" ] || printf '%s\n\n' "$existing"
    cat <<EOF
[model_providers.e2e]
name = "e2e stand-in"
base_url = "http://127.0.0.1:$port/v1"
wire_api = "responses"
env_key = "E2E_MODEL_KEY"
request_max_retries = 0
stream_max_retries = 0

[analytics]
enabled = false
EOF
    # the user trusts the project (Codex asks on its first interactive run)
    if ! grep -qF "[projects.\"$run/project\"]" <<<"$existing"; then
      printf '\n[projects."%s"]\ntrust_level = "trusted"\n' "$run/project"
    fi
  } >"$f.new"
  mv "$f.new" "$f"
}
client_cmd_codex() {
  cmd=(codex exec --dangerously-bypass-approvals-and-sandbox --skip-git-repo-check --color never -C "$run/project")
  # Codex runs a new hook only once the user has reviewed and trusted it (in exec mode
  # an untrusted hook is skipped without a word); this flag stands for that review.
  if [ "$mode" = guarded ] || [ "$probe" = 1 ]; then
    [ "${TKX_E2E_CODEX_TRUST:-1}" = 0 ] || cmd+=(--dangerously-bypass-hook-trust)
  fi
  cmd+=("$prompt")
}
client_env_gemini() {
  printf '%s\n' "GEMINI_API_KEY=e2e-dummy" "GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:$port" \
    "GEMINI_CLI_NO_RELAUNCH=true" "GEMINI_TELEMETRY_ENABLED=false"
}
client_setup_gemini() {
  local run=$1
  mkdir -p "$run/home/.gemini"
  json_merge "$run/home/.gemini/settings.json" '{
    "security": { "auth": { "selectedType": "gemini-api-key" } },
    "privacy": { "usageStatisticsEnabled": false },
    "telemetry": { "enabled": false },
    "general": { "disableAutoUpdate": true, "disableUpdateNag": true }
  }'
  # The user trusts the project (as the first interactive run asks): Gemini CLI ignores a
  # project's .gemini/settings.json, hooks included, in a folder it does not trust, and
  # `--skip-trust` does not make it load them.
  json_merge "$run/home/.gemini/trustedFolders.json" "{\"$run/project\": \"TRUST_FOLDER\"}"
}
client_cmd_gemini() { cmd=(gemini -p "$prompt" --yolo --output-format json -m gemini-2.5-flash); }
client_env_opencode() {
  printf '%s\n' "OPENCODE_DISABLE_MODELS_FETCH=1" "OPENCODE_DISABLE_AUTOUPDATE=1" "OPENCODE_DISABLE_SHARE=1" \
    "OPENCODE_DISABLE_LSP_DOWNLOAD=1" "OPENCODE_DISABLE_DEFAULT_PLUGINS=1"
}
client_setup_opencode() {
  local run=$1
  # the user's config (the project's stays as tkx leaves it); an OpenAI-compatible
  # provider speaks chat completions
  mkdir -p "$run/home/.config/opencode"
  json_merge "$run/home/.config/opencode/opencode.json" "$(cat <<EOF
{
  "autoupdate": false,
  "share": "disabled",
  "model": "e2e/e2e-model",
  "provider": {
    "e2e": {
      "npm": "@ai-sdk/openai-compatible",
      "name": "e2e stand-in",
      "options": { "baseURL": "http://127.0.0.1:$port/v1", "apiKey": "e2e-dummy" },
      "models": { "e2e-model": { "name": "e2e model", "tool_call": true } }
    }
  }
}
EOF
)"
}
client_cmd_opencode() { cmd=(opencode run --auto --format json -m e2e/e2e-model "$prompt"); }

# A hook that only records its payload (stdout empty, exit 0: every client reads that as
# "go on"), for the control run of a host tkx does not support yet: the payloads it
# records show the people adding the host what the client sends.
install_probe() {
  local client=$1 run=$2 p="$2/project"
  cat >"$run/bin/tkx-probe" <<EOF
#!/usr/bin/env bash
n="$run/hooks/\$(date +%s%N)-\$\$"
cat >"\$n.in"
printf 'probe %s\n' "\$*" >"\$n.args"
echo 0 >"\$n.rc"
EOF
  chmod +x "$run/bin/tkx-probe"
  local hook="{\"type\": \"command\", \"command\": \"$run/bin/tkx-probe\"}"
  case $client in
    claude) mkdir -p "$p/.claude"
      echo "{\"hooks\": {\"PreToolUse\": [{\"matcher\": \".*\", \"hooks\": [$hook]}]}}" >"$p/.claude/settings.local.json" ;;
    codex) mkdir -p "$p/.codex"
      echo "{\"hooks\": {\"PreToolUse\": [{\"matcher\": \".*\", \"hooks\": [$hook]}]}}" >"$p/.codex/hooks.json" ;;
    gemini) mkdir -p "$p/.gemini"
      echo "{\"hooks\": {\"BeforeTool\": [{\"matcher\": \".*\", \"hooks\": [$hook]}]}}" >"$p/.gemini/settings.json" ;;
    copilot) mkdir -p "$p/.github/hooks"
      echo "{\"version\": 1, \"hooks\": {\"preToolUse\": [{\"type\": \"command\", \"bash\": \"$run/bin/tkx-probe camel\"}], \"PreToolUse\": [{\"type\": \"command\", \"bash\": \"$run/bin/tkx-probe pascal\"}]}}" >"$p/.github/hooks/tkx-e2e-probe.json" ;;
    opencode) mkdir -p "$p/.opencode/plugin"
      cat >"$p/.opencode/plugin/tkx-e2e-probe.js" <<EOF
import fs from "node:fs";
let n = 0;
export const TkxE2eProbe = async () => ({
  "tool.execute.before": async (input, output) => {
    const f = "$run/hooks/" + Date.now() + "-" + process.pid + "-" + (n++);
    fs.writeFileSync(f + ".in", JSON.stringify({ input, output }));
    fs.writeFileSync(f + ".args", "probe plugin tool.execute.before\n");
    fs.writeFileSync(f + ".rc", "0\n");
  },
});
EOF
      ;;
  esac
}

# GitHub Copilot CLI with a BYOK provider (chat completions), offline: no GitHub login
client_env_copilot() {
  printf '%s\n' "COPILOT_OFFLINE=true" "COPILOT_PROVIDER_BASE_URL=http://127.0.0.1:$port/v1" \
    "COPILOT_PROVIDER_TYPE=openai" "COPILOT_PROVIDER_API_KEY=e2e-dummy" "COPILOT_MODEL=gpt-4.1" \
    "COPILOT_AUTO_UPDATE=false" "COPILOT_HOME=$1/home/.copilot" "COPILOT_ALLOW_ALL=true"
}
client_setup_copilot() { mkdir -p "$1/home/.copilot"; }
client_cmd_copilot() { cmd=(copilot -p "$prompt" --allow-all-tools --disable-client-telemetry); }

# run_once CLIENT MODE RUNDIR: one run of the client, guarded or control (CLIENT sandbox:
# Claude Code, guarded by `tkx agent run` instead of `tkx agent install`)
run_once() {
  local client=$1 mode=$2 run=$3 sandboxed=0 script=hooks
  local -a install_flags=()
  if [ "$client" = sandbox ]; then
    client=claude script=sandbox
    [ "$mode" != guarded ] || sandboxed=1
  elif [ "$client" = os-sandbox ]; then
    client=claude script=sandbox install_flags=(--os-sandbox)
  fi
  mkdir -p "$run/home" "$run/tmp" "$run/tkxdir" "$run/requests"
  chmod 700 "$run/tkxdir"
  make_wrapper "$run"
  make_project "$run/project"
  local -a envv
  mapfile -t envv < <(base_env "$run")
  # Login shells (Codex runs `bash -lc`) take PATH from /etc/profile; the user's profile
  # puts tkx back on it, as a cargo install's does.
  printf 'export %s\n' "$(printf '%s\n' "${envv[@]}" | grep '^PATH=')" | tee "$run/home/.profile" >"$run/home/.bash_profile"
  # the private store holds one more secret
  (cd "$run/project" && printf '%s\n' "$admin_key" | env -i "${envv[@]}" tkx set ANTHROPIC_ADMIN_KEY --private >"$run/set.log" 2>&1) \
    || { echo "tkx set --private failed: $(cat "$run/set.log")"; return 3; }
  if [ "$mode" = guarded ] && [ $sandboxed = 0 ]; then
    local rc=0
    (cd "$run/project" && env -i "${envv[@]}" tkx agent install --host "$client" "${install_flags[@]}" >"$run/install.log" 2>&1) || rc=$?
    if [ $rc -ne 0 ]; then
      if [ $rc -eq 2 ] && grep -qiE "invalid value|possible values" "$run/install.log"; then
        if [ "$client" = codex ] && [ "${TKX_E2E_CODEX_AS_CLAUDE:-}" = 1 ]; then
          # Codex speaks Claude Code's PreToolUse protocol (tool_name "Bash"): until
          # tkx knows Codex, see how the Claude checker does there.
          mkdir -p "$run/project/.codex"
          printf '%s\n' '{"hooks": {"PreToolUse": [{"matcher": ".*", "hooks": [{"type": "command", "command": "tkx agent check --host claude || exit 2"}]}]}}' \
            >"$run/project/.codex/hooks.json"
          echo "borrowed" >"$run/borrowed"
        else
          return 4
        fi
      fi
    fi
    if [ $rc -ne 0 ] && [ ! -e "$run/borrowed" ]; then
      echo "tkx agent install --host $client failed ($rc): $(head -c 400 "$run/install.log")"
      return 3
    fi
  fi
  [ "$mode" != control ] || [ "$probe" != 1 ] || install_probe "$client" "$run"
  # an env file made after the install: only the hook (not install's deny rules) knows it
  printf 'OPENAI_PAT=%s\n' "$openai_pat" >"$run/project/.env.later"
  port=$free_port
  [ "$netns" = 1 ] || port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  mapfile -t -O "${#envv[@]}" envv < <("client_env_$client" "$run")
  "client_setup_$client" "$run"
  local -a cmd
  "client_cmd_$client"
  # The sandbox alone: no hook, the client started by `tkx agent run`. NO_PROXY is kept:
  # tkx takes `127.0.0.1,localhost` (a list of fewer than four parts) for a random
  # value and removes it, and without it the client sends its loopback requests to the
  # dead proxy ("Unable to connect to API").
  [ $sandboxed = 0 ] || cmd=("$run/bin/tkx" agent run --keep NO_PROXY,no_proxy -- "${cmd[@]}")
  local -a runner=(env TKX_E2E_SCRIPT=$script "$e2e/run-client.sh")
  [ "$netns" != 1 ] || runner=(env TKX_E2E_SCRIPT=$script TKX_E2E_NETNS=1 unshare -n "$e2e/run-client.sh")
  "${runner[@]}" "$run" "$client" "$port" "$run_timeout" -- "${envv[@]}" -- "${cmd[@]}" 2>"$run/runner.err" \
    || { echo "running the client failed: $(head -c 400 "$run/runner.err")"; return 3; }
  return 0
}

client_setup_claude() { :; }

# --- main -----------------------------------------------------------------------------
declare -A row=()
failed=0
export PATH="$npm_prefix/node_modules/.bin:$PATH"
for c in "${clients[@]}"; do
  if [ -n "${skip[$c]:-}" ]; then row[$c]="skipped: ${skip[$c]}"; continue; fi
  version=$(HOME="$scratch/vhome" timeout 60 "${bin[$c]}" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1 || true)
  if [ -z "$version" ]; then row[$c]="skipped: \`${bin[$c]} --version\` does not run here"; continue; fi
  mc=$c script=hooks
  if [ "$c" = os-sandbox ]; then
    mc=claude script=sandbox
    for tool in bwrap socat; do
      command -v "$tool" >/dev/null 2>&1 || { row[$c]="$version | skipped: Claude Code's sandbox needs $tool (apt-get install bubblewrap socat)"; continue 2; }
    done
  elif [ "$c" = sandbox ]; then
    mc=claude script=sandbox
    # `tkx agent run` must start at all here (bwrap, a tkx that has it)
    mkdir -p "$scratch/probe/p" "$scratch/probe/tkxdir" && chmod 700 "$scratch/probe/tkxdir"
    if ! (cd "$scratch/probe/p" && env -i PATH="$PATH" HOME="$scratch/probe" TKX_DIR="$scratch/probe/tkxdir" \
      timeout 60 "$tkx_real" agent run -- true) >"$scratch/probe/out" 2>&1; then
      row[$c]="$version | skipped: \`tkx agent run -- true\` fails here: $(head -c 300 "$scratch/probe/out" | tr '\n' ' ')"
      continue
    fi
  fi
  say "$c $version"
  marker="E2E_APP_MARKER_$(rand 12)"
  openai_pat="sk-proj-$(rand 40)"
  db_password="pw$(rand 22)"
  stripe_key="sk_live_$(rand 32)"
  admin_key="sk-ant-admin01-$(rand 40)"
  dir="$scratch/$c"
  mkdir -p "$dir"
  printf 'OPENAI_PAT=%s\nDB_PASSWORD=%s\nSTRIPE_KEY=%s\nANTHROPIC_ADMIN_KEY=%s\n' \
    "$openai_pat" "$db_password" "$stripe_key" "$admin_key" >"$dir/secrets"
  t0=$SECONDS
  nosupport=0 probe=0
  rc=0; msg=$(run_once "$c" guarded "$dir/guarded") || rc=$?
  if [ $rc -eq 4 ]; then
    nosupport=1 probe=1
    say "$c: tkx agent install --host $c is a usage error: no tkx support yet; running the control alone, with a hook that records the payloads"
    mkdir -p "$dir/guarded/requests"
  elif [ $rc -ne 0 ]; then
    row[$c]="$version | ERROR guarded run: $msg"; failed=1; continue
  else
    say "$c: guarded run took $(cat "$dir/guarded/seconds")s (exit $(cat "$dir/guarded/client.rc")); control run"
    [ "$c" != sandbox ] || grep '^tkx: ' "$dir/guarded/client.err" | sed 's/^/    /' >&2 || true
    [ "$c" != os-sandbox ] || grep -i 'sandbox' "$dir/guarded/client.err" | head -5 | sed 's/^/    /' >&2 || true
  fi
  rc=0; msg=$(run_once "$c" control "$dir/control") || rc=$?
  if [ $rc -ne 0 ]; then row[$c]="$version | ERROR control run: $msg"; failed=1; continue; fi
  secs=$((SECONDS - t0))
  python3 "$e2e/analyze.py" --client "$mc" --script "$script" --guarded "$dir/guarded/requests" --control "$dir/control/requests" \
    --hooks "$dir/$([ $nosupport = 1 ] && echo control || echo guarded)/hooks" --secrets "$dir/secrets" --project "$dir/guarded/project" \
    --marker "$marker" --summary "$dir/summary.json" $([ $nosupport = 0 ] || echo --control-only) | tee "$dir/analysis.txt"
  if [ "$(ls "$dir/control/requests" | wc -l)" -eq 0 ]; then
    row[$c]="$version | skipped: the client made no request to the stand-in model ($(tail -c 300 "$dir/control/client.err" | tr '\n' ' '))"
    continue
  fi
  read -r lb lt ow ot cl bl fin < <(python3 -c 'import json,sys;s=json.load(open(sys.argv[1]));print(s["leak_blocked"],s["leak_total"],s["ok_working"],s["ok_total"],"yes" if s["control_leaked"] else "no",s["guarded_body_leaks"],int(s["finished"] and s["control_finished"]))' "$dir/summary.json")
  if [ $nosupport = 1 ]; then
    row[$c]="$version | no tkx support yet | - | $cl | $secs | not judged"
    continue
  fi
  row[$c]="$version | $lb/$lt | $ow/$ot | $cl | $secs"
  [ ! -e "$dir/guarded/borrowed" ] || row[$c]="$version (guarded by --host claude) | $lb/$lt | $ow/$ot | $cl | $secs"
  verdict=()
  { [ "$lb" = "$lt" ] && [ "$bl" = 0 ]; } || verdict+=("LEAK")
  [ "$cl" = yes ] || verdict+=("CONTROL DID NOT LEAK")
  [ "$fin" = 1 ] || verdict+=("DID NOT FINISH THE SCRIPT")
  [ ${#verdict[@]} -eq 0 ] || failed=1
  if [ "$ow" != "$ot" ]; then
    verdict+=("allowed calls broken")
    [ "${TKX_E2E_STRICT:-}" != 1 ] || failed=1
  fi
  [ ${#verdict[@]} -gt 0 ] || verdict=(ok)
  row[$c]+=" | $(IFS=,; echo "${verdict[*]}")"
done

echo
printf '%-11s| %s\n' client "version | leak calls blocked | allowed calls working | control leaked | seconds | result"
for c in "${clients[@]}"; do printf '%-11s| %s\n' "$c" "${row[$c]}"; done
exit "$failed"
