// Pooling kernels (see pool.h). Planes are independent: parallel_for splits them when the whole
// pooling does at least kGrain element steps. Window bounds follow PyTorch 1.13's CPU kernels
// (aten/src/ATen/native/cpu/{MaxPool,AvgPool,AdaptiveAvgPool}Kernel.cpp) so that indices, NaN
// handling and divisors agree.
#include "kernels/cpu/pool.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "kernels/cpu/loops.h"

namespace ember::kernels {
namespace {

// Planes are independent; work_per_plane counts element steps (window reads or scatter writes).
template <class F>
void for_planes(const PoolGeom& g, int64_t work_per_plane, F f) {
  parallel_for(0, g.planes, grain_for(work_per_plane), [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) f(p);
  });
}

inline int64_t start_index(int64_t o, int64_t out, int64_t in) { return (o * in) / out; }
inline int64_t end_index(int64_t o, int64_t out, int64_t in) {
  return ((o + 1) * in + out - 1) / out;
}

/// PyTorch's window update: a later value wins when greater or NaN.
template <class T>
inline void max_update(T v, int64_t i, T& m, int64_t& best) {
  if (v > m || std::isnan(v)) m = v, best = i;
}

/// One output row of a 2×2, stride-2 max pool whose windows lie inside the image (LeNet's).
template <class T>
void max_pool_2x2_row(T* y, int64_t* idx, const T* x, const PoolGeom& g, int64_t oh) {
  const T* r0 = x + 2 * oh * g.w;
  const T* r1 = r0 + g.w;
  const int64_t base = 2 * oh * g.w;
  int64_t ow = 0;
#ifdef __SSE2__
  if constexpr (std::is_same_v<T, float>) {
    // Four windows at a time, branch-free (random data would mispredict every branch): the
    // selects visit the window in PyTorch's order, so indices and NaNs agree with it.
    const __m128i lane = _mm_setr_epi32(0, 2, 4, 6), one = _mm_set1_epi32(1);
    const __m128i w0 = _mm_set1_epi32(static_cast<int32_t>(g.w)),
                  w1 = _mm_set1_epi32(static_cast<int32_t>(g.w + 1));
    auto update = [](__m128 v, __m128i off, __m128& m, __m128i& best) {
      const __m128 u = _mm_or_ps(_mm_cmpgt_ps(v, m), _mm_cmpunord_ps(v, v));
      const __m128i ui = _mm_castps_si128(u);
      m = _mm_or_ps(_mm_and_ps(u, v), _mm_andnot_ps(u, m));
      best = _mm_or_si128(_mm_and_si128(ui, off), _mm_andnot_si128(ui, best));
    };
    for (; ow + 4 <= g.ow; ow += 4) {
      const __m128 p0 = _mm_loadu_ps(r0 + 2 * ow), p1 = _mm_loadu_ps(r0 + 2 * ow + 4);
      const __m128 q0 = _mm_loadu_ps(r1 + 2 * ow), q1 = _mm_loadu_ps(r1 + 2 * ow + 4);
      __m128 m = _mm_shuffle_ps(p0, p1, _MM_SHUFFLE(2, 0, 2, 0));
      __m128i best = _mm_setzero_si128();
      update(_mm_shuffle_ps(p0, p1, _MM_SHUFFLE(3, 1, 3, 1)), one, m, best);
      update(_mm_shuffle_ps(q0, q1, _MM_SHUFFLE(2, 0, 2, 0)), w0, m, best);
      update(_mm_shuffle_ps(q0, q1, _MM_SHUFFLE(3, 1, 3, 1)), w1, m, best);
      _mm_storeu_ps(y + ow, m);
      // The offsets within the row pair are small int32s; the 64-bit base is added on store.
      best = _mm_add_epi32(best, lane);
      alignas(16) int32_t off[4];
      _mm_store_si128(reinterpret_cast<__m128i*>(off), best);
      for (int k = 0; k < 4; ++k) idx[ow + k] = base + 2 * ow + off[k];
    }
  }
#endif
  for (; ow < g.ow; ++ow) {
    const int64_t i = base + 2 * ow;
    T m = r0[2 * ow];
    int64_t best = i;
    max_update(r0[2 * ow + 1], i + 1, m, best);
    max_update(r1[2 * ow], i + g.w, m, best);
    max_update(r1[2 * ow + 1], i + g.w + 1, m, best);
    y[ow] = m;
    idx[ow] = best;
  }
}

}  // namespace

