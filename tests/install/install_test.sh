#!/usr/bin/env bash
# Installs the build into a temporary prefix and checks what a user of the installed jaams gets:
# the executable and its data under share/jaams, find_package(jaams) for a program of their own
# (tests/install/consumer: a mel spectrogram through the core library), and the .deb cpack makes
# (left in BUILD/package/ for scripts/test.sh to install on a CI machine).
#   tests/install/install_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
for f in bin/jaams include/jaams/version.hpp include/jaams/features/feature_extractor.hpp \
         lib/cmake/jaams/jaamsConfig.cmake share/jaams/configs/cnn_mel.yaml \
         share/jaams/configs/splits/gtzan_filtered_train.txt share/jaams/models/compact_cnn/compact_cnn.pt \
         share/jaams/models/compact_cnn/LICENSE.md share/jaams/models/compact_cnn/README.md; do
  [[ -e $prefix/$f ]] || fail "cmake --install did not install $f"
done
"$prefix/bin/jaams" --version | grep -q '^jaams ' || fail "the installed jaams --version"

# A consumer program, configured against the prefix alone.
cmake -S "$here/consumer" -B "$work/consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  >"$work/consumer-configure.log" 2>&1 || { cat "$work/consumer-configure.log"; fail "configuring the consumer"; }
cmake --build "$work/consumer" >"$work/consumer-build.log" 2>&1 || { cat "$work/consumer-build.log"; fail "building the consumer"; }
out=$("$work/consumer/mel_consumer") || fail "the consumer: $out"
echo "$out"

# Installed beside bin/, a program finds the shipped data under share/jaams (the prefix is outside
# the source tree, so no other place of util/data_files can answer).
cp "$work/consumer/mel_consumer" "$prefix/bin/"
found=$(env -u JAAMS_DATA_DIR "$prefix/bin/mel_consumer" models/compact_cnn/compact_cnn.pt configs/splits)
[[ $found == "$prefix/share/jaams/models/compact_cnn/compact_cnn.pt"$'\n'"$prefix/share/jaams/configs/splits" ]] \
  || fail "the installed data was not found under $prefix/share/jaams: $found"

# The Debian package.
rm -rf "$build/package"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$build/package" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$build"/package/jaams_*.deb)
contents=$(dpkg-deb --contents "$deb")
grep -q '\./usr/bin/jaams$' <<<"$contents" || fail "$deb has no /usr/bin/jaams"
grep -q '\./usr/share/man/man1/jaams\.1' <<<"$contents" || fail "$deb has no man page"
grep -q '\./usr/share/jaams/models/compact_cnn/compact_cnn\.pt$' <<<"$contents" || fail "$deb has no shipped weights"
depends=$(dpkg-deb --field "$deb" Depends)
for lib in libtorch libsndfile1 libfftw3 libopencv-core; do
  grep -q "$lib" <<<"$depends" || fail "$deb does not depend on $lib (Depends: $depends)"
done
echo "built $deb; Depends: $depends"
