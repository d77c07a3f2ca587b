#!/usr/bin/env bash
# Run HERE (Debian 12, jaams' packages installed by scripts/install_deps.sh, apt's archive reachable):
#   scripts/make_gpu_bundle.sh [BUNDLE_DIR]        (default .gpu-bundle, which git ignores)
#   GPU_BUNDLE_CLIPS=2   gtzan-mini clips per genre copied into BUNDLE_DIR/gtzan-mini, for the
#                        train and predict stages of scripts/gpu_run.sh (0: none); only
#                        the repository travels to the GPU machine, not ../shared beside it
# Gathers, as .deb files, the Debian packages a jaams build on the GPU machine links besides
# LibTorch: the -dev packages (headers, CMake and pkg-config files) and exactly the runtime
# libraries their shared objects load, found by following ELF NEEDED entries from the installed
# libraries rather than package Depends (libopencv-core406 Depends on libglx0 -> mesa -> LLVM, 23 MB,
# that nothing jaams runs ever loads). The C and C++ runtimes (glibc, libstdc++, libgcc) are the
# GPU machine's own. Prints every package with its size and the total, and fails over 40 MiB: the
# device tool carries at most 64 MiB with the working tree. scripts/gpu_run.sh unpacks it there.
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=${1:-.gpu-bundle}
limit_mib=40
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")

# What jaams' CMakeLists.txt finds, plus pkgconf for pkg_check_modules where the machine has none.
# OpenCV: core and imgproc only (PNGs go through libpng; imgcodecs would pull in GDAL).
roots=(libsndfile1-dev libfftw3-dev libsoxr-dev libopencv-core-dev libopencv-imgproc-dev libpng-dev zlib1g-dev
       libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev libgtest-dev pkgconf pkgconf-bin)
# The GPU machine's own C/C++ runtime and the headers its compiler comes with: never shadowed by
# Debian's copies.
system_pkgs='^(libc6|libc6-dev|linux-libc-dev|libcrypt-dev|libtirpc-dev|libnsl-dev|libstdc\+\+6|libstdc\+\+-[0-9]+-dev|libgcc-s1)$'
system_libs='^(libc|libm|libdl|librt|libpthread|libstdc\+\+|libgcc_s|ld-linux-x86-64|ld-linux-aarch64)\.so'

# -dev packages: the roots and the -dev packages they depend on (pkg-config follows Requires.private
# to flac.pc, ogg.pc, ... even for a shared build), found recursively.
declare -A chosen=()
todo=("${roots[@]}")
while ((${#todo[@]})); do
  p=${todo[0]}; todo=("${todo[@]:1}")
  [[ -n ${chosen[$p]:-} || $p =~ $system_pkgs ]] && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    { echo "make_gpu_bundle: $p is not installed here (run scripts/install_deps.sh)" >&2; exit 2; }
  chosen[$p]=1
  while read -r dep; do [[ $dep == *-dev ]] && todo+=("$dep"); done < <(
    apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "$p" |
      sed -n 's/^ *|\?\(Pre\)\?Depends: \([^<]*\)$/\2/p')
done

# Runtime libraries: what the -dev packages' lib*.so links resolve to, then everything those load
# (their NEEDED entries, recursively), less the system's own.
declare -A soname_path=() seen=()
while read -r soname path; do
  [[ -z ${soname_path[$soname]:-} ]] && soname_path[$soname]=$path
done < <(ldconfig -p | awk -v a="${arch%%-*}" '/=>/ && (index($0, a) || index($0, "x86-64")) {print $1, $NF}')
libs=("$(readlink -f /usr/bin/pkgconf)")  # the bundled pkg-config and its libpkgconf
mapfile -t dev_files < <(dpkg -L "${!chosen[@]}")
for f in "${dev_files[@]}"; do [[ $f == *.so && -e $f ]] && libs+=("$(readlink -f "$f")"); done
files=()
while ((${#libs[@]})); do
  f=${libs[0]}; libs=("${libs[@]:1}")
  [[ -n ${seen[$f]:-} ]] && continue
  seen[$f]=1
  files+=("$f")
  while read -r soname; do
    [[ $soname =~ $system_libs || -z ${soname_path[$soname]:-} ]] && continue
    libs+=("$(readlink -f "${soname_path[$soname]}")")
  done < <(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
done
# Their packages, in one dpkg query; merged /usr: dpkg may know a file under /lib, not /usr/lib.
lookup=()
for f in "${files[@]}"; do lookup+=("$f"); [[ $f == /usr/lib/* ]] && lookup+=("${f#/usr}"); done
while read -r p; do [[ $p =~ $system_pkgs ]] || chosen[$p]=1; done < <(
  dpkg -S "${lookup[@]}" 2>/dev/null | cut -d: -f1 | tr ',' '\n' | sed 's/^ *//' | sort -u)

rm -rf "$bundle" && mkdir -p "$bundle"
mapfile -t pkgs < <(printf '%s\n' "${!chosen[@]}" | sort)
# Exit status 3: Debian's archive could not be reached (the caller may skip what needs the bundle).
(cd "$bundle" && apt-get -o APT::Sandbox::User=root download "${pkgs[@]}" >/dev/null) ||
  { echo "make_gpu_bundle: apt-get download failed (is Debian's archive reachable?)" >&2; exit 3; }
total=0
printf '%-32s %10s\n' package KiB
for deb in "$bundle"/*.deb; do
  size=$(stat -c %s "$deb"); total=$((total + size))
  printf '%-32s %10d\n' "$(basename "${deb%%_*}")" $((size / 1024))
done
mib=$(awk -v b=$total 'BEGIN {printf "%.1f", b / 1048576}')
echo "make_gpu_bundle: ${#pkgs[@]} packages, $mib MiB in $bundle (limit $limit_mib MiB)"
((total <= limit_mib * 1048576)) || { echo "make_gpu_bundle: over $limit_mib MiB" >&2; exit 1; }

clips=${GPU_BUNDLE_CLIPS:-2}
gtzan=../shared/data/gtzan-mini
if ((clips > 0)) && [[ -d $gtzan ]]; then
  for genre_dir in "$gtzan"/*/; do
    genre=$(basename "$genre_dir")
    mkdir -p "$bundle/gtzan-mini/$genre"
    find "$genre_dir" -maxdepth 1 -type f | sort | head -n "$clips" | xargs -r cp -t "$bundle/gtzan-mini/$genre"
  done
  echo "make_gpu_bundle: $(find "$bundle/gtzan-mini" -type f | wc -l) gtzan-mini clips, $(du -sh "$bundle/gtzan-mini" | cut -f1), in $bundle/gtzan-mini"
fi
echo "make_gpu_bundle: $(du -sh "$bundle" | cut -f1) to carry in all"
