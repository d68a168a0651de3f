// Checks on raw int64 index arrays (embedding lookups, class targets). No Tensor, no autograd.
#pragma once

#include <cstdint>

namespace ember::kernels {

/// Position of the first idx[i] outside [0, num), or -1 when all are inside.
inline int64_t first_out_of_range(const int64_t* idx, int64_t n, int64_t num) {
  for (int64_t i = 0; i < n; ++i)
    if (idx[i] < 0 || idx[i] >= num) return i;
  return -1;
}

}  // namespace ember::kernels
