// The embedding ops: embedding (a row lookup), its weight gradient as an op of its own, and
// embedding_renorm_ for max_norm; F::embedding. The two ops are each other's derivatives:
//   Embedding                 y = w[idx]                                   (EmbeddingBackward0)
//   EmbeddingDenseBackward    dw = Σ_i scale_i · g_i scattered to row idx_i
// where scale_i is 0 for the padding row and 1 / count(idx_i) with scale_grad_by_freq, so the
// gradient of dw w.r.t. g is scale · gdw[idx]: a lookup (Embedding) times the scale. One formula
// per gradient, at any order. Kernels: kernels/cpu/embedding.cpp.
#include "ember/nn/functional/embedding.h"

#include <algorithm>
#include <vector>

#include "ember/autograd/grad_mode.h"
#include "kernels/cpu/embedding.h"
#include "kernels/cpu/indices.h"
#include "ops/iter.h"

namespace ember {
namespace {

using ops::apply;
using ops::Node;
using ops::SavedTensor;
using ops::variable_list;

/// Indices as a contiguous int64 vector, each checked against [0, num).
Tensor checked_indices(const Tensor& indices, const Tensor& weight, const char* op) {
  EMBER_CHECK(indices.defined(), op, ": indices are undefined");
  EMBER_CHECK(indices.scalar_type() == kLong || indices.scalar_type() == kInt, op,
              ": Expected tensor for argument #1 'indices' to have one of the following scalar "
              "types: Long, Int; but got ",
              indices.scalar_type(), " of shape ", indices.sizes());
  Tensor idx = ops::as_type(indices, kLong).contiguous().view({-1});
  const int64_t* p = idx.data_ptr<int64_t>();
  const int64_t num = weight.size(0);
  const int64_t bad = kernels::first_out_of_range(p, idx.numel(), num);
  EMBER_CHECK(bad < 0, op, ": index ", bad < 0 ? 0 : p[bad], " is out of range for weight of ",
              "shape ", weight.sizes(), " (valid indices are 0 to ", num - 1, ")");
  return idx;
}

Tensor lookup(const Tensor& weight, const Tensor& idx, IntArrayRef idx_shape,
              int64_t padding_idx = -1, bool scale_grad_by_freq = false);

/// dw (num_weights, D) from grad (*idx_shape, D); the scale is built (and saved for backward)
/// only when a padding row or scale_grad_by_freq makes it differ from 1.
struct EmbeddingDenseBackward {
  static constexpr const char* name = "EmbeddingDenseBackwardBackward0";
  Tensor idx;             // (n) int64, checked; forward only
  SavedTensor saved_idx;  // idx for backward
  DimVector idx_shape;
  int64_t num_weights, padding_idx;
  bool scale_grad_by_freq;
  SavedTensor scale;  // (*idx_shape, 1), or undefined for all ones
  auto saved() { return std::tie(saved_idx, scale); }

  Tensor forward(const Tensor& grad) {
    const int64_t n = idx.numel(), D = grad.size(-1);
    const int64_t* p = idx.data_ptr<int64_t>();
    Tensor g = grad.contiguous();
    Tensor dw = zeros({num_weights, D}, TensorOptions().dtype(grad.scalar_type()));
    Tensor sc;
    if (padding_idx >= 0 || scale_grad_by_freq) {
      DimVector shape = idx_shape;
      shape.push_back(1);
      sc = ops::new_empty(shape, grad.scalar_type());
    }
    EMBER_DISPATCH_FLOATING(grad.scalar_type(), "embedding_backward", [&] {
      using T = scalar_t;
      T* s = sc.defined() ? sc.data_ptr<T>() : nullptr;
      if (s)
        kernels::embedding_grad_scale<T>(s, p, n, num_weights, padding_idx, scale_grad_by_freq);
      kernels::embedding_scatter_add<T>(dw.data_ptr<T>(), g.data_ptr<T>(), p, s, n, num_weights, D,
                                        padding_idx);
    });
    scale = sc;
    saved_idx = idx;
    idx.reset();
    return dw;
  }

