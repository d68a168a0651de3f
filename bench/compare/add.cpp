// Workload 1: `a + b` on 1-element and 100-element float tensors (µs per op, result kept alive
// until the next op replaces it, as in a user's loop). Prints RESULT add_1 / add_100.
#include <torch/torch.h>

#include "common.h"

int main(int argc, char** argv) {
  const int iters = compare::quick(argc, argv) ? 50000 : 500000;
  for (int64_t n : {1, 100}) {
    torch::Tensor a = torch::ones({n});
    torch::Tensor b = torch::full({n}, 2.0);
    torch::Tensor c;
    const double s = compare::time_per_call(iters / 10, iters, [&] { c = a + b; });
    if (c[0].item<float>() != 3.0f) return 1;
    compare::result("add_" + std::to_string(n), s * 1e6, "us");
  }
  return 0;
}
