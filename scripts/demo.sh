#!/usr/bin/env bash
# `make demo`: runs the main demo from a Release build directory.
# It trains the Fashion-MNIST classifier (examples/fashion_mnist.cpp); without that program it
# runs the tensor/autograd tour.
set -euo pipefail
build=${1:-build}
if [ -x "$build/example_fashion_mnist" ]; then
  exec "$build/example_fashion_mnist"
fi
exec "$build/example_tour"
