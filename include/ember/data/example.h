// data::Example: one (data, target) pair, or a batch of them once a Stack transform has collated
// it. Same shape as libtorch's torch::data::Example.
#pragma once

#include <utility>

#include "ember/tensor/tensor.h"

namespace ember::data {

/// An example (or a collated batch): `data` and `target`, both Tensors by default.
template <class Data = Tensor, class Target = Tensor>
struct Example {
  using DataType = Data;
  using TargetType = Target;

  Example() = default;
  Example(Data data, Target target) : data(std::move(data)), target(std::move(target)) {}

  Data data;
  Target target;
};

namespace example {
/// Marks an Example without a target: `Example<Tensor, NoTarget>` holds only `data`.
using NoTarget = void;
}  // namespace example

/// An example without target; converts to and from its data, as in libtorch.
template <class Data>
struct Example<Data, example::NoTarget> {
  using DataType = Data;
  using TargetType = example::NoTarget;

  Example() = default;
  Example(Data data) : data(std::move(data)) {}  // NOLINT: implicit as in libtorch
  operator Data&() { return data; }              // NOLINT
  operator const Data&() const { return data; }  // NOLINT

  Data data;
};

/// A tensor-only example (libtorch's TensorExample).
using TensorExample = Example<Tensor, example::NoTarget>;

}  // namespace ember::data
