#!/usr/bin/env bash
# HTTP/2 against HTTP/1.1 for a `tarsctl install` of the T.A.R.S. chart (Values/dev.yaml, no
# wait, no hooks, as release-install.sh times it): two sandboxes side by side, one offering h2 (the default, as kube-apiserver) and one
# `--http1-only`, installs alternating between them. Prints the medians of wall time, client
# CPU and sandbox CPU per install, the TLS connections one install opens (strace, when present),
# `kubectl apply --server-side` of the same manifests (release-install.sh's reference, which
# speaks h2 too when offered), and the ratios. No target: it tells whether h2 pays off here.
# Usage: Benchmarks/sandbox-http2.sh [path/to/tarsctl] [runs, default 9]
set -euo pipefail
source "$(dirname "$0")/common.sh"
tarsctl=$(tarsctl_binary "${1:-}")
runs=${2:-9}
work=$(mktemp -d)
trap 'for s in h2 h1; do "$tarsctl" sandbox down --data-dir "$work/$s" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
export HOME="$work/home"
mkdir -p "$HOME"
declare -A port pid
cpu_ms() { awk -v t="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / t}' "/proc/$1/stat"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
install() {  # install SANDBOX NAMESPACE [wrapper...]
  local s=$1 ns=$2; shift 2
  KUBECONFIG="$work/$s.kubeconfig" timeout 120 "$@" "$tarsctl" install tars "$here" -f "$here/Values/dev.yaml" -n "$ns" --create-namespace --no-wait --no-hooks >/dev/null 2>&1
}

for s in h2 h1; do
  port[$s]=$((20000 + RANDOM % 20000))
  flags=(); [ "$s" = h1 ] && flags=(--http1-only)
  timeout 30 "$tarsctl" sandbox up --data-dir "$work/$s" --port "${port[$s]}" --kubeconfig "$work/$s.kubeconfig" --ready-delay-ms 100 "${flags[@]}" >/dev/null
  pid[$s]=$(cat "$work/$s/sandbox.pid" 2>/dev/null || ss -ltnpH "sport = :${port[$s]}" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
  install "$s" warm   # discovery cache, page cache
done
kubectl_apply() {  # kubectl_apply SANDBOX NAMESPACE: appends wall ms to $work/SANDBOX.kubectl
  local t0
  "$tarsctl" template tars "$here" -f "$here/Values/dev.yaml" -n "$2" --no-hooks > "$work/$2.yaml"
  printf '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s"}}' "$2" | KUBECONFIG="$work/$1.kubeconfig" timeout 60 kubectl apply --server-side -f - >/dev/null
  t0=$(date +%s%N)
  KUBECONFIG="$work/$1.kubeconfig" timeout 60 kubectl apply --server-side -f "$work/$2.yaml" >/dev/null
  echo $(( ($(date +%s%N) - t0) / 1000000 )) >> "$work/$1.kubectl"
}

one() {  # one SANDBOX RUN: appends "wall client server" to $work/SANDBOX
  local s=$1 before t0 wall
  before=$(cpu_ms "${pid[$s]}"); t0=$(date +%s%N)
  install "$s" "m$2" /usr/bin/time -f "%U %S" -o "$work/time"
  wall=$(( ($(date +%s%N) - t0) / 1000000 ))
  sleep 0.3   # the controllers' work for this install counts too
  echo "$wall $(awk '{printf "%d", ($1 + $2) * 1000}' "$work/time") $(( $(cpu_ms "${pid[$s]}") - before ))" >> "$work/$s.times"
  if command -v kubectl >/dev/null; then kubectl_apply "$s" "k$2"; else echo 0 >> "$work/$s.kubectl"; fi
}
for i in $(seq 1 "$runs"); do
  # Whichever goes second shares the CPU with the first one's controllers: take turns.
  if [ $((i % 2)) -eq 1 ]; then one h2 "$i"; one h1 "$i"; else one h1 "$i"; one h2 "$i"; fi
done

connections() {
  command -v strace >/dev/null || { echo "?"; return; }
  install "$1" conn strace -f -qq -e trace=connect -o "$work/$1.strace" || true
  grep -c "sin_port=htons(${port[$1]})" "$work/$1.strace" || true
}
echo "sandbox HTTP/2 vs HTTP/1.1: tarsctl install of T.A.R.S. (dev values, --no-wait --no-hooks), median of $runs runs, $(nproc) cores"
printf '%-10s %10s %12s %12s %12s %12s %16s\n' protocol "wall ms" "client CPU" "sandbox CPU" connections "kubectl ms" "install/kubectl"
for s in h2 h1; do
  for c in 1 2 3; do awk -v c=$c '{print $c}' "$work/$s.times" | median > "$work/$s.m$c"; done
  k=$(median < "$work/$s.kubectl")
  printf '%-10s %10s %12s %12s %12s %12s %16s\n' "$([ $s = h2 ] && echo h2 || echo http/1.1)" "$(cat "$work/$s.m1")" "$(cat "$work/$s.m2")" "$(cat "$work/$s.m3")" \
    "$(connections $s)" "$k" "$(awk -v a="$(cat "$work/$s.m1")" -v b="$k" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')"
done
for c in 1 2 3; do
  name=$(echo "wall client sandbox" | cut -d' ' -f$c)
  awk -v n="$name" -v a="$(cat "$work/h2.m$c")" -v b="$(cat "$work/h1.m$c")" 'BEGIN {printf "ratio h2 / http/1.1, %-8s %.2f\n", n, (b > 0 ? a / b : 0)}'
done
