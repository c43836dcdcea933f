#!/usr/bin/env bash
# Runs `ykien-bench province` on SQLite and on a throwaway PostgreSQL (docs/benchmarks.md,
# "province"): starts a cluster on 127.0.0.1 with scripts/pg-test-cluster.sh, runs the
# benchmark against it, and stops and removes the cluster however the run ends.
#   scripts/bench-province.sh BUILD_DIR [ykien-bench province options]
# YKIEN_TEST_PG_CONNINFO, when set, names an existing PostgreSQL server to use instead
# (the benchmark makes its own database there and drops it).
set -euo pipefail

build=${1:?usage: bench-province.sh BUILD_DIR [ykien-bench province options]}
shift
bench="$build/tests/bench/ykien-bench"
[ -x "$bench" ] || { echo "no $bench: build the ykien-bench target first" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)

cluster=$(mktemp -d /tmp/ykien-bench-pg-XXXXXX)
trap '"$here/pg-test-cluster.sh" stop "$cluster"' EXIT
"$here/pg-test-cluster.sh" start "$cluster"
if [ -f "$cluster/skip" ]; then
  echo "PostgreSQL not available: $(cat "$cluster/skip")" >&2
  exit 2
fi
"$bench" province --postgres "$(cat "$cluster/conninfo")" "$@"
