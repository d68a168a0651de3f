// Errors of the ops: each throws ember::Error whose message names the op and the shapes, dims or
// dtypes involved (pinned substrings), for broadcasting, matrix shapes, dims out of range, cat and
// stack, bad indices, wrong dtypes and in-place casts.
#include "ops/ops_test_util.h"

namespace ember::testing {
namespace {

using ::testing::HasSubstr;

// Expects `f` to throw ember::Error whose message contains every one of `parts`.
template <class F>
void expect_error(F&& f, std::initializer_list<const char*> parts) {
  const std::string msg = error_of(std::forward<F>(f));
  ASSERT_FALSE(msg.empty()) << "no ember::Error thrown";
  for (const char* p : parts) EXPECT_THAT(msg, HasSubstr(p));
}

Tensor f32(std::vector<int64_t> shape) { return zeros(shape, dtype(kFloat)); }

TEST(BroadcastErrors, NameTheOpAndBothShapes) {
  expect_error([] { f32({3, 4}) + f32({5}); }, {"add", "[3, 4]", "[5]"});
  expect_error([] { f32({2, 3}) - f32({3, 2}); }, {"sub", "[2, 3]", "[3, 2]"});
  expect_error([] { f32({2, 3}) * f32({2, 1, 4}); }, {"mul", "[2, 3]", "[2, 1, 4]"});
  expect_error([] { f32({4}) / f32({3}); }, {"div", "[4]", "[3]"});
  expect_error([] { maximum(f32({2, 3}), f32({4})); }, {"maximum", "[2, 3]", "[4]"});
  expect_error([] { f32({2, 3}) < f32({4}); }, {"lt", "[2, 3]", "[4]"});
  expect_error([] { where(f32({2}) > 0, f32({3}), f32({3})); }, {"where", "[2]", "[3]"});
  expect_error([] { masked_fill(f32({2, 3}), f32({4}) > 0, 1.0); }, {"masked_fill", "[2, 3]"});
  expect_error([] { f32({3}).expand({2, 4}); }, {"expand", "[3]", "[2, 4]"});
  expect_error([] { broadcast_shapes({2, 3}, {4}); }, {"[2, 3]", "[4]"});
}

TEST(Broadcast, ShapesAndWrappedDims) {
  EXPECT_EQ(broadcast_shapes({3, 1}, {1, 4}), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(broadcast_shapes({2, 1, 5}, {3, 1}), (std::vector<int64_t>{2, 3, 5}));
  EXPECT_EQ(broadcast_shapes({}, {0, 2}), (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(maybe_wrap_dim(-1, 3), 2);
  EXPECT_EQ(maybe_wrap_dim(-1, 0), 0);  // a 0-dim tensor accepts dims -1 and 0, as PyTorch
  expect_error([] { maybe_wrap_dim(3, 3, "myop"); }, {"myop", "[-3, 2]", "3"});
}

TEST(BroadcastErrors, InPlaceCannotGrowSelf) {
  Tensor a = f32({3, 1});
  expect_error([&] { a.add_(f32({3, 4})); }, {"add_", "[3, 1]", "[3, 4]"});
}

TEST(BroadcastErrors, MaskedFillInPlaceCannotGrowSelf) {
  Tensor y = f32({4});
  expect_error([&] { y.masked_fill_(f32({3, 4}) > 0, 1.0); }, {"masked_fill_", "[3, 4]", "[4]"});
}

TEST(MatrixErrors, MmShapeMismatch) {
  expect_error(
      [] {
        mm(f32({2, 3}), f32({4, 5}));
      },
      {"mm: shapes [2, 3] and [4, 5] cannot be multiplied (3 != 4)"});
  expect_error([] { mm(f32({3}), f32({3, 2})); }, {"mm: expected 2-D tensors", "[3]", "[3, 2]"});
}

TEST(MatrixErrors, BmmMatmulMvDotOuterAddmm) {
  expect_error([] { bmm(f32({2, 3, 4}), f32({3, 4, 5})); }, {"bmm", "[2, 3, 4]", "[3, 4, 5]"});
  expect_error(
      [] {
        bmm(f32({2, 3, 4}), f32({2, 5, 5}));
      },
      {"bmm: shapes [2, 3, 4] and [2, 5, 5] cannot be multiplied"});
  expect_error([] { bmm(f32({3, 4}), f32({4, 5})); }, {"bmm", "3-D", "[3, 4]"});
  expect_error(
      [] {
        matmul(f32({2, 3}), f32({4}));
      },
      {"shapes [2, 3] and [4] cannot be multiplied"});
  expect_error(
      [] {
        matmul(f32({4}), f32({3, 2}));
      },
      {"matmul: shapes [4] and [3, 2] cannot be multiplied (4 != 3)"});
  expect_error(
      [] {
        matmul(f32({2, 2, 3}), f32({2, 4, 5}));
      },
      {"matmul: shapes [2, 2, 3] and [2, 4, 5] cannot be multiplied (3 != 4)"});
  expect_error([] { matmul(f32({2, 2, 3}), f32({3, 3, 5})); }, {"matmul", "[2]", "[3]"});
  expect_error([] { matmul(f32({}), f32({3})); }, {"matmul", "at least 1D", "0D"});
  expect_error([] { mv(f32({2, 3}), f32({4})); }, {"mv: shapes [2, 3] and [4]"});
  expect_error([] { mv(f32({2, 3}), f32({3, 1})); }, {"mv", "[2, 3]", "[3, 1]"});
  expect_error([] { dot(f32({3}), f32({4})); }, {"dot", "3", "4"});
  expect_error([] { dot(f32({3, 1}), f32({3})); }, {"dot", "1D"});
  expect_error([] { outer(f32({3, 1}), f32({3})); }, {"outer", "[3, 1]"});
  expect_error([] { addmm(f32({2, 4}), f32({2, 3}), f32({2, 4})); }, {"addmm", "[2, 3]", "[2, 4]"});
  expect_error(
      [] {
        einsum_ij_jk(f32({2, 3}), f32({4, 5}));
      },
      {"einsum_ij_jk: shapes [2, 3] and [4, 5] cannot be multiplied"});
}

TEST(MatrixErrors, DtypesMustMatchAndBeFloating) {
  expect_error([] { mm(f32({2, 3}), zeros({3, 2}, dtype(kDouble))); }, {"mm", "Float", "Double"});
  expect_error(
      [] {
        bmm(zeros({1, 2, 2}, dtype(kLong)), zeros({1, 2, 2}, dtype(kLong)));
      },
      {"bmm", "Long"});
}

TEST(DimErrors, OutOfRangeDimsNameTheOpAndTheRange) {
  Tensor x = f32({3, 4});
  expect_error([&] { x.sum({2}); }, {"sum", "2", "[-2, 1]"});
  expect_error([&] { x.mean({-3}); }, {"mean", "-3"});
  expect_error([&] { softmax(x, 2); }, {"softmax", "2"});
  expect_error([&] { log_softmax(x, -3); }, {"log_softmax", "-3"});
  expect_error([&] { cumsum(x, 5); }, {"cumsum", "5"});
  expect_error([&] { max(x, 2); }, {"max", "2"});
  expect_error([&] { argmax(x, 3); }, {"argmax", "3"});
  expect_error([&] { transpose(x, 0, 2); }, {"transpose", "2"});
  expect_error([&] { unsqueeze(x, 4); }, {"unsqueeze", "4", "[-3, 2]"});
  expect_error([&] { squeeze(x, 2); }, {"squeeze", "2"});
  expect_error([&] { select(x, 2, 0); }, {"select", "2"});
  expect_error([&] { flip(x, {2}); }, {"flip", "2"});
  expect_error([&] { permute(x, {0, 0}); }, {"permute"});
  expect_error([&] { permute(x, {0}); }, {"permute", "input has 2 dims, got 1"});
  expect_error([&] { cat({x, x}, 2); }, {"cat", "2"});
  expect_error([&] { stack({x, x}, 4); }, {"stack", "4"});
  expect_error([&] { flatten(x, 1, 0); }, {"flatten"});
  expect_error([&] { var(x, IntArrayRef{2}); }, {"var", "2"});
  expect_error([&] { logsumexp(x, {2}); }, {"logsumexp", "2"});
  expect_error([&] { x.index_select(2, tensor({0})); }, {"index_select", "2"});
  expect_error([&] { x.gather(-3, zeros({3, 4}, dtype(kLong))); }, {"gather", "-3"});
  expect_error([&] { f32({}).sum({1}); }, {"sum", "1"});
}

TEST(CatErrors, MismatchedShapesNameTheTensorsAndDims) {
  expect_error([] { cat({f32({2, 3}), f32({2, 4})}, 0); }, {"cat", "[2, 3]", "[2, 4]"});
  expect_error(
      [] {
        cat({f32({2, 3}), f32({2, 3, 1})}, 0);
      },
      {"cat", "same number of dimensions", "got 2 and 3"});
  expect_error([] { cat({}, 0); }, {"cat", "empty"});
  expect_error([] { stack({f32({2, 3}), f32({3, 2})}); }, {"stack", "[2, 3]", "[3, 2]"});
  expect_error([] { stack({}); }, {"stack"});
}

TEST(ShapeErrors, ViewReshapeExpandRepeatSplit) {
  Tensor x = f32({3, 4});
  expect_error([&] { x.view({5}); }, {"view", "[5]", "12"});
  expect_error([&] { x.reshape({-1, -1}); }, {"reshape", "-1"});
  expect_error([&] { x.reshape({5, -1}); }, {"reshape", "[5, -1]", "12"});
  expect_error([&] { x.t().view({12}); }, {"view", "stride"});
  expect_error([&] { x.unflatten(1, {3, 2}); }, {"unflatten", "[3, 2]", "4"});
  expect_error([&] { x.expand({4}); },
               {"expand", "sizes provided (1)", "dimensions in the tensor (2)"});
  expect_error([&] { x.repeat({2}); }, {"repeat", "2"});
  expect_error([&] { x.split(0); }, {"split", "0"});
  expect_error([&] { x.split(IntArrayRef({1, 1}), 0); }, {"split", "3"});
  expect_error([&] { x.chunk(0); }, {"chunk", "0"});
  expect_error([&] { x.narrow(1, 3, 2); }, {"narrow", "3", "2", "4"});
  expect_error([&] { x.slice(0, 0, 2, 0); }, {"slice", "step"});
  expect_error([&] { diag(f32({2, 2, 2})); }, {"diag", "[2, 2, 2]"});
  expect_error([&] { tril(f32({3})); }, {"tril", "[3]"});
  expect_error([&] { as_strided(x, {4, 4}, {4, 1}); }, {"as_strided", "[4, 4]"});
}

TEST(IndexErrors, OutOfRangeIndicesNameTheDimAndSize) {
  Tensor x = f32({3, 4});
  expect_error([&] { x.select(0, 3); }, {"select", "3", "0", "3"});
  expect_error([&] { x[-4]; }, {"select", "-4"});
  expect_error([&] { x.index_select(1, tensor({0, 4})); }, {"index_select", "4"});
  expect_error([&] { x.gather(1, tensor({{4}, {0}, {0}})); }, {"gather", "4"});
  expect_error([&] { x.scatter(1, tensor({{5}, {0}, {0}}), 1.0); }, {"scatter", "5"});
  expect_error([&] { x.index_add(0, tensor({3}), f32({1, 4})); }, {"index_add", "3"});
  expect_error([&] { x.index({tensor({3})}); }, {"index", "3"});
  expect_error([&] { x.index({0, 0, 0}); }, {"index", "too many indices"});
  expect_error([&] { x.index({tensor({true, false})}); }, {"mask", "[2]", "[3, 4]"});
  expect_error([&] { x.index_put_({tensor({7})}, 1.0); },
               {"index_put_: index 7 is out of bounds for dimension 0 with size 3"});
  expect_error(
      [&] {
        x.index({Slice(), tensor({-5})});
      },
      {"index: index -5 is out of bounds for dimension 1 with size 4"});
  expect_error([&] { topk(x, 5); }, {"topk", "5"});
  expect_error([&] { one_hot(tensor({0, 3}), 3); }, {"one_hot", "3"});
  expect_error([&] { one_hot(tensor({-1, 0})); }, {"one_hot"});
  expect_error([&] { x.masked_select(f32({5}) > 0); }, {"masked_select", "[3, 4]", "[5]"});
}

TEST(DtypeErrors, IndicesMasksAndMathNameTheDtype) {
  Tensor x = f32({3, 4});
  expect_error([&] { x.index_select(0, tensor({0.0f})); }, {"index_select", "Float"});
  expect_error([&] { x.gather(1, f32({3, 1})); }, {"gather", "Float"});
  expect_error([&] { x.masked_fill(f32({3, 4}), 1.0); }, {"masked_fill", "Float"});
  expect_error([&] { x.masked_select(f32({3, 4})); }, {"masked_select", "Float"});
  expect_error([&] { where(f32({3, 4}), x, x); }, {"where", "Float"});
  expect_error([&] { -(x > 0); }, {"neg", "bool"});
  expect_error([&] { one_hot(tensor({0.0f, 1.0f})); }, {"one_hot", "Float"});
  expect_error([&] { norm(zeros({3}, dtype(kLong))); }, {"norm", "floating point", "Long"});
  expect_error([&] { var(zeros({3}, dtype(kLong))); }, {"var", "floating point", "Long"});
  expect_error([&] { remainder(zeros({3}, dtype(kLong)), 0); }, {"remainder", "division by zero"});
}

TEST(DtypeErrors, SubtractionWithABoolIsRejectedAsInPyTorch) {
  Tensor m = tensor({true, false}), i = tensor({1, 2});
  expect_error([&] { m - m; }, {"sub", "two bool tensors", "logical_xor"});
  expect_error([&] { i - m; }, {"sub", "with a bool tensor", "logical_not"});
  expect_error([&] { m - 1; }, {"sub", "with a bool tensor"});
  expect_error([&] { i - Scalar(true); }, {"sub", "with a bool tensor"});
  expect_error([&] { 1 - m; }, {"rsub", "with a bool tensor"});
  expect_error([&] { i.sub_(m); }, {"sub_", "with a bool tensor"});
  expect_values(i - 1, {0, 1});  // integers still subtract
}

TEST(DtypeErrors, InPlaceResultsMustCastToSelf) {
  Tensor i = zeros({3}, dtype(kLong));
  expect_error([&] { i.mul_(2.5); },
               {"mul_: result type Float can't be cast to the desired output type Long"});
  expect_error([&] { i.add_(0.5); },
               {"add_: result type Float can't be cast to the desired output type Long"});
  expect_error([&] { i.div_(2); }, {"div_", "Float", "Long"});
  expect_error([&] { i += f32({3}); }, {"add_", "Float", "Long"});
  expect_error([&] { i.sqrt_(); }, {"sqrt_", "Float", "Long"});
  Tensor m = zeros({3}, dtype(kBool));
  expect_error([&] { m.add_(zeros({3}, dtype(kLong))); }, {"add_", "Long", "Bool"});
}

TEST(AutogradErrors, InPlaceOnLeafThatRequiresGrad) {
  Tensor w = f32({3}).requires_grad_();
  expect_error([&] { w.add_(1); }, {"leaf", "in-place"});
  expect_error([&] { w[0].mul_(2); }, {"view", "leaf"});
}

// Not an error but a trap worth pinning: like libtorch, var/std with one braced dim and no
// other argument pick the bool `unbiased` overload; spell the dim with unbiased to reduce it.
TEST(Reductions, VarWithOneBracedDimNeedsUnbiasedSpelledOut) {
  Tensor x = tensor({1.0, 2.0, 4.0, 8.0}, dtype(kDouble)).view({2, 2});
  expect_values(x.var({1}, true), {0.5, 8.0}, 1e-12);  // (1-1.5)^2*2/1, (4-6)^2*2/1
  expect_values(var(x, IntArrayRef{1}), {0.5, 8.0}, 1e-12);
  expect_values(x.std({0}, true), {std::sqrt(4.5), std::sqrt(18.0)}, 1e-12);
}

// One row past the OpenMP grain is reduced by per-thread partials; a sum of squares must
// combine them by adding (it once squared them again).
TEST(Reductions, LongRowNormCombinesThreadPartials) {
  expect_values(norm(ones({40000}, dtype(kFloat))), {200.0}, 1e-4);
  expect_values(norm(full({90000}, -2.0, dtype(kDouble)), 2, {0}), {600.0}, 1e-9);
}

}  // namespace
}  // namespace ember::testing
