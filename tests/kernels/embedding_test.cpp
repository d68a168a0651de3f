// The embedding kernels against plain serial loops: the scatter-add (split over rows of dw) gives
// the serial loop's bits at every thread count, with padding and per-lookup scales; the gather
// copies rows; the gradient scale follows padding_idx and scale_grad_by_freq.
#include "kernels/cpu/embedding.h"

#include <gtest/gtest.h>

#include <vector>

#include "ember/core/threads.h"

namespace ember::kernels {
namespace {

struct ThreadCount {
  int saved = get_num_threads();
  explicit ThreadCount(int n) { set_num_threads(n); }
  ~ThreadCount() { set_num_threads(saved); }
};

// Deterministic indices in [0, num) and values in [-1, 1).
std::vector<int64_t> indices(int64_t n, int64_t num) {
  std::vector<int64_t> v(n);
  uint32_t s = 7;
  for (auto& x : v) s = s * 1664525u + 1013904223u, x = (s >> 8) % num;
  return v;
}
std::vector<float> values(int64_t n) {
  std::vector<float> v(n);
  uint32_t s = 11;
  for (auto& x : v)
    s = s * 1664525u + 1013904223u, x = static_cast<float>((s >> 8) / 8388608.0 - 1);
  return v;
}

TEST(EmbeddingKernels, ScatterAddMatchesTheSerialLoopAtEveryThreadCount) {
  const int64_t n = 4000, num = 300, d = 33, padding = 5;
  const std::vector<int64_t> idx = indices(n, num);
  const std::vector<float> g = values(n * d);
  std::vector<float> scale(n);
  embedding_grad_scale<float>(scale.data(), idx.data(), n, num, padding, true);
  std::vector<float> expected(num * d, 0.f);
  for (int64_t i = 0; i < n; ++i) {
    if (idx[i] == padding) continue;
    for (int64_t k = 0; k < d; ++k) expected[idx[i] * d + k] += g[i * d + k] * scale[i];
  }
  for (int threads : {1, 2, 3}) {
    ThreadCount tc(threads);
    std::vector<float> dw(num * d, 0.f);
    embedding_scatter_add<float>(dw.data(), g.data(), idx.data(), scale.data(), n, num, d, padding);
    EXPECT_EQ(dw, expected) << threads << " threads";
  }
}

TEST(EmbeddingKernels, GradScaleIsZeroForPaddingAndOneOverTheCount) {
  const std::vector<int64_t> idx{2, 0, 2, 1, 2};
  std::vector<double> s(5);
  embedding_grad_scale<double>(s.data(), idx.data(), 5, 3, 1, true);
  EXPECT_EQ(s, (std::vector<double>{1.0 / 3, 1, 1.0 / 3, 0, 1.0 / 3}));
  embedding_grad_scale<double>(s.data(), idx.data(), 5, 3, -1, false);
  EXPECT_EQ(s, (std::vector<double>{1, 1, 1, 1, 1}));
}

TEST(EmbeddingKernels, GatherCopiesTheIndexedRows) {
  ThreadCount tc(2);
  const int64_t n = 5000, num = 40, d = 16;
  const std::vector<int64_t> idx = indices(n, num);
  const std::vector<float> w = values(num * d);
  std::vector<float> out(n * d);
  embedding_gather(out.data(), w.data(), idx.data(), n, d * sizeof(float));
  for (int64_t i = 0; i < n; i += 97)
    for (int64_t k = 0; k < d; ++k) ASSERT_EQ(out[i * d + k], w[idx[i] * d + k]);
}

}  // namespace
}  // namespace ember::kernels
