// Embedding kernels (see embedding.h). The gather splits lookups across threads; the
// scatter-add splits the rows of dw, each chunk scanning every lookup and keeping those that land
// in its rows, so every row sums its contributions in the serial order (no atomics, results
// independent of the thread count).
#include "kernels/cpu/embedding.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/cpu/parallel.h"

namespace ember::kernels {

void embedding_gather(void* out, const void* w, const int64_t* idx, int64_t n, int64_t row_bytes) {
  char* dst = static_cast<char*>(out);
  const char* src = static_cast<const char*>(w);
  // Cost in elementary operations: about one per 4 bytes copied.
  parallel_for(0, n, grain_for(row_bytes / 4), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      std::memcpy(dst + i * row_bytes, src + idx[i] * row_bytes, row_bytes);
  });
}

template <class T>
void embedding_grad_scale(T* scale, const int64_t* idx, int64_t n, int64_t num, int64_t padding_idx,
                          bool by_freq) {
  std::vector<int64_t> counts;
  if (by_freq) {
    counts.assign(num, 0);
    for (int64_t i = 0; i < n; ++i) ++counts[idx[i]];
  }
  for (int64_t i = 0; i < n; ++i) {
    if (idx[i] == padding_idx)
      scale[i] = T(0);
    else
      scale[i] = by_freq ? static_cast<T>(1.0 / static_cast<double>(counts[idx[i]])) : T(1);
  }
}

template <class T>
void embedding_scatter_add(T* dw, const T* g, const int64_t* idx, const T* scale, int64_t n,
                           int64_t num, int64_t d, int64_t padding_idx) {
  // A chunk of rows costs its share of the adds plus one scan of the n indices.
  const int64_t per_row = std::max<int64_t>(1, n * d / std::max<int64_t>(num, 1));
  parallel_for(0, num, grain_for(per_row), [&](int64_t r0, int64_t r1) {
    for (int64_t i = 0; i < n; ++i) {
      const int64_t r = idx[i];
      if (r < r0 || r >= r1 || r == padding_idx) continue;
      T* dst = dw + r * d;
      const T* src = g + i * d;
      const T s = scale ? scale[i] : T(1);
#pragma omp simd
      for (int64_t k = 0; k < d; ++k) dst[k] += src[k] * s;
    }
  });
}

template <class T>
void embedding_renorm(T* w, const int64_t* rows, int64_t nrows, int64_t d, double max_norm,
                      double norm_type) {
  parallel_for(0, nrows, grain_for(2 * d), [&](int64_t begin, int64_t end) {
    for (int64_t j = begin; j < end; ++j) {
      T* row = w + rows[j] * d;
      double norm = 0;
      if (norm_type == 1) {
        for (int64_t k = 0; k < d; ++k) norm += std::abs(static_cast<double>(row[k]));
      } else if (norm_type == 2) {
        for (int64_t k = 0; k < d; ++k) norm += static_cast<double>(row[k]) * row[k];
        norm = std::sqrt(norm);
      } else if (std::isinf(norm_type)) {
        for (int64_t k = 0; k < d; ++k)
          norm = std::max(norm, std::abs(static_cast<double>(row[k])));
      } else {
        for (int64_t k = 0; k < d; ++k)
          norm += std::pow(std::abs(static_cast<double>(row[k])), norm_type);
        norm = std::pow(norm, 1.0 / norm_type);
      }
      if (norm > max_norm) {
        const T s = static_cast<T>(max_norm / (norm + 1e-7));
        for (int64_t k = 0; k < d; ++k) row[k] *= s;
      }
    }
  });
}

#define EMBER_EMBEDDING(T)                                                                         \
  template void embedding_grad_scale<T>(T*, const int64_t*, int64_t, int64_t, int64_t, bool);      \
  template void embedding_scatter_add<T>(T*, const T*, const int64_t*, const T*, int64_t, int64_t, \
                                         int64_t, int64_t);                                        \
  template void embedding_renorm<T>(T*, const int64_t*, int64_t, int64_t, double, double);
EMBER_EMBEDDING(float)
EMBER_EMBEDDING(double)
#undef EMBER_EMBEDDING

}  // namespace ember::kernels
