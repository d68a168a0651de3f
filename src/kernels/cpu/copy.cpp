// The row gather and channel normalisation of copy.h.
#include "kernels/cpu/copy.h"

#include <algorithm>
#include <cstring>

#include "kernels/cpu/parallel.h"

namespace ember::kernels {

void gather_rows(char* dst, const char* src, const size_t* indices, int64_t count,
                 size_t row_bytes) {
  // One memcpy per row. A copy is bound by memory, not arithmetic: counting one operation per
  // 128 bytes, batches over 4 MiB split across threads (below that, threads did not pay off).
  const auto cost = static_cast<int64_t>(std::max<size_t>(1, row_bytes / 128));
  parallel_for(0, count, grain_for(cost), [=](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r)
      std::memcpy(dst + r * row_bytes, src + indices[r] * row_bytes, row_bytes);
  });
}

void normalize_channels(float* y, const float* x, const float* mean, int64_t mean_n,
                        const float* stddev, int64_t stddev_n, int64_t outer, int64_t channels,
                        int64_t inner) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < channels; ++c) {
      const float mc = mean[mean_n == 1 ? 0 : c], sc = stddev[stddev_n == 1 ? 0 : c];
      const int64_t base = (o * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i) y[base + i] = (x[base + i] - mc) / sc;
    }
}

}  // namespace ember::kernels
