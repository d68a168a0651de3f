#!/usr/bin/env bash
# ember vs libtorch, side by side (issue #7). Builds every workload in bench/compare/ twice (Release:
# against Debian's libtorch-dev and against this tree), runs them alternately for several rounds on
# an idle machine and beside two `yes > /dev/null` processes (busy), prints a table of medians per
# phase and writes them into docs/PERFORMANCE.md between <!-- compare:begin --> and
# <!-- compare:end -->.
#
#   bench/compare.sh                 # 5 rounds, idle and busy
#   bench/compare.sh --quick         # fewer iterations and 2 rounds: a smoke run
#   bench/compare.sh --idle          # the idle table only (--busy: the busy table only)
#   bench/compare.sh --before main   # also ember built from git ref `main`, in the same rounds
#   bench/compare.sh --rounds 9 --no-doc
# --before REF: REF's sources (`git archive`) are unpacked into $prefix-before-src, built in
# $prefix-before with this tree's workloads, run as "ember (REF)", and removed at the end.
# Environment: COMPARE_BUILD (build-dir prefix, default build/compare -> build/compare-{torch,ember}),
# JOBS (parallel compile jobs, default nproc). libtorch: `scripts/install-deps.sh --bench`.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
prefix=${COMPARE_BUILD:-$repo/build/compare}
jobs=${JOBS:-$(nproc)}
rounds=5
quick=()
phases=idle,busy
before=""
doc=$repo/docs/PERFORMANCE.md
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=(--quick); rounds=2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift ;;
    --idle) phases=idle ;;
    --busy) phases=busy ;;
    --before) before=${2:?--before needs a git ref}; shift ;;
    --no-doc) doc="" ;;
    *) echo "usage: $0 [--quick] [--rounds N] [--idle | --busy] [--before REF] [--no-doc]" >&2
       exit 2 ;;
  esac
  shift
done

py=/usr/bin/python3
[[ -x $py ]] || py=python3
programs=(add backward mlp_adam mlp_sgd lenet sgemm hello)

# build_side BACKEND DIR EMBER_SOURCE [EXTRA_TARGETS...]: configures DIR (against ember's sources
# in EMBER_SOURCE when BACKEND is ember), builds each program on its own and writes
# DIR/status/<program>: "ok" or why it did not build (read by report.py).
build_side() {
  local backend=$1 dir=$2 source=$3
  shift 3
  mkdir -p "$dir/status"
  if ! cmake -S "$repo/bench/compare" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DBACKEND="$backend" -DEMBER_SOURCE_DIR="$source" -DPython3_EXECUTABLE=/usr/bin/python3 \
      >"$dir/configure.log" 2>&1; then
    echo "compare: configuring the $backend build in $dir failed, see $dir/configure.log" >&2
    return 1
  fi
  local p log target
  for p in "${programs[@]}" "$@"; do
    target=compare_$p
    [[ $p == bench_* ]] && target=$p
    log="$dir/status/$target.log"
    if cmake --build "$dir" --target "$target" -j "$jobs" >"$log" 2>&1; then
      echo ok >"$dir/status/$target"
    else
      "$py" "$repo/bench/compare/report.py" --missing "$log" >"$dir/status/$target"
      echo "compare: $backend $target: $(cat "$dir/status/$target")" >&2
    fi
  done
}

# --before: the unpacked sources are removed however the script ends (Ctrl-C and SIGTERM exit
# through the EXIT trap too).
before_src=""
cleanup() { [[ -z $before_src ]] || rm -rf "$before_src"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

torch_dir=""
echo "compare: building the libtorch side in $prefix-torch" >&2
if build_side torch "$prefix-torch" "$repo"; then
  torch_dir=$prefix-torch
else
  echo "compare: libtorch not found; install it with scripts/install-deps.sh --bench." \
    "Reporting ember alone." >&2
fi
echo "compare: building the ember side in $prefix-ember" >&2
build_side ember "$prefix-ember" "$repo" bench_gemm bench_scalar

args=(--ember "$prefix-ember" --rounds "$rounds" --phases "$phases" "${quick[@]}")
if [[ -n $before ]]; then
  if ! rev=$(git -C "$repo" rev-parse --verify --quiet "$before^{commit}"); then
    echo "compare: --before $before: not a commit in $repo" >&2
    exit 2
  fi
  # git archive stamps files with the commit's time, so a build of another commit in the same
  # directory could look up to date: start over when the commit changes.
  if [[ "$(cat "$prefix-before/commit" 2>/dev/null)" != "$rev" ]]; then
    rm -rf "$prefix-before"
    mkdir -p "$prefix-before"
    echo "$rev" >"$prefix-before/commit"
  fi
  before_src=$prefix-before-src
  rm -rf "$before_src"
  mkdir -p "$before_src"
  git -C "$repo" archive --format=tar "$rev" | tar -x -C "$before_src"
  echo "compare: building ember at $before ($rev) in $prefix-before" >&2
  build_side ember "$prefix-before" "$before_src"
  args+=(--before "$prefix-before" --before-label "$before")
fi
[[ -n $torch_dir ]] && args+=(--torch "$torch_dir")
[[ -n $doc ]] && args+=(--doc "$doc")
"$py" "$repo/bench/compare/report.py" "${args[@]}"
