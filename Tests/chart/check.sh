#!/usr/bin/env bash
# Checks one rendered manifest: Kubernetes schemas (1.29 and 1.33, strict) with
# kubernetes-validate, the security checks we gate on with checkov, and the chart's own
# promises (configuration contract, limits, probes, pinned images) with manifest_check.py.
# Usage: check.sh RENDERED.yaml   (exit 0 = clean, 1 = a problem, 2 = usage)
# CHECK_SUMMARY=FILE appends checkov's per-check pass/fail counts (JSON lines) to FILE.
set -euo pipefail
[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: check.sh RENDERED.yaml" >&2; exit 2; }
manifest=$1
here=$(cd "$(dirname "$0")" && pwd)

need() {  # need COMMAND PYPI-PACKAGE
  command -v "$1" >/dev/null 2>&1 || python3 -m pip install --quiet "$2" >&2
}
need kubernetes-validate kubernetes-validate
need checkov checkov

status=0
for version in 1.29.0 1.33.0; do
  out=$(kubernetes-validate --strict --quiet -k "$version" "$manifest" 2>&1) || status=1
  # Only cert-manager's CRDs may lack a schema; any other unknown kind is a problem.
  unknown=$(printf '%s\n' "$out" | grep "Couldn't find schema" | grep -v "api version cert-manager.io/v1 " || true)
  errors=$(printf '%s\n' "$out" | grep -v "Couldn't find schema" | grep -v '^$' || true)
  if [ -n "$unknown" ] || [ -n "$errors" ]; then
    printf 'kubernetes-validate %s: %s\n%s\n' "$version" "$manifest" "$errors$unknown" >&2
    status=1
  fi
done

python3 "$here/manifest_check.py" "$manifest" || status=1

report=$(mktemp)
trap 'rm -f "$report"' EXIT
# checkov exits 1 when any check fails; the gate below decides which failures count.
checkov --compact --skip-download --framework kubernetes -o json -f "$manifest" \
  >"$report" 2>/dev/null || true
python3 "$here/checkov_gate.py" "$report" "$manifest" || status=1
exit $status
