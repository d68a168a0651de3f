// Autograd overhead on tiny tensors, where graph recording and the backward engine dominate:
// `(x * b).sum().backward()` on 1-element tensors (the headline number; libtorch 1.13 takes
// about 12.5 µs on this machine), forward-only recording, a 1→100→1 MLP per sample, a long
// chain, autograd::grad and a custom Function.
//   bench_autograd
//   bench_autograd --benchmark_filter=MulSumBackward --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include "ember/ember.h"

namespace {

using namespace ember;  // NOLINT

void BM_MulSumBackward(benchmark::State& state) {
  Tensor x = randn({1}, requires_grad()), b = randn({1});
  for (auto _ : state) (x * b).sum().backward();
  benchmark::DoNotOptimize(x.grad().data_ptr());
}
BENCHMARK(BM_MulSumBackward);

void BM_MulSumBackwardBothLeaves(benchmark::State& state) {
  Tensor x = randn({1}, requires_grad()), b = randn({1}, requires_grad());
  for (auto _ : state) (x * b).sum().backward();
  benchmark::DoNotOptimize(x.grad().data_ptr());
}
BENCHMARK(BM_MulSumBackwardBothLeaves);

void BM_RecordMul(benchmark::State& state) {  // forward with graph recording, no backward
  Tensor x = randn({1}, requires_grad()), b = randn({1});
  for (auto _ : state) {
    Tensor y = x * b;
    benchmark::DoNotOptimize(y.data_ptr());
  }
}
BENCHMARK(BM_RecordMul);

void BM_AddNoGradInputs(benchmark::State& state) {  // grad mode on, no input requires grad
  Tensor a = randn({1}), b = randn({1});
  for (auto _ : state) {
    Tensor c = a + b;
    benchmark::DoNotOptimize(c.data_ptr());
  }
}
BENCHMARK(BM_AddNoGradInputs);

void BM_Chain(benchmark::State& state) {  // y = tanh(y * w + 1) repeated: a deep, thin graph
  const int depth = static_cast<int>(state.range(0));
  Tensor x = randn({1}, requires_grad()), w = randn({1}, requires_grad());
  for (auto _ : state) {
    Tensor y = x;
    for (int i = 0; i < depth; ++i) y = tanh(y * w + 1);
    y.sum().backward();
  }
  state.SetItemsProcessed(state.iterations() * depth);
}
BENCHMARK(BM_Chain)->Arg(10)->Arg(100);

// One sample through a 1→100→1 MLP and back: linear, relu, linear, squared error.
void BM_MlpSample(benchmark::State& state) {
  manual_seed(0);
  Tensor w1 = randn({100, 1}, requires_grad()), b1 = randn({100}, requires_grad());
  Tensor w2 = randn({1, 100}, requires_grad()), b2 = randn({1}, requires_grad());
  Tensor x = randn({1, 1}), t = randn({1, 1});
  for (auto _ : state) {
    for (Tensor* p : {&w1, &b1, &w2, &b2}) p->mutable_grad() = Tensor();
    Tensor h = relu(x.matmul(w1.t()) + b1);
    Tensor y = h.matmul(w2.t()) + b2;
    (y - t).pow(2).sum().backward();
  }
  benchmark::DoNotOptimize(w1.grad().data_ptr());
}
BENCHMARK(BM_MlpSample);

void BM_AutogradGrad(benchmark::State& state) {
  Tensor x = randn({1}, requires_grad()), b = randn({1});
  for (auto _ : state) {
    auto g = autograd::grad({(x * b).sum()}, {x});
    benchmark::DoNotOptimize(g[0].data_ptr());
  }
}
BENCHMARK(BM_AutogradGrad);

struct Square : autograd::Function<Square> {
  static Tensor forward(autograd::AutogradContext* ctx, Tensor x) {
    ctx->save_for_backward({x});
    return x * x;
  }
  static autograd::variable_list backward(autograd::AutogradContext* ctx,
                                          autograd::variable_list g) {
    Tensor x = ctx->get_saved_variables()[0];
    return {g[0] * 2 * x};
  }
};

void BM_CustomFunction(benchmark::State& state) {
  Tensor x = randn({1}, requires_grad());
  for (auto _ : state) Square::apply(x).sum().backward();
  benchmark::DoNotOptimize(x.grad().data_ptr());
}
BENCHMARK(BM_CustomFunction);

}  // namespace

BENCHMARK_MAIN();
