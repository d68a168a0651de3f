// The op table: every op that is both a free function (ember::add) and a Tensor method
// (x.add(...)), one row each. tensor.h includes this file twice, with two meanings of the rows:
//
//   EMBER_OP(name, (params), (args), return type)
//       declares `return type ember::name(const Tensor& self, params)` (defined in the op's
//       family file under src/ops/) and defines the method
//       `return type Tensor::name(params) const { return ember::name(*this, args); }`.
//   EMBER_INPLACE(name, (params))
//       declares the method `Tensor& Tensor::name(params)`, defined beside its op in the family
//       file (or in src/tensor/tensor.cpp).
//
// The parameter list is written once, with its default arguments, for both. The return type is
// last so that one with a comma (std::tuple<Tensor, Tensor>) needs no parentheses. Ops that are
// only functions (cat, where(cond, a, b), ...) are declared in ops.h; methods that are not plain
// forwards (expand, slice, index, copy_, ...) in tensor.h. CONTRIBUTING.md has the recipe.
//
// No include guard: this file is meant to be included several times. Included on its own (an
// IDE, a test that includes every public header), it includes tensor.h, which expands it.
#ifndef EMBER_OP
#include "ember/tensor/tensor.h"
#else

// ---- pointwise arithmetic (src/ops/pointwise.cpp) -----------------------------------------------
EMBER_OP(add, (const Tensor& other, const Scalar& alpha = 1), (other, alpha), Tensor)
EMBER_OP(add, (const Scalar& other, const Scalar& alpha = 1), (other, alpha), Tensor)
EMBER_OP(sub, (const Tensor& other, const Scalar& alpha = 1), (other, alpha), Tensor)
EMBER_OP(sub, (const Scalar& other, const Scalar& alpha = 1), (other, alpha), Tensor)
EMBER_OP(mul, (const Tensor& other), (other), Tensor)
EMBER_OP(mul, (const Scalar& other), (other), Tensor)
EMBER_OP(div, (const Tensor& other), (other), Tensor)
EMBER_OP(div, (const Scalar& other), (other), Tensor)
EMBER_INPLACE(add_, (const Tensor& other, const Scalar& alpha = 1))
EMBER_INPLACE(add_, (const Scalar& other, const Scalar& alpha = 1))
EMBER_INPLACE(sub_, (const Tensor& other, const Scalar& alpha = 1))
EMBER_INPLACE(sub_, (const Scalar& other, const Scalar& alpha = 1))
EMBER_INPLACE(mul_, (const Tensor& other))
EMBER_INPLACE(mul_, (const Scalar& other))
EMBER_INPLACE(div_, (const Tensor& other))
EMBER_INPLACE(div_, (const Scalar& other))
EMBER_OP(addcmul, (const Tensor& t1, const Tensor& t2, const Scalar& value = 1), (t1, t2, value),
         Tensor)
EMBER_OP(addcdiv, (const Tensor& t1, const Tensor& t2, const Scalar& value = 1), (t1, t2, value),
         Tensor)
EMBER_INPLACE(addcmul_, (const Tensor& t1, const Tensor& t2, const Scalar& value = 1))
EMBER_INPLACE(addcdiv_, (const Tensor& t1, const Tensor& t2, const Scalar& value = 1))
EMBER_OP(lerp, (const Tensor& end, const Scalar& weight), (end, weight), Tensor)
EMBER_INPLACE(lerp_, (const Tensor& end, const Scalar& weight))
EMBER_OP(pow, (const Scalar& exponent), (exponent), Tensor)
EMBER_OP(pow, (const Tensor& exponent), (exponent), Tensor)
EMBER_INPLACE(pow_, (const Scalar& exponent))
EMBER_OP(maximum, (const Tensor& other), (other), Tensor)
EMBER_OP(minimum, (const Tensor& other), (other), Tensor)
EMBER_OP(max, (const Tensor& other), (other), Tensor)  // = maximum
EMBER_OP(min, (const Tensor& other), (other), Tensor)  // = minimum

