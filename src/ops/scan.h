// The product of the others along a dim, zeros included (prod's zero-safe backward), built from a
// differentiable linear-recurrence scan (ops/scan.cpp).
#pragma once

#include "ember/tensor/tensor.h"

namespace ember::ops {

/// ∏_{j≠k} x[j] along dim for each k (PyTorch's prod_safe_zeros_backward without the grad
/// factor): exclusive products from both ends, differentiable to any order.
Tensor prod_others(const Tensor& x, int64_t dim);

}  // namespace ember::ops
