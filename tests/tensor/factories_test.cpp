// Factories: tensor() from braced lists and vectors (dtypes as libtorch infers them), zeros, ones,
// full, empty, eye, arange, linspace, *_like, from_blob, TensorOptions helpers.
#include "tensor/tensor_test_util.h"

namespace ember::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The dtype and rank libtorch 1.13's torch::tensor / factories give (fixture "tensor_dtypes").
void expect_like_libtorch(const char* name, const Tensor& t) {
  const auto& want = golden()["tensor_dtypes"][name];
  EXPECT_EQ(t.scalar_type(), dtype_named(want["dtype"])) << name;
  EXPECT_EQ(t.dim(), want["dim"].get<int64_t>()) << name;
}

TEST(TensorFromList, DtypesMatchLibtorch) {
  expect_like_libtorch("list_int", tensor({1, 2, 3}));
  expect_like_libtorch("list_double", tensor({1.0, 2.5}));
  expect_like_libtorch("list_float", tensor({1.0f, 2.5f}));
  expect_like_libtorch("list_bool", tensor({true, false}));
  expect_like_libtorch("list_uint8", tensor({uint8_t(1), uint8_t(2)}));
  expect_like_libtorch("list_int64", tensor({int64_t(1), int64_t(2)}));
  expect_like_libtorch("nested_int", tensor({{1, 2}, {3, 4}}));
  expect_like_libtorch("nested_double", tensor({{1.5}, {2.5}}));
  expect_like_libtorch("scalar_int", tensor(3));
  expect_like_libtorch("scalar_double", tensor(2.5));
  expect_like_libtorch("scalar_bool", tensor(true));
  expect_like_libtorch("list_int_dtype_double", tensor({1, 2}, kDouble));
}

TEST(TensorFromVector, DtypesMatchLibtorch) {
  expect_like_libtorch("vector_int32", tensor(std::vector<int32_t>{1, 2}));
  expect_like_libtorch("vector_int64", tensor(std::vector<int64_t>{1, 2}));
  expect_like_libtorch("vector_float", tensor(std::vector<float>{1.f, 2.f}));
  expect_like_libtorch("vector_double", tensor(std::vector<double>{1.0, 2.0}));
  expect_like_libtorch("vector_uint8", tensor(std::vector<uint8_t>{1, 2}));
  expect_like_libtorch("empty_list", tensor(ArrayRef<float>()));
}

TEST(Factories, DefaultDtypesMatchLibtorch) {
  expect_like_libtorch("ones", ones({3}));
  expect_like_libtorch("zeros", zeros({3}));
  expect_like_libtorch("empty", empty({3}));
  expect_like_libtorch("full_int", full({2}, 7));
  expect_like_libtorch("full_double", full({2}, 1.5));
  expect_like_libtorch("full_bool", full({2}, true));
  expect_like_libtorch("arange_int", arange(5));
  expect_like_libtorch("arange_double", arange(0.0, 1.0, 0.25));
  expect_like_libtorch("linspace", linspace(0, 1, 5));
  expect_like_libtorch("eye", eye(3));
  expect_like_libtorch("rand", rand({2}));
  expect_like_libtorch("randn", randn({2}));
  expect_like_libtorch("randint", randint(10, {2}));
  expect_like_libtorch("randperm", randperm(4));
  expect_like_libtorch("scalar_tensor_int", scalar_tensor(3));
  expect_like_libtorch("zeros_like_int", zeros_like(tensor({1, 2})));
  expect_like_libtorch("ones_like_double", ones_like(tensor({1, 2}, kDouble)));
}

