// Optimizer steps on small parameters, where per-step overhead dominates: the headline is an
// Adam step on the four parameters of a 1→100→1 MLP (301 floats), alone and inside a whole
// per-sample training step (forward, backward, step; libtorch 1.13 takes about 123 µs for the
// whole step on this machine). Also SGD/RMSprop/Adagrad on the same parameters, and single
// parameters of 4K to 1M floats for Adam, AdamW and SGD (1M: the memory-bound regime).
//   bench_optim
//   bench_optim --benchmark_filter=AdamStep --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include "ember/ember.h"
#include "ember/nn.h"
#include "ember/optim.h"

namespace {

using namespace ember;  // NOLINT

struct Mlp {
  Tensor w1, b1, w2, b2;
  Mlp() {
    manual_seed(0);
    w1 = randn({100, 1}, requires_grad());
    b1 = randn({100}, requires_grad());
    w2 = randn({1, 100}, requires_grad());
    b2 = randn({1}, requires_grad());
    for (Tensor* p : {&w1, &b1, &w2, &b2}) p->mutable_grad() = randn(p->sizes()) * 1e-3;
  }
  std::vector<Tensor> parameters() const { return {w1, b1, w2, b2}; }
};

template <class Opt, class Options>
void step_only(benchmark::State& state, Options options) {
  Mlp mlp;
  Opt opt(mlp.parameters(), options);
  for (auto _ : state) opt.step();
  benchmark::DoNotOptimize(mlp.w1.data_ptr());
}

void BM_AdamStep(benchmark::State& state) {
  step_only<optim::Adam>(state, optim::AdamOptions(1e-3));
}
BENCHMARK(BM_AdamStep);

void BM_AdamStepAmsgradWeightDecay(benchmark::State& state) {
  step_only<optim::Adam>(state, optim::AdamOptions(1e-3).amsgrad(true).weight_decay(1e-4));
}
BENCHMARK(BM_AdamStepAmsgradWeightDecay);

void BM_AdamWStep(benchmark::State& state) {
  step_only<optim::AdamW>(state, optim::AdamWOptions(1e-3));
}
BENCHMARK(BM_AdamWStep);

void BM_SGDStep(benchmark::State& state) { step_only<optim::SGD>(state, optim::SGDOptions(1e-3)); }
BENCHMARK(BM_SGDStep);

void BM_SGDMomentumNesterovStep(benchmark::State& state) {
  step_only<optim::SGD>(state, optim::SGDOptions(1e-3).momentum(0.9).nesterov(true));
}
BENCHMARK(BM_SGDMomentumNesterovStep);

void BM_RMSpropCenteredMomentumStep(benchmark::State& state) {
  step_only<optim::RMSprop>(state, optim::RMSpropOptions(1e-3).centered(true).momentum(0.9));
}
BENCHMARK(BM_RMSpropCenteredMomentumStep);

void BM_AdagradStep(benchmark::State& state) {
  step_only<optim::Adagrad>(state, optim::AdagradOptions(1e-2));
}
BENCHMARK(BM_AdagradStep);

void BM_ZeroGrad(benchmark::State& state) {
  Mlp mlp;
  optim::Adam adam(mlp.parameters());
  for (auto _ : state) {
    adam.zero_grad(false);
  }
  benchmark::DoNotOptimize(mlp.w1.grad().data_ptr());
}
BENCHMARK(BM_ZeroGrad);

// The whole per-sample training step of the headline: forward, backward, Adam step.
void BM_MlpSampleAdamTrainStep(benchmark::State& state) {
  Mlp mlp;
  optim::Adam adam(mlp.parameters(), optim::AdamOptions(1e-3));
  Tensor x = randn({1, 1}), t = randn({1, 1});
  for (auto _ : state) {
    adam.zero_grad();
    Tensor h = relu(x.matmul(mlp.w1.t()) + mlp.b1);
    Tensor y = h.matmul(mlp.w2.t()) + mlp.b2;
    (y - t).pow(2).sum().backward();
    adam.step();
  }
  benchmark::DoNotOptimize(mlp.w1.data_ptr());
}
BENCHMARK(BM_MlpSampleAdamTrainStep);

// The same with nn::Linear modules (what a user writes).
void BM_MlpModuleAdamTrainStep(benchmark::State& state) {
  manual_seed(0);
  nn::Sequential net(nn::Linear(1, 100), nn::Functional([](const Tensor& v) { return relu(v); }),
                     nn::Linear(100, 1));
  optim::Adam adam(net->parameters(), optim::AdamOptions(1e-3));
  Tensor x = randn({1, 1}), t = randn({1, 1});
  for (auto _ : state) {
    adam.zero_grad();
    (net->forward(x) - t).pow(2).sum().backward();
    adam.step();
  }
}
BENCHMARK(BM_MlpModuleAdamTrainStep);

// One parameter of state.range(0) floats: 1M is memory-bound and split across threads; 4K and
// 64K sit around the size where splitting starts to pay.
template <class Opt, class Options>
void step_large(benchmark::State& state, Options options, int64_t state_buffers) {
  const int64_t n = state.range(0);
  Tensor w = randn({n}, requires_grad());
  w.mutable_grad() = randn({n});
  Opt opt(std::vector<Tensor>{w}, options);
  for (auto _ : state) opt.step();
  // Bytes read and written: parameter (r+w), gradient (r), each state buffer (r+w).
  state.SetBytesProcessed(state.iterations() * n * 4 * (3 + 2 * state_buffers));
}

void BM_AdamStepLarge(benchmark::State& state) {
  step_large<optim::Adam>(state, optim::AdamOptions(1e-3), 2);
}
BENCHMARK(BM_AdamStepLarge)->Arg(1 << 12)->Arg(1 << 16)->Arg(1 << 20);

void BM_AdamWStepLarge(benchmark::State& state) {
  step_large<optim::AdamW>(state, optim::AdamWOptions(1e-3), 2);
}
BENCHMARK(BM_AdamWStepLarge)->Arg(1 << 20);

void BM_SGDStepLarge(benchmark::State& state) {
  step_large<optim::SGD>(state, optim::SGDOptions(1e-3), 0);
}
BENCHMARK(BM_SGDStepLarge)->Arg(1 << 12)->Arg(1 << 16)->Arg(1 << 20);

void BM_SGDMomentumStepLarge(benchmark::State& state) {
  step_large<optim::SGD>(state, optim::SGDOptions(1e-3).momentum(0.9), 1);
}
BENCHMARK(BM_SGDMomentumStepLarge)->Arg(1 << 12)->Arg(1 << 16)->Arg(1 << 20);

}  // namespace

BENCHMARK_MAIN();
