// Random sampling: PyTorch 1.13's CPU sequences for the same seed (fixture), manual_seed
// reproducibility, generator state save/restore, ranges and permutations.
#include <algorithm>
#include <numeric>

#include "tensor/tensor_test_util.h"

namespace ember::testing {
namespace {

using ::testing::HasSubstr;

Tensor replay(const std::string& op, IntArrayRef shape, ScalarType t, int64_t step) {
  if (op == "rand") return rand(shape, t);
  if (op == "randn") return randn(shape, t);
  if (op == "normal") return normal(2.0, 0.5, shape, t);
  if (op == "randperm") return randperm(shape[0]);
  // The three randint steps of gen_tensor.py, in order.
  const int64_t bounds[3][2] = {{0, 10}, {-5, 5}, {0, int64_t(1) << 40}};
  const int64_t k = step == 8 ? 0 : step == 9 ? 1 : 2;
  return randint(bounds[k][0], bounds[k][1], shape);
}

TEST(Random, SequencesMatchPyTorch) {
  for (const auto& seq : golden()["rng"]) {
    manual_seed(seq["seed"].get<uint64_t>());
    int64_t step = 0;
    for (const auto& s : seq["steps"]) {
      SCOPED_TRACE("seed " + seq["seed"].dump() + " step " + std::to_string(step) + " " +
                   s["op"].get<std::string>() + " " + s["dtype"].get<std::string>());
      const auto shape = s["shape"].get<std::vector<int64_t>>();
      const ScalarType t = dtype_named(s["dtype"]);
      Tensor got = replay(s["op"], shape, t, step++);
      EXPECT_EQ(got.scalar_type(), t);
      EXPECT_EQ(shape_of(got), shape);
      const auto want = s["values"].get<std::vector<double>>();
      const std::vector<double> v = values(got);
      ASSERT_EQ(v.size(), want.size());
      // Uniforms and integers are bit-exact. Normals go through log/sqrt/cos, where PyTorch may
      // use vectorised (SLEEF) versions for float32: allow a few ulps there.
      const bool normal = s["op"] == "randn" || s["op"] == "normal";
      const double tol = !normal ? 0 : t == kFloat ? 1e-6 : 1e-14;
      for (size_t i = 0; i < v.size(); ++i)
        EXPECT_NEAR(v[i], want[i], tol * std::max(1.0, std::fabs(want[i]))) << "at " << i;
    }
  }
}

TEST(Random, FreshGeneratorMatchesPyTorchsDefaultSeed) {
  const auto& f = golden()["rng_fresh"];
  Generator g;
  EXPECT_EQ(g.current_seed(), f["seed"].get<uint64_t>());
  EXPECT_EQ(values(rand({4}, g)), f["rand"].get<std::vector<double>>());
}

TEST(Random, ManualSeedReproduces) {
  manual_seed(7);
  Tensor a = rand({10}), b = randn({5, 4}), c = randint(0, 100, {6}), d = randperm(8);
  manual_seed(7);
  EXPECT_TRUE(equal(rand({10}), a));
  EXPECT_TRUE(equal(randn({5, 4}), b));
  EXPECT_TRUE(equal(randint(0, 100, {6}), c));
  EXPECT_TRUE(equal(randperm(8), d));
  EXPECT_EQ(default_generator().current_seed(), 7u);
  EXPECT_FALSE(equal(rand({10}), a));  // the stream moves on
}

TEST(Random, GeneratorStateSaveRestoreContinuesTheSequence) {
  manual_seed(3);
  randn({3}, kDouble);  // leaves a cached spare normal in the generator
  const std::string state = default_generator().get_state();
  Tensor a = randn({5}, kDouble), b = rand({4}), c = randint(0, 1000, {3});
  rand({100});
  default_generator().set_state(state);
  EXPECT_TRUE(equal(randn({5}, kDouble), a));
  EXPECT_TRUE(equal(rand({4}), b));
  EXPECT_TRUE(equal(randint(0, 1000, {3}), c));
  EXPECT_THAT(error_of([] { default_generator().set_state("garbage"); }), HasSubstr("set_state"));
}

TEST(Random, ExplicitGeneratorIsIndependentOfTheDefault) {
  Generator g1(11), g2(11);
  manual_seed(0);
  Tensor a = rand({6}, g1);
  rand({50});  // the default generator does not affect g2
  EXPECT_TRUE(equal(rand({6}, g2), a));
  EXPECT_EQ(g1.current_seed(), 11u);
  manual_seed(11);  // the default generator seeded alike gives the same numbers
  EXPECT_TRUE(equal(rand({6}), a));
  Generator g3(11);
  EXPECT_TRUE(equal(randn({20}, g3), (manual_seed(11), randn({20}))));
}

TEST(Random, RangesHold) {
  manual_seed(1);
  for (double v : values(rand({1000}))) {
    EXPECT_GE(v, 0.0);
    EXPECT_LT(v, 1.0);
  }
  for (double v : values(randint(-3, 4, {1000}))) {
    EXPECT_GE(v, -3);
    EXPECT_LT(v, 4);
  }
  // Mean and variance of 10000 standard normals: within 5 standard errors.
  Tensor n = randn({10000}, kDouble);
  std::vector<double> v = values(n);
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
  double var = 0;
  for (double x : v) var += (x - mean) * (x - mean);
  var /= v.size() - 1;
  EXPECT_NEAR(mean, 0.0, 5 / 100.0);
  EXPECT_NEAR(var, 1.0, 5 * std::sqrt(2.0 / 10000));
}

TEST(Random, RandpermIsAPermutation) {
  manual_seed(5);
  for (int64_t n : {0, 1, 2, 17}) {
    std::vector<double> v = values(randperm(n));
    std::sort(v.begin(), v.end());
    std::vector<double> want(n);
    std::iota(want.begin(), want.end(), 0.0);
    EXPECT_EQ(v, want) << n;
  }
  EXPECT_EQ(randperm(5, kInt).scalar_type(), kInt);
}

TEST(Random, NonContiguousFillsDrawInMemoryOrderLikePyTorch) {
  for (const auto& c : golden()["rng_noncontiguous"]) {
    SCOPED_TRACE(c["op"].get<std::string>());
    manual_seed(9);
    Tensor t;
    if (c["op"] == "uniform_") t = empty({2, 3}).t().uniform_();
    if (c["op"] == "normal_") t = empty({4, 5}).t().normal_();
    if (c["op"] == "random_") t = empty({2, 3}, kLong).t().random_(0, 10);
    ASSERT_FALSE(t.is_contiguous());
    EXPECT_EQ(shape_of(t), c["shape"].get<std::vector<int64_t>>());
    const auto want = c["values"].get<std::vector<double>>();
    const std::vector<double> v = values(t);
    for (size_t i = 0; i < want.size(); ++i)
      EXPECT_NEAR(v[i], want[i], 1e-6 * std::max(1.0, std::fabs(want[i]))) << "at " << i;
  }
}

TEST(Random, BadArgumentsThrow) {
  EXPECT_THAT(error_of([] { randint(5, 5, {2}); }), HasSubstr("from=5"));
  EXPECT_THAT(error_of([] { randperm(-1); }), HasSubstr("randperm"));
  EXPECT_THAT(error_of([] { rand({2}, kLong); }), HasSubstr("Long"));
  EXPECT_THAT(error_of([] { randn({-1}); }), HasSubstr("-1"));
}

}  // namespace
}  // namespace ember::testing
