#!/usr/bin/env bash
# Server-side apply of 1,000 ConfigMaps through KubeClient against an in-process sandbox (HTTPS,
# token auth, 16 requests in flight over HTTP/1.1 keep-alive), and `kubectl apply --server-side`
# of the same objects against the same sandbox as the reference, in one run.
# Target: client < 5 s. Exit 1 when missed. Debug build (the test build), bounded to 10 minutes.
# Usage: Benchmarks/kube-apply.sh [--skip-build]   env: KUBE_APPLY_COUNT, KUBE_APPLY_CONCURRENCY,
#        KUBE_APPLY_QPS (0 = client-side rate limiter off, the default here)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
if [ "${1:-}" != "--skip-build" ]; then timeout 3600 swift build --build-tests >/dev/null; fi
out=$(KUBE_APPLY_BENCH=1 timeout 600 swift test --skip-build --filter ApplyBenchmark 2>&1) || { echo "$out" | tail -30; exit 1; }
echo "$out" | grep '^BENCH' | sed 's/^BENCH //'
secs=$(echo "$out" | sed -n 's/^BENCH client: [0-9]* ConfigMaps applied in \([0-9.]*\) s.*/\1/p')
[ -n "$secs" ] || { echo "no figure found"; exit 1; }
if awk -v s="$secs" 'BEGIN { exit !(s < 5) }'; then echo "target < 5 s: ok"; else echo "target < 5 s: MISSED"; exit 1; fi
