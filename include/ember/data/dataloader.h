// The data loader: batches of a dataset in the order a sampler gives, optionally made ahead by
// worker threads (libtorch's torch::data::make_data_loader and StatelessDataLoader).
//
//   auto ds = datasets::MNIST(root).map(transforms::Normalize<>(0.1307, 0.3081))
//                                   .map(transforms::Stack<>());
//   auto loader = make_data_loader(std::move(ds), DataLoaderOptions().batch_size(64).workers(2));
//   for (auto& batch : *loader) { Tensor x = batch.data, y = batch.target; ... }
//
// Each begin() starts an epoch: the sampler is reset (a RandomSampler draws a new permutation
// from the default generator) and up to max_jobs batches are requested ahead. The sampler runs on
// the iterating thread and batches are delivered in request order, so the batches are the same
// for any number of workers. An exception thrown while making a batch on a worker is rethrown on
// the iterating thread when that batch is due, as ember::Error (an ember::Error unchanged, other
// exceptions with their message prefixed by "DataLoader worker: ").
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/core/error.h"
#include "ember/data/dataloader_options.h"
#include "ember/data/iterator.h"
#include "ember/data/samplers/random.h"

namespace ember::data {

namespace detail {
/// Rethrows `e` as ember::Error (see the header comment).
[[noreturn]] void rethrow_worker_exception(std::exception_ptr e);
/// Runs first on each worker thread: ops there use one OpenMP thread, since the workers are
/// already the parallelism (as PyTorch's DataLoader workers run with one intra-op thread).
void init_worker_thread();
}  // namespace detail

/// Loads batches of a sized dataset whose indices come from `Sampler`.
template <class Dataset, class Sampler>
class StatelessDataLoader {
 public:
  using BatchType = typename Dataset::BatchType;
  using BatchRequestType = typename Sampler::BatchRequestType;
  static_assert(!Dataset::is_stateful, "StatelessDataLoader needs a stateless dataset");

  StatelessDataLoader(Dataset dataset, Sampler sampler, DataLoaderOptions options)
      : options_(options), dataset_(std::move(dataset)), sampler_(std::move(sampler)) {
    EMBER_CHECK(options_.batch_size > 0, "DataLoader: batch_size must be positive, got 0");
    EMBER_CHECK(options_.workers == 0 || options_.max_jobs > 0,
                "DataLoader: max_jobs must be positive when workers are used, got 0");
    workers_.reserve(options_.workers);
    for (size_t w = 0; w < options_.workers; ++w) workers_.emplace_back([this] { work(); });
  }
  StatelessDataLoader(const StatelessDataLoader&) = delete;
  StatelessDataLoader& operator=(const StatelessDataLoader&) = delete;
  ~StatelessDataLoader() { join(); }

  /// Starts an epoch (resets the sampler, drops batches of an unfinished one) and returns an
  /// iterator over its batches.
  Iterator<BatchType> begin() {
    reset();
    return Iterator<BatchType>([this] { return next(); });
  }
  /// The past-the-end iterator.
  Iterator<BatchType> end() { return Iterator<BatchType>(); }

