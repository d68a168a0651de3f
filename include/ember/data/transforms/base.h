// Transform interfaces (libtorch's torch::data::transforms): a BatchTransform maps a whole batch,
// a Transform maps each example of a vector batch. `dataset.map(transform)` applies one.
#pragma once

#include <utility>
#include <vector>

namespace ember::data::transforms {

/// Maps an input batch to an output batch.
template <class InputBatch, class OutputBatch>
class BatchTransform {
 public:
  using InputBatchType = InputBatch;
  using OutputBatchType = OutputBatch;

  virtual ~BatchTransform() = default;
  /// Transforms a whole batch.
  virtual OutputBatch apply_batch(InputBatch input_batch) = 0;
};

/// Maps single examples; a batch (a vector of examples) is mapped element by element.
template <class Input, class Output>
class Transform : public BatchTransform<std::vector<Input>, std::vector<Output>> {
 public:
  using InputType = Input;
  using OutputType = Output;

  /// Transforms one example.
  virtual OutputType apply(InputType input) = 0;

  std::vector<Output> apply_batch(std::vector<Input> input_batch) override {
    std::vector<Output> output_batch;
    output_batch.reserve(input_batch.size());
    for (auto&& input : input_batch) output_batch.push_back(apply(std::move(input)));
    return output_batch;
  }
};

}  // namespace ember::data::transforms
