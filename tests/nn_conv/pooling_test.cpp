// max/avg/adaptive-avg pooling: values, indices and gradients vs PyTorch 1.13 (golden/conv.json),
// finite differences in float64 (first and second order), NaN handling, the functional options,
// and argument errors.
#include <limits>

#include "support/nn_fixtures.h"

namespace ember::conv_test {
namespace {

Tensor gy_of(const nlohmann::json& r, ScalarType dtype) {
  return tensor(r["gy"].get<std::vector<double>>(), TensorOptions().dtype(kDouble))
      .view(ints(r["y_shape"]))
      .to(dtype);
}

void check_pool(const nlohmann::json& r, const char* kind, ScalarType dtype, double tol) {
  Tensor x = from_json(r, "x", dtype).requires_grad_(true);
  const int64_t dims = r["dims"];
  const std::string what = std::string(kind) + std::to_string(dims) + "d " + r.dump().substr(0, 0) +
                           "x" + r["x_shape"].dump();
  Tensor y, idx;
  if (std::string(kind) == "max") {
    const auto k = ints(r["kernel"]), s = ints(r["stride"]), p = ints(r["padding"]),
               d = ints(r["dilation"]);
    const bool ceil = r["ceil_mode"];
    std::tie(y, idx) = dims == 1 ? max_pool1d_with_indices(x, k, s, p, d, ceil)
                                 : max_pool2d_with_indices(x, k, s, p, d, ceil);
    Tensor y2 = dims == 1 ? max_pool1d(x, k, s, p, d, ceil) : max_pool2d(x, k, s, p, d, ceil);
    EXPECT_TRUE(equal(y.detach(), y2.detach())) << what;
  } else if (std::string(kind) == "avg") {
    const auto k = ints(r["kernel"]), s = ints(r["stride"]), p = ints(r["padding"]);
    const bool ceil = r["ceil_mode"], include = r["count_include_pad"];
    const int64_t div = r["divisor_override"];
    y = dims == 1 ? avg_pool1d(x, k, s, p, ceil, include)
                  : avg_pool2d(x, k, s, p, ceil, include,
                               div ? std::optional<int64_t>(div) : std::nullopt);
  } else {
    const auto size = ints(r["output_size"]);
    y = dims == 1 ? adaptive_avg_pool1d(x, size) : adaptive_avg_pool2d(x, size);
  }
  ASSERT_EQ(y.sizes().vec(), ints(r["y_shape"])) << what;
  expect_close(y, r["y"], tol, what + " output");
  if (idx.defined()) {
    EXPECT_EQ(idx.scalar_type(), kLong);
    std::vector<double> want;
    for (int64_t i : r["indices"].get<std::vector<int64_t>>()) want.push_back(i);
    expect_close(idx, nlohmann::json(want), 0, what + " indices");
  }
  y.backward(gy_of(r, dtype));
  expect_close(x.grad(), r["gx"], tol, what + " grad input");
}

TEST(MaxPool, MatchesPyTorch) {
  for (const auto& r : golden()["max_pool"]) {
    check_pool(r, "max", kFloat, 1e-6);
    check_pool(r, "max", kDouble, 1e-12);
  }
}
TEST(AvgPool, MatchesPyTorch) {
  for (const auto& r : golden()["avg_pool"]) {
    check_pool(r, "avg", kFloat, 1e-5);
    check_pool(r, "avg", kDouble, 1e-12);
  }
}
TEST(AdaptiveAvgPool, MatchesPyTorch) {
  for (const auto& r : golden()["adaptive_avg_pool"]) {
    check_pool(r, "adaptive", kFloat, 1e-5);
    check_pool(r, "adaptive", kDouble, 1e-12);
  }
}

// ---- finite differences (distinct values, so the max is differentiable) ------------------------

Tensor distinct64(std::vector<int64_t> shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return (randperm(n).to(kDouble) * 0.1 + rand({n}, TensorOptions().dtype(kDouble)) * 0.01)
      .view(shape)
      .requires_grad_(true);
}

TEST(MaxPool2d, GradcheckVariants) {
  struct Case {
    std::vector<int64_t> x, k, s, p, d;
    bool ceil;
  };
  const Case cases[] = {
      {{2, 2, 4, 4}, {2}, {}, {0}, {1}, false},       {{1, 2, 5, 5}, {3}, {2}, {1}, {1}, false},
      {{1, 1, 6, 5}, {2, 3}, {2, 1}, {1}, {1}, true}, {{1, 2, 7, 7}, {2}, {1}, {0}, {2}, false},
      {{1, 1, 5, 5}, {2}, {2}, {0}, {1}, true},       {{3, 5, 5}, {3}, {1}, {1}, {1}, false},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(check_grads(
        [&](const variable_list& v) { return max_pool2d(v[0], c.k, c.s, c.p, c.d, c.ceil); },
        {distinct64(c.x)}));
  }
  EXPECT_TRUE(
      check_gradgrads([](const variable_list& v) { return max_pool2d(v[0], 3, 2, 1, 1, true); },
                      {distinct64({1, 2, 6, 6})}));
}

TEST(MaxPool1d, Gradcheck) {
  EXPECT_TRUE(check_grads([](const variable_list& v) { return max_pool1d(v[0], 3, 2, 1, 1, true); },
                          {distinct64({2, 3, 8})}));
}

TEST(AvgPool2d, GradcheckVariants) {
  auto f1 = [](const variable_list& v) { return avg_pool2d(v[0], 3, 2, 1, true, false); };
  auto f2 = [](const variable_list& v) { return avg_pool2d(v[0], {2, 3}, {1, 2}, {1, 1}); };
  auto f3 = [](const variable_list& v) { return avg_pool2d(v[0], 2, {}, 0, false, true, 3); };
  EXPECT_TRUE(check_grads(f1, {rand64({2, 2, 6, 5})}));
  EXPECT_TRUE(check_grads(f2, {rand64({1, 2, 5, 6})}));
  EXPECT_TRUE(check_grads(f3, {rand64({1, 2, 4, 4})}));
  EXPECT_TRUE(check_gradgrads(f1, {rand64({1, 2, 5, 5})}));
  EXPECT_TRUE(check_grads([](const variable_list& v) { return avg_pool1d(v[0], 3, 2, 1, true); },
                          {rand64({2, 2, 7})}));
}

TEST(AdaptiveAvgPool2d, GradcheckAndGradgradcheck) {
  auto f = [](const variable_list& v) { return adaptive_avg_pool2d(v[0], {3, 4}); };
  EXPECT_TRUE(check_grads(f, {rand64({2, 2, 7, 5})}));
  EXPECT_TRUE(check_gradgrads(f, {rand64({1, 2, 5, 6})}));
  EXPECT_TRUE(check_grads([](const variable_list& v) { return adaptive_avg_pool1d(v[0], 3); },
                          {rand64({2, 2, 7})}));
}

// ---- behaviour ---------------------------------------------------------------------------------

TEST(MaxPool2d, NaNWinsItsWindow) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (ScalarType t : {kFloat, kDouble}) {
    Tensor x = tensor({1., 5., 2., 3., nan, 0., 7., 8., 1., 2., 3., 4., 5., 6., 7., nan},
                      TensorOptions().dtype(t))
                   .view({1, 1, 4, 4});
    auto [y, idx] = max_pool2d_with_indices(x, 2);
    std::vector<double> v = values(y);
    EXPECT_TRUE(std::isnan(v[0]));
    EXPECT_EQ(v[1], 8);
    EXPECT_EQ(v[2], 6);
    EXPECT_TRUE(std::isnan(v[3]));
    EXPECT_EQ(values(idx), (std::vector<double>{4, 7, 13, 15}));
  }
}

TEST(MaxPool2d, LeNetPathMatchesGeneralPath) {
  // 2×2 / stride 2 takes a vectorized path; a 1-wide padding-free dilation-1 window
  // arrangement with kernel {2, 2} but an odd width still must agree with the general loop.
  Tensor x = randn({3, 4, 10, 13});
  auto [y, i] = max_pool2d_with_indices(x, 2);
  auto [y2, i2] = max_pool2d_with_indices(x, {2, 2}, {2, 2}, 0, {1, 1}, true);  // general
  EXPECT_TRUE(equal(y, y2.slice(3, 0, 6)));
  EXPECT_TRUE(equal(i, i2.slice(3, 0, 6)));
}

TEST(MaxPool2d, GradFnNames) {
  Tensor x = randn({1, 1, 4, 4}).requires_grad_(true);
  EXPECT_EQ(max_pool2d(x, 2).grad_fn()->name(), "MaxPool2DWithIndicesBackward0");
  EXPECT_EQ(avg_pool2d(x, 2).grad_fn()->name(), "AvgPool2DBackward0");
  EXPECT_EQ(adaptive_avg_pool2d(x, {2, 2}).grad_fn()->name(), "AdaptiveAvgPool2DBackward0");
}

TEST(Pooling, FunctionalOptionsMatchPositional) {
  Tensor x = randn({2, 3, 9, 8});
  EXPECT_TRUE(
      equal(F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(2).padding(1).ceil_mode(true)),
            max_pool2d(x, 3, 2, 1, 1, true)));
  EXPECT_TRUE(equal(F::max_pool2d(x, F::MaxPool2dFuncOptions(2)), max_pool2d(x, 2, 2)));
  auto [y, i] = F::max_pool2d_with_indices(x, F::MaxPool2dFuncOptions({2, 3}).dilation(2));
  EXPECT_TRUE(equal(i, std::get<1>(max_pool2d_with_indices(x, {2, 3}, {}, 0, 2))));
  EXPECT_TRUE(
      equal(F::avg_pool2d(x, F::AvgPool2dFuncOptions(3).padding(1).count_include_pad(false)),
            avg_pool2d(x, 3, {}, 1, false, false)));
  EXPECT_TRUE(equal(F::avg_pool2d(x, F::AvgPool2dFuncOptions(2).divisor_override(3)),
                    avg_pool2d(x, 2, {}, 0, false, true, 3)));
  EXPECT_TRUE(equal(F::adaptive_avg_pool2d(x, F::AdaptiveAvgPool2dFuncOptions({3, 2})),
                    adaptive_avg_pool2d(x, {3, 2})));
  Tensor x1 = randn({2, 3, 9});
  EXPECT_TRUE(equal(F::max_pool1d(x1, F::MaxPool1dFuncOptions(2)), max_pool1d(x1, 2)));
  EXPECT_TRUE(equal(F::avg_pool1d(x1, F::AvgPool1dFuncOptions(3).stride(1)), avg_pool1d(x1, 3, 1)));
  EXPECT_TRUE(equal(F::adaptive_avg_pool1d(x1, F::AdaptiveAvgPool1dFuncOptions(4)),
                    adaptive_avg_pool1d(x1, 4)));
}

