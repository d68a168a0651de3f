// The Embedding module (options, N(0, 1) init with the padding row zeroed, printing,
// from_pretrained). The ops are in ops/nn/embedding.cpp.
#include "ember/nn/modules/embedding.h"

#include "ember/autograd/grad_mode.h"
#include "ember/nn/init.h"
#include "ember/tensor/factories.h"

namespace ember::nn {

EmbeddingImpl::EmbeddingImpl(EmbeddingOptions options)
    : Cloneable("Embedding"), options(std::move(options)) {
  reset();
}

void EmbeddingImpl::reset() {
  const int64_t num = options.num_embeddings(), dim = options.embedding_dim();
  EMBER_CHECK(num >= 0 && dim >= 0, "Embedding: num_embeddings and embedding_dim must be ",
              "non-negative, got ", num, " and ", dim);
  if (options.padding_idx()) {
    int64_t& p = *options.padding_idx();
    EMBER_CHECK(p >= -num && p < num, "Embedding: padding_idx must be within num_embeddings (", num,
                "), got ", p);
    if (p < 0) p += num;
  }
  EMBER_CHECK(!options.sparse(), "Embedding: sparse gradients are not supported");
  if (options._weight().defined()) {
    EMBER_CHECK(options._weight().dim() == 2 && options._weight().size(0) == num &&
                    options._weight().size(1) == dim,
                "Embedding: _weight of shape ", options._weight().sizes(),
                " does not match num_embeddings and embedding_dim [", num, ", ", dim, "]");
    // A new leaf sharing _weight's memory (as Parameter(_weight)); a handle of its own, so that
    // clone() gives the copy its own storage.
    weight = register_parameter("weight", options._weight().detach());
  } else {
    weight = register_parameter("weight", empty({num, dim}));
    reset_parameters();
  }
}

void EmbeddingImpl::reset_parameters() {
  init::normal_(weight);
  if (options.padding_idx()) {
    NoGradGuard no_grad;
    weight.select(0, *options.padding_idx()).fill_(0);
  }
}

void EmbeddingImpl::pretty_print(std::ostream& os) const {
  os << "torch::nn::Embedding(num_embeddings=" << options.num_embeddings()
     << ", embedding_dim=" << options.embedding_dim();
  if (options.padding_idx()) os << ", padding_idx=" << *options.padding_idx();
  if (options.max_norm()) os << ", max_norm=" << *options.max_norm();
  if (options.norm_type() != 2) os << ", norm_type=" << options.norm_type();
  if (options.scale_grad_by_freq()) os << ", scale_grad_by_freq=true";
  if (options.sparse()) os << ", sparse=true";
  os << ")";
}

Tensor EmbeddingImpl::forward(const Tensor& indices) {
  return functional::embedding(indices, weight,
                               functional::EmbeddingFuncOptions()
                                   .padding_idx(options.padding_idx())
                                   .max_norm(options.max_norm())
                                   .norm_type(options.norm_type())
                                   .scale_grad_by_freq(options.scale_grad_by_freq())
                                   .sparse(options.sparse()));
}

Embedding Embedding::from_pretrained(const Tensor& embeddings,
                                     const EmbeddingFromPretrainedOptions& options) {
  EMBER_CHECK(embeddings.defined() && embeddings.dim() == 2,
              "Embedding::from_pretrained: embeddings parameter is expected to be 2-dimensional, ",
              "got shape ", embeddings.defined() ? embeddings.sizes() : IntArrayRef());
  Embedding e(EmbeddingOptions(embeddings.size(0), embeddings.size(1))
                  ._weight(embeddings)
                  .padding_idx(options.padding_idx())
                  .max_norm(options.max_norm())
                  .norm_type(options.norm_type())
                  .scale_grad_by_freq(options.scale_grad_by_freq())
                  .sparse(options.sparse()));
  e->weight.set_requires_grad(!options.freeze());
  return e;
}

}  // namespace ember::nn
