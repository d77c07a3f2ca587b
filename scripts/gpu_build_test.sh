#!/usr/bin/env bash
# Run ON THE GPU MACHINE (CUDA + CMake + a CUDA-enabled PyTorch, no package registry):
#   scripts/gpu_build_test.sh BUNDLE_DIR [OUT_DIR]
# unpacks the .deb bundle made by scripts/gpu_bundle_deps.sh into a private prefix, builds jaams
# against the PyTorch's own LibTorch (CUDA), runs the whole test suite (the CUDA tests run there
# instead of skipping), then the GPU benchmark (scripts/bench_gpu.sh) when it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=${1:?usage: scripts/gpu_build_test.sh BUNDLE_DIR [OUT_DIR]}
out=${2:-out/gpu}
prefix=$(mktemp -d /tmp/jaams-deps.XXXXXX)
for deb in "$bundle"/*.deb; do dpkg -x "$deb" "$prefix"; done
# Debian's .pc and CMake files name /usr: point them into the prefix.
grep -rlZ --include='*.pc' --include='*.cmake' '/usr' "$prefix/usr" 2>/dev/null | xargs -0 -r sed -i "s#\([ =\"]\)/usr#\1$prefix/usr#g"
arch=$(uname -m)-linux-gnu
export PKG_CONFIG_PATH="$prefix/usr/lib/$arch/pkgconfig:$prefix/usr/share/pkgconfig:${PKG_CONFIG_PATH:-}"
export LD_LIBRARY_PATH="$prefix/usr/lib/$arch:$prefix/lib/$arch:${LD_LIBRARY_PATH:-}"
export PATH="$prefix/usr/bin:$PATH"
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
python3 -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda, "GPU", torch.cuda.get_device_name(0))'
export JAAMS_BUILD_DIR=build/gpu
bash scripts/build.sh "-DCMAKE_PREFIX_PATH=$torch_prefix;$prefix/usr;$prefix/usr/lib/$arch/cmake" \
  "-DCMAKE_INCLUDE_PATH=$prefix/usr/include" "-DCMAKE_LIBRARY_PATH=$prefix/usr/lib/$arch"
"$JAAMS_BUILD_DIR/jaams" --version
mkdir -p "$out"
ctest --test-dir "$JAAMS_BUILD_DIR" --output-on-failure -j "$(nproc)" 2>&1 | tee "$out/ctest.log"
if [[ -x scripts/bench_gpu.sh ]]; then bash scripts/bench_gpu.sh "$JAAMS_BUILD_DIR/jaams" 2>&1 | tee "$out/bench.log"; fi