// ---- unary math (src/ops/unary.cpp) -------------------------------------------------------------
EMBER_OP(neg, (), (), Tensor)
EMBER_INPLACE(neg_, ())
EMBER_OP(abs, (), (), Tensor)
EMBER_INPLACE(abs_, ())
EMBER_OP(exp, (), (), Tensor)
EMBER_INPLACE(exp_, ())
EMBER_OP(expm1, (), (), Tensor)
EMBER_OP(log, (), (), Tensor)
EMBER_INPLACE(log_, ())
EMBER_OP(log1p, (), (), Tensor)
EMBER_OP(log2, (), (), Tensor)
EMBER_OP(log10, (), (), Tensor)
EMBER_OP(sqrt, (), (), Tensor)
EMBER_INPLACE(sqrt_, ())
EMBER_OP(rsqrt, (), (), Tensor)
EMBER_OP(square, (), (), Tensor)
EMBER_OP(reciprocal, (), (), Tensor)
EMBER_OP(sin, (), (), Tensor)
EMBER_OP(cos, (), (), Tensor)
EMBER_OP(tan, (), (), Tensor)
EMBER_OP(asin, (), (), Tensor)
EMBER_OP(acos, (), (), Tensor)
EMBER_OP(atan, (), (), Tensor)
EMBER_OP(sinh, (), (), Tensor)
EMBER_OP(cosh, (), (), Tensor)
EMBER_OP(tanh, (), (), Tensor)
EMBER_INPLACE(tanh_, ())
EMBER_OP(sigmoid, (), (), Tensor)
EMBER_INPLACE(sigmoid_, ())
EMBER_OP(relu, (), (), Tensor)
EMBER_INPLACE(relu_, ())
EMBER_OP(erf, (), (), Tensor)
EMBER_OP(sign, (), (), Tensor)
EMBER_OP(floor, (), (), Tensor)
EMBER_OP(ceil, (), (), Tensor)
EMBER_OP(round, (), (), Tensor)
EMBER_OP(trunc, (), (), Tensor)
EMBER_OP(frac, (), (), Tensor)
EMBER_OP(clamp, (std::optional<Scalar> min, std::optional<Scalar> max = std::nullopt), (min, max),
         Tensor)
EMBER_INPLACE(clamp_, (std::optional<Scalar> min, std::optional<Scalar> max = std::nullopt))
EMBER_OP(clamp_min, (const Scalar& min), (min), Tensor)
EMBER_OP(clamp_max, (const Scalar& max), (max), Tensor)
EMBER_INPLACE(clamp_min_, (const Scalar& min))
EMBER_INPLACE(clamp_max_, (const Scalar& max))
EMBER_OP(logit, (std::optional<double> eps = std::nullopt), (eps), Tensor)
EMBER_OP(remainder, (const Scalar& other), (other), Tensor)
EMBER_OP(fmod, (const Scalar& other), (other), Tensor)

// ---- comparisons and logic; results are kBool (src/ops/compare.cpp) -----------------------------
EMBER_OP(masked_fill, (const Tensor& mask, const Scalar& value), (mask, value), Tensor)
EMBER_INPLACE(masked_fill_, (const Tensor& mask, const Scalar& value))
EMBER_OP(eq, (const Tensor& other), (other), Tensor)
EMBER_OP(eq, (const Scalar& other), (other), Tensor)
EMBER_OP(ne, (const Tensor& other), (other), Tensor)
EMBER_OP(ne, (const Scalar& other), (other), Tensor)
EMBER_OP(lt, (const Tensor& other), (other), Tensor)
EMBER_OP(lt, (const Scalar& other), (other), Tensor)
EMBER_OP(le, (const Tensor& other), (other), Tensor)
EMBER_OP(le, (const Scalar& other), (other), Tensor)
EMBER_OP(gt, (const Tensor& other), (other), Tensor)
EMBER_OP(gt, (const Scalar& other), (other), Tensor)
EMBER_OP(ge, (const Tensor& other), (other), Tensor)
EMBER_OP(ge, (const Scalar& other), (other), Tensor)
EMBER_OP(logical_not, (), (), Tensor)
EMBER_OP(logical_and, (const Tensor& other), (other), Tensor)
EMBER_OP(logical_or, (const Tensor& other), (other), Tensor)
EMBER_OP(logical_xor, (const Tensor& other), (other), Tensor)
EMBER_OP(isnan, (), (), Tensor)
EMBER_OP(isinf, (), (), Tensor)
EMBER_OP(isfinite, (), (), Tensor)
EMBER_OP(equal, (const Tensor& other), (other), bool)
EMBER_OP(allclose,
         (const Tensor& other, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false),
         (other, rtol, atol, equal_nan), bool)
