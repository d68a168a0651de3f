// What every update rule shares: running a raw-pointer loop over a parameter's memory as float
// or double, and creating state buffers shaped like the parameter.
#pragma once

#include <algorithm>
#include <cmath>
#include <type_traits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/// Update loops run over chunks of this many elements, with a stack buffer for the square roots.
constexpr int64_t kChunk = 256;
/// Parameters with at least this many elements are updated by all threads (chunks split
/// statically, so results do not depend on the thread count: each element's update is its own).
constexpr int64_t kParallelElements = 1 << 16;

/// Calls body(begin, len) for consecutive chunks of [0, n), all threads sharing large n.
/// (Small parameters stay on this thread: even a serial OpenMP region costs a per-sample step.)
template <class F>
void for_chunks(int64_t n, F&& body) {
  if (n >= kParallelElements) {
#pragma omp parallel for schedule(static)
    for (int64_t begin = 0; begin < n; begin += kChunk) body(begin, std::min(kChunk, n - begin));
  } else {
    for (int64_t begin = 0; begin < n; begin += kChunk) body(begin, std::min(kChunk, n - begin));
  }
}

/// x[i] = √x[i]. A loop calling std::sqrt stays scalar under GCC's default -fmath-errno (it keeps
/// a library call for negative inputs, to set errno), which makes Adam's loop 4x slower; the
/// SSE2 instructions give the same correctly rounded results four (two) at a time.
template <class T>
void sqrt_in_place(T* x, int64_t n) {
  int64_t i = 0;
#if defined(__SSE2__)
  if constexpr (std::is_same_v<T, float>) {
    for (; i + 4 <= n; i += 4) _mm_storeu_ps(x + i, _mm_sqrt_ps(_mm_loadu_ps(x + i)));
  } else {
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(x + i, _mm_sqrt_pd(_mm_loadu_pd(x + i)));
  }
#endif
  for (; i < n; ++i) x[i] = std::sqrt(x[i]);
}

/// Calls `f(std::bool_constant<a>{}, std::bool_constant<b>{})`: runtime options become
/// compile-time ones, so each combination gets a loop without branches, which vectorises.
template <class F>
void with_flags(bool a, bool b, F&& f) {
  if (a) {
    if (b)
      f(std::true_type{}, std::true_type{});
    else
      f(std::true_type{}, std::false_type{});
  } else {
    if (b)
      f(std::false_type{}, std::true_type{});
    else
      f(std::false_type{}, std::false_type{});
  }
}

}  // namespace ember::optim::detail
