#!/usr/bin/env bash
# The main job: build tarsctl (release) and render the T.A.R.S. chart with the dev values.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/deps.sh build
# --static-swift-stdlib: the runtime and Foundation linked in halve process start (no dynamic
# symbol binding); every release build in this repo uses it, so they share one build directory.
swift build -c release --static-swift-stdlib --product tarsctl >&2
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)/tarsctl
"$bin" template tars . -f Values/dev.yaml
