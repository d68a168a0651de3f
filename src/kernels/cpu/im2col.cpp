// im2col / col2im and the convolution GEMM drivers (see im2col.h). Each image of the batch is
// one im2col plus one GEMM per group; the batch is split across OpenMP threads only when the
// whole convolution is large enough to pay for the fork (a single image leaves the threading to
// BLAS). Each thread owns its column buffer (and, for the weight gradient, an accumulator).
#include "kernels/cpu/im2col.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "kernels/cpu/gemm.h"
#include "kernels/cpu/parallel.h"

namespace ember::kernels {
namespace {

/// Output columns [lo, hi) whose input column ow * s + off lies in [0, w).
inline void valid_range(int64_t ow, int64_t s, int64_t off, int64_t w, int64_t& lo, int64_t& hi) {
  // ow * s + off >= 0  <=>  ow >= ceil(-off / s);  ow * s + off < w  <=>  ow < ceil((w - off) / s)
  auto ceil_div = [](int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); };
  lo = std::clamp<int64_t>(ceil_div(-off, s), 0, ow);
  hi = std::clamp<int64_t>(ceil_div(w - off, s), lo, ow);
}

// Samples per chunk: each sample costs about oc * kg * ohw multiply-adds in the BLAS.
int64_t sample_grain(const ConvGeom& g) {
  return grain_for(g.oc * g.kg() * g.ohw() / kMultiplyAddsPerOp);
}

}  // namespace

/// dst[0, n) = src[0, n) for the short rows of im2col (OW values): inline vector moves, where
/// a memcpy call per row costs more than the copy.
template <class T>
inline void copy_row(T* dst, const T* src, int64_t n) {
  int64_t i = 0;
#ifdef __SSE2__
  if constexpr (std::is_same_v<T, float>) {
    for (; i + 4 <= n; i += 4) _mm_storeu_ps(dst + i, _mm_loadu_ps(src + i));
  } else {
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(dst + i, _mm_loadu_pd(src + i));
  }
#endif
  for (; i < n; ++i) dst[i] = src[i];
}

namespace {

/// Output rows [lo, hi) whose input row oh * s + off lies in [0, h).
inline void row_range(int64_t oh, int64_t s, int64_t off, int64_t h, int64_t& lo, int64_t& hi) {
  valid_range(oh, s, off, h, lo, hi);
}

/// Visits the columns of one image: for each (c, ki, kj) row of cols, f(dst_row, src, oh_lo,
/// oh_hi, ow_lo, ow_hi) where src points at the input element of output (oh_lo, 0) (it may lie
/// outside the row: only [ow_lo, ow_hi) are valid) and input rows advance by sh·W. The bounds
/// are computed once per kernel offset, not per output row: rows are short (OW values).
template <class F>
void for_each_col_row(const ConvGeom& g, F f) {
  const int64_t OHW = g.ohw();
  for (int64_t c = 0; c < g.c; ++c) {
    for (int64_t ki = 0; ki < g.kh; ++ki) {
      int64_t oh_lo, oh_hi;
      row_range(g.oh, g.sh, ki * g.dh - g.ph, g.h, oh_lo, oh_hi);
      for (int64_t kj = 0; kj < g.kw; ++kj) {
        const int64_t off_w = kj * g.dw - g.pw;
        int64_t ow_lo, ow_hi;
        valid_range(g.ow, g.sw, off_w, g.w, ow_lo, ow_hi);
        const int64_t row = (c * g.kh + ki) * g.kw + kj;
        const int64_t src = (c * g.h + oh_lo * g.sh + ki * g.dh - g.ph) * g.w + off_w;
        f(row * OHW, src, oh_lo, oh_hi, ow_lo, ow_hi);
      }
    }
  }
}

}  // namespace

template <class T>
void im2col(T* cols, const T* x, const ConvGeom& g) {
  const int64_t OW = g.ow, step = g.sh * g.w;
  for_each_col_row(
      g, [&](int64_t row, int64_t src, int64_t oh_lo, int64_t oh_hi, int64_t lo, int64_t hi) {
        T* dst = cols + row;
        std::fill(dst, dst + oh_lo * OW, T(0));
        std::fill(dst + oh_hi * OW, dst + g.oh * OW, T(0));
        if (oh_lo >= oh_hi) return;
        const T* s = x + src;
        T* d = dst + oh_lo * OW;
        if (lo == 0 && hi == OW && g.sw == 1) {
          for (int64_t oh = oh_lo; oh < oh_hi; ++oh, s += step, d += OW) copy_row(d, s, OW);
          return;
        }
        for (int64_t oh = oh_lo; oh < oh_hi; ++oh, s += step, d += OW) {
          std::fill(d, d + lo, T(0));
          if (g.sw == 1) {
            copy_row(d + lo, s + lo, hi - lo);
          } else {
            for (int64_t o = lo; o < hi; ++o) d[o] = s[o * g.sw];
          }
          std::fill(d + hi, d + OW, T(0));
        }
      });
}

template <class T>
void col2im(T* dx, const T* cols, const ConvGeom& g) {
  const int64_t OW = g.ow, step = g.sh * g.w;
  for_each_col_row(
      g, [&](int64_t row, int64_t src, int64_t oh_lo, int64_t oh_hi, int64_t lo, int64_t hi) {
        const T* s = cols + row + oh_lo * OW;
        T* d = dx + src;
        for (int64_t oh = oh_lo; oh < oh_hi; ++oh, s += OW, d += step) {
          if (g.sw == 1) {
#pragma omp simd
            for (int64_t o = lo; o < hi; ++o) d[o] += s[o];
          } else {
            for (int64_t o = lo; o < hi; ++o) d[o * g.sw] += s[o];
          }
        }
      });
}

