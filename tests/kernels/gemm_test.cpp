// kernels::gemm against a naive triple loop (every transpose, odd sizes, padded leading dims,
// batches, beta 0/1, float and double), its edge cases, and ember's OpenBLAS kernel selection.
#include "kernels/cpu/gemm.h"

#include <gtest/gtest.h>
#include <strings.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "ember/core/error.h"
#include "ember/core/threads.h"

namespace ember::kernels {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Deterministic values in [-1, 1).
template <class T>
std::vector<T> random_values(size_t n, uint32_t seed) {
  std::vector<T> v(n);
  for (auto& x : v) {
    seed = seed * 1664525u + 1013904223u;
    x = static_cast<T>(static_cast<double>(seed >> 8) / (1 << 23) - 1.0);
  }
  return v;
}

struct Case {
  bool ta, tb;
  int64_t m, n, k;
  int64_t pad;  // extra columns in every leading dimension
  double alpha, beta;
};

// One product with its operands stored as BLAS sees them, the expected result in double and an
// error bound from the magnitudes summed.
template <class T>
struct Problem {
  Case c;
  int64_t lda, ldb, ldc;
  std::vector<T> a, b, c0;
  std::vector<double> expect, bound;

  explicit Problem(const Case& cs, uint32_t seed = 1) : c(cs) {
    const int64_t a_rows = c.ta ? c.k : c.m, a_cols = c.ta ? c.m : c.k;
    const int64_t b_rows = c.tb ? c.n : c.k, b_cols = c.tb ? c.k : c.n;
    lda = a_cols + c.pad;
    ldb = b_cols + c.pad;
    ldc = c.n + c.pad;
    a = random_values<T>(std::max<int64_t>(a_rows * lda, 1), seed);
    b = random_values<T>(std::max<int64_t>(b_rows * ldb, 1), seed + 7);
    c0 = random_values<T>(std::max<int64_t>(c.m * ldc, 1), seed + 13);
    expect.assign(c0.begin(), c0.end());  // padding columns keep their value
    bound.assign(c0.size(), 0.0);
    for (int64_t i = 0; i < c.m; ++i)
      for (int64_t j = 0; j < c.n; ++j) {
        double s = 0, mag = 0;
        for (int64_t p = 0; p < c.k; ++p) {
          const double x = c.ta ? a[p * lda + i] : a[i * lda + p];
          const double y = c.tb ? b[j * ldb + p] : b[p * ldb + j];
          s += x * y;
          mag += std::abs(x * y);
        }
        const double old = c0[i * ldc + j];
        expect[i * ldc + j] = c.alpha * s + (c.beta == 0 ? 0.0 : c.beta * old);
        bound[i * ldc + j] = std::abs(c.alpha) * mag + std::abs(c.beta * old);
      }
  }

  void check(const std::vector<T>& got, const std::string& what) const {
    const double eps = std::numeric_limits<T>::epsilon();
    for (int64_t i = 0; i < c.m; ++i)
      for (int64_t j = 0; j < ldc; ++j) {
        const int64_t at = i * ldc + j;
        const double tol = 2 * (c.k + 2) * eps * bound[at] + 1e-30;
        ASSERT_NEAR(got[at], expect[at], tol)
            << what << " ta=" << c.ta << " tb=" << c.tb << " m=" << c.m << " n=" << c.n
            << " k=" << c.k << " pad=" << c.pad << " alpha=" << c.alpha << " beta=" << c.beta
            << " at (" << i << ", " << j << ")" << (j >= c.n ? " (padding)" : "");
      }
  }

