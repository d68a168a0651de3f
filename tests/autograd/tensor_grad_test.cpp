// The autograd half of Tensor, behaviour by behaviour as in PyTorch: requires_grad, grad,
// leaves, retain_grad, detach, backward's arguments, autograd::grad, grad mode and hooks.
#include "ember/nn.h"
#include "support/support.h"

namespace ember {
namespace {

using testing::error_of;
using testing::expect_values;
using ::testing::HasSubstr;
using testing::rg;

TEST(RequiresGrad, FromOptionsAndInPlaceSetter) {
  Tensor a = ones({2}, rg());
  EXPECT_TRUE(a.requires_grad());
  Tensor b = ones({2}, kFloat);
  EXPECT_FALSE(b.requires_grad());
  EXPECT_TRUE(b.requires_grad_().requires_grad());
  b.requires_grad_(false);
  EXPECT_FALSE(b.requires_grad());
  EXPECT_FALSE(zeros({2}, dtype(kDouble).requires_grad(false)).requires_grad());
}

TEST(RequiresGrad, PropagatesToResultsOnly) {
  Tensor a = ones({2}, rg()), b = ones({2}, kFloat);
  EXPECT_TRUE((a * b).requires_grad());
  EXPECT_FALSE((b * b).requires_grad());
}

TEST(RequiresGrad, IntegerTensorsCannotRequireGrad) {
  Tensor i = arange(3);
  EXPECT_THAT(error_of([&] { i.requires_grad_(); }),
              HasSubstr("only Tensors of floating point dtype can require gradients"));
}

TEST(RequiresGrad, CannotBeChangedOnNonLeaf) {
  Tensor a = ones({2}, rg());
  Tensor y = a * 2;
  EXPECT_THAT(error_of([&] { y.requires_grad_(false); }),
              HasSubstr("you can only change requires_grad flags of leaf variables"));
}

TEST(IsLeaf, LeavesAreTensorsWithoutGradFn) {
  Tensor a = ones({2}, rg()), c = ones({2}, kFloat);
  EXPECT_TRUE(a.is_leaf());
  EXPECT_TRUE(c.is_leaf());
  EXPECT_FALSE((a + 1).is_leaf());
  EXPECT_TRUE((c + 1).is_leaf());  // no input requires grad: a constant
  EXPECT_EQ(a.grad_fn(), nullptr);
}

TEST(Grad, AccumulatesAcrossBackwardCalls) {
  Tensor x = tensor({1.0f, 2.0f}, requires_grad());
  (x * x).sum().backward();
  expect_values(x.grad(), {2, 4});
  (x * 3).sum().backward();
  expect_values(x.grad(), {5, 7});
}

TEST(Grad, UndefinedBeforeBackwardAndForNonLeaves) {
  Tensor x = tensor({1.0f, 2.0f}, requires_grad());
  EXPECT_FALSE(x.grad().defined());
  Tensor y = x * 2;
  y.sum().backward();
  EXPECT_TRUE(x.grad().defined());
  EXPECT_FALSE(y.grad().defined());  // non-leaf: not retained
}

TEST(Grad, MutableGradCanBeZeroedAndReset) {
  Tensor x = tensor({1.0f, 2.0f}, requires_grad());
  (x * 2).sum().backward();
  x.mutable_grad().zero_();
  (x * 2).sum().backward();
  expect_values(x.grad(), {2, 2});
  x.mutable_grad() = Tensor();  // set_to_none
  (x * 5).sum().backward();
  expect_values(x.grad(), {5, 5});
}

TEST(Grad, OfLeafNeverRequiresGradWithoutCreateGraph) {
  Tensor x = tensor({1.0f}, requires_grad());
  (x * x).sum().backward();
  EXPECT_FALSE(x.grad().requires_grad());
}

TEST(RetainGrad, NonLeafKeepsGradientAndAccumulatesOverTwoBackwards) {
  Tensor x = tensor({1.0f, 2.0f}, requires_grad());
  Tensor y = x * 3;
  y.retain_grad();
  EXPECT_TRUE(y.retains_grad());
  Tensor z = (y * y).sum();
  z.backward({}, /*retain_graph=*/true);
  expect_values(y.grad(), {6, 12});  // 2y
  z.backward();
  expect_values(y.grad(), {12, 24});
  expect_values(x.grad(), {36, 72});
}

TEST(RetainGrad, IsANoOpOnLeavesAndAnErrorWithoutGrad) {
  Tensor x = ones({2}, rg());
  x.retain_grad();
  EXPECT_FALSE(x.retains_grad());
  Tensor c = ones({2}, kFloat);
  EXPECT_THAT(error_of([&] { c.retain_grad(); }),
              HasSubstr("can't retain_grad on Tensor that has requires_grad=False"));
}

TEST(Detach, SharesDataButNotHistory) {
  Tensor x = tensor({1.0f, 2.0f}, requires_grad());
  Tensor y = x * 2;
  Tensor d = y.detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(d.is_leaf());
  EXPECT_EQ(d.data_ptr(), y.data_ptr());
  {
    NoGradGuard no_grad;
    d.add_(1);  // visible through y: they share storage and version counter
  }
  expect_values(y, {3, 5});
  EXPECT_EQ(y._version(), 1u);
}

TEST(Detach, InPlaceCutsTheGraph) {
  Tensor x = tensor({1.0f}, requires_grad());
  Tensor y = x * 2;
  y.detach_();
  EXPECT_FALSE(y.requires_grad());
  EXPECT_TRUE(y.is_leaf());
  EXPECT_EQ(y.grad_fn(), nullptr);
}

TEST(Backward, NonScalarNeedsGradient) {
  Tensor x = ones({3}, rg());
  Tensor y = x * 2;
  EXPECT_THAT(error_of([&] { y.backward(); }),
              HasSubstr("grad can be implicitly created only for scalar outputs"));
  y.backward(tensor({1.0f, 10.0f, 100.0f}));
  expect_values(x.grad(), {2, 20, 200});
}

TEST(Backward, GradientShapeMustMatch) {
  Tensor x = ones({3}, rg());
  EXPECT_THAT(error_of([&] { (x * 2).backward(ones({2}, kFloat)); }),
              HasSubstr("gradient of shape [2] does not match output shape [3]"));
}

TEST(Backward, ThroughTensorWithoutGradFails) {
  Tensor c = ones({1}, kFloat);
  EXPECT_THAT(error_of([&] { c.backward(); }),
              HasSubstr("does not require grad and does not have a grad_fn"));
}

TEST(Backward, InputsRestrictAccumulation) {
  Tensor a = tensor({2.0f}, requires_grad()), b = tensor({3.0f}, requires_grad());
  Tensor y = a * b;
  y.backward({}, std::nullopt, false, std::vector<Tensor>{a});
  expect_values(a.grad(), {3});
  EXPECT_FALSE(b.grad().defined());
}

TEST(Backward, InputsMayBeNonLeaves) {
  Tensor a = tensor({2.0f}, requires_grad());
  Tensor h = a * a;
  Tensor y = h * 5;
  y.backward({}, std::nullopt, false, std::vector<Tensor>{h});
  expect_values(h.grad(), {5});
  EXPECT_FALSE(a.grad().defined());
}

TEST(Backward, SeveralRootsAtOnce) {
  Tensor x = tensor({1.0f, 2.0f}, requires_grad());
  Tensor y = x * 2, z = x * x;
  autograd::backward({y.sum(), z.sum()}, {}, /*retain_graph=*/true);
  expect_values(x.grad(), {4, 6});
  autograd::backward({y, z}, {ones({2}, kFloat), full({2}, 10.0)});
  expect_values(x.grad(), {4 + 2 + 20, 6 + 2 + 40});
}

TEST(Backward, DiamondSumsBothPaths) {
  Tensor x = tensor({3.0f}, requires_grad());
  Tensor a = x * 2, b = x * x;
  Tensor y = a * b;  // 2x^3 → 6x^2
  y.backward();
  expect_values(x.grad(), {54});
}

TEST(AutogradGrad, ReturnsGradientsWithoutTouchingDotGrad) {
  Tensor x = tensor({1.0f, 2.0f}, requires_grad());
  Tensor y = (x * x).sum();
  auto g = autograd::grad({y}, {x});
  ASSERT_EQ(g.size(), 1u);
  expect_values(g[0], {2, 4});
  EXPECT_FALSE(x.grad().defined());
  EXPECT_FALSE(g[0].requires_grad());
}

TEST(AutogradGrad, GradOutputsWeightTheOutputs) {
  Tensor x = tensor({1.0f, 2.0f}, requires_grad());
  auto g = autograd::grad({x * 3}, {x}, {tensor({1.0f, -1.0f})});
  expect_values(g[0], {3, -3});
}

TEST(AutogradGrad, UnusedInputNeedsAllowUnused) {
  Tensor x = ones({1}, rg()), u = ones({1}, rg());
  Tensor y = (x * 2).sum();
  EXPECT_THAT(error_of([&] {
                autograd::grad({y}, {x, u}, {}, true);
              }),
              HasSubstr("appears to not have been used in the graph"));
  auto g = autograd::grad({y}, {x, u}, {}, std::nullopt, false, /*allow_unused=*/true);
  expect_values(g[0], {2});
  EXPECT_FALSE(g[1].defined());
}

TEST(AutogradGrad, WithRespectToIntermediate) {
  Tensor x = tensor({2.0f}, requires_grad());
  Tensor h = x * x;
  Tensor y = (h * 3).sum();
  auto g = autograd::grad({y}, {h}, {}, true);
  expect_values(g[0], {3});
  g = autograd::grad({y}, {x, h});
  expect_values(g[0], {12});
  expect_values(g[1], {3});
}

TEST(AutogradGrad, RunsOnlyWhatTheInputsNeed) {
  // The branch through `other` does not lead to x: its hook must not fire.
  Tensor x = tensor({2.0f}, requires_grad()), other = tensor({5.0f}, requires_grad());
  Tensor o2 = other * 2;
  bool fired = false;
  o2.register_hook([&](const Tensor&) { fired = true; });
  Tensor y = (x * 3 + o2).sum();
  auto g = autograd::grad({y}, {x});
  expect_values(g[0], {3});
  EXPECT_FALSE(fired);
  EXPECT_FALSE(other.grad().defined());
}

TEST(GradMode, NoGradGuardStopsRecording) {
  Tensor x = ones({2}, rg());
  EXPECT_TRUE(GradMode::is_enabled());
  {
    NoGradGuard no_grad;
    EXPECT_FALSE(GradMode::is_enabled());
    Tensor y = x * 2;
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(y.grad_fn(), nullptr);
  }
  EXPECT_TRUE(GradMode::is_enabled());
  EXPECT_TRUE((x * 2).requires_grad());
}

TEST(GradMode, AutoGradModeNestsAndRestores) {
  Tensor x = ones({2}, rg());
  {
    AutoGradMode off(false);
    EXPECT_FALSE((x * 2).requires_grad());
    {
      AutoGradMode on(true);
      EXPECT_TRUE((x * 2).requires_grad());
    }
    EXPECT_FALSE(GradMode::is_enabled());
  }
  EXPECT_TRUE(GradMode::is_enabled());
  GradMode::set_enabled(false);
  EXPECT_FALSE((x * 2).requires_grad());
  GradMode::set_enabled(true);
}

TEST(Hooks, ModifyTheGradientOfALeaf) {
  Tensor x = tensor({1.0f, 2.0f}, requires_grad());
  x.register_hook([](const Tensor& g) { return g * 10; });
  (x * 2).sum().backward();
  expect_values(x.grad(), {20, 20});
}

TEST(Hooks, ModifyTheGradientFlowingThroughANonLeaf) {
  Tensor x = tensor({1.0f, 2.0f}, requires_grad());
  Tensor y = x * 3;
  std::vector<double> seen;
  y.register_hook([&](const Tensor& g) { seen = testing::values(g); });
  y.register_hook([](const Tensor& g) { return g + 1; });
  (y * 2).sum().backward();
  EXPECT_EQ(seen, (std::vector<double>{2, 2}));
  expect_values(x.grad(), {9, 9});  // (2 + 1) * 3
}

TEST(Hooks, RetainedGradSeesTheHookedGradient) {
  Tensor x = tensor({1.0f}, requires_grad());
  Tensor y = x * 3;
  y.retain_grad();
  y.register_hook([](const Tensor& g) { return g * 2; });
  (y * 5).sum().backward();
  expect_values(y.grad(), {10});
  expect_values(x.grad(), {30});
}

TEST(Hooks, RemovedHookNoLongerRuns) {
  Tensor x = tensor({1.0f}, requires_grad());
  int calls = 0;
  unsigned h = x.register_hook([&](const Tensor& g) {
    ++calls;
    return g * 2;
  });
  (x * 1).sum().backward();
  expect_values(x.grad(), {2});
  x.remove_hook(h);
  (x * 1).sum().backward();
  expect_values(x.grad(), {3});
  EXPECT_EQ(calls, 1);
  EXPECT_THAT(error_of([&] { x.remove_hook(h); }), HasSubstr("no hook with handle"));
}

TEST(Hooks, NeedRequiresGrad) {
  Tensor c = ones({1}, kFloat);
  EXPECT_THAT(error_of([&] { c.register_hook([](const Tensor& g) { return g; }); }),
              HasSubstr("cannot register a hook on a tensor that doesn't require gradient"));
}

TEST(Hooks, OnAutogradGradInputs) {
  Tensor x = tensor({1.0f}, requires_grad());
  x.register_hook([](const Tensor& g) { return g * 7; });
  auto g = autograd::grad({(x * 2).sum()}, {x});
  expect_values(g[0], {2});  // grad() returns the gradient before leaf hooks, as PyTorch
}

TEST(CreateGraph, GradOfLeafHasHistory) {
  Tensor x = tensor({3.0f}, requires_grad());
  (x * x * x).sum().backward({}, std::nullopt, /*create_graph=*/true);
  ASSERT_TRUE(x.grad().requires_grad());
  expect_values(x.grad(), {27});
  Tensor g = x.grad();
  x.mutable_grad() = Tensor();
  g.backward();
  expect_values(x.grad(), {18});  // d/dx 3x^2
}

}  // namespace
}  // namespace ember

