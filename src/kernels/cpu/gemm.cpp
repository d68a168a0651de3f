// GEMM: argument checks, the tiny-product loop, the BLAS call and batching (see gemm.h).
#include "kernels/cpu/gemm.h"

#include <cblas.h>

#include <algorithm>
#include <climits>

#include "ember/core/error.h"
#include "kernels/cpu/parallel.h"

namespace ember::kernels {
namespace {

void check_args(const char* op, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
                int64_t lda, int64_t ldb, int64_t ldc) {
  EMBER_CHECK(m >= 0 && n >= 0 && k >= 0, op, ": sizes must be non-negative, got m=", m, ", n=", n,
              ", k=", k);
  const int64_t a_cols = trans_a ? m : k, b_cols = trans_b ? k : n;
  EMBER_CHECK(lda >= std::max<int64_t>(a_cols, 1), op, ": lda=", lda, " is less than the ", a_cols,
              " columns of A as stored (", trans_a ? k : m, "x", a_cols, ")");
  EMBER_CHECK(ldb >= std::max<int64_t>(b_cols, 1), op, ": ldb=", ldb, " is less than the ", b_cols,
              " columns of B as stored (", trans_b ? n : k, "x", b_cols, ")");
  EMBER_CHECK(ldc >= std::max<int64_t>(n, 1), op, ": ldc=", ldc, " is less than the ", n,
              " columns of C (", m, "x", n, ")");
  EMBER_CHECK(std::max({m, n, k, lda, ldb, ldc}) <= INT_MAX, op,
              ": sizes and leading dimensions must fit the BLAS's 32-bit int, got m=", m, ", n=", n,
              ", k=", k, ", lda=", lda, ", ldb=", ldb, ", ldc=", ldc);
}

template <class T>
void scale_rows(int64_t m, int64_t n, T beta, T* c, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i) {
    T* ci = c + i * ldc;
    if (beta == T(0)) {
      std::fill(ci, ci + n, T(0));  // overwrite: NaN/Inf in C must not survive beta == 0
    } else if (beta != T(1)) {
      for (int64_t j = 0; j < n; ++j) ci[j] *= beta;
    }
  }
}

// A dot product per element of C: for the tiny products it serves, fewer instructions around
// the arithmetic than an axpy-shaped loop, and C is written once (beta == 0 never reads it).
template <class T>
void loops(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
           int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  if (alpha == T(0)) return scale_rows(m, n, beta, c, ldc);        // A, B not read
  const int64_t a_i = trans_a ? 1 : lda, a_p = trans_a ? lda : 1;  // A(i, p) = a[i a_i + p a_p]
  const int64_t b_p = trans_b ? 1 : ldb, b_j = trans_b ? ldb : 1;  // B(p, j) = b[p b_p + j b_j]
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      T s = 0;
      for (int64_t p = 0; p < k; ++p) s += a[i * a_i + p * a_p] * b[p * b_p + j * b_j];
      T& out = c[i * ldc + j];
      out = beta == T(0) ? alpha * s : alpha * s + beta * out;
    }
}

void cblas(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
              k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void cblas(bool ta, bool tb, int m, int n, int k, double alpha, const double* a, int lda,
           const double* b, int ldb, double beta, double* c, int ldc) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
              k, alpha, a, lda, b, ldb, beta, c, ldc);
}

