// The fixture machinery of the value tests: loading golden/ops.json, comparing ember's results with
// PyTorch's, and a check that the fixture and the case tables cover each other.
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>

#include "ops/ops_test_util.h"

namespace ember::testing {

const nlohmann::json& ops_golden() { return golden_file("ops/golden/ops.json"); }

namespace {

ScalarType dtype_of(const std::string& s) {
  static const std::map<std::string, ScalarType> m = {{"float32", kFloat}, {"float64", kDouble},
                                                      {"int64", kLong},    {"int32", kInt},
                                                      {"uint8", kByte},    {"bool", kBool}};
  auto it = m.find(s);
  EMBER_CHECK(it != m.end(), "ops.json: unknown dtype ", s);
  return it->second;
}

double value_of(const nlohmann::json& v) {
  if (v.is_string()) {  // non-finite floats are stored as strings
    const std::string s = v.get<std::string>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    return s == "inf" ? std::numeric_limits<double>::infinity()
                      : -std::numeric_limits<double>::infinity();
  }
  return v.get<double>();
}

std::vector<double> values_of(const nlohmann::json& j) {
  std::vector<double> out;
  for (const auto& v : j["values"]) out.push_back(value_of(v));
  return out;
}

}  // namespace

Tensor GoldenInputs::operator()(const std::string& name) const {
  const auto& in = ops_golden()["inputs"];
  EMBER_CHECK(in.contains(name), "ops.json: no input ", name);
  const auto& j = in[name];
  return tensor(values_of(j), dtype(dtype_of(j["dtype"])))
      .reshape(j["shape"].get<std::vector<int64_t>>());
}

std::string golden_case_name(const ::testing::TestParamInfo<GoldenCase>& info) {
  std::string s = info.param.name;
  for (char& ch : s)
    if (ch == '.') ch = '_';
  return s;
}

void check_golden(const GoldenCase& c) {
  const auto& cases = ops_golden()["cases"];
  ASSERT_TRUE(cases.contains(c.name)) << c.name << " is not in ops.json: rerun gen_ops.py";
  const auto& expected = cases[c.name];
  Outs got;
  try {
    got = c.fn(GoldenInputs());
  } catch (const Error& e) {
    FAIL() << "threw: " << e.what();
  }
  ASSERT_EQ(got.size(), expected.size()) << "number of outputs";
  for (size_t k = 0; k < got.size(); ++k) {
    SCOPED_TRACE("output " + std::to_string(k));
    const auto& e = expected[k];
    const Tensor& t = got[k];
    ASSERT_TRUE(t.defined());
    const ScalarType want = dtype_of(e["dtype"]);
    EXPECT_EQ(t.scalar_type(), want) << "dtype";
    ASSERT_EQ(t.sizes().vec(), e["shape"].get<std::vector<int64_t>>()) << "shape";
    std::vector<double> ev = values_of(e), gv = values(t);
    ASSERT_EQ(gv.size(), ev.size());
    // float32: a few units in the last place of PyTorch's result (PyTorch and ember sum and
    // round in different orders); float64: near-exact; integers and bools: exact.
    double rtol = want == kFloat ? 4e-6 : want == kDouble ? 1e-12 : 0;
    double atol = want == kFloat ? 1e-6 : want == kDouble ? 1e-12 : 0;
    // The float64 totals of big float32 results add up tens of thousands of such roundings.
    if (want == kDouble && c.name.rfind("big.", 0) == 0) rtol = atol = 1e-6;
    for (size_t i = 0; i < gv.size(); ++i) {
      if (std::isnan(ev[i])) {
        EXPECT_TRUE(std::isnan(gv[i])) << "at " << i << ": expected nan, got " << gv[i];
      } else if (std::isinf(ev[i])) {
        EXPECT_EQ(gv[i], ev[i]) << "at " << i;
      } else {
        EXPECT_NEAR(gv[i], ev[i], atol + rtol * std::abs(ev[i])) << "at " << i;
      }
    }
  }
}

TEST_P(GoldenTest, MatchesPyTorch) { check_golden(GetParam()); }

namespace {

TEST(GoldenFixture, IsGeneratedAndEveryCaseHasATest) {
  EXPECT_THAT(ops_golden()["@generated"].get<std::string>(), ::testing::HasSubstr("gen_ops.py"));
  std::set<std::string> tested;
  for (const auto* table : {&pointwise_cases(), &reduce_linalg_cases(), &shape_index_cases(),
                            &layout_cases(), &table_cases()})
    for (const GoldenCase& c : *table) EXPECT_TRUE(tested.insert(c.name).second) << c.name;
  for (const auto& [name, _] : ops_golden()["cases"].items())
    EXPECT_TRUE(tested.count(name)) << name << " in ops.json has no C++ case";
  EXPECT_EQ(tested.size(), ops_golden()["cases"].size());
}

}  // namespace
}  // namespace ember::testing