namespace ember {
namespace {

using testing::rg;

// PyTorch's layout contract: a leaf's .grad has the leaf's strides, whatever layout the
// gradient arrived in. linear() multiplies by weight.t(); the weight's gradient must come out
// row-major like the weight (torch: w.grad.is_contiguous() is True).
TEST(GradLayout, LinearWeightGradientIsContiguous) {
  manual_seed(0);
  Tensor w = randn({5, 3}, rg()), b = randn({5}, rg()), x = randn({4, 3});
  nn::functional::linear(x, w, b).sum().backward();
  ASSERT_TRUE(w.grad().defined());
  EXPECT_TRUE(w.grad().is_contiguous());
  // d(sum(x wᵀ + b))/dw[i][j] = Σ_n x[n][j], the same for every row i.
  Tensor col = x.sum({0});
  for (int64_t i = 0; i < 5; ++i) EXPECT_TRUE(allclose(w.grad()[i], col));
}

TEST(GradLayout, TransposedLeafGetsATransposedGradient) {
  Tensor base = arange(6, kFloat).reshape({2, 3});
  Tensor w = base.t().detach().requires_grad_();  // (3, 2) with strides (1, 3)
  (w * w).sum().backward();
  EXPECT_EQ(w.grad().strides(), w.strides());
  EXPECT_FALSE(w.grad().requires_grad());
  EXPECT_TRUE(allclose(w.grad(), 2 * w.detach()));
}

TEST(GradLayout, MmGradientOfAColumnMajorOperandIsColumnMajor) {
  manual_seed(1);
  Tensor a = randn({4, 3}, rg()), b0 = randn({2, 3}, rg());
  Tensor b = b0.t();  // (3, 2), column-major
  Tensor g_a, g_b;
  auto grads = autograd::grad({a.mm(b).sum()}, {a, b});
  g_a = grads[0], g_b = grads[1];
  EXPECT_EQ(g_b.strides(), b.strides());
  // d(sum(a b))/db[k][j] = Σ_i a[i][k]; d/da[i][k] = Σ_j b[k][j].
  EXPECT_TRUE(allclose(g_b, a.detach().sum({0}).unsqueeze(1).expand({3, 2})));
  EXPECT_TRUE(allclose(g_a, b.detach().sum({1}).unsqueeze(0).expand({4, 3})));
}

}  // namespace
}  // namespace ember
