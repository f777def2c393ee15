#!/usr/bin/env bash
# Measures `tarsctl sandbox`: start-up time of `sandbox up`, GET and server-side-apply throughput
# over HTTPS on loopback with wrk (Debian package `wrk`). Release build; every run is bounded.
# Targets: up < 2 s, GET >= 2000 req/s, SSA >= 500 req/s. Exit 1 when a target is missed.
# Usage: Benchmarks/sandbox.sh [path/to/tarsctl] [seconds per run, default 10]
set -euo pipefail
source "$(dirname "$0")/common.sh"
tarsctl=$(tarsctl_binary "${1:-}")
duration=${2:-10}
command -v wrk >/dev/null || sudo -n apt-get install -y wrk >/dev/null 2>&1 || apt-get install -y wrk >/dev/null

work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
trap '"$tarsctl" sandbox down --data-dir "$work/data" >/dev/null 2>&1; rm -rf "$work"' EXIT

t0=$(date +%s%N)
timeout 30 "$tarsctl" sandbox up --data-dir "$work/data" --port "$port" --kubeconfig "$work/kubeconfig" >/dev/null
up_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
token=$(cat "$work/data/token")
url="https://127.0.0.1:$port"
auth="Authorization: Bearer $token"

# Seed one object for the GET run.
curl -sk -H "$auth" -H 'Content-Type: application/apply-patch+yaml' -X PATCH \
  "$url/api/v1/namespaces/default/configmaps/seed?fieldManager=bench" \
  -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"seed"},"data":{"a":"1"}}' >/dev/null

run() { # name, wrk args…
  local out
  out=$(timeout $((duration + 30)) wrk -t2 -c16 -d"${duration}s" -H "$auth" "$@")
  local rps non2xx
  rps=$(echo "$out" | awk '/Requests\/sec/ {print int($2)}')
  non2xx=$(echo "$out" | awk -F= '/^non2xx=/ {print $2}')
  echo "$rps ${non2xx:-0}"
}
read -r get_rps get_err < <(run -s "$here/Benchmarks/sandbox-get.lua" "$url/api/v1/namespaces/default/configmaps/seed")
read -r ssa_rps ssa_err < <(run -s "$here/Benchmarks/sandbox-apply.lua" "$url")

status=0
check() { # label value target unit better(lt|ge)
  local verdict=ok
  if [ "$5" = lt ]; then [ "$2" -lt "$3" ] || verdict=MISSED; else [ "$2" -ge "$3" ] || verdict=MISSED; fi
  [ $verdict = ok ] || status=1
  printf '%-28s %8s %-6s target %s%s  (%s)\n' "$1" "$2" "$4" "$([ "$5" = lt ] && echo '<' || echo '>=')" "$3" "$verdict"
}
echo "sandbox benchmark, ${duration}s per run, wrk -t2 -c16, $(nproc) cores"
check "sandbox up" "$up_ms" 2000 ms lt
check "GET configmap" "$get_rps" 2000 req/s ge
check "server-side apply" "$ssa_rps" 500 req/s ge
echo "non-2xx answers: GET $get_err, SSA $ssa_err"
[ "$get_err" = 0 ] && [ "$ssa_err" = 0 ] || status=1
exit $status