  /// Stops and joins the worker threads; the loader cannot be iterated afterwards.
  void join() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (joined_) return;
      joined_ = true;
    }
    jobs_cv_.notify_all();
    for (auto& w : workers_) w.join();
  }

  const FullDataLoaderOptions& options() const noexcept { return options_; }

 private:
  struct Job {
    uint64_t epoch, seq;
    BatchRequestType request;
  };
  struct Result {
    std::optional<BatchType> batch;
    std::exception_ptr error;
  };

  /// The sampler's next request, or nothing at the end of the epoch (or for a short last batch
  /// with drop_last).
  std::optional<BatchRequestType> next_request() {
    auto request = sampler_.next(options_.batch_size);
    if (request && options_.drop_last && request->size() < options_.batch_size) return std::nullopt;
    if (request && request->size() == 0) return std::nullopt;
    return request;
  }

  void reset() {
    EMBER_CHECK(!joined_, "DataLoader: cannot iterate after join()");
    sampler_.reset();
    if (workers_.empty()) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++epoch_;
      jobs_.clear();
      results_.clear();
    }
    issued_ = delivered_ = 0;
    exhausted_ = false;
    prefetch();
  }

  /// Requests batches until max_jobs are in flight or the sampler is done.
  void prefetch() {
    while (!exhausted_ && issued_ - delivered_ < options_.max_jobs) {
      auto request = next_request();
      if (!request) {
        exhausted_ = true;
        break;
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        jobs_.push_back(Job{epoch_, issued_++, std::move(*request)});
      }
      jobs_cv_.notify_one();
    }
  }

  std::optional<BatchType> next() {
    if (workers_.empty()) {
      auto request = next_request();
      if (!request) return std::nullopt;
      return dataset_.get_batch(std::move(*request));
    }
    if (delivered_ == issued_) return std::nullopt;
    Result result;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      auto ready = [&] {
        return options_.enforce_ordering ? results_.count(delivered_) > 0 : !results_.empty();
      };
      if (options_.timeout) {
        EMBER_CHECK(results_cv_.wait_for(lock, *options_.timeout, ready),
                    "DataLoader: no batch arrived from the workers within ",
                    options_.timeout->count(), " ms (the timeout option)");
      } else {
        results_cv_.wait(lock, ready);
      }
      auto it = options_.enforce_ordering ? results_.find(delivered_) : results_.begin();
      result = std::move(it->second);
      results_.erase(it);
    }
    ++delivered_;
    prefetch();
    if (result.error) detail::rethrow_worker_exception(result.error);
    return std::move(result.batch);
  }

  void work() {
    detail::init_worker_thread();
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        jobs_cv_.wait(lock, [&] { return joined_ || !jobs_.empty(); });
        if (joined_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      Result result;
      try {
        result.batch.emplace(dataset_.get_batch(std::move(job.request)));
      } catch (...) {
        result.error = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (job.epoch != epoch_) continue;  // a batch of an abandoned epoch
        results_.emplace(job.seq, std::move(result));
      }
      results_cv_.notify_all();
    }
  }

  FullDataLoaderOptions options_;
  Dataset dataset_;
  Sampler sampler_;
  std::vector<std::thread> workers_;

  // Shared with the workers, under mutex_.
  std::mutex mutex_;
  std::condition_variable jobs_cv_, results_cv_;
  std::deque<Job> jobs_;
  std::map<uint64_t, Result> results_;  // finished batches of the current epoch, by sequence
  uint64_t epoch_ = 0;
  bool joined_ = false;

  // The iterating thread's own bookkeeping.
  uint64_t issued_ = 0, delivered_ = 0;
  bool exhausted_ = false;
};

/// A loader over `dataset` with batch indices from `sampler`.
template <class Dataset, class Sampler>
std::enable_if_t<!Dataset::is_stateful, std::unique_ptr<StatelessDataLoader<Dataset, Sampler>>>
make_data_loader(Dataset dataset, Sampler sampler, DataLoaderOptions options) {
  return std::make_unique<StatelessDataLoader<Dataset, Sampler>>(
      std::move(dataset), std::move(sampler), std::move(options));
}

/// A loader over `dataset` with a `Sampler(dataset.size())` (a RandomSampler by default):
/// `make_data_loader<samplers::SequentialSampler>(std::move(ds), 64)`.
template <class Sampler = samplers::RandomSampler, class Dataset,
          class = std::enable_if_t<std::is_constructible_v<Sampler, size_t>>>
std::enable_if_t<!Dataset::is_stateful, std::unique_ptr<StatelessDataLoader<Dataset, Sampler>>>
make_data_loader(Dataset dataset, DataLoaderOptions options = DataLoaderOptions()) {
  const std::optional<size_t> size = dataset.size();
  EMBER_CHECK(size.has_value(),
              "make_data_loader: the dataset has no size; pass a sampler explicitly");
  Sampler sampler(*size);
  return make_data_loader(std::move(dataset), std::move(sampler), std::move(options));
}

}  // namespace ember::data
