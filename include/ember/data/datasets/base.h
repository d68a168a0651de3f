// The dataset interfaces (libtorch's torch::data::datasets): BatchDataset yields whole batches
// for a request of indices; Dataset yields single examples by index and batches them by calling
// get() per index. Both are CRTP bases so that `.map(transform)` returns a typed MapDataset.
//
//   struct Squares : data::datasets::Dataset<Squares> {
//     data::Example<> get(size_t i) override { return {tensor({double(i)}), tensor({i * i})}; }
//     std::optional<size_t> size() const override { return 10; }
//   };
//
// Datasets are read by the data loader's worker threads at the same time: get() and get_batch()
// must be safe to call concurrently (reading tensors is; drawing random numbers is not).
#pragma once

#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/core/array_ref.h"
#include "ember/data/example.h"

namespace ember::data::datasets {

template <class Source, class Transform>
class MapDataset;
template <class D, class T>
MapDataset<D, T> map(D dataset, T transform);

namespace detail {
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
}  // namespace detail

/// A dataset that yields data only in batches. `size()` is empty for unsized (stream) datasets.
template <class Self, class Batch = std::vector<Example<>>, class BatchRequest = ArrayRef<size_t>>
class BatchDataset {
 public:
  using SelfType = Self;
  using BatchType = Batch;
  using BatchRequestType = BatchRequest;
  /// Stateful datasets return std::optional batches (empty when exhausted).
  static constexpr bool is_stateful = detail::is_optional<Batch>::value;

  virtual ~BatchDataset() = default;

  /// Returns the batch for `request` (the indices of its examples).
  virtual Batch get_batch(BatchRequest request) = 0;
  /// The number of examples, or empty if unknown.
  virtual std::optional<size_t> size() const = 0;

  /// A MapDataset applying `transform` to every batch of (a copy of) this dataset.
  template <class TransformType>
  MapDataset<Self, TransformType> map(TransformType transform) & {
    return datasets::map(static_cast<Self&>(*this), std::move(transform));
  }
  /// A MapDataset applying `transform` to every batch of this dataset, which is moved in.
  template <class TransformType>
  MapDataset<Self, TransformType> map(TransformType transform) && {
    return datasets::map(std::move(static_cast<Self&>(*this)), std::move(transform));
  }
};

/// A dataset with random access to single examples; batches are vectors of examples.
template <class Self, class SingleExample = Example<>>
class Dataset : public BatchDataset<Self, std::vector<SingleExample>> {
 public:
  using ExampleType = SingleExample;

  /// The example at `index`.
  virtual ExampleType get(size_t index) = 0;

  /// Calls get() for every index of the batch, in order.
  std::vector<ExampleType> get_batch(ArrayRef<size_t> indices) override {
    std::vector<ExampleType> batch;
    batch.reserve(indices.size());
    for (const size_t i : indices) batch.push_back(get(i));
    return batch;
  }
};

/// A potentially infinite stream: the request is only the number of examples wanted.
template <class Self, class Batch = std::vector<Example<>>>
using StreamDataset = BatchDataset<Self, Batch, /*BatchRequest=*/size_t>;

}  // namespace ember::data::datasets
