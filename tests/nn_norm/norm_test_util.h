// Helpers for the nn_norm tests: the PyTorch fixture (golden/norm.json), tensors from it, value
// comparison and error capture.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ember/ember.h"
#include "ember/nn.h"

namespace ember::norm_test {

namespace F = ::ember::nn::functional;
using ::testing::HasSubstr;

inline const nlohmann::json& golden() {
  static const nlohmann::json j = [] {
    std::ifstream f(std::string(EMBER_SOURCE_DIR) + "/tests/nn_norm/golden/norm.json");
    return nlohmann::json::parse(f);
  }();
  return j;
}

inline std::vector<int64_t> shape_of(const nlohmann::json& j) {
  return j.get<std::vector<int64_t>>();
}

/// A tensor of `shape` and `dtype` holding the fixture's values.
inline Tensor from_json(const nlohmann::json& values, std::vector<int64_t> shape,
                        ScalarType dtype = kFloat) {
  return tensor(values.get<std::vector<double>>(), TensorOptions().dtype(kDouble))
      .view(shape)
      .to(dtype);
}

inline std::vector<double> values(const Tensor& t) {
  Tensor c = t.detach().to(kDouble).contiguous().reshape({-1});
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

/// Expects |t - expected| <= atol + rtol |expected| elementwise.
inline void expect_close(const Tensor& t, const nlohmann::json& expected, double atol = 1e-5,
                         double rtol = 1e-5) {
  ASSERT_TRUE(t.defined()) << "tensor is undefined";
  std::vector<double> got = values(t);
  std::vector<double> want = expected.get<std::vector<double>>();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], atol + rtol * std::abs(want[i])) << "at " << i;
}

inline void expect_close(const Tensor& a, const Tensor& b, double atol = 1e-10,
                         double rtol = 1e-10) {
  ASSERT_TRUE(a.defined() && b.defined());
  ASSERT_EQ(a.sizes(), b.sizes());
  std::vector<double> x = values(a), y = values(b);
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_NEAR(x[i], y[i], atol + rtol * std::abs(y[i])) << "at " << i;
}

/// The message of the ember::Error that `f` throws ("" when it throws nothing).
template <class Fn>
std::string error_of(Fn&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

inline TensorOptions f64() { return TensorOptions().dtype(kDouble); }

}  // namespace ember::norm_test
