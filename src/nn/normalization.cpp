// batch_norm, layer_norm and group_norm. Forward: one pass over the data for the statistics
// (shifted sums, so the variance does not cancel), one for the affine output, on raw pointers.
// Backward: a fused kernel; under create_graph the same formulas written with ember ops, so that
// second derivatives flow through the statistics.
#include "ember/nn/modules/normalization.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <vector>

#include "ember/autograd/grad_mode.h"
#include "ember/nn/init.h"
#include "ops/iter.h"

namespace ember {
namespace {

using ops::apply;
using ops::Node;
using ops::SavedTensor;
using ops::variable_list;

/// Runs f(i) for i in [0, n), with OpenMP only when `work` elements justify it.
template <class F>
void parallel_for(int64_t n, int64_t work, F f) {
  if (work >= kernels::kGrain && n > 1) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) f(i);
  } else {
    for (int64_t i = 0; i < n; ++i) f(i);
  }
}

// Reductions below add T-precision partial sums over blocks of kBlock elements into double
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

std::vector<int64_t> range(int64_t from, int64_t to) {
  std::vector<int64_t> r;
  for (int64_t d = from; d < to; ++d) r.push_back(d);
  return r;
}

/// The normalization's input gradient with ember ops (differentiable again): x, gw (= g · weight)
/// reduced over `dims`; returns dx and sets xhat.
Tensor composite_input_grad(const Tensor& x, const Tensor& gw, IntArrayRef dims, double eps,
                            Tensor& xhat) {
  Tensor xmu = x - x.mean(dims, true);
  Tensor invstd = rsqrt((xmu * xmu).mean(dims, true) + eps);
  xhat = xmu * invstd;
  return invstd * (gw - gw.mean(dims, true) - xhat * (gw * xhat).mean(dims, true));
}

Tensor sum_over(const Tensor& t, const std::vector<int64_t>& dims) {
  return dims.empty() ? t : t.sum(dims);
}

void check_floating(const Tensor& input, const char* op) {
  EMBER_CHECK(input.defined(), op, ": input is undefined");
  EMBER_CHECK(input.is_floating_point(), op, ": expected a floating point input, got ",
              input.scalar_type(), " of shape ", input.sizes());
}

