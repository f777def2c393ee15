# Sourced by the benchmark scripts. `here` is the repository root; `tarsctl_binary ARG` prints
# the tarsctl to measure: ARG when given, else a release build of this checkout.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tarsctl_binary() {
  if [ -n "${1:-}" ]; then echo "$1"; return; fi
  (cd "$here" && timeout 3600 swift build -c release --static-swift-stdlib --product tarsctl >/dev/null)
  echo "$here/.build/release/tarsctl"
}
