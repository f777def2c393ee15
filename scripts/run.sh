#!/usr/bin/env bash
# The main job: build tarsctl (release), start the local sandbox cluster, install (or upgrade) the
# T.A.R.S. chart with Values/dev.yaml into namespace `tars`, wait until it is ready, print its status.
# Re-running it upgrades in place (no new revision when nothing changed).
# The sandbox keeps its state and kubeconfig in $TARSCTL_RUN_DIR (default ~/.local/state/tarsctl/run);
# your own kubeconfig is not touched. Stop it with: tarsctl sandbox down --data-dir "$TARSCTL_RUN_DIR/sandbox"
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/deps.sh build
# --static-swift-stdlib: the runtime and Foundation linked in halve process start (no dynamic
# symbol binding); every release build in this repo uses it, so they share one build directory.
swift build -c release --static-swift-stdlib --product tarsctl >&2
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)/tarsctl

run_dir=${TARSCTL_RUN_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/tarsctl/run}
mkdir -p "$run_dir"
kubeconfig="$run_dir/kubeconfig"
"$bin" sandbox up --data-dir "$run_dir/sandbox" --port "${TARSCTL_SANDBOX_PORT:-16443}" --kubeconfig "$kubeconfig" --ready-delay-ms 200 >&2
"$bin" upgrade --install tars . -f Values/dev.yaml -n tars --create-namespace --wait --timeout 5m --kubeconfig "$kubeconfig" >&2
"$bin" status tars -n tars --kubeconfig "$kubeconfig"
echo >&2
echo "kubeconfig: $kubeconfig (export KUBECONFIG=$kubeconfig to use kubectl or tarsctl against the sandbox)" >&2
echo "stop the sandbox: $bin sandbox down --data-dir $run_dir/sandbox" >&2
