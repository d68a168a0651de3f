// Values the pt tests build in C++ to match tests/io/golden/gen_pt.py (keep the two in step):
// what the fixtures hold, and what pt_interop.py expects ember's files to hold.
#pragma once

#include <cmath>
#include <limits>

#include "ember/io/pt.h"
#include "ember/tensor/factories.h"
#include "support/support.h"

namespace ember::pt_test {

using testing::from_values;

/// gen_pt.py's dtypes().
inline io::NamedTensors expected_dtypes() {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = INFINITY;
  return {
      {"f32",
       from_values<float>({1.5f, -0.0f, nan, inf, -inf, 3.4028234663852886e38f, 1e-45f}, {7})},
      {"f64", from_values<double>({0.1, -2.5, 1e300, -1e-300}, {2, 2})},
      {"i64",
       from_values<int64_t>(
           {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), 0, -1}, {4})},
      {"i32",
       from_values<int32_t>(
           {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), 7}, {3})},
      {"u8", from_values<uint8_t>({0, 1, 128, 255}, {4})},
      {"bool", from_values<bool>({true, false, false, true}, {2, 2})},
      {"scalar", from_values<double>({2.25}, {})},
      {"empty", from_values<float>({}, {0, 3})},
  };
}

/// gen_pt.py's views(): views of one (3, 4) storage, and a tensor of its own.
inline pt::Value views() {
  Tensor base = arange(12, TensorOptions().dtype(kFloat)).reshape({3, 4});
  return pt::Value::dict({{"base", base},
                          {"row", base.select(0, 1)},
                          {"slice", base.slice(1, 1, std::nullopt, 2)},
                          {"t", base.t()},
                          {"expand", base.slice(0, 2).slice(1, 3).expand({2, 3})},
                          {"own", from_values<int64_t>({5, 6}, {2})}},
                         false);
}

/// gen_pt.py's nested() without "floats" (PyTorch 1.13's weights_only unpickler reads none).
inline pt::Value nested_without_floats() {
  using V = pt::Value;
  V::Items ints;
  for (int64_t i : {int64_t{0}, int64_t{255}, int64_t{256}, int64_t{65535}, int64_t{65536},
                    int64_t{-1}, int64_t{2147483647}, int64_t{-2147483648LL}, int64_t{1} << 40,
                    -(int64_t{1} << 40), std::numeric_limits<int64_t>::max()})
    ints.emplace_back(i);
  return V::dict(
      {{"ints", V::list(ints)},
       {"text", V::list({"", "ascii",
                         "Gr\xc3\xbc\xc3\x9f"
                         "e \xe2\x98\x83"})},
       {"flags", V::tuple({true, false, nullptr})},
       {"by_int", V::dict({{1, "one"}, {2, V::tuple({3, V::tuple({4, V::list({5})})})}}, false)},
       {"param", from_values<float>({1, 2}, {2}).requires_grad_()},
       {"grad", from_values<double>({0.5}, {1, 1}).requires_grad_()}},
      false);
}

}  // namespace ember::pt_test
