// MapDataset: a dataset with a transform applied to each of its batches (libtorch's
// torch::data::datasets::MapDataset), built by `dataset.map(transform)`.
//
// Fast path: when the source can return a batch already stacked (`get_batch_stacked`, which the
// tensor-backed datasets provide) and the transform is Stack<> (or has `apply_stacked`), the
// examples are never materialized one by one. The result is the same as the per-example path.
#pragma once

#include <concepts>
#include <optional>
#include <type_traits>
#include <utility>

#include "ember/data/datasets/base.h"
#include "ember/data/transforms/stack.h"

namespace ember::data::datasets {

namespace detail {
template <bool C, class T>
using optional_if_t = std::conditional_t<C, std::optional<T>, T>;

/// A source that can return the stacked form of a batch in one go.
template <class D>
concept HasStackedBatch = requires(D& d, typename D::BatchRequestType r) {
  d.get_batch_stacked(r);
};
template <class D>
using stacked_batch_t =
    decltype(std::declval<D&>().get_batch_stacked(std::declval<typename D::BatchRequestType>()));

/// A transform that can be applied to a stacked batch of type B.
template <class T, class B>
concept HasApplyStacked = requires(T& t, B b) {
  t.apply_stacked(std::move(b));
};

template <class T>
inline constexpr bool is_stack_v = std::is_same_v<T, transforms::Stack<Example<>>> ||
                                   std::is_same_v<T, transforms::Stack<TensorExample>>;

/// The batch type a transform of D sees: D's batch, unwrapped from std::optional if stateful.
template <class D, bool = D::is_stateful>
struct unwrap_batch {
  using type = typename D::BatchType;
};
template <class D>
struct unwrap_batch<D, true> {
  using type = typename D::BatchType::value_type;
};

/// Whether MapDataset<S, T> can answer get_batch with S's stacked batch (T is Stack<> of it).
template <class S, class T>
constexpr bool stack_fast_path() {
  if constexpr (is_stack_v<T> && HasStackedBatch<S>)
    return std::is_same_v<stacked_batch_t<S>, typename T::OutputBatchType>;
  else
    return false;
}
}  // namespace detail

/// Applies `AppliedTransform::apply_batch` to every batch of `SourceDataset`.
template <class SourceDataset, class AppliedTransform>
class MapDataset
    : public BatchDataset<MapDataset<SourceDataset, AppliedTransform>,
                          detail::optional_if_t<SourceDataset::is_stateful,
                                                typename AppliedTransform::OutputBatchType>,
                          typename SourceDataset::BatchRequestType> {
 public:
  using DatasetType = SourceDataset;
  using TransformType = AppliedTransform;
  using BatchRequestType = typename SourceDataset::BatchRequestType;
  using OutputBatchType =
      detail::optional_if_t<SourceDataset::is_stateful, typename AppliedTransform::OutputBatchType>;

  MapDataset(DatasetType dataset, TransformType transform)
      : dataset_(std::move(dataset)), transform_(std::move(transform)) {}

  /// The source's batch for `indices` with the transform applied.
  OutputBatchType get_batch(BatchRequestType indices) override {
    if constexpr (kStackFastPath) {
      return dataset_.get_batch_stacked(std::move(indices));
    } else if constexpr (SourceDataset::is_stateful) {
      if (auto batch = dataset_.get_batch(std::move(indices)))
        return transform_.apply_batch(std::move(*batch));
      return std::nullopt;
    } else {
      return transform_.apply_batch(dataset_.get_batch(std::move(indices)));
    }
  }

  /// The size of the source dataset.
  std::optional<size_t> size() const noexcept override { return dataset_.size(); }

  /// Resets a stateful source (compiles only for those).
  void reset() { dataset_.reset(); }

  /// The batch stacked along dim 0 and transformed once: available when the source has a
  /// stacked form and the transform can apply to it (see transforms/tensor.h).
  auto get_batch_stacked(BatchRequestType indices) requires(
      detail::HasStackedBatch<SourceDataset>&&
          detail::HasApplyStacked<AppliedTransform, detail::stacked_batch_t<SourceDataset>>) {
    return transform_.apply_stacked(dataset_.get_batch_stacked(std::move(indices)));
  }

  const SourceDataset& dataset() noexcept { return dataset_; }
  const AppliedTransform& transform() noexcept { return transform_; }

 private:
  static constexpr bool kStackFastPath = detail::stack_fast_path<SourceDataset, AppliedTransform>();

  SourceDataset dataset_;
  AppliedTransform transform_;
};

/// A MapDataset of `dataset` and `transform`; the transform must accept the dataset's batches.
template <class DatasetType, class TransformType>
MapDataset<DatasetType, TransformType> map(DatasetType dataset, TransformType transform) {
  static_assert(std::is_same_v<typename detail::unwrap_batch<DatasetType>::type,
                               typename TransformType::InputBatchType>,
                "BatchType type of dataset does not match input type of transform");
  return {std::move(dataset), std::move(transform)};
}

}  // namespace ember::data::datasets
