// The Sampler interface (libtorch's torch::data::samplers::Sampler): it hands the data loader
// the indices of each batch. The loader calls reset() at the start of every epoch and next()
// until it returns nothing.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace ember::data::samplers {

template <class BatchRequest = std::vector<size_t>>
class Sampler {
 public:
  using BatchRequestType = BatchRequest;

  virtual ~Sampler() = default;
  /// Starts a new pass over `new_size` examples (or the previous size when empty).
  virtual void reset(std::optional<size_t> new_size = std::nullopt) = 0;
  /// The next batch request of at most `batch_size` examples; empty when the pass is over.
  virtual std::optional<BatchRequest> next(size_t batch_size) = 0;
};

}  // namespace ember::data::samplers
