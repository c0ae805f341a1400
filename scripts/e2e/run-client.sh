#!/usr/bin/env bash
# run-client.sh RUN CLIENT PORT SECONDS -- ENV... -- COMMAND...
#
# One client run for agents-e2e.sh: starts the model stand-in (model.py) on
# 127.0.0.1:PORT, runs COMMAND in RUN/project with exactly ENV (env -i) under `timeout`,
# then stops the stand-in. TKX_E2E_SCRIPT picks the stand-in's script (model.py
# --script: hooks, or sandbox). agents-e2e.sh starts it under `unshare -n` where it can, so
# the client has a network namespace of its own with nothing but loopback.
# Writes RUN/client.out, client.err, client.rc, seconds, model.log, requests/.
set -euo pipefail

run=$1 client=$2 port=$3 limit=$4
shift 4
[ "${1:-}" = -- ] || { echo "run-client.sh: usage: RUN CLIENT PORT SECONDS -- ENV... -- COMMAND..." >&2; exit 2; }
shift
envv=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do envv+=("$1"); shift; done
[ $# -gt 1 ] || { echo "run-client.sh: no command" >&2; exit 2; }
shift

# In a new network namespace loopback starts down.
if [ "${TKX_E2E_NETNS:-}" = 1 ]; then ip link set lo up; fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rm -f "$run/port"
python3 "$here/model.py" serve --client "$client" --project "$run/project" --out "$run/requests" \
  --port "$port" --port-file "$run/port" --script "${TKX_E2E_SCRIPT:-hooks}" 2>"$run/model.log" &
model=$!
echo "$model" >"$run/model.pid"
trap 'kill "$model" 2>/dev/null || true; wait "$model" 2>/dev/null || true; rm -f "$run/model.pid"' EXIT
for _ in $(seq 100); do [ -s "$run/port" ] && break; sleep 0.1; done
[ -s "$run/port" ] || { echo "the model stand-in did not start: $(cat "$run/model.log")" >&2; exit 3; }

cd "$run/project"
start=$SECONDS rc=0
timeout -k 10 "$limit" env -i "${envv[@]}" "$@" </dev/null >"$run/client.out" 2>"$run/client.err" || rc=$?
echo $((SECONDS - start)) >"$run/seconds"
echo "$rc" >"$run/client.rc"
