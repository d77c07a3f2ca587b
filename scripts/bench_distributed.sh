#!/usr/bin/env bash
# Data-parallel training speed: the same run as one process (1 and 2 threads) and as two Gloo
# ranks started by torchrun (1 thread each) on the same machine, alternately, ROUNDS times. Reports the
# training images/s of each (all ranks together) and the share of step time the two-rank run
# spends in the gradient all-reduce.
#
#   scripts/bench_distributed.sh [JAAMS_BINARY]
#
# Data: synthetic 10-s clips (CLIPS per genre, default 8; nine genres) cut into 5-s segments every
# 2.5 s, mel images of HEIGHT x WIDTH (default 96 x 144, to keep a round short on 2 cores); model
# cnn, global batch 32, EPOCHS (default 3). Needs torchrun (Debian: python3-torch). Environment:
# ROUNDS (2), WORK (a temporary folder, removed afterwards). Prints a Markdown table.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
jaams=${1:-$here/${JAAMS_BUILD_DIR:-build/release}/jaams}
[[ -x $jaams ]] || { echo "$jaams: jaams binary not found (pass it as the argument)" >&2; exit 2; }
torchrun=$(command -v torchrun || true)
[[ -n $torchrun ]] || { echo "torchrun not found (Debian: apt-get install python3-torch)" >&2; exit 2; }
rounds=${ROUNDS:-2}
epochs=${EPOCHS:-3}

# shellcheck source=lib/work_folder.sh
source "$(dirname "$0")/lib/work_folder.sh"

cat > "$WORK/ddp.yaml" <<YAML
audio: {segment_seconds: 5, hop_seconds: 2.5}
features: {kind: mel, kinds: [mel]}
image: {height: ${HEIGHT:-96}, width: ${WIDTH:-144}}
model: {name: cnn}
training: {epochs: $epochs, batch_size: 32, device: cpu, seed: 1}
YAML
if [[ ! -f $WORK/pre/manifest.csv ]]; then
  "$jaams" --quiet synth -o "$WORK/audio" -n "${CLIPS:-8}" --seconds 10 -j 2 > /dev/null
  "$jaams" --quiet preprocess --config "$WORK/ddp.yaml" -i "$WORK/audio" -o "$WORK/pre" --no-png -j 2 > /dev/null
fi

# field LOG PATTERN: the number before PATTERN in the log's line.
field() { grep -o "[0-9.]*$2" "$1" | head -1 | grep -o '^[0-9.]*'; }

echo "| round | run | images/s | data wait | all-reduce share of step time |"
echo "|---|---|---:|---:|---:|"
for r in $(seq "$rounds"); do
  for threads in 1 2; do
    rm -rf "$WORK/one"
    "$jaams" train --config "$WORK/ddp.yaml" --data "$WORK/pre" --set training.threads=$threads -o "$WORK/one" > "$WORK/one.log" 2>&1
    echo "| $r | 1 process, $threads thread(s) | $(field "$WORK/one.log" ' images/s') | $(field "$WORK/one.log" '% of step time waiting')% | - |"
  done
  rm -rf "$WORK/two"
  port=$((29500 + RANDOM % 2000))
  "$torchrun" --no_python --nproc_per_node 2 --redirects 1 --tee 1 --master_port "$port" \
    "$jaams" train --config "$WORK/ddp.yaml" --data "$WORK/pre" --set training.threads=1 -o "$WORK/two" > "$WORK/two.log" 2>&1
  echo "| $r | 2 Gloo ranks, 1 thread each | $(field "$WORK/two.log" ' images/s') | $(field "$WORK/two.log" '% of step time waiting')% | $(field "$WORK/two.log" '% of step time in the gradient')% |"
done
