#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, docs/fuzzing.md) with clang in build-fuzz/
# and runs each for SECONDS (default 30) under ASan + UBSan, on a copy of its seed
# corpus (the checked-in corpus is not modified). Fails if any target crashes, leaks,
# times out on an input or runs out of memory, and prints the input that did it.
#   scripts/fuzz.sh          # 30 s per target
#   scripts/fuzz.sh 300      # longer
# Targets run side by side, one per core. Inputs found are kept in
# build-fuzz/fuzz-corpus/<target> (not in the tree); the last run's crashes in
# build-fuzz/fuzz-crashes/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
case "$seconds" in
  '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2 ;;
esac

scripts/install-deps.sh

build_dir=build-fuzz
export CCACHE_BASEDIR="$PWD"  # cache hits across checkouts of the tree
start=$(date +%s)
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DYKIEN_FUZZ=ON -DYKIEN_BUILD_TESTS=OFF -DYKIEN_WERROR=ON \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
nice cmake --build "$build_dir" --target ykien_fuzz --parallel "$(nproc)"
echo "fuzz: built in $(($(date +%s) - start)) s"

# The checked-in corpus once, as the replay tests do (regressions first).
ctest --test-dir "$build_dir" -L fuzz --output-on-failure --timeout 120

# Input sizes: the bugs these parsers can have show in small inputs; larger ones
# only cost time. Memory: no input may make the process grow past 2 GiB, nor ask for
# 256 MiB at once (a body inflates to 1 MiB at most in the gzip target; JSON of 16 KiB
# is a few MiB parsed).
max_len() {
  case "$1" in
    cursor) echo 4096 ;;
    bundle) echo 8192 ;;
    *) echo 16384 ;;
  esac
}

targets=(push_request pull_request enroll_request cursor gzip bundle records)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
crashes="$build_dir/fuzz-crashes"
found="$build_dir/fuzz-corpus"
rm -rf "$crashes"  # the last run's only
mkdir -p "$crashes"

run_one() {
  local t=$1 dict=()
  mkdir -p "$work/corpus/$t" "$crashes/$t" "$found/$t"
  cp tests/fuzz/corpus/"$t"/* "$work/corpus/$t/"
  case "$t" in gzip) ;; *) dict=(-dict=tests/fuzz/json.dict) ;; esac
  if "$build_dir/tests/fuzz/fuzz_$t" "$work/corpus/$t" "${dict[@]}" \
      -max_total_time="$seconds" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -malloc_limit_mb=256 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$crashes/$t/" >"$work/$t.log" 2>&1; then
    cp -n "$work/corpus/$t"/* "$found/$t/" 2>/dev/null || true
    echo "fuzz: $t: ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" | grep -o '[0-9]*$') runs)"
  else
    tail -n 60 "$work/$t.log" >&2
    echo "fuzz: $t: FAILED; the input: $(sed -n 's/.*Test unit written to //p' "$work/$t.log" | head -n 1)" >&2
    return 1
  fi
}

# One target per core at a time.
pids=()
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || true; done
  run_one "$t" &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done

echo "fuzz: ${#targets[@]} targets, ${seconds} s each, $(($(date +%s) - start)) s in all"
if [ "$failed" -ne 0 ]; then
  echo "fuzz: a target failed; the inputs that did it (replay one with" \
    "$build_dir/tests/fuzz/fuzz_<target> <file>):" >&2
  find "$crashes" -type f >&2
  exit 1
fi
