#!/usr/bin/env bash
# Configures and builds jaams (Release) into ${JAAMS_BUILD_DIR:-build/release}. Extra arguments go
# to CMake's configure step, e.g. -DCMAKE_PREFIX_PATH=/path/to/libtorch for a CUDA LibTorch.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${JAAMS_BUILD_DIR:-build/release}
jobs=${JAAMS_JOBS:-$(nproc)}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build_dir" -j "$jobs"
echo "built: $build_dir/jaams"