  std::vector<T> run_gemm() const {
    std::vector<T> out = c0;
    gemm(c.ta, c.tb, c.m, c.n, c.k, T(c.alpha), a.data(), lda, b.data(), ldb, T(c.beta), out.data(),
         ldc);
    return out;
  }
};

std::vector<Case> all_cases() {
  // Tiny (inline loop), mid and large (BLAS), odd and skinny shapes.
  const int64_t sizes[][3] = {{1, 1, 1},     {2, 3, 4},       {3, 1, 3},   {3, 5, 7},
                              {16, 16, 16},  {1, 37, 29},     {31, 1, 17}, {17, 33, 9},
                              {64, 65, 66},  {129, 100, 257}, {7, 300, 3}, {200, 5, 190},
                              {257, 129, 64}};
  std::vector<Case> cases;
  for (const auto& s : sizes)
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        for (int64_t pad : {0, 3})
          for (double beta : {0.0, 1.0, -0.5})
            cases.push_back({ta, tb, s[0], s[1], s[2], pad, beta == 1.0 ? 1.0 : -0.75, beta});
  return cases;
}

template <class T>
class GemmTest : public testing::Test {};
using Types = testing::Types<float, double>;
TYPED_TEST_SUITE(GemmTest, Types);

TYPED_TEST(GemmTest, MatchesNaiveLoopForAllTransposesAndShapes) {
  for (const Case& c : all_cases()) {
    Problem<TypeParam> p(c);
    p.check(p.run_gemm(), "gemm");
    if (testing::Test::HasFatalFailure()) return;
  }
}

// gemm picks one of two paths by size; each must be right at every size.
TYPED_TEST(GemmTest, BothPathsMatchNaiveLoopAtEverySize) {
  using T = TypeParam;
  for (const Case& c : all_cases()) {
    Problem<T> p(c);
    std::vector<T> loops = p.c0, blas = p.c0;
    gemm_loops(c.ta, c.tb, c.m, c.n, c.k, T(c.alpha), p.a.data(), p.lda, p.b.data(), p.ldb,
               T(c.beta), loops.data(), p.ldc);
    p.check(loops, "gemm_loops");
    gemm_blas(c.ta, c.tb, c.m, c.n, c.k, T(c.alpha), p.a.data(), p.lda, p.b.data(), p.ldb,
              T(c.beta), blas.data(), p.ldc);
    p.check(blas, "gemm_blas");
    if (testing::Test::HasFatalFailure()) return;
  }
}

TYPED_TEST(GemmTest, BetaZeroOverwritesNaN) {
  using T = TypeParam;
  for (int64_t s : {3, 4, 200}) {  // inline loop and BLAS
    for (bool tb : {false, true}) {
      Problem<T> p({false, tb, s, s + 1, s - 1, 2, 1.0, 0.0});
      std::vector<T> out(p.c0.size(), T(kNaN));
      for (int64_t i = 0; i < s; ++i)  // padding keeps its (finite) value
        for (int64_t j = s + 1; j < p.ldc; ++j) out[i * p.ldc + j] = p.c0[i * p.ldc + j];
      gemm(false, tb, s, s + 1, s - 1, T(1), p.a.data(), p.lda, p.b.data(), p.ldb, T(0), out.data(),
           p.ldc);
      p.check(out, "beta=0 over NaN");
    }
  }
}

TYPED_TEST(GemmTest, EmptyKScalesC) {
  using T = TypeParam;
  std::vector<T> c = {1, 2, 3, 4, 5, 6}, nan_c(6, T(kNaN));
  const T a = T(kNaN), b = T(kNaN);  // never read
  gemm(false, false, 2, 3, 0, T(1), &a, 1, &b, 3, T(2), c.data(), 3);
  EXPECT_EQ(c, (std::vector<T>{2, 4, 6, 8, 10, 12}));
  gemm(true, true, 2, 3, 0, T(1), &a, 2, &b, 1, T(0), nan_c.data(), 3);
  EXPECT_EQ(nan_c, std::vector<T>(6, T(0)));
}

TYPED_TEST(GemmTest, AlphaZeroDoesNotReadAOrB) {  // as reference BLAS: NaN in A stays out of C
  using T = TypeParam;
  for (int64_t s : {3, 100}) {
    std::vector<T> a(s * s, T(kNaN)), b(s * s, T(1)), c(s * s, T(2));
    gemm(false, false, s, s, s, T(0), a.data(), s, b.data(), s, T(0.5), c.data(), s);
    EXPECT_EQ(c, std::vector<T>(s * s, T(1)));
  }
}

TYPED_TEST(GemmTest, EmptyOutputTouchesNothing) {
  using T = TypeParam;
  T x = 5;
  gemm(false, false, 0, 3, 4, T(1), &x, 4, &x, 3, T(0), &x, 3);
  gemm(false, false, 3, 0, 4, T(1), &x, 4, &x, 1, T(0), &x, 1);
  gemm_batched(false, false, 0, 3, 3, 3, T(1), &x, 3, 9, &x, 3, 9, T(0), &x, 3, 9);
  EXPECT_EQ(x, T(5));
}

TYPED_TEST(GemmTest, BatchedMatchesOneByOne) {
  using T = TypeParam;
  // Inline loop and BLAS sizes; batch 5 is split over threads, batch 1 lets BLAS thread.
  const int64_t sizes[][3] = {{2, 3, 4}, {3, 4, 5}, {33, 31, 40}, {150, 130, 140}};
  for (const auto& s : sizes)
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        for (int64_t batch : {1, 5}) {
          const double beta = batch == 1 ? 1.0 : ta ? 0.0 : -1.0;
          const int64_t gap = 7;  // matrices do not touch: strides > sizes
          const Case c{ta, tb, s[0], s[1], s[2], 2, 0.5, beta};
          std::vector<Problem<T>> ps;
          for (int64_t i = 0; i < batch; ++i) ps.emplace_back(c, 100 + 3 * i);
          const Problem<T>& p0 = ps[0];
          const int64_t sa = p0.a.size() + gap, sb = p0.b.size() + gap, sc = p0.c0.size() + gap;
          std::vector<T> a(batch * sa), b(batch * sb), out(batch * sc, T(-9));
          for (int64_t i = 0; i < batch; ++i) {
            std::copy(ps[i].a.begin(), ps[i].a.end(), a.begin() + i * sa);
            std::copy(ps[i].b.begin(), ps[i].b.end(), b.begin() + i * sb);
            std::copy(ps[i].c0.begin(), ps[i].c0.end(), out.begin() + i * sc);
          }
          gemm_batched(ta, tb, batch, c.m, c.n, c.k, T(c.alpha), a.data(), p0.lda, sa, b.data(),
                       p0.ldb, sb, T(c.beta), out.data(), p0.ldc, sc);
          for (int64_t i = 0; i < batch; ++i) {
            ps[i].check(std::vector<T>(out.begin() + i * sc, out.begin() + i * sc + sc - gap),
                        "batch " + std::to_string(i));
            for (int64_t g = sc - gap; g < sc; ++g) ASSERT_EQ(out[i * sc + g], T(-9)) << "gap";
          }
          if (testing::Test::HasFatalFailure()) return;
        }
}

TEST(Gemm, RejectsBadLeadingDimensions) {
  float x[16] = {};
  try {
    gemm(false, false, 2, 3, 4, 1.f, x, 3, x, 3, 0.f, x, 3);
    FAIL() << "expected ember::Error";
  } catch (const ember::Error& e) {
    EXPECT_STREQ(e.what(), "gemm: lda=3 is less than the 4 columns of A as stored (2x4)");
  }
  EXPECT_THROW(gemm(false, true, 2, 3, 4, 1.f, x, 4, x, 3, 0.f, x, 3), ember::Error);   // ldb
  EXPECT_THROW(gemm(false, false, 2, 3, 4, 1.f, x, 4, x, 3, 0.f, x, 2), ember::Error);  // ldc
  EXPECT_THROW(gemm(false, false, -1, 3, 4, 1.f, x, 4, x, 3, 0.f, x, 3), ember::Error);
  EXPECT_THROW(gemm_batched(false, false, -1, 1, 1, 1, 1.f, x, 1, 1, x, 1, 1, 0.f, x, 1, 1),
               ember::Error);
}

// ---- ember's OpenBLAS setup ------------------------------------------------------------------

bool cpu_has_avx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
}

