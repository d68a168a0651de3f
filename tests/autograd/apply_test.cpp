// What apply<Op> (src/autograd/apply.h) makes explicit: an op's saved() tensors are released by
// a backward without retain_graph (unpacking one then raises PyTorch's ERR_BACKWARD_TWICE naming
// the node), an op's SavedOutput is filled once its node exists, and only ops declaring
// `is_view` have their outputs recorded as views.
#include "autograd/apply.h"

#include "support/support.h"

namespace ember {
namespace {

using autograd::AutogradContext;
using autograd::Function;
using autograd::Node;
using autograd::OpNode;
using autograd::SavedOutput;
using autograd::SavedTensor;
using autograd::variable_list;
using testing::error_of;
using testing::expect_values;
using ::testing::HasSubstr;
using testing::rg;

const std::string kTwice =
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd::grad(). Specify retain_graph=true";

// ---- saved tensors are released -------------------------------------------------------------
TEST(SecondBackward, ThroughMulThrowsNamingTheNode) {
  Tensor a = tensor({1.0f, 2.0f}, rg()), b = tensor({3.0f, 4.0f}, rg());
  Tensor y = (a * b).sum();
  y.backward();
  EXPECT_THAT(error_of([&] { y.backward(); }), HasSubstr("MulBackward0: " + kTwice));
  expect_values(a.grad(), {3, 4});  // the failed backward accumulated nothing into the leaves
}

TEST(SecondBackward, ThroughAddWorksAsItSavesNothing) {
  Tensor a = tensor({1.0f, 2.0f}, rg()), b = tensor({3.0f, 4.0f}, rg());
  Tensor y = (a + b).sum();
  y.backward();
  y.backward();
  expect_values(a.grad(), {2, 2});
  expect_values(b.grad(), {2, 2});
}

TEST(SecondBackward, RetainGraphAllowsItTwice) {
  Tensor a = tensor({1.0f, 2.0f}, rg()), b = tensor({3.0f, 4.0f}, rg());
  Tensor y = (a * b).sum();
  y.backward({}, /*retain_graph=*/true);
  y.backward({}, /*retain_graph=*/true);
  expect_values(a.grad(), {6, 8});
  y.backward();  // frees the graph
  expect_values(a.grad(), {9, 12});
  EXPECT_THAT(error_of([&] { y.backward(); }), HasSubstr("MulBackward0: " + kTwice));
}

TEST(SecondBackward, ThroughASavedOutputThrowsNamingTheNode) {
  Tensor a = tensor({0.0f, 1.0f}, rg());
  Tensor y = a.exp().sum();  // ExpBackward0 keeps its output
  y.backward();
  EXPECT_THAT(error_of([&] { y.backward(); }), HasSubstr("ExpBackward0: " + kTwice));
}

TEST(SecondBackward, ThroughAutogradGradThrows) {
  Tensor a = tensor({1.0f, 2.0f}, rg());
  Tensor y = (a * a).sum();
  autograd::grad({y}, {a});
  EXPECT_THAT(error_of([&] { autograd::grad({y}, {a}); }), HasSubstr("MulBackward0: " + kTwice));
}

struct TwiceFn : public Function<TwiceFn> {  // saves nothing: as in PyTorch it may run twice
  static Tensor forward(AutogradContext*, Tensor x) { return x * 2; }
  static variable_list backward(AutogradContext*, variable_list g) { return {g[0] * 2}; }
};

TEST(SecondBackward, CustomFunctionThatSavesNothingRunsTwice) {
  Tensor a = tensor({1.0f}, rg());
  Tensor y = TwiceFn::apply(a).sum();
  y.backward();
  y.backward();
  expect_values(a.grad(), {4});
}

struct SquareFn : public Function<SquareFn> {
  static Tensor forward(AutogradContext* ctx, Tensor x) {
    ctx->save_for_backward({x});
    return x * x;
  }
  static variable_list backward(AutogradContext* ctx, variable_list g) {
    return {g[0] * 2 * ctx->get_saved_variables()[0]};
  }
};

TEST(SecondBackward, CustomFunctionReadingFreedSavedTensorsThrowsNamingTheNode) {
  Tensor a = tensor({3.0f}, rg());
  Tensor y = SquareFn::apply(a).sum();
  y.backward();
  expect_values(a.grad(), {6});
  EXPECT_THAT(error_of([&] { y.backward(); }), HasSubstr("CppNode<"));
  EXPECT_THAT(error_of([&] { y.backward(); }), HasSubstr("SquareFn>: " + kTwice));
}

TEST(SavedTensorRelease, ReleasedTensorRefusesToUnpack) {
  Tensor t = tensor({1.0f});
  SavedTensor s = t;
  const int64_t held = t.use_count();
  s.release();
  EXPECT_EQ(t.use_count(), held - 1);  // the memory is given back
  EXPECT_TRUE(s.defined());            // a tensor was saved: unpacking it is an error
  EXPECT_THAT(error_of([&] { s.unpack(); }), HasSubstr("SavedTensor::unpack: " + kTwice));
}

TEST(SavedTensorRelease, UndefinedTensorStaysUndefined) {
  SavedTensor s = Tensor();  // e.g. an absent weight
  s.release();
  EXPECT_FALSE(s.defined());
  EXPECT_FALSE(s.unpack().defined());
}

// ---- saved outputs ------------------------------------------------------------------------------
// y = x², saving x and its output; checks its saved tensors in backward.
struct Square {
  static constexpr const char* name = "SquareTestBackward0";
  SavedTensor x;
  SavedOutput result;
  auto saved() { return std::tie(x, result); }
  Tensor forward(const Tensor& in) {
    x = in;
    return in * in;
  }
  variable_list backward(const Tensor& g, const Node&) {
    expect_values(result.unpack(), {9});
    return {2 * g * x.unpack()};
  }
};

TEST(SavedOutputs, AreFilledOnceTheNodeExistsAndHeldWithoutIt) {
  Tensor a = tensor({3.0f}, rg());
  Tensor y = autograd::apply(Square{}, a);
  auto& node = static_cast<OpNode<Square>&>(*y.grad_fn());
  EXPECT_EQ(node.op().result.unpack().grad_fn(), y.grad_fn());  // unpacked with its history
  {
    NoGradGuard no_grad;
    expect_values(node.op().result.unpack(), {9});
    EXPECT_EQ(node.op().result.unpack().grad_fn(), nullptr);
  }
  const std::weak_ptr<Node> weak = y.grad_fn();
  y.backward();
  expect_values(a.grad(), {6});
  EXPECT_THAT(error_of([&] { node.op().result.unpack(); }), HasSubstr(kTwice));
  y = Tensor();
  EXPECT_TRUE(weak.expired());  // the saved output held no reference to its node
}

TEST(SavedOutputs, AreNotFilledWithoutAGraph) {
  Tensor a = tensor({3.0f});
  Tensor y = autograd::apply(Square{}, a);
  expect_values(y, {9});
  EXPECT_EQ(y.grad_fn(), nullptr);
}

struct UnlistedOutput {
  static constexpr const char* name = "UnlistedOutputTestBackward0";
  SavedOutput result;  // not listed in a saved(): apply cannot know about it
  Tensor forward(const Tensor& x) { return x * 2; }
  variable_list backward(const Tensor& g, const Node&) { return {g * result.unpack()}; }
};

TEST(SavedOutputs, AnUnlistedOneIsReportedWhenUnpacked) {
  Tensor a = tensor({3.0f}, rg());
  Tensor y = autograd::apply(UnlistedOutput{}, a);
  EXPECT_THAT(error_of([&] { y.backward(); }),
              HasSubstr("SavedOutput: unpacked but never saved (list it in the op's saved())"));
}

// ---- declared views ---------------------------------------------------------------------------
// An alias of the input: the same elements, a new TensorImpl.
Tensor alias_of(const Tensor& x) { return x.detach(); }

struct DeclaredAlias {
  static constexpr const char* name = "AliasTestBackward0";
  static constexpr bool is_view = true;
  Tensor forward(const Tensor& x) { return alias_of(x); }
  variable_list backward(const Tensor& g, const Node&) { return {g}; }
};

struct UndeclaredAlias {
  static constexpr const char* name = "UndeclaredAliasTestBackward0";
  Tensor forward(const Tensor& x) { return alias_of(x); }
  variable_list backward(const Tensor& g, const Node&) { return {g}; }
};

TEST(DeclaredViews, OutputIsAViewOfTheBaseAndInPlaceOpsReachIt) {
  Tensor a = tensor({1.0f, 2.0f}, rg());
  Tensor h = a * 1;
  Tensor v = autograd::apply(DeclaredAlias{}, h);
  EXPECT_TRUE(autograd::view_base(v).is_same(h));
  v.mul_(3);  // h gets a CopySlices node
  EXPECT_EQ(h.grad_fn()->name(), "torch::autograd::CopySlices");
  h.sum().backward();
  expect_values(a.grad(), {3, 3});
}

TEST(DeclaredViews, OpsThatDoNotDeclareItGiveNoView) {
  Tensor a = tensor({1.0f, 2.0f}, rg());
  Tensor y = autograd::apply(Square{}, a);
  EXPECT_FALSE(autograd::view_base(y).defined());
}

#ifndef NDEBUG
// Debug builds check every op recorded through apply: one returning storage it shares with an
// input must say that it is a view.
TEST(DeclaredViews, AnUndeclaredViewIsAnErrorInDebugBuilds) {
  Tensor a = tensor({1.0f, 2.0f}, rg());
  EXPECT_THAT(error_of([&] { autograd::apply(UndeclaredAlias{}, a); }),
              HasSubstr("UndeclaredAliasTestBackward0: forward returned a tensor of shape [2] "
                        "that shares the storage of an input of shape [2], but the op does not "
                        "declare `static constexpr bool is_view = true;`"));
}
#endif

}  // namespace
}  // namespace ember
