#!/usr/bin/env bash
# The main job: a village meeting recorded offline, then the report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --parallel "$(nproc)" --target ykien-demo
exec build/samples/demo/ykien-demo "$@"
