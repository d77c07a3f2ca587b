#!/usr/bin/env bash
# Configures and builds jaams (Release) into ${JAAMS_BUILD_DIR:-build/release}.
#   scripts/build.sh                      everything, tests included
#   scripts/build.sh --target jaams       only the executable
#   scripts/build.sh -DCMAKE_PREFIX_PATH=/path/to/libtorch   other arguments go to CMake's configure step
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${JAAMS_BUILD_DIR:-build/release}
jobs=${JAAMS_JOBS:-$(nproc)}
targets=()
configure=()
while (($#)); do
  if [[ $1 == --target ]]; then targets+=(--target "$2"); shift 2; else configure+=("$1"); shift; fi
done
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "${configure[@]}" >/dev/null
cmake --build "$build_dir" -j "$jobs" "${targets[@]}"
echo "built: $build_dir/jaams"
