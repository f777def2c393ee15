# Sourced by test.sh, smoke.sh and bench.sh: starts a throwaway PostgreSQL 15 cluster and a
# redis-server on free loopback ports, exports POSTGRES_* and REDIS_* for them, and stops both
# (and removes their data) when the calling script exits.
set -euo pipefail

tars_need_packages() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> apt-get install ${missing[*]}" >&2
  local sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
}

tars_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

tars_start_services() {
  tars_need_packages postgresql redis-server python3
  local pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$pgbin/initdb" ] || { echo "error: no initdb under /usr/lib/postgresql/*/bin; install postgresql" >&2; return 1; }
  TARS_SERVICES_DIR=$(mktemp -d /tmp/tars-services.XXXXXX)
  chmod 755 "$TARS_SERVICES_DIR"
  trap tars_stop_services EXIT
  local as_pg=()
  if [ "$(id -u)" = 0 ]; then
    as_pg=(runuser -u postgres --)
    mkdir -p "$TARS_SERVICES_DIR/pg"; chown postgres: "$TARS_SERVICES_DIR/pg"
  fi
  TARS_AS_PG=("${as_pg[@]}")
  TARS_PGBIN=$pgbin
  local pg_port redis_port
  pg_port=$(tars_free_port); redis_port=$(tars_free_port)
  "${as_pg[@]}" "$pgbin/initdb" -D "$TARS_SERVICES_DIR/pg/data" -U tars --auth=trust -E UTF8 >/dev/null
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$TARS_SERVICES_DIR/pg/data" -l "$TARS_SERVICES_DIR/pg/log" -w \
    -o "-h 127.0.0.1 -p $pg_port -k $TARS_SERVICES_DIR/pg -c max_connections=300 -c fsync=off -c synchronous_commit=off" start >/dev/null
  "${as_pg[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$pg_port" -U tars tars
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --daemonize yes \
    --pidfile "$TARS_SERVICES_DIR/redis.pid" --logfile "$TARS_SERVICES_DIR/redis.log" --dir "$TARS_SERVICES_DIR"
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null || { echo "error: redis-server did not start; see $TARS_SERVICES_DIR/redis.log" >&2; return 1; }
  export POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=$pg_port POSTGRES_USER=tars POSTGRES_DB=tars POSTGRES_PASSWORD=""
  export REDIS_HOST=127.0.0.1 REDIS_PORT=$redis_port
  echo "==> PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port" >&2
}

tars_stop_services() {
  local status=$?
  [ -n "${TARS_SERVER_PID:-}" ] && kill "$TARS_SERVER_PID" 2>/dev/null && wait "$TARS_SERVER_PID" 2>/dev/null
  if [ -n "${TARS_SERVICES_DIR:-}" ] && [ -d "$TARS_SERVICES_DIR" ]; then
    [ -f "$TARS_SERVICES_DIR/redis.pid" ] && kill "$(cat "$TARS_SERVICES_DIR/redis.pid")" 2>/dev/null
    [ -d "$TARS_SERVICES_DIR/pg/data" ] && "${TARS_AS_PG[@]}" "$TARS_PGBIN/pg_ctl" -D "$TARS_SERVICES_DIR/pg/data" -m fast -w stop >/dev/null 2>&1
    rm -rf "$TARS_SERVICES_DIR"
  fi
  return $status
}