bool is_openblas() { return std::string(blas_config()).starts_with("OpenBLAS"); }

bool is_avx512_core(const char* name) {
  for (const char* c : {"SkylakeX", "Cooperlake", "SapphireRapids"})
    if (strcasecmp(name, c) == 0) return true;
  return false;
}

// The fix must not rot: on an AVX-512 machine GEMM runs AVX-512 kernels unless the user asked
// for others with OPENBLAS_CORETYPE.
TEST(BlasSetup, UsesAvx512KernelsOnAvx512Cpus) {
  if (!is_openblas()) GTEST_SKIP() << "BLAS is not OpenBLAS: " << blas_config();
  if (!__builtin_cpu_supports("avx512f")) GTEST_SKIP() << "no AVX-512 on this CPU";
  if (const char* forced = std::getenv("OPENBLAS_CORETYPE")) {
    EXPECT_STRCASEEQ(blas_core_name(), forced) << "an explicit OPENBLAS_CORETYPE must win";
    return;
  }
  EXPECT_STRNE(blas_core_name(), "Prescott");
  if (cpu_has_avx512()) {
    EXPECT_TRUE(is_avx512_core(blas_core_name()))
        << "OpenBLAS detected " << blas_detected_core_name() << ", ember left " << blas_core_name();
  }
}

