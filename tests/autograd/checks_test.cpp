// gradcheck (finite differences against autograd), DetectAnomalyGuard, and the graph's memory:
// freed after backward unless retained, no reference cycles through saved outputs.
#include "support/support.h"

namespace ember {
namespace {

using autograd::AutogradContext;
using autograd::Function;
using autograd::variable_list;
using testing::error_of;
using testing::expect_values;
using ::testing::HasSubstr;
using testing::rg;

Tensor dbl(std::vector<int64_t> shape) { return randn(shape, dtype(kDouble).requires_grad(true)); }

TEST(Gradcheck, PassesForCorrectGradients) {
  manual_seed(3);
  Tensor a = dbl({3, 4}), b = dbl({4, 2}), c = dbl({2});
  EXPECT_TRUE(autograd::gradcheck(
      [](const variable_list& v) {
        return (v[0].matmul(v[1]) + v[2]).sigmoid() * v[0].sum({1}, true).tanh();
      },
      {a, b, c}));
}

TEST(Gradcheck, SeveralOutputs) {
  Tensor a = dbl({3});
  EXPECT_TRUE(autograd::gradcheck(
      [](const variable_list& v) {
        return variable_list{v[0].exp(), (v[0] * v[0]).sum()};
      },
      {a}));
}

// x^2 with a deliberately wrong backward (3x instead of 2x).
struct WrongSquare : public Function<WrongSquare> {
  static Tensor forward(AutogradContext* ctx, Tensor x) {
    ctx->save_for_backward({x});
    return x * x;
  }
  static variable_list backward(AutogradContext* ctx, variable_list g) {
    return {g[0] * 3 * ctx->get_saved_variables()[0]};
  }
};

TEST(Gradcheck, FailsForAWrongBackward) {
  Tensor x = tensor({1.0, 2.0}, dtype(kDouble).requires_grad(true));
  auto fn = [](const variable_list& v) { return WrongSquare::apply(v[0]); };
  EXPECT_FALSE(autograd::gradcheck(fn, {x}, 1e-6, 1e-5, 1e-3, /*raise_exception=*/false));
  EXPECT_THAT(error_of([&] { autograd::gradcheck(fn, {x}); }),
              HasSubstr("gradcheck: Jacobian mismatch for output 0 with respect to input 0"));
}

TEST(Gradcheck, RequiresDoubleInputs) {
  Tensor x = tensor({1.0f}, rg());
  EXPECT_THAT(
      error_of([&] { autograd::gradcheck([](const variable_list& v) { return v[0] * 2; }, {x}); }),
      HasSubstr("gradcheck: inputs must be float64"));
}

TEST(Gradcheck, GradGradCheckCatchesAWrongDoubleBackward) {
  // backward uses detach, so its own derivative is missing: first order is fine, second not.
  struct DetachedBackward : public Function<DetachedBackward> {
    static Tensor forward(AutogradContext* ctx, Tensor x) {
      ctx->save_for_backward({x});
      return x * x * x;
    }
    static variable_list backward(AutogradContext* ctx, variable_list g) {
      Tensor x = ctx->get_saved_variables()[0].detach();
      return {g[0] * 3 * x * x};
    }
  };
  Tensor x = tensor({1.5, -0.5}, dtype(kDouble).requires_grad(true));
  auto fn = [](const variable_list& v) { return DetachedBackward::apply(v[0]).sum(); };
  EXPECT_TRUE(autograd::gradcheck(fn, {x}));
  EXPECT_FALSE(autograd::gradgradcheck(fn, {x}, 1e-6, 1e-5, 1e-3, false));
}

TEST(DetectAnomaly, NamesTheNodeThatProducedNaN) {
  Tensor x = tensor({0.0f, 1.0f}, rg());
  Tensor y = (x.sqrt() * 0).sum();  // SqrtBackward0 computes 0 / (2 * 0) = NaN
  {
    autograd::DetectAnomalyGuard anomaly;
    EXPECT_TRUE(autograd::AnomalyMode::is_enabled());
    EXPECT_THAT(error_of([&] { y.backward({}, true); }),
                HasSubstr("Function 'SqrtBackward0' returned nan values in its 0th output"));
  }
  EXPECT_FALSE(autograd::AnomalyMode::is_enabled());
  y.backward();  // without the guard NaN just flows into .grad
  EXPECT_TRUE(std::isnan(x.grad()[0].item<float>()));
}

TEST(DetectAnomaly, CustomFunctionNaN) {
  struct NaNBackward : public Function<NaNBackward> {
    static Tensor forward(AutogradContext*, Tensor x) { return x * 1; }
    static variable_list backward(AutogradContext*, variable_list g) { return {g[0] * NAN}; }
  };
  Tensor x = tensor({1.0f}, rg());
  autograd::DetectAnomalyGuard anomaly;
  EXPECT_THAT(error_of([&] { NaNBackward::apply(x).sum().backward(); }),
              HasSubstr("Function 'CppNode<"));
}

// ---- memory -------------------------------------------------------------------------------------
TEST(GraphMemory, SecondBackwardThroughFreedGraphFails) {
  Tensor x = tensor({1.0f, 2.0f}, rg());
  Tensor y = (x * x).sum();
  y.backward();
  EXPECT_THAT(error_of([&] { y.backward(); }),
              HasSubstr("MulBackward0: Trying to backward through the graph a second time"));
}

TEST(GraphMemory, RetainGraphAllowsASecondBackward) {
  Tensor x = tensor({1.0f, 2.0f}, rg());
  Tensor y = (x * x).sum();
  y.backward({}, /*retain_graph=*/true);
  y.backward();
  expect_values(x.grad(), {4, 8});
}

TEST(GraphMemory, NodesWithoutSavedTensorsCanRunTwice) {
  Tensor x = tensor({1.0f, 2.0f}, rg());
  Tensor y = (x * 2 + 1).sum();  // as PyTorch: nothing saved, nothing freed
  y.backward();
  y.backward();
  expect_values(x.grad(), {4, 4});
}

TEST(GraphMemory, SavedTensorsAreReleasedAfterBackward) {
  Tensor x = tensor({1.0f, 2.0f}, rg());
  Tensor h = x * 3;
  const int64_t before = h.use_count();
  Tensor y = (h * h).sum();  // MulBackward0 holds h twice
  EXPECT_GT(h.use_count(), before);
  y.backward();
  EXPECT_EQ(h.use_count(), before);
}

TEST(GraphMemory, GraphDiesWithItsOutput) {
  Tensor x = tensor({1.0f, 2.0f}, rg());
  std::weak_ptr<autograd::Node> mul, sum;
  {
    Tensor y = (x * x).sum();
    sum = y.grad_fn();
    mul = y.grad_fn()->next_edge(0).function;
    EXPECT_FALSE(mul.expired());
  }
  EXPECT_TRUE(sum.expired());
  EXPECT_TRUE(mul.expired());
}

TEST(GraphMemory, OpsSavingTheirOutputMakeNoCycle) {
  for (auto f :
       {+[](const Tensor& x) { return x.exp(); }, +[](const Tensor& x) { return x.tanh(); },
        +[](const Tensor& x) { return x.sigmoid(); }, +[](const Tensor& x) { return x.relu(); },
        +[](const Tensor& x) { return x.sqrt(); }}) {
    Tensor x = tensor({0.5f, 1.5f}, rg());
    std::weak_ptr<autograd::Node> node;
    {
      Tensor y = f(x);
      node = y.grad_fn();
      ASSERT_FALSE(node.expired());
      Tensor g = autograd::grad({y.sum()}, {x}, {}, true)[0];  // the saved output is usable
      EXPECT_TRUE(g.defined());
    }
    EXPECT_TRUE(node.expired()) << "cycle through the saved output";
  }
}

struct SavesOutput : public Function<SavesOutput> {
  static Tensor forward(AutogradContext* ctx, Tensor x) {
    Tensor y = x.tanh();
    ctx->save_for_backward({y, x});
    return y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list g) {
    Tensor y = ctx->get_saved_variables()[0];
    return {g[0] * (1 - y * y)};
  }
};

TEST(GraphMemory, CustomFunctionSavingItsOutputMakesNoCycle) {
  Tensor x = tensor({0.5f}, rg());
  std::weak_ptr<autograd::Node> node;
  {
    Tensor y = SavesOutput::apply(x);
    node = y.grad_fn();
    y.backward({}, true);
    expect_values(x.grad(), {1 - std::pow(std::tanh(0.5), 2)});
  }
  EXPECT_TRUE(node.expired());
}

TEST(GraphMemory, InPlaceViewGraphDiesWithItsBase) {
  Tensor x = tensor({1.0f, 2.0f}, rg());
  std::weak_ptr<autograd::Node> copy_slices, regenerated;
  {
    Tensor b = x.clone();
    Tensor v = b[0];
    v.mul_(2);
    copy_slices = b.grad_fn();
    regenerated = v.grad_fn();
  }
  EXPECT_TRUE(copy_slices.expired());
  EXPECT_TRUE(regenerated.expired());
}

TEST(GraphMemory, HooksDoNotKeepTheGraphAlive) {
  Tensor x = tensor({1.0f}, rg());
  std::weak_ptr<autograd::Node> node;
  {
    Tensor y = x * 2;
    y.retain_grad();
    y.register_hook([](const Tensor& g) { return g * 2; });
    node = y.grad_fn();
    (y * 3).sum().backward();
  }
  EXPECT_TRUE(node.expired());
}

TEST(GraphMemory, ManySmallTrainingSteps) {
  // A few thousand steps of a tiny model: run under the sanitizer build, LeakSanitizer checks
  // that nothing of the graphs stays behind.
  manual_seed(0);
  Tensor w = randn({4, 1}, rg()), b = zeros({4}, rg());
  Tensor x = randn({8, 1}, kFloat), t = randn({8, 4}, kFloat);
  double first = 0, last = 0;
  for (int step = 0; step < 2000; ++step) {
    Tensor pred = (x.matmul(w.t()) + b).tanh();
    Tensor loss = (pred - t).pow(2).mean();
    loss.backward();
    {
      NoGradGuard no_grad;
      w.sub_(w.grad() * 0.05);
      b.sub_(b.grad() * 0.05);
    }
    w.mutable_grad().zero_();
    b.mutable_grad().zero_();
    (step == 0 ? first : last) = loss.item<double>();
  }
  EXPECT_LT(last, first);
}

}  // namespace
}  // namespace ember
