#!/usr/bin/env bash
# The test suite on a machine where the pthread build of OpenBLAS is installed and selected by
# update-alternatives (what `apt install libopenblas-dev` gives), in a fresh build directory.
# ember links the pthread build by its path (cmake/EmberBlas.cmake), so nothing of ember may
# change; libtorch, which links the generic libblas.so.3, then runs the pthread build. The
# machine's alternatives are restored on exit.
#   scripts/ci-blas-variant.sh [BUILD_DIR]   (default build-blas-pthread)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-blas-pthread}
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi

if ! dpkg-query -W -f='${Status}' libopenblas-pthread-dev 2>/dev/null | grep -q "install ok installed"; then
  echo "ci-blas-variant: installing libopenblas-dev with its pthread build"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq --no-install-recommends libopenblas-dev libopenblas-pthread-dev > /dev/null
fi

links=("libopenblas.so.0-$arch" "libblas.so.3-$arch" "liblapack.so.3-$arch")
declare -A saved
for l in "${links[@]}"; do
  saved[$l]=$(update-alternatives --query "$l" 2>/dev/null | sed -n 's/^Value: //p')
done
restore() {
  for l in "${links[@]}"; do
    if [ -n "${saved[$l]}" ]; then $SUDO update-alternatives --quiet --set "$l" "${saved[$l]}"; fi
  done
}
trap restore EXIT
pthread_dir=/usr/lib/$arch/openblas-pthread
$SUDO update-alternatives --quiet --set "libopenblas.so.0-$arch" "$pthread_dir/libopenblas.so.0"
$SUDO update-alternatives --quiet --set "libblas.so.3-$arch" "$pthread_dir/libblas.so.3"
$SUDO update-alternatives --quiet --set "liblapack.so.3-$arch" "$pthread_dir/liblapack.so.3"
echo "ci-blas-variant: libopenblas.so.0 -> $(readlink -f /usr/lib/$arch/libopenblas.so.0)"

make test BUILD="$build"
