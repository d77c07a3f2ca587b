#!/usr/bin/env bash
# Repeated stratified cross-validation by track on a small labelled set (gtzan-mini by default):
# each config is trained K x R times with `data.split: kfold` (fold f of K is the test set, the
# other folds train; repeat r shuffles the folds with split seed r), and the summary gives the
# track accuracy of each repeat (correct tracks / all tracks, every track tested once per
# repeat) with its mean and standard deviation over the repeats.
#
#   scripts/cv_gtzan_mini.sh [CONFIG ...]
#     env: JAAMS_BINARY (build/release/jaams), CV_DATA (../shared/data/gtzan-mini),
#          CV_WORK (build/cv), CV_FOLDS (7), CV_REPEATS (3), CV_SET ("--set k=v ..." for every run)
#
# Runs that finished are kept: re-running the script continues an interrupted cross-validation.
set -euo pipefail
cd "$(dirname "$0")/.."
jaams=${JAAMS_BINARY:-build/release/jaams}
data=${CV_DATA:-../shared/data/gtzan-mini}
work=${CV_WORK:-build/cv}
folds=${CV_FOLDS:-7}
repeats=${CV_REPEATS:-3}
read -r -a extra <<<"${CV_SET:-}"
configs=("$@")
if ((${#configs[@]} == 0)); then configs=(configs/stats.yaml configs/transfer.yaml configs/transfer_stats.yaml configs/cnn_mel.yaml); fi
[[ -x $jaams ]] || { echo "cv: $jaams not built (bash scripts/build.sh)" >&2; exit 2; }
[[ -d $data ]] || { echo "cv: $data not found" >&2; exit 2; }
mkdir -p "$work"

for config in "${configs[@]}"; do
  name=$(basename "$config" .yaml)
  start=$(date +%s)
  for ((r = 1; r <= repeats; r++)); do
    for ((f = 1; f <= folds; f++)); do
      run="$work/$name/r$r-f$f"
      [[ -f $run/run.json ]] && continue
      rm -rf "$run"
      "$jaams" --quiet train --config "$config" --data "$data" --output "$run" \
        --set data.cache="$work/cache/$name" --set data.split=kfold --set data.folds="$folds" \
        --set data.fold="$f" --set data.split_seed="$r" "${extra[@]}" >/dev/null
    done
  done
  echo "== $name: $((folds * repeats)) runs in $(( $(date +%s) - start )) s" >&2
done
/usr/bin/python3 scripts/cv_summary.py "$work" "${configs[@]}"
