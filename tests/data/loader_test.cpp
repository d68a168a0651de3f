// The data loader: batching, drop_last, sampler order, determinism under manual_seed, identical
// batches for 0/1/2 workers, worker exceptions reaching the iterating thread, ordering, timeout.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>

#include "ember/autograd.h"
#include "ember/data.h"

namespace ember::data {
namespace {

using datasets::TensorDataset;
using transforms::Stack;

/// Example i is {[i, 10 i], i}: batches show which indices they hold.
struct Numbers : datasets::Dataset<Numbers> {
  explicit Numbers(size_t n) : n(n) {}
  Example<> get(size_t i) override {
    const auto v = static_cast<int64_t>(i);
    return {tensor({v, 10 * v}), scalar_tensor(v, dtype(kLong))};
  }
  std::optional<size_t> size() const override { return n; }
  size_t n;
};

std::vector<int64_t> targets_of(const std::vector<Example<>>& batch) {
  std::vector<int64_t> out;
  for (const auto& e : batch) out.push_back(e.target.item<int64_t>());
  return out;
}

std::vector<int64_t> flat(const Tensor& t) {
  Tensor c = t.contiguous().to(kLong);
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

TEST(DataLoader, VectorBatchesInSequentialOrder) {
  auto loader =
      make_data_loader<samplers::SequentialSampler>(Numbers(10), DataLoaderOptions().batch_size(4));
  std::vector<std::vector<int64_t>> got;
  for (auto& batch : *loader) {
    static_assert(std::is_same_v<std::decay_t<decltype(batch)>, std::vector<Example<>>>);
    got.push_back(targets_of(batch));
  }
  EXPECT_EQ(got, (std::vector<std::vector<int64_t>>{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}}));
  EXPECT_EQ(loader->options().batch_size, 4u);
  EXPECT_EQ(loader->options().max_jobs, 0u);
}

TEST(DataLoader, DropLastSkipsTheShortBatch) {
  auto loader = make_data_loader<samplers::SequentialSampler>(
      Numbers(10), DataLoaderOptions().batch_size(4).drop_last(true));
  std::vector<size_t> sizes;
  for (auto& batch : *loader) sizes.push_back(batch.size());
  EXPECT_EQ(sizes, (std::vector<size_t>{4, 4}));
}

TEST(DataLoader, BatchSizeAsSecondArgumentAndStack) {
  auto ds = Numbers(5).map(Stack<>());
  auto loader = make_data_loader<samplers::SequentialSampler>(std::move(ds), 2);
  std::vector<std::vector<int64_t>> targets;
  for (auto& batch : *loader) {
    EXPECT_EQ(batch.data.dim(), 2);
    EXPECT_EQ(batch.data.size(1), 2);
    targets.push_back(flat(batch.target));
  }
  EXPECT_EQ(targets, (std::vector<std::vector<int64_t>>{{0, 1}, {2, 3}, {4}}));
}

TEST(DataLoader, EveryEpochVisitsEveryExampleOnce) {
  manual_seed(0);
  auto loader = make_data_loader(Numbers(23), DataLoaderOptions().batch_size(5));
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::vector<int64_t> seen;
    for (auto& batch : *loader)
      for (int64_t t : targets_of(batch)) seen.push_back(t);
    std::vector<int64_t> sorted = seen;
    std::sort(sorted.begin(), sorted.end());
    std::vector<int64_t> all(23);
    std::iota(all.begin(), all.end(), 0);
    EXPECT_EQ(sorted, all);
    EXPECT_NE(seen, all);  // shuffled (23! orders: the identity is not drawn)
  }
}

/// All batches of `epochs` epochs of a shuffled loader with `workers` threads, seed 7.
std::vector<std::vector<int64_t>> run(size_t workers, int epochs = 2, bool drop_last = false) {
  manual_seed(7);
  auto ds =
      TensorDataset(arange(0, 100, dtype(kFloat)).reshape({50, 2}), arange(50)).map(Stack<>());
  auto loader = make_data_loader(
      std::move(ds), DataLoaderOptions().batch_size(8).workers(workers).drop_last(drop_last));
  std::vector<std::vector<int64_t>> out;
  for (int e = 0; e < epochs; ++e)
    for (auto& batch : *loader) {
      out.push_back(flat(batch.target));
      // data row i of the batch is [2 t, 2 t + 1] for target t
      const auto t = flat(batch.target);
      const auto d = flat(batch.data);
      for (size_t i = 0; i < t.size(); ++i) EXPECT_EQ(d[2 * i], 2 * t[i]);
    }
  return out;
}

TEST(DataLoader, ShufflingIsFixedByManualSeed) {
  const auto a = run(0), b = run(0);
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.size(), 14u);  // 2 epochs of ceil(50 / 8) = 7
  EXPECT_NE(a[0], b[7]);     // the second epoch has another permutation
}

