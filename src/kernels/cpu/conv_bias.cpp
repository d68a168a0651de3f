// Convolution bias kernels (see conv_bias.h). Planes (for the add) and channels (for the sum)
// are independent, so both split across threads without changing any result.
#include "kernels/cpu/conv_bias.h"

#include "kernels/cpu/parallel.h"

namespace ember::kernels {

template <class T>
void add_channel_bias(T* y, const T* b, int64_t n, int64_t c, int64_t hw) {
  parallel_for(0, n * c, grain_for(hw), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      T* p = y + i * hw;
      const T bv = b[i % c];
#pragma omp simd
      for (int64_t j = 0; j < hw; ++j) p[j] += bv;
    }
  });
}

template <class T>
void channel_sum(T* db, const T* dy, int64_t n, int64_t c, int64_t hw) {
  parallel_for(0, c, grain_for(n * hw), [&](int64_t begin, int64_t end) {
    for (int64_t ch = begin; ch < end; ++ch) {
      double s = 0;
      for (int64_t k = 0; k < n; ++k) {
        const T* q = dy + (k * c + ch) * hw;
#pragma omp simd reduction(+ : s)
        for (int64_t i = 0; i < hw; ++i) s += static_cast<double>(q[i]);
      }
      db[ch] = static_cast<T>(s);
    }
  });
}

#define EMBER_CONV_BIAS(T)                                                    \
  template void add_channel_bias<T>(T*, const T*, int64_t, int64_t, int64_t); \
  template void channel_sum<T>(T*, const T*, int64_t, int64_t, int64_t);
EMBER_CONV_BIAS(float)
EMBER_CONV_BIAS(double)
#undef EMBER_CONV_BIAS

}  // namespace ember::kernels