template <class T>
void max_pool2d_forward(T* y, int64_t* idx, const T* x, const PoolGeom& g) {
  const int64_t HW = g.h * g.w, OHW = g.oh * g.ow;
  const bool plain = g.ph == 0 && g.pw == 0 && g.dh == 1 && g.dw == 1 &&
                     (g.oh - 1) * g.sh + g.kh <= g.h && (g.ow - 1) * g.sw + g.kw <= g.w;
  for_planes(g, OHW * g.kh * g.kw, [&](int64_t p) {
    const T* xp = x + p * HW;
    T* yp = y + p * OHW;
    int64_t* ip = idx + p * OHW;
    if (plain && g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2) {
      for (int64_t oh = 0; oh < g.oh; ++oh)
        max_pool_2x2_row(yp + oh * g.ow, ip + oh * g.ow, xp, g, oh);
      return;
    }
    for (int64_t oh = 0; oh < g.oh; ++oh) {
      int64_t ih0 = oh * g.sh - g.ph;
      const int64_t ih1 = std::min(ih0 + (g.kh - 1) * g.dh + 1, g.h);
      while (ih0 < 0) ih0 += g.dh;
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        int64_t iw0 = ow * g.sw - g.pw;
        const int64_t iw1 = std::min(iw0 + (g.kw - 1) * g.dw + 1, g.w);
        while (iw0 < 0) iw0 += g.dw;
        int64_t best = ih0 * g.w + iw0;
        T m = -std::numeric_limits<T>::infinity();
        for (int64_t ih = ih0; ih < ih1; ih += g.dh) {
          for (int64_t iw = iw0; iw < iw1; iw += g.dw) {
            const int64_t i = ih * g.w + iw;
            const T v = xp[i];
            const bool u = (v > m) | std::isnan(v);  // a select, not a branch
            m = u ? v : m;
            best = u ? i : best;
          }
        }
        yp[oh * g.ow + ow] = m;
        ip[oh * g.ow + ow] = best;
      }
    }
  });
}

template <class T>
void max_pool2d_backward(T* dx, const T* dy, const int64_t* idx, const PoolGeom& g) {
  const int64_t HW = g.h * g.w, OHW = g.oh * g.ow;
  for_planes(g, HW + OHW, [&](int64_t p) {
    T* dp = dx + p * HW;
    const T* gp = dy + p * OHW;
    const int64_t* ip = idx + p * OHW;
    std::fill(dp, dp + HW, T(0));
    for (int64_t o = 0; o < OHW; ++o) dp[ip[o]] += gp[o];
  });
}

template <class T>
void max_pool2d_gather(T* y, const T* x, const int64_t* idx, const PoolGeom& g) {
  const int64_t HW = g.h * g.w, OHW = g.oh * g.ow;
  for_planes(g, OHW, [&](int64_t p) {
    const T* xp = x + p * HW;
    T* yp = y + p * OHW;
    const int64_t* ip = idx + p * OHW;
    for (int64_t o = 0; o < OHW; ++o) yp[o] = xp[ip[o]];
  });
}

namespace {
/// The clipped window of output (oh, ow) and its divisor, as PyTorch's cpu_avg_pool.
struct AvgWindow {
  int64_t ih0, ih1, iw0, iw1, divisor;
};
inline AvgWindow avg_window(const PoolGeom& g, int64_t oh, int64_t ow, bool count_include_pad,
                            int64_t divisor_override) {
  int64_t ih0 = oh * g.sh - g.ph, iw0 = ow * g.sw - g.pw;
  int64_t ih1 = std::min(ih0 + g.kh, g.h + g.ph), iw1 = std::min(iw0 + g.kw, g.w + g.pw);
  const int64_t pool_size = (ih1 - ih0) * (iw1 - iw0);
  ih0 = std::max<int64_t>(ih0, 0), iw0 = std::max<int64_t>(iw0, 0);
  ih1 = std::min(ih1, g.h), iw1 = std::min(iw1, g.w);
  const int64_t divisor = divisor_override > 0 ? divisor_override
                          : count_include_pad  ? pool_size
                                               : (ih1 - ih0) * (iw1 - iw0);
  return {ih0, ih1, iw0, iw1, divisor};
}
}  // namespace