TEST(Pooling, EmptyBatch) {
  EXPECT_EQ(max_pool2d(zeros({0, 3, 4, 4}), 2).sizes().vec(), (std::vector<int64_t>{0, 3, 2, 2}));
}

// ---- errors ------------------------------------------------------------------------------------

TEST(MaxPool2d, KernelLargerThanInput) {
  const std::string m = error_of([] { max_pool2d(randn({1, 2, 3, 3}), 4); });
  EXPECT_THAT(m, HasSubstr("max_pool2d: Given input size: (2x3x3). Calculated output size: "
                           "(2x0x0). Output size is too small"));
}

TEST(MaxPool2d, WrongDims) {
  EXPECT_THAT(error_of([] {
                max_pool2d(randn({4, 4}), 2);
              }),
              HasSubstr("max_pool2d: Expected 3D or 4D (batch mode) tensor with optional 0 dim "
                        "batch size for input, but got: [4, 4]"));
  EXPECT_THAT(error_of([] {
                max_pool1d(randn({1, 2, 4, 4}), 2);
              }),
              HasSubstr("max_pool1d: Expected 2D or 3D"));
  EXPECT_THAT(error_of([] { avg_pool2d(randn({1, 0, 4, 4}), 2); }), HasSubstr("avg_pool2d"));
}

