// In-place ops and autograd. Without graph recording an in-place op writes straight into `self`.
// When a graph is being recorded it applies the out-of-place op to a copy of `self` that carries
// self's history (so whatever the op saves is not overwritten, and the op's input 0 is self's
// old value), copies the result into self's storage (bumping the version, so stale saved
// tensors are detected) and rebases self's history on the op's node. When self is a view, its
// base gets a CopySlices node instead (see src/autograd/views.cpp).
#pragma once

#include "autograd/views.h"
#include "ops/iter.h"

namespace ember::ops {

/// Throws for in-place ops that autograd cannot record (leaves, views of leaves needing grad).
void check_inplace_allowed(const Tensor& self, const char* op);
/// Copies `result`'s values into `self` and moves `result`'s history onto `self`.
void rebase_history(Tensor& self, const Tensor& result);

template <class OutOfPlace, class Direct>
Tensor& inplace(Tensor& self, bool others_require_grad, const char* op, OutOfPlace out_of_place,
                Direct direct) {
  if (GradMode::is_enabled() && (self.requires_grad() || others_require_grad)) {
    check_inplace_allowed(self, op);
    Tensor result = out_of_place(autograd::detail::inplace_input(self));
    check_inplace_cast(result.scalar_type(), self, op);
    rebase_history(self, result);
  } else {
    direct();
  }
  return self;
}

}  // namespace ember::ops
