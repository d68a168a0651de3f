// Values vs PyTorch (golden/ops.json) for the cases written once, PyTorch and ember side by side,
// in gen_ops.py's TABLE: gen_ops.py writes their ember side to golden/cases.inc.
#include "ops/ops_test_util.h"

namespace ember::testing {

using X = const GoldenInputs&;

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