void check_param(const Tensor& t, const char* what, int64_t n, const Tensor& input,
                 const char* op) {
  if (!t.defined()) return;
  EMBER_CHECK(t.numel() == n, op, ": ", what, " should contain ", n, " elements not ", t.numel(),
              " (input of shape ", input.sizes(), ", ", what, " of shape ", t.sizes(), ")");
  EMBER_CHECK(t.scalar_type() == input.scalar_type(), op, ": ", what, " has dtype ",
              t.scalar_type(), " but the input has dtype ", input.scalar_type());
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

/// Column sums of an (N, C) problem: rows(n0, n1, s1, s2) adds rows [n0, n1) into s1[C], s2[C].
/// Above the work threshold each thread sums a contiguous band of rows into its own buffers,
/// added in thread order (deterministic for a given thread count).
template <class Rows>
void column_reduce(int64_t N, int64_t C, double* s1, double* s2, Rows rows) {
  const int nt = N * C >= kernels::kGrain && N > 1 ? kernels::num_threads() : 1;
  if (nt == 1) return rows(0, N, s1, s2);
  std::vector<double> part(static_cast<size_t>(nt * 2 * C), 0.0);
#pragma omp parallel num_threads(nt)
  {
    const int64_t t = 0 /* serial until the norm kernels move to kernels/ */, nthreads = 1;
    double* mine = part.data() + t * 2 * C;
    rows(N * t / nthreads, N * (t + 1) / nthreads, mine, mine + C);
  }
  for (int64_t t = 0; t < nt; ++t)
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

/// Batch norm forward on x (N, C, S): statistics (batch, or running when !training), running
/// statistics update, y. rm/rv/w/b may be null.
template <class T>
void batch_norm_kernel(T* y, T* mean, T* invstd, double* mean_d, T* rm, T* rv, const T* x,
                       const T* w, const T* b, int64_t N, int64_t C, int64_t S, bool training,
                       double momentum, double eps) {
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
    parallel_for(C, N * C * S,
                 [&](int64_t c) { moments(x + c * S, N, S, C * S, mean_d[c], var[c]); });
  }
  ChannelAffine<T> f(C);
  for (int64_t c = 0; c < C; ++c) {
    double is;
    if (training) {
      is = 1 / std::sqrt(var[c] + eps);
      if (rm) rm[c] = static_cast<T>((1 - momentum) * rm[c] + momentum * mean_d[c]);
      if (rv) rv[c] = static_cast<T>((1 - momentum) * rv[c] + momentum * var[c] * M / (M - 1));
    } else {
      mean_d[c] = rm[c];
      is = 1 / std::sqrt(static_cast<double>(rv[c]) + eps);
    }
    mean[c] = static_cast<T>(mean_d[c]), invstd[c] = static_cast<T>(is);
    f.set(c, mean_d[c], is * (w ? w[c] : 1), b ? b[c] : T(0));
  }
  if (S == 1) {
    const T *hi = f.hi.data(), *lo = f.lo.data(), *a = f.a.data(), *sh = f.b.data();
    parallel_for(N, N * C, [&](int64_t n) {
      const T* xn = x + n * C;
      T* yn = y + n * C;
#pragma omp simd
      for (int64_t c = 0; c < C; ++c) yn[c] = ((xn[c] - hi[c]) - lo[c]) * a[c] + sh[c];
    });
    return;
  }
  parallel_for(N * C, N * C * S, [&](int64_t nc) {
    const int64_t c = nc % C;
    affine(y + nc * S, x + nc * S, S, Center<T>(mean_d[c]), f.a[c], f.b[c]);
  });
}

/// Batch norm backward on (N, C, S); mean_d/invstd as forward left them. dx/dw/db/w may be null.
template <class T>
void batch_norm_backward_kernel(T* dx, T* dw, T* db, const T* g, const T* x, const double* mean_d,
                                const T* invstd, const T* w, int64_t N, int64_t C, int64_t S,
                                bool training) {
  const double M = static_cast<double>(N * S);
  std::vector<double> sg(C), sgx(C);  // Σ g, Σ g (x - mean) per channel
  if (dw || db || (dx && training)) {
    if (S == 1) {
      std::vector<T> hi(C), lo(C);
      for (int64_t c = 0; c < C; ++c) {
        const Center<T> m(mean_d[c]);
        hi[c] = m.hi, lo[c] = m.lo;
      }
      column_reduce(N, C, sg.data(), sgx.data(), [&](int64_t n0, int64_t n1, double* a, double* b) {
        column_grad_sums(g + n0 * C, x + n0 * C, hi.data(), lo.data(), n1 - n0, C, a, b);
      });
    } else {
      parallel_for(C, N * C * S, [&](int64_t c) {
        for (int64_t n = 0; n < N; ++n) {
          const int64_t o = (n * C + c) * S;
          grad_sums<T>(g + o, x + o, nullptr, S, Center<T>(mean_d[c]), sg[c], sgx[c]);
        }
      });
    }
  }
  for (int64_t c = 0; c < C; ++c) {
    if (dw) dw[c] = static_cast<T>(sgx[c] * invstd[c]);
    if (db) db[c] = static_cast<T>(sg[c]);
  }
  if (!dx) return;
  // dx = (g - dm - (x - mean) k) invstd w, with dm = Σg / M and k = Σg(x - mean) / M invstd².
  ChannelAffine<T> f(C);
  std::vector<T> dm(C);
  for (int64_t c = 0; c < C; ++c) {
    const double is = invstd[c];
    f.set(c, mean_d[c], is * (w ? w[c] : 1), static_cast<T>(training ? sgx[c] / M * is * is : 0));
    dm[c] = static_cast<T>(training ? sg[c] / M : 0);
  }
  const T *hi = f.hi.data(), *lo = f.lo.data(), *a = f.a.data(), *k = f.b.data(), *pdm = dm.data();
  if (S == 1) {
    parallel_for(N, N * C, [&](int64_t n) {
      const T *xn = x + n * C, *gn = g + n * C;
      T* dxn = dx + n * C;
#pragma omp simd
      for (int64_t c = 0; c < C; ++c)
        dxn[c] = (gn[c] - pdm[c] - ((xn[c] - hi[c]) - lo[c]) * k[c]) * a[c];
    });
    return;
  }
  parallel_for(N * C, N * C * S, [&](int64_t nc) {
    const int64_t c = nc % C;
    input_grad<T>(dx + nc * S, g + nc * S, x + nc * S, S, T(1), Center<T>(mean_d[c]), pdm[c], k[c],
                  a[c]);
  });
}

// ---- batch_norm -------------------------------------------------------------------------------

struct NativeBatchNorm {
  static constexpr const char* name = "NativeBatchNormBackward0";
  bool training;
  double momentum, eps;
  Tensor running_mean, running_var;  // forward only (updated in place), then dropped
  Tensor mean, invstd;               // (C), filled by forward: batch or running statistics
  std::vector<double> mean_d;        // mean in double, for the fused backward
  SavedTensor x, w;

  Tensor forward(const Tensor& input, const Tensor& weight, const Tensor& bias) {
    x = input;
    if (weight.defined()) w = weight;
    const int64_t N = input.size(0), C = input.size(1),
                  S = input.numel() / std::max<int64_t>(N * C, 1);
    Tensor xc = input.contiguous();
    Tensor out = ops::new_empty(input.sizes(), input.scalar_type());
    Tensor wc = weight.defined() ? weight.contiguous() : Tensor();
    Tensor bc = bias.defined() ? bias.contiguous() : Tensor();
    Tensor rm = running_mean.defined() ? running_mean.contiguous() : Tensor();
    Tensor rv = running_var.defined() ? running_var.contiguous() : Tensor();
    mean_d.assign(C, 0.0);
    EMBER_DISPATCH_FLOATING(input.scalar_type(), "batch_norm", [&] {
      using T = scalar_t;
      batch_norm_kernel<T>(
          out.data_ptr<T>(), mean.data_ptr<T>(), invstd.data_ptr<T>(), mean_d.data(),
          rm.defined() ? rm.data_ptr<T>() : nullptr, rv.defined() ? rv.data_ptr<T>() : nullptr,
          xc.data_ptr<T>(), wc.defined() ? wc.data_ptr<T>() : nullptr,
          bc.defined() ? bc.data_ptr<T>() : nullptr, N, C, S, training, momentum, eps);
    });
    if (training) {
      for (auto [r, rc] : {std::pair{running_mean, rm}, std::pair{running_var, rv}}) {
        if (!r.defined()) continue;
        if (!r.is_same(rc)) r.copy_(rc);
        r.impl()->storage()->bump_version();
      }
    }
    running_mean.reset(), running_var.reset();
    return out;
  }

  variable_list backward(const Tensor& grad, const Node& n) {
    const Tensor input = x.unpack();
    const Tensor weight = w.defined() ? w.unpack() : Tensor();
    const bool need_x = n.should_compute_output(0), need_w = n.should_compute_output(1),
               need_b = n.should_compute_output(2);
    if (GradMode::is_enabled()) {  // create_graph: differentiable formulas
      const std::vector<int64_t> dims = [&] {
        std::vector<int64_t> d = range(0, input.dim());
        d.erase(d.begin() + 1);
        return d;
      }();
      DimVector bshape(input.dim(), 1);
      bshape[1] = input.size(1);
      Tensor gw = weight.defined() ? grad * weight.view(bshape) : grad;
      Tensor xhat, dx;
      if (training) {
        dx = composite_input_grad(input, gw, dims, eps, xhat);
      } else {
        xhat = (input - mean.view(bshape)) * invstd.view(bshape);
        dx = gw * invstd.view(bshape);
      }
      return {need_x ? dx : Tensor(), need_w ? (grad * xhat).sum(dims) : Tensor(),
              need_b ? grad.sum(dims) : Tensor()};
    }
    const int64_t N = input.size(0), C = input.size(1),
                  S = input.numel() / std::max<int64_t>(N * C, 1);
    Tensor xc = input.contiguous(), gc = grad.contiguous();
    Tensor wc = weight.defined() ? weight.contiguous() : Tensor();
    Tensor dx = need_x ? ops::new_empty(input.sizes(), input.scalar_type()) : Tensor();
    Tensor dw = need_w ? ops::new_empty({C}, input.scalar_type()) : Tensor();
    Tensor db = need_b ? ops::new_empty({C}, input.scalar_type()) : Tensor();
    EMBER_DISPATCH_FLOATING(input.scalar_type(), "batch_norm_backward", [&] {
      using T = scalar_t;
      batch_norm_backward_kernel<T>(
          need_x ? dx.data_ptr<T>() : nullptr, need_w ? dw.data_ptr<T>() : nullptr,
          need_b ? db.data_ptr<T>() : nullptr, gc.data_ptr<T>(), xc.data_ptr<T>(), mean_d.data(),
          invstd.data_ptr<T>(), wc.defined() ? wc.data_ptr<T>() : nullptr, N, C, S, training);
    });
    return {dx, dw, db};
  }
};

void check_batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias,
                      const Tensor& running_mean, const Tensor& running_var, bool training) {
  const char* op = "batch_norm";
  check_floating(input, op);
  EMBER_CHECK(input.dim() >= 2, op, ": expected an input of shape (N, C, *) with at least 2 dims, ",
              "got ", input.sizes());
  const int64_t C = input.size(1);
  check_param(weight, "weight", C, input, op);
  check_param(bias, "bias", C, input, op);
  check_param(running_mean, "running_mean", C, input, op);
  check_param(running_var, "running_var", C, input, op);
  EMBER_CHECK(training || (running_mean.defined() && running_var.defined()), op,
              ": running_mean and running_var must be defined in evaluation mode (input of shape ",
              input.sizes(), ")");
  if (training) {
    EMBER_CHECK(input.numel() / C != 1, op,
                ": Expected more than 1 value per channel when training, got input size ",
                input.sizes());
  }
  for (const Tensor* r : {&running_mean, &running_var})
    if (r->defined())
      EMBER_CHECK(!r->requires_grad(), op, ": running statistics must not require grad");
}

