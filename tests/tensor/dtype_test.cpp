// dtypes: names and sizes, promote_types and the result dtype/values of binary arithmetic (PyTorch
// 1.13's table from the fixture), conversions with to(), item<T>() and Scalar.
#include "tensor/tensor_test_util.h"

namespace ember::testing {
namespace {

using ::testing::HasSubstr;

TEST(Dtype, NamesAndSizes) {
  EXPECT_STREQ(to_string(kFloat), "Float");
  EXPECT_STREQ(to_string(kDouble), "Double");
  EXPECT_STREQ(to_string(kLong), "Long");
  EXPECT_STREQ(to_string(kInt), "Int");
  EXPECT_STREQ(to_string(kByte), "Byte");
  EXPECT_STREQ(to_string(kBool), "Bool");
  EXPECT_EQ(element_size(kBool), 1);
  EXPECT_EQ(element_size(kByte), 1);
  EXPECT_EQ(element_size(kInt), 4);
  EXPECT_EQ(element_size(kFloat), 4);
  EXPECT_EQ(element_size(kLong), 8);
  EXPECT_EQ(element_size(kDouble), 8);
  EXPECT_TRUE(is_floating_point(kFloat));
  EXPECT_FALSE(is_floating_point(kLong));
  EXPECT_TRUE(is_integral(kBool, true));
  EXPECT_FALSE(is_integral(kBool));
  EXPECT_EQ(ones({3}, kDouble).nbytes(), 24);
  EXPECT_EQ(ones({3}, kInt).element_size(), 4);
  EXPECT_EQ(ones({2}).toString(), "CPUFloatType");
}

TEST(Dtype, PromoteTypesMatchesPyTorch) {
  for (const auto& row : golden()["promote_types"]) {
    const ScalarType a = dtype_named(row[0]), b = dtype_named(row[1]);
    EXPECT_EQ(promote_types(a, b), dtype_named(row[2])) << a << " with " << b;
  }
}

Tensor operand(const std::string& kind, const std::string& b) {
  if (kind == "tensor") return tensor({3, 1}).to(dtype_named(b));
  return tensor(3).to(dtype_named(b));  // "zerodim"
}

Tensor apply(const std::string& op, const Tensor& x, const Tensor& y) {
  if (op == "add") return x + y;
  if (op == "sub") return x - y;
  if (op == "mul") return x * y;
  return x / y;
}
Tensor apply(const std::string& op, const Tensor& x, const Scalar& y) {
  if (op == "add") return x + y;
  if (op == "sub") return x - y;
  if (op == "mul") return x * y;
  return x / y;
}

TEST(Dtype, BinaryArithmeticPromotesLikePyTorch) {
  for (const auto& c : golden()["binary_promotion"]) {
    const std::string kind = c["kind"], op = c["op"], want = c["dtype"];
    const Tensor x = tensor({1, 2}).to(dtype_named(c["a"]));
    auto run = [&] {
      if (kind == "tensor" || kind == "zerodim") return apply(op, x, operand(kind, c["b"]));
      const Scalar s = kind == "int" ? Scalar(3) : kind == "float" ? Scalar(2.5) : Scalar(true);
      return apply(op, x, s);
    };
    SCOPED_TRACE(c.dump());
    if (want == "error") continue;  // BoolSubtractionIsRejected
    Tensor r;
    EXPECT_NO_THROW(r = run());
    if (!r.defined()) continue;
    EXPECT_EQ(r.scalar_type(), dtype_named(want));
    expect_values(r, c["values"].get<std::vector<double>>(), 1e-6);
  }
}

// PyTorch rejects `-` with a bool operand ("Subtraction, the `-` operator, with a bool tensor is
// not supported").
TEST(Dtype, BoolSubtractionIsRejected) {
  for (const auto& c : golden()["binary_promotion"]) {
    if (c["dtype"] != "error") continue;
    SCOPED_TRACE(c.dump());
    const Tensor x = tensor({1, 2}).to(dtype_named(c["a"]));
    const std::string kind = c["kind"];
    if (kind == "tensor" || kind == "zerodim")
      EXPECT_THAT(error_of([&] { x - operand(kind, c["b"]); }), HasSubstr("sub"));
    else if (kind == "bool")
      EXPECT_THAT(error_of([&] { x - Scalar(true); }), HasSubstr("sub"));
    else
      EXPECT_THAT(error_of([&] { x - (kind == "int" ? Scalar(3) : Scalar(2.5)); }),
                  HasSubstr("sub"));
  }
}

TEST(Dtype, PromotionExamples) {
  // The headline rules, spelled out (PyTorch's documented semantics).
  EXPECT_EQ((tensor({1, 2}) + 1.5).scalar_type(), kFloat);  // int tensor + float number
  EXPECT_EQ((tensor({1, 2}) + tensor({3, 4})).scalar_type(), kLong);
  EXPECT_EQ((ones({2}) + ones({2}, kDouble)).scalar_type(), kDouble);
  EXPECT_EQ((ones({2}) + tensor(2.0, kDouble)).scalar_type(), kFloat);  // 0-dim: same category
  EXPECT_EQ((tensor({1, 2}) + tensor(2.0)).scalar_type(), kFloat);      // 0-dim of higher category
  EXPECT_EQ((tensor({true, false}) + 1).scalar_type(), kLong);
  Tensor q = tensor({1, 3}) / tensor({2, 2});  // true division
  EXPECT_EQ(q.scalar_type(), kFloat);
  expect_values(q, {0.5, 1.5});
}

TEST(Dtype, ToConvertsValues) {
  Tensor f = tensor({1.75, -1.75, 0.0, 3.0});
  Tensor l = f.to(kLong);
  EXPECT_EQ(l.scalar_type(), kLong);
  expect_values(l, {1, -1, 0, 3});  // truncation toward zero
  Tensor b = f.to(kBool);
  expect_values(b, {1, 1, 0, 1});  // nonzero -> true
  expect_values(tensor({true, false}).to(kFloat), {1, 0});
  expect_values(tensor({250, 5}).to(kByte), {250, 5});
  expect_values(tensor({255}, kByte).to(kInt) + 1, {256});
  EXPECT_EQ(tensor({0.1}).to(kDouble).item<double>(), static_cast<double>(0.1f));
  // to() with the same dtype returns the tensor itself; copy=true makes a new one.
  EXPECT_TRUE(f.to(kFloat).is_same(f));
  Tensor c = f.to(kFloat, false, true);
  EXPECT_NE(c.data_ptr(), f.data_ptr());
  EXPECT_TRUE(equal(c, f));
  EXPECT_EQ(f.to(TensorOptions().dtype(kDouble)).scalar_type(), kDouble);
  EXPECT_EQ(f.to(ones({1}, kInt)).scalar_type(), kInt);
  EXPECT_EQ(f.type_as(ones({1}, kLong)).scalar_type(), kLong);
}

TEST(Dtype, ToDeviceCpuIsANoop) {
  Tensor f = ones({3});
  EXPECT_TRUE(f.to(kCPU).is_same(f));
  EXPECT_TRUE(f.cpu().is_same(f));
  EXPECT_TRUE(f.device().is_cpu());
  EXPECT_TRUE(f.is_cpu());
  EXPECT_FALSE(f.is_cuda());
  EXPECT_THAT(error_of([&] { f.to(Device(kCUDA)); }), HasSubstr("cuda"));
  EXPECT_THAT(error_of([&] { f.cuda(); }), HasSubstr("CUDA"));
}

TEST(Dtype, ItemReadsOneElement) {
  EXPECT_EQ(tensor({7}).item<int64_t>(), 7);
  EXPECT_EQ(tensor(2.5).item<float>(), 2.5f);
  EXPECT_EQ(tensor(2.5).item<int>(), 2);
  EXPECT_TRUE(tensor(true).item<bool>());
  EXPECT_EQ(ones({1, 1, 1}, kByte).item<int64_t>(), 1);
  Scalar s = tensor({3}).item();
  EXPECT_TRUE(s.is_integral());
  EXPECT_EQ(s.toLong(), 3);
  EXPECT_TRUE(tensor(1.5, kDouble).item().is_floating_point());
  EXPECT_TRUE(tensor(false).item().is_boolean());
  // A view's item reads the view's element, not the storage's first.
  EXPECT_EQ(tensor({10, 20, 30})[2].item<int64_t>(), 30);
}

TEST(Dtype, ScalarConversions) {
  EXPECT_EQ(Scalar(2.75).toLong(), 2);
  EXPECT_EQ(Scalar(int64_t(5)).toDouble(), 5.0);
  EXPECT_EQ(Scalar(true).type(), kBool);
  EXPECT_EQ(Scalar(1).type(), kLong);
  EXPECT_EQ(Scalar(1.0f).type(), kDouble);
  EXPECT_EQ((-Scalar(3)).toLong(), -3);
  EXPECT_EQ((-Scalar(0.5)).toDouble(), -0.5);
}

TEST(Dtype, DefaultDtypeChangesFloatFactories) {
  set_default_dtype(kDouble);
  const ScalarType a = ones({2}).scalar_type(), b = tensor({1.5}).scalar_type(),
                   c = rand({2}).scalar_type(), d = (tensor({1, 2}) / 2).scalar_type();
  set_default_dtype(kFloat);
  EXPECT_EQ(a, kDouble);
  EXPECT_EQ(b, kDouble);
  EXPECT_EQ(c, kDouble);
  EXPECT_EQ(d, kDouble);
  EXPECT_THAT(error_of([] { set_default_dtype(kLong); }), HasSubstr("set_default_dtype"));
}

}  // namespace
}  // namespace ember::testing