TEST(TensorFromList, NestedListsGiveShapeAndRowMajorValues) {
  Tensor t = tensor({{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(shape_of(t), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(strides_of(t), (std::vector<int64_t>{3, 1}));
  EXPECT_TRUE(t.is_contiguous());
  const int64_t* p = t.data_ptr<int64_t>();
  EXPECT_EQ(std::vector<int64_t>(p, p + 6), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));

  Tensor u = tensor({{{1.5}, {-2.5}}, {{3.5}, {4.5}}});
  EXPECT_EQ(shape_of(u), (std::vector<int64_t>{2, 2, 1}));
  expect_values(u, {1.5, -2.5, 3.5, 4.5});
}

TEST(TensorFromList, ScalarIsZeroDim) {
  Tensor t = tensor(2.5);
  EXPECT_EQ(t.dim(), 0);
  EXPECT_EQ(t.numel(), 1);
  EXPECT_EQ(t.item<double>(), 2.5);
}

TEST(TensorFromList, EmptyListsGiveZeroSizedDims) {
  Tensor e = tensor({{}, {}});
  EXPECT_EQ(shape_of(e), (std::vector<int64_t>{2, 0}));
  EXPECT_EQ(e.numel(), 0);
  // Python's torch.tensor([[], []]) and libtorch's torch::tensor({{}, {}}): the default dtype.
  EXPECT_EQ(e.scalar_type(), kFloat);
}

TEST(TensorFromList, ExplicitDtypeConverts) {
  Tensor t = tensor({1.7, -2.7}, kLong);  // C++ conversion truncates toward zero, like at::tensor
  EXPECT_EQ(t.scalar_type(), kLong);
  EXPECT_EQ(t[0].item<int64_t>(), 1);
  EXPECT_EQ(t[1].item<int64_t>(), -2);
}

TEST(TensorFromList, LargeInt64ValuesAreExact) {
  // 2^53 + 1 is not representable as a double; libtorch keeps int64 values exact.
  const int64_t big = (int64_t(1) << 53) + 1;
  EXPECT_EQ(tensor({big}).data_ptr<int64_t>()[0], big);
  EXPECT_EQ(tensor(std::vector<int64_t>{big, -big}).data_ptr<int64_t>()[1], -big);
  EXPECT_EQ(tensor(big).item<int64_t>(), big);
}

TEST(TensorFromVector, CopiesValues) {
  std::vector<float> v{1.5f, -2.f, 3.25f};
  Tensor t = tensor(v);
  v[0] = 100;  // the tensor owns a copy
  expect_values(t, {1.5, -2.0, 3.25});
  EXPECT_EQ(shape_of(tensor(std::vector<int64_t>{})), (std::vector<int64_t>{0}));
}

TEST(Factories, ZerosOnesFullEmpty) {
  Tensor z = zeros({2, 3});
  EXPECT_EQ(shape_of(z), (std::vector<int64_t>{2, 3}));
  expect_values(z, std::vector<double>(6, 0.0));
  expect_values(ones({2, 2}, kLong), {1, 1, 1, 1});
  EXPECT_EQ(ones({2}, kLong).scalar_type(), kLong);
  Tensor f = full({3}, 2.5, kDouble);
  EXPECT_EQ(f.scalar_type(), kDouble);
  expect_values(f, {2.5, 2.5, 2.5});
  Tensor e = empty({4, 0, 2});
  EXPECT_EQ(e.numel(), 0);
  EXPECT_EQ(shape_of(e), (std::vector<int64_t>{4, 0, 2}));
  Tensor s = zeros({});  // 0-dim
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.numel(), 1);
}

TEST(Factories, Eye) {
  expect_values(eye(3), {1, 0, 0, 0, 1, 0, 0, 0, 1});
  Tensor r = eye(2, 3, kLong);
  EXPECT_EQ(r.scalar_type(), kLong);
  EXPECT_EQ(shape_of(r), (std::vector<int64_t>{2, 3}));
  expect_values(r, {1, 0, 0, 0, 1, 0});
  expect_values(eye(3, 2), {1, 0, 0, 1, 0, 0});
}

TEST(Factories, ArangeAndLinspaceMatchPyTorch) {
  for (const auto& c : golden()["ranges"]) {
    const auto& a = c["args"];
    const ScalarType t = dtype_named(c["dtype"]);
    const auto want = c["values"].get<std::vector<double>>();
    Tensor got;
    if (c["op"] == "linspace")
      got = linspace(a[0].get<double>(), a[1].get<double>(), a[2].get<int64_t>(), t);
    else if (a[2].is_number_integer())
      got = arange(a[0].get<int64_t>(), a[1].get<int64_t>(), a[2].get<int64_t>(), t);
    else
      got = arange(a[0].get<double>(), a[1].get<double>(), a[2].get<double>(), t);
    SCOPED_TRACE(c.dump());
    EXPECT_EQ(got.scalar_type(), t);
    ASSERT_EQ(got.numel(), static_cast<int64_t>(want.size()));
    std::vector<double> v = values(got);
    for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(v[i], want[i]) << "at " << i;
  }
}

TEST(Factories, ArangeCounts) {
  expect_values(arange(5), {0, 1, 2, 3, 4});
  expect_values(arange(2, 5), {2, 3, 4});
  EXPECT_EQ(arange(3, 3).numel(), 0);
  expect_values(arange(0.5, 2.0, 0.5), {0.5, 1.0, 1.5});
  EXPECT_EQ(linspace(0, 1, 0).numel(), 0);
}

TEST(Factories, LikeFactoriesKeepShapeAndDtype) {
  Tensor x = ones({2, 3}, kDouble).transpose(0, 1);
  for (const Tensor& t :
       {empty_like(x), zeros_like(x), ones_like(x), full_like(x, 4), rand_like(x), randn_like(x)}) {
    EXPECT_EQ(shape_of(t), (std::vector<int64_t>{3, 2}));
    EXPECT_EQ(t.scalar_type(), kDouble);
  }
  expect_values(full_like(x, 4), std::vector<double>(6, 4.0));
  expect_values(zeros_like(x), std::vector<double>(6, 0.0));
  EXPECT_EQ(ones_like(x, kInt).scalar_type(), kInt);
  Tensor r = randint_like(tensor({1, 2, 3, 4}), 5, 7);
  EXPECT_EQ(r.scalar_type(), kLong);
  for (double v : values(r)) EXPECT_TRUE(v == 5 || v == 6) << v;
}

TEST(Factories, LikeFactoriesPreserveDenseStridesLikePyTorch) {
  const auto& g = golden()["like"];
  Tensor xt = zeros({2, 3}).t();
  EXPECT_EQ(strides_of(empty_like(xt)), g["strides_t"].get<std::vector<int64_t>>());
  for (const Tensor& t : {zeros_like(xt), ones_like(xt), full_like(xt, 2), rand_like(xt)})
    EXPECT_EQ(strides_of(t), g["strides_t"].get<std::vector<int64_t>>());
  EXPECT_EQ(strides_of(empty_like(zeros({4, 6}).slice(1, 0, 6, 2))),
            g["strides_sliced"].get<std::vector<int64_t>>());
  EXPECT_EQ(strides_of(empty_like(zeros({3, 1}).expand({3, 4}))),
            g["strides_expanded"].get<std::vector<int64_t>>());
  expect_values(ones_like(xt), std::vector<double>(6, 1.0));
  manual_seed(4);
  Tensor r = rand_like(xt);
  Tensor n = randn_like(xt);
  expect_values(r, g["rand_like_t"].get<std::vector<double>>(), 0);
  expect_values(n, g["randn_like_t"].get<std::vector<double>>(), 1e-6);
  EXPECT_TRUE(zeros_like(xt, requires_grad()).requires_grad());
}

TEST(Factories, OptionsHelpers) {
  TensorOptions o = dtype(kDouble).requires_grad(true);
  EXPECT_EQ(o.dtype(), kDouble);
  EXPECT_TRUE(o.requires_grad());
  EXPECT_TRUE(o.device().is_cpu());
  EXPECT_FALSE(TensorOptions().has_dtype());
  EXPECT_EQ(TensorOptions().dtype(), kFloat);  // the default dtype
  EXPECT_EQ(dtype<int32_t>().dtype(), kInt);

  Tensor t = zeros({2}, o);
  EXPECT_EQ(t.scalar_type(), kDouble);
  EXPECT_TRUE(t.requires_grad());
  EXPECT_TRUE(t.is_leaf());
  EXPECT_FALSE(zeros({2}).requires_grad());
  EXPECT_TRUE(ones({2}, requires_grad()).requires_grad());
  EXPECT_TRUE(tensor({1.0, 2.0}, requires_grad()).requires_grad());

  Tensor c = ones({2}, device(kCPU));
  EXPECT_TRUE(c.device().is_cpu());
  EXPECT_EQ(c.device().str(), "cpu");
  EXPECT_EQ(c.options().dtype(), kFloat);
}

TEST(Factories, CudaIsRejected) {
  EXPECT_THAT(error_of([] { zeros({2}, device(Device("cuda"))); }), HasSubstr("cuda"));
  EXPECT_THAT(error_of([] { Device("tpu"); }), HasSubstr("tpu"));
}

TEST(FromBlob, AliasesTheCallersMemory) {
  float data[6] = {1, 2, 3, 4, 5, 6};
  Tensor t = from_blob(data, {2, 3});
  EXPECT_EQ(t.scalar_type(), kFloat);
  EXPECT_EQ(t.data_ptr<float>(), data);
  EXPECT_EQ(shape_of(t), (std::vector<int64_t>{2, 3}));
  data[4] = 50;  // visible through the tensor
  EXPECT_EQ(t[1][1].item<float>(), 50);
  t[0][0].fill_(-1);  // and writes land in the caller's array
  EXPECT_EQ(data[0], -1);
}

TEST(FromBlob, StridesAndDtype) {
  int64_t data[6] = {0, 1, 2, 3, 4, 5};
  Tensor t = from_blob(data, {3, 2}, {1, 3}, kLong);  // a transposed view of a 2x3 array
  EXPECT_FALSE(t.is_contiguous());
  expect_values(t, {0, 3, 1, 4, 2, 5});
}

TEST(FromBlob, DeleterRunsWhenLastViewDies) {
  int calls = 0;
  std::vector<double> data{1, 2, 3};
  {
    Tensor t = from_blob(
        data.data(), {3},
        [&](void* p) {
          EXPECT_EQ(p, data.data());
          ++calls;
        },
        kDouble);
    Tensor v = t.narrow(0, 1, 2);
    t.reset();
    EXPECT_EQ(calls, 0);  // the view keeps the storage alive
    EXPECT_EQ(v[0].item<double>(), 2);
  }
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace ember::testing
