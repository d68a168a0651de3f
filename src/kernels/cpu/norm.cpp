// Normalization kernels (see norm.h): shared reduction helpers, then batch norm, layer norm and
// group norm, each forward beside its backward.
#include "kernels/cpu/norm.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/cpu/parallel.h"

namespace ember::kernels {
namespace {

/// f(i) for i in [0, n) on the pool, each iteration costing `cost` elementary operations.
template <class F>
void for_each_index(int64_t n, int64_t cost, const F& f) {
  parallel_for(0, n, grain_for(cost), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) f(i);
  });
}

/// Number of fixed bands a reduction over `rows` rows of `work` elements in all is cut into:
/// num_threads() when the work is worth threads, else 1. Each band sums into its own partials,
/// which are added in band order, so the result does not depend on which thread ran which band
/// (nor on whether the pool was free).
int64_t bands_for(int64_t rows, int64_t work) {
  return work >= kGrain && rows > 1 ? std::min<int64_t>(num_threads(), rows) : 1;
}

/// f(band, r0, r1) for each of `bands` bands of [0, rows), on the pool.
template <class F>
void for_each_band(int64_t rows, int64_t bands, const F& f) {
  parallel_for(0, bands, 1, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) f(t, rows * t / bands, rows * (t + 1) / bands);
  });
}

// Reductions add T-precision partial sums over blocks of kBlock elements into double
// accumulators: float speed, double-like accuracy for long rows. The block loops stay out of line
// (GCC left `omp simd reduction` scalar in some inlined copies).
constexpr int64_t kBlock = 256;

/// Σ (p - k) and Σ (p - k)² over n values, in T.
template <class T>
__attribute__((noinline)) void block_moments(const T* p, int64_t n, T k, T& s1, T& s2) {
  T r1 = 0, r2 = 0;
#pragma omp simd reduction(+ : r1, r2)
  for (int64_t i = 0; i < n; ++i) {
    const T d = p[i] - k;
    r1 += d;
    r2 += d * d;
  }
  s1 = r1, s2 = r2;
}

/// Σ g w and Σ g w ((x - hi) - lo) over n values, in T (w null: 1).
template <class T>
__attribute__((noinline)) void block_grad_sums(const T* g, const T* x, const T* w, int64_t n, T hi,
                                               T lo, T& s1, T& s2) {
  T r1 = 0, r2 = 0;
  if (w) {
#pragma omp simd reduction(+ : r1, r2)
    for (int64_t i = 0; i < n; ++i) {
      const T gw = g[i] * w[i];
      r1 += gw;
      r2 += gw * ((x[i] - hi) - lo);
    }
  } else {
#pragma omp simd reduction(+ : r1, r2)
    for (int64_t i = 0; i < n; ++i) {
      r1 += g[i];
      r2 += g[i] * ((x[i] - hi) - lo);
    }
  }
  s1 = r1, s2 = r2;
}

/// Mean and biased variance of `chunks` runs of `len` values, `stride` apart, in one pass. The
/// sums are of x - x[0], so the variance does not cancel when |mean| >> std.
template <class T>
void moments(const T* x, int64_t chunks, int64_t len, int64_t stride, double& mean, double& var) {
  if (chunks * len == 0) {
    mean = var = std::nan("");
    return;
  }
  const T k = x[0];
  double s1 = 0, s2 = 0;
  for (int64_t c = 0; c < chunks; ++c) {
    const T* p = x + c * stride;
    for (int64_t i0 = 0; i0 < len; i0 += kBlock) {
      T r1, r2;
      block_moments(p + i0, std::min(kBlock, len - i0), k, r1, r2);
      s1 += r1, s2 += r2;
    }
  }
  const double m = static_cast<double>(chunks * len);
  mean = k + s1 / m;
  var = std::max((s2 - s1 * s1 / m) / m, 0.0);
}

/// A double mean as hi + lo in T: x - hi is exact for x near the mean (Sterbenz), so
/// (x - hi) - lo keeps float32 centering accurate when |mean| >> std.
template <class T>
struct Center {
  explicit Center(double m) : hi(static_cast<T>(m)), lo(static_cast<T>(m - static_cast<T>(m))) {}
  Center(T h, T l) : hi(h), lo(l) {}
  T hi, lo;
};

/// y = (x - m) a + b over n values. (Not x a + b': with |mean| >> std that rounds the signal
/// away.)
template <class T>
void affine(T* y, const T* x, int64_t n, Center<T> m, T a, T b) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) y[i] = ((x[i] - m.hi) - m.lo) * a + b;
}

