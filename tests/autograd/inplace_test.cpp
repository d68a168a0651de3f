// In-place ops under autograd: version counters, stale saved tensors, leaves, and in-place ops
// on views (the base gets a CopySlices node and its gradient is right).
#include "support/support.h"

namespace ember {
namespace {

using indexing::Slice;
using testing::error_of;
using testing::expect_values;
using ::testing::HasSubstr;
using testing::rg;

TEST(Version, CountsInPlaceChangesSharedWithViews) {
  Tensor a = zeros({3}, kFloat);
  EXPECT_EQ(a._version(), 0u);
  a.add_(1);
  EXPECT_EQ(a._version(), 1u);
  Tensor v = a[1];
  v.mul_(2);
  EXPECT_EQ(a._version(), 2u);
  EXPECT_EQ(v._version(), 2u);
  Tensor d = a.detach();
  d.zero_();
  EXPECT_EQ(a._version(), 3u);
  (void)(a + 1);  // out-of-place ops don't count
  EXPECT_EQ(a._version(), 3u);
}

TEST(SavedTensors, ModifiedInputIsReportedNamingTheOp) {
  Tensor x = tensor({1.0f, 2.0f}, rg());
  Tensor h = x * 1;
  Tensor y = h * h;  // MulBackward0 saves h
  h.add_(1);
  std::string msg = error_of([&] { y.sum().backward(); });
  EXPECT_THAT(msg, HasSubstr("MulBackward0: one of the variables needed for gradient "
                             "computation has been modified by an inplace operation"));
  EXPECT_THAT(msg, HasSubstr("is at version 1; expected version 0 instead"));
}

TEST(SavedTensors, ModifiedOutputIsReportedForOpsSavingTheirResult) {
  for (auto f :
       {+[](const Tensor& x) { return x.exp(); }, +[](const Tensor& x) { return x.tanh(); },
        +[](const Tensor& x) { return x.sigmoid(); }, +[](const Tensor& x) { return x.relu(); }}) {
    Tensor x = tensor({0.5f, -0.5f}, rg());
    Tensor y = f(x);
    const std::string op = y.grad_fn()->name();
    y.mul_(2);
    EXPECT_THAT(error_of([&] { y.sum().backward(); }),
                HasSubstr(op +
                          ": one of the variables needed for gradient computation has been "
                          "modified by an inplace operation: [CPUFloatType [2]], which is "
                          "output 0 of " +
                          op));
  }
}

TEST(SavedTensors, UnsavedTensorsMayBeModified) {
  Tensor x = tensor({1.0f, 2.0f}, rg());
  Tensor h = x * 1;
  Tensor y = h + 1;  // AddBackward0 saves nothing
  h.mul_(10);
  y.sum().backward();
  expect_values(x.grad(), {1, 1});
}

TEST(InPlace, OnLeafThatRequiresGradFailsUnlessNoGrad) {
  Tensor w = tensor({1.0f, 2.0f}, rg());
  EXPECT_THAT(error_of([&] { w.add_(1); }),
              HasSubstr("add_: a leaf Variable that requires grad is being used in an in-place "
                        "operation"));
  EXPECT_THAT(error_of([&] { w.mul_(2); }), HasSubstr("mul_: a leaf Variable"));
  EXPECT_THAT(error_of([&] { w.zero_(); }), HasSubstr("zero_: a leaf Variable"));
  EXPECT_THAT(error_of([&] { w.copy_(zeros({2}, kFloat)); }), HasSubstr("copy_: a leaf Variable"));
  EXPECT_THAT(error_of([&] { w[0].mul_(2); }),
              HasSubstr("a view of a leaf Variable that requires grad is being used in an "
                        "in-place operation"));
  {
    NoGradGuard no_grad;
    w.add_(1);  // an optimizer step
    w[0].mul_(2);
  }
  expect_values(w, {4, 3});
  EXPECT_TRUE(w.is_leaf());
  EXPECT_TRUE(w.requires_grad());
}

TEST(InPlace, OnNonLeafRecordsTheOp) {
  Tensor x = tensor({1.0f, 2.0f}, rg());
  Tensor y = x * 1;
  y.mul_(3).add_(1);
  EXPECT_EQ(y.grad_fn()->name(), "AddBackward1");
  (y * y).sum().backward();  // d/dx (3x+1)^2 = 6(3x+1)
  expect_values(x.grad(), {24, 42});
}

TEST(InPlace, OtherOperandRequiresGrad) {
  Tensor w = tensor({2.0f, 3.0f}, rg());
  Tensor acc = zeros({2}, kFloat);
  acc.add_(w * w);
  acc.mul_(w);
  EXPECT_TRUE(acc.requires_grad());
  acc.sum().backward();  // d/dw w^3 = 3w^2
  expect_values(w.grad(), {12, 27});
}

TEST(InPlace, UnaryOps) {
  Tensor x = tensor({0.5, -1.0, 2.0}, dtype(kDouble).requires_grad(true));
  Tensor y = x * 1;
  y.exp_();
  y.relu_();
  y.sum().backward();
  expect_values(x.grad(), {std::exp(0.5), std::exp(-1.0), std::exp(2.0)}, 1e-12);
}

TEST(InPlaceView, MulOnARowOfAClone) {
  Tensor a = arange(6, kFloat).reshape({2, 3}).requires_grad_();
  Tensor b = a.clone();
  b[0].mul_(2);
  EXPECT_EQ(b.grad_fn()->name(), "torch::autograd::CopySlices");
  b.sum().backward();
  expect_values(a.grad(), {2, 2, 2, 1, 1, 1});
  expect_values(b.detach(), {0, 2, 4, 3, 4, 5});
}

TEST(InPlaceView, IndexPutOfAnExpressionIntoBuffer) {
  Tensor x = tensor({1.0f, 2.0f}, rg());
  Tensor buf = zeros({3}, kFloat);
  buf.index_put_({0}, x.sum() * 2);
  buf.index_put_({Slice(1, 3)}, x * x);
  EXPECT_TRUE(buf.requires_grad());
  expect_values(buf, {6, 1, 4});
  (buf * tensor({1.0f, 10.0f, 100.0f})).sum().backward();
  expect_values(x.grad(), {2 + 20, 2 + 400});
}

TEST(InPlaceView, CopyIntoSelectOfBuffer) {
  Tensor x = tensor({3.0f}, rg());
  Tensor buf = zeros({3}, kFloat);
  buf.select(0, 0).copy_(x.squeeze());
  buf.select(0, 2).copy_(x.squeeze() * 5);
  (buf * tensor({1.0f, 2.0f, 3.0f})).sum().backward();
  expect_values(x.grad(), {16});
}

TEST(InPlaceView, OverwriteHidesTheOldValues) {
  Tensor x = tensor({1.0f, 2.0f, 3.0f}, rg());
  Tensor b = x * 2;
  b.narrow(0, 0, 2).zero_();
  b.sum().backward();
  expect_values(x.grad(), {0, 0, 2});
  Tensor c = x * 2;
  c.narrow(0, 1, 1).fill_(7);
  expect_values(c, {2, 7, 6});
  (c * c).sum().backward();
  expect_values(x.grad(), {0 + 8, 0, 2 + 24});
}

TEST(InPlaceView, OtherViewsSeeTheNewHistory) {
  Tensor x = tensor({1.0f, 2.0f, 3.0f, 4.0f}, rg());
  Tensor b = x.clone();
  Tensor first = b.narrow(0, 0, 2), last = b.narrow(0, 2, 2);
  Tensor whole = b.view({2, 2});
  first.mul_(10);
  EXPECT_EQ(whole.grad_fn()->name(), "AsStridedBackward0");
  (whole * whole).sum().backward();  // elements 0,1 are 10x: d/dx (10x)^2 = 200x
  expect_values(x.grad(), {200, 400, 6, 8});
  x.mutable_grad() = Tensor();
  last.sum().backward();  // last was not changed, but its history now runs through CopySlices
  expect_values(x.grad(), {0, 0, 1, 1});
}

TEST(InPlaceView, NestedViewsAndTransposes) {
  Tensor x = arange(6, kDouble).reshape({2, 3}).requires_grad_();
  Tensor b = x * 1;
  Tensor col = b.t()[1];  // b[:, 1]
  Tensor w = tensor({2.0, 3.0}, dtype(kDouble).requires_grad(true));
  col.mul_(w);
  EXPECT_EQ(b.grad_fn()->name(), "torch::autograd::CopySlices");
  b.sum().backward();
  expect_values(x.grad(), {1, 2, 1, 1, 3, 1});
  expect_values(w.grad(), {1, 4});
}

TEST(InPlaceView, ViewOfBaseModifiedInPlaceIsRegenerated) {
  Tensor x = tensor({1.0f, 2.0f}, rg());
  Tensor b = x * 1;
  Tensor v = b[1];
  b.mul_(3);  // the base changes: v's values and history follow
  EXPECT_EQ(v.grad_fn()->name(), "AsStridedBackward0");
  EXPECT_EQ(v.grad_fn()->next_edge(0).function->name(), "MulBackward1");
  v.backward();
  expect_values(x.grad(), {0, 3});
}

TEST(InPlaceView, ViewAloneStaysCorrect) {
  Tensor x = tensor({1.0f, 2.0f, 3.0f}, rg());
  Tensor b = x.clone();
  Tensor v = b.narrow(0, 1, 2);
  v.add_(v * 0 + 1);
  (v * v).sum().backward();  // v = x[1:] + 1
  expect_values(x.grad(), {0, 6, 8});
}

TEST(InPlaceView, GradcheckThroughCopySlices) {
  Tensor x = randn({3, 4}, dtype(kDouble).requires_grad(true));
  Tensor w = randn({4}, dtype(kDouble).requires_grad(true));
  EXPECT_TRUE(autograd::gradcheck(
      [](const autograd::variable_list& v) {
        Tensor b = v[0].clone();
        b[1].mul_(v[1]);
        b.narrow(1, 0, 2).add_(v[0].narrow(1, 2, 2).tanh());
        return (b * b).sum();
      },
      {x, w}));
}

TEST(InPlaceView, SecondOrderThroughCopySlices) {
  Tensor x = randn({2, 3}, dtype(kDouble).requires_grad(true));
  EXPECT_TRUE(autograd::gradgradcheck(
      [](const autograd::variable_list& v) {
        Tensor b = v[0] * 1;
        b[0].mul_(b[1].clone());
        return (b * b * b).sum();
      },
      {x}));
}

TEST(InPlaceView, NoGradPathIsUntouched) {
  Tensor a = zeros({2, 2}, kFloat);
  {
    NoGradGuard no_grad;
    Tensor v = a[0];
    v.add_(1);
    EXPECT_FALSE(a.requires_grad());
    EXPECT_EQ(a.grad_fn(), nullptr);
    EXPECT_FALSE(autograd::view_base(v).defined());  // no view tracking without grad mode
  }
  expect_values(a, {1, 1, 0, 0});
}

}  // namespace
}  // namespace ember
