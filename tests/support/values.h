// Test helpers for tensor values: options for gradient tests, a tensor's values as doubles,
// elementwise comparison with tolerances, exact (byte-for-byte) comparison, and tensors built
// from exact values.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "ember/autograd.h"

namespace ember::testing {

/// float32 + requires_grad. (ones({n}) already defaults to kFloat like libtorch, checked in
/// tests/tensor/factories_test.cpp; the dtype is spelled out for clarity.)
inline TensorOptions rg() { return dtype(kFloat).requires_grad(true); }
/// float64.
inline TensorOptions f64() { return TensorOptions().dtype(kDouble); }

/// The values of a tensor as doubles (row-major).
inline std::vector<double> values(const Tensor& t) {
  Tensor c = t.detach().to(kDouble).contiguous().reshape({-1});
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

/// The sizes (strides) of `t` as a vector (for EXPECT_EQ against brace lists).
inline std::vector<int64_t> shape_of(const Tensor& t) { return t.sizes().vec(); }
inline std::vector<int64_t> strides_of(const Tensor& t) { return t.strides().vec(); }

/// Expects equal sizes and |got[i] − want[i]| <= atol + rtol·|want[i]| for every i; failures
/// name `what` and the index.
inline void expect_near_all(const std::vector<double>& got, const std::vector<double>& want,
                            double atol, double rtol, const std::string& what = "") {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], atol + rtol * std::abs(want[i])) << what << " at " << i;
}

/// Expects `t` to hold `expected` (within `tol`).
inline void expect_values(const Tensor& t, const std::vector<double>& expected, double tol = 1e-5) {
  ASSERT_TRUE(t.defined()) << "tensor is undefined";
  expect_near_all(values(t), expected, tol, 0);
}

/// A contiguous tensor holding exactly `values` (no detour through double).
template <class T>
Tensor from_values(const std::vector<T>& values, std::vector<int64_t> shape) {
  Tensor t = empty(shape, TensorOptions().dtype(CppTypeToScalarType<T>::value));
  EXPECT_EQ(static_cast<size_t>(t.numel()), values.size());
  auto* out = static_cast<T*>(t.data_ptr());
  for (size_t i = 0; i < values.size(); ++i) out[i] = values[i];  // std::vector<bool> has no data()
  return t;
}

/// Same dtype, same shape, same bytes (so NaNs and -0.0 compare exactly).
inline ::testing::AssertionResult same_tensor(const Tensor& a, const Tensor& b) {
  if (!a.defined() || !b.defined()) return ::testing::AssertionFailure() << "undefined tensor";
  if (a.scalar_type() != b.scalar_type()) {
    return ::testing::AssertionFailure()
           << "dtype " << a.scalar_type() << " vs " << b.scalar_type();
  }
  if (!a.sizes().equals(b.sizes())) {
    return ::testing::AssertionFailure() << "shape " << a.sizes() << " vs " << b.sizes();
  }
  Tensor ca = a.detach().contiguous(), cb = b.detach().contiguous();
  if (ca.nbytes() > 0 && std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.nbytes()) != 0) {
    return ::testing::AssertionFailure() << "data differs";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace ember::testing
