#!/usr/bin/env bash
# The main job: build tarsctl (release) and render the T.A.R.S. chart with the dev values.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/deps.sh build
swift build -c release --product tarsctl >&2
bin=$(swift build -c release --show-bin-path)/tarsctl
"$bin" template tars . -f Values/dev.yaml
