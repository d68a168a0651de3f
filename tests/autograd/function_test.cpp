// Custom autograd Functions spelled exactly as in libtorch: struct F : Function<F> with static
// forward(AutogradContext*, ...) and backward(AutogradContext*, variable_list), F::apply(...).
#include "support/support.h"

namespace ember {
namespace {

using autograd::AutogradContext;
using autograd::Function;
using autograd::variable_list;
using testing::error_of;
using testing::expect_values;
using ::testing::HasSubstr;

// y = x * scale + shift, with scale a double and shift an int argument.
struct ScaleShift : public Function<ScaleShift> {
  static Tensor forward(AutogradContext* ctx, Tensor x, double scale, int64_t shift) {
    ctx->saved_data["scale"] = scale;
    ctx->saved_data["shift"] = shift;
    return x * scale + shift;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    EXPECT_EQ(ctx->saved_data["shift"].toInt(), 3);
    return {grads[0] * ctx->saved_data["scale"].toDouble(), Tensor(), Tensor()};
  }
};

TEST(CustomFunction, DoubleAndIntArgumentsGetUndefinedGradients) {
  Tensor x = tensor({1.0f, 2.0f}, testing::rg());
  Tensor y = ScaleShift::apply(x, 2.5, 3);
  expect_values(y, {5.5, 8});
  EXPECT_EQ(y.grad_fn()->name(), "CppNode<ember::(anonymous namespace)::ScaleShift>");
  y.sum().backward();
  expect_values(x.grad(), {2.5, 2.5});
}

// Linear: saves its inputs, returns no gradient for a non-differentiable input.
struct LinearFn : public Function<LinearFn> {
  static Tensor forward(AutogradContext* ctx, Tensor input, Tensor weight, Tensor bias) {
    ctx->save_for_backward({input, weight, bias});
    EXPECT_EQ(ctx->get_saved_variables().size(), 3u);  // readable inside forward too
    return input.mm(weight.t()) + bias;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    Tensor input = saved[0], weight = saved[1];
    Tensor g = grads[0];
    return {g.mm(weight), g.t().mm(input), g.sum({0})};
  }
};

TEST(CustomFunction, SaveForBackwardAndGetSavedVariables) {
  manual_seed(1);
  Tensor x = randn({4, 3}, testing::rg()), w = randn({2, 3}, testing::rg());
  Tensor b = randn({2}, testing::rg());
  LinearFn::apply(x, w, b).pow(2).sum().backward();
  Tensor gx = x.grad().clone(), gw = w.grad().clone(), gb = b.grad().clone();
  for (Tensor* p : {&x, &w, &b}) p->mutable_grad() = Tensor();
  (x.mm(w.t()) + b).pow(2).sum().backward();
  EXPECT_TRUE(gx.allclose(x.grad(), 1e-5, 1e-5));
  EXPECT_TRUE(gw.allclose(w.grad(), 1e-5, 1e-5));
  EXPECT_TRUE(gb.allclose(b.grad(), 1e-5, 1e-5));
}

TEST(CustomFunction, GradientcheckOfSavedInputs) {
  Tensor x = randn({3, 2}, dtype(kDouble).requires_grad(true));
  Tensor w = randn({4, 2}, dtype(kDouble).requires_grad(true));
  Tensor b = randn({4}, dtype(kDouble).requires_grad(true));
  EXPECT_TRUE(autograd::gradcheck(
      [](const variable_list& v) { return LinearFn::apply(v[0], v[1], v[2]); }, {x, w, b}));
}

// A non-differentiable input: its gradient is returned as an undefined Tensor().
struct MaskedScale : public Function<MaskedScale> {
  static Tensor forward(AutogradContext* ctx, Tensor x, Tensor mask) {
    ctx->save_for_backward({mask});
    return x * mask;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    return {grads[0] * ctx->get_saved_variables()[0], Tensor()};
  }
};

TEST(CustomFunction, UndefinedGradientForNonDifferentiableInput) {
  Tensor x = tensor({1.0f, 2.0f, 3.0f}, testing::rg());
  Tensor mask = tensor({1.0f, 0.0f, 1.0f}, testing::rg());
  MaskedScale::apply(x, mask).sum().backward();
  expect_values(x.grad(), {1, 0, 1});
  EXPECT_FALSE(mask.grad().defined());
}

// saved_data holding a tensor, needs_input_grad.
struct UsesSavedTensorData : public Function<UsesSavedTensorData> {
  static Tensor forward(AutogradContext* ctx, Tensor x, Tensor w) {
    ctx->saved_data["w"] = w;
    ctx->saved_data["k"] = 5.5;
    ctx->saved_data["n"] = 2;
    return x * w;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    EXPECT_TRUE(ctx->needs_input_grad(0));
    EXPECT_FALSE(ctx->needs_input_grad(1));
    EXPECT_EQ(ctx->saved_data["k"].toDouble(), 5.5);
    EXPECT_EQ(ctx->saved_data["n"].toInt(), 2);
    return {grads[0] * ctx->saved_data["w"].toTensor(), Tensor()};
  }
};

TEST(CustomFunction, SavedDataToDoubleToIntToTensor) {
  Tensor x = tensor({1.0f, 2.0f}, testing::rg());
  Tensor w = tensor({3.0f, 4.0f});
  UsesSavedTensorData::apply(x, w).sum().backward();
  expect_values(x.grad(), {3, 4});
  EXPECT_THAT(error_of([] { IValue(5.5).toInt(); }), HasSubstr("expected Int but got Double"));
  EXPECT_EQ(IValue(int64_t{4}).toDouble(), 4.0);
}

// mark_dirty: forward modifies its input in place and returns it.
struct MulTwoInPlace : public Function<MulTwoInPlace> {
  static Tensor forward(AutogradContext* ctx, Tensor x) {
    x.mul_(2);
    ctx->mark_dirty({x});
    return x;
  }
  static variable_list backward(AutogradContext*, variable_list grads) { return {grads[0] * 2}; }
};

TEST(CustomFunction, MarkDirtyRebasesTheModifiedInput) {
  Tensor leaf = tensor({1.0f, 2.0f}, testing::rg());
  Tensor x = leaf * 1;
  const uint32_t v0 = x._version();
  Tensor y = MulTwoInPlace::apply(x);
  EXPECT_TRUE(y.is_same(x));
  EXPECT_GT(x._version(), v0);
  EXPECT_EQ(x.grad_fn()->name(), "CppNode<ember::(anonymous namespace)::MulTwoInPlace>");
  expect_values(x, {2, 4});
  (y * 3).sum().backward();
  expect_values(leaf.grad(), {6, 6});
}

TEST(CustomFunction, MarkDirtyOnAViewUpdatesTheBase) {
  Tensor leaf = tensor({1.0f, 2.0f, 3.0f}, testing::rg());
  Tensor base = leaf.clone();
  Tensor view = base.narrow(0, 1, 2);
  MulTwoInPlace::apply(view);
  EXPECT_EQ(base.grad_fn()->name(), "torch::autograd::CopySlices");
  expect_values(base, {1, 4, 6});
  base.sum().backward();
  expect_values(leaf.grad(), {1, 2, 2});
}

TEST(CustomFunction, MarkDirtyOnALeafThatRequiresGradFails) {
  Tensor leaf = tensor({1.0f}, testing::rg());
  EXPECT_THAT(error_of([&] { MulTwoInPlace::apply(leaf); }),
              HasSubstr("a leaf Variable that requires grad"));
}

// Several outputs, one of them non-differentiable (mark_non_differentiable).
struct SortWithIndices : public Function<SortWithIndices> {
  static variable_list forward(AutogradContext* ctx, Tensor x) {
    auto [values, indices] = x.sort(0);
    ctx->save_for_backward({indices});
    ctx->saved_data["n"] = x.size(0);
    Tensor idx_float = indices.to(kFloat);
    ctx->mark_non_differentiable({idx_float});
    return {values, idx_float};
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    Tensor indices = ctx->get_saved_variables()[0];
    Tensor g = zeros({ctx->saved_data["n"].toInt()}, kFloat);
    g = g.scatter(0, indices, grads[0]);
    return {g};
  }
};

TEST(CustomFunction, MultipleOutputsAndNonDifferentiableOutput) {
  Tensor x = tensor({3.0f, 1.0f, 2.0f}, testing::rg());
  variable_list out = SortWithIndices::apply(x);
  ASSERT_EQ(out.size(), 2u);
  expect_values(out[0], {1, 2, 3});
  expect_values(out[1], {1, 2, 0});
  EXPECT_TRUE(out[0].requires_grad());
  EXPECT_FALSE(out[1].requires_grad());
  EXPECT_EQ(out[0].output_nr(), 0u);
  (out[0] * tensor({10.0f, 20.0f, 30.0f})).sum().backward();
  expect_values(x.grad(), {30, 10, 20});
}

// Two differentiable outputs; the engine materializes the unused one's gradient as zeros.
struct SplitHalves : public Function<SplitHalves> {
  static variable_list forward(AutogradContext*, Tensor x) {
    return {x.narrow(0, 0, 1) * 1, x.narrow(0, 1, 1) * 1};
  }
  static variable_list backward(AutogradContext*, variable_list grads) {
    EXPECT_TRUE(grads[0].defined());
    EXPECT_TRUE(grads[1].defined());
    return {cat({grads[0], grads[1]})};
  }
};

TEST(CustomFunction, UnusedOutputGetsZeroGradient) {
  Tensor x = tensor({1.0f, 2.0f}, testing::rg());
  variable_list out = SplitHalves::apply(x);
  (out[1] * 5).sum().backward();
  expect_values(x.grad(), {0, 5});
}

// Saving an output: no reference cycle, and the saved output is usable in backward.
struct ExpFn : public Function<ExpFn> {
  static Tensor forward(AutogradContext* ctx, Tensor x) {
    Tensor y = x.exp();
    ctx->save_for_backward({y});
    return y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    return {grads[0] * ctx->get_saved_variables()[0]};
  }
};

TEST(CustomFunction, SavedOutputGivesCorrectGradient) {
  Tensor x = tensor({0.0, 1.0}, dtype(kDouble).requires_grad(true));
  EXPECT_TRUE(autograd::gradcheck([](const variable_list& v) { return ExpFn::apply(v[0]); }, {x}));
  ExpFn::apply(x).sum().backward();
  expect_values(x.grad(), {1, std::exp(1.0)});
}

TEST(CustomFunction, NoGradModeRecordsNothing) {
  Tensor x = tensor({1.0f}, testing::rg());
  NoGradGuard no_grad;
  Tensor y = ExpFn::apply(x);
  EXPECT_FALSE(y.requires_grad());
}

TEST(CustomFunction, WrongGradientCountIsReported) {
  struct TooMany : public Function<TooMany> {
    static Tensor forward(AutogradContext*, Tensor x) { return x * 1; }
    static variable_list backward(AutogradContext*, variable_list) { return {}; }
  };
  Tensor x = tensor({1.0f}, testing::rg());
  EXPECT_THAT(error_of([&] { TooMany::apply(x).sum().backward(); }),
              HasSubstr("function backward returned an incorrect number of gradients"));
}

TEST(CustomFunction, WrongGradientShapeIsReported) {
  struct BadShape : public Function<BadShape> {
    static Tensor forward(AutogradContext*, Tensor x) { return x * 1; }
    static variable_list backward(AutogradContext*, variable_list) { return {ones({3}, kFloat)}; }
  };
  Tensor x = tensor({1.0f, 2.0f}, testing::rg());
  EXPECT_THAT(error_of([&] { BadShape::apply(x).sum().backward(); }),
              HasSubstr("function backward returned an invalid gradient at index 0"));
}

TEST(CustomFunction, SecondBackwardThroughFreedGraphFails) {
  Tensor x = tensor({1.0f}, testing::rg());
  Tensor y = ExpFn::apply(x).sum();
  y.backward();
  EXPECT_THAT(error_of([&] { y.backward(); }),
              HasSubstr("Trying to backward through the graph a second time"));
}

TEST(CustomFunction, TorchSpelling) {
  // The same names through torch_compat.h's `namespace torch = ember`.
  struct Twice : public ember::autograd::Function<Twice> {
    static ember::Tensor forward(ember::autograd::AutogradContext*, ember::Tensor x) {
      return x * 2;
    }
    static ember::autograd::variable_list backward(ember::autograd::AutogradContext*,
                                                   ember::autograd::variable_list g) {
      return {g[0] * 2};
    }
  };
  Tensor x = tensor({1.0f}, testing::rg());
  Twice::apply(x).backward();
  expect_values(x.grad(), {2});
}

}  // namespace
}  // namespace ember