// ---- layer_norm -------------------------------------------------------------------------------

/// tw += g xhat, tb += g over a row of K (xhat = ((x - hi) - lo) r).
template <class T>
void accumulate_params(T* tw, T* tb, const T* g, const T* x, int64_t K, Center<T> mu, T r) {
#pragma omp simd
  for (int64_t k = 0; k < K; ++k) {
    tw[k] += g[k] * (((x[k] - mu.hi) - mu.lo) * r);
    tb[k] += g[k];
  }
}

/// Layer norm backward on (M, K) rows: dx, and dweight/dbias summed over rows (one buffer per
/// thread, added at the end). Any of dx, dw, db may be null.
template <class T>
void layer_norm_backward_kernel(T* dx, T* dw, T* db, const T* g, const T* x, const double* mean,
                                const T* rstd, const T* w, int64_t M, int64_t K) {
  const bool params = dw || db;
  const int nt = M * K >= kernels::kGrain && M > 1 ? kernels::num_threads() : 1;
  std::vector<double> acc(params ? static_cast<size_t>(nt * 2 * K) : 0, 0.0);
#pragma omp parallel num_threads(nt) if (nt > 1)
  {
    double* aw = params ? acc.data() + static_cast<size_t>(0 /* serial until the norm kernels move to kernels/ */ * 2 * K) : nullptr;
    double* ab = params ? aw + K : nullptr;
    // Column sums in T over up to kBlock rows, then added into this thread's doubles.
    std::vector<T> block(params ? 2 * K : 0, T(0));
    T *tw = block.data(), *tb = tw + K;
    int64_t pending = 0;
    auto flush = [&] {
      for (int64_t k = 0; k < K; ++k) aw[k] += tw[k], ab[k] += tb[k];
      std::fill(block.begin(), block.end(), T(0));
      pending = 0;
    };
#pragma omp for schedule(static)
    for (int64_t i = 0; i < M; ++i) {
      const T *xi = x + i * K, *gi = g + i * K;
      const Center<T> mu(mean[i]);
      const T r = rstd[i];
      if (params) {
        accumulate_params(tw, tb, gi, xi, K, mu, r);
        if (++pending == kBlock) flush();
      }
      if (!dx) continue;
      double s1 = 0, s2 = 0;  // Σ g w, Σ g w (x - mu)
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
  }
  for (int64_t k = 0; params && k < K; ++k) {
    double sw = 0, sb = 0;
    for (int t = 0; t < nt; ++t) {
      sw += acc[t * 2 * K + k];
      sb += acc[t * 2 * K + K + k];
    }
    if (dw) dw[k] = static_cast<T>(sw);
    if (db) db[k] = static_cast<T>(sb);
  }
}

/// Layer norm forward on (M, K) rows; w and b may be null.
template <class T>
void layer_norm_kernel(T* y, double* mean, T* rstd, const T* x, const T* w, const T* b, int64_t M,
                       int64_t K, double eps) {
  parallel_for(M, M * K, [&](int64_t i) {
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

struct NativeLayerNorm {
  static constexpr const char* name = "NativeLayerNormBackward0";
  int64_t M, K;    // rows, normalized elements per row
  int64_t k_dims;  // number of normalized (trailing) dims
  double eps;
  std::vector<double> mean;  // (M)
  Tensor rstd;               // (M)
  SavedTensor x, w;

  Tensor forward(const Tensor& input, const Tensor& weight, const Tensor& bias) {
    x = input;
    if (weight.defined()) w = weight;
    Tensor xc = input.contiguous();
    Tensor out = ops::new_empty(input.sizes(), input.scalar_type());
    mean.assign(M, 0.0);
    rstd = ops::new_empty({M}, input.scalar_type());
    Tensor wc = weight.defined() ? weight.contiguous() : Tensor();
    Tensor bc = bias.defined() ? bias.contiguous() : Tensor();
    EMBER_DISPATCH_FLOATING(input.scalar_type(), "layer_norm", [&] {
      layer_norm_kernel<scalar_t>(out.data_ptr<scalar_t>(), mean.data(), rstd.data_ptr<scalar_t>(),
                                  xc.data_ptr<scalar_t>(),
                                  wc.defined() ? wc.data_ptr<scalar_t>() : nullptr,
                                  bc.defined() ? bc.data_ptr<scalar_t>() : nullptr, M, K, eps);
    });
    return out;
  }

  variable_list backward(const Tensor& grad, const Node& n) {
    const Tensor input = x.unpack();
    const Tensor weight = w.defined() ? w.unpack() : Tensor();
    const bool need_x = n.should_compute_output(0), need_w = n.should_compute_output(1),
               need_b = n.should_compute_output(2);
    if (GradMode::is_enabled()) {  // create_graph: differentiable formulas
      const int64_t nd = input.dim();
      const std::vector<int64_t> dims = range(nd - k_dims, nd), lead = range(0, nd - k_dims);
      Tensor gw = weight.defined() ? grad * weight : grad;
      Tensor xhat, dx = composite_input_grad(input, gw, dims, eps, xhat);
      return {need_x ? dx : Tensor(), need_w ? sum_over(grad * xhat, lead) : Tensor(),
              need_b ? sum_over(grad, lead) : Tensor()};
    }
    Tensor xc = input.contiguous(), gc = grad.contiguous();
    Tensor wc = weight.defined() ? weight.contiguous() : Tensor();
    Tensor dx = need_x ? ops::new_empty(input.sizes(), input.scalar_type()) : Tensor();
    DimVector pshape = weight.defined() ? DimVector(weight.sizes()) : DimVector(1, K);
    Tensor dw = need_w ? ops::new_empty(pshape, input.scalar_type()) : Tensor();
    Tensor db = need_b ? ops::new_empty(pshape, input.scalar_type()) : Tensor();
    EMBER_DISPATCH_FLOATING(input.scalar_type(), "layer_norm_backward", [&] {
      layer_norm_backward_kernel<scalar_t>(
          need_x ? dx.data_ptr<scalar_t>() : nullptr, need_w ? dw.data_ptr<scalar_t>() : nullptr,
          need_b ? db.data_ptr<scalar_t>() : nullptr, gc.data_ptr<scalar_t>(),
          xc.data_ptr<scalar_t>(), mean.data(), rstd.data_ptr<scalar_t>(),
          wc.defined() ? wc.data_ptr<scalar_t>() : nullptr, M, K);
    });
    return {dx, dw, db};
  }
};

// ---- group_norm -------------------------------------------------------------------------------

struct NativeGroupNorm {
  static constexpr const char* name = "NativeGroupNormBackward0";
  int64_t N, C, S, G;  // batch, channels, elements per channel, groups
  double eps;
  std::vector<double> mean;  // (N, G)
  Tensor rstd;               // (N, G)
  SavedTensor x, w;

  Tensor forward(const Tensor& input, const Tensor& weight, const Tensor& bias) {
    x = input;
    if (weight.defined()) w = weight;
    Tensor xc = input.contiguous();
    Tensor out = ops::new_empty(input.sizes(), input.scalar_type());
    mean.assign(N * G, 0.0);
    rstd = ops::new_empty({N, G}, input.scalar_type());
    Tensor wc = weight.defined() ? weight.contiguous() : Tensor();
    Tensor bc = bias.defined() ? bias.contiguous() : Tensor();
    const int64_t Cg = C / G, D = Cg * S;
    EMBER_DISPATCH_FLOATING(input.scalar_type(), "group_norm", [&] {
      using T = scalar_t;
      const T* px = xc.data_ptr<T>();
      T* py = out.data_ptr<T>();
      double* pm = mean.data();
      T* pr = rstd.data_ptr<T>();
      const T* pw = wc.defined() ? wc.data_ptr<T>() : nullptr;
      const T* pb = bc.defined() ? bc.data_ptr<T>() : nullptr;
      parallel_for(N * G, N * C * S, [&](int64_t ng) {
        double mu, var;
        moments(px + ng * D, 1, D, 0, mu, var);
        const double r = 1 / std::sqrt(var + eps);
        pm[ng] = mu, pr[ng] = static_cast<T>(r);
        for (int64_t j = 0; j < Cg; ++j) {
          const int64_t c = (ng % G) * Cg + j, o = ng * D + j * S;
          const double a = r * (pw ? pw[c] : 1);
          affine(py + o, px + o, S, Center<T>(mu), static_cast<T>(a), pb ? pb[c] : T(0));
        }
      });
    });
    return out;
  }

  variable_list backward(const Tensor& grad, const Node& n) {
    const Tensor input = x.unpack();
    const Tensor weight = w.defined() ? w.unpack() : Tensor();
    const bool need_x = n.should_compute_output(0), need_w = n.should_compute_output(1),
               need_b = n.should_compute_output(2);
    if (GradMode::is_enabled()) {  // create_graph: differentiable formulas
      DimVector bshape(input.dim(), 1);
      bshape[1] = C;
      std::vector<int64_t> dims = range(0, input.dim());
      dims.erase(dims.begin() + 1);
      Tensor gw = weight.defined() ? grad * weight.view(bshape) : grad;
      Tensor xhat, dx = composite_input_grad(input.reshape({N, G, -1}), gw.reshape({N, G, -1}), {2},
                                             eps, xhat);
      xhat = xhat.view(input.sizes());
      return {need_x ? dx.view(input.sizes()) : Tensor(),
              need_w ? (grad * xhat).sum(dims) : Tensor(), need_b ? grad.sum(dims) : Tensor()};
    }
    Tensor xc = input.contiguous(), gc = grad.contiguous();
    Tensor wc = weight.defined() ? weight.contiguous() : Tensor();
    Tensor dx = need_x ? ops::new_empty(input.sizes(), input.scalar_type()) : Tensor();
    Tensor dw = need_w ? ops::new_empty({C}, input.scalar_type()) : Tensor();
    Tensor db = need_b ? ops::new_empty({C}, input.scalar_type()) : Tensor();
    const int64_t Cg = C / G, D = Cg * S;
    EMBER_DISPATCH_FLOATING(input.scalar_type(), "group_norm_backward", [&] {
      using T = scalar_t;
      const T *px = xc.data_ptr<T>(), *pg = gc.data_ptr<T>();
      const double* pm = mean.data();
      const T* pr = rstd.data_ptr<T>();
      const T* pw = wc.defined() ? wc.data_ptr<T>() : nullptr;
      T* pdx = need_x ? dx.data_ptr<T>() : nullptr;
      // Per (n, c): Σ g and Σ g (x - mu); reduced over n for dweight and dbias afterwards.
      std::vector<double> sg(N * C), sgx(N * C);
      parallel_for(N * G, N * C * S, [&](int64_t ng) {
        const double mu = pm[ng], r = pr[ng];
        double s1 = 0, s2 = 0;  // Σ g w, Σ g w (x - mu)
        for (int64_t j = 0; j < Cg; ++j) {
          const int64_t c = (ng % G) * Cg + j, o = ng * D + j * S, nc = ng / G * C + c;
          double a = 0, b = 0;
          grad_sums<T>(pg + o, px + o, nullptr, S, Center<T>(mu), a, b);
          sg[nc] = a, sgx[nc] = b;
          const double wv = pw ? pw[c] : 1;
          s1 += wv * a, s2 += wv * b;
        }
        if (!pdx) return;
        const T dm = static_cast<T>(s1 / D), k = static_cast<T>(s2 / D * r * r);
        for (int64_t j = 0; j < Cg; ++j) {
          const int64_t c = (ng % G) * Cg + j, o = ng * D + j * S;
          input_grad<T>(pdx + o, pg + o, px + o, S, pw ? pw[c] : T(1), Center<T>(mu), dm, k,
                        static_cast<T>(r));
        }
      });
      for (int64_t c = 0; c < C; ++c) {
        double a = 0, b = 0;
        for (int64_t i = 0; i < N; ++i) {
          const int64_t g = c / Cg;
          a += sg[i * C + c];
          b += sgx[i * C + c] * static_cast<double>(pr[i * G + g]);
        }
        if (need_b) db.data_ptr<T>()[c] = static_cast<T>(a);
        if (need_w) dw.data_ptr<T>()[c] = static_cast<T>(b);
      }
    });
    return {dx, dw, db};
  }
};

}  // namespace

std::tuple<Tensor, Tensor, Tensor> native_batch_norm(const Tensor& input, const Tensor& weight,
                                                     const Tensor& bias, const Tensor& running_mean,
                                                     const Tensor& running_var, bool training,
                                                     double momentum, double eps) {
  check_batch_norm(input, weight, bias, running_mean, running_var, training);
  if (input.numel() == 0) return {input.clone(), Tensor(), Tensor()};  // nothing to normalize
  NativeBatchNorm op;
  op.training = training, op.momentum = momentum, op.eps = eps;
  op.running_mean = running_mean, op.running_var = running_var;
  op.mean = ops::new_empty({input.size(1)}, input.scalar_type());
  op.invstd = ops::new_empty({input.size(1)}, input.scalar_type());
  Tensor mean = op.mean, invstd = op.invstd;
  Tensor out = apply(std::move(op), input, weight, bias);
  if (!training) return {out, Tensor(), Tensor()};
  return {out, mean, invstd};
}

Tensor batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias,
                  const Tensor& running_mean, const Tensor& running_var, bool training,
                  double momentum, double eps, bool /*cudnn_enabled*/) {
  return std::get<0>(
      native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps));
}

Tensor layer_norm(const Tensor& input, IntArrayRef normalized_shape, const Tensor& weight,
                  const Tensor& bias, double eps, bool /*cudnn_enable*/) {
  const char* op = "layer_norm";
  check_floating(input, op);
  const int64_t k = static_cast<int64_t>(normalized_shape.size());
  EMBER_CHECK(k >= 1, op, ": normalized_shape must have at least one dimension, got ",
              normalized_shape);
  bool ok = input.dim() >= k;
  for (int64_t i = 0; ok && i < k; ++i) ok = input.size(input.dim() - k + i) == normalized_shape[i];
  EMBER_CHECK(
      ok, op, ": Given normalized_shape=", normalized_shape, ", expected input with shape [*, ",
      [&] {
        std::ostringstream os;
        for (int64_t i = 0; i < k; ++i) os << (i ? ", " : "") << normalized_shape[i];
        return os.str();
      }(),
      "], but got input of size ", input.sizes());
  for (auto [t, what] : {std::pair{&weight, "weight"}, std::pair{&bias, "bias"}}) {
    if (!t->defined()) continue;
    EMBER_CHECK(t->sizes() == normalized_shape, op, ": Expected ", what, " to be of same shape as ",
                "normalized_shape, but got ", what, " of shape ", t->sizes(),
                " and normalized_shape = ", normalized_shape);
    EMBER_CHECK(t->scalar_type() == input.scalar_type(), op, ": ", what, " has dtype ",
                t->scalar_type(), " but the input has dtype ", input.scalar_type());
  }
  NativeLayerNorm ln;
  ln.K = 1;
  for (int64_t s : normalized_shape) ln.K *= s;
  ln.M = ln.K ? input.numel() / ln.K : 0;
  ln.eps = eps;
  ln.k_dims = k;
  if (input.numel() == 0) return input.clone();
  return apply(std::move(ln), input, weight, bias);
}

Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight, const Tensor& bias,
                  double eps, bool /*cudnn_enabled*/) {
  const char* op = "group_norm";
  check_floating(input, op);
  EMBER_CHECK(input.dim() >= 2, op, ": expected an input of shape (N, C, *) with at least 2 dims, ",
              "got ", input.sizes());
  const int64_t C = input.size(1);
  EMBER_CHECK(num_groups > 0 && C % num_groups == 0, op,
              ": Expected number of channels in input to be divisible by num_groups, but got "
              "input of shape ",
              input.sizes(), " and num_groups=", num_groups);
  check_param(weight, "weight", C, input, op);
  check_param(bias, "bias", C, input, op);
  NativeGroupNorm gn;
  gn.N = input.size(0), gn.C = C, gn.G = num_groups, gn.eps = eps;
  gn.S = gn.N * C != 0 ? input.numel() / (gn.N * C) : 0;
  if (input.numel() == 0) return input.clone();
  return apply(std::move(gn), input, weight, bias);
}

