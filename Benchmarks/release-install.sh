#!/usr/bin/env bash
# Release benchmark against one background sandbox (HTTPS on loopback), medians of N runs:
#   1. `tarsctl install` of the T.A.R.S. chart (Values/dev.yaml) without waiting, vs
#      `kubectl apply --server-side -f` of the same rendered manifests (hooks left out of both:
#      `install --no-wait --no-hooks`; the hooked install is printed for information);
#   2. a no-change `tarsctl upgrade` (diff against the live objects, no revision recorded).
# Targets (issue 8): install <= 0.5 x kubectl; no-change upgrade < 300 ms. Exit 1 when missed.
# Every run is a fresh namespace, each process is bounded by `timeout`.
# Usage: Benchmarks/release-install.sh [path/to/tarsctl] [runs, default 9]
set -euo pipefail
export LC_ALL=C
source "$(dirname "$0")/common.sh"
tarsctl=$(tarsctl_binary "${1:-}")
runs=${2:-9}
command -v kubectl >/dev/null || { echo "kubectl is needed for the reference (apt-get install kubectl, or see scripts/deps.sh)" >&2; exit 1; }

work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
trap '"$tarsctl" sandbox down --data-dir "$work/data" >/dev/null 2>&1; rm -rf "$work"' EXIT
timeout 30 "$tarsctl" sandbox up --data-dir "$work/data" --port "$port" --kubeconfig "$work/kubeconfig" --ready-delay-ms 100 >/dev/null
export KUBECONFIG="$work/kubeconfig"
export HOME="$work/home"   # kubectl's discovery cache stays inside the run
mkdir -p "$HOME"

# `kubectl create namespace` sends protobuf, which the sandbox does not take; apply JSON instead.
mkns() { printf '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s"}}' "$1" | timeout 60 kubectl apply --server-side -f - >/dev/null; }
# Times are read from bash's own clock ($EPOCHREALTIME, in microseconds): no process is started
# to read it (a `date` per reading used to add a fork and exec to every timed interval).
ms() { awk -v us="$1" 'BEGIN {printf "%.1f", us / 1000}'; }
list_ms() { local out=() v; for v in "$@"; do out+=("$(ms "$v")"); done; echo "${out[*]}"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

# Warm-up (kubectl's discovery cache, page cache of both binaries).
"$tarsctl" template tars "$here" -f "$here/Values/dev.yaml" -n warm --no-hooks > "$work/warm.yaml"
mkns warm
timeout 60 kubectl apply --server-side -f "$work/warm.yaml" >/dev/null
timeout 60 "$tarsctl" install warm "$here" -f "$here/Values/dev.yaml" -n warm2 --create-namespace --no-wait --no-hooks >/dev/null 2>&1

k_times=(); t_times=(); h_times=(); u_times=()
reference() {
  ns="k$1"
  "$tarsctl" template tars "$here" -f "$here/Values/dev.yaml" -n "$ns" --no-hooks > "$work/$ns.yaml"
  mkns "$ns"
  t0=${EPOCHREALTIME/[.,]/}; timeout 60 kubectl apply --server-side -f "$work/$ns.yaml" >/dev/null; t1=${EPOCHREALTIME/[.,]/}; k_times+=($(( t1 - t0 )))
}
subject() {
  ns="t$1"
  mkns "$ns"
  t0=${EPOCHREALTIME/[.,]/}; timeout 60 "$tarsctl" install tars "$here" -f "$here/Values/dev.yaml" -n "$ns" --no-wait --no-hooks >/dev/null 2>&1; t1=${EPOCHREALTIME/[.,]/}; t_times+=($(( t1 - t0 )))
}
for i in $(seq 1 "$runs"); do
  # The sandbox's controllers act on the Deployments each run creates for ~100 ms after it, so
  # whichever command runs second shares the CPU with them: the two take turns going first.
  if [ $((i % 2)) -eq 1 ]; then reference "$i"; subject "$i"; else subject "$i"; reference "$i"; fi
  ns="t$i"
  t0=${EPOCHREALTIME/[.,]/}; timeout 60 "$tarsctl" upgrade tars "$here" -f "$here/Values/dev.yaml" -n "$ns" > "$work/up.out" 2>&1; t1=${EPOCHREALTIME/[.,]/}; u_times+=($(( t1 - t0 )))
  grep -q "has no changes" "$work/up.out" || { echo "no-change upgrade recorded a change:"; cat "$work/up.out"; exit 1; }

  ns="h$i"
  t0=${EPOCHREALTIME/[.,]/}; timeout 60 "$tarsctl" install tars "$here" -f "$here/Values/dev.yaml" -n "$ns" --create-namespace --no-wait >/dev/null 2>&1; t1=${EPOCHREALTIME/[.,]/}; h_times+=($(( t1 - t0 )))
done

k=$(printf '%s\n' "${k_times[@]}" | median)
t=$(printf '%s\n' "${t_times[@]}" | median)
h=$(printf '%s\n' "${h_times[@]}" | median)
u=$(printf '%s\n' "${u_times[@]}" | median)
objects=$(grep -c '^kind:' "$work/k1.yaml")
ratio=$(awk -v a="$t" -v b="$k" 'BEGIN {printf "%.2f", a / b}')
status=0
echo "release benchmark: T.A.R.S. chart (dev values, $objects objects), median of $runs runs, $(nproc) cores, sandbox ready delay 100 ms"
printf '%-52s %6s ms  (%s)\n' "kubectl apply --server-side -f (rendered manifests)" "$(ms "$k")" "$(list_ms "${k_times[@]}")"
printf '%-52s %6s ms  (%s)\n' "tarsctl install --no-wait --no-hooks" "$(ms "$t")" "$(list_ms "${t_times[@]}")"
printf '%-52s %6s ms  (%s)\n' "tarsctl install --no-wait (post-install hook Job)" "$(ms "$h")" "$(list_ms "${h_times[@]}")"
verdict=ok; awk -v r="$ratio" 'BEGIN {exit !(r <= 0.5)}' || { verdict=MISSED; status=1; }
printf '%-52s %6s     target <= 0.50 (%s)\n' "ratio install / kubectl" "$ratio" "$verdict"
verdict=ok; [ "$u" -lt 300000 ] || { verdict=MISSED; status=1; }
printf '%-52s %6s ms  target < 300 ms (%s)  (%s)\n' "tarsctl upgrade, no change" "$(ms "$u")" "$verdict" "$(list_ms "${u_times[@]}")"
exit $status
