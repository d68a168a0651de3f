// Test helpers for the PyTorch-written fixtures (tests/<folder>/golden/*.json): loading one once,
// and tensors, shapes and dtypes from its JSON.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ember/autograd.h"

namespace ember::testing {

/// tests/<path> (e.g. "nn_norm/golden/norm.json"), parsed on first use and kept.
inline const nlohmann::json& golden_file(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, nlohmann::json> files;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = files.find(path);
  if (it == files.end()) {
    std::ifstream f(std::string(EMBER_SOURCE_DIR) + "/tests/" + path);
    EXPECT_TRUE(f.good()) << "missing tests/" << path;
    it = files.emplace(path, nlohmann::json::parse(f)).first;
  }
  return it->second;
}

/// A JSON list of integers (a shape).
inline std::vector<int64_t> json_ints(const nlohmann::json& j) {
  return j.get<std::vector<int64_t>>();
}

/// A flat JSON list of numbers as a tensor of `shape` and `dtype` (through float64, as the
/// fixtures store them).
inline Tensor tensor_from_json(const nlohmann::json& values, std::vector<int64_t> shape,
                               ScalarType dtype) {
  return tensor(values.get<std::vector<double>>(), TensorOptions().dtype(kDouble))
      .view(shape)
      .to(dtype);
}

/// A nested JSON list of numbers as a tensor of its nesting's shape.
inline Tensor tensor_from_nested_json(const nlohmann::json& j, ScalarType dtype) {
  std::vector<int64_t> shape;
  for (const nlohmann::json* p = &j; p->is_array(); p = &(*p)[0])
    shape.push_back(static_cast<int64_t>(p->size()));
  std::vector<double> values;
  auto walk = [&](auto&& self, const nlohmann::json& x) -> void {
    if (x.is_array()) {
      for (const auto& e : x) self(self, e);
    } else {
      values.push_back(x.get<double>());
    }
  };
  walk(walk, j);
  return from_blob(values.data(), shape, kDouble).clone().to(dtype);
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

}  // namespace ember::testing
