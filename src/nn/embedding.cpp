// embedding (row lookup) with its backward (rows of the gradient added into a zero weight
// gradient, padding_idx skipped), and embedding_renorm_ for max_norm.
#include "ember/nn/modules/embedding.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "ember/autograd/grad_mode.h"
#include "ember/nn/init.h"
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
  for (int64_t i = 0; i < idx.numel(); ++i)
    EMBER_CHECK(p[i] >= 0 && p[i] < num, op, ": index ", p[i], " is out of range for weight of ",
                "shape ", weight.sizes(), " (valid indices are 0 to ", num - 1, ")");
  return idx;
}

struct Embedding {
  static constexpr const char* name = "EmbeddingBackward0";
  Tensor idx;         // (n) int64, checked; forward only
  SavedTensor saved;  // idx for backward (an in-place change to the indices is reported)
  DimVector idx_shape;
  int64_t num_weights, padding_idx;
  bool scale_grad_by_freq;

  Tensor forward(const Tensor& weight) {
    const int64_t n = idx.numel(), D = weight.size(1);
    DimVector shape = idx_shape;
    shape.push_back(D);
    Tensor out = ops::new_empty(shape, weight.scalar_type());
    Tensor w = weight.contiguous();
    const int64_t es = w.element_size();
    const char* src = static_cast<const char*>(w.data_ptr());
    char* dst = static_cast<char*>(out.data_ptr());
    const int64_t* p = idx.data_ptr<int64_t>();
    const int64_t row = D * es;
    if (n * D >= kernels::kGrain) {
#pragma omp parallel for schedule(static)
      for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * row, src + p[i] * row, row);
    } else {
      for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * row, src + p[i] * row, row);
    }
    saved = idx;
    idx.reset();
    return out;
  }

  variable_list backward(const Tensor& grad, const Node&) {
    const Tensor idx = saved.unpack();
    const int64_t n = idx.numel(), D = grad.size(-1);
    const int64_t* p = idx.data_ptr<int64_t>();
    std::vector<int64_t> counts;
    if (scale_grad_by_freq) {
      counts.assign(num_weights, 0);
      for (int64_t i = 0; i < n; ++i) ++counts[p[i]];
    }
    if (GradMode::is_enabled()) {  // create_graph: the gradient with ember ops (it is linear)
      Tensor g = grad.reshape({n, D});
      std::vector<double> scale(n, 1.0);
      for (int64_t i = 0; i < n; ++i) {
        if (p[i] == padding_idx)
          scale[i] = 0;
        else if (scale_grad_by_freq)
          scale[i] = 1.0 / counts[p[i]];
      }
      Tensor s = tensor(scale, TensorOptions().dtype(grad.scalar_type())).unsqueeze(1);
      return {index_add(zeros({num_weights, D}, TensorOptions().dtype(grad.scalar_type())), 0, idx,
                        g * s)};
    }
    Tensor dw = zeros({num_weights, D}, TensorOptions().dtype(grad.scalar_type()));
    Tensor g = grad.contiguous();
    EMBER_DISPATCH_FLOATING(grad.scalar_type(), "embedding_backward", [&] {
      using T = scalar_t;
      const T* pg = g.data_ptr<T>();
      T* pd = dw.data_ptr<T>();
      for (int64_t i = 0; i < n; ++i) {
        if (p[i] == padding_idx) continue;
        add_row(pd + p[i] * D, pg + i * D, D,
                scale_grad_by_freq ? static_cast<T>(1.0 / counts[p[i]]) : T(1));
      }
    });
    return {dw};
  }

  template <class T>
  static void add_row(T* dst, const T* src, int64_t D, T s) {
#pragma omp simd
    for (int64_t k = 0; k < D; ++k) dst[k] += src[k] * s;
  }
};

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
  Embedding e;
  e.idx = checked_indices(indices, weight, op);
  e.idx_shape = DimVector(indices.sizes());
  e.num_weights = weight.size(0);
  e.padding_idx = padding_idx;
  e.scale_grad_by_freq = scale_grad_by_freq;
  return apply(std::move(e), weight);
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
  const int64_t D = self.size(1);
  EMBER_DISPATCH_FLOATING(self.scalar_type(), op, [&] {
    using T = scalar_t;
    T* w = self.data_ptr<T>();
    for (int64_t r : rows) {
      T* row = w + r * D;
      double norm = 0;
      if (norm_type == 1) {
        for (int64_t k = 0; k < D; ++k) norm += std::abs(static_cast<double>(row[k]));
      } else if (norm_type == 2) {
        for (int64_t k = 0; k < D; ++k) norm += static_cast<double>(row[k]) * row[k];
        norm = std::sqrt(norm);
      } else if (std::isinf(norm_type)) {
        for (int64_t k = 0; k < D; ++k)
          norm = std::max(norm, std::abs(static_cast<double>(row[k])));
      } else {
        for (int64_t k = 0; k < D; ++k)
          norm += std::pow(std::abs(static_cast<double>(row[k])), norm_type);
        norm = std::pow(norm, 1.0 / norm_type);
      }
      if (norm > max_norm) {
        const T scale = static_cast<T>(max_norm / (norm + 1e-7));
        for (int64_t k = 0; k < D; ++k) row[k] *= scale;
      }
    }
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

namespace nn {

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

}  // namespace nn
}  // namespace ember