// Replays the misdetection of Debian's OpenBLAS on new Xeons (it picks Prescott) on whatever
// machine runs the tests, then checks that ember's rule repairs it and GEMM still computes.
TEST(BlasSetup, RepairsAMisdetectedCore) {
  if (!is_openblas()) GTEST_SKIP() << "BLAS is not OpenBLAS: " << blas_config();
  if (!cpu_has_avx512()) GTEST_SKIP() << "no AVX-512 F/BW/DQ/VL on this CPU";
  const std::string before = blas_core_name();
  const char* env = std::getenv("OPENBLAS_CORETYPE");
  const std::string saved_env = env ? env : "";
  if (env) unsetenv("OPENBLAS_CORETYPE");

  if (std::string(blas_force_core("Prescott")) != "Prescott") {
    GTEST_SKIP() << "this OpenBLAS cannot re-select kernels (not DYNAMIC_ARCH)";
  }
  EXPECT_TRUE(blas_repair_core());
  EXPECT_STREQ(blas_core_name(), "SkylakeX");
  EXPECT_FALSE(blas_repair_core()) << "a second repair must change nothing";
  Problem<float> p({false, true, 300, 200, 100, 1, 1.0, 0.0});
  p.check(p.run_gemm(), "after repair");

  setenv("OPENBLAS_CORETYPE", "Haswell", 1);  // an explicit choice is left alone
  EXPECT_STREQ(blas_force_core("Haswell"), "Haswell");
  EXPECT_FALSE(blas_repair_core());
  EXPECT_STREQ(blas_core_name(), "Haswell");

  if (env) {
    setenv("OPENBLAS_CORETYPE", saved_env.c_str(), 1);
  } else {
    unsetenv("OPENBLAS_CORETYPE");
  }
  EXPECT_STREQ(blas_force_core(before.c_str()), before.c_str());
}

// A threaded BLAS would run its own threads beside ember's pool; ember links OpenBLAS's pthread
// build by its path (cmake/EmberBlas.cmake) and sets it to one thread.
TEST(BlasSetup, RunsOpenBLASOnOneThread) {
  ASSERT_TRUE(is_openblas()) << blas_config();
  EXPECT_TRUE(blas_is_single_threaded()) << blas_config();
  const std::string config = blas_config();
  EXPECT_EQ(config.find("USE_OPENMP"), std::string::npos) << config;
}

// Products large enough to split across the pool give the same result as one BLAS call.
TEST(Gemm, SplitAcrossThePoolMatchesOneCall) {
  const int saved = get_num_threads();
  set_num_threads(2);
  for (auto [m, n, k] : {std::array<int64_t, 3>{300, 40, 200}, {40, 300, 200}, {257, 259, 64}})
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        std::vector<float> a(m * k), b(k * n), c(m * n, 1.f), ref(m * n, 1.f);
        for (size_t i = 0; i < a.size(); ++i) a[i] = std::sin(0.1f * i);
        for (size_t i = 0; i < b.size(); ++i) b[i] = std::cos(0.3f * i);
        const int64_t lda = ta ? m : k, ldb = tb ? k : n;
        gemm(ta, tb, m, n, k, 0.5f, a.data(), lda, b.data(), ldb, 2.f, c.data(), n);
        gemm_blas(ta, tb, m, n, k, 0.5f, a.data(), lda, b.data(), ldb, 2.f, ref.data(), n);
        for (int64_t i = 0; i < m * n; ++i)
          ASSERT_NEAR(c[i], ref[i], 1e-4f * (1 + std::abs(ref[i])))
              << m << "x" << n << "x" << k << " ta=" << ta << " tb=" << tb << " at " << i;
      }
  set_num_threads(saved);
}

}  // namespace
}  // namespace ember::kernels
