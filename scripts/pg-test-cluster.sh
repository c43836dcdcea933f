#!/usr/bin/env bash
# A throwaway PostgreSQL for the sync tests on the PostgreSQL backend.
#   pg-test-cluster.sh start DIR   initdb in DIR/data, start it on 127.0.0.1 and a free
#                                  port, write the libpq conninfo to DIR/conninfo
#   pg-test-cluster.sh stop DIR    stop it and remove DIR
# When YKIEN_TEST_PG_CONNINFO is set, that server is used instead and nothing starts.
# When the PostgreSQL binaries are missing, DIR/skip says why (the tests then skip).
# With YKIEN_PG_PROFILE=1 the cluster also records what its statements cost: the view
# pg_stat_statements (database postgres) and auto_explain, off until
# auto_explain.log_min_duration is set (docs/benchmarks.md, "Profiling PostgreSQL").
# The cluster trades durability for speed (fsync, synchronous_commit and
# full_page_writes off): the tests do not cut its power. With YKIEN_PG_DURABLE=1 it
# keeps PostgreSQL's defaults, as a province's server runs, for benchmarks whose
# PostgreSQL figures should count the flushes (docs/benchmarks.md, "serve").
# As root, the cluster runs as user postgres (initdb refuses root).
set -euo pipefail

action=${1:?usage: pg-test-cluster.sh start|stop DIR}
dir=${2:?usage: pg-test-cluster.sh start|stop DIR}

run_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

case "$action" in
start)
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ -n "${YKIEN_TEST_PG_CONNINFO:-}" ]; then
    echo "$YKIEN_TEST_PG_CONNINFO" >"$dir/conninfo"
    exit 0
  fi
  bin=$(bindir || true)
  if [ -z "$bin" ]; then
    echo "PostgreSQL binaries not found (install Debian 'postgresql': scripts/install-deps.sh)" >"$dir/skip"
    exit 0
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "no 'postgres' user to run PostgreSQL as (root cannot)" >"$dir/skip"
    exit 0
  fi
  # The data directory must be reachable by the user PostgreSQL runs as; the build
  # tree may not be (a home directory): fall back to a temp dir, noted in DIR/data-dir.
  data="$dir/data"
  if ! run_as test -w "$dir" 2>/dev/null; then
    chmod 0777 "$dir" 2>/dev/null || true
  fi
  if ! run_as test -w "$dir" 2>/dev/null; then
    data=$(mktemp -d /tmp/ykien-pg-XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres "$data"
    data="$data/data"
  fi
  echo "$data" >"$dir/data-dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  run_as "$bin/initdb" -D "$data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
  options="-c listen_addresses=127.0.0.1 -p $port -k '' -c max_connections=200"
  if [ "${YKIEN_PG_DURABLE:-0}" != 1 ]; then
    options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  if [ "${YKIEN_PG_PROFILE:-0}" = 1 ]; then
    options="$options -c shared_preload_libraries=pg_stat_statements,auto_explain -c pg_stat_statements.track=all"
  fi
  run_as "$bin/pg_ctl" -D "$data" -l "$data/../postgres.log" -w -t 60 -o "$options" start >"$dir/pg_ctl.log" 2>&1
  echo "host=127.0.0.1 port=$port user=postgres dbname=postgres" >"$dir/conninfo"
  if [ "${YKIEN_PG_PROFILE:-0}" = 1 ]; then
    # In postgresql.auto.conf, not on the command line, which ALTER SYSTEM cannot override.
    psql "$(cat "$dir/conninfo")" -q -c "CREATE EXTENSION pg_stat_statements" \
      -c "ALTER SYSTEM SET auto_explain.log_analyze = on" -c "SELECT pg_reload_conf()" >>"$dir/pg_ctl.log" 2>&1 ||
      echo "pg-test-cluster.sh: cannot set up the profiling (see $dir/pg_ctl.log)" >&2
  fi
  ;;
stop)
  if [ -f "$dir/data-dir" ]; then
    data=$(cat "$dir/data-dir")
    bin=$(bindir || true)
    [ -n "$bin" ] && run_as "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    case "$data" in /tmp/ykien-pg-*) rm -rf "$(dirname "$data")" ;; esac
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: pg-test-cluster.sh start|stop DIR" >&2
  exit 2
  ;;
esac
