#!/usr/bin/env bash
# Run HERE (a Debian 12 machine with apt): downloads the Debian packages jaams needs besides
# LibTorch — libsndfile, FFTW, soxr, OpenCV (core, imgproc, imgcodecs), yaml-cpp, spdlog, fmt,
# CLI11, nlohmann-json, GoogleTest — with their runtime dependencies, as .deb files into BUNDLE_DIR,
# for a GPU machine that has CUDA, CMake and a CUDA PyTorch but no package registry.
# Then copy BUNDLE_DIR there and run scripts/gpu_build_test.sh BUNDLE_DIR.
set -euo pipefail
bundle=${1:?usage: scripts/gpu_bundle_deps.sh BUNDLE_DIR}
mkdir -p "$bundle"
roots=(libsndfile1-dev libfftw3-dev libsoxr-dev libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libpng-dev
       libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev libgtest-dev pkg-config ninja-build)
# What any CUDA image already has: the C/C++ runtime and the base system.
skip='^(libc6|libc-dev-bin|libc6-dev|libgcc-s1|libstdc\+\+6|libstdc\+\+-12-dev|gcc-12-base|zlib1g|libcrypt1|linux-libc-dev|libselinux1|libpcre2-8-0|debconf|dpkg|perl-base|tar|libzstd1|liblzma5|libbz2-1.0|libgcc-12-dev|libtinfo6|libudev1|libsystemd0|libcap2|libgpg-error0|libgcrypt20|liblz4-1|libmd0|libdb5.3|libaudit1|libaudit-common|libcap-ng0|libpam0g|libtirpc3|libtirpc-common|libgssapi-krb5-2|libkrb5-3|libk5crypto3|libkrb5support0|libkeyutils1|libcom-err2|libssl3|libnsl2|libnsl-dev|libtirpc-dev|rpcsvc-proto)$'
mapfile -t pkgs < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
  --no-enhances --no-pre-depends "${roots[@]}" | grep -E '^[a-z0-9]' | grep -vE "$skip" | sort -u)
(cd "$bundle" && apt-get download "${pkgs[@]}" >/dev/null)
echo "$(ls "$bundle"/*.deb | wc -l) packages, $(du -sh "$bundle" | cut -f1) in $bundle"
