// Indexing with libtorch's spelling: x.index({Slice(), 0, None, Ellipsis, mask}),
// x.index_put_({Slice(1, None), idx}, v).
#pragma once

#include <optional>

#include "ember/tensor/tensor.h"

namespace ember::indexing {

struct NoneType {};
struct EllipsisType {};
constexpr NoneType None{};
constexpr EllipsisType Ellipsis{};

/// start:stop:step with any part omitted (None).
class Slice {
 public:
  Slice(std::optional<int64_t> start = std::nullopt, std::optional<int64_t> stop = std::nullopt,
        std::optional<int64_t> step = std::nullopt)
      : start_(start), stop_(stop), step_(step.value_or(1)) {}
  Slice(std::optional<int64_t> start, NoneType, std::optional<int64_t> step = std::nullopt)
      : Slice(start, std::nullopt, step) {}
  Slice(NoneType, std::optional<int64_t> stop = std::nullopt,
        std::optional<int64_t> step = std::nullopt)
      : Slice(std::nullopt, stop, step) {}
  Slice(NoneType, NoneType, std::optional<int64_t> step = std::nullopt)
      : Slice(std::nullopt, std::nullopt, step) {}
  std::optional<int64_t> start() const { return start_; }
  std::optional<int64_t> stop() const { return stop_; }
  int64_t step() const { return step_; }

 private:
  std::optional<int64_t> start_, stop_;
  int64_t step_;
};

class TensorIndex {
 public:
  enum class Kind { None, Ellipsis, Integer, Boolean, Slice, Tensor };
  TensorIndex(NoneType) : kind_(Kind::None) {}                  // NOLINT
  TensorIndex(EllipsisType) : kind_(Kind::Ellipsis) {}          // NOLINT
  TensorIndex(const char* s);                                   // NOLINT: "..." as Ellipsis
  TensorIndex(int64_t i) : kind_(Kind::Integer), int_(i) {}     // NOLINT
  TensorIndex(int i) : TensorIndex(static_cast<int64_t>(i)) {}  // NOLINT
  TensorIndex(bool b) : kind_(Kind::Boolean), int_(b) {}        // NOLINT
  TensorIndex(Slice s) : kind_(Kind::Slice), slice_(s) {}       // NOLINT
  TensorIndex(Tensor t) : kind_(Kind::Tensor), tensor_(std::move(t)) {}  // NOLINT
  Kind kind() const { return kind_; }
  int64_t integer() const { return int_; }
  bool boolean() const { return int_ != 0; }
  const Slice& slice() const { return slice_; }
  const Tensor& tensor() const { return tensor_; }

 private:
  Kind kind_;
  int64_t int_ = 0;
  Slice slice_;
  Tensor tensor_;
};

}  // namespace ember::indexing

namespace ember {
using indexing::Slice;
}
