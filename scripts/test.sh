#!/usr/bin/env bash
# The README's test command: installs what is missing (Debian 12), builds, runs every test suite
# under ctest (the install test among them: cmake --install, a find_package(jaams) consumer,
# cpack -G DEB), the dry run of the GPU script (scripts/gpu_run.sh without CUDA), then a small
# end-to-end run of all three models on real GTZAN clips
# (../shared/data/gtzan-mini, skipped when absent) and prints its accuracy table.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/install_deps.sh
export JAAMS_BUILD_DIR=${JAAMS_BUILD_DIR:-build/release}
bash scripts/build.sh
echo "== build done in $(( $(date +%s) - start )) s"

ctest --test-dir "$JAAMS_BUILD_DIR" --output-on-failure -j "$(nproc)" --timeout 900
echo "== unit and end-to-end tests done in $(( $(date +%s) - start )) s"

# On a CI machine (root, CI=true), the .deb that ctest's install test built is installed for
# real: /usr/bin/jaams and its man page, then removed again.
if [[ ${CI:-} == true && $(id -u) -eq 0 ]]; then
  deb=$(ls "$JAAMS_BUILD_DIR"/package/jaams_*.deb)
  dpkg -i "$deb" >build/deb-install.log 2>&1 || { cat build/deb-install.log; exit 1; }
  /usr/bin/jaams --version | head -n 1
  man -P cat jaams | grep -q 'music-genre classification toolkit' || { echo "man jaams: no man page"; exit 1; }
  dpkg -r jaams >/dev/null
  echo "== .deb installed, jaams --version and man jaams checked, removed in $(( $(date +%s) - start )) s"
fi

# The GPU script proved here without a GPU: its bundle (size checked), then every stage but CUDA's
# against this build.
bundle_status=0
bash scripts/make_gpu_bundle.sh >build/gpu-bundle.log 2>&1 || bundle_status=$?
if ((bundle_status == 3)); then
  tail -n 1 build/gpu-bundle.log
  echo "== Debian's archive is not reachable: the GPU script's dry run is skipped"
elif ((bundle_status != 0)); then
  cat build/gpu-bundle.log
  exit 1
else
  tail -n 3 build/gpu-bundle.log
  GPU_RUN_DRY=1 GPU_RUN_BUILD_DIR="$JAAMS_BUILD_DIR" OUT="$PWD/build/gpu-run" bash scripts/gpu_run.sh
  echo "== GPU script dry run done in $(( $(date +%s) - start )) s"
fi

if [[ -d ../shared/data/gtzan-mini ]]; then
  bash scripts/gtzan_mini_check.sh "$JAAMS_BUILD_DIR/jaams" ../shared/data/gtzan-mini build/gtzan-mini-check
  echo "== gtzan-mini check done in $(( $(date +%s) - start )) s"
else
  echo "== ../shared/data/gtzan-mini not found: real-music check skipped"
fi
