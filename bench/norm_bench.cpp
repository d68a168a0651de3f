// Normalization forward and forward+backward in float32: batch_norm2d (64, 32, 28, 28) in
// training mode, batch_norm1d (1024, 256), layer_norm (128, 1024) and group_norm (64, 32, 28, 28)
// with 8 groups, all affine. Uses only the public API, so the same file times an older build side
// by side.
//   bench_norm
//   bench_norm --benchmark_filter=BatchNorm --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include "ember/ember.h"
#include "ember/nn.h"

namespace {

using namespace ember;  // NOLINT

struct Inputs {
  Tensor x, w, b, gy;
};

Inputs make(std::vector<int64_t> shape, std::vector<int64_t> param_shape) {
  manual_seed(0);
  Inputs in;
  in.x = randn(shape).requires_grad_();
  in.w = (rand(param_shape) + 0.5).requires_grad_();
  in.b = randn(param_shape).requires_grad_();
  in.gy = randn(shape);
  return in;
}

template <class Fn>
void forward_only(benchmark::State& state, const Inputs& in, Fn fn) {
  NoGradGuard no_grad;
  for (auto _ : state) {
    Tensor y = fn(in);
    benchmark::DoNotOptimize(y.data_ptr());
  }
  state.SetItemsProcessed(state.iterations() * in.x.numel());
}

template <class Fn>
void forward_backward(benchmark::State& state, const Inputs& in, Fn fn) {
  for (auto _ : state) {
    Tensor y = fn(in);
    autograd::variable_list g = autograd::grad({y}, {in.x, in.w, in.b}, {in.gy});
    benchmark::DoNotOptimize(g[0].data_ptr());
  }
  state.SetItemsProcessed(state.iterations() * in.x.numel());
}

Tensor bn(const Inputs& in) {
  static Tensor rm = zeros({32}), rv = ones({32});
  return batch_norm(in.x, in.w, in.b, rm, rv, /*training=*/true, 0.1, 1e-5);
}
Tensor ln(const Inputs& in) { return layer_norm(in.x, {1024}, in.w, in.b); }
Tensor gn(const Inputs& in) { return group_norm(in.x, 8, in.w, in.b); }

void BM_BatchNorm2dForward(benchmark::State& state) {
  forward_only(state, make({64, 32, 28, 28}, {32}), bn);
}
BENCHMARK(BM_BatchNorm2dForward)->Unit(benchmark::kMicrosecond);

void BM_BatchNorm2dForwardBackward(benchmark::State& state) {
  forward_backward(state, make({64, 32, 28, 28}, {32}), bn);
}
BENCHMARK(BM_BatchNorm2dForwardBackward)->Unit(benchmark::kMicrosecond);

void BM_BatchNorm1dForwardBackward(benchmark::State& state) {  // (N, C): the column path
  forward_backward(state, make({1024, 256}, {256}), [](const Inputs& in) {
    return batch_norm(in.x, in.w, in.b, {}, {}, /*training=*/true, 0.1, 1e-5);
  });
}
BENCHMARK(BM_BatchNorm1dForwardBackward)->Unit(benchmark::kMicrosecond);

void BM_LayerNormForward(benchmark::State& state) {
  forward_only(state, make({128, 1024}, {1024}), ln);
}
BENCHMARK(BM_LayerNormForward)->Unit(benchmark::kMicrosecond);

void BM_LayerNormForwardBackward(benchmark::State& state) {
  forward_backward(state, make({128, 1024}, {1024}), ln);
}
BENCHMARK(BM_LayerNormForwardBackward)->Unit(benchmark::kMicrosecond);

void BM_GroupNormForwardBackward(benchmark::State& state) {
  forward_backward(state, make({64, 32, 28, 28}, {32}), gn);
}
BENCHMARK(BM_GroupNormForwardBackward)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
