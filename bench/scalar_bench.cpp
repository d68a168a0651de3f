// ember::scalar speed: one micrograd training-step's worth of graph (a 2→16→16→1 MLP over 100
// samples, sum of squared errors) built and back-propagated. bench/scalar_vs_python.sh compares
// BM_MlpBuildBackward with the same work in bench/micrograd_reference.py.
#include <benchmark/benchmark.h>
#include <ember/scalar/nn.h>
#include <ember/scalar/value.h>

#include <cmath>
#include <vector>

namespace {

using ember::scalar::MLP;
using ember::scalar::Value;

constexpr int kSamples = 100;

// The same deterministic points as micrograd_reference.py.
struct Dataset {
  std::vector<double> x0, x1, y;
  Dataset() {
    for (int i = 0; i < kSamples; ++i) {
      x0.push_back(2.0 * std::sin(0.37 * i));
      x1.push_back(1.5 * std::cos(0.91 * i));
      y.push_back(x0.back() * x1.back() > 0 ? 1.0 : -1.0);
    }
  }
};

void BM_MlpBuildBackward(benchmark::State& state) {
  const Dataset data;
  MLP model(2, {16, 16, 1}, 1337);
  for (auto _ : state) {
    model.zero_grad();
    Value loss = 0.0;
    for (int i = 0; i < kSamples; ++i) {
      const Value out = model({data.x0[i], data.x1[i]})[0];
      loss = loss + (out - data.y[i]).pow(2);
    }
    loss.backward();
    benchmark::DoNotOptimize(loss.data());
  }
  state.SetItemsProcessed(state.iterations() * kSamples);
}
BENCHMARK(BM_MlpBuildBackward)->Unit(benchmark::kMicrosecond);

// The engine alone: a chain of n tanh nodes, built, back-propagated and freed.
void BM_ChainBuildBackward(benchmark::State& state) {
  const auto n = state.range(0);
  for (auto _ : state) {
    Value x = 0.5;
    Value y = x;
    for (int64_t i = 0; i < n; ++i) y = y.tanh();
    y.backward();
    benchmark::DoNotOptimize(x.grad());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_ChainBuildBackward)->Arg(1 << 16)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
