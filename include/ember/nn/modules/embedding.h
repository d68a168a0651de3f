// Embedding: a lookup table of num_embeddings vectors of size embedding_dim.
#pragma once

#include <ostream>

#include "ember/nn/functional/embedding.h"
#include "ember/nn/module.h"
#include "ember/nn/options/embedding.h"

namespace ember::nn {

/// indices (*) int64 → (*, embedding_dim). weight ~ N(0, 1) with the padding_idx row zeroed, as
/// PyTorch (same values after manual_seed).
class EmbeddingImpl : public Cloneable<EmbeddingImpl> {
 public:
  EmbeddingImpl(int64_t num_embeddings, int64_t embedding_dim)
      : EmbeddingImpl(EmbeddingOptions(num_embeddings, embedding_dim)) {}
  explicit EmbeddingImpl(EmbeddingOptions options);
  void reset() override;
  /// normal_(weight), then zeroes the padding_idx row.
  void reset_parameters();
  void pretty_print(std::ostream& os) const override;
  Tensor forward(const Tensor& indices);

  EmbeddingOptions options;  // padding_idx, when given, is stored non-negative
  Tensor weight;             // (num_embeddings, embedding_dim)
};

/// Holder of EmbeddingImpl, with libtorch's Embedding::from_pretrained.
class Embedding : public ModuleHolder<EmbeddingImpl> {
 public:
  using ModuleHolder<EmbeddingImpl>::ModuleHolder;
  using Impl = EmbeddingImpl;
  /// An Embedding whose weight is `embeddings` (2-D); frozen (no gradient) unless
  /// options.freeze(false).
  static Embedding from_pretrained(const Tensor& embeddings,
                                   const EmbeddingFromPretrainedOptions& options = {});
};

}  // namespace ember::nn