template <class T>
void blas(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
          const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  // OpenBLAS zero-fills C when beta == 0 (it never multiplies), so NaN in C is overwritten.
  cblas(ta, tb, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha, a,
        static_cast<int>(lda), b, static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

// One checked product with m, n > 0.
template <class T>
void gemm_one(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
              const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  if (k == 0 || alpha == T(0)) return scale_rows(m, n, beta, c, ldc);  // A, B not read
  if (static_cast<double>(m) * n * k <= kSmallGemm)
    return loops(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  blas(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// Rows or columns of C in one unit of a split: a multiple of OpenBLAS's register blocks.
constexpr int64_t kSplitUnit = 16;

// One product on ember's pool: C is cut into blocks of whole rows (when M >= N) or whole columns,
// each a single-threaded BLAS call. Cutting the longer side repeats the packing of the smaller
// operand only (A's M×K when cutting columns, B's K×N when cutting rows).
template <class T>
void gemm_split(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
                const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  const bool rows = m >= n;
  const int64_t len = rows ? m : n, units = (len + kSplitUnit - 1) / kSplitUnit;
  const int64_t unit_cost = kSplitUnit * (rows ? n : m) * k / kMultiplyAddsPerOp;
  parallel_for(0, units, grain_for(unit_cost), [&](int64_t u0, int64_t u1) {
    const int64_t i0 = u0 * kSplitUnit, i1 = std::min(len, u1 * kSplitUnit);
    if (rows) {  // rows i of op(A) and C
      const T* ai = ta ? a + i0 : a + i0 * lda;
      gemm_one(ta, tb, i1 - i0, n, k, alpha, ai, lda, b, ldb, beta, c + i0 * ldc, ldc);
    } else {  // columns j of op(B) and C
      const T* bj = tb ? b + i0 * ldb : b + i0;
      gemm_one(ta, tb, m, i1 - i0, k, alpha, a, lda, bj, ldb, beta, c + i0, ldc);
    }
  });
}

template <class T>
void gemm_impl(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
               const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  check_args("gemm", ta, tb, m, n, k, lda, ldb, ldc);
  if (m == 0 || n == 0) return;
  ensure_blas_setup();
  if (k == 0 || alpha == T(0)) return scale_rows(m, n, beta, c, ldc);  // A, B not read
  gemm_split(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

template <class T>
void gemm_batched_impl(bool ta, bool tb, int64_t batch, int64_t m, int64_t n, int64_t k, T alpha,
                       const T* a, int64_t lda, int64_t sa, const T* b, int64_t ldb, int64_t sb,
                       T beta, T* c, int64_t ldc, int64_t sc) {
  check_args("gemm_batched", ta, tb, m, n, k, lda, ldb, ldc);
  EMBER_CHECK(batch >= 0, "gemm_batched: batch must be non-negative, got ", batch);
  if (batch == 0 || m == 0 || n == 0) return;
  ensure_blas_setup();
  // With at least one product per thread, run whole products side by side, each on one thread:
  // no synchronisation inside a product, one join per batch (measured 1.3-2x faster than
  // splitting each product, from 32³ to 384³; see docs/PERFORMANCE.md). Otherwise each product
  // is split.
  if (batch >= num_threads()) {
    parallel_for(0, batch, grain_for(m * n * k / kMultiplyAddsPerOp), [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i)
        gemm_one(ta, tb, m, n, k, alpha, a + i * sa, lda, b + i * sb, ldb, beta, c + i * sc, ldc);
    });
    return;
  }
  for (int64_t i = 0; i < batch; ++i)
    gemm_impl(ta, tb, m, n, k, alpha, a + i * sa, lda, b + i * sb, ldb, beta, c + i * sc, ldc);
}

}  // namespace

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  gemm_impl(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha,
          const double* a, int64_t lda, const double* b, int64_t ldb, double beta, double* c,
          int64_t ldc) {
  gemm_impl(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm_batched(bool trans_a, bool trans_b, int64_t batch, int64_t m, int64_t n, int64_t k,
                  float alpha, const float* a, int64_t lda, int64_t stride_a, const float* b,
                  int64_t ldb, int64_t stride_b, float beta, float* c, int64_t ldc,
                  int64_t stride_c) {
  gemm_batched_impl(trans_a, trans_b, batch, m, n, k, alpha, a, lda, stride_a, b, ldb, stride_b,
                    beta, c, ldc, stride_c);
}
void gemm_batched(bool trans_a, bool trans_b, int64_t batch, int64_t m, int64_t n, int64_t k,
                  double alpha, const double* a, int64_t lda, int64_t stride_a, const double* b,
                  int64_t ldb, int64_t stride_b, double beta, double* c, int64_t ldc,
                  int64_t stride_c) {
  gemm_batched_impl(trans_a, trans_b, batch, m, n, k, alpha, a, lda, stride_a, b, ldb, stride_b,
                    beta, c, ldc, stride_c);
}

void gemm_loops(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
                int64_t ldc) {
  loops(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void gemm_loops(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha,
                const double* a, int64_t lda, const double* b, int64_t ldb, double beta, double* c,
                int64_t ldc) {
  loops(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm_blas(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
               const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
               int64_t ldc) {
  ensure_blas_setup();
  blas(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void gemm_blas(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha,
               const double* a, int64_t lda, const double* b, int64_t ldb, double beta, double* c,
               int64_t ldc) {
  ensure_blas_setup();
  blas(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace ember::kernels
