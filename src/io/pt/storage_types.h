// PyTorch's storage classes (torch.FloatStorage, ...) and the dtypes they hold; which globals
// PyTorch's weights_only unpickler allows beyond the ones ember implements (for error messages).
#pragma once

#include <cstdint>
#include <string_view>

#include "ember/core/scalar_type.h"

namespace ember::pt::pickle {

struct StorageType {
  const char* name;        ///< "FloatStorage"
  const char* dtype_name;  ///< PyTorch's dtype name, "float32"
  bool supported;          ///< ember has the dtype
  ScalarType dtype;        ///< meaningful when supported
};

/// The row of storage class `name` ("FloatStorage"), or -1.
int64_t storage_row(std::string_view name);
const StorageType& storage_type(int64_t row);
/// The storage class of an ember dtype.
const StorageType& storage_type_of(ScalarType t);

/// Whether PyTorch's weights_only unpickler accepts global `module`.`name` (it is then one ember
/// does not implement: sparse and quantized rebuilds, dtype objects, tensor classes, ...).
bool allowed_by_pytorch_only(std::string_view module, std::string_view name);

}  // namespace ember::pt::pickle
