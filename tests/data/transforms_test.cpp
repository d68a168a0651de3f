// Transforms and MapDataset: Normalize (libtorch's (C, 1, 1) broadcasting), Stack, Lambda,
// TensorLambda, BatchLambda, and the stacked fast path giving the same batches as the
// per-example path.
#include <gtest/gtest.h>

#include "ember/autograd.h"
#include "ember/data.h"

namespace ember::data {
namespace {

using datasets::TensorDataset;
using transforms::Normalize;
using transforms::Stack;

/// TensorDataset's examples without its fast path: the per-example reference.
struct Slow : datasets::Dataset<Slow> {
  Slow(Tensor x, Tensor y) : x(std::move(x)), y(std::move(y)) {}
  Example<> get(size_t i) override {
    return {x[static_cast<int64_t>(i)], y[static_cast<int64_t>(i)]};
  }
  std::optional<size_t> size() const override { return x.size(0); }
  Tensor x, y;
};

TEST(Normalize, SubtractsMeanAndDividesByStdPerChannel) {
  Normalize<> norm({1.0, 2.0}, {2.0, 4.0});
  EXPECT_EQ(norm.mean.sizes(), IntArrayRef({2, 1, 1}));
  EXPECT_EQ(norm.mean.scalar_type(), kFloat);
  Tensor img = full({2, 2, 2}, 5.0);
  Tensor out = norm(img);
  EXPECT_TRUE(out.index({0}).equal(full({2, 2}, 2.0)));   // (5 - 1) / 2
  EXPECT_TRUE(out.index({1}).equal(full({2, 2}, 0.75)));  // (5 - 2) / 4
}

TEST(Normalize, ScalarArgumentsAndTheTargetPassesThrough) {
  Normalize<> norm(0.5, 0.25);
  Example<> e = norm.apply({full({1, 2, 2}, 1.0), tensor({7})});
  EXPECT_TRUE(e.data.equal(full({1, 2, 2}, 2.0)));
  EXPECT_EQ(e.target.item<int64_t>(), 7);
}

TEST(Normalize, LowRankExamplesGetThreeDimsAsInLibtorch) {
  Normalize<> norm(0.0, 1.0);
  EXPECT_EQ(norm(zeros({784})).sizes(), IntArrayRef({1, 1, 784}));
}

TEST(Stack, StacksDataAndTargets) {
  std::vector<Example<>> batch = {{tensor({1.0, 2.0}), tensor(0)}, {tensor({3.0, 4.0}), tensor(1)}};
  Example<> s = Stack<>().apply_batch(batch);
  EXPECT_TRUE(s.data.equal(tensor({{1.0, 2.0}, {3.0, 4.0}})));
  EXPECT_TRUE(s.target.equal(tensor({0, 1})));
}

TEST(Stack, TensorExamplesAndMissingTargets) {
  std::vector<TensorExample> batch = {tensor({1.0}), tensor({2.0})};
  TensorExample s = Stack<TensorExample>().apply_batch(batch);
  EXPECT_TRUE(s.data.equal(tensor({{1.0}, {2.0}})));

  std::vector<Example<>> no_targets = {{tensor({1.0}), Tensor()}, {tensor({2.0}), Tensor()}};
  EXPECT_FALSE(Stack<>().apply_batch(no_targets).target.defined());
  std::vector<Example<>> some = {{tensor({1.0}), tensor(0)}, {tensor({2.0}), Tensor()}};
  try {
    Stack<>().apply_batch(some);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "Stack: 1 of 2 examples have no target tensor; either all or none must have one");
  }
}

TEST(Lambda, MapsEachExample) {
  auto ds = TensorDataset(arange(4, dtype(kFloat)), arange(4))
                .map(transforms::Lambda<Example<>>([](Example<> e) {
                  e.target = e.target * 10;
                  return e;
                }));
  auto batch = ds.get_batch({1, 3});
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0].target.item<int64_t>(), 10);
  EXPECT_EQ(batch[1].target.item<int64_t>(), 30);
  EXPECT_EQ(batch[1].data.item<float>(), 3.0f);
}

TEST(Lambda, ChangesTheExampleType) {
  auto ds = TensorDataset(arange(3, dtype(kFloat)))
                .map(transforms::Lambda<Example<>, TensorExample>(
                    [](Example<> e) { return TensorExample(e.data + 1); }))
                .map(Stack<TensorExample>());
  EXPECT_TRUE(ds.get_batch({0, 2}).data.equal(tensor({1.0f, 3.0f})));
}

TEST(TensorLambda, MapsOnlyTheData) {
  auto ds = TensorDataset(ones({3, 2}), arange(3))
                .map(transforms::TensorLambda<>([](Tensor x) { return x * 2; }))
                .map(Stack<>());
  Example<> b = ds.get_batch({2, 0});
  EXPECT_TRUE(b.data.equal(full({2, 2}, 2.0)));
  EXPECT_TRUE(b.target.equal(tensor({2, 0})));
}

