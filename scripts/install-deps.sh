#!/usr/bin/env bash
# Installs every Debian package ember needs to build, test and run its demo.
# Idempotent and quick when everything is present. `--bench` adds libtorch-dev for side-by-side
# benchmarks. See docs/DEPENDENCIES.md for why each package is here.
set -euo pipefail
pkgs=(build-essential cmake ninja-build ccache pkg-config git clang-format
      libopenblas-pthread-dev libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev zlib1g-dev
      python3-torch python3-numpy python3-protobuf dataset-fashion-mnist
      clang-14 libclang-rt-14-dev)
for arg in "$@"; do
  case "$arg" in
    --bench) pkgs+=(libtorch-dev) ;;
    *) echo "install-deps.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