/// Adds Σ g w and Σ g w (x - mu) over n values to sg and sgx (w null: 1).
template <class T>
void grad_sums(const T* g, const T* x, const T* w, int64_t n, Center<T> mu, double& sg,
               double& sgx) {
  for (int64_t i0 = 0; i0 < n; i0 += kBlock) {
    T r1, r2;
    block_grad_sums(g + i0, x + i0, w ? w + i0 : nullptr, std::min(kBlock, n - i0), mu.hi, mu.lo,
                    r1, r2);
    sg += r1, sgx += r2;
  }
}

/// dx = (g w - dm - (x - mu) k) a over n values (the normalization's input gradient).
template <class T>
void input_grad(T* dx, const T* g, const T* x, int64_t n, T w, Center<T> mu, T dm, T k, T a) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) dx[i] = (g[i] * w - dm - ((x[i] - mu.hi) - mu.lo) * k) * a;
}

/// Per column c of x (N, C): adds Σₙ (x - k[c]) and Σₙ (x - k[c])² to s1[c] and s2[c].
template <class T>
void column_moments(const T* x, const T* k, int64_t N, int64_t C, double* s1, double* s2) {
  std::vector<T> r1(C), r2(C);
  T *a = r1.data(), *b = r2.data();
  for (int64_t n0 = 0; n0 < N; n0 += kBlock) {
    std::fill(r1.begin(), r1.end(), T(0));
    std::fill(r2.begin(), r2.end(), T(0));
    for (int64_t n = n0; n < std::min(N, n0 + kBlock); ++n) {
      const T* xn = x + n * C;
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) {
        const T d = xn[c] - k[c];
        a[c] += d;
        b[c] += d * d;
      }
    }
    for (int64_t c = 0; c < C; ++c) s1[c] += a[c], s2[c] += b[c];
  }
}

/// Per column c of (N, C): adds Σₙ g and Σₙ g ((x - hi[c]) - lo[c]) to sg[c] and sgx[c].
template <class T>
void column_grad_sums(const T* g, const T* x, const T* hi, const T* lo, int64_t N, int64_t C,
                      double* sg, double* sgx) {
  std::vector<T> r1(C), r2(C);
  T *a = r1.data(), *b = r2.data();
  for (int64_t n0 = 0; n0 < N; n0 += kBlock) {
    std::fill(r1.begin(), r1.end(), T(0));
    std::fill(r2.begin(), r2.end(), T(0));
    for (int64_t n = n0; n < std::min(N, n0 + kBlock); ++n) {
      const T *xn = x + n * C, *gn = g + n * C;
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) {
        a[c] += gn[c];
        b[c] += gn[c] * ((xn[c] - hi[c]) - lo[c]);
      }
    }
    for (int64_t c = 0; c < C; ++c) sg[c] += a[c], sgx[c] += b[c];
  }
}

/// Column sums of an (N, C) problem: rows(n0, n1, s1, s2) adds rows [n0, n1) into s1[C], s2[C],
/// one band of rows at a time (see bands_for).
template <class Rows>
void column_reduce(int64_t N, int64_t C, double* s1, double* s2, const Rows& rows) {
  const int64_t nb = bands_for(N, N * C);
  if (nb == 1) return rows(0, N, s1, s2);
  std::vector<double> part(static_cast<size_t>(nb * 2 * C), 0.0);  // (bands, 2, C)
  for_each_band(N, nb, [&](int64_t t, int64_t n0, int64_t n1) {
    double* mine = part.data() + t * 2 * C;
    rows(n0, n1, mine, mine + C);
  });
  for (int64_t t = 0; t < nb; ++t)
    for (int64_t c = 0; c < C; ++c) s1[c] += part[t * 2 * C + c], s2[c] += part[t * 2 * C + C + c];
}

/// Per-channel centers (hi, lo), scales and shifts for the (N, C) row loops.
template <class T>
struct ChannelAffine {
  std::vector<T> hi, lo, a, b;
  explicit ChannelAffine(int64_t C) : hi(C), lo(C), a(C), b(C) {}
  void set(int64_t c, double mu, double scale, T shift) {
    const Center<T> m(mu);
    hi[c] = m.hi, lo[c] = m.lo, a[c] = static_cast<T>(scale), b[c] = shift;
  }
};

