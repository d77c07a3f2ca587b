#!/usr/bin/env bash
# Speed of the `stats` model pipeline (configs/stats.yaml: 10-s segments every 5 s, 128 summary
# statistics of MFCC, deltas, chroma, spectral centroid, bandwidth, roll-off, contrast, ZCR and
# RMS per segment, standardised, logistic regression, mean over segments): `jaams predict` against
# the same pipeline in librosa 0.11 + scikit-learn (scripts/bench_stats_python.py), in the same run,
# alternately (jaams, Python, jaams, Python, ...), so drifting machine load hits both sides alike.
#
#   scripts/bench_stats.sh [FOLDER...]          default: ../shared/data/gtzan-mini
#   LIBROSA_SRC=/path/to/librosa-0.11.0 ROUNDS=3 scripts/bench_stats.sh
#
# Builds nothing: needs $JAAMS_BUILD_DIR/jaams (default build/release). Trains the package
# WORK/stats_run/model.jaams from configs/stats.yaml on DATA if it is missing. Without LIBROSA_SRC
# only jaams is timed.
# Environment:
#   ROUNDS   jaams/Python pairs (default 3)
#   THREADS  jaams --threads and the Python side's worker processes (default: all cores)
#   WORK     where the package, its feature cache and the fitted Python model stay (default out/bench_stats)
#   DATA     the labelled <genre>/<file> folder both classifiers are trained on (default ../shared/data/gtzan-mini)
#   PYTHON   the interpreter with numpy, scipy, numba, soundfile, sklearn (default /usr/bin/python3)
# Times are end to end (process start to exit: model loading, imports and, for Python, the worker
# pool's start-up included) and, in brackets, each side's own figure for the scoring phase (jaams:
# first file opened to last row written; Python: load + features + transform + predict_proba + mean,
# after its workers have imported librosa and compiled its numba code).
# The Python side's StandardScaler + LogisticRegression (lbfgs, C=1) are fitted once, untimed, on
# the segments the package was trained on (the train tracks of WORK/stats_run/splits.csv).
# Agreement: the share of files with the same top genre in the last round's two outputs (the two
# regressions come from different optimisers, Adam with weight decay against lbfgs: high, not
# identical), and the largest difference between jaams' 128 statistics and librosa's for the first segment of the first
# file (`jaams preprocess --kinds stats --raw`).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${JAAMS_BUILD_DIR:-build/release}
threads=${THREADS:-$(nproc)}
rounds=${ROUNDS:-3}
work=${WORK:-out/bench_stats}
data=${DATA:-../shared/data/gtzan-mini}
python=${PYTHON:-/usr/bin/python3}