EMBER_OP(isclose,
         (const Tensor& other, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false),
         (other, rtol, atol, equal_nan), Tensor)

// ---- reductions (src/ops/reduce.cpp) ------------------------------------------------------------
EMBER_OP(sum, (std::optional<ScalarType> dtype = std::nullopt), (dtype), Tensor)
EMBER_OP(sum,
         (IntArrayRef dim, bool keepdim = false, std::optional<ScalarType> dtype = std::nullopt),
         (dim, keepdim, dtype), Tensor)
EMBER_OP(mean, (std::optional<ScalarType> dtype = std::nullopt), (dtype), Tensor)
EMBER_OP(mean,
         (IntArrayRef dim, bool keepdim = false, std::optional<ScalarType> dtype = std::nullopt),
         (dim, keepdim, dtype), Tensor)
EMBER_OP(prod, (std::optional<ScalarType> dtype = std::nullopt), (dtype), Tensor)
EMBER_OP(prod, (int64_t dim, bool keepdim = false, std::optional<ScalarType> dtype = std::nullopt),
         (dim, keepdim, dtype), Tensor)
EMBER_OP(max, (), (), Tensor)
EMBER_OP(max, (int64_t dim, bool keepdim = false), (dim, keepdim), std::tuple<Tensor, Tensor>)
EMBER_OP(min, (), (), Tensor)
EMBER_OP(min, (int64_t dim, bool keepdim = false), (dim, keepdim), std::tuple<Tensor, Tensor>)
EMBER_OP(amax, (IntArrayRef dim = {}, bool keepdim = false), (dim, keepdim), Tensor)
EMBER_OP(amin, (IntArrayRef dim = {}, bool keepdim = false), (dim, keepdim), Tensor)
EMBER_OP(argmax, (std::optional<int64_t> dim = std::nullopt, bool keepdim = false), (dim, keepdim),
         Tensor)
EMBER_OP(argmin, (std::optional<int64_t> dim = std::nullopt, bool keepdim = false), (dim, keepdim),
         Tensor)
EMBER_OP(norm, (const Scalar& p = 2), (p), Tensor)
EMBER_OP(norm, (const Scalar& p, IntArrayRef dim, bool keepdim = false), (p, dim, keepdim), Tensor)
EMBER_OP(var, (bool unbiased = true), (unbiased), Tensor)
EMBER_OP(var, (IntArrayRef dim, bool unbiased = true, bool keepdim = false),
         (dim, unbiased, keepdim), Tensor)
EMBER_OP(std, (bool unbiased = true), (unbiased), Tensor)
EMBER_OP(std, (IntArrayRef dim, bool unbiased = true, bool keepdim = false),
         (dim, unbiased, keepdim), Tensor)
EMBER_OP(all, (), (), Tensor)
EMBER_OP(all, (int64_t dim, bool keepdim = false), (dim, keepdim), Tensor)
EMBER_OP(any, (), (), Tensor)
EMBER_OP(any, (int64_t dim, bool keepdim = false), (dim, keepdim), Tensor)
EMBER_OP(logsumexp, (IntArrayRef dim, bool keepdim = false), (dim, keepdim), Tensor)
EMBER_OP(cumsum, (int64_t dim, std::optional<ScalarType> dtype = std::nullopt), (dim, dtype),
         Tensor)
EMBER_OP(softmax, (int64_t dim, std::optional<ScalarType> dtype = std::nullopt), (dim, dtype),
         Tensor)
EMBER_OP(log_softmax, (int64_t dim, std::optional<ScalarType> dtype = std::nullopt), (dim, dtype),
         Tensor)

// ---- linear algebra (src/ops/linalg.cpp) --------------------------------------------------------
EMBER_OP(mm, (const Tensor& mat2), (mat2), Tensor)
EMBER_OP(bmm, (const Tensor& mat2), (mat2), Tensor)
EMBER_OP(matmul, (const Tensor& other), (other), Tensor)
EMBER_OP(mv, (const Tensor& vec), (vec), Tensor)
EMBER_OP(dot, (const Tensor& other), (other), Tensor)
EMBER_OP(outer, (const Tensor& vec2), (vec2), Tensor)
EMBER_OP(addmm,
         (const Tensor& mat1, const Tensor& mat2, const Scalar& beta = 1, const Scalar& alpha = 1),
         (mat1, mat2, beta, alpha), Tensor)
