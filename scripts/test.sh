#!/usr/bin/env bash
# Runs every test of both packages (tarsctl and server/) on a fresh machine: installs what the
# tests need, builds, tests. Exit status is non-zero when any test fails.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/deps.sh test
export GOTPL="${GOTPL:-${XDG_CACHE_HOME:-$HOME/.cache}/tarsctl/gotpl}"

scratch=()
[ -n "${TARSCTL_SCRATCH:-}" ] && scratch=(--scratch-path "$TARSCTL_SCRATCH/main")

# Each part's output is kept so that a failure is summed up at the very end, where a CI log
# shown from its tail still carries it.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed=()
part() {  # part NAME COMMAND...: runs one part, its output to the terminal and to $logs/NAME
  local name=$1; shift
  "$@" 2>&1 | tee "$logs/$name" || failed+=("$name")
}

echo "==> swift test (tarsctl)"
swift build --build-tests "${scratch[@]}"
part tarsctl swift test --skip-build "${scratch[@]}"
echo "==> T.A.R.S. chart: oracle goldens, kubernetes-validate 1.29/1.33, checkov"
part chart bash Tests/chart/run.sh
echo "==> swift test (server)"
part server bash server/scripts/test.sh

[ ${#failed[@]} -eq 0 ] && { echo "==> all tests passed"; exit 0; }
echo "==> FAILED: ${failed[*]}"
for name in "${failed[@]}"; do
  echo "--- $name: failing tests (or the end of its output)"
  if grep -qE '✘|^FAIL ' "$logs/$name"; then
    grep -E '✘|^FAIL ' "$logs/$name" | cut -c1-400 | head -60
  else
    tail -n 30 "$logs/$name"
  fi
done
exit 1
