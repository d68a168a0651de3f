// Joining and splitting along a dimension: cat (one op with its backward), and stack, hstack,
// vstack, split, chunk, unbind composed from cat, unsqueeze and narrow/select views.
#include "ops/iter.h"

namespace ember {
namespace ops {
namespace {

struct Cat {
  static constexpr const char* name = "CatBackward0";
  int64_t dim;
  std::vector<int64_t> lengths;
  std::vector<ScalarType> types;
  Tensor forward(const std::vector<Tensor>& ts) {
    EMBER_CHECK(!ts.empty(), "cat: expected a non-empty list of Tensors");
    // Legacy rule: 1-D empty tensors are skipped.
    const Tensor* ref = nullptr;
    ScalarType t = ts[0].scalar_type();
    for (const Tensor& x : ts) {
      t = promote_types(t, x.scalar_type());
      if (!(x.dim() == 1 && x.numel() == 0) && !ref) ref = &x;
    }
    if (!ref) ref = &ts[0];
    EMBER_CHECK(ref->dim() > 0, "cat: zero-dimensional tensor cannot be concatenated");
    dim = maybe_wrap_dim(dim, ref->dim(), "cat");
    DimVector shape(ref->sizes());
    shape[dim] = 0;
    for (size_t i = 0; i < ts.size(); ++i) {
      const Tensor& x = ts[i];
      lengths.push_back(x.dim() == 1 && x.numel() == 0 && ref->dim() != 1
                            ? 0
                            : x.size(x.dim() == 1 && x.numel() == 0 ? 0 : dim));
      types.push_back(x.scalar_type());
      if (x.dim() == 1 && x.numel() == 0 && ref->dim() != 1) continue;
      EMBER_CHECK(x.dim() == ref->dim(), "cat: Tensors must have same number of dimensions: got ",
                  ref->dim(), " and ", x.dim(), " (tensor ", i, ")");
      for (int64_t d = 0; d < x.dim(); ++d)
        EMBER_CHECK(d == dim || x.size(d) == ref->size(d),
                    "cat: Sizes of tensors must match "
                    "except in dimension ",
                    dim, ". Expected size ", ref->size(d), " but got size ", x.size(d),
                    " for tensor number ", i, " in the list (shapes ", ref->sizes(), " and ",
                    x.sizes(), ")");
      shape[dim] += x.size(dim);
    }
    Tensor out = new_empty(shape, t);
    int64_t pos = 0;
    for (size_t i = 0; i < ts.size(); ++i) {
      if (lengths[i] == 0) continue;
      Tensor dst = out.narrow(dim, pos, lengths[i]);
      Tensor src = as_type(ts[i], t);
      EMBER_DISPATCH_ALL(t, "cat", [&] {
        unary_kernel<scalar_t, scalar_t>(dst, src, [](scalar_t v) { return v; });
      });
      pos += lengths[i];
    }
    return out;
  }
  variable_list backward(const Tensor& g, const Node&) {
    variable_list out;
    int64_t pos = 0;
    for (size_t i = 0; i < lengths.size(); ++i) {
      if (lengths[i] == 0 && g.dim() != 1) {
        out.push_back(zeros({0}, g.options().dtype(types[i])));
        continue;
      }
      out.push_back(as_type(g.narrow(dim, pos, lengths[i]), types[i]));
      pos += lengths[i];
    }
    return out;
  }
};

}  // namespace
}  // namespace ops

using namespace ops;  // NOLINT

Tensor cat(const std::vector<Tensor>& ts, int64_t dim) {
  return autograd::apply_list(Cat{dim, {}, {}}, ts);
}
Tensor concat(const std::vector<Tensor>& ts, int64_t dim) { return cat(ts, dim); }
Tensor stack(const std::vector<Tensor>& ts, int64_t dim) {
  EMBER_CHECK(!ts.empty(), "stack: expects a non-empty TensorList");
  dim = maybe_wrap_dim(dim, ts[0].dim() + 1, "stack");
  std::vector<Tensor> us;
  for (size_t i = 0; i < ts.size(); ++i) {
    EMBER_CHECK(ts[i].sizes() == ts[0].sizes(),
                "stack: stack expects each tensor to be equal "
                "size, but got ",
                ts[0].sizes(), " at entry 0 and ", ts[i].sizes(), " at entry ", i);
    us.push_back(ts[i].unsqueeze(dim));
  }
  return cat(us, dim);
}
Tensor hstack(const std::vector<Tensor>& ts) {
  EMBER_CHECK(!ts.empty(), "hstack: expects a non-empty TensorList");
  return cat(ts, ts[0].dim() == 1 ? 0 : 1);
}
Tensor vstack(const std::vector<Tensor>& ts) {
  std::vector<Tensor> us;
  for (const Tensor& t : ts) us.push_back(t.dim() == 1 ? t.unsqueeze(0) : t);
  return cat(us, 0);
}
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim) {
  EMBER_CHECK(x.dim() > 0, "split: split expects at least a 1-dimensional tensor");
  EMBER_CHECK(split_size >= 0, "split: split_size must be non-negative, got ", split_size);
  dim = maybe_wrap_dim(dim, x.dim(), "split");
  const int64_t n = x.size(dim);
  std::vector<Tensor> out;
  if (split_size == 0) {
    EMBER_CHECK(n == 0,
                "split: split_size can only be 0 if dimension size is 0, but got "
                "dimension size of ",
                n);
    return {x};
  }
  for (int64_t s = 0; s < n; s += split_size)
    out.push_back(x.narrow(dim, s, std::min(split_size, n - s)));
  if (out.empty()) out.push_back(x);
  return out;
}
std::vector<Tensor> split(const Tensor& x, IntArrayRef sizes, int64_t dim) {
  dim = maybe_wrap_dim(dim, x.dim(), "split_with_sizes");
  int64_t total = 0;
  for (auto s : sizes) total += s;
  EMBER_CHECK(total == x.size(dim), "split_with_sizes: expects split_sizes to sum exactly to ",
              x.size(dim), " (input tensor's size at dimension ", dim,
              "), but got split_sizes=", sizes);
  std::vector<Tensor> out;
  int64_t pos = 0;
  for (auto s : sizes) out.push_back(x.narrow(dim, pos, s)), pos += s;
  return out;
}
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  EMBER_CHECK(chunks > 0, "chunk: chunk expects `chunks` to be greater than 0, got: ", chunks);
  dim = maybe_wrap_dim(dim, x.dim(), "chunk");
  const int64_t n = x.size(dim);
  return split(x, std::max<int64_t>((n + chunks - 1) / chunks, n == 0 ? 0 : 1), dim);
}
std::vector<Tensor> unbind(const Tensor& x, int64_t dim) {
  dim = maybe_wrap_dim(dim, x.dim(), "unbind");
  std::vector<Tensor> out;
  for (int64_t i = 0; i < x.size(dim); ++i) out.push_back(x.select(dim, i));
  return out;
}

}  // namespace ember