Tensor instance_norm(const Tensor& input, const Tensor& weight, const Tensor& bias,
                     const Tensor& running_mean, const Tensor& running_var, bool use_input_stats,
                     double momentum, double eps, bool /*cudnn_enabled*/) {
  const char* op = "instance_norm";
  check_floating(input, op);
  EMBER_CHECK(input.dim() >= 3, op, ": expected an input of shape (N, C, *) with at least 3 dims, ",
              "got ", input.sizes());
  EMBER_CHECK(
      use_input_stats || (running_mean.defined() && running_var.defined()), op,
      ": Expected running_mean and running_var to be defined when use_input_stats is false");
  const int64_t N = input.size(0), C = input.size(1);
  check_param(weight, "weight", C, input, op);
  check_param(bias, "bias", C, input, op);
  check_param(running_mean, "running_mean", C, input, op);
  check_param(running_var, "running_var", C, input, op);
  auto repeat = [&](const Tensor& t) { return t.defined() ? t.repeat({N}) : Tensor(); };
  Tensor rm = repeat(running_mean), rv = repeat(running_var);
  DimVector shape(input.sizes());
  shape[0] = 1, shape[1] = N * C;
  Tensor out = batch_norm(input.contiguous().view(shape), repeat(weight), repeat(bias), rm, rv,
                          use_input_stats, momentum, eps);
  if (use_input_stats) {  // the repeated copies were updated; average them back
    NoGradGuard no_grad;
    if (running_mean.defined()) Tensor(running_mean).copy_(rm.view({N, C}).mean({0}));
    if (running_var.defined()) Tensor(running_var).copy_(rv.view({N, C}).mean({0}));
  }
  return out.view(input.sizes());
}

