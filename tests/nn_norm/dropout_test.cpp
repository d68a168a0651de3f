// dropout and dropout2d: PyTorch's masks after manual_seed, statistics of the masks (binomial
// bounds), eval/p=0 identity, p=1 zeros, in-place forms, gradients, errors.
#include "support/nn_fixtures.h"

namespace ember::norm_test {
namespace {

TEST(DropoutGolden, SameMaskAsPyTorchAfterManualSeed) {
  const auto& d = golden()["dropout"];
  manual_seed(d["seed"].get<uint64_t>());
  expect_close(dropout(ones({40}), d["p"].get<double>(), true), d["y"], 1e-6);
  manual_seed(d["seed"].get<uint64_t>());
  expect_close(F::dropout(ones({40}, f64()), F::DropoutFuncOptions().p(d["p"].get<double>())),
               d["y_double"], 1e-12);
  manual_seed(d["seed2d"].get<uint64_t>());
  expect_close(F::dropout2d(ones(shape_of(d["shape2d"])),
                            F::Dropout2dFuncOptions().p(d["p2d"].get<double>())),
               d["y2d"], 1e-6);
  const auto& d3 = golden()["dropout3d"];
  manual_seed(d3["seed"].get<uint64_t>());
  expect_close(
      F::dropout3d(ones(shape_of(d3["shape"])), F::Dropout3dFuncOptions().p(d3["p"].get<double>())),
      d3["y"], 1e-6);
  manual_seed(d3["seed"].get<uint64_t>());
  nn::Dropout3d m(d3["p"].get<double>());
  expect_close(m(ones(shape_of(d3["shape"]))), d3["y"], 1e-6);
  EXPECT_EQ(m->name(), "Dropout3d");
}

// k ~ Binomial(n, q): |k - nq| <= 6 sd fails with probability < 1e-8 (a wrong p or scale fails).
void expect_binomial(int64_t k, int64_t n, double q) {
  const double sd = std::sqrt(n * q * (1 - q));
  EXPECT_LE(std::abs(static_cast<double>(k) - n * q), 6 * sd) << k << " of " << n << ", q = " << q;
}

TEST(DropoutStatistics, KeptFractionIsBinomialAndMeanIsPreserved) {
  manual_seed(21);
  const int64_t n = 200000;
  for (double p : {0.1, 0.5, 0.8}) {
    SCOPED_TRACE(p);
    Tensor x = full({n}, 2.0);
    Tensor y = dropout(x, p, true);
    const int64_t kept = y.ne(0).sum().item<int64_t>();
    expect_binomial(kept, n, 1 - p);
    // Survivors are scaled by 1 / (1 - p) exactly.
    expect_close(y.masked_select(y.ne(0)), full({kept}, 2.0 / (1 - p)), 1e-6, 1e-6);
    // E[y] = x; sd of the mean is 2 sqrt(p / (1 - p) / n).
    const double m = y.to(kDouble).mean().item<double>();
    EXPECT_NEAR(m, 2.0, 6 * 2 * std::sqrt(p / (1 - p) / n));
  }
}

TEST(DropoutStatistics, Dropout2dDropsWholeChannels) {
  manual_seed(22);
  Tensor x = rand({64, 32, 4, 4}) + 1;  // never 0
  Tensor y = F::dropout2d(x, F::Dropout2dFuncOptions().p(0.4));
  Tensor zero = y.eq(0).to(kLong).sum({2, 3});  // (N, C) count of zeros per channel
  const int64_t all = zero.eq(16).sum().item<int64_t>(), none = zero.eq(0).sum().item<int64_t>();
  EXPECT_EQ(all + none, 64 * 32) << "a channel was partly dropped";
  expect_binomial(all, 64 * 32, 0.4);
  Tensor kept = zero.eq(0).to(kFloat).view({64, 32, 1, 1});
  expect_close(y, x * kept / 0.6, 1e-6, 1e-6);
  // Unbatched (C, H, W): one draw per channel.
  Tensor u = F::dropout2d(rand({50, 3, 3}) + 1, F::Dropout2dFuncOptions().p(0.5));
  Tensor uz = u.eq(0).to(kLong).sum({1, 2});
  EXPECT_EQ(uz.eq(9).sum().item<int64_t>() + uz.eq(0).sum().item<int64_t>(), 50);
}

TEST(Dropout, EvalAndZeroProbabilityReturnTheInput) {
  Tensor x = randn({3, 4});
  EXPECT_TRUE(dropout(x, 0.5, false).is_same(x));
  EXPECT_TRUE(dropout(x, 0.0, true).is_same(x));
  EXPECT_TRUE(F::dropout(x, F::DropoutFuncOptions().training(false)).is_same(x));
  Tensor x4 = randn({2, 3, 2, 2});
  EXPECT_TRUE(F::dropout2d(x4, F::Dropout2dFuncOptions().training(false)).equal(x4));
  EXPECT_TRUE(feature_dropout(x4, 0.5, false).is_same(x4));
}

TEST(Dropout, ProbabilityOneGivesZeros) {
  Tensor x = randn({5, 6}).requires_grad_();
  Tensor y = dropout(x, 1.0, true);
  EXPECT_TRUE(y.equal(zeros({5, 6})));
  y.sum().backward();
  EXPECT_TRUE(x.grad().equal(zeros({5, 6})));
  EXPECT_TRUE(feature_dropout(x.detach(), 1.0, true).equal(zeros({5, 6})));
}

TEST(Dropout, InPlaceFormsModifyTheInput) {
  manual_seed(23);
  Tensor a = ones({1000});
  manual_seed(23);
  Tensor ref = dropout(ones({1000}), 0.3, true);
  manual_seed(23);
  Tensor r = F::dropout(a, F::DropoutFuncOptions().p(0.3).inplace(true));
  EXPECT_TRUE(r.is_same(a));
  EXPECT_TRUE(a.equal(ref));
  Tensor c = ones({2, 8, 3, 3});
  manual_seed(24);
  Tensor ref2 = F::dropout2d(ones({2, 8, 3, 3}), F::Dropout2dFuncOptions().p(0.5));
  manual_seed(24);
  F::dropout2d(c, F::Dropout2dFuncOptions().p(0.5).inplace(true));
  EXPECT_TRUE(c.equal(ref2));
}

TEST(Dropout, GradientIsTheScaledMaskAndDifferentiable) {
  auto fn = [](const autograd::variable_list& v) {
    manual_seed(25);  // the same mask on every call
    return dropout(v[0], 0.4, true);
  };
  Tensor x = randn({4, 5}, f64()).requires_grad_();
  EXPECT_TRUE(autograd::gradcheck(fn, {x}));
  EXPECT_TRUE(autograd::gradgradcheck(fn, {x}));
  auto fn2 = [](const autograd::variable_list& v) {
    manual_seed(26);
    return F::dropout2d(v[0], F::Dropout2dFuncOptions().p(0.5));
  };
  Tensor x2 = randn({2, 3, 2, 2}, f64()).requires_grad_();
  EXPECT_TRUE(autograd::gradcheck(fn2, {x2}));
  Tensor y = fn({x});
  EXPECT_EQ(y.grad_fn()->name(), "MulBackward0");  // as PyTorch's CPU dropout
  y.sum().backward();
  expect_close(x.grad(), y.detach() / x.detach(), 1e-12, 1e-12);
}

TEST(Dropout, ErrorsNameTheOp) {
  EXPECT_THAT(error_of([] { dropout(ones({2}), 1.5, true); }),
              HasSubstr("dropout: dropout probability has to be between 0 and 1, but got 1.5"));
  EXPECT_THAT(error_of([] { dropout(ones({2}, TensorOptions().dtype(kLong)), 0.5, true); }),
              HasSubstr("dropout: expected a floating point input, got"));
  EXPECT_THAT(error_of([] { feature_dropout(ones({4}), 0.5, true); }),
              HasSubstr("feature_dropout: Feature dropout requires at least 2 dimensions in the "
                        "input, got shape [4]"));
  EXPECT_THAT(error_of([] {
                F::dropout2d(ones({2, 4}));
              }),
              HasSubstr("dropout2d: expected a 4-D (N, C, H, W) input or its unbatched 3-D form, "
                        "got shape [2, 4]"));
}

}  // namespace
}  // namespace ember::norm_test
