// Collation: Stack turns a vector of examples into one example whose data and target are the
// examples' tensors stacked along a new dim 0 (libtorch's transforms::Stack).
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "ember/data/example.h"
#include "ember/data/transforms/base.h"
#include "ember/ops.h"

namespace ember::data::transforms {

/// A BatchTransform from a vector of T to one T.
template <class T, class BatchType = std::vector<T>>
using Collation = BatchTransform<BatchType, T>;

/// A collation from a function.
template <class T, class BatchType = std::vector<T>>
class Collate : public Collation<T, BatchType> {
 public:
  using FunctionType = std::function<T(BatchType)>;
  explicit Collate(FunctionType function) : function_(std::move(function)) {}
  T apply_batch(BatchType batch) override { return function_(std::move(batch)); }

 private:
  FunctionType function_;
};

namespace detail {
/// stack(tensors) for a batch, naming the collation in errors; all undefined → undefined (a
/// dataset without targets), some undefined → an error.
Tensor stack_examples(std::vector<Tensor>& tensors, const char* what);
}  // namespace detail

template <class T = Example<>>
struct Stack;

/// Stacks data and targets: N examples of data (D...) and target (T...) → data (N, D...) and
/// target (N, T...).
template <>
struct Stack<Example<>> : public Collation<Example<>> {
  Example<> apply_batch(std::vector<Example<>> examples) override {
    std::vector<Tensor> data, targets;
    data.reserve(examples.size());
    targets.reserve(examples.size());
    for (auto& e : examples) {
      data.push_back(std::move(e.data));
      targets.push_back(std::move(e.target));
    }
    return {detail::stack_examples(data, "data"), detail::stack_examples(targets, "target")};
  }
};

/// Stacks tensor-only examples.
template <>
struct Stack<TensorExample> : public Collation<TensorExample> {
  TensorExample apply_batch(std::vector<TensorExample> examples) override {
    std::vector<Tensor> data;
    data.reserve(examples.size());
    for (auto& e : examples) data.push_back(std::move(e.data));
    return detail::stack_examples(data, "data");
  }
};

}  // namespace ember::data::transforms
