#!/usr/bin/env bash
# Peak memory (RSS) of `jaams train` on a small and a 10x larger synthetic set, with the inputs
# in memory (data.load: memory) and read from the preprocess cache (data.load: stream). Streaming
# is meant to keep the large set's peak within 25% of the small one's (same batch, same model).
#
#   scripts/measure_train_memory.sh [JAAMS_BINARY]
#
# Sets: 4-s synthetic clips cut into 2-s segments every second (3 per clip), rendered as the
# report's 288x432 mel images: SMALL clips per genre (default 12: 324 images) and LARGE (112:
# 3,024 images), nine genres. Model cnn, one epoch, batch 32, 2 threads. Needs GNU time
# (/usr/bin/time; Debian package `time`). Environment: SMALL, LARGE, EPOCHS (1), WORK (a
# temporary folder, removed afterwards). Prints a Markdown table. Exit status: 0 when the
# streamed large/small ratio is at most 1.25, 1 above, 2 usage or tool errors.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
jaams=${1:-$here/${JAAMS_BUILD_DIR:-build/release}/jaams}
[[ -x $jaams ]] || { echo "$jaams: jaams binary not found (pass it as the argument)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time not found: apt-get install -y time" >&2; exit 2; }
small=${SMALL:-12}
large=${LARGE:-112}
epochs=${EPOCHS:-1}

# shellcheck source=lib/work_folder.sh
source "$(dirname "$0")/lib/work_folder.sh"

cat > "$WORK/memory.yaml" <<YAML
audio: {segment_seconds: 2, hop_seconds: 1}
features: {kind: mel, kinds: [mel]}
model: {name: cnn}
training: {epochs: $epochs, batch_size: 32, threads: 2, device: cpu, seed: 1}
YAML

for n in "$small" "$large"; do
  if [[ ! -f $WORK/pre$n/manifest.csv ]]; then
    "$jaams" --quiet synth -o "$WORK/audio$n" -n "$n" --seconds 4 -j 2 > /dev/null
    "$jaams" --quiet preprocess --config "$WORK/memory.yaml" -i "$WORK/audio$n" -o "$WORK/pre$n" --no-png -j 2 > /dev/null
  fi
done

# peak_mb N LOAD: max RSS in MB of one training run.
peak_mb() {
  local run=$WORK/run$1-$2
  rm -rf "$run"
  /usr/bin/time -f '%M' -o "$WORK/rss" "$jaams" --quiet train --config "$WORK/memory.yaml" --data "$WORK/pre$1" \
    --set "data.load=$2" -o "$run" > "$WORK/train.log" 2>&1 || { cat "$WORK/train.log" >&2; exit 2; }
  echo $(($(tail -1 "$WORK/rss") / 1024))
}

images() { wc -l < "$WORK/pre$1/manifest.csv" | awk '{print $1 - 1}'; }
echo "| data.load | images | peak RSS (MB) | images | peak RSS (MB) | large / small |"
echo "|---|---:|---:|---:|---:|---:|"
status=0
for load in memory stream; do
  a=$(peak_mb "$small" "$load")
  b=$(peak_mb "$large" "$load")
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')
  echo "| $load | $(images "$small") | $a | $(images "$large") | $b | $ratio |"
  if [[ $load == stream ]] && awk -v r="$ratio" 'BEGIN { exit !(r > 1.25) }'; then status=1; fi
done
exit $status
