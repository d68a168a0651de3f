// conv1d / conv2d / conv_transpose1d / conv_transpose2d: values and gradients vs PyTorch 1.13
// (golden/conv.json), finite differences in float64 (first and second order), the functional
// options, and argument errors.
#include "support/nn_fixtures.h"

namespace ember::conv_test {
namespace {

std::vector<int64_t> param(const nlohmann::json& r, const char* key) { return ints(r[key]); }

/// Runs the fixture's op on its inputs in `dtype` and compares output and gradients.
void check_record(const nlohmann::json& r, bool transposed, ScalarType dtype, double tol) {
  Tensor x = from_json(r, "x", dtype).requires_grad_(true);
  Tensor w = from_json(r, "w", dtype).requires_grad_(true);
  Tensor b = r.contains("b") ? from_json(r, "b", dtype).requires_grad_(true) : Tensor();
  const int64_t dims = r["dims"];
  const auto s = param(r, "stride"), p = param(r, "padding"), d = param(r, "dilation");
  const int64_t g = r["groups"];
  Tensor y;
  if (!transposed) {
    y = dims == 1 ? conv1d(x, w, b, s, p, d, g) : conv2d(x, w, b, s, p, d, g);
  } else {
    const auto op = param(r, "output_padding");
    y = dims == 1 ? conv_transpose1d(x, w, b, s, p, op, g, d)
                  : conv_transpose2d(x, w, b, s, p, op, g, d);
  }
  const std::string what = r.dump().substr(0, 0) + (transposed ? "conv_transpose" : "conv") +
                           std::to_string(dims) + "d x" + r["x_shape"].dump() + " w" +
                           r["w_shape"].dump();
  ASSERT_EQ(y.sizes().vec(), ints(r["y_shape"])) << what;
  expect_close(y, r["y"], tol, what + " output");
  y.backward(tensor(r["gy"].get<std::vector<double>>(), TensorOptions().dtype(kDouble))
                 .view(ints(r["y_shape"]))
                 .to(dtype));
  expect_close(x.grad(), r["gx"], tol, what + " grad input");
  expect_close(w.grad(), r["gw"], tol, what + " grad weight");
  if (b.defined()) expect_close(b.grad(), r["gb"], tol, what + " grad bias");
}

TEST(Conv, MatchesPyTorchFloat32) {
  for (const auto& r : golden()["conv"]) check_record(r, false, kFloat, 1e-4);
}
TEST(Conv, MatchesPyTorchFloat64) {
  for (const auto& r : golden()["conv"]) check_record(r, false, kDouble, 1e-11);
}
TEST(ConvTranspose, MatchesPyTorchFloat32) {
  for (const auto& r : golden()["conv_transpose"]) check_record(r, true, kFloat, 1e-4);
}
TEST(ConvTranspose, MatchesPyTorchFloat64) {
  for (const auto& r : golden()["conv_transpose"]) check_record(r, true, kDouble, 1e-11);
}

// ---- finite differences ------------------------------------------------------------------------

struct ConvCase {
  const char* name;
  std::vector<int64_t> x, w;
  bool bias;
  std::vector<int64_t> stride, padding, dilation;
  int64_t groups;
};

const ConvCase kConv2dCases[] = {
    {"plain", {2, 2, 5, 5}, {3, 2, 3, 3}, true, {1}, {0}, {1}, 1},
    {"stride", {1, 2, 6, 5}, {2, 2, 3, 2}, true, {2, 1}, {0}, {1}, 1},
    {"padding", {1, 2, 4, 4}, {2, 2, 3, 3}, true, {1}, {1, 2}, {1}, 1},
    {"dilation", {1, 1, 7, 6}, {2, 1, 3, 2}, false, {1}, {1}, {2, 3}, 1},
    {"groups", {2, 4, 4, 4}, {4, 2, 2, 2}, true, {1}, {1}, {1}, 2},
    {"depthwise_stride_pad", {1, 3, 5, 5}, {6, 1, 3, 3}, true, {2}, {1}, {1}, 3},
    {"pointwise", {2, 3, 3, 3}, {2, 3, 1, 1}, true, {1}, {0}, {1}, 1},
    {"everything", {2, 4, 7, 6}, {2, 2, 3, 2}, true, {2, 1}, {1, 1}, {2, 1}, 2},
};

TEST(Conv2d, GradcheckVariants) {
  for (const ConvCase& c : kConv2dCases) {
    SCOPED_TRACE(c.name);
    variable_list in = {rand64(c.x), rand64(c.w)};
    if (c.bias) in.push_back(rand64({c.w[0]}));
    EXPECT_TRUE(check_grads(
        [&](const variable_list& v) {
          return conv2d(v[0], v[1], v.size() > 2 ? v[2] : Tensor(), c.stride, c.padding, c.dilation,
                        c.groups);
        },
        in));
  }
}

TEST(Conv2d, GradgradcheckStridePaddingGroups) {
  const ConvCase& c = kConv2dCases[7];
  variable_list in = {rand64(c.x), rand64(c.w), rand64({c.w[0]})};
  EXPECT_TRUE(check_gradgrads(
      [&](const variable_list& v) {
        return conv2d(v[0], v[1], v[2], c.stride, c.padding, c.dilation, c.groups);
      },
      in));
}

TEST(Conv1d, GradcheckAndGradgradcheck) {
  variable_list in = {rand64({2, 4, 9}), rand64({2, 2, 3}), rand64({2})};
  auto f = [](const variable_list& v) { return conv1d(v[0], v[1], v[2], 2, 1, 2, 2); };
  EXPECT_TRUE(check_grads(f, in));
  EXPECT_TRUE(check_gradgrads(f, in));
  variable_list unbatched = {rand64({3, 7}), rand64({2, 3, 2})};
  EXPECT_TRUE(check_grads([](const variable_list& v) { return conv1d(v[0], v[1]); }, unbatched));
}

TEST(ConvTranspose2d, GradcheckVariants) {
  struct Case {
    std::vector<int64_t> x, w, stride, padding, output_padding, dilation;
    int64_t groups;
  };
  const Case cases[] = {
      {{1, 2, 3, 3}, {2, 3, 3, 3}, {1}, {0}, {0}, {1}, 1},
      {{2, 2, 3, 3}, {2, 2, 3, 2}, {2}, {1}, {1}, {1}, 1},
      {{1, 4, 3, 2}, {4, 1, 2, 3}, {2, 1}, {0, 1}, {1, 0}, {1}, 2},
      {{1, 2, 3, 3}, {2, 2, 2, 2}, {1}, {0}, {1}, {2}, 1},
  };
  for (const Case& c : cases) {
    variable_list in = {rand64(c.x), rand64(c.w), rand64({c.w[1] * c.groups})};
    auto f = [&](const variable_list& v) {
      return conv_transpose2d(v[0], v[1], v[2], c.stride, c.padding, c.output_padding, c.groups,
                              c.dilation);
    };
    EXPECT_TRUE(check_grads(f, in));
  }
  variable_list in = {rand64({1, 2, 3, 3}), rand64({2, 2, 3, 2}), rand64({2})};
  EXPECT_TRUE(check_gradgrads(
      [](const variable_list& v) { return conv_transpose2d(v[0], v[1], v[2], 2, 1, 1); }, in));
}

TEST(ConvTranspose1d, Gradcheck) {
  variable_list in = {rand64({2, 2, 4}), rand64({2, 3, 3}), rand64({3})};
  EXPECT_TRUE(check_grads(
      [](const variable_list& v) { return conv_transpose1d(v[0], v[1], v[2], 2, 1, 1); }, in));
}

// ---- behaviour ---------------------------------------------------------------------------------

TEST(Conv2d, IsTheAdjointOfConvTranspose2d) {
  // <conv(x, w), y> == <x, convᵀ(y, w)>: the transposed convolution is the input gradient.
  Tensor x = randn({2, 4, 9, 8}, TensorOptions().dtype(kDouble));
  Tensor w = randn({6, 2, 3, 3}, TensorOptions().dtype(kDouble));
  Tensor y = conv2d(x, w, {}, 2, 1, 1, 2);
  Tensor r = randn(y.sizes(), TensorOptions().dtype(kDouble));
  Tensor xt = conv_transpose2d(r, w, {}, 2, 1, {0, 1}, 2);
  ASSERT_EQ(xt.sizes(), x.sizes());
  EXPECT_NEAR((y * r).sum().item<double>(), (x * xt).sum().item<double>(), 1e-9);
}

TEST(Conv2d, GradFnIsConvolutionBackward0) {
  Tensor x = randn({1, 1, 4, 4}), w = randn({1, 1, 2, 2}).requires_grad_(true);
  EXPECT_EQ(conv2d(x, w).grad_fn()->name(), "ConvolutionBackward0");
}

TEST(Conv2d, FunctionalOptionsMatchPositional) {
  Tensor x = randn({2, 4, 7, 7}), w = randn({6, 2, 3, 3}), b = randn({6});
  Tensor a = F::conv2d(x, w, F::Conv2dFuncOptions().bias(b).stride(2).padding({1, 0}).groups(2));
  Tensor e = conv2d(x, w, b, 2, {1, 0}, 1, 2);
  EXPECT_TRUE(allclose(a, e));
  Tensor x1 = randn({2, 3, 9}), w1 = randn({4, 3, 3});
  EXPECT_TRUE(
      allclose(F::conv1d(x1, w1, F::Conv1dFuncOptions().dilation(2)), conv1d(x1, w1, {}, 1, 0, 2)));
  Tensor xt = randn({1, 4, 3, 3}), wt = randn({4, 2, 3, 3});
  EXPECT_TRUE(allclose(
      F::conv_transpose2d(xt, wt, F::ConvTranspose2dFuncOptions().stride(2).output_padding(1)),
      conv_transpose2d(xt, wt, {}, 2, 0, 1)));
  EXPECT_EQ(F::conv_transpose2d(xt, wt, F::ConvTranspose2dFuncOptions().stride(2).output_padding(1))
                .sizes()
                .vec(),
            (std::vector<int64_t>{1, 2, 8, 8}));
}

TEST(Conv2d, LargeBatchThreadedMatchesPerImage) {
  // Large enough to split the batch across threads; each image must match its own conv.
  Tensor x = randn({8, 6, 20, 20}), w = randn({12, 6, 3, 3}), b = randn({12});
  Tensor y = conv2d(x, w, b, 1, 1);
  for (int64_t n = 0; n < 8; n += 3)
    EXPECT_TRUE(allclose(y.select(0, n), conv2d(x.select(0, n), w, b, 1, 1), 1e-4, 1e-5));
}

TEST(Conv2d, NonContiguousInputs) {
  Tensor x = randn({2, 5, 6, 3}).permute({0, 3, 1, 2});  // (2, 3, 5, 6), channels-last memory
  Tensor w = randn({4, 3, 2, 2});
  EXPECT_TRUE(allclose(conv2d(x, w), conv2d(x.contiguous(), w)));
}

TEST(Conv2d, EmptyBatch) {
  Tensor y = conv2d(zeros({0, 3, 5, 5}), randn({2, 3, 3, 3}));
  EXPECT_EQ(y.sizes().vec(), (std::vector<int64_t>{0, 2, 3, 3}));
}

// ---- errors ------------------------------------------------------------------------------------

TEST(Conv2d, WrongChannelsNamesOpAndShapes) {
  const std::string m = error_of([] { conv2d(randn({2, 3, 8, 8}), randn({4, 2, 3, 3})); });
  EXPECT_THAT(m, HasSubstr("conv2d"));
  EXPECT_THAT(m, HasSubstr("weight of size [4, 2, 3, 3]"));
  EXPECT_THAT(m, HasSubstr("expected input[2, 3, 8, 8] to have 2 channels, but got 3"));
}

TEST(Conv2d, KernelLargerThanInput) {
  const std::string m = error_of([] { conv2d(randn({1, 1, 3, 3}), randn({1, 1, 5, 5})); });
  EXPECT_THAT(m, HasSubstr("conv2d: Calculated padded input size per channel: (3 x 3)"));
  EXPECT_THAT(m, HasSubstr("Kernel size: (5 x 5)"));
  EXPECT_EQ(error_of([] { conv2d(randn({1, 1, 3, 3}), randn({1, 1, 5, 5}), {}, 1, 1); }), "");
}

TEST(Conv2d, WrongDims) {
  EXPECT_THAT(error_of([] {
                conv2d(randn({8, 8}), randn({1, 1, 3, 3}));
              }),
              HasSubstr("conv2d: Expected 3D (unbatched) or 4D (batched) input to conv2d, but "
                        "got input of size: [8, 8]"));
  EXPECT_THAT(error_of([] {
                conv1d(randn({1, 2, 8, 8}), randn({1, 2, 3}));
              }),
              HasSubstr("conv1d: Expected 2D (unbatched) or 3D (batched) input to conv1d"));
  EXPECT_THAT(error_of([] {
                conv2d(randn({1, 1, 8, 8}), randn({1, 3, 3}));
              }),
              HasSubstr("conv2d: expected weight to be 4-dimensional, but got weight of size "
                        "[1, 3, 3]"));
}

TEST(Conv2d, BadArguments) {
  Tensor x = randn({1, 4, 8, 8}), w = randn({6, 2, 3, 3});
  EXPECT_THAT(error_of([&] { conv2d(x, w, {}, 1, 0, 1, 3); }), HasSubstr("groups=3"));
  EXPECT_THAT(error_of([&] { conv2d(x, w, randn({5}), 1, 0, 1, 2); }),
              HasSubstr("conv2d: expected bias of shape [6]"));
  EXPECT_THAT(error_of([&] { conv2d(x, w, {}, 0, 0, 1, 2); }),
              HasSubstr("conv2d: non-positive stride"));
  // A kernel with an empty extent is refused up front (it used to reach gemm in a parallel region).
  for (std::vector<int64_t> k :
       {std::vector<int64_t>{6, 2, 0, 0}, std::vector<int64_t>{6, 2, 3, 0}})
    EXPECT_THAT(
        error_of([&] { conv2d(x, randn(k), {}, 1, 0, 1, 2); }),
        HasSubstr("conv2d: kernel size should be greater than zero, but got weight of size"));
  EXPECT_THAT(error_of([&] {
                conv_transpose2d(randn({1, 6, 4, 4}), randn({6, 2, 0, 3}));
              }),
              HasSubstr("conv_transpose2d: kernel size should be greater than zero"));
  EXPECT_THAT(error_of([&] {
                conv2d(x, w, {}, {1, 1, 1}, 0, 1, 2);
              }),
              HasSubstr("conv2d: expected stride to be a single integer value or a list of 2"));
  EXPECT_THAT(error_of([&] { conv2d(x.to(kDouble), w, {}, 1, 0, 1, 2); }),
              HasSubstr("conv2d: input (Double), weight (Float)"));
  EXPECT_THAT(error_of([&] {
                conv_transpose2d(randn({1, 3, 4, 4}), w);
              }),
              HasSubstr("conv_transpose2d: Given transposed=1, weight of size [6, 2, 3, 3], "
                        "expected input[1, 3, 4, 4] to have 6 channels, but got 3"));
  EXPECT_THAT(error_of([&] {
                conv_transpose2d(randn({1, 6, 4, 4}), w, {}, 2, 0, 2);
              }),
              HasSubstr("conv_transpose2d: output padding must be smaller than either stride or "
                        "dilation"));
}

}  // namespace
}  // namespace ember::conv_test