/// y = ((x - hi) - lo) a + b per channel over (N, C, S); S == 1 runs along the rows of (N, C).
template <class T>
void channel_affine(T* y, const T* x, const ChannelAffine<T>& f, int64_t N, int64_t C, int64_t S) {
  const T *hi = f.hi.data(), *lo = f.lo.data(), *a = f.a.data(), *sh = f.b.data();
  if (S == 1) {
    for_each_index(N, C, [&](int64_t n) {
      const T* xn = x + n * C;
      T* yn = y + n * C;
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) yn[c] = ((xn[c] - hi[c]) - lo[c]) * a[c] + sh[c];
    });
    return;
  }
  for_each_index(N * C, S, [&](int64_t nc) {
    const int64_t c = nc % C;
    affine(y + nc * S, x + nc * S, S, Center<T>(hi[c], lo[c]), a[c], sh[c]);
  });
}

}  // namespace

// ---- batch norm: x (N, C, S), statistics per channel ------------------------------------------

template <class T>
void batch_norm_forward(T* y, T* mean, T* invstd, double* mean_d, T* running_mean, T* running_var,
                        const T* x, const T* weight, const T* bias, int64_t N, int64_t C, int64_t S,
                        bool training, double momentum, double eps) {
  const double M = static_cast<double>(N * S);
  std::vector<double> var(C);
  if (training && S == 1) {  // (N, C): sum down the columns, rows stay contiguous
    std::vector<double> s1(C), s2(C);
    std::vector<T> k(x, x + C);
    column_reduce(N, C, s1.data(), s2.data(), [&](int64_t n0, int64_t n1, double* a, double* b) {
      column_moments(x + n0 * C, k.data(), n1 - n0, C, a, b);
    });
    for (int64_t c = 0; c < C; ++c) {
      mean_d[c] = k[c] + s1[c] / M;
      var[c] = std::max((s2[c] - s1[c] * s1[c] / M) / M, 0.0);
    }
  } else if (training) {
    for_each_index(C, N * S,
                   [&](int64_t c) { moments(x + c * S, N, S, C * S, mean_d[c], var[c]); });
  }
  ChannelAffine<T> f(C);
  for (int64_t c = 0; c < C; ++c) {
    double is;
    if (training) {
      is = 1 / std::sqrt(var[c] + eps);
      if (running_mean)
        running_mean[c] = static_cast<T>((1 - momentum) * running_mean[c] + momentum * mean_d[c]);
      if (running_var)
        running_var[c] =
            static_cast<T>((1 - momentum) * running_var[c] + momentum * var[c] * M / (M - 1));
    } else {
      mean_d[c] = running_mean[c];
      is = 1 / std::sqrt(static_cast<double>(running_var[c]) + eps);
    }
    mean[c] = static_cast<T>(mean_d[c]), invstd[c] = static_cast<T>(is);
    f.set(c, mean_d[c], is * (weight ? weight[c] : 1), bias ? bias[c] : T(0));
  }
  channel_affine(y, x, f, N, C, S);
}

template <class T>
void batch_norm_backward(T* dx, T* dweight, T* dbias, const T* dy, const T* x, const double* mean_d,
                         const T* invstd, const T* weight, int64_t N, int64_t C, int64_t S,
                         bool training) {
  const double M = static_cast<double>(N * S);
  std::vector<double> sg(C), sgx(C);  // Σ dy, Σ dy (x - mean) per channel
  if (dweight || dbias || (dx && training)) {
    if (S == 1) {
      std::vector<T> hi(C), lo(C);
      for (int64_t c = 0; c < C; ++c) {
        const Center<T> m(mean_d[c]);
        hi[c] = m.hi, lo[c] = m.lo;
      }
      column_reduce(N, C, sg.data(), sgx.data(), [&](int64_t n0, int64_t n1, double* a, double* b) {
        column_grad_sums(dy + n0 * C, x + n0 * C, hi.data(), lo.data(), n1 - n0, C, a, b);
      });
    } else {
      for_each_index(C, N * S, [&](int64_t c) {
        for (int64_t n = 0; n < N; ++n) {
          const int64_t o = (n * C + c) * S;
          grad_sums<T>(dy + o, x + o, nullptr, S, Center<T>(mean_d[c]), sg[c], sgx[c]);
        }
      });
    }
  }
  for (int64_t c = 0; c < C; ++c) {
    if (dweight) dweight[c] = static_cast<T>(sgx[c] * invstd[c]);
    if (dbias) dbias[c] = static_cast<T>(sg[c]);
  }
  if (!dx) return;
  // dx = (dy - dm - (x - mean) k) invstd w, with dm = Σdy / M and k = Σdy(x - mean) / M invstd².
  ChannelAffine<T> f(C);
  std::vector<T> dm(C);
  for (int64_t c = 0; c < C; ++c) {
    const double is = invstd[c];
    f.set(c, mean_d[c], is * (weight ? weight[c] : 1),
          static_cast<T>(training ? sgx[c] / M * is * is : 0));
    dm[c] = static_cast<T>(training ? sg[c] / M : 0);
  }
  const T *hi = f.hi.data(), *lo = f.lo.data(), *a = f.a.data(), *k = f.b.data(), *pdm = dm.data();
  if (S == 1) {
    for_each_index(N, C, [&](int64_t n) {
      const T *xn = x + n * C, *gn = dy + n * C;
      T* dxn = dx + n * C;
#pragma omp simd
      for (int64_t c = 0; c < C; ++c)
        dxn[c] = (gn[c] - pdm[c] - ((xn[c] - hi[c]) - lo[c]) * k[c]) * a[c];
    });
    return;
  }
  for_each_index(N * C, S, [&](int64_t nc) {
    const int64_t c = nc % C;
    input_grad<T>(dx + nc * S, dy + nc * S, x + nc * S, S, T(1), Center<T>(mean_d[c]), pdm[c], k[c],
                  a[c]);
  });
}

