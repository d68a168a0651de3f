// Data loading throughput on MNIST-sized data (60000 × 784 floats, batch 64), in batches/s:
//   PerExample      libtorch's path: get(i) per example, then Stack (torch::stack) — reference
//   Gathered        TensorDataset + Stack: the rows copied once into the batch tensors
//   GatheredNormal  the same with Normalize (applied once to the stacked batch)
//   LoaderEpoch     a full shuffled epoch through make_data_loader, workers 0/1/2 (fast path)
//   LoaderSlowEpoch the same with the per-example dataset
// Each variant is first checked against PerExample on the same indices.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "ember/data.h"
#include "ember/ember.h"

namespace {

using namespace ember;        // NOLINT
using namespace ember::data;  // NOLINT

constexpr int64_t kN = 60000, kFeatures = 784, kBatch = 64;

struct Mnistish {
  Tensor x = rand({kN, 1, 28, 28});
  Tensor y = randint(10, {kN});
};
const Mnistish& data() {
  static const Mnistish d;
  return d;
}

/// The per-example reference (what a libtorch Dataset subclass does).
struct PerExample : datasets::Dataset<PerExample> {
  PerExample(Tensor x, Tensor y) : x(std::move(x)), y(std::move(y)) {}
  Example<> get(size_t i) override {
    return {x[static_cast<int64_t>(i)], y[static_cast<int64_t>(i)]};
  }
  std::optional<size_t> size() const override { return x.size(0); }
  Tensor x, y;
};

std::vector<size_t> random_batch(uint32_t& state) {
  std::vector<size_t> idx(kBatch);
  for (auto& i : idx) {
    state = state * 1664525u + 1013904223u;
    i = state % kN;
  }
  return idx;
}

template <class Ds>
void check_same(Ds& ds) {
  uint32_t s = 1;
  const auto idx = random_batch(s);
  auto ref = PerExample(data().x, data().y)
                 .map(transforms::Normalize<>(0.5, 0.25))
                 .map(transforms::Stack<>())
                 .get_batch(idx);
  Example<> got = ds.get_batch(idx);
  if (got.data.sizes() == ref.data.sizes() && got.data.equal(ref.data) &&
      got.target.equal(ref.target))
    return;
  // Without Normalize the reference differs: compare against the un-normalized one.
  auto raw = PerExample(data().x, data().y).map(transforms::Stack<>()).get_batch(idx);
  if (!(got.data.equal(raw.data) && got.target.equal(raw.target))) {
    std::fprintf(stderr, "data_bench: batch differs from the per-example reference\n");
    std::abort();
  }
}

template <class Ds>
void run_batches(benchmark::State& state, Ds ds) {
  check_same(ds);
  uint32_t s = 7;
  for (auto _ : state) {
    Example<> b = ds.get_batch(random_batch(s));
    benchmark::DoNotOptimize(b.data.data_ptr());
  }
  state.counters["batches/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(state.iterations() * kBatch * kFeatures * 4);
}

void PerExampleStack(benchmark::State& state) {
  run_batches(state, PerExample(data().x, data().y).map(transforms::Stack<>()));
}
void Gathered(benchmark::State& state) {
  run_batches(state, datasets::TensorDataset(data().x, data().y).map(transforms::Stack<>()));
}
void PerExampleNormal(benchmark::State& state) {
  run_batches(state, PerExample(data().x, data().y)
                         .map(transforms::Normalize<>(0.5, 0.25))
                         .map(transforms::Stack<>()));
}
void GatheredNormal(benchmark::State& state) {
  run_batches(state, datasets::TensorDataset(data().x, data().y)
                         .map(transforms::Normalize<>(0.5, 0.25))
                         .map(transforms::Stack<>()));
}

template <class Ds>
void run_epoch(benchmark::State& state, Ds ds) {
  manual_seed(0);
  auto loader = make_data_loader(std::move(ds), DataLoaderOptions().batch_size(kBatch).workers(
                                                    static_cast<size_t>(state.range(0))));
  int64_t batches = 0;
  for (auto _ : state) {
    for (auto& b : *loader) {
      benchmark::DoNotOptimize(b.data.data_ptr());
      ++batches;
    }
  }
  state.counters["batches/s"] = benchmark::Counter(batches, benchmark::Counter::kIsRate);
}

void LoaderEpoch(benchmark::State& state) {
  run_epoch(state, datasets::TensorDataset(data().x, data().y)
                       .map(transforms::Normalize<>(0.5, 0.25))
                       .map(transforms::Stack<>()));
}
void LoaderSlowEpoch(benchmark::State& state) {
  run_epoch(state, PerExample(data().x, data().y)
                       .map(transforms::Normalize<>(0.5, 0.25))
                       .map(transforms::Stack<>()));
}

BENCHMARK(PerExampleStack)->Unit(benchmark::kMicrosecond);
BENCHMARK(Gathered)->Unit(benchmark::kMicrosecond);
BENCHMARK(PerExampleNormal)->Unit(benchmark::kMicrosecond);
BENCHMARK(GatheredNormal)->Unit(benchmark::kMicrosecond);
BENCHMARK(LoaderEpoch)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(LoaderSlowEpoch)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
