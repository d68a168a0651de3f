// LeNet training step at batch 64 (PyTorch's MNIST example: conv 1→10 k5, max-pool 2, ReLU;
// conv 10→20 k5, dropout, max-pool 2, ReLU; fc 320→50, ReLU, dropout; fc 50→10; log-softmax,
// NLL; SGD lr 0.01 momentum 0.5), built from the functional conv/pool ops and ember ops, the
// same network built from modules, and the layers on their own (plus an embedding lookup).
//   bench_lenet
//   bench_lenet --benchmark_filter=LeNetStep --benchmark_repetitions=5
// Measured 2026-11-23 on the 2-core AMD EPYC VM (quiet moments; the machine is shared), with
// the session's OPENBLAS_CORETYPE=Haswell: 3.3–3.7 ms per step with 2 threads, 4.7–5.0 ms with
// one (2.7–2.9 ms with 2 threads when OpenBLAS may use its SkylakeX kernels). The same workload
// in libtorch 1.13 (bench/compare/lenet.cpp): 5.9–6.5 ms (its default here is 1 thread), 3.7 ms
// with OMP_NUM_THREADS=2. Of ember's single-thread step, GEMM is ~45%, dropout's noise ~28%,
// im2col/col2im ~12%, pooling ~3%. Under CPU contention libgomp's default active waiting makes
// 2-thread runs many times slower; OMP_WAIT_POLICY=passive avoids that.
#include <benchmark/benchmark.h>

#include <cmath>

#include "ember/ember.h"
#include "ember/nn.h"
#include "ember/optim.h"

namespace {

using namespace ember;  // NOLINT

/// Parameters with PyTorch's default init bounds (uniform ±1/√fan_in).
Tensor param(std::vector<int64_t> shape, int64_t fan_in) {
  const double b = 1 / std::sqrt(static_cast<double>(fan_in));
  return (rand(shape) * (2 * b) - b).requires_grad_(true);
}

struct LeNet {
  Tensor c1w = param({10, 1, 5, 5}, 25), c1b = param({10}, 25);
  Tensor c2w = param({20, 10, 5, 5}, 250), c2b = param({20}, 250);
  Tensor f1w = param({50, 320}, 320), f1b = param({50}, 320);
  Tensor f2w = param({10, 50}, 50), f2b = param({10}, 50);
  std::vector<Tensor> parameters() const { return {c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b}; }

