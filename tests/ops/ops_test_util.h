// Shared helpers for the op tests: the PyTorch fixture (golden/ops.json, written by
// golden/gen_ops.py), its inputs, and the comparison of ember's results with PyTorch's.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ember/autograd.h"
#include "support/support.h"

namespace ember::testing {

/// golden/ops.json, parsed once.
const nlohmann::json& ops_golden();

/// The fixture's inputs, by name; each call returns a fresh tensor (so in-place cases cannot
/// leak into other cases).
class GoldenInputs {
 public:
  Tensor operator()(const std::string& name) const;
};

using Outs = std::vector<Tensor>;
inline Outs outs(std::tuple<Tensor, Tensor> t) { return {std::get<0>(t), std::get<1>(t)}; }
inline Outs outs(Tensor t) { return {std::move(t)}; }
inline Outs outs(std::vector<Tensor> t) { return t; }

/// One fixture case: its name in ops.json and the ember expression computing it.
struct GoldenCase {
  std::string name;
  std::function<Outs(const GoldenInputs&)> fn;
};
/// The cases of each value-test file (values_*_test.cpp), so one test checks that the fixture and
/// the tables cover each other.
const std::vector<GoldenCase>& pointwise_cases();
const std::vector<GoldenCase>& reduce_linalg_cases();
const std::vector<GoldenCase>& shape_index_cases();
const std::vector<GoldenCase>& layout_cases();
/// The cases of gen_ops.py's TABLE (golden/cases.inc, written by gen_ops.py).
const std::vector<GoldenCase>& table_cases();

/// gtest prints a case by its name.
inline void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

/// Runs `c` and compares dtype, shape and values of each output with PyTorch's.
void check_golden(const GoldenCase& c);

/// gtest parameter name: "pw.add_row" -> "pw_add_row".
std::string golden_case_name(const ::testing::TestParamInfo<GoldenCase>& info);

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {};

}  // namespace ember::testing
