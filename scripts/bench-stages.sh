#!/usr/bin/env bash
# Instructions per opinion of each stage of a sync (docs/benchmarks.md, "stages"):
# runs `ykien-bench stages` under callgrind, which writes one dump per stage run
# (the suite marks them), and adds the dumps up by stage. Slow: about 50 times the
# plain run, hence fewer opinions by default; instructions per opinion hardly depend
# on the count beyond a few batches.
#   scripts/bench-stages.sh BUILD_DIR [--opinions N]     (default 2000)
set -euo pipefail

build=${1:?usage: bench-stages.sh BUILD_DIR [--opinions N]}
shift
bench="$build/tests/bench/ykien-bench"
[ -x "$bench" ] || { echo "no $bench: build the ykien-bench target first" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 2; }
[ $# -eq 0 ] && set -- --opinions 2000

work=$(mktemp -d /tmp/ykien-stages-XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "stages: running under callgrind (a few minutes)..." >&2
valgrind --tool=callgrind --callgrind-out-file="$work/dump" \
  "$bench" stages --dir "$work/data" "$@" >"$work/figures" 2>"$work/log" ||
  { cat "$work/log" >&2; exit 1; }
opinions=$(awk '$2 == "stages_opinions" { print $3 }' "$work/figures")

# Each dump: "desc: Trigger: Client Request: <stage>" and "summary: <instructions>".
# Stages "wire_*" (binary encodings compared) are not the sync's: not in the total.
for f in $(ls "$work"/dump.* | sort -t. -k2 -n); do
  awk '/^desc: Trigger: Client Request: / { stage = $NF } /^summary: / { print stage, $2 }' "$f"
done | awk -v n="$opinions" '
  { sum[$1] += $2; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } if ($1 !~ /^wire_/) total += $2 }
  END {
    for (i = 1; i <= k; i++) printf "BENCH stages_%s_instructions_per_opinion %.0f instructions\n", order[i], sum[order[i]] / n
    printf "BENCH stages_total_instructions_per_opinion %.0f instructions\n", total / n
  }'
