#!/usr/bin/env bash
# Validation flow against a locally started tars-server: health, readiness, authentication,
# indexing, a RAG query answered from the indexed documents, and Prometheus metrics.
# Starts its own PostgreSQL and Redis unless TARS_REUSE_SERVICES=1 (test.sh already did).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/services.sh"
if [ "${TARS_REUSE_SERVICES:-}" = 1 ]; then
  : "${POSTGRES_PORT:?TARS_REUSE_SERVICES=1 needs POSTGRES_* and REDIS_* exported}"
  trap tars_stop_services EXIT
else
  tars_start_services
fi
tars_need_packages curl

swift build --package-path "$here" --product tars-server
bin="$(swift build --package-path "$here" --show-bin-path)/tars-server"
port=$(tars_free_port)
metrics_port=$(tars_free_port)
export JWT_SECRET_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export HOST=127.0.0.1 PORT=$port METRICS_PORT=$metrics_port LOG_LEVEL=warning
export POSTGRES_DB=tars_smoke_$$
psql_url="postgresql://$POSTGRES_USER@$POSTGRES_HOST:$POSTGRES_PORT/postgres"
psql -q "$psql_url" -c "CREATE DATABASE $POSTGRES_DB" >/dev/null

fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
step() { echo "smoke: $*" >&2; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }

step "migrate (twice; the second run must apply nothing)"
LOG_LEVEL=info "$bin" migrate >/dev/null || fail "migrate failed"
second=$(LOG_LEVEL=info "$bin" migrate 2>&1) || fail "second migrate failed"
grep -q '"applied":"\[\]"' <<<"$second" || fail "second migrate applied something: $second"

"$bin" serve > "${TMPDIR:-/tmp}/tars-smoke-$$.log" 2>&1 &
TARS_SERVER_PID=$!
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fsS "$base/health" >/dev/null 2>&1 && break; sleep 0.1; done

step "GET /health"
[ "$(curl -fsS "$base/health" | json 'd["status"]')" = ok ] || fail "/health"
step "GET /ready"
ready=$(curl -fsS "$base/ready") || fail "/ready did not answer 200"
[ "$(echo "$ready" | json 'd["status"]')" = ready ] || fail "/ready: $ready"
step "POST /auth/authenticate"
token=$(curl -fsS -X POST "$base/auth/authenticate" -H 'Content-Type: application/json' -d '{"client_id":"smoke"}' | json 'd["access_token"]') || fail "authenticate"
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
step "POST /documents"
curl -fsS -X POST "$base/documents" "${auth[@]}" -d '{"documents":[
  {"id":"tars","title":"TARS","content":"TARS is a retrieval service. It answers questions from indexed documents and caches answers in Redis for one hour."},
  {"id":"helm","title":"Helm","content":"Helm charts describe Kubernetes applications. A migration hook runs before the upgrade."}]}' >/dev/null || fail "indexing"
step "POST /rag/query"
answer=$(curl -fsS -X POST "$base/rag/query" "${auth[@]}" -d '{"query":"How long are answers cached?","top_k":3}') || fail "rag query"
[ "$(echo "$answer" | json 'd["sources"][0]["document_id"]')" = tars ] || fail "best source is not 'tars': $answer"
[[ "$(echo "$answer" | json 'd["answer"]')" == *"one hour"* ]] || fail "answer does not come from the documents: $answer"
cached=$(curl -fsS -X POST "$base/rag/query" "${auth[@]}" -d '{"query":"How long are answers cached?","top_k":3}' | json 'd["cached"]')
[ "$cached" = True ] || fail "second identical query was not cached"
step "GET /metrics/prometheus (API port and METRICS_PORT)"
metrics=$(curl -fsS "$base/metrics/prometheus") || fail "metrics on the API port"
grep -q '^tars_rag_queries_total 2' <<<"$metrics" || fail "tars_rag_queries_total is not 2 on the API port"
metrics=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics/prometheus") || fail "metrics on METRICS_PORT"
grep -q '^tars_http_requests_total{' <<<"$metrics" || fail "tars_http_requests_total missing on METRICS_PORT"
step "security headers and 401 without a token"
headers=$(curl -sS -o /dev/null -D - -X POST "$base/rag/query" -H 'Content-Type: application/json' -d '{"query":"x"}')
[[ "$(head -1 <<<"$headers")" == *" 401"* ]] || fail "query without token was not 401"
grep -qi '^x-frame-options: DENY' <<<"$headers" || fail "X-Frame-Options missing"
echo "smoke: OK" >&2
