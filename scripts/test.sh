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

status=0
echo "==> swift test (tarsctl)"
swift build --build-tests "${scratch[@]}"
swift test --skip-build "${scratch[@]}" || status=1
echo "==> T.A.R.S. chart: oracle goldens, kubernetes-validate 1.29/1.33, checkov"
bash Tests/chart/run.sh || status=1
echo "==> swift test (server)"
bash server/scripts/test.sh || status=1
exit $status
