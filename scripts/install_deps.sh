#!/usr/bin/env bash
# Installs everything jaams needs to build and test from Debian 12's archive.
# Idempotent: packages already present are left alone, and apt is only asked when one is missing.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev            # LibTorch (CPU) for the models
  libopenblas0-openmp     # makes libblas.so.3 OpenBLAS: Debian's default reference BLAS is ~10x slower for the dense layers
  libsndfile1-dev         # decoding WAV/AU/FLAC/OGG/MP3
  libfftw3-dev            # the STFT
  libsoxr-dev             # resampling
  libopencv-core-dev libopencv-imgproc-dev   # colour maps, resizing (only these two: imgcodecs pulls in GDAL)
  libpng-dev              # PNGs: writing with a chosen row filter (OpenCV 4.6 cannot set it, 2x faster), reading
  libcli11-dev libspdlog-dev libyaml-cpp-dev nlohmann-json3-dev
  libgloo-dev             # c10d Gloo headers: data-parallel training across processes (libtorch links libgloo)
  libgtest-dev
  help2man                # the man page of the .deb, made from `jaams --help` at build time
)
# Test-only helpers: sox/flac/vorbis-tools write the format fixtures (libsox-fmt-mp3: the MP3 copies
# of the duplicate audit test), python3-torch(vision) builds
# reference AlexNet weights, the PyTorch side of the training benchmark and loads the TorchScript
# exports; man-db reads the installed .deb's man page in CI.
test_packages=(sox libsox-fmt-mp3 python3-numpy python3-torch python3-torchvision man-db)

want=("${build_packages[@]}")
if [[ "${1:-}" != "--build-only" ]]; then want+=("${test_packages[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install_deps: all ${#want[@]} packages present"
  exit 0
fi
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
echo "install_deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
