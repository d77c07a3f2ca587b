#!/usr/bin/env bash
# Training speed, jaams against PyTorch on the same models, data sizes, batch and threads:
# bench_train_step (jaams, batches through its BatchLoader as the trainer feeds them) and
# scripts/bench_train.py (the same layers in PyTorch, batches as slices of the in-memory set, so
# data costs it nothing) run alternately, A B A B, so drifting machine load hits both sides alike.
# Prints a Markdown table; the raw JSON lines go to stderr.
#
#   scripts/bench_train.sh                   ann, cnn, alexcnn-head with every core
#   THREADS=1 ROUNDS=5 scripts/bench_train.sh cnn
#
# Environment: THREADS (default: all cores), BATCH (32), STEPS (timed steps per repeat; default
# by model: ann 8, cnn 6, alexcnn-head 24, a few seconds of work each on 2 cores), REPEATS (3),
# WARMUP (2), ROUNDS (jaams/PyTorch pairs per model, 3), JAAMS_BUILD_DIR (build/release),
# PYTHON (/usr/bin/python3, Debian's, with python3-torch).
# JAAMS_FLAGS: extra bench_train_step flags, e.g. "--default-malloc" to see jaams without its
# keep_freed_memory() start-up call.
# Both sides load the same libtorch_cpu and libblas.so.3: set LD_LIBRARY_PATH to try another BLAS.
#
# ratio = median over rounds of (jaams images/s / PyTorch images/s) of the same round; the per
# CPU-s ratio divides by each process's CPU time instead of wall time, which other work on a busy
# machine disturbs less; wait = share of jaams' step time spent blocked waiting for the next batch;
# page faults per step show whether a step reuses its memory (a few thousand) or maps fresh pages
# for every large tensor (hundreds of thousands, see jaams::keep_freed_memory).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${JAAMS_BUILD_DIR:-build/release}
python=${PYTHON:-/usr/bin/python3}
threads=${THREADS:-$(nproc)}
batch=${BATCH:-32}
repeats=${REPEATS:-3}
warmup=${WARMUP:-2}
rounds=${ROUNDS:-3}
models=("$@")
((${#models[@]})) || models=(ann cnn alexcnn-head)

if ! "$python" -c "import torch" 2>/dev/null; then
  echo "bench_train: $python has no torch; install python3-torch (scripts/install_deps.sh)" >&2
  exit 1
fi
if [[ -f $build_dir/build.ninja || -f $build_dir/Makefile ]]; then
  cmake --build "$build_dir" --target bench_train_step >&2
else
  JAAMS_BUILD_DIR=$build_dir bash scripts/build.sh --target bench_train_step >&2
fi
bench=$build_dir/bench_train_step

common=(--batch "$batch" --repeats "$repeats" --warmup "$warmup" --threads "$threads")
read -r -a jaams_flags <<<"${JAAMS_FLAGS:-}"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
blas=$("$python" -c "import torch, re; print(next((l.split()[-1] for l in open('/proc/self/maps') if re.search(r'libblas|openblas', l)), '?'))")
echo "bench_train: $(nproc) cores, BLAS $(readlink -f "$blas"), load average $(cut -d' ' -f1-3 /proc/loadavg) before" >&2
for model in "${models[@]}"; do
  case $model in ann) steps=${STEPS:-8} ;; cnn) steps=${STEPS:-6} ;; *) steps=${STEPS:-24} ;; esac
  for ((r = 1; r <= rounds; r++)); do
    for side in jaams pytorch; do
      if [[ $side == jaams ]]; then
        line=$("$bench" --model "$model" --steps "$steps" "${common[@]}" --loader ${jaams_flags[@]+"${jaams_flags[@]}"})
      else
        line=$("$python" scripts/bench_train.py --model "$model" --steps "$steps" "${common[@]}")
      fi
      echo "$line" >&2
      echo "$line" >>"$results"
    done
  done
done
echo "bench_train: load average $(cut -d' ' -f1-3 /proc/loadavg) after" >&2

"$python" - "$results" <<'EOF'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("| model | batch | threads | jaams images/s | PyTorch images/s | jaams/PyTorch | jaams/PyTorch per CPU-s | jaams data wait | page faults/step jaams, PyTorch |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for model in dict.fromkeys(r["model"] for r in runs):
    j = [r for r in runs if r["model"] == model and r["impl"] == "jaams"]
    p = [r for r in runs if r["model"] == model and r["impl"] == "pytorch"]
    ratios = [a["images_per_s"] / b["images_per_s"] for a, b in zip(j, p)]
    cpu_ratios = [a["images_per_cpu_s"] / b["images_per_cpu_s"] for a, b in zip(j, p)]
    print(f"| {model} | {j[0]['batch']} | {j[0]['threads']} "
          f"| {statistics.median(r['images_per_s'] for r in j):.1f} "
          f"| {statistics.median(r['images_per_s'] for r in p):.1f} "
          f"| {statistics.median(ratios):.2f} "
          f"| {statistics.median(cpu_ratios):.2f} "
          f"| {100 * statistics.median(r['wait_share'] for r in j):.1f}% "
          f"| {statistics.median(r['page_faults_per_step'] for r in j) / 1000:.0f}k, "
          f"{statistics.median(r['page_faults_per_step'] for r in p) / 1000:.0f}k |")
EOF