namespace nn::functional {

Tensor instance_norm(const Tensor& input, const InstanceNormFuncOptions& options) {
  return detail::instance_norm(input, options.running_mean(), options.running_var(),
                               options.weight(), options.bias(), options.use_input_stats(),
                               options.momentum(), options.eps());
}

Tensor normalize(const Tensor& input, const NormalizeFuncOptions& options) {
  EMBER_CHECK(input.defined(), "normalize: input is undefined");
  Tensor denom = input.norm(options.p(), {options.dim()}, true).clamp_min(options.eps());
  return input / denom.expand_as(input);
}

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& options) {
  return detail::batch_norm(input, running_mean, running_var, options.weight(), options.bias(),
                            options.training(), options.momentum(), options.eps());
}

Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options) {
  return ::ember::layer_norm(input, options.normalized_shape(), options.weight(), options.bias(),
                             options.eps());
}

Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& options) {
  return ::ember::group_norm(input, options.num_groups(), options.weight(), options.bias(),
                             options.eps());
}

namespace detail {
Tensor instance_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                     const Tensor& weight, const Tensor& bias, bool use_input_stats,
                     double momentum, double eps) {
  return ::ember::instance_norm(input, weight, bias, running_mean, running_var, use_input_stats,
                                momentum, eps);
}

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, bool training,
                  std::optional<double> momentum, double eps) {
  EMBER_CHECK(momentum.has_value() || !training || !running_mean.defined(),
              "batch_norm: momentum must have a value when updating running statistics (the "
              "cumulative average belongs to the BatchNorm modules)");
  return ::ember::batch_norm(input, weight, bias, running_mean, running_var, training,
                             momentum.value_or(0.0), eps);
}
}  // namespace detail

}  // namespace nn::functional

