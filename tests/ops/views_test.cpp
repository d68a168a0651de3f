// Which ops return views (writes through them reach the base, as in PyTorch) and which return
// copies; the version counter shared by a base and its views.
#include <functional>

#include "ops/ops_test_util.h"

namespace ember::testing {
namespace {

using indexing::None;

Tensor base() { return arange(12, dtype(kFloat)).view({3, 4}); }  // 0 .. 11

struct AliasCase {
  const char* name;
  std::function<Tensor(const Tensor&)> fn;
  bool is_view;
};

// Each op, whether it returns a view, and how many of base()'s elements its result covers.
// PyTorch's documentation lists the view ops; the counts are the sizes of the selected regions.
std::vector<std::pair<AliasCase, int64_t>> alias_cases() {
  return {
      {{"view",
        [](const Tensor& x) {
          return x.view({2, 6});
        },
        true},
       12},
      {{"reshape", [](const Tensor& x) { return x.reshape({12}); }, true}, 12},
      {{"flatten", [](const Tensor& x) { return x.flatten(); }, true}, 12},
      {{"unflatten",
        [](const Tensor& x) {
          return x.unflatten(1, {2, 2});
        },
        true},
       12},
      {{"unsqueeze", [](const Tensor& x) { return x.unsqueeze(0); }, true}, 12},
      {{"squeeze", [](const Tensor& x) { return x.unsqueeze(1).squeeze(); }, true}, 12},
      {{"t", [](const Tensor& x) { return x.t(); }, true}, 12},
      {{"permute",
        [](const Tensor& x) {
          return x.permute({1, 0});
        },
        true},
       12},
      {{"narrow", [](const Tensor& x) { return x.narrow(1, 1, 2); }, true}, 6},
      {{"slice", [](const Tensor& x) { return x.slice(1, 0, 4, 3); }, true}, 6},
      {{"select", [](const Tensor& x) { return x.select(0, 1); }, true}, 4},
      {{"operator[]", [](const Tensor& x) { return x[2]; }, true}, 4},
      {{"index_basic",
        [](const Tensor& x) {
          return x.index({None, Slice(), 0});
        },
        true},
       3},
      {{"diag", [](const Tensor& x) { return diag(x); }, true}, 3},
      {{"as_strided", [](const Tensor& x) { return x.as_strided({2}, {5}); }, true}, 2},
      {{"split", [](const Tensor& x) { return x.split(2)[1]; }, true}, 4},
      {{"chunk", [](const Tensor& x) { return x.chunk(2, 1)[0]; }, true}, 6},
      {{"unbind", [](const Tensor& x) { return x.unbind(1)[3]; }, true}, 3},
      {{"contiguous_of_contiguous", [](const Tensor& x) { return x.contiguous(); }, true}, 12},
      {{"reshape_of_transposed", [](const Tensor& x) { return x.t().reshape({12}); }, false}, 0},
      {{"contiguous_of_transposed", [](const Tensor& x) { return x.t().contiguous(); }, false}, 0},
      {{"clone", [](const Tensor& x) { return x.clone(); }, false}, 0},
      {{"flip", [](const Tensor& x) { return x.flip({0}); }, false}, 0},
      {{"repeat",
        [](const Tensor& x) {
          return x.repeat({1, 1});
        },
        false},
       0},
      {{"repeat_size_1",
        [](const Tensor& x) {
          return x.slice(0, 0, 1).repeat({3, 1});
        },
        false},
       0},
      {{"cat", [](const Tensor& x) { return cat({x}); }, false}, 0},
      {{"index_select", [](const Tensor& x) { return x.index_select(0, tensor({0})); }, false}, 0},
      {{"index_tensor",
        [](const Tensor& x) {
          return x.index({tensor({1, 2})});
        },
        false},
       0},
      {{"masked_select", [](const Tensor& x) { return x.masked_select(x > 5); }, false}, 0},
  };
}

// Fills the result of each op with -1 and counts the base's elements that changed.
TEST(Views, WritesThroughViewOpsReachTheBase) {
  const std::vector<std::pair<AliasCase, int64_t>> cases = alias_cases();
  for (const auto& [c, changed] : cases) {
    SCOPED_TRACE(c.name);
    Tensor x = base();
    Tensor y = c.fn(x);
    y.fill_(-1);
    EXPECT_EQ((x == -1).sum().item<int64_t>(), changed);
    EXPECT_EQ(x.impl()->storage() == y.impl()->storage(), c.is_view);
  }
}

// Under autograd a view op's result is recorded as a view of its input (so in-place ops on it
// reach the input's gradient): this fails for a view op that does not declare `is_view`.
TEST(Views, ViewOpsAreRecordedAsViewsUnderAutograd) {
  for (const auto& entry : alias_cases()) {
    const AliasCase& c = entry.first;
    SCOPED_TRACE(c.name);
    Tensor x = base().requires_grad_(true) * 1;  // a non-leaf: in-place ops on its views are fine
    Tensor y = c.fn(x);
    if (y.is_same(x)) continue;  // contiguous() of a contiguous tensor returns it
    EXPECT_EQ(autograd::view_base(y).is_same(x), c.is_view);
  }
}

TEST(Views, ExpandedViewsReadTheBase) {
  Tensor x = tensor({1.0f, 2.0f, 3.0f}).view({3, 1});
  Tensor e = x.expand({3, 4});
  x.mul_(10);
  expect_values(e.sum({1}), {40, 80, 120});
}

TEST(Views, InPlaceThroughAViewBumpsTheSharedVersion) {
  Tensor x = base();
  Tensor v = x.select(1, 2);
  const auto before = x.impl()->storage()->version();
  v.add_(1);
  EXPECT_GT(x.impl()->storage()->version(), before);
  EXPECT_EQ(x.impl()->storage()->version(), v.impl()->storage()->version());
  expect_values(x.select(1, 2), {3, 7, 11});  // 2, 6, 10 plus one
}

TEST(Views, CopyIntoATransposedViewOfItselfUsesTheOldValues) {
  // y = x.t() read while being written would smear values; PyTorch copies through a temporary
  // only when src and dst overlap, and its result is the transpose of the old x.
  Tensor x = arange(4, dtype(kFloat)).view({2, 2});
  x.copy_(x.t().clone());
  expect_values(x, {0, 2, 1, 3});
}

// Strides as PyTorch 1.13 gives them (memory_format=preserve for clone; contiguous otherwise).
TEST(Views, CloneKeepsDenseStridesContiguousAndReshapeDoNot) {
  auto strides = [](const Tensor& t) { return t.strides().vec(); };
  Tensor x = zeros({3, 4}), d = zeros({2, 3, 4});
  EXPECT_EQ(strides(x.t().clone()), (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(strides(d.permute({2, 0, 1}).clone()), (std::vector<int64_t>{1, 12, 4}));
  EXPECT_EQ(strides(x.slice(1, std::nullopt, std::nullopt, 2).clone()),
            (std::vector<int64_t>{2, 1}));  // not dense
  EXPECT_EQ(strides(x.slice(1, 0, 1).expand({3, 4}).clone()), (std::vector<int64_t>{4, 1}));
  EXPECT_EQ(strides(x.t().contiguous()), (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(strides(x.t().reshape({12})), (std::vector<int64_t>{1}));
  // A transposed clone still holds the transposed values and still indexes correctly.
  Tensor a = arange(6, dtype(kFloat)).view({2, 3});
  Tensor c = a.t().clone();  // (3, 2) with strides (1, 3)
  expect_values(c, {0, 3, 1, 4, 2, 5});
  expect_values(c.index_select(0, tensor({2, 0})), {2, 5, 0, 3});
  expect_values(c.scatter_add(1, tensor({{1}, {0}, {1}}), ones({3, 1})), {0, 4, 2, 4, 2, 6});
  expect_values(c.reshape({6}), {0, 3, 1, 4, 2, 5});
}

}  // namespace
}  // namespace ember::testing
