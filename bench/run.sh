#!/usr/bin/env bash
# Runs ember's own Google Benchmark programs (bench/*_bench.cpp -> BUILD/bench_*); `make bench-micro`.
# Extra arguments go to every program, e.g. bench/run.sh build --benchmark_filter=sgemm
# The side-by-side comparison with libtorch is bench/compare.sh (`make bench`).
set -euo pipefail
build=${1:-build}
shift || true
found=0
for b in "$build"/bench_*; do
  [[ -x $b && -f $b ]] || continue
  found=1
  echo "== $b"
  "$b" "$@"
done
if [[ $found -eq 0 ]]; then
  echo "bench/run.sh: no bench_* programs in $build; run \`make build\` first" >&2
  exit 1
fi