TEST(Pooling, BadArguments) {
  Tensor x = randn({1, 2, 8, 8});
  EXPECT_THAT(error_of([&] { max_pool2d(x, 2, 2, 2); }),
              HasSubstr("max_pool2d: pad should be at most half of kernel size"));
  EXPECT_THAT(error_of([&] { max_pool2d(x, 0); }),
              HasSubstr("max_pool2d: kernel size should be greater than zero"));
  EXPECT_THAT(error_of([&] { max_pool2d(x, 2, 2, 0, 0); }),
              HasSubstr("max_pool2d: dilation should be greater than zero"));
  EXPECT_THAT(error_of([&] {
                max_pool2d(x, {2, 2, 2});
              }),
              HasSubstr("max_pool2d: kernel_size must either be a single int, or a tuple of 2"));
  EXPECT_THAT(error_of([&] { avg_pool2d(x, 2, 2, 0, false, true, 0); }),
              HasSubstr("avg_pool2d: divisor must be not zero"));
  EXPECT_THAT(error_of([&] {
                adaptive_avg_pool2d(x, {0, 2});
              }),
              HasSubstr("adaptive_avg_pool2d: output_size must be positive"));
  EXPECT_THAT(error_of([&] { max_pool2d(x.to(kLong), 2); }),
              HasSubstr("max_pool2d: expected a floating-point input, got Long"));
}

}  // namespace
}  // namespace ember::conv_test
