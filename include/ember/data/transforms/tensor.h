// Transforms of an example's data tensor (the target passes through): TensorTransform,
// TensorLambda and Normalize, as libtorch's torch::data::transforms.
//
// Fast path (an ember extension): a transform may also define `apply_stacked(Example<> batch)`,
// the same transform applied to examples already stacked along dim 0. When every transform
// between a tensor-backed dataset (TensorDataset, MNIST, ...) and a Stack<> has one, the batch is
// gathered with one copy and transformed once, instead of per example; results are identical.
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "ember/data/example.h"
#include "ember/data/transforms/base.h"
#include "ember/ops.h"

namespace ember::data::transforms {

namespace detail {
/// (batch - mean) / stddev in one single-threaded pass for a contiguous float batch whose
/// dim -3 has mean.size(0) (or mean has one value), mean and stddev float (C, 1, 1); the same
/// numbers as sub then div. Undefined if the tensors do not have that form.
Tensor normalize_stacked(const Tensor& batch, const Tensor& mean, const Tensor& stddev);
}  // namespace detail

/// A transform of `example.data` (a Tensor); `example.target` is left as it is.
template <class Target = Tensor>
class TensorTransform : public Transform<Example<Tensor, Target>, Example<Tensor, Target>> {
 public:
  using E = Example<Tensor, Target>;

  /// Transforms one data tensor.
  virtual Tensor operator()(Tensor input) = 0;

  E apply(E example) override {
    example.data = (*this)(std::move(example.data));
    return example;
  }
};

/// A TensorTransform from a function `Tensor(Tensor)`.
template <class Target = Tensor>
class TensorLambda : public TensorTransform<Target> {
 public:
  using FunctionType = std::function<Tensor(Tensor)>;
  explicit TensorLambda(FunctionType function) : function_(std::move(function)) {}
  Tensor operator()(Tensor input) override { return function_(std::move(input)); }

 private:
  FunctionType function_;
};

/// (x - mean) / stddev per channel. `mean` and `stddev` hold one value per channel (or one for
/// all) and are stored as float tensors of shape (C, 1, 1), exactly as libtorch does, so they
/// broadcast over a (C, H, W) image. Note the libtorch quirk this keeps: an example with fewer
/// than 3 dims comes out with 3 (a (784) example becomes (1, 1, 784)).
template <class Target = Tensor>
struct Normalize : public TensorTransform<Target> {
  Normalize(ArrayRef<double> mean, ArrayRef<double> stddev)
      : mean(ember::tensor(mean.vec(), dtype(kFloat)).unsqueeze(1).unsqueeze(2)),
        stddev(ember::tensor(stddev.vec(), dtype(kFloat)).unsqueeze(1).unsqueeze(2)) {}

  Tensor operator()(Tensor input) override { return input.sub(mean).div(stddev); }

  /// The fast path: normalizes a stacked (B, ...) batch in one go. Equal to normalizing each
  /// example when examples have at least as many dims as `mean`; otherwise done per example.
  Example<Tensor, Target> apply_stacked(Example<Tensor, Target> batch) {
    if (batch.data.dim() - 1 >= mean.dim()) {
      // One pass without threads: a batch is small, and the data loader's threads are the
      // parallelism (elementwise ops would start an OpenMP team per op).
      Tensor out = detail::normalize_stacked(batch.data, mean, stddev);
      batch.data = out.defined() ? std::move(out) : (*this)(std::move(batch.data));
    } else {
      std::vector<Tensor> rows = batch.data.unbind(0);
      for (Tensor& r : rows) r = (*this)(std::move(r));
      batch.data = ember::stack(rows);
    }
    return batch;
  }

  Tensor mean, stddev;
};

}  // namespace ember::data::transforms
