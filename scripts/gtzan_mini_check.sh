#!/usr/bin/env bash
# A CI-sized run of the report's three models on real music: preprocess the gtzan-mini clips
# (7 per genre, 15-20 s), train ann, cnn and alexcnn on mel images for a few epochs with the
# leak-free track split, then the stats baseline and the compact_cnn transfer model with stats,
# evaluate, and print the accuracy table of `jaams report`.
#
#   scripts/gtzan_mini_check.sh JAAMS_BINARY GTZAN_MINI_DIR WORK_DIR
#
# The clips are short, so segments start every 5 s (15 s -> 2 segments, 20 s -> 3) to give the
# models more than one image per track. alexcnn uses a random AlexNet backbone here (CI has no
# pretrained weights); the report marks it as such. Accuracies on 63 clips are noisy: this is a
# working-order check of the whole method on real audio, not a benchmark.
set -euo pipefail
jaams=${1:?jaams binary}
clips=${2:?gtzan-mini folder}
work=${3:?work folder}
epochs=${JAAMS_CHECK_EPOCHS:-6}
rm -rf "$work/runs" "$work/report"
mkdir -p "$work"
hop=(--set audio.hop_seconds=5)

"$jaams" preprocess --input "$clips" --output "$work/images" --kinds mel "${hop[@]}"
for model in ann cnn alexcnn; do
  extra=()
  if [[ $model == alexcnn ]]; then extra=(--set model.random_backbone=true --set model.backbone_weights=); fi
  "$jaams" --quiet train --config "configs/${model}_mel.yaml" --data "$work/images" --output "$work/runs/${model}_mel" \
    "${hop[@]}" --set training.epochs="$epochs" --set training.patience=0 --set training.batch_size=16 "${extra[@]}"
done
# The models for real music, trained from the audio (their features are cached in $work/features).
for model in stats transfer_stats; do
  "$jaams" --quiet train --config "configs/$model.yaml" --data "$clips" --output "$work/runs/$model" \
    --set data.cache="$work/features"
done
"$jaams" eval --model "$work/runs/cnn_mel/model.jaams" --run "$work/runs/cnn_mel" --split test --output "$work/eval-cnn"
"$jaams" report "$work"/runs/* --output "$work/report" --title "gtzan-mini check (63 real GTZAN clips, CI-sized)"
echo "HTML report: $work/report/report.html"
