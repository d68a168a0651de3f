// Sequential, random and distributed samplers; the index arithmetic follows libtorch's so that
// the same seed gives the same batches.
#include <algorithm>
#include <numeric>
#include <random>

#include "ember/core/error.h"
#include "ember/data/samplers/distributed.h"
#include "ember/data/samplers/random.h"
#include "ember/data/samplers/sequential.h"
#include "ember/ops.h"

namespace ember::data::samplers {

// ---- SequentialSampler ----------------------------------------------------------------------
void SequentialSampler::reset(std::optional<size_t> new_size) {
  if (new_size) size_ = *new_size;
  index_ = 0;
}

std::optional<std::vector<size_t>> SequentialSampler::next(size_t batch_size) {
  const size_t remaining = size_ - index_;
  if (remaining == 0) return std::nullopt;
  std::vector<size_t> batch(std::min(batch_size, remaining));
  std::iota(batch.begin(), batch.end(), index_);
  index_ += batch.size();
  return batch;
}

// ---- RandomSampler --------------------------------------------------------------------------
namespace {
std::vector<size_t> draw_permutation(int64_t n, ScalarType dtype) {
  const Tensor perm = randperm(n, ember::dtype(dtype)).to(kLong);
  const int64_t* p = perm.data_ptr<int64_t>();
  return std::vector<size_t>(p, p + n);
}
}  // namespace

RandomSampler::RandomSampler(int64_t size, ScalarType index_dtype) : index_dtype_(index_dtype) {
  EMBER_CHECK(size >= 0, "RandomSampler: size must be non-negative, got ", size);
  indices_ = draw_permutation(size, index_dtype_);
}

void RandomSampler::reset(std::optional<size_t> new_size) {
  const size_t n = new_size.value_or(indices_.size());
  indices_ = draw_permutation(static_cast<int64_t>(n), index_dtype_);
  index_ = 0;
}

std::optional<std::vector<size_t>> RandomSampler::next(size_t batch_size) {
  const size_t remaining = indices_.size() - index_;
  if (remaining == 0) return std::nullopt;
  const size_t n = std::min(batch_size, remaining);
  std::vector<size_t> batch(indices_.begin() + index_, indices_.begin() + index_ + n);
  index_ += n;
  return batch;
}

// ---- distributed ----------------------------------------------------------------------------
DistributedSampler::DistributedSampler(size_t size, size_t num_replicas, size_t rank,
                                       bool allow_duplicates)
    : size_(size), num_replicas_(num_replicas), rank_(rank), allow_duplicates_(allow_duplicates) {
  EMBER_CHECK(num_replicas > 0, "DistributedSampler: num_replicas must be positive, got 0");
  EMBER_CHECK(rank < num_replicas, "DistributedSampler: rank ", rank,
              " is out of range for num_replicas ", num_replicas);
}

size_t DistributedSampler::local_sample_count() const {
  return allow_duplicates_ ? (size_ + num_replicas_ - 1) / num_replicas_ : size_ / num_replicas_;
}

DistributedRandomSampler::DistributedRandomSampler(size_t size, size_t num_replicas, size_t rank,
                                                   bool allow_duplicates)
    : DistributedSampler(size, num_replicas, rank, allow_duplicates) {
  reset(size_);
}

void DistributedRandomSampler::populate_indices() {
  const size_t local = local_sample_count();
  const size_t count = num_replicas_ == 1 ? size_ : local * num_replicas_;
  all_indices_.resize(count);
  std::iota(all_indices_.begin(), all_indices_.end(), 0);
  // Padding so that every replica has `local` samples repeats the first indices.
  for (size_t i = size_; i < count; ++i) all_indices_[i] = i - size_;
  begin_index_ = rank_ * local;
  end_index_ = begin_index_ + local;
  sample_index_ = begin_index_;
}

void DistributedRandomSampler::reset(std::optional<size_t> new_size) {
  size_ = new_size.value_or(size_);
  populate_indices();
  std::mt19937 rng(epoch_);
  std::shuffle(all_indices_.begin(), all_indices_.end(), rng);
  sample_index_ = begin_index_;
}

std::optional<std::vector<size_t>> DistributedRandomSampler::next(size_t batch_size) {
  if (sample_index_ == end_index_) return std::nullopt;
  const size_t end = std::min(sample_index_ + batch_size, end_index_);
  std::vector<size_t> batch(all_indices_.begin() + sample_index_, all_indices_.begin() + end);
  sample_index_ = end;
  return batch;
}

DistributedSequentialSampler::DistributedSequentialSampler(size_t size, size_t num_replicas,
                                                           size_t rank, bool allow_duplicates)
    : DistributedSampler(size, num_replicas, rank, allow_duplicates) {
  populate_indices();
}

void DistributedSequentialSampler::populate_indices() {
  const size_t local = local_sample_count();
  begin_index_ = rank_ * local;
  end_index_ = begin_index_ + local;
  sample_index_ = begin_index_;
}

void DistributedSequentialSampler::reset(std::optional<size_t> new_size) {
  if (new_size && *new_size != size_) size_ = *new_size;
  populate_indices();
}

std::optional<std::vector<size_t>> DistributedSequentialSampler::next(size_t batch_size) {
  if (sample_index_ == end_index_) return std::nullopt;
  const size_t end = std::min(sample_index_ + batch_size, end_index_);
  std::vector<size_t> batch(end - sample_index_);
  std::iota(batch.begin(), batch.end(), sample_index_);
  // Past the end of the dataset (padding for equal shares) wraps around to the start.
  if (end > size_)
    for (size_t& i : batch) i %= size_;
  sample_index_ = end;
  return batch;
}

}  // namespace ember::data::samplers