template <class T>
void conv2d_forward(T* y, const T* x, const T* w, const T* bias, const ConvGeom& g, T* all_cols) {
  const int64_t G = g.groups, OCg = g.ocg(), Kg = g.kg(), OHW = g.ohw();
  const int64_t in_size = g.c * g.h * g.w, out_size = g.oc * OHW,
                col_size = g.c * g.kh * g.kw * OHW;
  const bool direct = g.pointwise();
  parallel_for(0, g.n, sample_grain(g), [&](int64_t n0, int64_t n1) {
    std::vector<T> buf(direct || all_cols ? 0 : col_size);
    for (int64_t n = n0; n < n1; ++n) {
      const T* xn = x + n * in_size;
      T* yn = y + n * out_size;
      const T* cols = xn;
      if (!direct) {
        T* c = all_cols ? all_cols + n * col_size : buf.data();
        im2col(c, xn, g);
        cols = c;
      }
      if (bias) {
        for (int64_t o = 0; o < g.oc; ++o) std::fill(yn + o * OHW, yn + (o + 1) * OHW, bias[o]);
      }
      for (int64_t k = 0; k < G; ++k)
        gemm(false, false, OCg, OHW, Kg, T(1), w + k * OCg * Kg, Kg, cols + k * Kg * OHW, OHW,
             bias ? T(1) : T(0), yn + k * OCg * OHW, OHW);
    }
  });
}

template <class T>
void conv2d_backward_input(T* dx, const T* dy, const T* w, const ConvGeom& g) {
  const int64_t G = g.groups, OCg = g.ocg(), Kg = g.kg(), OHW = g.ohw();
  const int64_t in_size = g.c * g.h * g.w, out_size = g.oc * OHW;
  const bool direct = g.pointwise();
  parallel_for(0, g.n, sample_grain(g), [&](int64_t n0, int64_t n1) {
    std::vector<T> buf(direct ? 0 : g.c * g.kh * g.kw * OHW);
    for (int64_t n = n0; n < n1; ++n) {
      T* dxn = dx + n * in_size;
      const T* dyn = dy + n * out_size;
      T* cols = direct ? dxn : buf.data();
      for (int64_t k = 0; k < G; ++k)
        gemm(true, false, Kg, OHW, OCg, T(1), w + k * OCg * Kg, Kg, dyn + k * OCg * OHW, OHW, T(0),
             cols + k * Kg * OHW, OHW);
      if (!direct) {
        std::fill(dxn, dxn + in_size, T(0));
        col2im(dxn, cols, g);
      }
    }
  });
}

template <class T>
void conv2d_backward_weight(T* dw, const T* x, const T* dy, const ConvGeom& g, const T* all_cols) {
  const int64_t G = g.groups, OCg = g.ocg(), Kg = g.kg(), OHW = g.ohw();
  const int64_t in_size = g.c * g.h * g.w, out_size = g.oc * OHW, w_size = g.oc * Kg;
  const int64_t col_size = g.c * g.kh * g.kw * OHW;
  const bool direct = g.pointwise();
  // Each chunk accumulates dwᵀ per group, (Kg, OCg) = cols · dyᵀ: OpenBLAS runs this shape
  // faster than dy · colsᵀ when OCg is small (LeNet's 10 and 20 output channels: 20% on the
  // first layer with its Haswell kernels). Transposed into dw and summed at the end.
  std::vector<std::vector<T>> acc(num_threads(), std::vector<T>());
  parallel_for(0, g.n, sample_grain(g), [&](int64_t n0, int64_t n1) {
    std::vector<T>& a = acc[thread_num()];
    a.assign(w_size, T(0));
    std::vector<T> buf(direct || all_cols ? 0 : col_size);
    for (int64_t n = n0; n < n1; ++n) {
      const T* dyn = dy + n * out_size;
      const T* cols = direct ? x + n * in_size : nullptr;
      if (!direct && all_cols) {
        cols = all_cols + n * col_size;
      } else if (!direct) {
        im2col(buf.data(), x + n * in_size, g);
        cols = buf.data();
      }
      for (int64_t k = 0; k < G; ++k)
        gemm(false, true, Kg, OCg, OHW, T(1), cols + k * Kg * OHW, OHW, dyn + k * OCg * OHW, OHW,
             T(1), a.data() + k * Kg * OCg, OCg);
    }
  });
  for (int64_t k = 0; k < G; ++k) {
    for (int64_t o = 0; o < OCg; ++o) {
      T* d = dw + (k * OCg + o) * Kg;
      for (int64_t i = 0; i < Kg; ++i) {
        T v = 0;
        for (const auto& a : acc)
          if (!a.empty()) v += a[(k * Kg + i) * OCg + o];
        d[i] = v;
      }
    }
  }
}

#define EMBER_CONV_INSTANTIATE(T)                                                         \
  template void im2col<T>(T*, const T*, const ConvGeom&);                                 \
  template void col2im<T>(T*, const T*, const ConvGeom&);                                 \
  template void conv2d_forward<T>(T*, const T*, const T*, const T*, const ConvGeom&, T*); \
  template void conv2d_backward_input<T>(T*, const T*, const T*, const ConvGeom&);        \
  template void conv2d_backward_weight<T>(T*, const T*, const T*, const ConvGeom&, const T*);
EMBER_CONV_INSTANTIATE(float)
EMBER_CONV_INSTANTIATE(double)
#undef EMBER_CONV_INSTANTIATE

}  // namespace ember::kernels
