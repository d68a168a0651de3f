// The softmax/log_softmax kernel of softmax.h; the O·I lines are split across threads by
// parallel_for (each line is independent, so results do not depend on the thread count).
#include "kernels/cpu/softmax.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/cpu/parallel.h"

namespace ember::kernels {

template <class T>
void softmax_forward(T* dst, const T* src, int64_t O, int64_t R, int64_t I, bool log) {
  // One line costs about R operations per pass; counting R keeps small softmaxes (a batch of
  // class scores) on the calling thread.
  parallel_for(0, O * I, grain_for(R), [=](int64_t begin, int64_t end) {
    for (int64_t line = begin; line < end; ++line) {
      const int64_t o = line / I, i = line % I;
      const T* s = src + o * R * I + i;
      T* d = dst + o * R * I + i;
      T m = -std::numeric_limits<T>::infinity();
      for (int64_t r = 0; r < R; ++r) m = std::max(m, s[r * I]);
      if (std::isinf(m) && m < 0) m = 0;
      double z = 0;
      for (int64_t r = 0; r < R; ++r) {
        const T e = std::exp(s[r * I] - m);
        z += e;
        if (!log) d[r * I] = e;
      }
      if (log) {
        const T lz = static_cast<T>(std::log(z)) + m;
        for (int64_t r = 0; r < R; ++r) d[r * I] = s[r * I] - lz;
      } else {
        const T inv = static_cast<T>(1.0 / z);
        for (int64_t r = 0; r < R; ++r) d[r * I] *= inv;
      }
    }
  });
}

template void softmax_forward<float>(float*, const float*, int64_t, int64_t, int64_t, bool);
template void softmax_forward<double>(double*, const double*, int64_t, int64_t, int64_t, bool);

}  // namespace ember::kernels
