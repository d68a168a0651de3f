// Shared helpers for the tensor-core tests: the PyTorch fixture (golden/tensor.json, written by
// golden/gen_tensor.py) and small conversions.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "autograd/test_util.h"
#include "ember/ember.h"

namespace ember::testing {

/// tests/tensor/golden/tensor.json, parsed once.
inline const nlohmann::json& golden() {
  static const nlohmann::json j = [] {
    std::ifstream f(std::string(EMBER_SOURCE_DIR) + "/tests/tensor/golden/tensor.json");
    EXPECT_TRUE(f.good()) << "missing tests/tensor/golden/tensor.json";
    return nlohmann::json::parse(f);
  }();
  return j;
}

/// The dtype PyTorch names `name` ("Float", "Long", ...).
inline ScalarType dtype_named(const std::string& name) {
  for (int i = 0; i < kNumScalarTypes; ++i) {
    auto t = static_cast<ScalarType>(i);
    if (name == to_string(t)) return t;
  }
  ADD_FAILURE() << "unknown dtype " << name;
  return kFloat;
}

/// The sizes of `t` as a vector (for EXPECT_EQ against brace lists).
inline std::vector<int64_t> shape_of(const Tensor& t) { return t.sizes().vec(); }
inline std::vector<int64_t> strides_of(const Tensor& t) { return t.strides().vec(); }

}  // namespace ember::testing
