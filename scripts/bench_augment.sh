#!/usr/bin/env bash
# What on-the-fly augmentation costs in training speed: the same model and config trained on
# gtzan-mini's first 3-fold training fold (42 clips), once with its augmentation and once with all
# of it switched off, alternately A B A B so drifting machine load hits both sides alike.
# The augmented side decodes each training track once, then cuts, mixes and renders every segment
# of every epoch in `training.loader_threads` workers beside the training step; the plain side
# reads the preprocessed matrices from memory.
#
#   scripts/bench_augment.sh [CONFIG ...]     default: configs/cnn_mel_augment.yaml
#
# Environment: EPOCHS (3), ROUNDS (3), CLIPS (../shared/data/gtzan-mini), WORK (build/bench-augment),
# JAAMS_BINARY (build/release/jaams). Prints a Markdown table:
#   epoch images/s = training images / (step time + time blocked waiting for the next batch),
#   step images/s  = training images / step time (the trainer's log line),
#   data wait      = share of that time spent waiting for a batch,
#   ratio          = median over rounds of augmented / plain epoch images/s of the same round.
set -euo pipefail
cd "$(dirname "$0")/.."
jaams=${JAAMS_BINARY:-build/release/jaams}
clips=${CLIPS:-../shared/data/gtzan-mini}
work=${WORK:-build/bench-augment}
epochs=${EPOCHS:-3}
rounds=${ROUNDS:-3}
configs=("$@")
((${#configs[@]})) || configs=(configs/cnn_mel_augment.yaml)
[[ -x $jaams ]] || { echo "bench_augment: $jaams not built (bash scripts/build.sh)" >&2; exit 2; }
[[ -d $clips ]] || { echo "bench_augment: $clips not found" >&2; exit 2; }
mkdir -p "$work"
plain=(--set augment.crop=false --set augment.shift_seconds=0 --set augment.gain_db=0 --set augment.noise=0
  --set augment.pitch_semitones=0 --set augment.time_masks=0 --set augment.freq_masks=0 --set augment.mixup=0)

# train NAME CONFIG [--set ...]: prints "step_images_per_s wait_percent"
train() {
  local name=$1 config=$2
  shift 2
  rm -rf "$work/runs/$name"
  "$jaams" train --config "$config" --data "$clips" --output "$work/runs/$name" \
    --set data.cache="$work/cache" --set data.split=kfold --set data.folds=3 --set data.fold=1 \
    --set training.epochs="$epochs" "$@" 2>&1 |
    sed -n 's/.*training: \([0-9.]*\) images\/s, \([0-9.]*\)% of step time waiting for data.*/\1 \2/p' | tail -1
}

echo "| config | side | epoch images/s (median of $rounds) | step images/s | data wait | augmented / plain |"
echo "|---|---|---:|---:|---:|---:|"
for config in "${configs[@]}"; do
  name=$(basename "$config" .yaml)
  train "$name-warmup" "$config" "${plain[@]}" --set training.epochs=1 >/dev/null  # fills the feature cache
  aug_rows=() plain_rows=()
  for ((r = 1; r <= rounds; r++)); do
    aug_rows+=("$(train "$name-aug" "$config")")
    plain_rows+=("$(train "$name-plain" "$config" "${plain[@]}")")
    echo "round $r: augmented ${aug_rows[-1]} | plain ${plain_rows[-1]}" >&2
  done
  /usr/bin/python3 - "$name" "${aug_rows[@]}" -- "${plain_rows[@]}" <<'EOF'
import statistics, sys
name = sys.argv[1]
args = sys.argv[2:]
cut = args.index("--")
def parse(rows):
    out = []
    for row in rows:
        step, wait = map(float, row.split())
        out.append((step * (1 - wait / 100), step, wait))
    return out
aug, plain = parse(args[:cut]), parse(args[cut + 1:])
if not aug or len(aug) != len(plain):
    sys.exit("bench_augment: a training run printed no speed line")
ratio = statistics.median(a[0] / p[0] for a, p in zip(aug, plain))
for side, rows, shown in (("augmented", aug, f"**{ratio:.2f}**"), ("plain", plain, "")):
    med = lambda i: statistics.median(r[i] for r in rows)
    print(f"| {name} | {side} | {med(0):.1f} | {med(1):.1f} | {med(2):.1f}% | {shown} |")
EOF
done
