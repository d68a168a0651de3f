// Workload 2: `(x * b).sum().backward()` on 1-element tensors (µs per iteration: forward graph,
// backward pass, gradient accumulated into x.grad()). Prints RESULT mul_sum_backward.
#include <torch/torch.h>

#include <cmath>

#include "common.h"

int main(int argc, char** argv) {
  const int iters = compare::quick(argc, argv) ? 20000 : 200000;
  torch::Tensor x = torch::ones({1}, torch::requires_grad());
  torch::Tensor b = torch::full({1}, 3.0);
  const double s = compare::time_per_call(iters / 10, iters, [&] { (x * b).sum().backward(); });
  const double expect = 3.0 * (iters / 10 + iters);
  if (std::abs(x.grad().item<double>() - expect) > 1e-6 * expect + 1) return 1;
  compare::result("mul_sum_backward", s * 1e6, "us");
  return 0;
}
