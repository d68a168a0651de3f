// Tensor-level helpers shared by the op families: broadcasting, type promotion, and running the
// elementwise kernels of kernels/cpu/loops.h (and, below one grain, kernels/cpu/map.h) on tensors.
#pragma once

#include <cmath>

#include "autograd/apply.h"
#include "ember/ops.h"
#include "kernels/cpu/loops.h"
#include "kernels/cpu/map.h"

namespace ember::ops {

using autograd::apply;
using autograd::Node;
using autograd::SavedOutput;
using autograd::SavedTensor;
using autograd::variable_list;

/// Broadcast shape of a and b; throws naming `op` and both shapes.
DimVector broadcast_shape(IntArrayRef a, IntArrayRef b, const char* op);
/// Byte strides of `t` viewed at `shape` (0 on broadcast dims).
DimVector broadcast_byte_strides(const Tensor& t, IntArrayRef shape);
DimVector byte_strides(const Tensor& t);
/// PyTorch's result_type for two tensors (0-dim tensors act like numbers of their category).
ScalarType result_type(const Tensor& a, const Tensor& b);
/// result_type for a tensor and a Python-style number.
ScalarType result_type(const Tensor& a, const Scalar& s);
/// Converts (never copies when the dtype already matches).
inline Tensor as_type(const Tensor& t, ScalarType s) { return t.scalar_type() == s ? t : t.to(s); }
/// Allocates an output (errors name `op`).
Tensor new_empty(IntArrayRef shape, ScalarType t, const char* op = "empty");
/// For in-place ops: throws if the result type cannot be stored in `self`'s dtype.
void check_inplace_cast(ScalarType result, const Tensor& self, const char* op);
/// Sum `g` to `shape` and cast it to `dtype` (the gradient of a broadcast input).
Tensor reduce_grad(const Tensor& g, IntArrayRef shape, ScalarType dtype);

/// out = f(a) elementwise, out already allocated with a's shape (or broadcastable).
template <class R, class A, class F>
void unary_kernel(const Tensor& out, const Tensor& a, F f) {
  const int64_t n = out.numel();
  R* o = static_cast<R*>(out.data_ptr());
  const A* x = static_cast<const A*>(a.data_ptr());
  if (out.is_contiguous() && a.is_contiguous() && a.numel() == n && n < kernels::kGrain) {
    kernels::map_contiguous(o, x, n, f);
    return;
  }
  auto L = kernels::make_loop<2>(out.sizes(), {reinterpret_cast<char*>(o), (char*)x},
                                 {byte_strides(out), broadcast_byte_strides(a, out.sizes())});
  kernels::run(L, kernels::UnaryInner<R, A, F>{f});
}

/// out = f(a, b) elementwise with broadcasting; out has the broadcast shape.
template <class R, class A, class B, class F>
void binary_kernel(const Tensor& out, const Tensor& a, const Tensor& b, F f) {
  const int64_t n = out.numel();
  R* o = static_cast<R*>(out.data_ptr());
  const A* x = static_cast<const A*>(a.data_ptr());
  const B* y = static_cast<const B*>(b.data_ptr());
  if (out.is_contiguous() && a.is_contiguous() && b.is_contiguous() && n < kernels::kGrain) {
    if (a.numel() == n && b.numel() == n) return kernels::map2_contiguous(o, x, y, n, f);
    if (a.numel() == n && b.numel() == 1)
      return kernels::map2_contiguous_scalar_b(o, x, y[0], n, f);
    if (a.numel() == 1 && b.numel() == n)
      return kernels::map2_contiguous_scalar_a(o, x[0], y, n, f);
  }
  auto L = kernels::make_loop<3>(out.sizes(), {reinterpret_cast<char*>(o), (char*)x, (char*)y},
                                 {byte_strides(out), broadcast_byte_strides(a, out.sizes()),
                                  broadcast_byte_strides(b, out.sizes())});
  kernels::run(L, kernels::BinaryInner<R, A, B, F>{f});
}

template <class R, class A, class B, class C, class F>
void ternary_kernel(const Tensor& out, const Tensor& a, const Tensor& b, const Tensor& c, F f) {
  auto L = kernels::make_loop<4>(
      out.sizes(),
      {(char*)out.data_ptr(), (char*)a.data_ptr(), (char*)b.data_ptr(), (char*)c.data_ptr()},
      {byte_strides(out), broadcast_byte_strides(a, out.sizes()),
       broadcast_byte_strides(b, out.sizes()), broadcast_byte_strides(c, out.sizes())});
  kernels::run(L, kernels::TernaryInner<R, A, B, C, F>{f});
}

/// Computes f over x in x's dtype (all types); result has x's dtype.
template <class F>
Tensor map_same(const Tensor& x, const char* name, F f) {
  Tensor out = new_empty(x.sizes(), x.scalar_type());
  EMBER_DISPATCH_ALL(x.scalar_type(), name, [&] { unary_kernel<scalar_t, scalar_t>(out, x, f); });
  return out;
}

/// Computes f over x in x's dtype for numeric (non-bool) dtypes; bool is read as uint8.
template <class F>
Tensor map_numeric(const Tensor& in, const char* name, F f) {
  const Tensor x = in.scalar_type() == kBool ? in.to(kByte) : in;
  Tensor out = new_empty(x.sizes(), x.scalar_type());
  EMBER_DISPATCH_NUMERIC(x.scalar_type(), name,
                         [&] { unary_kernel<scalar_t, scalar_t>(out, x, f); });
  return out;
}

/// Computes f over x promoted to floating point (int → default dtype), as torch.exp etc.
template <class F>
Tensor map_float(const Tensor& x, const char* name, F f) {
  Tensor xf = x.is_floating_point() ? x : x.to(get_default_dtype());
  Tensor out = new_empty(xf.sizes(), xf.scalar_type());
  EMBER_DISPATCH_FLOATING(xf.scalar_type(), name,
                          [&] { unary_kernel<scalar_t, scalar_t>(out, xf, f); });
  return out;
}

/// Computes f(a, b) in the promoted dtype with broadcasting. Operands of one dtype and one shape
/// (the common case, and all of a tiny op's cost) skip promotion and broadcasting.
template <class F>
Tensor map2(const Tensor& a, const Tensor& b, const char* name, F f) {
  const ScalarType t = result_type(a, b);
  const bool same = a.scalar_type() == t && b.scalar_type() == t;
  Tensor x = same ? Tensor() : as_type(a, t), y = same ? Tensor() : as_type(b, t);
  const Tensor& u = same ? a : x;
  const Tensor& v = same ? b : y;
  Tensor out = a.sizes() == b.sizes() ? new_empty(a.sizes(), t)
                                      : new_empty(broadcast_shape(a.sizes(), b.sizes(), name), t);
  EMBER_DISPATCH_ALL(t, name, [&] { binary_kernel<scalar_t, scalar_t, scalar_t>(out, u, v, f); });
  return out;
}

/// Comparison-style op: computes pred(a, b) in the promoted dtype, result kBool.
template <class F>
Tensor map2_bool(const Tensor& a, const Tensor& b, const char* name, F f) {
  ScalarType t = result_type(a, b);
  Tensor x = as_type(a, t), y = as_type(b, t);
  Tensor out = new_empty(broadcast_shape(a.sizes(), b.sizes(), name), kBool);
  EMBER_DISPATCH_ALL(t, name, [&] { binary_kernel<bool, scalar_t, scalar_t>(out, x, y, f); });
  return out;
}

/// Writes f(self, other) into self (in place), other broadcast to self's shape.
template <class F>
void map2_inplace(const Tensor& self, const Tensor& other, const char* name, F f) {
  DimVector shape = broadcast_shape(self.sizes(), other.sizes(), name);
  EMBER_CHECK(IntArrayRef(shape) == self.sizes(), name, ": output with shape ", self.sizes(),
              " doesn't match the broadcast shape ", IntArrayRef(shape));
  check_inplace_cast(result_type(self, other), self, name);
  Tensor y = as_type(other, self.scalar_type());
  EMBER_DISPATCH_ALL(self.scalar_type(), name,
                     [&] { binary_kernel<scalar_t, scalar_t, scalar_t>(self, self, y, f); });
  self.impl()->storage()->bump_version();
}

}  // namespace ember::ops
