#!/usr/bin/env bash
# The cost of references to secret managers (#17), cited by the README. Usage:
#   bash scripts/bench-refs.sh             (TKX_BIN=path skips the build; TOOLS=dir holds
#                                           bao, aws and moto_server, default target/ci-tools/path)
# Starts the real engines on loopback: an OpenBao dev server, a moto server (for the real
# `aws`), and a small stand-in of Google's Secret Manager API for the real `gcloud`. Then,
# with hyperfine:
# 1. one call of each vendor CLI alone (`bao kv get`, `aws secretsmanager get-secret-value`,
#    `gcloud secrets versions access`): the slowest is the floor for anything that needs it;
# 2. `tkx exec -- true` with ten references across the three backends (4 Vault fields on 2
#    paths, 2 Secrets Manager secrets and 1 SSM parameter, 3 Google secrets): target about
#    the time of the slowest single call; the same with `[refs] parallel = 1` shows what
#    one call at a time would cost. The CLIs are Python programs (aws, gcloud) that spend
#    their time starting up on the CPU, so on few cores the parallel run is bound by the
#    sum of their CPU time divided by the cores;
# 3. `tkx exec -- true` on a 50-key .env with no reference, the overhead references must
#    not change (compare with an older build: TKX_OLD_BIN=path).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/tkx-bin.sh"
tools=${TOOLS:-$root/target/ci-tools/path}
export PATH="$tools:$PATH"
for tool in hyperfine bao aws moto_server gcloud python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is required (bash .ci/run installs bao, aws and moto_server; apt-get install hyperfine)" >&2; exit 1; }
done

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf -- "$tmp"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 300); do curl -fs -o /dev/null "$1" 2>/dev/null && return 0; python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "bench: $1 never answered" >&2; exit 1; }

# OpenBao
bport=$(port)
HOME="$tmp" bao server -dev -dev-root-token-id=root -dev-listen-address="127.0.0.1:$bport" >"$tmp/bao.log" 2>&1 &
pids+=($!)
export BAO_ADDR="http://127.0.0.1:$bport" BAO_TOKEN=root VAULT_ADDR="http://127.0.0.1:$bport" VAULT_TOKEN=root
wait_for "$BAO_ADDR/v1/sys/health"
echo '{"openai":"sk-bench-1","anthropic":"sk-bench-2"}' | bao kv put -mount=secret app - >/dev/null
echo '{"db":"pw-bench-3","redis":"pw-bench-4"}' | bao kv put -mount=secret data - >/dev/null

# moto + aws
mport=$(port)
moto_server -H 127.0.0.1 -p "$mport" >"$tmp/moto.log" 2>&1 &
pids+=($!)
export AWS_ENDPOINT_URL="http://127.0.0.1:$mport" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
  AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
  AWS_EC2_METADATA_DISABLED=true AWS_PAGER=
wait_for "$AWS_ENDPOINT_URL/moto-api/"
aws secretsmanager create-secret --name s1 --secret-string sm-bench-5 >/dev/null
aws secretsmanager create-secret --name s2 --secret-string '{"k":"sm-bench-6"}' >/dev/null
aws ssm put-parameter --name /p/one --type SecureString --value ssm-bench-7 >/dev/null

# A stand-in of Secret Manager's `versions/V:access` for gcloud (values by secret name).
gport=$(port)
python3 - "$gport" >"$tmp/gcp.log" 2>&1 <<'PY' &
import base64, http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        name = self.path.split("/secrets/")[1].split("/")[0]
        body = json.dumps({"name": self.path, "payload": {"data": base64.b64encode(f"gcp-{name}".encode()).decode()}}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
pids+=($!)
mkdir -p "$tmp/gcloud"
echo False >"$tmp/gcloud/gce"
echo fake-token >"$tmp/token"
export CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER="http://127.0.0.1:$gport/" CLOUDSDK_CONFIG="$tmp/gcloud" \
  CLOUDSDK_AUTH_ACCESS_TOKEN_FILE="$tmp/token" CLOUDSDK_CORE_DISABLE_PROMPTS=1 CLOUDSDK_CORE_CHECK_GCE_METADATA=false \
  CLOUDSDK_METRICS_ENVIRONMENT=tkx-bench CLOUDSDK_CORE_DISABLE_USAGE_REPORTING=true \
  CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK=true
sleep 0.5

proj="$tmp/refs"
mkdir -p "$proj" "$tmp/tkxdir"
cat >"$proj/.env" <<'ENV'
OPENAI_PAT=vault://secret/app#openai
ANTHROPIC_PAT=vault://secret/app#anthropic
DB_PASSWORD=vault://secret/data#db
REDIS_PASSWORD=vault://secret/data#redis
S1=aws-sm://s1
S2=aws-sm://s2#k
P1=aws-ssm:///p/one
G1=gcp-sm://bench-proj/g1
G2=gcp-sm://bench-proj/g2
G3=gcp-sm://bench-proj/g3
PORT=8080
ENV
plain="$tmp/plain"
mkdir -p "$plain"
python3 - "$plain/.env" <<'PY'
import hashlib, sys
with open(sys.argv[1], "w") as f:
    for i in range(50):
        f.write(f"KEY_{i}_TOKEN=sk-proj-{hashlib.sha512(str(i).encode()).hexdigest()[:48]}\n" if i % 2 else f"SETTING_{i}=value-{i}\n")
PY
export TKX_DIR="$tmp/tkxdir"
"$bin" -C "$proj" exec -- sh -c 'test "$G3" = gcp-g3 && test "$P1" = ssm-bench-7 && test "$DB_PASSWORD" = pw-bench-3' \
  || { echo "bench: the references did not resolve" >&2; exit 1; }

echo "== 1. one call of each CLI alone"
hyperfine -N --warmup 1 --runs 5 \
  -n "bao kv get" "bao kv get -format=json -mount=secret app" \
  -n "aws secretsmanager get-secret-value" "aws secretsmanager get-secret-value --secret-id s1 --output json" \
  -n "gcloud secrets versions access" "gcloud secrets versions access latest --secret=g1 --project=bench-proj --format=json --quiet"
echo "== 2. tkx exec -- true with 10 references across 3 backends (and one CLI call at a time, for comparison)"
seq="$tmp/sequential"
mkdir -p "$seq"
cp "$proj/.env" "$seq/.env"
printf '[refs]\nparallel = 1\n' >"$seq/.tkx.toml"
hyperfine -N --warmup 1 --runs 5 -n "tkx exec (10 refs)" "$bin -C $proj exec -- true" \
  -n "tkx exec (10 refs, parallel = 1)" "$bin -C $seq exec -- true"
echo "== 3. tkx exec -- true, 50 keys, no reference"
if [[ -n "${TKX_OLD_BIN:-}" ]]; then
  hyperfine -N --warmup 5 --runs 100 -n "tkx exec (no refs)" "$bin -C $plain exec -- true" -n "older tkx" "$(realpath "$TKX_OLD_BIN") -C $plain exec -- true"
else
  hyperfine -N --warmup 5 --runs 100 -n "tkx exec (no refs)" "$bin -C $plain exec -- true"
fi
