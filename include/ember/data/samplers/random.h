// RandomSampler: a random permutation of 0..size-1 per pass, drawn with randperm from ember's
// default generator, so `manual_seed(s)` fixes the order. As in libtorch, the constructor draws
// one permutation and every reset() (the loader's begin()) draws a new one.
#pragma once

#include <cstdint>

#include "ember/core/scalar_type.h"
#include "ember/data/samplers/base.h"

namespace ember::data::samplers {

class RandomSampler : public Sampler<> {
 public:
  /// `index_dtype` is the dtype randperm draws in (kLong as libtorch's default).
  explicit RandomSampler(int64_t size, ScalarType index_dtype = kLong);
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  /// How many indices this pass has handed out so far.
  size_t index() const noexcept { return index_; }

 private:
  std::vector<size_t> indices_;
  ScalarType index_dtype_;
  size_t index_ = 0;
};

}  // namespace ember::data::samplers
