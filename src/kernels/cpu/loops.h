// The elementwise driver: the only code that knows about strides and broadcasting. It coalesces
// dimensions, then calls an inner 1-D loop over runs of elements; the inner loops have
// contiguous and scalar-broadcast fast paths plain enough for the compiler to vectorize.
// parallel_for splits the work only above kGrain elements.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

#include "ember/core/array_ref.h"
#include "kernels/cpu/parallel.h"

namespace ember::kernels {

/// N operands (output first) over one shape; strides in bytes, 0 where an operand broadcasts.
template <int N>
struct Loop {
  DimVector shape;
  std::array<DimVector, N> strides;
  std::array<char*, N> data;
};

/// Builds a loop, coalescing dims that are contiguous for every operand and dropping size-1 dims.
template <int N>
Loop<N> make_loop(IntArrayRef shape, const std::array<char*, N>& data,
                  const std::array<DimVector, N>& byte_strides) {
  Loop<N> L;
  L.data = data;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = !L.shape.empty();
    if (merge) {
      for (int k = 0; k < N; ++k)
        if (L.strides[k].back() != byte_strides[k][d] * shape[d]) merge = false;
    }
    if (merge) {
      L.shape.back() *= shape[d];
      for (int k = 0; k < N; ++k) L.strides[k].back() = byte_strides[k][d];
    } else {
      L.shape.push_back(shape[d]);
      for (int k = 0; k < N; ++k) L.strides[k].push_back(byte_strides[k][d]);
    }
  }
  return L;
}

/// Runs inner(ptrs, strides, n) over rows [r0, r1) of the loop (a row = the innermost dim).
template <int N, class Inner>
void run_rows(const Loop<N>& L, int64_t r0, int64_t r1, int64_t c0, int64_t c1, Inner& inner) {
  const int64_t nd = static_cast<int64_t>(L.shape.size());
  std::array<int64_t, N> inner_strides;
  for (int k = 0; k < N; ++k) inner_strides[k] = nd ? L.strides[k][nd - 1] : 0;
  if (nd <= 1) {
    std::array<char*, N> p;
    for (int k = 0; k < N; ++k) p[k] = L.data[k] + c0 * inner_strides[k];
    inner(p, inner_strides, c1 - c0);
    return;
  }
  // Decompose r0 into an index over the outer dims.
  DimVector idx(nd - 1, 0);
  int64_t r = r0;
  for (int64_t d = nd - 2; d >= 0; --d) {
    idx[d] = r % L.shape[d];
    r /= L.shape[d];
  }
  std::array<char*, N> p;
  for (int k = 0; k < N; ++k) {
    p[k] = L.data[k];
    for (int64_t d = 0; d < nd - 1; ++d) p[k] += idx[d] * L.strides[k][d];
  }
  for (int64_t row = r0; row < r1; ++row) {
    std::array<char*, N> q;
    for (int k = 0; k < N; ++k) q[k] = p[k] + c0 * inner_strides[k];
    inner(q, inner_strides, c1 - c0);
    for (int64_t d = nd - 2; d >= 0; --d) {  // odometer increment
      for (int k = 0; k < N; ++k) p[k] += L.strides[k][d];
      if (++idx[d] < L.shape[d]) break;
      for (int k = 0; k < N; ++k) p[k] -= L.strides[k][d] * L.shape[d];
      idx[d] = 0;
    }
  }
}

template <int N, class Inner>
void run(const Loop<N>& L, Inner inner, int64_t grain = kGrain) {
  const int64_t nd = static_cast<int64_t>(L.shape.size());
  const int64_t cols = nd ? L.shape[nd - 1] : 1;
  int64_t rows = 1;
  for (int64_t d = 0; d + 1 < nd; ++d) rows *= L.shape[d];
  const int64_t total = rows * cols;
  if (total == 0) return;
  // Split rows when there are enough of them, else columns of the (few, long) rows.
  if (rows >= num_threads()) {
    parallel_for(0, rows, std::max<int64_t>(1, grain / cols),
                 [&](int64_t r0, int64_t r1) { run_rows<N>(L, r0, r1, 0, cols, inner); });
  } else {
    parallel_for(0, cols, std::max<int64_t>(1, grain / rows),
                 [&](int64_t c0, int64_t c1) { run_rows<N>(L, 0, rows, c0, c1, inner); });
  }
}

// ---- inner loops --------------------------------------------------------------------------
/// out[i] = f(a[i]) with byte strides; contiguous fast path.
template <class R, class A, class F>
struct UnaryInner {
  F f;
  void operator()(const std::array<char*, 2>& p, const std::array<int64_t, 2>& s, int64_t n) {
    R* out = reinterpret_cast<R*>(p[0]);
    const A* a = reinterpret_cast<const A*>(p[1]);
    if (s[0] == sizeof(R) && s[1] == sizeof(A)) {
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) out[i] = f(a[i]);
    } else if (s[0] == sizeof(R) && s[1] == 0) {
      const R v = f(a[0]);
      for (int64_t i = 0; i < n; ++i) out[i] = v;
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<R*>(p[0] + i * s[0]) = f(*reinterpret_cast<const A*>(p[1] + i * s[1]));
    }
  }
};

/// out[i] = f(a[i], b[i]); fast paths for contiguous and for either side broadcast.
template <class R, class A, class B, class F>
struct BinaryInner {
  F f;
  void operator()(const std::array<char*, 3>& p, const std::array<int64_t, 3>& s, int64_t n) {
    R* out = reinterpret_cast<R*>(p[0]);
    const A* a = reinterpret_cast<const A*>(p[1]);
    const B* b = reinterpret_cast<const B*>(p[2]);
    if (s[0] == sizeof(R) && s[1] == sizeof(A) && s[2] == sizeof(B)) {
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
    } else if (s[0] == sizeof(R) && s[1] == sizeof(A) && s[2] == 0) {
      const B bv = b[0];
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], bv);
    } else if (s[0] == sizeof(R) && s[1] == 0 && s[2] == sizeof(B)) {
      const A av = a[0];
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) out[i] = f(av, b[i]);
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<R*>(p[0] + i * s[0]) = f(*reinterpret_cast<const A*>(p[1] + i * s[1]),
                                                   *reinterpret_cast<const B*>(p[2] + i * s[2]));
    }
  }
};

template <class R, class A, class B, class C, class F>
struct TernaryInner {
  F f;
  void operator()(const std::array<char*, 4>& p, const std::array<int64_t, 4>& s, int64_t n) {
    if (s[0] == sizeof(R) && s[1] == sizeof(A) && s[2] == sizeof(B) && s[3] == sizeof(C)) {
      R* out = reinterpret_cast<R*>(p[0]);
      const A* a = reinterpret_cast<const A*>(p[1]);
      const B* b = reinterpret_cast<const B*>(p[2]);
      const C* c = reinterpret_cast<const C*>(p[3]);
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i], c[i]);
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<R*>(p[0] + i * s[0]) = f(*reinterpret_cast<const A*>(p[1] + i * s[1]),
                                                   *reinterpret_cast<const B*>(p[2] + i * s[2]),
                                                   *reinterpret_cast<const C*>(p[3] + i * s[3]));
    }
  }
};

}  // namespace ember::kernels