// ---- layer norm: x (M, K), statistics per row --------------------------------------------------

template <class T>
void layer_norm_forward(T* y, double* mean, T* rstd, const T* x, const T* weight, const T* bias,
                        int64_t M, int64_t K, double eps) {
  const T *w = weight, *b = bias;
  for_each_index(M, K, [&](int64_t i) {
    double mu, var;
    moments(x + i * K, 1, K, 0, mu, var);
    const Center<T> m(mu);
    const T r = static_cast<T>(1 / std::sqrt(var + eps));
    mean[i] = mu, rstd[i] = r;
    const T* xi = x + i * K;
    T* yi = y + i * K;
    if (!w && !b) return affine(yi, xi, K, m, r, T(0));
    if (w && b) {
#pragma omp simd
      for (int64_t k = 0; k < K; ++k) yi[k] = ((xi[k] - m.hi) - m.lo) * r * w[k] + b[k];
      return;
    }
    for (int64_t k = 0; k < K; ++k)
      yi[k] = ((xi[k] - m.hi) - m.lo) * r * (w ? w[k] : T(1)) + (b ? b[k] : T(0));
  });
}

template <class T>
void layer_norm_backward(T* dx, T* dweight, T* dbias, const T* dy, const T* x, const double* mean,
                         const T* rstd, const T* weight, int64_t M, int64_t K) {
  const bool params = dweight || dbias;
  const T* w = weight;
  const int64_t nb = bands_for(M, M * K);
  std::vector<double> acc(params ? static_cast<size_t>(nb * 2 * K) : 0, 0.0);  // (bands, 2, K)
  for_each_band(M, nb, [&](int64_t t, int64_t m0, int64_t m1) {
    double* aw = params ? acc.data() + t * 2 * K : nullptr;
    double* ab = params ? aw + K : nullptr;
    // dweight/dbias column sums in T over up to kBlock rows, then added into the band's doubles.
    std::vector<T> block(params ? 2 * K : 0, T(0));
    T *tw = block.data(), *tb = tw + K;
    int64_t pending = 0;
    auto flush = [&] {
      for (int64_t k = 0; k < K; ++k) aw[k] += tw[k], ab[k] += tb[k];
      std::fill(block.begin(), block.end(), T(0));
      pending = 0;
    };
    for (int64_t i = m0; i < m1; ++i) {
      const T *xi = x + i * K, *gi = dy + i * K;
      const Center<T> mu(mean[i]);
      const T r = rstd[i];
      if (params) {
#pragma omp simd
        for (int64_t k = 0; k < K; ++k) {
          tw[k] += gi[k] * (((xi[k] - mu.hi) - mu.lo) * r);
          tb[k] += gi[k];
        }
        if (++pending == kBlock) flush();
      }
      if (!dx) continue;
      double s1 = 0, s2 = 0;  // Σ dy w, Σ dy w (x - mu)
      grad_sums(gi, xi, w, K, mu, s1, s2);
      const T dm = static_cast<T>(s1 / K), kk = static_cast<T>(s2 / K * r * r);
      T* dxi = dx + i * K;
      if (!w) {
        input_grad(dxi, gi, xi, K, T(1), mu, dm, kk, r);
        continue;
      }
#pragma omp simd
      for (int64_t k = 0; k < K; ++k)
        dxi[k] = (gi[k] * w[k] - dm - ((xi[k] - mu.hi) - mu.lo) * kk) * r;
    }
    if (params && pending) flush();
  });
  for (int64_t k = 0; params && k < K; ++k) {
    double sw = 0, sb = 0;
    for (int64_t t = 0; t < nb; ++t) sw += acc[t * 2 * K + k], sb += acc[t * 2 * K + K + k];
    if (dweight) dweight[k] = static_cast<T>(sw);
    if (dbias) dbias[k] = static_cast<T>(sb);
  }
}