TEST(BatchLambda, MapsTheWholeBatch) {
  auto ds = TensorDataset(arange(6, dtype(kFloat)))
                .map(Stack<>())
                .map(transforms::BatchLambda<Example<>>([](Example<> b) {
                  b.data = b.data.sum();
                  return b;
                }));
  EXPECT_EQ(ds.get_batch({1, 2, 3}).data.item<float>(), 6.0f);
}

TEST(MapDataset, SizeAndAccessors) {
  auto ds = TensorDataset(zeros({7, 3})).map(Normalize<>(0.0, 1.0));
  EXPECT_EQ(ds.size(), std::optional<size_t>(7));
  EXPECT_EQ(ds.dataset().data().size(0), 7);
  EXPECT_EQ(ds.transform().mean.item<float>(), 0.0f);
  auto lvalue = TensorDataset(zeros({2}));
  auto mapped = lvalue.map(Stack<>());  // copies
  EXPECT_EQ(mapped.size(), lvalue.size());
}

// The fast path (one gather of rows) and the per-example path give identical batches.
TEST(FastPath, StackedBatchesEqualPerExampleBatches) {
  manual_seed(1);
  Tensor x = randn({20, 1, 3, 3}), y = randint(10, {20});
  const std::vector<size_t> idx = {4, 19, 0, 7, 7};
  Example<> fast = TensorDataset(x, y).map(Stack<>()).get_batch(idx);
  Example<> slow = Slow(x, y).map(Stack<>()).get_batch(idx);
  EXPECT_TRUE(fast.data.equal(slow.data));
  EXPECT_TRUE(fast.target.equal(slow.target));

  auto norm = Normalize<>(0.1307, 0.3081);
  Example<> fast_n = TensorDataset(x, y).map(norm).map(Stack<>()).get_batch(idx);
  Example<> slow_n = Slow(x, y).map(norm).map(Stack<>()).get_batch(idx);
  EXPECT_TRUE(fast_n.data.equal(slow_n.data));
  EXPECT_EQ(fast_n.data.sizes(), IntArrayRef({5, 1, 3, 3}));

  // Two-dim rows: Normalize makes (1, 1, F) examples, so the batch is (B, 1, 1, F) either way.
  Tensor flat = randn({20, 6});
  Example<> fast_f = TensorDataset(flat, y).map(norm).map(Stack<>()).get_batch(idx);
  Example<> slow_f = Slow(flat, y).map(norm).map(Stack<>()).get_batch(idx);
  EXPECT_EQ(fast_f.data.sizes(), IntArrayRef({5, 1, 1, 6}));
  EXPECT_TRUE(fast_f.data.equal(slow_f.data));
}

TEST(FastPath, KeepsDtypesAndMultiDimTargets) {
  Tensor x = arange(12, dtype(kDouble)).reshape({4, 3});
  Tensor y = arange(8).reshape({4, 2});
  Example<> b = TensorDataset(x, y).map(Stack<>()).get_batch({3, 1});
  EXPECT_EQ(b.data.scalar_type(), kDouble);
  EXPECT_TRUE(b.data.equal(tensor({{9.0, 10.0, 11.0}, {3.0, 4.0, 5.0}}, dtype(kDouble))));
  EXPECT_TRUE(b.target.equal(tensor({{6, 7}, {2, 3}})));
  EXPECT_FALSE(TensorDataset(x).map(Stack<>()).get_batch({0}).target.defined());
}

TEST(TensorDataset, ChecksItsTensorsAndIndices) {
  try {
    TensorDataset(zeros({3, 2}), zeros({4}));
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "TensorDataset: data has 3 examples (shape [3, 2]) but target has 4 (shape [4])");
  }
  EXPECT_THROW(TensorDataset(scalar_tensor(1.0)), Error);
  TensorDataset ds(zeros({3, 2}), zeros({3}));
  try {
    ds.get(3);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "TensorDataset: index 3 is out of range for a dataset of size 3");
  }
  EXPECT_THROW(ds.map(Stack<>()).get_batch({0, 5}), Error);
  EXPECT_EQ(ds.get(1).data.sizes(), IntArrayRef({2}));
}

TEST(TensorDataset, NonContiguousInputIsCopiedOnce) {
  Tensor x = arange(6, dtype(kFloat)).reshape({2, 3}).t();  // (3, 2), not contiguous
  TensorDataset ds(x, arange(3));
  EXPECT_TRUE(ds.data().is_contiguous());
  EXPECT_TRUE(ds.map(Stack<>()).get_batch({1}).data.equal(tensor({{1.0f, 4.0f}})));
}

}  // namespace
}  // namespace ember::data
