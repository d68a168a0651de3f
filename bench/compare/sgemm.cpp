// Workload 6: float32 matrix product `torch::mm(a, b)` of n×n matrices, n = 128 ... 2048, in
// GFLOPS (2n³ flops per product; the output is allocated by each call, as user code does).
// Prints RESULT sgemm_<n>.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "common.h"

int main(int argc, char** argv) {
  const bool quick = compare::quick(argc, argv);
  torch::manual_seed(0);
  for (int64_t n : {128, 256, 512, 1024, 2048}) {
    torch::Tensor a = torch::randn({n, n});
    torch::Tensor b = torch::randn({n, n});
    torch::Tensor c = torch::mm(a, b);
    // Spot check one entry against a double dot product.
    double ref = 0;
    for (int64_t p = 0; p < n; ++p) ref += a[3][p].item<double>() * b[p][5].item<double>();
    if (std::abs(c[3][5].item<double>() - ref) > 1e-3 * std::sqrt(double(n)) + 1e-3) return 1;
    const double flops = 2.0 * n * n * n;
    // Enough calls for ~0.5 s at 300 GFLOPS (0.1 s with --quick), at least 3.
    const int iters = std::max(3, static_cast<int>((quick ? 3e10 : 1.5e11) / flops));
    const double s =
        compare::time_per_call(std::max(1, iters / 10), iters, [&] { c = torch::mm(a, b); });
    compare::result("sgemm_" + std::to_string(n), flops / s * 1e-9, "GFLOPS");
  }
  return 0;
}
