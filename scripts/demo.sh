#!/usr/bin/env bash
# The main job, end to end on a fresh Debian 12 machine: install what is missing, build, compose
# the built-in demo dataset (GTZAN cannot ship), preprocess it, train the report's three models,
# evaluate them and print the accuracy table. Stages print how long they took.
#
#   bash scripts/demo.sh            # everything under out/demo/
#   DEMO_PER_GENRE=10 bash scripts/demo.sh
#
# alexcnn runs on pretrained AlexNet features when models/alexnet_features.pt exists (make it with
# scripts/export_alexnet.py); otherwise on RANDOM frozen features, and every output says so.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${DEMO_OUT:-out/demo}
per_genre=${DEMO_PER_GENRE:-20}
epochs=${DEMO_EPOCHS:-10}
t0=$(date +%s)
last=$t0
stage() {
  local now
  now=$(date +%s)
  printf '== %-44s %4d s (total %d s)\n' "$1" $((now - last)) $((now - t0))
  last=$now
}

bash scripts/install_deps.sh --build-only
stage "dependencies"
JAAMS_BUILD_DIR=build/release bash scripts/build.sh --target jaams
jaams=build/release/jaams
stage "build"

"$jaams" synth --out "$out/audio" --per-genre "$per_genre" --seconds 30 --seed 1
stage "synth: $per_genre clips x 9 genres x 30 s"
"$jaams" preprocess --input "$out/audio" --output "$out/images"
stage "preprocess: mel, centroid, chroma images"

alex=(--set model.backbone_weights= --set model.random_backbone=true)
if [[ -f models/alexnet_features.pt ]]; then alex=(--set model.backbone_weights=models/alexnet_features.pt); fi
for run in ann_mel cnn_mel alexcnn_mel; do
  extra=()
  [[ $run == alexcnn_* ]] && extra=("${alex[@]}")
  rm -rf "$out/runs/$run"
  "$jaams" --quiet train --config "configs/$run.yaml" --data "$out/images" --output "$out/runs/$run" \
    --set training.epochs="$epochs" --set training.patience=4 "${extra[@]}"
  stage "train + evaluate $run"
done
# The models that work on real music: the statistics baseline and transfer from compact_cnn
# (pretrained on music, shipped in models/compact_cnn/), both trained from the audio itself.
for run in stats transfer_stats; do
  rm -rf "$out/runs/$run"
  "$jaams" --quiet train --config "configs/$run.yaml" --data "$out/audio" --output "$out/runs/$run" \
    --set data.cache="$out/features" --set audio.hop_seconds=10
  stage "train + evaluate $run"
done

"$jaams" eval --model "$out/runs/cnn_mel/model.jaams" --run "$out/runs/cnn_mel" --split test --output "$out/eval-cnn_mel"
stage "eval cnn_mel (test split)"
"$jaams" report "$out"/runs/* --output "$out/report" --title "jaams demo: synthetic 9-genre set"
stage "report"
echo "HTML report: $out/report/report.html"
