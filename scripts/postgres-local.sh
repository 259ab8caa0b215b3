#!/usr/bin/env bash
# A throw-away PostgreSQL server on a free loopback port, for herald's
# integration tests of the PostgreSQL store (Debian's postgresql package).
#
#   scripts/postgres-local.sh start [DIR]   initdb, start, wait until it answers;
#                                           prints the connection URI, also in DIR/uri
#   scripts/postgres-local.sh stop  [DIR]   stop it (fast shutdown) and remove its data
#
# DIR defaults to $HERALD_POSTGRES_DIR, else build/postgres. PostgreSQL refuses
# to run as root, so under root the server runs as the unprivileged `nobody`,
# with its data in a fresh directory under /tmp that `nobody` can reach.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cmd=${1:-}
dir=${2:-${HERALD_POSTGRES_DIR:-$here/build/postgres}}

die() { echo "postgres-local: $*" >&2; exit 1; }

bin=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && bin=$candidate
done
[ -n "$bin" ] || die "PostgreSQL server binaries not found: install the postgresql package"

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

data_dir() { cat "$dir/datadir" 2>/dev/null || true; }

start() {
  stop_server 2>/dev/null || true
  rm -rf "$dir"
  mkdir -p "$dir"
  local data
  data=$(mktemp -d /tmp/herald-postgres.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown nobody "$data"
  echo "$data" >"$dir/datadir"
  as_owner "$bin/initdb" -D "$data/data" -U herald -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    port_free "$port" && break
  done
  as_owner "$bin/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $data -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start \
    >/dev/null || { cat "$data/server.log" >&2; die "the server did not start"; }
  local uri="postgresql://herald@127.0.0.1:$port/postgres"
  echo "$uri" >"$dir/uri"
  echo "$uri"
}

stop_server() {
  local data
  data=$(data_dir)
  [ -n "$data" ] && [ -d "$data/data" ] || return 0
  as_owner "$bin/pg_ctl" -D "$data/data" -m fast -w -t 60 stop >/dev/null
}

case "$cmd" in
  start) start ;;
  stop) stop_server || true; data=$(data_dir); [ -n "$data" ] && rm -rf "$data"; rm -rf "$dir" ;;
  *) die "usage: $0 start|stop [DIR]" ;;
esac