TEST(DataLoader, IdenticalBatchesWithZeroOneTwoWorkers) {
  const auto zero = run(0, 3), one = run(1, 3), two = run(2, 3);
  EXPECT_EQ(zero, one);
  EXPECT_EQ(zero, two);
  EXPECT_EQ(run(0, 1, true), run(2, 1, true));
  EXPECT_EQ(run(2, 1, true).size(), 6u);
}

TEST(DataLoader, RandomSamplerMatchesRandperm) {
  // The first epoch's order is the second randperm after the seed (the sampler's constructor
  // draws one, begin() another), as in libtorch.
  manual_seed(3);
  (void)randperm(12);
  const auto expected = flat(randperm(12));
  manual_seed(3);
  auto loader = make_data_loader(Numbers(12), DataLoaderOptions().batch_size(12));
  auto it = loader->begin();
  ASSERT_NE(it, loader->end());
  EXPECT_EQ(targets_of(*it), expected);
}

TEST(DataLoader, BreakingOffAnEpochThenRestarting) {
  auto loader = make_data_loader<samplers::SequentialSampler>(
      Numbers(40), DataLoaderOptions().batch_size(3).workers(2).max_jobs(4));
  for (auto& batch : *loader) {
    EXPECT_EQ(targets_of(batch), (std::vector<int64_t>{0, 1, 2}));
    break;
  }
  std::vector<int64_t> all;
  for (auto& batch : *loader)
    for (int64_t t : targets_of(batch)) all.push_back(t);
  std::vector<int64_t> expected(40);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(all, expected);
}

/// Throws at index `bad`: an ember::Error, or a std::runtime_error.
struct Faulty : datasets::Dataset<Faulty> {
  Faulty(size_t bad, bool ember_error) : bad(bad), ember_error(ember_error) {}
  Example<> get(size_t i) override {
    if (i == bad) {
      if (ember_error) EMBER_ERROR("Faulty: cannot read example ", i);
      throw std::runtime_error("disk on fire");
    }
    return {zeros({1}), zeros({1})};
  }
  std::optional<size_t> size() const override { return 20; }
  size_t bad;
  bool ember_error;
};

/// Iterates a sequential loader; returns the message of the ember::Error it throws (and how
/// many batches came before it).
std::pair<std::string, int> error_of(Faulty ds, size_t workers) {
  auto loader = make_data_loader<samplers::SequentialSampler>(
      std::move(ds), DataLoaderOptions().batch_size(4).workers(workers));
  int batches = 0;
  try {
    for (auto& batch : *loader) {
      (void)batch;
      ++batches;
    }
  } catch (const Error& e) {
    return {e.what(), batches};
  }
  return {"", batches};
}

TEST(DataLoader, WorkerExceptionsReachTheIteratingThread) {
  for (size_t workers : {0, 1, 2}) {
    const auto [msg, before] = error_of(Faulty(9, true), workers);
    EXPECT_EQ(msg, "Faulty: cannot read example 9") << workers << " workers";
    EXPECT_EQ(before, 2) << workers << " workers";  // batches {0-3}, {4-7}, then {8-11} fails
  }
  for (size_t workers : {1, 2}) {
    const auto [msg, before] = error_of(Faulty(0, false), workers);
    EXPECT_EQ(msg, "DataLoader worker: disk on fire");
    EXPECT_EQ(before, 0);
  }
}

