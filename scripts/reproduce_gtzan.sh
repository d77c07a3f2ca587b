#!/usr/bin/env bash
# The report's experiments on the real GTZAN, on a machine that has it:
#   scripts/reproduce_gtzan.sh DATA_ROOT [--split track|paper|filtered] [--out DIR] [--set key=value ...]
# DATA_ROOT is GTZAN's folder: either DATA_ROOT/genres/<genre>/*.au (the original release) or
# DATA_ROOT/genres_original/<genre>/*.wav (the common Kaggle copy), or DATA_ROOT/<genre>/ directly.
# Runs preprocess (all three image kinds), trains ann/cnn/alexcnn on mel and cnn on centroid and
# chroma, the stats baseline and the transfer models (compact_cnn features, with and without stats)
# and cnn on the mel matrix, evaluates each on its test split and writes the report (Table 2, Figure 9, curves and
# confusion matrices) to OUT/report. Every stage resumes where an interrupted run stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
root=${1:?usage: scripts/reproduce_gtzan.sh DATA_ROOT [--split S] [--out DIR] [--set k=v ...]}
shift
split=track
out=out/gtzan
sets=()
while (($#)); do
  case $1 in
    --split) split=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --set) sets+=(--set "$2"); shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
for candidate in "$root/genres_original" "$root/genres" "$root"; do
  if [[ -d $candidate/blues ]]; then audio=$candidate; break; fi
done
[[ -n ${audio:-} ]] || { echo "$root: no <genre>/ folders found (expected genres/ or genres_original/)" >&2; exit 2; }

build=${JAAMS_BUILD_DIR:-build/release}
[[ -x $build/jaams ]] || bash scripts/build.sh --target jaams
jaams=$build/jaams

# GTZAN's jazz.00054 is unreadable in some copies; preprocess reports such files and goes on.
"$jaams" preprocess --input "$audio" --output "$out/images" || echo "some files failed: see $out/images/failures.csv"

alex=()
if [[ -f models/alexnet_features.pt ]]; then
  alex=(--set model.backbone_weights=models/alexnet_features.pt)
else
  echo "models/alexnet_features.pt not found: alexcnn runs on a RANDOM backbone (see README, 'The AlexNet backbone')"
  alex=(--set model.backbone_weights= --set model.random_backbone=true)
fi
for run in ann_mel cnn_mel alexcnn_mel cnn_centroid cnn_chroma; do
  extra=()
  [[ $run == alexcnn_* ]] && extra=("${alex[@]}")
  resume=()
  [[ -f $out/runs/$run/checkpoint.pt && ! -f $out/runs/$run/run.json ]] && resume=(--resume)
  if [[ -f $out/runs/$run/run.json ]]; then echo "$run: done already"; continue; fi
  "$jaams" train --config "configs/$run.yaml" --data "$out/images" --output "$out/runs/$run" \
    --set data.split="$split" "${sets[@]}" "${extra[@]}" "${resume[@]}"
done
# The models that read feature matrices preprocess the audio themselves into $out/features.
for run in stats transfer transfer_stats cnn_mel_matrix; do
  resume=()
  [[ -f $out/runs/$run/checkpoint.pt && ! -f $out/runs/$run/run.json ]] && resume=(--resume)
  if [[ -f $out/runs/$run/run.json ]]; then echo "$run: done already"; continue; fi
  "$jaams" train --config "configs/$run.yaml" --data "$audio" --output "$out/runs/$run" \
    --set data.cache="$out/features/$run" --set data.split="$split" "${sets[@]}" "${resume[@]}"
done
"$jaams" report "$out"/runs/* --output "$out/report" --title "GTZAN, split: $split"
echo "report: $out/report/report.html"
