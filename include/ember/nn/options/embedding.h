// Options of the Embedding layer and function (libtorch's torch/nn/options/embedding.h).
#pragma once

#include <cstdint>
#include <optional>

#include "ember/nn/arg.h"
#include "ember/tensor/tensor.h"

namespace ember::nn {

/// Embedding: EmbeddingOptions(10, 3).padding_idx(0).max_norm(1.0).
struct EmbeddingOptions {
  EmbeddingOptions(int64_t num_embeddings, int64_t embedding_dim)
      : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
  EMBER_ARG(int64_t, num_embeddings);
  EMBER_ARG(int64_t, embedding_dim);
  /// This row gets no gradient and is initialized to zeros (negative counts from the end).
  EMBER_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
  /// Rows looked up with a larger norm are rescaled in place to max_norm.
  EMBER_ARG(std::optional<double>, max_norm) = std::nullopt;
  EMBER_ARG(double, norm_type) = 2.;
  /// Divide each row's gradient by the number of times its index occurs in the batch.
  EMBER_ARG(bool, scale_grad_by_freq) = false;
  /// Sparse gradients are not supported; must stay false.
  EMBER_ARG(bool, sparse) = false;
  /// Use this tensor as the weight instead of a fresh N(0, 1) one.
  EMBER_ARG(Tensor, _weight) = Tensor();
};

/// Embedding::from_pretrained(weight, EmbeddingFromPretrainedOptions().freeze(false)).
struct EmbeddingFromPretrainedOptions {
  /// Whether the weight is excluded from training (requires_grad = false).
  EMBER_ARG(bool, freeze) = true;
  EMBER_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
  EMBER_ARG(std::optional<double>, max_norm) = std::nullopt;
  EMBER_ARG(double, norm_type) = 2.;
  EMBER_ARG(bool, scale_grad_by_freq) = false;
  EMBER_ARG(bool, sparse) = false;
};

namespace functional {

/// F::embedding(indices, weight, EmbeddingFuncOptions().padding_idx(0))
struct EmbeddingFuncOptions {
  EMBER_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
  EMBER_ARG(std::optional<double>, max_norm) = std::nullopt;
  EMBER_ARG(double, norm_type) = 2.;
  EMBER_ARG(bool, scale_grad_by_freq) = false;
  EMBER_ARG(bool, sparse) = false;
};

}  // namespace functional
}  // namespace ember::nn
