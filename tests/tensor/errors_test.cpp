// Bad input throws ember::Error whose message names the op and the shapes or dtypes involved.
#include "tensor/tensor_test_util.h"

namespace ember::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(Errors, ViewWithWrongNumel) {
  Tensor x = zeros({2, 3});
  EXPECT_THAT(error_of([&] {
                x.view({4, 2});
              }),
              AllOf(HasSubstr("view"), HasSubstr("[4, 2]"), HasSubstr("6")));
  EXPECT_THAT(error_of([&] { x.reshape({5}); }), AllOf(HasSubstr("reshape"), HasSubstr("[5]")));
  EXPECT_THAT(error_of([&] {
                x.view({-1, -1});
              }),
              AllOf(HasSubstr("view"), HasSubstr("only one dimension can be inferred")));
  EXPECT_THAT(error_of([&] { x.view({4, -1}); }), AllOf(HasSubstr("view"), HasSubstr("[4, -1]")));
  EXPECT_THAT(error_of([&] { x.view({-2, 3}); }), HasSubstr("-2"));
}

TEST(Errors, ViewOfNonContiguousNamesSizeAndStride) {
  Tensor t = zeros({2, 3}).t();
  EXPECT_THAT(error_of([&] { t.view({6}); }), AllOf(HasSubstr("view"), HasSubstr("[6]")));
}

TEST(Errors, DimensionOutOfRange) {
  Tensor x = zeros({2, 3});
  EXPECT_THAT(error_of([&] { x.size(2); }),
              AllOf(HasSubstr("size"), HasSubstr("Dimension out of range"), HasSubstr("2")));
  EXPECT_THAT(error_of([&] { x.stride(-3); }), HasSubstr("Dimension out of range"));
  EXPECT_THAT(error_of([&] { x.transpose(0, 2); }),
              AllOf(HasSubstr("transpose"), HasSubstr("[-2, 1]"), HasSubstr("got 2")));
  EXPECT_THAT(error_of([&] { x.select(2, 0); }), HasSubstr("select"));
  EXPECT_THAT(error_of([&] { x.narrow(-3, 0, 1); }), HasSubstr("narrow"));
  EXPECT_THAT(error_of([&] { x.unsqueeze(4); }), HasSubstr("unsqueeze"));
  EXPECT_THAT(error_of([&] { x.permute({0, 2}); }), HasSubstr("permute"));
}

TEST(Errors, IndexOutOfRange) {
  Tensor x = zeros({2, 3});
  EXPECT_THAT(error_of([&] { x.select(1, 3); }),
              AllOf(HasSubstr("select"), HasSubstr("index 3"), HasSubstr("3")));
  EXPECT_THAT(error_of([&] { x[5]; }), AllOf(HasSubstr("select"), HasSubstr("5")));
  EXPECT_THAT(error_of([&] { x.narrow(1, 2, 2); }),
              AllOf(HasSubstr("narrow"), HasSubstr("start (2)")));
  EXPECT_THAT(error_of([&] {
                x.permute({0, 0});
              }),
              AllOf(HasSubstr("permute"), HasSubstr("repeated dim")));
  EXPECT_THAT(error_of([&] { zeros({}).select(0, 0); }), HasSubstr("0-dim"));
}

TEST(Errors, ExpandToIncompatibleShape) {
  EXPECT_THAT(error_of([] {
                zeros({3, 2}).expand({3, 4});
              }),
              AllOf(HasSubstr("expand"), HasSubstr("4"), HasSubstr("2")));
  EXPECT_THAT(error_of([] { zeros({3, 2}).expand({2}); }), HasSubstr("expand"));
}

TEST(Errors, ItemOfManyElements) {
  EXPECT_THAT(error_of([] {
                zeros({2, 3}).item();
              }),
              AllOf(HasSubstr("item"), HasSubstr("6 elements"), HasSubstr("[2, 3]")));
  EXPECT_THAT(error_of([] { zeros({0}).item<float>(); }), HasSubstr("0 elements"));
}

TEST(Errors, DataPtrWithWrongDtype) {
  EXPECT_THAT(error_of([] { zeros({2}).data_ptr<double>(); }),
              AllOf(HasSubstr("data_ptr"), HasSubstr("Double"), HasSubstr("Float")));
  EXPECT_THAT(error_of([] { ones({2}, kLong).data_ptr<int32_t>(); }),
              AllOf(HasSubstr("Int"), HasSubstr("Long")));
  const Tensor v = ones({2});
  EXPECT_THAT(error_of([&] { v.accessor<float, 3>(); }),
              AllOf(HasSubstr("accessor"), HasSubstr("3")));
}

TEST(Errors, RaggedNestedLists) {
  EXPECT_THAT(error_of([] {
                tensor({{1, 2}, {3}});
              }),
              AllOf(HasSubstr("tensor"), HasSubstr("[2]"), HasSubstr("[1]")));
  EXPECT_THAT(error_of([] { tensor({{1, 2}, {{3, 4}}}); }), HasSubstr("tensor"));
  EXPECT_THAT(error_of([] { tensor({{1.5}, 2.5}); }), HasSubstr("tensor"));
}

TEST(Errors, BadFactoryArguments) {
  EXPECT_THAT(error_of([] { zeros({2, -3}); }), AllOf(HasSubstr("-3"), HasSubstr("[2, -3]")));
  EXPECT_THAT(error_of([] { arange(0, 5, 0); }), AllOf(HasSubstr("arange"), HasSubstr("step")));
  EXPECT_THAT(error_of([] { arange(5, 0, 1); }), HasSubstr("arange"));
  EXPECT_THAT(error_of([] { linspace(0, 1, -1); }), AllOf(HasSubstr("linspace"), HasSubstr("-1")));
  EXPECT_THAT(error_of([] { eye(-1); }), HasSubstr("eye"));
  EXPECT_THAT(error_of([] { full({2}, 1).fill_(zeros({2})); }),
              AllOf(HasSubstr("fill_"), HasSubstr("1 dimensions")));
}

TEST(Errors, CopyBetweenIncompatibleShapes) {
  EXPECT_THAT(error_of([] {
                zeros({2, 3}).copy_(ones({4}));
              }),
              AllOf(HasSubstr("copy_"), HasSubstr("[4]"), HasSubstr("[2, 3]")));
}

}  // namespace
}  // namespace ember::testing
