// What every optimizer's step shares around its update kernel (kernels/cpu/optim.h): running it
// over a parameter's memory as float or double, and creating state buffers shaped like the
// parameter.
#pragma once

#include "ember/core/error.h"
#include "ember/tensor/factories.h"
#include "ember/tensor/tensor.h"

namespace ember::optim::detail {

/// Zeros (or `value`) with p's shape and dtype, contiguous: a fresh state buffer.
inline Tensor buffer_like(const Tensor& p, double value = 0) {
  return value == 0 ? zeros(p.sizes(), p.options()) : full(p.sizes(), value, p.options());
}

/// Calls `update(param_data, grad_data)` with `float*`/`double*` pointers to p's and its
/// gradient's memory, then bumps p's version counter as an in-place op does (so autograd
/// notices if p was saved for a backward that has not run yet). Strided tensors go through
/// contiguous copies. The caller holds a NoGradGuard.
template <class F>
void update_in_place(Tensor& p, const Tensor& grad, const char* optimizer, F&& update) {
  EMBER_CHECK(grad.sizes() == p.sizes() && grad.scalar_type() == p.scalar_type(), optimizer,
              ": gradient of shape ", grad.sizes(), " and dtype ", grad.scalar_type(),
              " does not match its parameter (", p.sizes(), ", ", p.scalar_type(), ")");
  const Tensor g = grad.is_contiguous() ? grad : grad.contiguous();
  Tensor w = p.is_contiguous() ? p : p.contiguous();
  switch (p.scalar_type()) {
    case kFloat:
      update(w.data_ptr<float>(), g.data_ptr<float>());
      break;
    case kDouble:
      update(w.data_ptr<double>(), g.data_ptr<double>());
      break;
    default:
      EMBER_ERROR(optimizer, ": cannot update a parameter of dtype ", p.scalar_type());
  }
  if (w.is_same(p)) {
    p.impl()->storage()->bump_version();
  } else {
    p.copy_(w);
  }
}

/// The same state buffer as T* (state buffers are created contiguous with p's dtype).
template <class T>
T* data(const Tensor& buffer) {
  return buffer.defined() ? buffer.data_ptr<T>() : nullptr;
}

}  // namespace ember::optim::detail