namespace nn {

// ---- modules ----------------------------------------------------------------------------------

template <size_t D, class Derived>
BatchNormImplBase<D, Derived>::BatchNormImplBase(const BatchNormOptions& options)
    : Cloneable<Derived>("BatchNorm" + std::to_string(D) + "d"), options(options) {
  reset();
}

template <size_t D, class Derived>
void BatchNormImplBase<D, Derived>::reset() {
  const int64_t C = options.num_features();
  EMBER_CHECK(C > 0, this->name(), ": num_features must be positive, got ", C);
  weight = this->register_parameter("weight", options.affine() ? empty({C}) : Tensor(),
                                    options.affine());
  bias =
      this->register_parameter("bias", options.affine() ? empty({C}) : Tensor(), options.affine());
  const bool track = options.track_running_stats();
  running_mean = this->register_buffer("running_mean", track ? zeros({C}) : Tensor());
  running_var = this->register_buffer("running_var", track ? ones({C}) : Tensor());
  num_batches_tracked = this->register_buffer(
      "num_batches_tracked", track ? zeros({}, TensorOptions().dtype(kLong)) : Tensor());
  reset_parameters();
}

template <size_t D, class Derived>
void BatchNormImplBase<D, Derived>::reset_running_stats() {
  if (!options.track_running_stats()) return;
  NoGradGuard no_grad;
  running_mean.zero_();
  running_var.fill_(1);
  num_batches_tracked.zero_();
}

template <size_t D, class Derived>
void BatchNormImplBase<D, Derived>::reset_parameters() {
  reset_running_stats();
  if (options.affine()) {
    init::ones_(weight);
    init::zeros_(bias);
  }
}

template <size_t D, class Derived>
void BatchNormImplBase<D, Derived>::pretty_print(std::ostream& os) const {
  os << std::boolalpha << "torch::nn::BatchNorm" << D << "d(" << options.num_features()
     << ", eps=" << options.eps() << ", momentum=";
  if (options.momentum())
    os << *options.momentum();
  else
    os << "None";
  os << ", affine=" << options.affine() << ", track_running_stats=" << options.track_running_stats()
     << ")";
}

template <size_t D, class Derived>
void BatchNormImplBase<D, Derived>::check_input_dim(const Tensor& input) const {
  EMBER_CHECK(input.defined(), this->name(), ": input is undefined");
  const int64_t d = input.dim();
  if (D == 1) {
    EMBER_CHECK(d == 2 || d == 3, this->name(), ": expected 2D or 3D input (got ", d,
                "D input of shape ", input.sizes(), ")");
  } else {
    EMBER_CHECK(d == static_cast<int64_t>(D) + 2, this->name(), ": expected ", D + 2,
                "D input (got ", d, "D input of shape ", input.sizes(), ")");
  }
  EMBER_CHECK(input.size(1) == options.num_features(), this->name(), ": expected input with ",
              options.num_features(), " channels (num_features) in dim 1, got input of shape ",
              input.sizes());
}

template <size_t D, class Derived>
Tensor BatchNormImplBase<D, Derived>::forward(const Tensor& input) {
  check_input_dim(input);
  double factor = options.momentum().value_or(0.0);
  if (this->is_training() && options.track_running_stats() && num_batches_tracked.defined()) {
    {
      NoGradGuard no_grad;
      num_batches_tracked.add_(1);
    }
    if (!options.momentum())  // cumulative moving average
      factor = 1.0 / static_cast<double>(num_batches_tracked.template item<int64_t>());
  }
  return ::ember::batch_norm(input, weight, bias, running_mean, running_var,
                             this->is_training() || !options.track_running_stats(), factor,
                             options.eps());
}

template class BatchNormImplBase<1, BatchNorm1dImpl>;
template class BatchNormImplBase<2, BatchNorm2dImpl>;
template class BatchNormImplBase<3, BatchNorm3dImpl>;

template <size_t D, class Derived>
InstanceNormImplBase<D, Derived>::InstanceNormImplBase(const InstanceNormOptions& options)
    : Cloneable<Derived>("InstanceNorm" + std::to_string(D) + "d"), options(options) {
  reset();
}

template <size_t D, class Derived>
void InstanceNormImplBase<D, Derived>::reset() {
  const int64_t C = options.num_features();
  EMBER_CHECK(C > 0, this->name(), ": num_features must be positive, got ", C);
  const bool affine = options.affine(), track = options.track_running_stats();
  weight = this->register_parameter("weight", affine ? ::ember::empty({C}) : Tensor(), affine);
  bias = this->register_parameter("bias", affine ? ::ember::empty({C}) : Tensor(), affine);
  running_mean = this->register_buffer("running_mean", track ? zeros({C}) : Tensor());
  running_var = this->register_buffer("running_var", track ? ones({C}) : Tensor());
  num_batches_tracked = this->register_buffer(
      "num_batches_tracked", track ? zeros({}, TensorOptions().dtype(kLong)) : Tensor());
  reset_parameters();
}

template <size_t D, class Derived>
void InstanceNormImplBase<D, Derived>::reset_running_stats() {
  if (!options.track_running_stats()) return;
  NoGradGuard no_grad;
  running_mean.zero_();
  running_var.fill_(1);
  num_batches_tracked.zero_();
}

template <size_t D, class Derived>
void InstanceNormImplBase<D, Derived>::reset_parameters() {
  reset_running_stats();
  if (options.affine()) {
    init::ones_(weight);
    init::zeros_(bias);
  }
}

template <size_t D, class Derived>
void InstanceNormImplBase<D, Derived>::pretty_print(std::ostream& os) const {
  os << std::boolalpha << "torch::nn::InstanceNorm" << D << "d(" << options.num_features()
     << ", eps=" << options.eps() << ", momentum=" << options.momentum()
     << ", affine=" << options.affine() << ", track_running_stats=" << options.track_running_stats()
     << ")";
}

template <size_t D, class Derived>
Tensor InstanceNormImplBase<D, Derived>::forward(const Tensor& input) {
  EMBER_CHECK(input.defined() && (input.dim() == static_cast<int64_t>(D) + 1 ||
                                  input.dim() == static_cast<int64_t>(D) + 2),
              this->name(), ": expected ", D + 1, "D (unbatched) or ", D + 2, "D input (got ",
              input.defined() ? input.dim() : 0, "D input of shape ",
              input.defined() ? input.sizes() : IntArrayRef(), ")");
  if (input.dim() == static_cast<int64_t>(D) + 1) return forward(input.unsqueeze(0)).squeeze(0);
  EMBER_CHECK(!options.affine() || input.size(1) == options.num_features(), this->name(),
              ": expected input with ", options.num_features(),
              " channels (num_features) in dim 1, got input of shape ", input.sizes());
  return ::ember::instance_norm(input, weight, bias, running_mean, running_var,
                                this->is_training() || !options.track_running_stats(),
                                options.momentum(), options.eps());
}

template class InstanceNormImplBase<1, InstanceNorm1dImpl>;
template class InstanceNormImplBase<2, InstanceNorm2dImpl>;
template class InstanceNormImplBase<3, InstanceNorm3dImpl>;

LayerNormImpl::LayerNormImpl(LayerNormOptions options)
    : Cloneable("LayerNorm"), options(std::move(options)) {
  reset();
}

void LayerNormImpl::reset() {
  for (int64_t s : options.normalized_shape())
    EMBER_CHECK(s > 0, "LayerNorm: normalized_shape must be positive, got ",
                IntArrayRef(options.normalized_shape()));
  const bool affine = options.elementwise_affine();
  weight = register_parameter(
      "weight", affine ? ::ember::empty(options.normalized_shape()) : Tensor(), affine);
  bias = register_parameter("bias", affine ? ::ember::empty(options.normalized_shape()) : Tensor(),
                            affine);
  reset_parameters();
}

void LayerNormImpl::reset_parameters() {
  if (!options.elementwise_affine()) return;
  init::ones_(weight);
  init::zeros_(bias);
}

void LayerNormImpl::pretty_print(std::ostream& os) const {
  os << std::boolalpha << "torch::nn::LayerNorm(" << IntArrayRef(options.normalized_shape())
     << ", eps=" << options.eps() << ", elementwise_affine=" << options.elementwise_affine() << ")";
}

Tensor LayerNormImpl::forward(const Tensor& input) {
  return layer_norm(input, options.normalized_shape(), weight, bias, options.eps());
}

GroupNormImpl::GroupNormImpl(const GroupNormOptions& options)
    : Cloneable("GroupNorm"), options(options) {
  reset();
}

void GroupNormImpl::reset() {
  const int64_t G = options.num_groups(), C = options.num_channels();
  EMBER_CHECK(G > 0 && C > 0 && C % G == 0, "GroupNorm: num_channels must be divisible by ",
              "num_groups, got num_channels=", C, " and num_groups=", G);
  weight = register_parameter("weight", options.affine() ? empty({C}) : Tensor(), options.affine());
  bias = register_parameter("bias", options.affine() ? empty({C}) : Tensor(), options.affine());
  reset_parameters();
}

void GroupNormImpl::reset_parameters() {
  if (!options.affine()) return;
  init::ones_(weight);
  init::zeros_(bias);
}

void GroupNormImpl::pretty_print(std::ostream& os) const {
  os << std::boolalpha << "torch::nn::GroupNorm(" << options.num_groups() << ", "
     << options.num_channels() << ", eps=" << options.eps() << ", affine=" << options.affine()
     << ")";
}

Tensor GroupNormImpl::forward(const Tensor& input) {
  EMBER_CHECK(input.defined() && input.dim() >= 2 && input.size(1) == options.num_channels(),
              "GroupNorm: expected input of shape (N, ", options.num_channels(),
              ", *) (num_channels), got ", input.defined() ? input.sizes() : IntArrayRef());
  return group_norm(input, options.num_groups(), weight, bias, options.eps());
}

}  // namespace nn
}  // namespace ember