TEST(DataLoader, LoaderIsUsableAfterAWorkerException) {
  auto loader = make_data_loader<samplers::SequentialSampler>(
      Faulty(5, true), DataLoaderOptions().batch_size(4).workers(2));
  EXPECT_THROW(
      {
        for (auto& b : *loader) (void)b;
      },
      Error);
  // A new epoch starts cleanly and fails again at the same batch.
  int batches = 0;
  try {
    for (auto& b : *loader) {
      (void)b;
      ++batches;
    }
  } catch (const Error&) {
  }
  EXPECT_EQ(batches, 1);
}

TEST(DataLoader, UnorderedDeliveryStillDeliversEveryBatch) {
  auto loader = make_data_loader<samplers::SequentialSampler>(
      Numbers(30), DataLoaderOptions().batch_size(4).workers(2).enforce_ordering(false));
  std::multiset<int64_t> seen;
  for (auto& batch : *loader)
    for (int64_t t : targets_of(batch)) seen.insert(t);
  EXPECT_EQ(seen.size(), 30u);
  for (int64_t i = 0; i < 30; ++i) EXPECT_EQ(seen.count(i), 1u);
}

/// A dataset whose get() blocks until released: a worker's batch never arrives in time.
struct Blocking : datasets::Dataset<Blocking> {
  struct Gate {
    std::mutex m;
    std::condition_variable cv;
    bool open = false;
  };
  explicit Blocking(std::shared_ptr<Gate> g) : gate(std::move(g)) {}
  Example<> get(size_t) override {
    std::unique_lock<std::mutex> lock(gate->m);
    gate->cv.wait(lock, [&] { return gate->open; });
    return {zeros({1}), zeros({1})};
  }
  std::optional<size_t> size() const override { return 2; }
  std::shared_ptr<Gate> gate;
};

TEST(DataLoader, TimeoutThrowsWhenNoBatchArrives) {
  auto gate = std::make_shared<Blocking::Gate>();
  auto loader = make_data_loader<samplers::SequentialSampler>(
      Blocking(gate),
      DataLoaderOptions().batch_size(1).workers(1).timeout(std::chrono::milliseconds(20)));
  try {
    for (auto& b : *loader) (void)b;
    ADD_FAILURE() << "expected a timeout";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("within 20 ms"), std::string::npos) << e.what();
  }
  {
    std::lock_guard<std::mutex> lock(gate->m);
    gate->open = true;
  }
  gate->cv.notify_all();
  loader->join();
}

TEST(DataLoader, IteratorProtocol) {
  auto loader = make_data_loader<samplers::SequentialSampler>(Numbers(3), 2);
  auto it = loader->begin();
  EXPECT_EQ(it, it);
  EXPECT_NE(it, loader->end());
  EXPECT_EQ(it->size(), 2u);
  ++it;
  EXPECT_EQ((*it).size(), 1u);
  ++it;
  EXPECT_EQ(it, loader->end());
  EXPECT_EQ(loader->end(), it);
  EXPECT_THROW(++it, Error);
  EXPECT_THROW(*it, Error);
  auto past = loader->end();
  EXPECT_THROW(*past, Error);
}

TEST(DataLoader, ErrorsForBadOptionsAndAfterJoin) {
  EXPECT_THROW(make_data_loader(Numbers(3), DataLoaderOptions().batch_size(0)), Error);
  auto loader = make_data_loader(Numbers(3), DataLoaderOptions().workers(1));
  loader->join();
  loader->join();  // idempotent
  EXPECT_THROW(loader->begin(), Error);
}

TEST(DataLoader, EmptyDatasetYieldsNoBatch) {
  for (size_t workers : {0, 2}) {
    auto loader = make_data_loader(Numbers(0), DataLoaderOptions().workers(workers));
    int n = 0;
    for (auto& b : *loader) n += static_cast<int>(b.size());
    EXPECT_EQ(n, 0);
  }
}

}  // namespace
}  // namespace ember::data
