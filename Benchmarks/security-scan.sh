#!/usr/bin/env bash
# Measures the security scanner (kubesec scoring + kube-linter checks) on 10,000 objects built from
# Tests/ValidationTests/SecurityFixtures. Debug test build (the scanner is reached through
# @testable helpers); a release build is faster still. The issue's target is 10,000 objects
# schema-checked and scored in under 2 s in total, so the scan alone should stay far below that.
# Usage: Benchmarks/security-scan.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
timeout 3600 swift build --build-tests >/dev/null
TARSCTL_BENCH=1 timeout 600 swift test --skip-build --filter SecurityBenchmarkTests 2>&1 | grep -E "security scan:|passed|failed"
