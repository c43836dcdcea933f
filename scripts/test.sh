#!/usr/bin/env bash
# Builds everything and runs every test.
#   scripts/test.sh              # release-ish build in build/
#   scripts/test.sh --werror     # warnings are errors
#   scripts/test.sh --sanitize   # ASan + UBSan build in build-asan/, then the fuzz
#                                # targets for 45 s each (scripts/fuzz.sh, docs/fuzzing.md)
set -euo pipefail
cd "$(dirname "$0")/.."

werror=OFF
sanitize=OFF
for arg in "$@"; do
  case "$arg" in
    --werror) werror=ON ;;
    --sanitize) sanitize=ON ;;
    *) echo "usage: scripts/test.sh [--werror] [--sanitize]" >&2; exit 2 ;;
  esac
done

scripts/install-deps.sh

build_dir=build
build_type=RelWithDebInfo
if [ "$sanitize" = ON ]; then build_dir=build-asan; build_type=Debug; fi

# ccache (installed by install-deps.sh) makes a rebuild of unchanged sources, in any
# checkout of the tree, a cache hit; paths under the checkout are hashed relative to it.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1  # debug builds too
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
  -DYKIEN_WERROR="$werror" -DYKIEN_SANITIZE="$sanitize" \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure --parallel "$(nproc)" --timeout 600

# The fuzz targets (clang, build-fuzz/): 7 targets x 45 s on 2 cores, about 4 minutes
# with their build.
if [ "$sanitize" = ON ]; then
  scripts/fuzz.sh 45
fi
