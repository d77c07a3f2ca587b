#!/usr/bin/env bash
# The README's test command: installs what is missing (Debian 12), builds, runs every test suite
# under ctest, then a small end-to-end run of all three models on real GTZAN clips
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

if [[ -d ../shared/data/gtzan-mini ]]; then
  bash scripts/gtzan_mini_check.sh "$JAAMS_BUILD_DIR/jaams" ../shared/data/gtzan-mini build/gtzan-mini-check
  echo "== gtzan-mini check done in $(( $(date +%s) - start )) s"
else
  echo "== ../shared/data/gtzan-mini not found: real-music check skipped"
fi
