#!/usr/bin/env bash
# Where does the report cnn's accuracy go? The same cnn (2 x conv5/ReLU/pool, FC 64, FC 9; Adam
# 1e-3, batch 32) cross-validated by track on gtzan-mini (3 folds x 3 seeds, every clip tested
# once per seed; segments of 10 s every 5 s, track = mean of its segments), changing ONE thing
# at a time about what it is fed:
#   rgb          the report's route: magma RGB image, 8-bit, resized to 288 x 432, / 255
#   gray         the same image in gray levels
#   unresized    the magma RGB image at the matrix's own size, 128 x 431 (no resize)
#   matrix       the mel dB matrix itself, 1 x 128 x 431, scaled to (dB + 40) / 40
#   rgb_hop10, matrix_hop10   the same with segments every 10 s (one per 15-19.5-s clip)
#   matrix_crop  the matrix, each training segment cut at a random start in its clip every epoch
#   matrix_scaled01, matrix_raw_db   the matrix scaled to [0, 1] ((dB + 80) / 80) or left in dB
#   matrix_init_seed2, matrix_init_seed3   the matrix with other initial weights (training.seed)
#   rgb_end, matrix_end, rgb_hop10_end   the same with audio.remainder: end (every second of a
#                clip scored: one more segment aligned to its end); the other rows keep pad
#   scripts/ablation_cnn_input.sh [VARIANT ...]   env: CV_WORK (build/ablation), CV_REPEATS (3), EPOCHS (20)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${CV_WORK:-build/ablation}
epochs=${EPOCHS:-20}
common="--set training.epochs=$epochs --set training.patience=0 --set audio.hop_seconds=5 --set audio.remainder=pad"
declare -A config sets
config[rgb]=configs/cnn_mel.yaml;        sets[rgb]=""
config[gray]=configs/cnn_mel.yaml;       sets[gray]="--set image.colormap=gray"
config[unresized]=configs/cnn_mel.yaml;  sets[unresized]="--set image.height=128 --set image.width=431"
config[matrix]=configs/cnn_mel_matrix.yaml; sets[matrix]=""
config[rgb_hop10]=configs/cnn_mel.yaml;  sets[rgb_hop10]="--set audio.hop_seconds=10"
config[matrix_hop10]=configs/cnn_mel_matrix.yaml; sets[matrix_hop10]="--set audio.hop_seconds=10"
config[matrix_crop]=configs/cnn_mel_matrix.yaml; sets[matrix_crop]="--set augment.crop=true"
config[matrix_scaled01]=configs/cnn_mel_matrix.yaml; sets[matrix_scaled01]="--set model.input_scale=unit"
config[matrix_raw_db]=configs/cnn_mel_matrix.yaml; sets[matrix_raw_db]="--set model.input_scale=db"
config[matrix_init_seed2]=configs/cnn_mel_matrix.yaml; sets[matrix_init_seed2]="--set training.seed=2"
config[matrix_init_seed3]=configs/cnn_mel_matrix.yaml; sets[matrix_init_seed3]="--set training.seed=3"
config[rgb_end]=configs/cnn_mel.yaml;    sets[rgb_end]="--set audio.remainder=end"
config[matrix_end]=configs/cnn_mel_matrix.yaml; sets[matrix_end]="--set audio.remainder=end"
config[rgb_hop10_end]=configs/cnn_mel.yaml; sets[rgb_hop10_end]="--set audio.hop_seconds=10 --set audio.remainder=end"
variants=("$@")
if ((${#variants[@]} == 0)); then variants=(rgb gray unresized matrix); fi
for v in "${variants[@]}"; do
  [[ -n ${config[$v]:-} ]] || { echo "unknown variant $v (known: ${!config[*]})" >&2; exit 2; }
  echo "== variant $v" >&2
  CV_WORK="$work/$v" CV_FOLDS=3 CV_REPEATS=${CV_REPEATS:-3} CV_SET="$common ${sets[$v]}" \
    bash scripts/cv_gtzan_mini.sh "${config[$v]}" | sed "s/^| cnn_mel[a-z_]* |/| $v |/"
done
