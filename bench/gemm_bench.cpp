// GEMM speed: square sgemm/dgemm in GFLOPS, the tiny-product crossover (inline loop vs BLAS),
// batched products (split over threads vs BLAS threads) and the machine's FMA peak.
//   bench_gemm                                  # what ember gives out of the box
//   bench_gemm --core=Prescott                  # force an OpenBLAS kernel set
//   bench_gemm --core=Prescott --repair         # ... then apply ember's repair rule, as at load
//   bench_gemm --benchmark_filter=sgemm --benchmark_repetitions=5
#include <benchmark/benchmark.h>
#include <immintrin.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "../src/kernels/cpu/gemm.h"
#include "../src/kernels/cpu/parallel.h"
#include "ember/core/threads.h"

namespace {

using ember::kernels::gemm;

template <class T>
std::vector<T> random_values(size_t n, uint32_t seed) {
  std::vector<T> v(n);
  for (auto& x : v) {
    seed = seed * 1664525u + 1013904223u;
    x = static_cast<T>(static_cast<double>(seed >> 8) / (1 << 23) - 1.0);
  }
  return v;
}

// Reference check before timing: a few entries of C = A B against a double dot product.
template <class T>
bool spot_check(int64_t m, int64_t n, int64_t k, const T* a, const T* b, const T* c) {
  for (int64_t t = 0; t < 16; ++t) {
    const int64_t i = (t * 7919) % m, j = (t * 104729) % n;
    double s = 0, mag = 0;
    for (int64_t p = 0; p < k; ++p) {
      s += double(a[i * k + p]) * b[p * n + j];
      mag += std::abs(double(a[i * k + p]) * b[p * n + j]);
    }
    if (std::abs(c[i * n + j] - s) > 4.0 * k * std::numeric_limits<T>::epsilon() * mag + 1e-30)
      return false;
  }
  return true;
}

void set_gflops(benchmark::State& state, double flops_per_iter) {
  state.counters["GFLOPS"] =
      benchmark::Counter(flops_per_iter * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// C (n×n) = A B, row-major, buffers allocated once (as a preallocated output would be).
template <class T>
void BM_gemm(benchmark::State& state) {
  const int64_t n = state.range(0);
  auto a = random_values<T>(n * n, 1), b = random_values<T>(n * n, 2);
  std::vector<T> c(n * n);
  gemm(false, false, n, n, n, T(1), a.data(), n, b.data(), n, T(0), c.data(), n);
  if (!spot_check(n, n, n, a.data(), b.data(), c.data())) {
    state.SkipWithError("wrong result");
    return;
  }
  for (auto _ : state) {
    gemm(false, false, n, n, n, T(1), a.data(), n, b.data(), n, T(0), c.data(), n);
    benchmark::ClobberMemory();
  }
  set_gflops(state, 2.0 * n * n * n);
}
BENCHMARK(BM_gemm<float>)->Name("sgemm")->RangeMultiplier(2)->Range(128, 2048)->UseRealTime();
BENCHMARK(BM_gemm<double>)->Name("dgemm")->RangeMultiplier(2)->Range(128, 2048)->UseRealTime();

// Tiny products: ember's inline loop against the BLAS call it makes above kSmallGemm, to place
// the crossover. Arg: n for an n×n×n product.
template <bool kLoops>
void BM_tiny(benchmark::State& state) {
  const int64_t n = state.range(0);
  auto a = random_values<float>(n * n, 1), b = random_values<float>(n * n, 2);
  std::vector<float> c(n * n);
  for (auto _ : state) {
    if (kLoops) {
      ember::kernels::gemm_loops(false, false, n, n, n, 1.f, a.data(), n, b.data(), n, 0.f,
                                 c.data(), n);
    } else {
      ember::kernels::gemm_blas(false, false, n, n, n, 1.f, a.data(), n, b.data(), n, 0.f, c.data(),
                                n);
    }
    benchmark::ClobberMemory();
  }
  set_gflops(state, 2.0 * n * n * n);
}
void tiny_args(benchmark::internal::Benchmark* b) {
  for (int n : {2, 3, 4, 5, 6, 8, 12, 16, 32}) b->Arg(n);
}
BENCHMARK(BM_tiny<true>)->Name("tiny/loops")->Apply(tiny_args);
BENCHMARK(BM_tiny<false>)->Name("tiny/blas")->Apply(tiny_args);

// Batched n×n×n products: ember's gemm_batched, against one BLAS call after another (BLAS
// product is split across the pool) and against a plain parallel_for over the batch.
enum class Batch { kEmber, kSequential, kSplit };
template <Batch kHow>
void BM_batched(benchmark::State& state) {
  const int64_t n = state.range(0), batch = state.range(1), sz = n * n;
  auto a = random_values<float>(batch * sz, 1), b = random_values<float>(batch * sz, 2);
  std::vector<float> c(batch * sz);
  for (auto _ : state) {
    if (kHow == Batch::kEmber) {
      ember::kernels::gemm_batched(false, false, batch, n, n, n, 1.f, a.data(), n, sz, b.data(), n,
                                   sz, 0.f, c.data(), n, sz);
    } else if (kHow == Batch::kSequential) {
      for (int64_t i = 0; i < batch; ++i)
        gemm(false, false, n, n, n, 1.f, a.data() + i * sz, n, b.data() + i * sz, n, 0.f,
             c.data() + i * sz, n);
    } else {
      ember::kernels::parallel_for(0, batch, 1, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i)
          gemm(false, false, n, n, n, 1.f, a.data() + i * sz, n, b.data() + i * sz, n, 0.f,
               c.data() + i * sz, n);
      });
    }
    benchmark::ClobberMemory();
  }
  set_gflops(state, 2.0 * n * n * n * batch);
}
void batched_args(benchmark::internal::Benchmark* b) {
  for (int n : {32, 64, 128, 256, 384}) b->Args({n, 32});
  for (int batch : {2, 3, 5}) b->Args({512, batch});
  b->UseRealTime();
}
BENCHMARK(BM_batched<Batch::kEmber>)->Name("bmm/ember")->Apply(batched_args);
BENCHMARK(BM_batched<Batch::kSequential>)->Name("bmm/sequential")->Apply(batched_args);
BENCHMARK(BM_batched<Batch::kSplit>)->Name("bmm/split")->Apply(batched_args);

// Practical peak: 16 independent FMA chains per thread (covering 4 cycles of FMA latency on 2
// ports with room to spare), no memory traffic.
__attribute__((target("avx512f"))) float fma_avx512(int64_t iters) {
  __m512 acc[16];
  for (auto& v : acc) v = _mm512_setzero_ps();
  const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
  for (int64_t it = 0; it < iters; ++it)
    for (auto& v : acc) v = _mm512_fmadd_ps(v, x, y);
  alignas(64) float f[16];  // not _mm512_reduce_add_ps: GCC 12 warns inside it
  float s = 0;
  for (auto& v : acc) {
    _mm512_store_ps(f, v);
    for (float e : f) s += e;
  }
  return s;
}

__attribute__((target("avx2,fma"))) float fma_avx2(int64_t iters) {
  __m256 acc[16];
  for (auto& v : acc) v = _mm256_setzero_ps();
  const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
  for (int64_t it = 0; it < iters; ++it)
    for (auto& v : acc) v = _mm256_fmadd_ps(v, x, y);
  alignas(32) float f[8];
  float s = 0;
  for (auto& v : acc) {
    _mm256_store_ps(f, v);
    for (float e : f) s += e;
  }
  return s;
}

void BM_peak(benchmark::State& state) {
  const bool avx512 = __builtin_cpu_supports("avx512f");
  if (!avx512 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) {
    state.SkipWithError("no FMA");
    return;
  }
  const int threads = state.range(0) ? static_cast<int>(state.range(0)) : ember::get_num_threads();
  const int64_t iters = 1 << 20;
  double sink = 0;
  std::vector<double> part(threads);
  for (auto _ : state) {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] { part[t] = avx512 ? fma_avx512(iters) : fma_avx2(iters); });
    for (auto& t : pool) t.join();
    for (double p : part) sink += p;
  }
  benchmark::DoNotOptimize(sink);
  state.SetLabel(avx512 ? "AVX-512 FMA" : "AVX2 FMA");
  set_gflops(state, 2.0 * 16 * (avx512 ? 16 : 8) * iters * threads);
}
BENCHMARK(BM_peak)->Name("peak_fma_threads")->Arg(1)->Arg(0)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  // --core=NAME forces an OpenBLAS kernel set, e.g. "Prescott" to replay the misdetection ember
  // repairs; --repair then applies ember's rule (it leaves an OPENBLAS_CORETYPE setting alone).
  std::vector<char*> args;
  std::string forced;
  bool repair = false;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--core=", 7) == 0) {
      forced = argv[i] + 7;
    } else if (std::strcmp(argv[i], "--repair") == 0) {
      repair = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(args.size());
  if (!forced.empty()) ember::kernels::blas_force_core(forced.c_str());
  if (repair) ember::kernels::blas_repair_core();
  benchmark::AddCustomContext("blas_detected", ember::kernels::blas_detected_core_name());
  benchmark::AddCustomContext("blas_forced", forced.empty() ? "(no)" : forced);
  benchmark::AddCustomContext("blas_core", ember::kernels::blas_core_name());
  benchmark::AddCustomContext("blas_config", ember::kernels::blas_config());
  benchmark::AddCustomContext("threads", std::to_string(ember::get_num_threads()));
  const char* env = std::getenv("OPENBLAS_CORETYPE");
  benchmark::AddCustomContext("OPENBLAS_CORETYPE", env ? env : "(unset)");
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