template <class T>
void avg_pool2d_forward(T* y, const T* x, const PoolGeom& g, bool count_include_pad,
                        int64_t divisor_override) {
  const int64_t HW = g.h * g.w, OHW = g.oh * g.ow;
  for_planes(g, OHW * g.kh * g.kw, [&](int64_t p) {
    const T* xp = x + p * HW;
    T* yp = y + p * OHW;
    for (int64_t oh = 0; oh < g.oh; ++oh) {
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        const AvgWindow a = avg_window(g, oh, ow, count_include_pad, divisor_override);
        T s = 0;
        if (a.ih0 < a.ih1 && a.iw0 < a.iw1) {
          for (int64_t ih = a.ih0; ih < a.ih1; ++ih)
            for (int64_t iw = a.iw0; iw < a.iw1; ++iw) s += xp[ih * g.w + iw];
          s /= static_cast<T>(a.divisor);
        }
        yp[oh * g.ow + ow] = s;
      }
    }
  });
}

template <class T>
void avg_pool2d_backward(T* dx, const T* dy, const PoolGeom& g, bool count_include_pad,
                         int64_t divisor_override) {
  const int64_t HW = g.h * g.w, OHW = g.oh * g.ow;
  for_planes(g, OHW * g.kh * g.kw, [&](int64_t p) {
    T* dp = dx + p * HW;
    const T* gp = dy + p * OHW;
    std::fill(dp, dp + HW, T(0));
    for (int64_t oh = 0; oh < g.oh; ++oh) {
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        const AvgWindow a = avg_window(g, oh, ow, count_include_pad, divisor_override);
        if (a.ih0 >= a.ih1 || a.iw0 >= a.iw1) continue;
        const T v = gp[oh * g.ow + ow] / static_cast<T>(a.divisor);
        for (int64_t ih = a.ih0; ih < a.ih1; ++ih)
          for (int64_t iw = a.iw0; iw < a.iw1; ++iw) dp[ih * g.w + iw] += v;
      }
    }
  });
}

template <class T>
void adaptive_avg_pool2d_forward(T* y, const T* x, const PoolGeom& g) {
  const int64_t HW = g.h * g.w, OHW = g.oh * g.ow;
  for_planes(g, HW + OHW, [&](int64_t p) {
    const T* xp = x + p * HW;
    T* yp = y + p * OHW;
    for (int64_t oh = 0; oh < g.oh; ++oh) {
      const int64_t ih0 = start_index(oh, g.oh, g.h), ih1 = end_index(oh, g.oh, g.h);
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        const int64_t iw0 = start_index(ow, g.ow, g.w), iw1 = end_index(ow, g.ow, g.w);
        T s = 0;
        for (int64_t ih = ih0; ih < ih1; ++ih)
          for (int64_t iw = iw0; iw < iw1; ++iw) s += xp[ih * g.w + iw];
        yp[oh * g.ow + ow] = s / static_cast<T>((ih1 - ih0) * (iw1 - iw0));
      }
    }
  });
}

template <class T>
void adaptive_avg_pool2d_backward(T* dx, const T* dy, const PoolGeom& g) {
  const int64_t HW = g.h * g.w, OHW = g.oh * g.ow;
  for_planes(g, HW + OHW, [&](int64_t p) {
    T* dp = dx + p * HW;
    const T* gp = dy + p * OHW;
    std::fill(dp, dp + HW, T(0));
    for (int64_t oh = 0; oh < g.oh; ++oh) {
      const int64_t ih0 = start_index(oh, g.oh, g.h), ih1 = end_index(oh, g.oh, g.h);
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        const int64_t iw0 = start_index(ow, g.ow, g.w), iw1 = end_index(ow, g.ow, g.w);
        const T v = gp[oh * g.ow + ow] / static_cast<T>((ih1 - ih0) * (iw1 - iw0));
        for (int64_t ih = ih0; ih < ih1; ++ih)
          for (int64_t iw = iw0; iw < iw1; ++iw) dp[ih * g.w + iw] += v;
      }
    }
  });
}

#define EMBER_POOL_INSTANTIATE(T)                                                      \
  template void max_pool2d_forward<T>(T*, int64_t*, const T*, const PoolGeom&);        \
  template void max_pool2d_backward<T>(T*, const T*, const int64_t*, const PoolGeom&); \
  template void max_pool2d_gather<T>(T*, const T*, const int64_t*, const PoolGeom&);   \
  template void avg_pool2d_forward<T>(T*, const T*, const PoolGeom&, bool, int64_t);   \
  template void avg_pool2d_backward<T>(T*, const T*, const PoolGeom&, bool, int64_t);  \
  template void adaptive_avg_pool2d_forward<T>(T*, const T*, const PoolGeom&);         \
  template void adaptive_avg_pool2d_backward<T>(T*, const T*, const PoolGeom&);
EMBER_POOL_INSTANTIATE(float)
EMBER_POOL_INSTANTIATE(double)
#undef EMBER_POOL_INSTANTIATE

}  // namespace ember::kernels
