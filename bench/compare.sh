#!/usr/bin/env bash
# ember vs libtorch, side by side (issue #7). Builds every workload in bench/compare/ twice (Release:
# against Debian's libtorch-dev and against this tree), runs them alternately for several rounds,
# prints a table of medians and writes it into docs/PERFORMANCE.md between
# <!-- compare:begin --> and <!-- compare:end -->.
#
#   bench/compare.sh                 # 5 rounds (about 10 minutes on 2 cores, once built)
#   bench/compare.sh --quick         # fewer iterations and 2 rounds: a smoke run
#   bench/compare.sh --rounds 9 --no-doc
# Environment: COMPARE_BUILD (build-dir prefix, default build/compare -> build/compare-{torch,ember}),
# JOBS (parallel compile jobs, default nproc). libtorch: `scripts/install-deps.sh --bench`.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
prefix=${COMPARE_BUILD:-$repo/build/compare}
jobs=${JOBS:-$(nproc)}
rounds=5
quick=()
doc=$repo/docs/PERFORMANCE.md
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=(--quick); rounds=2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift ;;
    --no-doc) doc="" ;;
    *) echo "usage: $0 [--quick] [--rounds N] [--no-doc]" >&2; exit 2 ;;
  esac
  shift
done

py=/usr/bin/python3
[[ -x $py ]] || py=python3
programs=(add backward mlp_adam mlp_sgd lenet sgemm hello)

# build_side BACKEND DIR [EXTRA_TARGETS...]: configures DIR, builds each program on its own and
# writes DIR/status/<program>: "ok" or why it did not build (read by report.py).
build_side() {
  local backend=$1 dir=$2
  shift 2
  mkdir -p "$dir/status"
  if ! cmake -S "$repo/bench/compare" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DBACKEND="$backend" -DPython3_EXECUTABLE=/usr/bin/python3 >"$dir/configure.log" 2>&1; then
    echo "compare: configuring the $backend build failed, see $dir/configure.log" >&2
    return 1
  fi
  local p log
  for p in "${programs[@]}" "$@"; do
    log="$dir/status/compare_$p.log"
    [[ $p == bench_* ]] && log="$dir/status/$p.log"
    local target=compare_$p
    [[ $p == bench_* ]] && target=$p
    if cmake --build "$dir" --target "$target" -j "$jobs" >"$log" 2>&1; then
      echo ok >"$dir/status/$target"
    else
      "$py" "$repo/bench/compare/report.py" --missing "$log" >"$dir/status/$target"
      echo "compare: $backend $target: $(cat "$dir/status/$target")" >&2
    fi
  done
}

torch_dir=""
echo "compare: building the libtorch side in $prefix-torch" >&2
if build_side torch "$prefix-torch"; then
  torch_dir=$prefix-torch
else
  echo "compare: libtorch not found; install it with scripts/install-deps.sh --bench." \
    "Reporting ember alone." >&2
fi
echo "compare: building the ember side in $prefix-ember" >&2
build_side ember "$prefix-ember" bench_gemm bench_scalar

args=(--ember "$prefix-ember" --rounds "$rounds" "${quick[@]}")
[[ -n $torch_dir ]] && args+=(--torch "$torch_dir")
[[ -n $doc ]] && args+=(--doc "$doc")
exec "$py" "$repo/bench/compare/report.py" "${args[@]}"
