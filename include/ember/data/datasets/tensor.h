// Datasets held as two big tensors, data (N, ...) and target (N, ...): TensorPairDataset (the
// base that MNIST, Digits and CSV share) and TensorDataset (any two tensors). Followed by
// `.map(Stack<>())` they batch by copying the requested rows once into the batch tensors, without
// making a tensor per example.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "ember/data/datasets/base.h"

namespace ember::data::datasets {

namespace detail {
/// Rows `indices` of `t` (contiguous, rows along dim 0) in one copy: (indices.size(), ...).
/// Undefined in, undefined out. Throws naming `who` for an index out of range.
Tensor gather_rows(const Tensor& t, ArrayRef<size_t> indices, const char* who);
/// Checks the pair (same length along dim 0, data at least 1-d) and makes both contiguous.
void check_tensor_pair(Tensor& data, Tensor& target, const char* who);
}  // namespace detail

/// A dataset whose example i is {data[i], target[i]} (target undefined when there is none).
/// Derived classes fill `data_` and `target_` and call `check_tensors()`. get() is final: the
/// stacked fast path (get_batch_stacked) must give the same examples get() does.
template <class Self>
class TensorPairDataset : public Dataset<Self> {
 public:
  Example<> get(size_t index) final {
    EMBER_CHECK(index < length(), Self::kName, ": index ", index,
                " is out of range for a dataset of size ", length());
    const auto i = static_cast<int64_t>(index);
    return {data_[i], target_.defined() ? target_[i] : Tensor()};
  }

  /// The examples `indices` stacked: {data (B, ...), target (B, ...)}, gathered in one copy.
  Example<> get_batch_stacked(ArrayRef<size_t> indices) const {
    return {detail::gather_rows(data_, indices, Self::kName),
            detail::gather_rows(target_, indices, Self::kName)};
  }

  std::optional<size_t> size() const override { return length(); }

 protected:
  TensorPairDataset() = default;
  void check_tensors() { detail::check_tensor_pair(data_, target_, Self::kName); }
  size_t length() const { return data_.defined() ? static_cast<size_t>(data_.size(0)) : 0; }

  Tensor data_;    // (N, ...)
  Tensor target_;  // (N, ...) or undefined
};

/// Two tensors as a dataset: example i is {data[i], target[i]}.
///
///   auto ds = TensorDataset(x, y).map(transforms::Stack<>());  // x (N, 784), y (N)
///
/// Unlike libtorch's TensorDataset (one tensor, TensorExample), examples are Example<> pairs:
/// the common case of a feature tensor and a label tensor. TensorDataset(x) has no targets.
class TensorDataset : public TensorPairDataset<TensorDataset> {
 public:
  static constexpr const char* kName = "TensorDataset";
  TensorDataset(Tensor data, Tensor target) {
    data_ = std::move(data);
    target_ = std::move(target);
    check_tensors();
  }
  explicit TensorDataset(Tensor data) : TensorDataset(std::move(data), Tensor()) {}

  const Tensor& data() const { return data_; }
  const Tensor& targets() const { return target_; }
};

}  // namespace ember::data::datasets
