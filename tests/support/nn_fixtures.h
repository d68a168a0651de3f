// The nn_norm and nn_conv suites' view of tests/support: their tests live in namespaces
// norm_test and conv_test and call these names unqualified. Each suite reads its own PyTorch
// fixture and keeps its tolerance convention: norm compares within atol + rtol·|expected|,
// conv within tol·(1 + |expected|).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ember/autograd.h"
#include "ember/autograd/gradcheck.h"
#include "ember/nn.h"
#include "support/support.h"

namespace ember::norm_test {

namespace F = ::ember::nn::functional;
using testing::error_of;
using testing::f64;
using ::testing::HasSubstr;
using testing::values;

inline const nlohmann::json& golden() { return testing::golden_file("nn_norm/golden/norm.json"); }

inline std::vector<int64_t> shape_of(const nlohmann::json& j) { return testing::json_ints(j); }

/// A tensor of `shape` and `dtype` holding the fixture's values.
inline Tensor from_json(const nlohmann::json& values, std::vector<int64_t> shape,
                        ScalarType dtype = kFloat) {
  return testing::tensor_from_json(values, std::move(shape), dtype);
}

/// Expects |t - expected| <= atol + rtol |expected| elementwise.
inline void expect_close(const Tensor& t, const nlohmann::json& expected, double atol = 1e-5,
                         double rtol = 1e-5) {
  ASSERT_TRUE(t.defined()) << "tensor is undefined";
  testing::expect_near_all(values(t), expected.get<std::vector<double>>(), atol, rtol);
}

inline void expect_close(const Tensor& a, const Tensor& b, double atol = 1e-10,
                         double rtol = 1e-10) {
  ASSERT_TRUE(a.defined() && b.defined());
  ASSERT_EQ(a.sizes(), b.sizes());
  testing::expect_near_all(values(a), values(b), atol, rtol);
}

}  // namespace ember::norm_test

namespace ember::conv_test {

namespace F = ::ember::nn::functional;
using autograd::variable_list;
using testing::error_of;
using ::testing::HasSubstr;
using testing::values;

inline const nlohmann::json& golden() { return testing::golden_file("nn_conv/golden/conv.json"); }

inline std::vector<int64_t> ints(const nlohmann::json& j) { return testing::json_ints(j); }

/// The fixture tensor `name` of record `r` (shape from name + "_shape") in `dtype`.
inline Tensor from_json(const nlohmann::json& r, const std::string& name, ScalarType dtype) {
  return testing::tensor_from_json(r[name], ints(r[name + "_shape"]), dtype);
}

/// Expects |t - expected| <= tol (1 + |expected|) elementwise.
inline void expect_close(const Tensor& t, const nlohmann::json& expected, double tol,
                         const std::string& what) {
  ASSERT_TRUE(t.defined()) << what << " is undefined";
  testing::expect_near_all(values(t), expected.get<std::vector<double>>(), tol, tol, what);
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

}  // namespace ember::conv_test
