// DataLoaderOptions: builder-style settings of a data loader (libtorch's spelling):
//
//   DataLoaderOptions().batch_size(64).workers(2).drop_last(true)
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

namespace ember::data {

struct DataLoaderOptions {
  DataLoaderOptions() = default;
  DataLoaderOptions(size_t batch_size) : batch_size_(batch_size) {}  // NOLINT: as libtorch

#define EMBER_DATA_OPTION(T, name)                   \
  DataLoaderOptions& name(const T& v) {              \
    name##_ = v;                                     \
    return *this;                                    \
  }                                                  \
  const T& name() const noexcept { return name##_; } \
  T& name() noexcept { return name##_; }
  /// Examples per batch (default 1).
  EMBER_DATA_OPTION(size_t, batch_size)
  /// Threads that prefetch batches (default 0: batches are made on the iterating thread).
  EMBER_DATA_OPTION(size_t, workers)
  /// Batches requested ahead at most (default 2 × workers): bounds memory and latency.
  EMBER_DATA_OPTION(std::optional<size_t>, max_jobs)
  /// How long to wait for a worker's batch before throwing (default: forever).
  EMBER_DATA_OPTION(std::optional<std::chrono::milliseconds>, timeout)
  /// Deliver batches in sampler order (default true); false hands them out as they finish.
  EMBER_DATA_OPTION(bool, enforce_ordering)
  /// Skip the last batch when it is smaller than batch_size (default false).
  EMBER_DATA_OPTION(bool, drop_last)
#undef EMBER_DATA_OPTION

 private:
  size_t batch_size_ = 1;
  size_t workers_ = 0;
  std::optional<size_t> max_jobs_;
  std::optional<std::chrono::milliseconds> timeout_;
  bool enforce_ordering_ = true;
  bool drop_last_ = false;
};

/// The options with defaults resolved, as a loader's options() returns them.
struct FullDataLoaderOptions {
  explicit FullDataLoaderOptions(const DataLoaderOptions& o)
      : batch_size(o.batch_size()),
        workers(o.workers()),
        max_jobs(o.max_jobs().value_or(2 * o.workers())),
        timeout(o.timeout()),
        enforce_ordering(o.enforce_ordering()),
        drop_last(o.drop_last()) {}

  size_t batch_size;
  size_t workers;
  size_t max_jobs;
  std::optional<std::chrono::milliseconds> timeout;
  bool enforce_ordering;
  bool drop_last;
};

}  // namespace ember::data
