// Higher-order gradients through create_graph: second derivatives, a gradient penalty through a
// Linear-like expression, and gradgradcheck.
#include "support/support.h"

namespace ember {
namespace {

using testing::expect_values;

TEST(HigherOrder, SecondDerivativeOfCube) {
  Tensor x = tensor({2.0}, dtype(kDouble).requires_grad(true));
  Tensor y = x * x * x;
  auto dy = autograd::grad({y}, {x}, {}, std::nullopt, /*create_graph=*/true);
  expect_values(dy[0], {12});  // 3x^2
  ASSERT_TRUE(dy[0].requires_grad());
  auto d2y = autograd::grad({dy[0]}, {x});
  expect_values(d2y[0], {12});  // 6x
}

TEST(HigherOrder, ThirdDerivativeThroughPow) {
  Tensor x = tensor({1.5}, dtype(kDouble).requires_grad(true));
  Tensor y = x.pow(4);
  Tensor g = x;
  std::vector<double> want = {4 * 3.375, 12 * 2.25, 24 * 1.5};  // 4x^3, 12x^2, 24x
  Tensor cur = y;
  for (double w : want) {
    cur = autograd::grad({cur}, {x}, {}, std::nullopt, true)[0];
    expect_values(cur, {w}, 1e-9);
  }
}

TEST(HigherOrder, SecondDerivativesOfUnaryOps) {
  // d²/dx² of exp, tanh and sigmoid at 0.3 against closed forms.
  const double v = 0.3, t = std::tanh(v), s = 1 / (1 + std::exp(-v));
  struct Case {
    std::function<Tensor(const Tensor&)> f;
    double want;
  };
  std::vector<Case> cases = {
      {[](const Tensor& x) { return x.exp(); }, std::exp(v)},
      {[](const Tensor& x) { return x.tanh(); }, -2 * t * (1 - t * t)},
      {[](const Tensor& x) { return x.sigmoid(); }, s * (1 - s) * (1 - 2 * s)},
  };
  for (const auto& c : cases) {
    Tensor x = tensor({v}, dtype(kDouble).requires_grad(true));
    Tensor d1 = autograd::grad({c.f(x)}, {x}, {}, std::nullopt, true)[0];
    Tensor d2 = autograd::grad({d1}, {x})[0];
    expect_values(d2, {c.want}, 1e-9);
  }
}

TEST(HigherOrder, BackwardWithCreateGraphThenBackwardAgain) {
  Tensor x = tensor({2.0}, dtype(kDouble).requires_grad(true));
  Tensor y = (x * x * x).sum();
  y.backward({}, std::nullopt, /*create_graph=*/true);
  Tensor g = x.grad();
  expect_values(g, {12});
  x.mutable_grad() = Tensor();
  g.backward();
  expect_values(x.grad(), {12});
}

// Gradient penalty (WGAN-GP style) through y = tanh(x wᵀ + b): the penalty is the norm of
// dy/dx, and its gradient w.r.t. w needs second derivatives of matmul, add and tanh.
Tensor penalty(const Tensor& x, const Tensor& w, const Tensor& b) {
  Tensor y = tanh(x.matmul(w.t()) + b).sum();
  Tensor gx = autograd::grad({y}, {x}, {}, std::nullopt, /*create_graph=*/true)[0];
  return gx.norm();
}

TEST(HigherOrder, GradientPenaltyThroughLinear) {
  manual_seed(7);
  Tensor x = randn({4, 3}, dtype(kDouble).requires_grad(true));
  Tensor w = randn({2, 3}, dtype(kDouble).requires_grad(true));
  Tensor b = randn({2}, dtype(kDouble).requires_grad(true));
  Tensor p = penalty(x, w, b);
  p.backward();
  ASSERT_TRUE(w.grad().defined());
  ASSERT_TRUE(b.grad().defined());
  // Against central differences of the penalty itself.
  const double eps = 1e-6;
  std::vector<double> numeric;
  Tensor wd = w.detach();
  double* pw = wd.data_ptr<double>();
  for (int64_t i = 0; i < w.numel(); ++i) {
    const double orig = pw[i];
    pw[i] = orig + eps;
    const double hi = penalty(x, w, b).item<double>();
    pw[i] = orig - eps;
    const double lo = penalty(x, w, b).item<double>();
    pw[i] = orig;
    numeric.push_back((hi - lo) / (2 * eps));
  }
  expect_values(w.grad(), numeric, 1e-6);
}

TEST(HigherOrder, GradientPenaltyWithLinearOnlyHasExactForm) {
  // y = sum(x wᵀ + b): dy/dx has rows equal to the column sums s of w, so
  // ||dy/dx|| = sqrt(N) ||s|| and d/dw[j,k] = sqrt(N) s_k / ||s||.
  Tensor x = randn({5, 3}, dtype(kDouble).requires_grad(true));
  Tensor w = tensor({{1.0, 2.0, 2.0}, {0.0, 2.0, -1.0}}, dtype(kDouble).requires_grad(true));
  Tensor b = zeros({2}, dtype(kDouble).requires_grad(true));
  Tensor y = (x.matmul(w.t()) + b).sum();
  Tensor gx = autograd::grad({y}, {x}, {}, std::nullopt, true)[0];
  gx.norm().backward();
  const double s[3] = {1, 4, 1}, ns = std::sqrt(18.0), rn = std::sqrt(5.0);
  expect_values(w.grad(),
                {rn * s[0] / ns, rn * s[1] / ns, rn * s[2] / ns, rn * s[0] / ns, rn * s[1] / ns,
                 rn * s[2] / ns},
                1e-9);
  EXPECT_FALSE(b.grad().defined() && b.grad().abs().sum().item<double>() > 0);
}

TEST(HigherOrder, GradGradCheckOnComposite) {
  Tensor a = randn({3}, dtype(kDouble).requires_grad(true));
  Tensor b = randn({3}, dtype(kDouble).requires_grad(true));
  EXPECT_TRUE(autograd::gradgradcheck(
      [](const autograd::variable_list& v) { return (v[0] * v[1].exp() + v[0].tanh()).sum(); },
      {a, b}));
}

}  // namespace
}  // namespace ember
