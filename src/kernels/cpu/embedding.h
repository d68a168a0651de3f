// Embedding lookups on raw pointers: the row gather of the forward pass, the scatter-add of its
// weight gradient with the per-lookup scale (padding row, scale_grad_by_freq), and max_norm
// renormalisation. Indices are int64 and already checked. No Tensor, no autograd.
#pragma once

#include <cstdint>

namespace ember::kernels {

/// out row i = w row idx[i], for i < n; rows are row_bytes bytes (any dtype).
void embedding_gather(void* out, const void* w, const int64_t* idx, int64_t n, int64_t row_bytes);

/// scale[i] = 0 where idx[i] == padding_idx, else 1 / (occurrences of idx[i] in idx) when
/// by_freq, else 1: the factor of lookup i in the weight gradient. num bounds the indices.
template <class T>
void embedding_grad_scale(T* scale, const int64_t* idx, int64_t n, int64_t num, int64_t padding_idx,
                          bool by_freq);

/// dw (num, d) += scale[i] · g row i at row idx[i], for each i with idx[i] != padding_idx
/// (scale null: 1), in increasing i for every row of dw.
template <class T>
void embedding_scatter_add(T* dw, const T* g, const int64_t* idx, const T* scale, int64_t n,
                           int64_t num, int64_t d, int64_t padding_idx);

/// Each of the nrows (distinct) rows of w (·, d) listed in `rows` whose norm_type-norm exceeds
/// max_norm is scaled by max_norm / (norm + 1e-7), as PyTorch's embedding_renorm_.
template <class T>
void embedding_renorm(T* w, const int64_t* rows, int64_t nrows, int64_t d, double max_norm,
                      double norm_type);

}  // namespace ember::kernels
