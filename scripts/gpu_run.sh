#!/usr/bin/env bash
# Builds, tests and benchmarks jaams on a GPU machine in one call, from a bare machine that has
# CUDA, CMake, ninja, a C++ compiler and a CUDA PyTorch but no package registry (see README.md,
# "GPU build"; the device call is in BENCHMARKS.md, "GPU"):
#
#   bash scripts/gpu_run.sh                 on the GPU machine, .gpu-bundle carried beside the tree
#   GPU_RUN_DRY=1 bash scripts/gpu_run.sh   here, on the CPU: every stage but the CUDA ones
#
# Stages, each timed and stopped at its own limit so that one running long loses only itself:
#   system      machine, driver, PyTorch and its C++ ABI
#   unpack      the .deb bundle (scripts/make_gpu_bundle.sh) unpacked with dpkg -x into a prefix;
#               pkg-config must find jaams' libraries there alone
#   build       GPU: configure against PyTorch's CUDA LibTorch (torch.utils.cmake_prefix_path) and
#               the prefix, build everything with all cores. Dry: configure a scratch folder against
#               the prefix alone (proves the bundle is complete) and reuse GPU_RUN_BUILD_DIR
#   cuda-tests  the CUDA tests (test_train: Cuda.*, Device.*); on the GPU a skipped one fails
#   cpu-tests   ctest's quick suites (GPU_RUN_TESTS, a ctest -R pattern; GPU_RUN_TESTS_EXCLUDE, -E)
#   bench-train training images/s of bench_train_step per model (GPU_RUN_MODELS): CPU beside GPU
#               float32, GPU bf16 autocast with its logit difference, and the share of step time
#               waiting for data when batches come from BatchLoader in host memory as in training
#   train       the real trainer: cnn on mel images of the carried gtzan-mini clips, on the GPU
#   predict     jaams predict with that package, CPU beside GPU, over the clips copied (hard
#               links) until one GPU pass takes about GPU_RUN_PREDICT_SECONDS (60)
# The end: one table, and every number as JSON in $OUT/gpu_run.json (with the log and the raw
# JSON lines beside it). Exit status: 0 when every stage passed (or, in a dry run without gtzan-mini,
# skipped train and predict), 1 otherwise.
#
# Environment: OUT (default out/gpu-run), GPU_RUN_BUNDLE (.gpu-bundle), GPU_RUN_PREFIX
# (/tmp/jaams-gpu-prefix), GPU_RUN_BUILD_DIR (build/gpu; dry: build/release), GPU_RUN_MODELS,
# GPU_RUN_PREDICT_SECONDS, GPU_RUN_LIMIT_<STAGE> (seconds; STAGE upper-case, '-' as '_'),
# GPU_RUN_STAGES (a subset, in order, e.g. "unpack build bench-train" for a second call on a machine
# still warm, which keeps build/gpu: the build is then incremental).
set -uo pipefail
cd "$(dirname "$0")/.."
self=$(pwd)/scripts/gpu_run.sh
dry=${GPU_RUN_DRY:-0}
export GPU_RUN_DRY=$dry
export OUT=${OUT:-$(pwd)/out/gpu-run}
mkdir -p "$OUT"
export GPU_RUN_BUNDLE=${GPU_RUN_BUNDLE:-$(pwd)/.gpu-bundle}
export GPU_RUN_PREFIX=${GPU_RUN_PREFIX:-/tmp/jaams-gpu-prefix}
export WORK=${GPU_RUN_WORK:-/tmp/jaams-gpu-run}
export ARCH=$(uname -m)-linux-gnu
if [[ $dry == 1 ]]; then
  export BUILD=${GPU_RUN_BUILD_DIR:-build/release}
  export PY=${PYTHON:-/usr/bin/python3}
  export GPU_RUN_MODELS=${GPU_RUN_MODELS:-cnn alexcnn-head alexcnn stats-head transfer-head}
  export GPU_RUN_PREDICT_SECONDS=${GPU_RUN_PREDICT_SECONDS:-20}
  export GPU_RUN_TESTS=${GPU_RUN_TESTS:-^(Png|TorchCompat|BatchLoader)\\.}
