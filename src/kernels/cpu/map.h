// Contiguous elementwise loops for small tensors: out[i] = f(a[i]) and out[i] = f(a[i], b[i]),
// either operand possibly one broadcast value. They run on the calling thread (ops use them
// below one parallel grain, where loops.h's strided driver would cost more than the loop);
// larger work goes through loops.h, which splits it. Plain enough for the compiler to vectorise.
#pragma once

#include <cstdint>

namespace ember::kernels {

/// out[i] = f(a[i]).
template <class R, class A, class F>
void map_contiguous(R* out, const A* a, int64_t n, F f) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) out[i] = f(a[i]);
}

/// out[i] = f(a[i], b[i]).
template <class R, class A, class B, class F>
void map2_contiguous(R* out, const A* a, const B* b, int64_t n, F f) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
}

/// out[i] = f(a[i], b): the second operand is one value.
template <class R, class A, class B, class F>
void map2_contiguous_scalar_b(R* out, const A* a, B b, int64_t n, F f) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], b);
}

/// out[i] = f(a, b[i]): the first operand is one value.
template <class R, class A, class B, class F>
void map2_contiguous_scalar_a(R* out, A a, const B* b, int64_t n, F f) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) out[i] = f(a, b[i]);
}

}  // namespace ember::kernels
