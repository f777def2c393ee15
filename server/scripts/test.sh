#!/usr/bin/env bash
# Runs the server package's tests.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
swift test --package-path "$here"
