#!/usr/bin/env bash
# Installs what building and testing tarsctl needs on a fresh Debian machine, and nothing twice.
#   scripts/deps.sh build   Swift toolchain check only (the main job)
#   scripts/deps.sh test    + Go/Sprig oracle, PostgreSQL, Redis, Python validators
set -euo pipefail
mode=${1:-test}
here=$(cd "$(dirname "$0")/.." && pwd)

command -v swift >/dev/null || { echo "error: swift is not on PATH; install Swift 6.x first" >&2; exit 1; }
[ "$mode" = build ] && exit 0

apt_packages=(golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev
  golang-gopkg-yaml.v2-dev golang-github-burntsushi-toml-dev postgresql redis-server openssl curl)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
# kubectl (release Secret and conformance tests), from Debian only when none is on PATH.
command -v kubectl >/dev/null || missing+=(kubernetes-client)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Python tools the tests compare against (schema validation, security checks, YAML lint), at
# the versions the tests were checked with: a newer checkov can add checks the chart fails.
py_missing=()
python3 -c 'import kubernetes_validate' 2>/dev/null || py_missing+=(kubernetes-validate==1.37.0)
command -v yamllint >/dev/null || py_missing+=(yamllint==1.38.0)
command -v checkov >/dev/null || py_missing+=(checkov==3.3.30)
python3 -c 'import yaml, jsonschema' 2>/dev/null || py_missing+=(pyyaml jsonschema)
if [ ${#py_missing[@]} -gt 0 ]; then
  echo "==> pip install ${py_missing[*]}"
  python3 -m pip install -q "${py_missing[@]}"
fi

# The differential oracle (Go text/template + Sprig) lives in ../shared; build it outside the repo.
oracle_src="$here/../shared/oracle"
oracle_bin="${GOTPL:-${XDG_CACHE_HOME:-$HOME/.cache}/tarsctl/gotpl}"
if [ -d "$oracle_src" ]; then
  if [ ! -x "$oracle_bin" ] || [ "$oracle_src/main.go" -nt "$oracle_bin" ]; then
    mkdir -p "$(dirname "$oracle_bin")"
    (cd "$here/../shared" && sh oracle/build.sh "$oracle_bin")
  fi
else
  echo "warning: ../shared/oracle not found; differential template tests will fail" >&2
fi