folders=("$@")
((${#folders[@]})) || folders=(../shared/data/gtzan-mini)
for f in "${folders[@]}"; do
  [[ -e $f ]] || { echo "bench_stats: $f: no such folder" >&2; exit 2; }
done
[[ -x $build/jaams ]] || { echo "bench_stats: $build/jaams not found: build it first (bash scripts/build.sh --target jaams)" >&2; exit 2; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "bench_stats: ROUNDS must be a positive integer, got $rounds" >&2; exit 2; }

pkg=$work/stats_run/model.jaams
if [[ ! -f $pkg ]]; then
  [[ -d $data ]] || { echo "bench_stats: no package at $pkg and no training data at $data (set DATA)" >&2; exit 2; }
  echo "-- training $pkg (configs/stats.yaml on $data)"
  "$build/jaams" --quiet train --config configs/stats.yaml --data "$data" --output "$work/stats_run" \
    --set data.cache="$work/cache" | sed 's/^/   /'
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, --threads $threads; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "jaams:  $build/jaams predict --model $pkg --threads $threads ${folders[*]}"
py=()
if [[ -n ${LIBROSA_SRC:-} ]]; then
  py=("$python" scripts/bench_stats_python.py --librosa "$LIBROSA_SRC")
  # Fitted once on the rows the package was trained on (its run's train split of DATA), reused from
  # WORK while those files are the same.
  fit=$("${py[@]}" fit --threads "$threads" --model "$work/python_stats.pkl" --train-split "$work/stats_run/splits.csv" \
    "$data" 2>"$tmp/fit.log") ||
    { cat "$tmp/fit.log" >&2; exit 1; }
  echo "python: $python scripts/bench_stats_python.py predict --threads $threads ${folders[*]}"
  echo "        scaler + LogisticRegression fitted on the train split of $data: $fit"
else
  echo "python: skipped (set LIBROSA_SRC to librosa 0.11's source tree to time librosa + scikit-learn)"
fi

run_jaams() {  # -> $tmp/j: "wall inner files failed audio"
  local start wall
  start=$(now)
  # Exit status 1 only says some files failed (e.g. clips shorter than 9.5 s): counted below.
  "$build/jaams" predict --model "$pkg" --threads "$threads" --output "$tmp/jaams.csv" "${folders[@]}" \
    2>"$tmp/jaams.log" || [[ $? == 1 ]] || { cat "$tmp/jaams.log" >&2; exit 1; }
  wall=$(awk -v a="$(now)" -v b="$start" 'BEGIN {print a - b}')
  # "predict: 63 files, 0 failed, 1093.0 s of audio in 0.97 s (65.1 files/s, 1129.5x real time), ..."
  echo "$wall $(sed -n 's/.*predict: \([0-9]*\) files, \([0-9]*\) failed, \([0-9.]*\) s of audio in \([0-9.]*\) s.*/\4 \1 \2 \3/p' "$tmp/jaams.log")" >"$tmp/j"
}
run_python() {  # -> $tmp/p: the same fields
  local start wall
  start=$(now)
  "${py[@]}" predict --threads "$threads" --model "$work/python_stats.pkl" --predictions "$tmp/python.csv" \
    "${folders[@]}" >"$tmp/python.json" 2>"$tmp/python.log" || { cat "$tmp/python.log" >&2; exit 1; }
  wall=$(awk -v a="$(now)" -v b="$start" 'BEGIN {print a - b}')
  "$python" -c 'import json, sys; d = json.load(sys.stdin); print(sys.argv[1], d["wall_seconds"], d["files"], d["failed"], d["audio_seconds"])' \
    "$wall" <"$tmp/python.json" >"$tmp/p"
}

for r in $(seq "$rounds"); do
  run_jaams
  if ((${#py[@]})); then run_python; else echo "- - - - -" >"$tmp/p"; fi
  echo "$r $(cat "$tmp/j") $(cat "$tmp/p")" >>"$tmp/rounds"
done
read -r _ _ _ jf jx ja _ _ pf px pa <"$tmp/rounds"
[[ -n $ja ]] || { echo "bench_stats: no summary line from jaams predict:" >&2; cat "$tmp/jaams.log" >&2; exit 1; }
if ((${#py[@]})); then
  echo "files: jaams $jf ($jx failed), python $pf ($px failed); audio: jaams $ja s, python $pa s"
else
  echo "files: $jf ($jx failed), $ja s of audio"
fi
if ((${#py[@]})); then
  echo "python parallelism: $("$python" -c 'import json, sys; d = json.load(sys.stdin); print(d["parallelism"] + "; STFT " + d["stft"] + "; librosa " + d["librosa"])' <"$tmp/python.json")"
fi

# The table: x real time = audio seconds / wall seconds, end to end (scoring phase in brackets);
# ratio = jaams x real time / Python x real time (= Python wall / jaams wall) of the same round.
# min = the fastest round of each side; median = median wall of each side, median of the ratios.
"$python" - "$tmp/rounds" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
python = rows[0][6] != "-"
def f(x): return float(x)
head = f"{'round':>6} {'jaams wall_s':>18} {'jaams x real time':>20}"
if python:
    head += f" {'python wall_s':>18} {'python x real time':>20} {'ratio jaams/python':>20}"
print(head)
def line(name, jw, ji, ja, pw=None, pi=None, pa=None, ratio=None, ratio_inner=None):
    s = f"{name:>6} {jw:8.3f} ({ji:7.3f}) {ja / jw:9.1f}x ({ja / ji:7.1f}x)"
    if python:
        s += f" {pw:8.2f} ({pi:7.2f}) {pa / pw:9.1f}x ({pa / pi:7.1f}x) {ratio:9.1f}x ({ratio_inner:7.1f}x)"
    print(s)
for r in rows:
    jw, ji, ja = f(r[1]), f(r[2]), f(r[5])
    if python:
        pw, pi, pa = f(r[6]), f(r[7]), f(r[10])
        line(r[0], jw, ji, ja, pw, pi, pa, (ja / jw) / (pa / pw), (ja / ji) / (pa / pi))
    else:
        line(r[0], jw, ji, ja)
ja = f(rows[0][5]); pa = f(rows[0][10]) if python else None
col = lambda i: [f(r[i]) for r in rows]
for name, pick in (("min", min), ("median", statistics.median)):
    jw, ji = pick(col(1)), pick(col(2))
    if python:
        pw, pi = pick(col(6)), pick(col(7))
        if name == "min":
            ratio, ratio_inner = (ja / jw) / (pa / pw), (ja / ji) / (pa / pi)
        else:
            ratio = statistics.median((f(r[5]) / f(r[1])) / (f(r[10]) / f(r[6])) for r in rows)
            ratio_inner = statistics.median((f(r[5]) / f(r[2])) / (f(r[10]) / f(r[7])) for r in rows)
        line(name, jw, ji, ja, pw, pi, pa, ratio, ratio_inner)
    else:
        line(name, jw, ji, ja)
EOF

if ((${#py[@]})); then
  echo "-- agreement (last round)"
  "${py[@]}" agree "$tmp/jaams.csv" "$tmp/python.csv"
  # The first audio file of the first folder, alone in a one-genre folder for `jaams preprocess`.
  first=$("$python" -c 'import sys; sys.path.insert(0, "scripts"); import bench_stats_python as b; print(b.audio_files(sys.argv[1:2])[0])' "${folders[0]}")
  mkdir -p "$tmp/first/first"
  ln -s "$(realpath "$first")" "$tmp/first/first/$(basename "$first")"
  "$build/jaams" --quiet preprocess --config configs/stats.yaml --set 'data.genres=[first]' --kinds stats --raw \
    --no-png --threads 1 --input "$tmp/first" --output "$tmp/first_out" >"$tmp/pre.log" 2>&1 || { cat "$tmp/pre.log" >&2; exit 1; }
  stem=$(basename "$first"); stem=${stem%.*}
  "${py[@]}" segment --jaams "$tmp/first_out/raw/stats/first/$stem.0.npy" "$first"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
