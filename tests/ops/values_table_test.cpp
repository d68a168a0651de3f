// Values vs PyTorch (golden/ops.json) for the cases written once, PyTorch and ember side by side,
// in gen_ops.py's TABLE: gen_ops.py writes their ember side to golden/cases.inc. A "grad.*" case
// gives a value and its inputs' gradients (value_and_grads).
#include "ops/ops_test_util.h"

namespace ember::testing {

using X = const GoldenInputs&;
using Xs = const std::vector<Tensor>&;

namespace {
// fn's value and the gradients of its inputs for the output gradient 1 + (i mod 3) at flat index
// i (gen_ops.py's value_and_grads does the same on the PyTorch side).
Outs value_and_grads(const std::function<Tensor(Xs)>& fn, std::vector<Tensor> xs) {
  for (Tensor& x : xs) x = x.detach().clone().requires_grad_(true);
  Tensor y = fn(xs);
  Tensor go = (arange(y.numel()).remainder(3) + 1).to(y.scalar_type()).reshape(y.sizes());
  Outs out{y.detach()};
  for (const Tensor& g : autograd::grad({y}, xs, {go})) out.push_back(g);
  return out;
}
}  // namespace

const std::vector<GoldenCase>& table_cases() {
  static const std::vector<GoldenCase> c = {
#include "ops/golden/cases.inc"
  };
  return c;
}

namespace {
INSTANTIATE_TEST_SUITE_P(Table, GoldenTest, ::testing::ValuesIn(table_cases()), golden_case_name);
}  // namespace

}  // namespace ember::testing
