// In-place ops, one path: apply_inplace. Without graph recording an in-place op writes straight
// into `self`. When a graph is being recorded it applies the out-of-place op to self's old value
// (a copy of self that carries self's history, so that whatever the op saves is not overwritten
// and the op's input 0 is self's old value), copies the result into self's storage (bumping the
// version, so stale saved tensors are detected) and relinks self's history onto the op's node
// (autograd::rebase_history: when self is a view, its base gets a CopySlices node, see
// src/autograd/views.cpp). copy_, fill_ and zero_ take the same path with ops of their own.
#pragma once

#include "ops/iter.h"

namespace ember::ops {

/// Throws for in-place ops autograd cannot record: on a leaf that requires grad, or on a view
/// of one.
void check_inplace_allowed(const Tensor& self, const char* op);
/// A copy of `self`'s values that carries self's autograd history: an out-of-place op applied
/// to it records self's old value as its input 0.
Tensor inplace_input(const Tensor& self);
/// Copies `result`'s values into `self` (bumping its version) and moves `result`'s history, if
/// any, onto `self` (autograd::rebase_history).
void copy_result_into(Tensor& self, const Tensor& result);

/// What the out-of-place op does with self's old value.
enum class OldValue {
  kRead,    // reads (and may save) it: it gets a copy of self carrying self's history
  kUnread,  // only its shape, dtype and history (an overwrite): it gets self itself
};

/// Runs an in-place op: `direct()` when no graph is recorded, else `out_of_place(old value)`
/// recorded by autograd, whose result is written into `self`.
template <OldValue Old = OldValue::kRead, class OutOfPlace, class Direct>
Tensor& apply_inplace(Tensor& self, bool others_require_grad, const char* op,
                      OutOfPlace out_of_place, Direct direct) {
  if (GradMode::is_enabled() && (self.requires_grad() || others_require_grad)) {
    check_inplace_allowed(self, op);
    Tensor result = out_of_place(Old == OldValue::kRead ? inplace_input(self) : self);
    check_inplace_cast(result.scalar_type(), self, op);
    copy_result_into(self, result);
  } else {
    direct();
  }
  return self;
}

/// `src` broadcast into old's shape and dtype, recorded as copy_'s node (CopyBackwards).
Tensor copied_from(const Tensor& old, const Tensor& src);
/// A tensor of old's shape and dtype filled with `value`, recorded as fill_'s node
/// (FillBackward2, or ZeroBackward0 for zero_).
Tensor filled_like(const Tensor& old, const Scalar& value, bool zero);

}  // namespace ember::ops
