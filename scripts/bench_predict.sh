#!/usr/bin/env bash
# Prediction speed of `jaams predict` over folders of real music, for one or more model packages:
# x real time and files/s, on all cores. With LIBROSA_SRC set (librosa's source, run with Debian's
# python3 + torch), the same files also go through scripts/bench_predict_python.py, the
# librosa + PyTorch way of doing it, in the same run, and the ratio is printed.
#
#   scripts/bench_predict.sh [NAME=MODEL.jaams ...]
#
# NAME is cnn or alexcnn (it picks the Python reference network). Default: the demo's packages,
# out/demo/runs/{cnn,alexcnn}_mel/model.jaams (`bash scripts/demo.sh` makes them).
# Environment:
#   FOLDERS  space-separated folders (default: ../shared/data/gtzan-mini, and Debian's asc-music and
#            drascula-music tracks, /usr/share/games/asc/music and /usr/share/scummvm/drascula, where
#            installed: full-length MP3 and OGG songs)
#   THREADS  jaams --threads and torch threads (default: all cores)
#   PYTHON_FOLDERS  folders the Python side runs on (default: the first folder only; it is ~10x slower)
# Times are end to end (process start to exit, model loading included) and, in brackets, jaams'
# own figure for the scoring phase (first file opened to last row written).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${JAAMS_BUILD_DIR:-build/release}
threads=${THREADS:-$(nproc)}

packages=("$@")
if ((${#packages[@]} == 0)); then
  for name in cnn alexcnn; do
    [[ -f out/demo/runs/${name}_mel/model.jaams ]] && packages+=("$name=out/demo/runs/${name}_mel/model.jaams")
  done
  ((${#packages[@]})) || { echo "no model packages: run scripts/demo.sh or pass NAME=MODEL.jaams" >&2; exit 2; }
fi
if [[ -n ${FOLDERS:-} ]]; then
  read -r -a folders <<<"$FOLDERS"
else
  folders=()
  for f in ../shared/data/gtzan-mini /usr/share/games/asc/music /usr/share/scummvm/drascula; do
    [[ -d $f ]] && folders+=("$f")
  done
fi
((${#folders[@]})) || { echo "no folders of audio found: set FOLDERS" >&2; exit 2; }
for entry in "${packages[@]}"; do
  [[ $entry == *=* && -f ${entry#*=} ]] || { echo "$entry: expected NAME=MODEL.jaams with an existing package" >&2; exit 2; }
done
[[ -x $build/jaams ]] || bash scripts/build.sh --target jaams >/dev/null
read -r -a python_folders <<<"${PYTHON_FOLDERS:-${folders[0]}}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, --threads $threads; load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-34s %6s %6s %9s %8s %20s %14s\n' model folder files failed audio_s wall_s "x real time" files/s
for entry in "${packages[@]}"; do
  name=${entry%%=*} pkg=${entry#*=}
  for folder in "${folders[@]}"; do
    start=$(now)
    # Exit status 1 only says some files failed (e.g. jingles shorter than a segment): counted below.
    "$build/jaams" predict --model "$pkg" --threads "$threads" --output "$work/rows.csv" "$folder" \
      2>"$work/log" || [[ $? == 1 ]] || { cat "$work/log" >&2; exit 1; }
    wall=$(awk -v a="$(now)" -v b="$start" 'BEGIN {print a - b}')
    # "predict: 63 files, 0 failed, 1093.0 s of audio in 0.97 s (65.1 files/s, 1129.5x real time), ..."
    read -r files failed audio inner <<<"$(sed -n 's/.*predict: \([0-9]*\) files, \([0-9]*\) failed, \([0-9.]*\) s of audio in \([0-9.]*\) s.*/\1 \2 \3 \4/p' "$work/log")"
    awk -v n="$name" -v f="$folder" -v k="$files" -v x="$failed" -v a="$audio" -v w="$wall" -v i="$inner" \
      'BEGIN {printf "%-8s %-34s %6d %6d %9.1f %8.2f %9.0fx (%6.0fx) %6.1f (%5.1f)\n", n, f, k, x, a, w, a / w, a / i, k / w, k / i}'
    echo "$name $folder $audio $wall" >>"$work/jaams_runs"
  done
done

if [[ -n ${LIBROSA_SRC:-} ]]; then
  echo "-- the same files through librosa + PyTorch (scripts/bench_predict_python.py), $threads torch threads"
  for entry in "${packages[@]}"; do
    name=${entry%%=*}
    for folder in "${python_folders[@]}"; do
      start=$(now)
      json=$(PYTHONPATH="$LIBROSA_SRC" /usr/bin/python3 scripts/bench_predict_python.py --model "$name" \
        --threads "$threads" "$folder" 2>/dev/null)
      wall=$(awk -v a="$(now)" -v b="$start" 'BEGIN {print a - b}')
      echo "$name $folder: $json, end to end ${wall:0:6} s"
      jaams_wall=$(awk -v n="$name" -v f="$folder" '$1 == n && $2 == f {print $4}' "$work/jaams_runs")
      [[ -n $jaams_wall ]] && awk -v p="$wall" -v j="$jaams_wall" 'BEGIN {printf "   ratio, end to end: jaams is %.1fx faster\n", p / j}'
    done
  done
fi
