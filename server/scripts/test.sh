#!/usr/bin/env bash
# Runs the server package's tests against a real PostgreSQL and Redis started here on loopback,
# then the smoke test against a locally started server. Exits non-zero on any failure.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/services.sh"
tars_start_services
swift build --package-path "$here" --build-tests
swift test --package-path "$here" --skip-build
TARS_REUSE_SERVICES=1 bash "$here/scripts/smoke.sh"
