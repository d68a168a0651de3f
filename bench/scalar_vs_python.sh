#!/usr/bin/env bash
# Compares ember::scalar with a pure-Python micrograd on the same work (build and back-propagate a
# 2->16->16->1 MLP over 100 samples). Usage: bench/scalar_vs_python.sh BUILD_DIR
set -euo pipefail

build_dir=${1:?usage: $0 BUILD_DIR (containing bench_scalar)}
here=$(cd "$(dirname "$0")" && pwd)
bench="$build_dir/bench_scalar"
if [[ ! -x "$bench" ]]; then
  echo "error: $bench not found; build the bench_scalar target first" >&2
  exit 1
fi

echo "== C++: $bench"
cpp_json=$("$bench" --benchmark_filter='^BM_MlpBuildBackward$' --benchmark_repetitions=5 \
  --benchmark_format=json 2>/dev/null)
cpp_us=$(/usr/bin/python3 -c '
import json, sys
runs = json.loads(sys.stdin.read())["benchmarks"]
mean = [r for r in runs if r.get("aggregate_name") == "mean"][0]
scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[mean["time_unit"]]
print("%.1f" % (mean["cpu_time"] * scale))' <<<"$cpp_json")
echo "ember::scalar: $cpp_us us/iter (CPU time, mean of 5 repetitions)"

echo "== Python: $here/micrograd_reference.py"
py_out=$(/usr/bin/python3 "$here/micrograd_reference.py")
echo "$py_out"
py_on=$(sed -n 's/^micrograd_reference gc=on: \([0-9.]*\) us.*/\1/p' <<<"$py_out")
py_off=$(sed -n 's/^micrograd_reference gc=off: \([0-9.]*\) us.*/\1/p' <<<"$py_out")

echo "== ratio (Python CPU time / C++ CPU time, both means)"
awk -v c="$cpp_us" -v on="$py_on" -v off="$py_off" 'BEGIN {
  printf "vs Python, gc on (default):      %.0fx\n", on / c
  printf "vs Python, gc off during a step: %.0fx\n", off / c
}'