// ---- group norm: x (N, G, C/G, S), statistics per (sample, group) -----------------------------

template <class T>
void group_norm_forward(T* y, double* mean, T* rstd, const T* x, const T* weight, const T* bias,
                        int64_t N, int64_t C, int64_t S, int64_t G, double eps) {
  const int64_t Cg = C / G, D = Cg * S;
  for_each_index(N * G, D, [&](int64_t ng) {
    double mu, var;
    moments(x + ng * D, 1, D, 0, mu, var);
    const double r = 1 / std::sqrt(var + eps);
    mean[ng] = mu, rstd[ng] = static_cast<T>(r);
    for (int64_t j = 0; j < Cg; ++j) {
      const int64_t c = (ng % G) * Cg + j, o = ng * D + j * S;
      const double a = r * (weight ? weight[c] : 1);
      affine(y + o, x + o, S, Center<T>(mu), static_cast<T>(a), bias ? bias[c] : T(0));
    }
  });
}

template <class T>
void group_norm_backward(T* dx, T* dweight, T* dbias, const T* dy, const T* x, const double* mean,
                         const T* rstd, const T* weight, int64_t N, int64_t C, int64_t S,
                         int64_t G) {
  const int64_t Cg = C / G, D = Cg * S;
  // Per (n, c): Σ dy and Σ dy (x - mu); reduced over n for dweight and dbias afterwards.
  std::vector<double> sg(N * C), sgx(N * C);
  for_each_index(N * G, D, [&](int64_t ng) {
    const double mu = mean[ng], r = rstd[ng];
    double s1 = 0, s2 = 0;  // Σ dy w, Σ dy w (x - mu)
    for (int64_t j = 0; j < Cg; ++j) {
      const int64_t c = (ng % G) * Cg + j, o = ng * D + j * S, nc = ng / G * C + c;
      double a = 0, b = 0;
      grad_sums<T>(dy + o, x + o, nullptr, S, Center<T>(mu), a, b);
      sg[nc] = a, sgx[nc] = b;
      const double wv = weight ? weight[c] : 1;
      s1 += wv * a, s2 += wv * b;
    }
    if (!dx) return;
    const T dm = static_cast<T>(s1 / D), k = static_cast<T>(s2 / D * r * r);
    for (int64_t j = 0; j < Cg; ++j) {
      const int64_t c = (ng % G) * Cg + j, o = ng * D + j * S;
      input_grad<T>(dx + o, dy + o, x + o, S, weight ? weight[c] : T(1), Center<T>(mu), dm, k,
                    static_cast<T>(r));
    }
  });
  for (int64_t c = 0; c < C; ++c) {
    double a = 0, b = 0;
    for (int64_t i = 0; i < N; ++i) {
      a += sg[i * C + c];
      b += sgx[i * C + c] * static_cast<double>(rstd[i * G + c / Cg]);
    }
    if (dbias) dbias[c] = static_cast<T>(a);
    if (dweight) dweight[c] = static_cast<T>(b);
  }
}

#define EMBER_NORM_KERNELS(T)                                                                    \
  template void batch_norm_forward<T>(T*, T*, T*, double*, T*, T*, const T*, const T*, const T*, \
                                      int64_t, int64_t, int64_t, bool, double, double);          \
  template void batch_norm_backward<T>(T*, T*, T*, const T*, const T*, const double*, const T*,  \
                                       const T*, int64_t, int64_t, int64_t, bool);               \
  template void layer_norm_forward<T>(T*, double*, T*, const T*, const T*, const T*, int64_t,    \
                                      int64_t, double);                                          \
  template void layer_norm_backward<T>(T*, T*, T*, const T*, const T*, const double*, const T*,  \
                                       const T*, int64_t, int64_t);                              \
  template void group_norm_forward<T>(T*, double*, T*, const T*, const T*, const T*, int64_t,    \
                                      int64_t, int64_t, int64_t, double);                        \
  template void group_norm_backward<T>(T*, T*, T*, const T*, const T*, const double*, const T*,  \
                                       const T*, int64_t, int64_t, int64_t, int64_t);
EMBER_NORM_KERNELS(float)
EMBER_NORM_KERNELS(double)
#undef EMBER_NORM_KERNELS

}  // namespace ember::kernels
