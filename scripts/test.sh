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

echo "==> swift test (tarsctl)"
swift build --build-tests "${scratch[@]}"
swift test --skip-build "${scratch[@]}" 2>&1 | tee /tmp/tarsctl-test.log
echo "==> swift test (server)"
bash server/scripts/test.sh
