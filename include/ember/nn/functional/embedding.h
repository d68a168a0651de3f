// Embedding lookup as a function: rows of a weight matrix picked by integer indices, with
// padding_idx (no gradient for that row), scale_grad_by_freq and max_norm renormalization.
#pragma once

#include <optional>

#include "ember/nn/options/embedding.h"
#include "ember/tensor/tensor.h"

namespace ember {

/// libtorch's at::embedding: weight (num_embeddings, dim), indices (*) int64/int32 →
/// (*, dim). Rows equal to padding_idx (-1: none) get no gradient; scale_grad_by_freq divides
/// each row's gradient by its index's count in `indices`. Sparse gradients are not supported.
Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx = -1,
                 bool scale_grad_by_freq = false, bool sparse = false);
/// Rescales, in place and without autograd, each row of `self` named in `indices` whose
/// norm_type-norm exceeds max_norm to norm max_norm (as PyTorch: scale max_norm / (norm + 1e-7)).
Tensor& embedding_renorm_(Tensor& self, const Tensor& indices, double max_norm, double norm_type);

}  // namespace ember

namespace ember::nn::functional {

/// F::embedding(indices, weight, EmbeddingFuncOptions().padding_idx(0).max_norm(1.0))
Tensor embedding(const Tensor& input, const Tensor& weight,
                 const EmbeddingFuncOptions& options = {});

}  // namespace ember::nn::functional
