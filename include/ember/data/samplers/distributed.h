// Samplers for data-parallel training: each of `num_replicas` processes (or threads) reads only
// its `rank`'s share of the dataset, as libtorch's DistributedRandomSampler and
// DistributedSequentialSampler. With allow_duplicates (the default) every replica gets
// ceil(size / num_replicas) examples, the last ones wrapping around to the start; otherwise
// floor(size / num_replicas) and the remainder is left out.
#pragma once

#include "ember/data/samplers/base.h"

namespace ember::data::samplers {

/// Common state of the distributed samplers.
class DistributedSampler : public Sampler<> {
 public:
  DistributedSampler(size_t size, size_t num_replicas = 1, size_t rank = 0,
                     bool allow_duplicates = true);

  /// Sets the epoch; the random sampler's shuffle is seeded by it, so all replicas agree.
  void set_epoch(size_t epoch) { epoch_ = epoch; }
  size_t epoch() const { return epoch_; }
  size_t num_replicas() const { return num_replicas_; }
  size_t rank() const { return rank_; }

 protected:
  size_t local_sample_count() const;

  size_t size_;
  size_t num_replicas_;
  size_t rank_;
  size_t epoch_ = 0;
  bool allow_duplicates_;
};

/// This replica's share of a permutation that depends only on the epoch (std::mt19937(epoch)
/// and std::shuffle, as libtorch), so replicas see disjoint parts of the same permutation.
class DistributedRandomSampler : public DistributedSampler {
 public:
  DistributedRandomSampler(size_t size, size_t num_replicas = 1, size_t rank = 0,
                           bool allow_duplicates = true);
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  size_t index() const noexcept { return sample_index_ - begin_index_; }

 private:
  void populate_indices();
  std::vector<size_t> all_indices_;
  size_t begin_index_ = 0, end_index_ = 0, sample_index_ = 0;
};

/// This replica's contiguous share of 0..size-1, in order.
class DistributedSequentialSampler : public DistributedSampler {
 public:
  DistributedSequentialSampler(size_t size, size_t num_replicas = 1, size_t rank = 0,
                               bool allow_duplicates = true);
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  size_t index() const noexcept { return sample_index_ - begin_index_; }

 private:
  void populate_indices();
  size_t begin_index_ = 0, end_index_ = 0, sample_index_ = 0;
};

}  // namespace ember::data::samplers
