#!/usr/bin/env bash
# Preprocess speed over a folder of real clips (default: ../shared/data/gtzan-mini):
#   1. features only (one STFT, mel + centroid + chroma) of each 10-s segment, one thread;
#   2. the whole `jaams preprocess` (decode, resample, features, render, PNG + cache), on 1 thread
#      and on all cores, into fresh folders;
#   3. if librosa is importable (LIBROSA_SRC=path/to/librosa source, run with Debian's python3),
#      librosa's features of the same segments, side by side, as the ratio users care about.
# Prints x real-time for each. Usage: scripts/bench_preprocess.sh [CLIPS_DIR] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
clips=${1:-../shared/data/gtzan-mini}
rounds=${2:-3}
build=${JAAMS_BUILD_DIR:-build/release}
[[ -x $build/jaams && -x $build/bench_features ]] || bash scripts/build.sh --target jaams --target bench_features >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cores=$(nproc)
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $cores cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "-- features only, 1 thread, then all threads"
"$build/bench_features" "$clips"

for threads in 1 "$cores"; do
  for r in $(seq "$rounds"); do
    rm -rf "$work/out"
    "$build/jaams" --quiet preprocess --threads "$threads" --input "$clips" --output "$work/out" | head -1 |
      sed "s/^/-- whole preprocess, $threads thread(s), round $r: /"
  done
done

if [[ -n ${LIBROSA_SRC:-} ]]; then
  echo "-- librosa 0.11 features of the same segments (1 thread)"
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 PYTHONPATH="$LIBROSA_SRC" \
    /usr/bin/python3 scripts/bench_librosa_features.py "$clips"
fi
