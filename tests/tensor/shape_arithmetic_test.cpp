// Sizes, strides, offsets and byte counts are computed with overflow checks, and impossible
// geometry is refused before any memory is touched (issue 17, items 1-3, 5, 6): every case here
// used to allocate too little, write outside a buffer, trap or return garbage.
#include <climits>

#include "tensor/tensor_test_util.h"

namespace ember::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr int64_t kHuge = int64_t{1} << 62;

TEST(ShapeArithmetic, NumelAndByteCountOverflowsAreRefused) {
  EXPECT_THAT(error_of([] { zeros({kHuge}); }),
              AllOf(HasSubstr("zeros"), HasSubstr("overflowed"), HasSubstr("4611686018427387904")));
  EXPECT_THAT(error_of([] {
                zeros({int64_t{1} << 32, int64_t{1} << 32});
              }),
              AllOf(HasSubstr("zeros"), HasSubstr("overflowed")));
  EXPECT_THAT(error_of([] { empty({3, kHuge}); }), HasSubstr("overflowed"));
  EXPECT_THAT(error_of([] { ones({kHuge, 4}); }), HasSubstr("overflowed"));
  EXPECT_THAT(error_of([] { full({INT64_MAX, 2}, 1.0); }), HasSubstr("overflowed"));
  EXPECT_THAT(error_of([] { rand({INT64_MAX, INT64_MAX}); }), HasSubstr("overflowed"));
  // Not the element count but the byte count overflows: 2^61 doubles.
  EXPECT_THAT(error_of([] { empty({int64_t{1} << 61}, kDouble); }), HasSubstr("overflowed"));
}

TEST(ShapeArithmetic, ViewShapesThatOverflowAreRefused) {
  Tensor x = zeros({4});
  EXPECT_THAT(error_of([&] { x.view({kHuge, kHuge, -1}); }), HasSubstr("view"));
  EXPECT_THAT(error_of([&] { x.reshape({kHuge, 8, 0}); }), HasSubstr("reshape"));
  EXPECT_THAT(error_of([&] { x.expand({kHuge, kHuge, 4}); }), HasSubstr("overflowed"));
}

TEST(ShapeArithmetic, NarrowLengthCannotOverflowThePastTheEndCheck) {
  Tensor x = arange(6).view({2, 3});
  EXPECT_THAT(error_of([&] { x.narrow(1, 1, INT64_MAX); }),
              AllOf(HasSubstr("narrow"), HasSubstr("exceeds dimension size")));
  EXPECT_THAT(error_of([&] { x.narrow(1, -1, INT64_MAX); }), HasSubstr("narrow"));
  EXPECT_EQ(x.narrow(1, 1, 2).sizes(), (IntArrayRef{2, 2}));
}

TEST(ShapeArithmetic, AsStridedRefusesNegativeGeometryAndOutOfBoundsViews) {
  Tensor x = arange(4, kFloat);
  EXPECT_THAT(error_of([&] { x.as_strided({1000}, {-1}).fill_(7); }),
              AllOf(HasSubstr("as_strided"), HasSubstr("Negative strides")));
  EXPECT_THAT(error_of([&] { x.as_strided({2}, {1}, -1); }),
              AllOf(HasSubstr("as_strided"), HasSubstr("invalid storage offset -1")));
  EXPECT_THAT(error_of([&] { x.as_strided({-2}, {1}); }),
              AllOf(HasSubstr("as_strided"), HasSubstr("negative dimension -2")));
  EXPECT_THAT(error_of([&] { x.as_strided({5}, {1}); }), HasSubstr("require more storage"));
  EXPECT_THAT(error_of([&] { x.as_strided({2}, {1}, 3); }), HasSubstr("require more storage"));
  // (size-1)*stride and the byte count overflow int64: refused, not wrapped into range.
  EXPECT_THAT(error_of([&] {
                x.as_strided({3, 2}, {kHuge, 1});
              }),
              HasSubstr("require more storage"));
  EXPECT_THAT(error_of([&] { x.as_strided({2}, {INT64_MAX / 2}); }),
              HasSubstr("require more storage"));
  // Legal cases still work, an empty view of any stride included (as PyTorch).
  EXPECT_EQ(x.as_strided({2, 2}, {1, 2}).sum().item<float>(), 6.0f);
  EXPECT_EQ(x.as_strided({0, 5}, {kHuge, 1}).numel(), 0);
}

#if !defined(__SANITIZE_ADDRESS__)
// ASan's allocator aborts on a request this large instead of returning null, so this case runs
// only in builds without it.
TEST(ShapeArithmetic, AllocationFailureIsAnErrorNamingOpShapeAndBytes) {
  EXPECT_THAT(error_of([] { zeros({int64_t{1} << 40}); }),
              AllOf(HasSubstr("zeros: cannot allocate 4 TiB for shape [1099511627776]")));
  EXPECT_THAT(error_of([] {
                empty({int64_t{1} << 20, int64_t{1} << 20}, kDouble);
              }),
              HasSubstr("empty: cannot allocate 8 TiB for shape [1048576, 1048576]"));
}
#endif

TEST(ShapeArithmetic, ZeroDimTensorsAcceptOnlyDimZeroAndMinusOne) {
  Tensor s = scalar_tensor(1.0);
  EXPECT_THAT(error_of([&] { s.size(0); }),
              AllOf(HasSubstr("size"), HasSubstr("tensor has no dimensions")));
  EXPECT_THAT(error_of([&] { s.stride(-1); }), HasSubstr("tensor has no dimensions"));
  EXPECT_THAT(error_of([&] { s.transpose(5, -7); }),
              AllOf(HasSubstr("transpose"), HasSubstr("Dimension out of range")));
  EXPECT_EQ(s.transpose(0, -1).dim(), 0);
  EXPECT_EQ(s.sum(0).item<double>(), 1.0);
  EXPECT_THAT(error_of([&] { s.sum(1); }), HasSubstr("Dimension out of range"));
}

TEST(ShapeArithmetic, IntegerModByMinusOneIsZeroNotATrap) {
  Tensor x = tensor({INT64_MIN, int64_t{-7}, int64_t{0}, INT64_MAX});
  for (const Tensor& r : {x.remainder(-1), x.fmod(-1)}) {
    EXPECT_EQ(r.scalar_type(), kLong);
    EXPECT_EQ(r.abs().sum().item<int64_t>(), 0);
  }
  Tensor i = tensor({INT32_MIN, 5}, kInt);
  EXPECT_EQ(i.fmod(-1).abs().sum().item<int64_t>(), 0);
}

}  // namespace
}  // namespace ember::testing
