// Shared helpers for the autograd tests.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ember/ember.h"

namespace ember::testing {

/// float32 + requires_grad. (ones({n}) already defaults to kFloat like libtorch, checked in
/// tests/tensor/factories_test.cpp; the dtype is spelled out for clarity.)
inline TensorOptions rg() { return dtype(kFloat).requires_grad(true); }

/// The values of a tensor as doubles (row-major).
inline std::vector<double> values(const Tensor& t) {
  Tensor c = t.detach().to(kDouble).contiguous().reshape({-1});
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

/// Expects `t` to hold `expected` (within `tol`).
inline void expect_values(const Tensor& t, const std::vector<double>& expected, double tol = 1e-5) {
  ASSERT_TRUE(t.defined()) << "tensor is undefined";
  std::vector<double> got = values(t);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], tol) << "at " << i;
}

/// The message of the ember::Error that `f` throws ("" when it throws nothing).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace ember::testing