EMBER_OP(t, (), (), Tensor)

// ---- shape: views and copies (src/ops/shape.cpp) ------------------------------------------------
EMBER_OP(contiguous, (), (), Tensor)
EMBER_OP(clone, (), (), Tensor)
EMBER_OP(view, (IntArrayRef size), (size), Tensor)
EMBER_OP(reshape, (IntArrayRef size), (size), Tensor)
EMBER_OP(flatten, (int64_t start_dim = 0, int64_t end_dim = -1), (start_dim, end_dim), Tensor)
EMBER_OP(unflatten, (int64_t dim, IntArrayRef sizes), (dim, sizes), Tensor)
EMBER_OP(squeeze, (), (), Tensor)
EMBER_OP(squeeze, (int64_t dim), (dim), Tensor)
EMBER_OP(unsqueeze, (int64_t dim), (dim), Tensor)
EMBER_INPLACE(squeeze_, ())
EMBER_INPLACE(squeeze_, (int64_t dim))
EMBER_INPLACE(unsqueeze_, (int64_t dim))
EMBER_OP(permute, (IntArrayRef dims), (dims), Tensor)
EMBER_OP(transpose, (int64_t dim0, int64_t dim1), (dim0, dim1), Tensor)
EMBER_INPLACE(transpose_, (int64_t dim0, int64_t dim1))
EMBER_OP(repeat, (IntArrayRef repeats), (repeats), Tensor)
EMBER_OP(as_strided,
         (IntArrayRef size, IntArrayRef stride, std::optional<int64_t> offset = std::nullopt),
         (size, stride, offset), Tensor)
EMBER_OP(narrow, (int64_t dim, int64_t start, int64_t length), (dim, start, length), Tensor)
EMBER_OP(select, (int64_t dim, int64_t index), (dim, index), Tensor)
EMBER_OP(split, (int64_t split_size, int64_t dim = 0), (split_size, dim), std::vector<Tensor>)
EMBER_OP(split, (IntArrayRef split_sizes, int64_t dim = 0), (split_sizes, dim), std::vector<Tensor>)
EMBER_OP(chunk, (int64_t chunks, int64_t dim = 0), (chunks, dim), std::vector<Tensor>)
EMBER_OP(unbind, (int64_t dim = 0), (dim), std::vector<Tensor>)
EMBER_OP(flip, (IntArrayRef dims), (dims), Tensor)
EMBER_OP(diag, (int64_t diagonal = 0), (diagonal), Tensor)
EMBER_OP(tril, (int64_t diagonal = 0), (diagonal), Tensor)
EMBER_OP(triu, (int64_t diagonal = 0), (diagonal), Tensor)

// ---- indexing, sorting (src/ops/index.cpp) ------------------------------------------------------
EMBER_OP(index_select, (int64_t dim, const Tensor& index), (dim, index), Tensor)
EMBER_OP(gather, (int64_t dim, const Tensor& index), (dim, index), Tensor)
EMBER_OP(scatter, (int64_t dim, const Tensor& index, const Tensor& src), (dim, index, src), Tensor)
EMBER_OP(scatter, (int64_t dim, const Tensor& index, const Scalar& value), (dim, index, value),
         Tensor)
EMBER_INPLACE(scatter_, (int64_t dim, const Tensor& index, const Tensor& src))
EMBER_INPLACE(scatter_, (int64_t dim, const Tensor& index, const Scalar& value))
EMBER_OP(scatter_add, (int64_t dim, const Tensor& index, const Tensor& src), (dim, index, src),
         Tensor)
EMBER_INPLACE(scatter_add_, (int64_t dim, const Tensor& index, const Tensor& src))
EMBER_OP(index_add, (int64_t dim, const Tensor& index, const Tensor& source), (dim, index, source),
         Tensor)
EMBER_OP(masked_select, (const Tensor& mask), (mask), Tensor)
EMBER_OP(nonzero, (), (), Tensor)
EMBER_OP(sort, (int64_t dim = -1, bool descending = false), (dim, descending),
         std::tuple<Tensor, Tensor>)
EMBER_OP(topk, (int64_t k, int64_t dim = -1, bool largest = true, bool sorted = true),
         (k, dim, largest, sorted), std::tuple<Tensor, Tensor>)

#endif  // EMBER_OP
