// GEMM on raw row-major pointers: C = alpha * op(A) @ op(B) + beta * C, op(X) = X or Xᵀ.
// Large products go to OpenBLAS on one thread, split across ember's thread pool; blas_setup.cpp
// first points OpenBLAS at the fastest kernels this CPU supports; tiny ones run an inline loop that
// beats BLAS's call overhead. No Tensor here: the ops layer (ops/linalg.cpp) passes pointers and
// strides.
#pragma once

#include <cstdint>

namespace ember::kernels {

// M, N, K are the sizes of op(A) (M×K) and op(B) (K×N); C is M×N. lda/ldb/ldc are the row
// strides of A, B, C as stored (A is stored K×M when trans_a). beta == 0 overwrites C (NaN in C
// does not propagate); k == 0 or alpha == 0 gives C = beta * C without reading A or B.
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha,
          const double* a, int64_t lda, const double* b, int64_t ldb, double beta, double* c,
          int64_t ldc);

// `batch` independent GEMMs; matrix i starts at a + i * stride_a (likewise b, c), in elements.
void gemm_batched(bool trans_a, bool trans_b, int64_t batch, int64_t m, int64_t n, int64_t k,
                  float alpha, const float* a, int64_t lda, int64_t stride_a, const float* b,
                  int64_t ldb, int64_t stride_b, float beta, float* c, int64_t ldc,
                  int64_t stride_c);
void gemm_batched(bool trans_a, bool trans_b, int64_t batch, int64_t m, int64_t n, int64_t k,
                  double alpha, const double* a, int64_t lda, int64_t stride_a, const double* b,
                  int64_t ldb, int64_t stride_b, double beta, double* c, int64_t ldc,
                  int64_t stride_c);

// The two paths gemm chooses between, exposed for tests and bench/gemm_bench.cpp: the inline
// loop (used up to kSmallGemm) and the BLAS call (used above). Same contract as gemm, but
// without argument checks.
void gemm_loops(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
                int64_t ldc);
void gemm_loops(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha,
                const double* a, int64_t lda, const double* b, int64_t ldb, double beta, double* c,
                int64_t ldc);
void gemm_blas(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
               const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
               int64_t ldc);
void gemm_blas(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha,
               const double* a, int64_t lda, const double* b, int64_t ldb, double beta, double* c,
               int64_t ldc);

// Products with m * n * k at or below this run gemm_loops instead of BLAS. Measured (see
// docs/PERFORMANCE.md): the loop takes 8 ns at 2³ and 16 ns at 3³ where a BLAS call takes 15-19
// ns (AVX-512 kernels) or ~40 ns (AVX2); from 4³ on, OpenBLAS's AVX-512 small-matrix kernels win.
constexpr int64_t kSmallGemm = 32;

// --- BLAS setup (blas_setup.cpp) -----------------------------------------------------------

// Runs ember's BLAS setup once (it also runs when the library loads); cheap after that.
void ensure_blas_setup();

// The kernel set the BLAS uses after ember's setup, e.g. "SkylakeX"; "unknown" when the BLAS
// is not OpenBLAS.
const char* blas_core_name();

// What OpenBLAS picked on its own before ember's setup (e.g. "Haswell" or "Prescott" on CPUs
// 0.3.21 does not know); equal to blas_core_name() when ember changed nothing.
const char* blas_detected_core_name();

// OpenBLAS's build string, e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY USE_OPENMP
// SkylakeX MAX_THREADS=64"; "unknown" for another BLAS. For diagnostics: OpenBLAS builds it in
// a static buffer, so do not call it from two threads at once.
const char* blas_config();

// True when the BLAS runs on one thread (ember sets OpenBLAS's pthread build to one thread):
// large products are split across ember's pool instead (gemm.cpp).
bool blas_is_single_threaded();

// ember's rule, applied once at load: when the CPU (and OS) support AVX-512 F/BW/DQ/VL, OpenBLAS
// chose a kernel set without AVX-512 and the user did not set OPENBLAS_CORETYPE, switch
// OpenBLAS to its SkylakeX kernels. Returns true when it switched. Like blas_force_core, it
// must not run while another thread is inside BLAS.
bool blas_repair_core();

// Re-runs OpenBLAS's kernel selection as if OPENBLAS_CORETYPE=name (a DYNAMIC_ARCH OpenBLAS
// only; otherwise nothing happens) and returns blas_core_name(). For tests and benchmarks:
// not thread-safe against concurrent BLAS calls.
const char* blas_force_core(const char* name);

}  // namespace ember::kernels
