// The linear-recurrence scan of scan.h. Lines of the O axis are split across threads by
// parallel_for; within a line the recurrence runs step by step along R, each step over the I
// contiguous inner elements (so the result does not depend on the thread count).
#include "kernels/cpu/scan.h"

#include "kernels/cpu/parallel.h"

namespace ember::kernels {

template <class T>
void linear_scan(T* y, const T* a, const T* b, int64_t O, int64_t R, int64_t I, bool reverse) {
  if (R == 0) return;
  parallel_for(0, O, grain_for(R * I), [=](int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o) {
      const int64_t base = o * R * I;
      const int64_t first = reverse ? R - 1 : 0, step = reverse ? -1 : 1;
      for (int64_t i = 0; i < I; ++i) y[base + first * I + i] = b[base + first * I + i];
      for (int64_t n = 1; n < R; ++n) {
        const int64_t r = first + n * step;
        T* yr = y + base + r * I;
        const T* prev = yr - step * I;
        const T* ar = a + base + r * I;
        const T* br = b + base + r * I;
        for (int64_t i = 0; i < I; ++i) yr[i] = ar[i] * prev[i] + br[i];
      }
    }
  });
}

template void linear_scan<float>(float*, const float*, const float*, int64_t, int64_t, int64_t,
                                 bool);
template void linear_scan<double>(double*, const double*, const double*, int64_t, int64_t, int64_t,
                                  bool);

}  // namespace ember::kernels