else
  export BUILD=${GPU_RUN_BUILD_DIR:-build/gpu}
  export PY=${PYTHON:-python3}  # the GPU machine's own, with the CUDA PyTorch
  export GPU_RUN_MODELS=${GPU_RUN_MODELS:-cnn alexcnn-head alexcnn stats-head transfer-head}
  export GPU_RUN_PREDICT_SECONDS=${GPU_RUN_PREDICT_SECONDS:-60}
  export GPU_RUN_TESTS=${GPU_RUN_TESTS:-.}
fi
# The suites that run the jaams binary end to end train and predict many times: minutes, not the
# quick suite; the CUDA tests have their own stage.
export GPU_RUN_TESTS_EXCLUDE=${GPU_RUN_TESTS_EXCLUDE:-^(Cuda|Device)\\.|Cli\\.|HostileInputs|BrokenInput}
results=$OUT/results.jsonl

# ---- one stage, run as `gpu_run.sh __stage NAME` under its own time limit ----------------------
record() { # record KEY JSON-OBJECT: one line of results
  printf '{"stage": "%s", "data": %s}\n' "$1" "$2" >>"$results"
}
# The bundle's library folders: Debian 12 still ships some in /lib, and OpenBLAS in its own (the
# alternatives link that names it libblas.so.3 is made by dpkg, which dpkg -x does not run).
libdirs="$GPU_RUN_PREFIX/usr/lib/$ARCH:$GPU_RUN_PREFIX/lib/$ARCH:$GPU_RUN_PREFIX/usr/lib/$ARCH/openblas-openmp"

stage_system() {
  echo "host: $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
  sed -n 's/^PRETTY_NAME=//p' /etc/os-release 2>/dev/null
  echo "glibc: $(ldd --version 2>&1 | head -n1)"
  echo "c++: $(c++ --version 2>&1 | head -n1); cmake: $(cmake --version | head -n1); ninja: $(ninja --version 2>&1)"
  if [[ $dry == 1 ]]; then
    record system "{\"device\": \"absent (dry run on $(nproc) CPU cores)\", \"torch\": \"Debian LibTorch\"}"
    return 0
  fi
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || return 1
  "$PY" - "$results" <<'EOF' || return 1
import json, sys, torch
info = {"device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none",
        "torch": torch.__version__, "cuda": torch.version.cuda,
        "cxx11_abi": bool(getattr(torch, "compiled_with_cxx11_abi", lambda: torch._C._GLIBCXX_USE_CXX11_ABI)()),
        "cmake_prefix": torch.utils.cmake_prefix_path}
print(json.dumps(info))
open(sys.argv[1], "a").write(json.dumps({"stage": "system", "data": info}) + "\n")
# Debian's C++ libraries in the bundle use the C++11 string ABI: a LibTorch without it cannot link them.
sys.exit(0 if torch.cuda.is_available() and info["cxx11_abi"] else 1)
EOF
}

