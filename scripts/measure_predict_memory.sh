#!/usr/bin/env bash
# Checks that `jaams predict` streams: the peak memory (RSS) for a 60-minute file must stay within
# 10% of the peak for a 30-second one.
#
#   scripts/measure_predict_memory.sh MODEL.jaams [JAAMS_BINARY]
#
# Both files are 44.1 kHz stereo WAV (so decoding, down-mixing and resampling are all exercised),
# made with sox when installed, else with Debian's python3 + numpy. Needs GNU time (/usr/bin/time;
# Debian package `time`).
#
# The runs use jaams' default batch size (1 on the CPU). With a larger batch the 30-s clip is no
# fair baseline: its three segments never fill a batch of 4, so it never allocates the full
# batch's buffers that any longer file does once (BATCH=4 shows that one-time step; it does not
# grow with length either).
# Environment: BATCH (0 = jaams' default), THREADS (2), DEVICE (cpu), WORK (a temporary folder, removed afterwards).
# Exit status: 0 within 10%, 1 above, 2 usage or tool errors.
set -euo pipefail

usage() { echo "usage: $0 MODEL.jaams [JAAMS_BINARY]" >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 ]] || usage
pkg=$1
here=$(cd "$(dirname "$0")/.." && pwd)
jaams=${2:-$here/${JAAMS_BUILD_DIR:-build/release}/jaams}
[[ -f $pkg ]] || { echo "$pkg: no such model package" >&2; exit 2; }
[[ -x $jaams ]] || { echo "$jaams: jaams binary not found (pass it as the second argument)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time not found: apt-get install -y time" >&2; exit 2; }
batch=${BATCH:-0}
threads=${THREADS:-2}
device=${DEVICE:-cpu}

# shellcheck source=lib/work_folder.sh
source "$(dirname "$0")/lib/work_folder.sh"

# make_wav SECONDS PATH: pink noise with a slow tremolo, -6 dBFS, 44.1 kHz, 2 channels, 16 bit.
make_wav() {
  local seconds=$1 path=$2
  if command -v sox > /dev/null; then
    sox -n -r 44100 -c 2 -b 16 "$path" synth "$seconds" pinknoise tremolo 0.5 40 vol 0.5
  else
    /usr/bin/python3 - "$seconds" "$path" << 'EOF'
import sys, wave
import numpy as np
seconds, path = float(sys.argv[1]), sys.argv[2]
rate, block = 44100, 44100 * 10
rng = np.random.default_rng(1)
with wave.open(path, "wb") as w:
    w.setnchannels(2); w.setsampwidth(2); w.setframerate(rate)
    done, total = 0, int(seconds * rate)
    while done < total:
        n = min(block, total - done)
        t = (done + np.arange(n)) / rate
        tone = 0.3 * np.sin(2 * np.pi * (220 + 110 * np.sin(2 * np.pi * t / 30)) * t)
        left = tone + 0.1 * rng.standard_normal(n)
        stereo = np.stack([left, 0.9 * left], axis=1)
        w.writeframes((np.clip(stereo, -1, 1) * 32767).astype("<i2").tobytes())
        done += n
EOF
  fi
}

echo "making test audio in $WORK ..." >&2
make_wav 30 "$WORK/clip-30s.wav"
make_wav 3600 "$WORK/track-60min.wav"

# peak_kb FILE: runs jaams predict on FILE under GNU time, prints its maximum RSS in KiB.
peak_kb() {
  local file=$1 log="$WORK/time-$(basename "$1").txt"
  if ! /usr/bin/time -v -o "$log" "$jaams" predict -q --device "$device" --threads "$threads" --batch-size "$batch" \
      --model "$pkg" --output "$WORK/rows-$(basename "$file").csv" "$file"; then
    echo "jaams predict failed on $file" >&2
    exit 2
  fi
  awk -F': *' '/Maximum resident set size/ {print $2}' "$log"
}

short_kb=$(peak_kb "$WORK/clip-30s.wav")
long_kb=$(peak_kb "$WORK/track-60min.wav")
segments=$(awk -F, 'NR == 2 {print $(NF - 2)}' "$WORK/rows-track-60min.wav.csv")

awk -v s="$short_kb" -v l="$long_kb" -v seg="$segments" -v b="$batch" 'BEGIN {
  ratio = l / s
  printf "peak RSS, 30-s clip:      %8.1f MiB\n", s / 1024
  printf "peak RSS, 60-min track:   %8.1f MiB  (%s segments, batch size %s)\n", l / 1024, seg, (b == 0 ? "default" : b)
  printf "ratio 60 min / 30 s:      %8.3f  (limit 1.100)\n", ratio
  exit (ratio > 1.10) ? 1 : 0
}'