  variable_list backward(const Tensor& gdw, const Node&) {
    Tensor gg = lookup(gdw, saved_idx.unpack(), idx_shape);
    return {scale.defined() ? gg * scale.unpack() : gg};
  }
};

struct Embedding {
  static constexpr const char* name = "EmbeddingBackward0";
  Tensor idx;             // (n) int64, checked; forward only
  SavedTensor saved_idx;  // idx for backward (an in-place change to the indices is reported)
  auto saved() { return std::tie(saved_idx); }
  DimVector idx_shape;
  int64_t padding_idx;
  bool scale_grad_by_freq;
  int64_t num_weights = 0;

  Tensor forward(const Tensor& weight) {
    num_weights = weight.size(0);
    DimVector shape = idx_shape;
    shape.push_back(weight.size(1));
    Tensor out = ops::new_empty(shape, weight.scalar_type());
    Tensor w = weight.contiguous();
    kernels::embedding_gather(out.data_ptr(), w.data_ptr(), idx.data_ptr<int64_t>(), idx.numel(),
                              weight.size(1) * w.element_size());
    saved_idx = idx;
    idx.reset();
    return out;
  }

  variable_list backward(const Tensor& grad, const Node&) {
    EmbeddingDenseBackward op;
    op.idx = saved_idx.unpack();
    op.idx_shape = idx_shape;
    op.num_weights = num_weights;
    op.padding_idx = padding_idx;
    op.scale_grad_by_freq = scale_grad_by_freq;
    return {apply(std::move(op), grad)};
  }
};

Tensor lookup(const Tensor& weight, const Tensor& idx, IntArrayRef idx_shape, int64_t padding_idx,
              bool scale_grad_by_freq) {
  Embedding e;
  e.idx = idx;
  e.idx_shape = DimVector(idx_shape);
  e.padding_idx = padding_idx;
  e.scale_grad_by_freq = scale_grad_by_freq;
  return apply(std::move(e), weight);
}

}  // namespace

Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx,
                 bool scale_grad_by_freq, bool sparse) {
  const char* op = "embedding";
  EMBER_CHECK(weight.defined() && weight.dim() == 2, op,
              ": 'weight' must be 2-D (num_embeddings, embedding_dim), got shape ",
              weight.defined() ? weight.sizes() : IntArrayRef());
  EMBER_CHECK(weight.is_floating_point(), op, ": expected a floating point weight, got ",
              weight.scalar_type());
  EMBER_CHECK(!sparse, op, ": sparse gradients are not supported");
  return lookup(weight, checked_indices(indices, weight, op), indices.sizes(), padding_idx,
                scale_grad_by_freq);
}

Tensor& embedding_renorm_(Tensor& self, const Tensor& indices, double max_norm, double norm_type) {
  const char* op = "embedding_renorm_";
  EMBER_CHECK(self.defined() && self.dim() == 2, op, ": 'self' must be 2-D, got shape ",
              self.defined() ? self.sizes() : IntArrayRef());
  EMBER_CHECK(self.is_contiguous(), op, ": the weight must be contiguous, got strides ",
              self.strides());
  Tensor idx = checked_indices(indices, self, op);
  std::vector<int64_t> rows(idx.data_ptr<int64_t>(), idx.data_ptr<int64_t>() + idx.numel());
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  EMBER_DISPATCH_FLOATING(self.scalar_type(), op, [&] {
    kernels::embedding_renorm<scalar_t>(self.data_ptr<scalar_t>(), rows.data(),
                                        static_cast<int64_t>(rows.size()), self.size(1), max_norm,
                                        norm_type);
  });
  self.impl()->storage()->bump_version();
  return self;
}

namespace nn::functional {

Tensor embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& options) {
  EMBER_CHECK(weight.defined() && weight.dim() == 2,
              "embedding: 'weight' must be 2-D (num_embeddings, embedding_dim), got shape ",
              weight.defined() ? weight.sizes() : IntArrayRef());
  int64_t padding_idx = -1;
  if (options.padding_idx()) {
    padding_idx = *options.padding_idx();
    const int64_t num = weight.size(0);
    EMBER_CHECK(padding_idx >= -num && padding_idx < num,
                "embedding: padding_idx must be within num_embeddings (", num, "), got ",
                padding_idx);
    if (padding_idx < 0) padding_idx += num;
  }
  if (options.max_norm()) {
    NoGradGuard no_grad;
    Tensor w = weight;
    embedding_renorm_(w, input, *options.max_norm(), options.norm_type());
  }
  return ::ember::embedding(weight, input, padding_idx, options.scale_grad_by_freq(),
                            options.sparse());
}

}  // namespace nn::functional
}  // namespace ember
