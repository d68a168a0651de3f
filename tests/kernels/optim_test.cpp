// The optimizer update kernels: Adam and AdamW differ only in where the weight decay goes (exact
// one-element cases), and splitting a large parameter across threads changes no bit.
#include "kernels/cpu/optim.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "ember/core/threads.h"

namespace ember::kernels {
namespace {

// One Adam step on p = 1, g = 0.5, zero moments: lr 0.1, weight decay 0.1, β = (0.9, 0.999),
// first step (bias corrections 1 − 0.9 and √(1 − 0.999)).
double adam_one(bool decoupled) {
  double p = 1, g = 0.5, m = 0, v = 0;
  adam_update<double>(&p, &g, &m, &v, nullptr, 1, 0.1, 0.9, 0.999, 1e-8, 0.1, decoupled, false,
                      1 - 0.9, std::sqrt(1 - 0.999));
  return p;
}

TEST(AdamKernel, CoupledWeightDecayIsAddedToTheGradient) {
  // g = 0.5 + 0.1·1 = 0.6; m = 0.06; √v / √(1 − β2) = 0.6; p = 1 − (0.1 / 0.1)·0.06 / 0.6.
  EXPECT_NEAR(adam_one(false), 0.9, 1e-7);
}

TEST(AdamKernel, DecoupledWeightDecayScalesTheParameterFirst) {
  // p = 1·(1 − 0.1·0.1) = 0.99; m = 0.05; √v / √(1 − β2) = 0.5; p = 0.99 − 0.05 / 0.5.
  EXPECT_NEAR(adam_one(true), 0.89, 1e-7);
}

// Runs `update` on a copy of the same state with 1 and with 2 threads; the results must match
// to the bit (each element's update is its own).
void expect_thread_independent(int buffers,
                               const std::function<void(std::vector<std::vector<float>>&)>& run) {
  const int64_t n = (1 << 18) + 37;  // large enough to split, with a ragged last chunk
  std::vector<std::vector<float>> init(2 + buffers, std::vector<float>(n));
  for (size_t b = 0; b < init.size(); ++b)
    for (int64_t i = 0; i < n; ++i) init[b][i] = std::sin(0.001f * i + b) * (b + 1);
  std::vector<std::vector<float>> results[2];
  const int saved = get_num_threads();
  for (int t = 0; t < 2; ++t) {
    set_num_threads(t + 1);
    results[t] = init;
    for (int step = 0; step < 3; ++step) run(results[t]);
  }
  set_num_threads(saved);
  for (size_t b = 0; b < init.size(); ++b)
    EXPECT_EQ(results[0][b], results[1][b]) << "buffer " << b;
  EXPECT_NE(results[0][0], init[0]) << "the parameter did not change";
}

TEST(OptimKernels, SplittingAcrossThreadsChangesNoBit) {
  using Buffers = std::vector<std::vector<float>>;
  const auto n = static_cast<int64_t>((1 << 18) + 37);
  expect_thread_independent(1, [&](Buffers& b) {
    sgd_update<float>(b[0].data(), b[1].data(), b[2].data(), n, 0.1, 0.9, 0, 1e-2, true, false);
  });
  for (bool decoupled : {false, true}) {
    expect_thread_independent(3, [&](Buffers& b) {
      for (float& v : b[3]) v = std::abs(v);  // second moments are non-negative
      adam_update<float>(b[0].data(), b[1].data(), b[2].data(), b[3].data(), b[4].data(), n, 1e-3,
                         0.9, 0.999, 1e-8, 1e-2, decoupled, true, 0.1, 0.03);
    });
  }
  expect_thread_independent(3, [&](Buffers& b) {
    for (float& v : b[2]) v = std::abs(v) + 20;  // square_avg above grad_avg² (centered)
    rmsprop_update<float>(b[0].data(), b[1].data(), b[2].data(), b[3].data(), b[4].data(), n, 1e-2,
                          0.99, 1e-8, 1e-2, 0.9, true);
  });
  expect_thread_independent(1, [&](Buffers& b) {
    for (float& v : b[2]) v = std::abs(v);
    adagrad_update<float>(b[0].data(), b[1].data(), b[2].data(), n, 1e-2, 1e-3, 1e-2, 1e-10, 2);
  });
}

}  // namespace
}  // namespace ember::kernels
