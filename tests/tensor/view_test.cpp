// Views share storage (a write through one is read through the other), strides and storage
// offsets as PyTorch computes them, contiguous() copies only when needed, clone never aliases,
// undefined tensors.
#include "tensor/tensor_test_util.h"

namespace ember::testing {
namespace {

using ::testing::HasSubstr;
using V = std::vector<int64_t>;

Tensor base() { return arange(12, kFloat).view({3, 4}); }  // [[0..3], [4..7], [8..11]]

// `v` aliases `b`: same storage, and a write through v shows in b.
void expect_aliases(const Tensor& b, Tensor v, const char* what) {
  EXPECT_EQ(v.impl()->storage().get(), b.impl()->storage().get()) << what;
  static int k = 0;  // a new value each call, so a repeated check still sees a change
  const double before = values(b)[0] + values(b)[b.numel() - 1];
  v.fill_(-7 - k++);
  const double after = values(b)[0] + values(b)[b.numel() - 1];
  EXPECT_TRUE(after != before || v.numel() == 0) << what;
}

TEST(View, ViewAndReshapeShareStorage) {
  Tensor b = base();
  Tensor v = b.view({2, 6});
  EXPECT_EQ(shape_of(v), (V{2, 6}));
  EXPECT_EQ(strides_of(v), (V{6, 1}));
  v[1][0].fill_(100);  // element 6 of the storage = b[1][2]
  EXPECT_EQ(b[1][2].item<float>(), 100);
  b[0][1].fill_(-1);
  EXPECT_EQ(v[0][1].item<float>(), -1);
  EXPECT_EQ(b.view({-1}).numel(), 12);
  EXPECT_EQ(shape_of(b.view({4, -1})), (V{4, 3}));
  Tensor r = b.reshape({6, 2});  // contiguous input: reshape is a view
  EXPECT_EQ(r.data_ptr(), b.data_ptr());
  expect_aliases(b, r, "reshape");
}

TEST(View, ReshapeCopiesWhenAViewIsImpossible) {
  Tensor t = base().t();  // (4, 3) with strides (1, 4)
  Tensor r = t.reshape({12});
  EXPECT_NE(r.impl()->storage().get(), t.impl()->storage().get());
  expect_values(r, {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11});
  EXPECT_THAT(error_of([&] { t.view({12}); }), HasSubstr("view"));
}

TEST(View, TransposeAndPermuteStrides) {
  Tensor b = base();
  Tensor t = b.transpose(0, 1);
  EXPECT_EQ(shape_of(t), (V{4, 3}));
  EXPECT_EQ(strides_of(t), (V{1, 4}));
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_EQ(t[3][2].item<float>(), 11);
  t[2][1].fill_(55);
  EXPECT_EQ(b[1][2].item<float>(), 55);

  Tensor x = zeros({2, 3, 4});
  Tensor p = x.permute({2, 0, 1});
  EXPECT_EQ(shape_of(p), (V{4, 2, 3}));
  EXPECT_EQ(strides_of(p), (V{1, 12, 4}));
  EXPECT_EQ(strides_of(x.permute({-1, 0, 1})), (V{1, 12, 4}));  // negative dims wrap
  expect_aliases(x, p, "permute");
  EXPECT_EQ(strides_of(b.t()), (V{1, 4}));
}

TEST(View, NarrowSelectSliceOffsets) {
  Tensor b = base();
  Tensor n = b.narrow(1, 1, 2);  // columns 1..2
  EXPECT_EQ(shape_of(n), (V{3, 2}));
  EXPECT_EQ(strides_of(n), (V{4, 1}));
  EXPECT_EQ(n.storage_offset(), 1);
  expect_values(n, {1, 2, 5, 6, 9, 10});
  EXPECT_FALSE(n.is_contiguous());

  Tensor s = b.select(0, 2);  // row 2
  EXPECT_EQ(shape_of(s), (V{4}));
  EXPECT_EQ(s.storage_offset(), 8);
  expect_values(s, {8, 9, 10, 11});
  EXPECT_EQ(b.select(1, -1).storage_offset(), 3);  // last column
  EXPECT_EQ(strides_of(b.select(1, -1)), (V{4}));

  Tensor sl = b.slice(1, 0, 4, 2);  // columns 0 and 2
  EXPECT_EQ(strides_of(sl), (V{4, 2}));
  expect_values(sl, {0, 2, 4, 6, 8, 10});
  Tensor row = b.narrow(0, 1, 1);  // a contiguous block in the middle
  EXPECT_TRUE(row.is_contiguous());
  EXPECT_EQ(row.storage_offset(), 4);

  Tensor v = b.narrow(0, 1, 2).select(1, 3);  // offsets compose: b[1:3, 3]
  EXPECT_EQ(v.storage_offset(), 7);
  expect_values(v, {7, 11});
  v.fill_(0);
  expect_values(b.select(1, 3), {3, 0, 0});
  expect_aliases(b, b.select(0, 0), "select");
  expect_aliases(b, b.narrow(1, 3, 1), "narrow");
}

TEST(View, IndexingWithSlicesIsAView) {
  using indexing::None;
  Tensor b = base();
  Tensor v = b.index({Slice(1, None), Slice(None, None, 2)});  // b[1:, ::2]
  EXPECT_EQ(shape_of(v), (V{2, 2}));
  EXPECT_EQ(v.storage_offset(), 4);
  EXPECT_EQ(strides_of(v), (V{4, 2}));
  expect_values(v, {4, 6, 8, 10});
  EXPECT_EQ(v.impl()->storage().get(), b.impl()->storage().get());
  b.index_put_({Slice(), 0}, 9.0);  // b[:, 0] = 9
  expect_values(b.select(1, 0), {9, 9, 9});
  Tensor neg = b.index({-1});  // the last row
  expect_values(neg, {9, 9, 10, 11});
}

TEST(View, ExpandUsesZeroStrides) {
  Tensor c = tensor({1.0, 2.0, 3.0}).view({3, 1});
  Tensor e = c.expand({3, 4});
  EXPECT_EQ(shape_of(e), (V{3, 4}));
  EXPECT_EQ(strides_of(e), (V{1, 0}));
  EXPECT_FALSE(e.is_contiguous());
  expect_values(e, {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3});
  c[1].fill_(20);  // one element of c is a whole row of e
  expect_values(e.select(0, 1), {20, 20, 20, 20});
  Tensor e2 = tensor({5.0}).expand({2, 3});  // new leading dims
  EXPECT_EQ(strides_of(e2), (V{0, 0}));
  EXPECT_EQ(shape_of(c.expand({2, 3, -1})), (V{2, 3, 1}));
  EXPECT_EQ(shape_of(c.expand_as(zeros({3, 5}))), (V{3, 5}));
}

TEST(View, SqueezeUnsqueezeFlatten) {
  Tensor x = zeros({2, 1, 3});
  EXPECT_EQ(shape_of(x.squeeze()), (V{2, 3}));
  EXPECT_EQ(shape_of(x.squeeze(0)), (V{2, 1, 3}));  // a dim of size != 1 stays
  EXPECT_EQ(shape_of(x.unsqueeze(-1)), (V{2, 1, 3, 1}));
  EXPECT_EQ(strides_of(x.unsqueeze(0)), (V{6, 3, 3, 1}));  // size * stride of the next dim
  EXPECT_EQ(shape_of(x.flatten()), (V{6}));
  expect_aliases(x, x.flatten(), "flatten");
  expect_aliases(x, x.unsqueeze(1), "unsqueeze");
  Tensor y = zeros({2, 1, 3});
  y.squeeze_();
  EXPECT_EQ(shape_of(y), (V{2, 3}));
  y.unsqueeze_(0);
  EXPECT_EQ(shape_of(y), (V{1, 2, 3}));
  y.transpose_(1, 2);
  EXPECT_EQ(shape_of(y), (V{1, 3, 2}));
  EXPECT_EQ(strides_of(y), (V{6, 1, 3}));
}

TEST(View, ContiguousCopiesOnlyWhenNeeded) {
  Tensor b = base();
  EXPECT_TRUE(b.is_contiguous());
  EXPECT_TRUE(b.contiguous().is_same(b));  // no copy
  Tensor t = b.t();
  Tensor c = t.contiguous();
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_NE(c.data_ptr(), t.data_ptr());
  EXPECT_EQ(strides_of(c), (V{3, 1}));
  EXPECT_TRUE(equal(c, t));
  c.fill_(0);  // the copy does not alias
  EXPECT_EQ(b[2][3].item<float>(), 11);
  // Size-1 dims do not break contiguity, whatever their stride (PyTorch's rule).
  EXPECT_TRUE(b.narrow(0, 1, 1).is_contiguous());
  EXPECT_TRUE(b.select(1, 0).unsqueeze(1).narrow(0, 0, 1).is_contiguous());
  EXPECT_TRUE(zeros({0, 3}).t().is_contiguous());  // empty tensors are contiguous
  EXPECT_TRUE(zeros({3}).expand({1, 3}).is_contiguous());
  EXPECT_FALSE(zeros({3, 1}).expand({3, 2}).is_contiguous());
}

TEST(View, CloneDoesNotAlias) {
  Tensor b = base();
  Tensor n = b.narrow(1, 1, 2);
  Tensor c = n.clone();
  EXPECT_NE(c.impl()->storage().get(), b.impl()->storage().get());
  EXPECT_TRUE(equal(c, n));
  EXPECT_EQ(c.storage_offset(), 0);
  c.fill_(1);
  EXPECT_EQ(n[0][0].item<float>(), 1);  // unchanged: b[0][1] == 1 already
  EXPECT_EQ(n[2][1].item<float>(), 10);
  b.fill_(3);
  expect_values(c, {1, 1, 1, 1, 1, 1});
}

// PyTorch's clone keeps the strides of a dense input (memory_format=preserve).
TEST(View, CloneKeepsDenseStrides) {
  Tensor xt = zeros({2, 3}).t();
  EXPECT_EQ(strides_of(xt.clone()), golden()["like"]["clone_t"].get<std::vector<int64_t>>());
}

TEST(View, DetachSharesStorageAndVersion) {
  Tensor a = ones({3}, requires_grad());
  Tensor d = a.detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_EQ(d.data_ptr(), a.data_ptr());
  const uint32_t v = a._version();
  d.fill_(2);
  EXPECT_EQ(a._version(), v + 1);  // the version counter lives in the storage
  expect_values(a, {2, 2, 2});
}

TEST(View, DataPtrAndAccessor) {
  Tensor b = base();
  float* p = b.data_ptr<float>();
  p[5] = 42;
  EXPECT_EQ(b[1][1].item<float>(), 42);
  EXPECT_EQ(b.select(0, 1).data_ptr<float>(), p + 4);  // data_ptr includes the offset
  auto acc = b.accessor<float, 2>();
  EXPECT_EQ(acc[2][3], 11);
  EXPECT_EQ(acc.size(1), 4);
  const Tensor bt = b.t();
  auto tacc = bt.accessor<float, 2>();  // honours strides
  EXPECT_EQ(tacc[3][2], 11);
  EXPECT_EQ(tacc[1][1], 42);
}

TEST(View, GeometryQueries) {
  Tensor x = zeros({2, 3, 4});
  EXPECT_EQ(x.dim(), 3);
  EXPECT_EQ(x.ndimension(), 3);
  EXPECT_EQ(x.numel(), 24);
  EXPECT_EQ(x.size(-1), 4);
  EXPECT_EQ(x.size(0), 2);
  EXPECT_EQ(x.stride(-3), 12);
  EXPECT_EQ(x.stride(1), 4);
  EXPECT_EQ(x.storage_offset(), 0);
}

TEST(UndefinedTensor, IsUndefined) {
  Tensor u;
  EXPECT_FALSE(u.defined());
  EXPECT_TRUE(ones({1}).defined());
  Tensor t = ones({1});
  t.reset();
  EXPECT_FALSE(t.defined());
  EXPECT_THAT(error_of([&] { u.size(0); }), HasSubstr("undefined"));
  EXPECT_THAT(error_of([&] { u.data_ptr<float>(); }), HasSubstr("undefined"));
  EXPECT_THAT(error_of([&] { ones({2}).copy_(u); }), HasSubstr("undefined"));
  // Geometry queries throw rather than dereference nothing (libtorch throws too).
  EXPECT_THAT(error_of([&] { u.dim(); }), HasSubstr("undefined"));
  EXPECT_THAT(error_of([&] { u.numel(); }), HasSubstr("undefined"));
  EXPECT_THAT(error_of([&] { u.sizes(); }), HasSubstr("undefined"));
  EXPECT_THAT(error_of([&] { u.scalar_type(); }), HasSubstr("undefined"));
  EXPECT_THAT(error_of([&] { u.is_contiguous(); }), HasSubstr("undefined"));
  EXPECT_THAT(error_of([&] { u.item(); }), HasSubstr("undefined"));
  EXPECT_THAT(error_of([&] { u.data_ptr(); }), HasSubstr("undefined"));
}

}  // namespace
}  // namespace ember::testing
