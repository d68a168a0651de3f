#!/usr/bin/env bash
# `make demo`: runs the main demo from a Release build directory.
# It trains the Fashion-MNIST classifier (examples/fashion_mnist.cpp); without that program it
# runs the tensor/autograd tour.
set -euo pipefail
build=${1:-build}
# OpenMP threads that spin while waiting make a 2-thread run many times slower when anything else
# wants a core (a build, a browser); passive waiting costs a few percent on an idle machine.
# See docs/PERFORMANCE.md, "Threads". A value the user set wins.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
if [ -x "$build/example_fashion_mnist" ]; then
  exec "$build/example_fashion_mnist"
fi
exec "$build/example_tour"