stage_unpack() {
  shopt -s nullglob
  local debs=("$GPU_RUN_BUNDLE"/*.deb)
  ((${#debs[@]})) || { echo "no .deb files in $GPU_RUN_BUNDLE: run scripts/make_gpu_bundle.sh here first"; return 1; }
  rm -rf "$GPU_RUN_PREFIX" && mkdir -p "$GPU_RUN_PREFIX"
  for deb in "${debs[@]}"; do dpkg -x "$deb" "$GPU_RUN_PREFIX" || return 1; done
  # Debian's .pc and CMake files name /usr (soxr.pc as -L/usr/...): point them into the prefix.
  grep -rlZ --include='*.pc' --include='*.cmake' '/usr' "$GPU_RUN_PREFIX/usr" 2>/dev/null |
    xargs -0 -r sed -i "s#\([ =\"';]\|-[IL]\)/usr#\1$GPU_RUN_PREFIX/usr#g"
  # pkg-config that runs from the prefix and searches the prefix only.
  mkdir -p "$GPU_RUN_PREFIX/bin"
  cat >"$GPU_RUN_PREFIX/bin/pkg-config" <<EOF
#!/bin/sh
export PKG_CONFIG_LIBDIR="$GPU_RUN_PREFIX/usr/lib/$ARCH/pkgconfig:$GPU_RUN_PREFIX/usr/share/pkgconfig"
LD_LIBRARY_PATH="$libdirs" exec "$GPU_RUN_PREFIX/usr/bin/pkgconf" "\$@"
EOF
  chmod +x "$GPU_RUN_PREFIX/bin/pkg-config"
  "$GPU_RUN_PREFIX/bin/pkg-config" --modversion sndfile fftw3f soxr libpng || return 1
  # OpenBLAS's libraries look for their own dependencies beside themselves (RUNPATH $ORIGIN), and
  # a RUNPATH hides the executable's RPATH from them: give them the bundle's copies there.
  local blas=$GPU_RUN_PREFIX/usr/lib/$ARCH/openblas-openmp lib soname
  for lib in "$blas"/*.so*; do
    for soname in $(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      [[ -e $GPU_RUN_PREFIX/usr/lib/$ARCH/$soname && ! -e $blas/$soname ]] && ln -s "../$soname" "$blas/$soname"
    done
  done
  # A program linked as jaams is, against every library jaams links: everything it loads must come
  # from the bundle, apart from the C/C++ runtime.
  local probe=$WORK/link-probe outside
  echo 'int main() { return 0; }' >"$probe.cpp"
  mapfile -t flags < <(configure_args "" | sed -n 's/^-DCMAKE_EXE_LINKER_FLAGS=//p' | tr ' ' '\n')
  "${CXX:-c++}" "$probe.cpp" -o "$probe" -L"$GPU_RUN_PREFIX/usr/lib/$ARCH" -Wl,--no-as-needed "${flags[@]}" -lsndfile -lsoxr \
    -lfftw3f -lopencv_imgproc -lopencv_core -lpng16 -lyaml-cpp -lspdlog -lfmt || return 1
  outside=$(LD_DEBUG=libs "$probe" 2>&1 | sed -n 's/.*calling init: //p' |
    grep -vE "^$GPU_RUN_PREFIX/|/(libc|libm|libdl|librt|libpthread|libstdc\+\+|libgcc_s|ld-linux[-a-z0-9_]*)\.so")
  [[ -z $outside ]] || { echo "loaded from outside the bundle:"; echo "$outside"; return 1; }
  local mib
  mib=$(du -cb "${debs[@]}" | awk 'END {printf "%.1f", $1 / 1048576}')
  echo "unpacked ${#debs[@]} packages ($mib MiB of .deb) into $GPU_RUN_PREFIX ($(du -sh "$GPU_RUN_PREFIX" | cut -f1))"
  record unpack "{\"packages\": ${#debs[@]}, \"deb_mib\": $mib}"
}

# The CMake arguments that build against the prefix (and $1: Torch's prefix). The executables get a
# DT_RPATH to the prefix (--disable-new-dtags), which, unlike RUNPATH, also finds the libraries'
# own dependencies (libsndfile's libFLAC): no LD_LIBRARY_PATH, which would reach the machine's tools.
configure_args() {
  local p=$GPU_RUN_PREFIX/usr
  printf '%s\n' "-DCMAKE_PREFIX_PATH=$1;$p;$p/lib/$ARCH/cmake;$p/share/cmake" \
    "-DPKG_CONFIG_EXECUTABLE=$GPU_RUN_PREFIX/bin/pkg-config" \
    "-DCMAKE_EXE_LINKER_FLAGS=-Wl,--disable-new-dtags -Wl,-rpath,${libdirs//:/ -Wl,-rpath,} -Wl,-rpath-link,${libdirs//:/ -Wl,-rpath-link,}" \
    "-DCMAKE_POLICY_VERSION_MINIMUM=3.5"
}

stage_build() {
  if [[ $dry == 1 ]]; then
    # Configure only, with / and /usr hidden from CMake's searches once Debian's CPU LibTorch (the
    # stand-in for the GPU machine's) is found: every other package must come from the bundle.
    local scratch=$WORK/configure-check
    rm -rf "$scratch"
    printf 'find_package(Torch REQUIRED)\nset(CMAKE_SYSTEM_IGNORE_PREFIX_PATH /usr /)\n' >"$WORK/torch_first.cmake"
    mapfile -t args < <(configure_args "")
    cmake -S . -B "$scratch" -G Ninja "${args[@]}" -DCMAKE_PROJECT_jaams_INCLUDE="$WORK/torch_first.cmake" \
      >"$WORK/configure.log" 2>&1 || { cat "$WORK/configure.log"; return 1; }
    # Every library and header folder CMake chose, apart from LibTorch's own and CMake's tools.
    local found outside
    found=$(grep -E '^[A-Za-z0-9_-]+:(FILEPATH|PATH)=/' "$scratch/CMakeCache.txt" | grep -vE '^(CMAKE|JAAMS)_' | sort)
    sed 's/^/  /' <<<"$found"
    # GLOO: c10d's Gloo headers, found beside LibTorch's own (a pip LibTorch carries them);
    # HELP2MAN: the machine's own tool for the man page (skipped where absent).
    outside=$(grep -vE "^(Torch|TORCH|Caffe2|c10|Protobuf|glog|GLOG|gflags|Unwind|MKL|kineto|GLOO|HELP2MAN)[A-Za-z0-9_]*:|=$GPU_RUN_PREFIX/" <<<"$found")
    [[ -z $outside ]] || { echo "configure found these outside the bundle:"; echo "$outside"; return 1; }
    echo "configure against the bundle: ok; reusing the CPU build in $BUILD"
    cmake --build "$BUILD" -j "${JAAMS_JOBS:-$(nproc)}" || return 1
    return 0
  fi
  local torch_prefix
  torch_prefix=$("$PY" -c 'import torch; print(torch.utils.cmake_prefix_path)') || return 1
  mapfile -t args < <(configure_args "$torch_prefix")
  # Hopper only: the CUDA code is LibTorch's own; this stops its CMake files probing other architectures.
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release "${args[@]}" -DTORCH_CUDA_ARCH_LIST=9.0 \
    >"$WORK/configure.log" 2>&1 || { tail -n 60 "$WORK/configure.log"; return 1; }
  cmake --build "$BUILD" -j "$(nproc)" || return 1
  "$BUILD/jaams" --version
}

stage_cuda_tests() {
  local log=$WORK/cuda-tests.log
  "$BUILD/tests/test_train" --gtest_filter='Cuda.*:Device.*' >"$log" 2>&1
  local rc=$?
  ((rc == 0)) || tail -n 40 "$log"
  grep -E '^\[ +(OK|FAILED|SKIPPED) +\]' "$log"
  local passed skipped failed
  passed=$(grep -cE '^\[ +OK +\] ' "$log"); skipped=$(grep -cE '^\[ +SKIPPED +\] ' "$log"); failed=$(grep -cE '^\[ +FAILED +\] .*\(' "$log")
  record cuda-tests "{\"passed\": $passed, \"skipped\": $skipped, \"failed\": $failed}"
  ((rc == 0)) || return 1
  if [[ $dry != 1 ]] && ((skipped > 0)); then echo "CUDA tests skipped on the GPU machine"; return 1; fi
  return 0
}

stage_cpu_tests() {
  local log=$WORK/ctest.log
  ctest --test-dir "$BUILD" -j "$(nproc)" --timeout 300 -R "$GPU_RUN_TESTS" -E "$GPU_RUN_TESTS_EXCLUDE" \
    --output-on-failure >"$log" 2>&1
  local rc=$?
  tail -n 25 "$log"
  local summary
  summary=$(grep -E 'tests passed|tests failed' "$log" | tail -n1)
  record cpu-tests "{\"summary\": \"$summary\", \"exit\": $rc}"
  return $rc
}

bench() { # bench VARIANT ARGS...: one bench_train_step run, its JSON tagged with the variant
  local line
  line=$("$BUILD/bench_train_step" "${@:2}") || return 1
  echo "$1 $line"
  record bench-train "$("$PY" -c 'import json, sys; d = json.loads(sys.argv[2]); d["variant"] = sys.argv[1]; print(json.dumps(d))' "$1" "$line")"
}

stage_bench_train() {
  local model batch ok=0
  for model in $GPU_RUN_MODELS; do
    case $model in *-head) batch=4096 ;; *) batch=256 ;; esac
    if [[ $dry == 1 ]]; then
      bench cpu --model "$model" --batch 8 --samples 16 --warmup 1 --steps 2 --repeats 1 || ok=1
      continue
    fi
    local gpu=(--device cuda --model "$model" --batch "$batch" --warmup 3 --steps 8 --repeats 3)
    bench cpu --model "$model" --batch 32 --samples 64 --warmup 2 --steps 4 --repeats 1 || ok=1
    bench gpu "${gpu[@]}" --samples $((2 * batch)) || ok=1
    bench gpu-bf16 "${gpu[@]}" --samples $((2 * batch)) --amp bf16 || ok=1
    bench gpu-loader "${gpu[@]}" --samples $((4 * batch)) --loader || ok=1
  done
  return $ok
}

clips() { # the carried gtzan-mini clips, else the one beside the checkout
  for d in "$GPU_RUN_BUNDLE/gtzan-mini" ../shared/data/gtzan-mini; do [[ -d $d ]] && { echo "$d"; return 0; }; done
  echo "no gtzan-mini clips in $GPU_RUN_BUNDLE or ../shared/data" >&2
  # Exit status 3 marks the stage skipped: a checkout without gtzan-mini still dry-runs the rest.
  [[ $dry == 1 ]] && return 3
  return 1
}

stage_train() {
  local data device=cuda
  data=$(clips) || return
  [[ $dry == 1 ]] && device=cpu
  rm -rf "$WORK/images" "$WORK/run"
  "$BUILD/jaams" --quiet preprocess --input "$data" --output "$WORK/images" --kinds mel --set audio.hop_seconds=5 || return 1
  local start=$SECONDS
  "$BUILD/jaams" --quiet train --config configs/cnn_mel.yaml --data "$WORK/images" --output "$WORK/run" \
    --set audio.hop_seconds=5 --set training.epochs=2 --set training.patience=0 --set training.batch_size=16 \
    --device "$device" || return 1
  echo "trained cnn_mel on $device in $((SECONDS - start)) s: $WORK/run/model.jaams"
  record train "{\"device\": \"$device\", \"seconds\": $((SECONDS - start))}"
}

predict_once() { # predict_once DEVICE FOLDER: prints "files audio_s seconds" from jaams' own summary
  local log=$WORK/predict-$1.log
  "$BUILD/jaams" predict --model "$WORK/run/model.jaams" --device "$1" --output "$WORK/rows-$1.csv" "$2" \
    2>"$log" || [[ $? == 1 ]] || { cat "$log"; return 1; }
  sed -n 's/.*predict: \([0-9]*\) files, [0-9]* failed, \([0-9.]*\) s of audio in \([0-9.]*\) s.*/\1 \2 \3/p' "$log"
}

stage_predict() {
  local data devices=(cpu cuda) base
  data=$(clips) || return
  [[ -f $WORK/run/model.jaams ]] || { echo "no model package: the train stage did not finish"; return 1; }
  [[ $dry == 1 ]] && devices=(cpu)
  for device in "${devices[@]}"; do
    read -r files audio seconds <<<"$(predict_once "$device" "$data")" || return 1
    [[ -n ${seconds:-} ]] || { echo "no predict summary for $device"; return 1; }
    # Copies (hard links) of the clips, enough for about GPU_RUN_PREDICT_SECONDS of scoring on the
    # GPU, a quarter of that on the CPU (at least 5 s): the CPU figure is the comparison.
    local copies target=$GPU_RUN_PREDICT_SECONDS
    [[ $device == cpu ]] && target=$(( GPU_RUN_PREDICT_SECONDS / 4 > 5 ? GPU_RUN_PREDICT_SECONDS / 4 : 5 ))
    copies=$(awk -v t="$target" -v s="$seconds" 'BEGIN {c = int(t / (s > 0.01 ? s : 0.01)) + 1; print (c > 200 ? 200 : c)}')
    rm -rf "$WORK/filled"
    for ((i = 1; i <= copies; i++)); do
      mkdir -p "$WORK/filled/$i" && cp -rl "$data"/. "$WORK/filled/$i/" 2>/dev/null || cp -r "$data"/. "$WORK/filled/$i/"
    done
    read -r files audio seconds <<<"$(predict_once "$device" "$WORK/filled")" || return 1
    [[ -n ${seconds:-} ]] || { echo "no predict summary for $device"; return 1; }
    echo "predict on $device: $files files, $audio s of audio in $seconds s ($copies copies of $data)"
    record predict "{\"device\": \"$device\", \"files\": $files, \"audio_s\": $audio, \"seconds\": $seconds}"
  done
}

if [[ ${1:-} == __stage ]]; then
  mkdir -p "$WORK"
  "stage_${2//-/_}"
  exit $?
fi

# ---- the run: every stage in order, each under its limit ---------------------------------------
rm -f "$results" "$OUT/stages.tsv"
mkdir -p "$WORK"
exec > >(tee "$OUT/gpu_run.log") 2>&1
tee_pid=$!
echo "== gpu_run $( [[ $dry == 1 ]] && echo "(dry run: no CUDA)") $(date -u +%FT%TZ), limits in seconds"
total_start=$SECONDS
status=0
# Each stage's limit, and GPU_RUN_TOTAL for all of them: under 8 minutes on the device, with the
# build the largest share. A stage gets at most what the total leaves after 15 s for each stage
# still to come, so a slow one squeezes the rest instead of the device call's own limit ending all.
total=${GPU_RUN_TOTAL:-470}
declare -A limit=([system]=30 [unpack]=45 [build]=240 [cuda-tests]=45 [cpu-tests]=75 [bench-train]=120 [train]=45 [predict]=120)
read -r -a stages <<<"${GPU_RUN_STAGES:-system unpack build cuda-tests cpu-tests bench-train train predict}"
for name in "${stages[@]}"; do
  [[ -n ${limit[$name]:-} ]] || { echo "GPU_RUN_STAGES: unknown stage '$name'"; exit 2; }
done
for i in "${!stages[@]}"; do
  name=${stages[$i]}
  var=GPU_RUN_LIMIT_${name//-/_}; var=${var^^}
  seconds=${!var:-${limit[$name]}}
  left=$(( total - (SECONDS - total_start) - 15 * (${#stages[@]} - i - 1) ))
  (( seconds > left )) && seconds=$(( left > 5 ? left : 5 ))
  echo "== stage $name (limit $seconds s)"
  start=$SECONDS
  timeout -k 10 "$seconds" bash "$self" __stage "$name"
  rc=$?
  case $rc in 0) result=ok ;; 3) result=skipped ;; 124 | 137) result=timeout ;; *) result=failed ;; esac
  [[ $rc == 0 || $rc == 3 ]] || status=1
  printf '%s\t%s\t%d\n' "$name" "$result" $((SECONDS - start)) >>"$OUT/stages.tsv"
  echo "== stage $name: $result in $((SECONDS - start)) s"
  # Nothing can build or run without these.
  if [[ $rc != 0 && ($name == unpack || $name == build) ]]; then
    echo "== stopping: the $name stage is needed by the rest"
    break
  fi
done
echo "== all stages: $((SECONDS - total_start)) s"
"$PY" scripts/gpu_run_table.py "$results" "$OUT/stages.tsv" "$OUT/gpu_run.json" || status=1
# Let tee write the log's last lines before the call returns (it ends what it leaves running).
exec >&- 2>&-
wait "$tee_pid" 2>/dev/null
exit $status
