// Per-op overhead of the tensor layer without autograd: `a + b` on 1- and 100-element tensors
// (the headline small-tensor number), plus the other cheap ops a training loop is made of.
//   bench_tensor
//   bench_tensor --benchmark_filter=Add --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include "ember/ember.h"

namespace {

using namespace ember;  // NOLINT

void BM_Add(benchmark::State& state) {
  const int64_t n = state.range(0);
  Tensor a = randn({n}), b = randn({n});
  for (auto _ : state) {
    Tensor c = a + b;
    benchmark::DoNotOptimize(c.data_ptr());
  }
}
BENCHMARK(BM_Add)->Arg(1)->Arg(100)->Arg(10000);

void BM_AddRequiresGradNoGradMode(benchmark::State& state) {  // the optimizer's case
  Tensor a = randn({1}, requires_grad()), b = randn({1});
  NoGradGuard no_grad;
  for (auto _ : state) {
    Tensor c = a + b;
    benchmark::DoNotOptimize(c.data_ptr());
  }
}
BENCHMARK(BM_AddRequiresGradNoGradMode);

void BM_MulScalar(benchmark::State& state) {
  Tensor a = randn({state.range(0)});
  for (auto _ : state) {
    Tensor c = a * 2.0;
    benchmark::DoNotOptimize(c.data_ptr());
  }
}
BENCHMARK(BM_MulScalar)->Arg(1)->Arg(100);

void BM_AddInplace(benchmark::State& state) {
  Tensor a = randn({state.range(0)}), b = randn({state.range(0)});
  for (auto _ : state) benchmark::DoNotOptimize(a.add_(b).data_ptr());
}
BENCHMARK(BM_AddInplace)->Arg(1)->Arg(100);

void BM_Sum(benchmark::State& state) {
  Tensor a = randn({state.range(0)});
  for (auto _ : state) {
    Tensor s = a.sum();
    benchmark::DoNotOptimize(s.data_ptr());
  }
}
BENCHMARK(BM_Sum)->Arg(1)->Arg(100);

void BM_Empty(benchmark::State& state) {
  for (auto _ : state) {
    Tensor t = empty({state.range(0)});
    benchmark::DoNotOptimize(t.data_ptr());
  }
}
BENCHMARK(BM_Empty)->Arg(1)->Arg(100);

void BM_View(benchmark::State& state) {
  Tensor a = randn({4, 25});
  for (auto _ : state) {
    Tensor v = a.view({100});
    benchmark::DoNotOptimize(v.data_ptr());
  }
}
BENCHMARK(BM_View);

void BM_Select(benchmark::State& state) {
  Tensor a = randn({4, 25});
  for (auto _ : state) {
    Tensor v = a[1];
    benchmark::DoNotOptimize(v.data_ptr());
  }
}
BENCHMARK(BM_Select);

void BM_TensorCopy(benchmark::State& state) {  // handle copy: one ref-count increment
  Tensor a = randn({1});
  for (auto _ : state) {
    Tensor b = a;
    benchmark::DoNotOptimize(b.unsafeGetTensorImpl());
  }
}
BENCHMARK(BM_TensorCopy);

}  // namespace

BENCHMARK_MAIN();
