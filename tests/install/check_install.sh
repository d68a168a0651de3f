#!/usr/bin/env bash
# usage: check_install.sh BUILD_DIR CONSUMER_SRC WORK_DIR
set -euo pipefail
build=$1 src=$2 work=$3
cmake=${CMAKE:-cmake}
rm -rf "$work" && mkdir -p "$work"
"$cmake" --install "$build" --prefix "$work/prefix" > "$work/install.log"
"$cmake" -S "$src" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release \
  > "$work/configure.log"
"$cmake" --build "$work/build" > "$work/build.log"
out=$("$work/build/consumer")
echo "$out"
[ "$out" = "consumer ok: 2x2 sum 10" ] || { echo "unexpected output from cmake consumer"; exit 1; }
# pkg-config
PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig:$work/prefix/lib/x86_64-linux-gnu/pkgconfig" \
  c++ "$src/main.cpp" -o "$work/consumer-pc" \
  $(PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig:$work/prefix/lib/x86_64-linux-gnu/pkgconfig" \
    pkg-config --cflags --libs --static ember)
out=$("$work/consumer-pc")
[ "$out" = "consumer ok: 2x2 sum 10" ] || { echo "unexpected output from pkg-config consumer"; exit 1; }
echo "install check passed"
