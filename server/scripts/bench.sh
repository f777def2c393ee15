#!/usr/bin/env bash
# Load test on loopback with wrk, bounded in time (about 2 minutes plus indexing), release build.
#   1. GET /health, 4 connections, 10 s           target: >= 20,000 req/s
#   2. cached POST /rag/query, 12 connections each pausing 10 ms (~1,000 req/s), 20 s
#                                                  target: p99 < 10 ms
#   3. uncached POST /rag/query over 10,000 documents (cache disabled, varied queries), 20 s
#                                                  target: p95 < 50 ms
# The rate limit is raised for the bench client (RATE_LIMIT_PER_MINUTE); nothing else changes.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/services.sh"
tars_need_packages wrk curl
tars_start_services

swift build --package-path "$here" -c release --product tars-server
bin="$(swift build --package-path "$here" -c release --show-bin-path)/tars-server"
work=$(mktemp -d /tmp/tars-bench.XXXXXX)
export JWT_SECRET_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export HOST=127.0.0.1 LOG_LEVEL=error RATE_LIMIT_PER_MINUTE=10000000 METRICS_PORT=0
"$bin" migrate

start_server() { # $1 = port, rest = extra env
  local port=$1; shift
  env PORT="$port" "$@" "$bin" serve >"$work/server-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "error: server on $port did not start; see $work/server-$port.log" >&2; return 1
}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; tars_stop_services; }
trap cleanup EXIT
cached_port=$(tars_free_port); uncached_port=$(tars_free_port)
start_server "$cached_port" CACHE_ENABLED=true ANALYTICS_ENABLED=true
start_server "$uncached_port" CACHE_ENABLED=false ANALYTICS_ENABLED=false

token=$(curl -fsS -X POST "http://127.0.0.1:$cached_port/auth/authenticate" -H 'Content-Type: application/json' \
  -d '{"client_id":"bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

echo "==> indexing 10,000 documents" >&2
python3 - "$cached_port" "$token" "$work/words.txt" <<'PY'
import json, random, sys, time, urllib.request
port, token = sys.argv[1], sys.argv[2]
rng = random.Random(7)
syll = ["ka", "ri", "to", "men", "sol", "dar", "vex", "lin", "qua", "por", "eth", "zun", "bri", "mol", "tes", "nav"]
words = sorted({"".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(5000)})
start = time.time()
for batch in range(10):
    docs = []
    for i in range(1000):
        n = batch * 1000 + i
        text = " ".join(rng.choice(words) for _ in range(rng.randint(40, 120))) + "."
        docs.append({"id": f"doc-{n}", "title": f"Document {n}", "content": text})
    req = urllib.request.Request(f"http://127.0.0.1:{port}/documents", data=json.dumps({"documents": docs}).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"}, method="POST")
    urllib.request.urlopen(req, timeout=120).read()
print(f"indexed 10000 documents in {time.time() - start:.1f} s", file=sys.stderr)
with open(sys.argv[3], "w") as f: f.write("\n".join(words[:2000]))
PY

cat > "$work/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d errors=%d rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
LUA
cat > "$work/cached.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
wrk.body = '{"query": "$(sed -n 1p "$work/words.txt") $(sed -n 2p "$work/words.txt")", "top_k": 5}'
function delay() return 10 end
$(cat "$work/report.lua")
LUA
{
  echo 'local words = {}'
  sed 's/.*/words[#words+1] = "&"/' "$work/words.txt"
  cat <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
math.randomseed(os.time())
request = function()
  local q = words[math.random(#words)] .. " " .. words[math.random(#words)] .. " " .. words[math.random(#words)]
  return wrk.format(nil, "/rag/query", nil, '{"query": "' .. q .. '", "top_k": 5}')
end
LUA
  cat "$work/report.lua"
} > "$work/uncached.lua"

run() { # name, target description, wrk args...
  local name=$1 target=$2; shift 2
  local line
  line=$(wrk "$@" | grep '^RESULT') || { echo "error: wrk failed for $name" >&2; return 1; }
  printf '%-34s %s   (target: %s)\n' "$name" "${line#RESULT }" "$target"
}
echo "==> wrk (2 cores shared with the server; numbers are for this machine at this moment)" >&2
curl -fsS -o /dev/null -X POST "http://127.0.0.1:$cached_port/rag/query" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d "{\"query\": \"$(sed -n 1p "$work/words.txt") $(sed -n 2p "$work/words.txt")\", \"top_k\": 5}"
run "GET /health" "rps >= 20000" -t 2 -c 4 -d 10s -s "$work/report.lua" "http://127.0.0.1:$cached_port/health"
run "cached /rag/query @~1000 req/s" "p99 < 10 ms" -t 2 -c 12 -d 20s -s "$work/cached.lua" "http://127.0.0.1:$cached_port/rag/query"
run "uncached /rag/query, 10k docs" "p95 < 50 ms" -t 2 -c 4 -d 20s -s "$work/uncached.lua" "http://127.0.0.1:$uncached_port/rag/query"
curl -fsS "http://127.0.0.1:$cached_port/metrics/prometheus" | grep -E '^tars_(cache_hits|cache_misses|documents_indexed)_total' >&2
