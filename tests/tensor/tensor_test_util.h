// The tensor-core tests' PyTorch fixture (golden/tensor.json, written by golden/gen_tensor.py), on
// the shared helpers of tests/support.
#pragma once

#include <nlohmann/json.hpp>

#include "support/support.h"

namespace ember::testing {

/// tests/tensor/golden/tensor.json, parsed once.
inline const nlohmann::json& golden() { return golden_file("tensor/golden/tensor.json"); }

}  // namespace ember::testing
