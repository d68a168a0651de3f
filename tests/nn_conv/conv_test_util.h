// Helpers for the nn_conv tests: the PyTorch fixture (golden/conv.json), tensors from it, value
// comparison, gradcheck wrappers and error capture.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ember/autograd/gradcheck.h"
#include "ember/ember.h"
#include "ember/nn.h"

namespace ember::conv_test {

namespace F = ::ember::nn::functional;
using autograd::variable_list;
using ::testing::HasSubstr;

inline const nlohmann::json& golden() {
  static const nlohmann::json j = [] {
    std::ifstream f(std::string(EMBER_SOURCE_DIR) + "/tests/nn_conv/golden/conv.json");
    return nlohmann::json::parse(f);
  }();
  return j;
}

inline std::vector<int64_t> ints(const nlohmann::json& j) { return j.get<std::vector<int64_t>>(); }

/// The fixture tensor `name` of record `r` (shape from name + "_shape") in `dtype`.
inline Tensor from_json(const nlohmann::json& r, const std::string& name, ScalarType dtype) {
  return tensor(r[name].get<std::vector<double>>(), TensorOptions().dtype(kDouble))
      .view(ints(r[name + "_shape"]))
      .to(dtype);
}

inline std::vector<double> values(const Tensor& t) {
  Tensor c = t.detach().to(kDouble).contiguous().reshape({-1});
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

/// Expects |t - expected| <= tol (1 + |expected|) elementwise.
inline void expect_close(const Tensor& t, const nlohmann::json& expected, double tol,
                         const std::string& what) {
  ASSERT_TRUE(t.defined()) << what << " is undefined";
  std::vector<double> got = values(t);
  std::vector<double> want = expected.get<std::vector<double>>();
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], tol * (1 + std::abs(want[i]))) << what << " at " << i;
}

/// gradcheck in float64 (throws with the mismatch, so the failure says where).
inline bool check_grads(const std::function<Tensor(const variable_list&)>& fn,
                        const variable_list& inputs) {
  return autograd::gradcheck(fn, inputs, 1e-6, 1e-5, 1e-3);
}
inline bool check_gradgrads(const std::function<Tensor(const variable_list&)>& fn,
                            const variable_list& inputs) {
  return autograd::gradgradcheck(fn, inputs, 1e-6, 1e-5, 1e-3);
}

inline Tensor rand64(std::vector<int64_t> shape) {
  return randn(shape, TensorOptions().dtype(kDouble)).requires_grad_(true);
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

}  // namespace ember::conv_test
