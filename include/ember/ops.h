// Every public tensor op as a free function: those with a Tensor method come from the op table
// (ember/ops_table.h, through tensor.h), the rest are declared below. Each is implemented with its
// backward in one family file under src/ops/.
#pragma once

#include <optional>
#include <tuple>
#include <vector>

#include "ember/tensor/factories.h"
#include "ember/tensor/tensor.h"

namespace ember {

// The ops that have a Tensor method are declared once, with the method, in the op table
// (ember/ops_table.h, expanded by tensor.h): add, mul, exp, sum, matmul, view, gather, ... This
// header declares the rest: ops that are only free functions.

// ---- pointwise (src/ops/pointwise.cpp, unary.cpp, compare.cpp) -------------------------------
Tensor rsub(const Tensor& a, const Scalar& b);  // b - a
Tensor rdiv(const Tensor& a, const Scalar& b);  // b / a
Tensor pow(const Scalar& a, const Tensor& e);
Tensor exp2(const Tensor& x);
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);
Tensor where(const Tensor& condition, const Tensor& a, const Scalar& b);
Tensor where(const Tensor& condition, const Scalar& a, const Tensor& b);

// ---- reductions (src/ops/reduce.cpp) -----------------------------------------------------------
std::tuple<Tensor, Tensor> var_mean(const Tensor& x, IntArrayRef dim, bool unbiased = true,
                                    bool keepdim = false);
/// Sums `x` down to `shape` (the reverse of broadcasting); used by backward formulas.
Tensor sum_to(const Tensor& x, IntArrayRef shape);

// ---- linear algebra (src/ops/linalg.cpp) ------------------------------------------------------
Tensor einsum_ij_jk(const Tensor& a, const Tensor& b);

// ---- shape and indexing (src/ops/shape.cpp, src/ops/index.cpp) --------------------------------
Tensor expand(const Tensor& x, IntArrayRef size);
Tensor broadcast_to(const Tensor& x, IntArrayRef size);
std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& tensors);
std::vector<int64_t> broadcast_shapes(IntArrayRef a, IntArrayRef b);
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor concat(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor hstack(const std::vector<Tensor>& tensors);
Tensor vstack(const std::vector<Tensor>& tensors);
Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end,
             int64_t step = 1);
Tensor one_hot(const Tensor& indices, int64_t num_classes = -1);
Tensor argsort(const Tensor& x, int64_t dim = -1, bool descending = false);

/// Wraps a dim in [-ndim, ndim) to [0, ndim); throws naming `op` otherwise.
int64_t maybe_wrap_dim(int64_t dim, int64_t ndim, const char* op = "dim");

}  // namespace ember
