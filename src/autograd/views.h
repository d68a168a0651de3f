// Library-internal helpers for in-place ops under autograd (defined in views.cpp, used by
// src/ops/inplace.h and the in-place Tensor methods).
#pragma once

#include "ember/autograd/node.h"

namespace ember::autograd::detail {

/// Throws for in-place ops autograd cannot record: on a leaf that requires grad, or on a view
/// of one.
void check_inplace(const Tensor& self, const char* op);
/// A copy of `self`'s values that carries self's autograd history: an out-of-place op applied
/// to it records self's old value as its input 0.
Tensor inplace_input(const Tensor& self);
/// copy_ while grad mode is on and self or src requires grad (torch::autograd::CopyBackwards).
Tensor& copy_under_autograd(Tensor& self, const Tensor& src);
/// fill_/zero_ of a tensor that requires grad while grad mode is on.
Tensor& fill_under_autograd(Tensor& self, const Scalar& value, bool zero);

}  // namespace ember::autograd::detail
