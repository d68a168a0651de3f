// The sum of a small contiguous buffer in a wider accumulator, on the calling thread: the tiny
// tensor fast path of sum() (larger sums go through reduce.h).
#pragma once

#include <cstdint>

namespace ember::kernels {

/// Σ p[i] accumulated in Acc (lanes summed separately, then combined), rounded to T.
template <class Acc, class T>
T sum_contiguous(const T* p, int64_t n) {
  Acc acc = 0;
#pragma omp simd reduction(+ : acc)
  for (int64_t i = 0; i < n; ++i) acc += p[i];
  return static_cast<T>(acc);
}

}  // namespace ember::kernels