  Tensor forward(const Tensor& input) const {
    Tensor x = relu(max_pool2d(conv2d(input, c1w, c1b), 2));
    x = relu(max_pool2d(dropout(conv2d(x, c2w, c2b), 0.5, true), 2));
    x = relu(addmm(f1b, x.view({-1, 320}), f1w.t()));
    x = dropout(x, 0.5, true);
    return log_softmax(addmm(f2b, x, f2w.t()), 1);
  }
};

Tensor nll(const Tensor& logp, const Tensor& target) {
  return -logp.gather(1, target.unsqueeze(1)).mean();
}

void BM_LeNetStep(benchmark::State& state) {
  manual_seed(0);
  LeNet net;
  optim::SGD opt(net.parameters(), optim::SGDOptions(0.01).momentum(0.5));
  std::vector<Tensor> inputs, targets;
  for (int i = 0; i < 8; ++i) {
    inputs.push_back(randn({64, 1, 28, 28}));
    targets.push_back(randint(0, 10, {64}));
  }
  int k = 0;
  double loss_sum = 0;
  for (auto _ : state) {
    const int i = k++ % 8;
    opt.zero_grad();
    Tensor loss = nll(net.forward(inputs[i]), targets[i]);
    loss.backward();
    opt.step();
    loss_sum += loss.item<double>();
  }
  if (!std::isfinite(loss_sum)) state.SkipWithError("loss is not finite");
  state.counters["images/s"] =
      benchmark::Counter(64.0 * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LeNetStep)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The same network written with modules, as a libtorch user would (nn::Conv2d, nn::Linear).
struct NetImpl : nn::Module {
  NetImpl()
      : conv1(register_module("conv1", nn::Conv2d(1, 10, 5))),
        conv2(register_module("conv2", nn::Conv2d(10, 20, 5))),
        fc1(register_module("fc1", nn::Linear(320, 50))),
        fc2(register_module("fc2", nn::Linear(50, 10))) {}
  Tensor forward(Tensor x) {
    x = relu(max_pool2d(conv1(x), 2));
    x = relu(max_pool2d(dropout(conv2(x), 0.5, is_training()), 2));
    x = relu(fc1(x.view({-1, 320})));
    x = dropout(x, 0.5, is_training());
    return log_softmax(fc2(x), 1);
  }
  nn::Conv2d conv1, conv2;
  nn::Linear fc1, fc2;
};
EMBER_MODULE(Net);

void BM_LeNetModulesStep(benchmark::State& state) {
  manual_seed(0);
  Net net;
  optim::SGD opt(net->parameters(), optim::SGDOptions(0.01).momentum(0.5));
  Tensor input = randn({64, 1, 28, 28}), target = randint(0, 10, {64});
  for (auto _ : state) {
    opt.zero_grad();
    Tensor loss = nll(net(input), target);
    loss.backward();
    opt.step();
    benchmark::DoNotOptimize(loss.item<double>());
  }
}
BENCHMARK(BM_LeNetModulesStep)->Unit(benchmark::kMillisecond);

// The layers alone, forward or forward + backward (input gradient not needed for conv1).
void BM_Conv1Forward(benchmark::State& state) {
  Tensor x = randn({64, 1, 28, 28}), w = randn({10, 1, 5, 5}), b = randn({10});
  for (auto _ : state) benchmark::DoNotOptimize(conv2d(x, w, b).data_ptr());
}
BENCHMARK(BM_Conv1Forward)->Unit(benchmark::kMicrosecond);

void BM_Conv1ForwardBackward(benchmark::State& state) {
  Tensor x = randn({64, 1, 28, 28});
  Tensor w = randn({10, 1, 5, 5}).requires_grad_(true), b = randn({10}).requires_grad_(true);
  Tensor g = randn({64, 10, 24, 24});
  for (auto _ : state) {
    auto grads = autograd::grad({conv2d(x, w, b)}, {w, b}, {g});
    benchmark::DoNotOptimize(grads[0].data_ptr());
  }
}
BENCHMARK(BM_Conv1ForwardBackward)->Unit(benchmark::kMicrosecond);

void BM_Conv2ForwardBackward(benchmark::State& state) {
  Tensor x = randn({64, 10, 12, 12}).requires_grad_(true);
  Tensor w = randn({20, 10, 5, 5}).requires_grad_(true), b = randn({20}).requires_grad_(true);
  Tensor g = randn({64, 20, 8, 8});
  for (auto _ : state) {
    auto grads = autograd::grad({conv2d(x, w, b)}, {x, w, b}, {g});
    benchmark::DoNotOptimize(grads[0].data_ptr());
  }
}
BENCHMARK(BM_Conv2ForwardBackward)->Unit(benchmark::kMicrosecond);

void BM_MaxPoolForwardBackward(benchmark::State& state) {
  Tensor x = randn({64, 10, 24, 24}).requires_grad_(true);
  Tensor g = randn({64, 10, 12, 12});
  for (auto _ : state) {
    auto grads = autograd::grad({max_pool2d(x, 2)}, {x}, {g});
    benchmark::DoNotOptimize(grads[0].data_ptr());
  }
}
BENCHMARK(BM_MaxPoolForwardBackward)->Unit(benchmark::kMicrosecond);

// An embedding lookup and its weight gradient (a 10000 x 128 table, 64 x 32 indices): the
// gather and the scatter-add of nn::Embedding in a language model's first layer.
void BM_EmbeddingForwardBackward(benchmark::State& state) {
  manual_seed(0);
  Tensor w = randn({10000, 128}).requires_grad_(true);
  Tensor idx = randint(0, 10000, {64, 32});
  Tensor g = randn({64, 32, 128});
  for (auto _ : state) {
    auto grads = autograd::grad({embedding(w, idx)}, {w}, {g});
    benchmark::DoNotOptimize(grads[0].data_ptr());
  }
}
BENCHMARK(BM_EmbeddingForwardBackward)->Unit(benchmark::kMicrosecond);

}  // namespace
BENCHMARK_MAIN();
