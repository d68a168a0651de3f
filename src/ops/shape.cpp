// Shape ops: views (view, reshape, permute, transpose, expand, squeeze, unsqueeze, select,
// narrow, slice, as_strided) and copies (contiguous, clone, flip, repeat), with their backward
// formulas. Views share storage with their input. Joining and splitting: join.cpp.
#include <cstring>
#include <numeric>

#include "ember/tensor/indexing.h"
#include "ops/iter.h"

namespace ember {

int64_t maybe_wrap_dim(int64_t dim, int64_t ndim, const char* op) {
  const int64_t n = ndim <= 0 ? 1 : ndim;
  EMBER_CHECK(dim >= -n && dim < n, op, ": Dimension out of range (expected to be in range of [",
              -n, ", ", n - 1, "], but got ", dim, ")");
  return dim < 0 ? dim + n : dim;
}

namespace ops {
namespace {

Tensor make_view(const Tensor& base, IntArrayRef sizes, IntArrayRef strides, int64_t offset) {
  return Tensor(intrusive_ptr<TensorImpl>::make(base.impl()->storage(), base.scalar_type(), sizes,
                                                strides, offset, base.device()));
}

DimVector infer_size(IntArrayRef shape, int64_t numel, const char* op) {
  DimVector out(shape);
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      EMBER_CHECK(infer < 0, op, ": only one dimension can be inferred (shape ", shape, ")");
      infer = static_cast<int64_t>(i);
    } else {
      EMBER_CHECK(shape[i] >= 0, op, ": invalid shape dimension ", shape[i], " in ", shape);
      EMBER_CHECK(!__builtin_mul_overflow(known, shape[i], &known), op, ": shape ", shape,
                  " is invalid for input of size ", numel);
    }
  }
  if (infer >= 0) {
    EMBER_CHECK(known != 0 && numel % known == 0, op, ": shape ", shape,
                " is invalid for input of size ", numel);
    out[infer] = numel / known;
  } else {
    EMBER_CHECK(known == numel, op, ": shape ", shape, " is invalid for input of size ", numel);
  }
  return out;
}

/// Strides for viewing (old sizes, old strides) as new sizes without copying, if possible
/// (ATen's computeStride).
std::optional<DimVector> view_strides(IntArrayRef old_sizes, IntArrayRef old_strides,
                                      IntArrayRef new_sizes) {
  if (old_sizes.empty()) return DimVector(new_sizes.size(), 1);
  int64_t numel = 1;
  for (auto s : old_sizes) numel *= s;
  if (numel == 0) return contiguous_strides(new_sizes);
  DimVector out(new_sizes.size());
  int64_t view_d = static_cast<int64_t>(new_sizes.size()) - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = static_cast<int64_t>(old_sizes.size()) - 1; d >= 0; --d) {
    tensor_numel *= old_sizes[d];
    if (d == 0 ||
        (old_sizes[d - 1] != 1 && old_strides[d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || new_sizes[view_d] == 1)) {
        out[view_d] = view_numel * chunk_base_stride;
        view_numel *= new_sizes[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (d > 0) {
        chunk_base_stride = old_strides[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}

struct View {
  static constexpr const char* name = "ViewBackward0";
  static constexpr bool is_view = true;
  DimVector shape, in_shape;
  Tensor forward(const Tensor& x) {
    in_shape = x.sizes();
    DimVector s = infer_size(shape, x.numel(), "view");
    auto st = view_strides(x.sizes(), x.strides(), s);
    EMBER_CHECK(st.has_value(), "view: size ", shape,
                " is not compatible with input tensor's size ", x.sizes(), " and stride ",
                x.strides(),
                " (at least one dimension spans across two contiguous subspaces). Use "
                ".reshape(...) instead.");
    return make_view(x, s, *st, x.storage_offset());
  }
  variable_list backward(const Tensor& g, const Node&) { return {g.reshape(in_shape)}; }
};

struct ReshapeAlias : View {  // libtorch's name for a reshape that is a view
  static constexpr const char* name = "ReshapeAliasBackward0";
};

struct Permute {
  static constexpr const char* name = "PermuteBackward0";
  static constexpr bool is_view = true;
  DimVector dims;
  Tensor forward(const Tensor& x) {
    EMBER_CHECK(static_cast<int64_t>(dims.size()) == x.dim(),
                "permute: number of dims don't "
                "match in permute (input has ",
                x.dim(), " dims, got ", dims.size(), ")");
    DimVector sizes(dims.size()), strides(dims.size());
    std::vector<bool> seen(dims.size(), false);
    for (size_t i = 0; i < dims.size(); ++i) {
      int64_t d = maybe_wrap_dim(dims[i], x.dim(), "permute");
      EMBER_CHECK(!seen[d], "permute: repeated dim ", d, " in ", dims.ref());
      seen[d] = true;
      dims[i] = d;
      sizes[i] = x.size(d);
      strides[i] = x.stride(d);
    }
    return make_view(x, sizes, strides, x.storage_offset());
  }
  variable_list backward(const Tensor& g, const Node&) {
    DimVector inv(dims.size());
    for (size_t i = 0; i < dims.size(); ++i) inv[dims[i]] = static_cast<int64_t>(i);
    return {g.permute(inv)};
  }
};

struct Transpose {
  static constexpr const char* name = "TransposeBackward0";
  static constexpr bool is_view = true;
  int64_t d0, d1;
  Tensor forward(const Tensor& x) {
    d0 = maybe_wrap_dim(d0, x.dim(), "transpose");
    d1 = maybe_wrap_dim(d1, x.dim(), "transpose");
    if (x.dim() == 0) return make_view(x, {}, {}, x.storage_offset());
    DimVector sizes(x.sizes()), strides(x.strides());
    std::swap(sizes[d0], sizes[d1]);
    std::swap(strides[d0], strides[d1]);
    return make_view(x, sizes, strides, x.storage_offset());
  }
  variable_list backward(const Tensor& g, const Node&) {
    return {g.dim() == 0 ? g : g.transpose(d0, d1)};
  }
};

struct TOp {
  static constexpr const char* name = "TBackward0";
  static constexpr bool is_view = true;
  Tensor forward(const Tensor& x) {
    EMBER_CHECK(x.dim() <= 2, "t: expects a tensor with <= 2 dimensions, but self is ", x.dim(),
                "D (shape ", x.sizes(), ")");
    if (x.dim() < 2) return make_view(x, x.sizes(), x.strides(), x.storage_offset());
    return make_view(x, {x.size(1), x.size(0)}, {x.stride(1), x.stride(0)}, x.storage_offset());
  }
  variable_list backward(const Tensor& g, const Node&) { return {g.t()}; }
};

struct Expand {
  static constexpr const char* name = "ExpandBackward0";
  static constexpr bool is_view = true;
  DimVector size, in_shape;
  Tensor forward(const Tensor& x) {
    in_shape = x.sizes();
    const int64_t nd = static_cast<int64_t>(size.size());
    EMBER_CHECK(nd >= x.dim(), "expand: the number of sizes provided (", nd,
                ") must be greater or equal to the number of dimensions in the tensor (", x.dim(),
                ")");
    DimVector sizes(nd), strides(nd);
    const int64_t off = nd - x.dim();
    for (int64_t d = nd - 1; d >= 0; --d) {
      const int64_t xd = d - off;
      int64_t want = size[d];
      if (xd < 0) {
        EMBER_CHECK(want >= 0, "expand: the expanded size of the tensor (", want,
                    ") isn't allowed in a leading, non-existing dimension ", d);
        sizes[d] = want;
        strides[d] = 0;
        continue;
      }
      const int64_t have = x.size(xd);
      if (want == -1) want = have;
      EMBER_CHECK(have == want || have == 1, "expand: the expanded size of the tensor (", want,
                  ") must match the existing size (", have, ") at non-singleton dimension ", d,
                  ".  Target sizes: ", size.ref(), ".  Tensor sizes: ", x.sizes());
      sizes[d] = want;
      strides[d] = have == want ? x.stride(xd) : 0;
    }
    return make_view(x, sizes, strides, x.storage_offset());
  }
  variable_list backward(const Tensor& g, const Node&) { return {sum_to(g, in_shape)}; }
};

struct Reshape0 {  // squeeze/unsqueeze as views: the gradient is a reshape back
  static constexpr bool is_view = true;
  DimVector sizes, strides, in_shape;
  Tensor forward(const Tensor& x) {
    in_shape = x.sizes();
    return make_view(x, sizes, strides, x.storage_offset());
  }
  variable_list backward(const Tensor& g, const Node&) { return {g.reshape(in_shape)}; }
};
struct Squeeze : Reshape0 {
  static constexpr const char* name = "SqueezeBackward0";
};
struct Unsqueeze : Reshape0 {
  static constexpr const char* name = "UnsqueezeBackward0";
};

/// The gradient of a strided view: zeros of the base's shape with `g` written into the view.
struct ViewScatter {
  static constexpr const char* name = "AsStridedScatterBackward0";
  DimVector base_shape, sizes, strides;
  int64_t offset;
  Tensor forward(const Tensor& g) {
    Tensor z = zeros(base_shape, g.options());
    Tensor v = make_view(z, sizes, strides, offset);
    v.add_(g);  // add (not copy) so overlapping views accumulate
    return z;
  }
  variable_list backward(const Tensor& gg, const Node&) {
    Tensor c = gg.contiguous();
    return {c.as_strided(sizes, strides, c.storage_offset() + offset)};
  }
};

/// select / narrow / slice / as_strided / diagonal: a strided view of x.
struct StridedView {
  static constexpr bool is_view = true;
  DimVector sizes, strides, in_shape;
  int64_t offset, in_offset = 0;
  Tensor forward(const Tensor& x) {
    in_shape = x.sizes();
    in_offset = x.storage_offset();
    return make_view(x, sizes, strides, offset);
  }
  variable_list backward(const Tensor& g, const Node&) {
    // Geometry relative to a contiguous base of shape in_shape: valid because the base
    // gradient is contiguous; strides of x are mapped through its own layout.
    return {apply(ViewScatter{in_shape, sizes, rel_strides, rel_offset}, g)};
  }
  DimVector rel_strides;
  int64_t rel_offset = 0;
};
struct SelectView : StridedView {
  static constexpr const char* name = "SelectBackward0";
};
struct SliceView : StridedView {
  static constexpr const char* name = "SliceBackward0";
};
struct AsStrided : StridedView {
  static constexpr const char* name = "AsStridedBackward0";
};

struct Clone {
  static constexpr const char* name = "CloneBackward0";
  bool contiguous;  // else PyTorch's memory_format=preserve: a dense x keeps its strides
  Tensor forward(const Tensor& x) {
    Tensor out = contiguous ? new_empty(x.sizes(), x.scalar_type()) : empty_like(x);
    // Same strides means x is dense (empty_like keeps only dense layouts) and both hold their
    // elements in the same order in one block: copy it whole, whatever the permutation (a
    // transposed gradient walked in logical order was most of an MLP step).
    if (out.strides() == x.strides()) {
      if (out.nbytes() > 0) std::memcpy(out.data_ptr(), x.data_ptr(), out.nbytes());
      return out;
    }
    EMBER_DISPATCH_ALL(x.scalar_type(), "clone", [&] {
      unary_kernel<scalar_t, scalar_t>(out, x, [](scalar_t v) { return v; });
    });
    return out;
  }
  variable_list backward(const Tensor& g, const Node&) { return {g}; }
};

struct ToCopy {
  static constexpr const char* name = "ToCopyBackward0";
  ScalarType to, from = kFloat;
  Tensor forward(const Tensor& x) {
    from = x.scalar_type();
    Tensor out = new_empty(x.sizes(), to);
    EMBER_DISPATCH_ALL(to, "to", [&] {
      using dst_t = scalar_t;
      EMBER_DISPATCH_ALL(x.scalar_type(), "to", [&] {
        unary_kernel<dst_t, scalar_t>(out, x, [](scalar_t v) { return static_cast<dst_t>(v); });
      });
    });
    return out;
  }
  variable_list backward(const Tensor& g, const Node&) { return {g.to(from)}; }
};

struct Flip {
  static constexpr const char* name = "FlipBackward0";
  DimVector dims;
  Tensor forward(const Tensor& x) {
    DimVector strides(x.strides());
    int64_t offset = x.storage_offset();
    for (auto& d : dims) {
      d = maybe_wrap_dim(d, x.dim(), "flip");
      if (x.size(d) > 0) offset += (x.size(d) - 1) * x.stride(d);
      strides[d] = -strides[d];
    }
    return apply(Clone{true}, make_view(x, x.sizes(), strides, offset));
  }
  variable_list backward(const Tensor& g, const Node&) { return {g.flip(dims)}; }
};

}  // namespace
}  // namespace ops

using namespace ops;  // NOLINT

Tensor view(const Tensor& x, IntArrayRef size) { return apply(View{size, {}}, x); }
Tensor reshape(const Tensor& x, IntArrayRef size) {
  DimVector s = infer_size(size, x.numel(), "reshape");
  if (view_strides(x.sizes(), x.strides(), s)) return apply(ReshapeAlias{{s, {}}}, x);
  return view(apply(Clone{true}, x), s);
}
Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  if (x.dim() == 0) return x.reshape({1});
  start_dim = maybe_wrap_dim(start_dim, x.dim(), "flatten");
  end_dim = maybe_wrap_dim(end_dim, x.dim(), "flatten");
  EMBER_CHECK(start_dim <= end_dim, "flatten: start_dim (", start_dim,
              ") cannot come after end_dim (", end_dim, ")");
  if (start_dim == end_dim) return x;
  DimVector shape;
  for (int64_t d = 0; d < start_dim; ++d) shape.push_back(x.size(d));
  int64_t n = 1;
  for (int64_t d = start_dim; d <= end_dim; ++d) n *= x.size(d);
  shape.push_back(n);
  for (int64_t d = end_dim + 1; d < x.dim(); ++d) shape.push_back(x.size(d));
  return x.reshape(shape);
}
Tensor unflatten(const Tensor& x, int64_t dim, IntArrayRef sizes) {
  dim = maybe_wrap_dim(dim, x.dim(), "unflatten");
  DimVector inner = infer_size(sizes, x.size(dim), "unflatten");
  DimVector shape;
  for (int64_t d = 0; d < dim; ++d) shape.push_back(x.size(d));
  for (auto s : inner) shape.push_back(s);
  for (int64_t d = dim + 1; d < x.dim(); ++d) shape.push_back(x.size(d));
  return x.view(shape);
}
Tensor squeeze(const Tensor& x) {
  Squeeze op;
  for (int64_t d = 0; d < x.dim(); ++d)
    if (x.size(d) != 1) op.sizes.push_back(x.size(d)), op.strides.push_back(x.stride(d));
  return apply(std::move(op), x);
}
Tensor squeeze(const Tensor& x, int64_t dim) {
  if (x.dim() == 0) return squeeze(x);
  dim = maybe_wrap_dim(dim, x.dim(), "squeeze");
  Squeeze op;
  for (int64_t d = 0; d < x.dim(); ++d)
    if (d != dim || x.size(d) != 1)
      op.sizes.push_back(x.size(d)), op.strides.push_back(x.stride(d));
  return apply(std::move(op), x);
}
Tensor unsqueeze(const Tensor& x, int64_t dim) {
  dim = maybe_wrap_dim(dim, x.dim() + 1, "unsqueeze");
  Unsqueeze op;
  op.sizes = x.sizes();
  op.strides = x.strides();
  const int64_t st = dim < x.dim() ? x.size(dim) * x.stride(dim) : 1;
  op.sizes.insert(dim, 1);
  op.strides.insert(dim, st);
  return apply(std::move(op), x);
}
Tensor permute(const Tensor& x, IntArrayRef dims) { return apply(Permute{dims}, x); }
Tensor transpose(const Tensor& x, int64_t d0, int64_t d1) { return apply(Transpose{d0, d1}, x); }
Tensor t(const Tensor& x) { return apply(TOp{}, x); }
Tensor expand(const Tensor& x, IntArrayRef size) {
  if (x.sizes() == size) return x;
  return apply(Expand{size, {}}, x);
}
Tensor broadcast_to(const Tensor& x, IntArrayRef size) { return expand(x, size); }
std::vector<int64_t> broadcast_shapes(IntArrayRef a, IntArrayRef b) {
  return broadcast_shape(a, b, "broadcast_shapes").ref().vec();
}
std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& ts) {
  DimVector shape;
  for (const Tensor& t : ts) shape = broadcast_shape(shape, t.sizes(), "broadcast_tensors");
  std::vector<Tensor> out;
  for (const Tensor& t : ts) out.push_back(t.expand(shape));
  return out;
}

namespace {
Tensor make_strided(const char* kind, const Tensor& x, DimVector sizes, DimVector strides,
                    int64_t offset, DimVector rel_strides, int64_t rel_offset) {
  auto fill = [&](StridedView& v) {
    v.sizes = std::move(sizes);
    v.strides = std::move(strides);
    v.offset = offset;
    v.rel_strides = std::move(rel_strides);
    v.rel_offset = rel_offset;
  };
  if (kind[0] == 's' && kind[1] == 'e') {
    SelectView v;
    fill(v);
    return apply(std::move(v), x);
  }
  if (kind[0] == 's') {
    SliceView v;
    fill(v);
    return apply(std::move(v), x);
  }
  AsStrided v;
  fill(v);
  return apply(std::move(v), x);
}
}  // namespace

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  EMBER_CHECK(x.dim() > 0, "select: select() cannot be applied to a 0-dim tensor.");
  dim = maybe_wrap_dim(dim, x.dim(), "select");
  const int64_t n = x.size(dim);
  EMBER_CHECK(index >= -n && index < n, "select: index ", index,
              " out of range for tensor of size ", x.sizes(), " at dimension ", dim);
  if (index < 0) index += n;
  DimVector sizes(x.sizes()), strides(x.strides());
  DimVector rel = contiguous_strides(x.sizes());
  const int64_t rel_off = index * rel[dim];
  sizes.erase(dim);
  strides.erase(dim);
  rel.erase(dim);
  return make_strided("select", x, sizes, strides, x.storage_offset() + index * x.stride(dim), rel,
                      rel_off);
}
Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end,
             int64_t step) {
  EMBER_CHECK(x.dim() > 0, "slice: slice() cannot be applied to a 0-dim tensor.");
  EMBER_CHECK(step > 0, "slice: slice step must be positive (got ", step, ")");
  dim = maybe_wrap_dim(dim, x.dim(), "slice");
  const int64_t n = x.size(dim);
  int64_t s = start.value_or(0), e = end.value_or(n);
  if (s < 0) s += n;
  if (e < 0) e += n;
  s = std::clamp<int64_t>(s, 0, n);
  e = std::clamp<int64_t>(e, s, n);
  DimVector sizes(x.sizes()), strides(x.strides());
  DimVector rel = contiguous_strides(x.sizes());
  const int64_t rel_off = s * rel[dim];
  sizes[dim] = (e - s + step - 1) / step;
  strides[dim] *= step;
  rel[dim] *= step;
  return make_strided("slice", x, sizes, strides, x.storage_offset() + s * x.stride(dim), rel,
                      rel_off);
}
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  EMBER_CHECK(x.dim() > 0, "narrow: narrow() cannot be applied to a 0-dim tensor.");
  dim = maybe_wrap_dim(dim, x.dim(), "narrow");
  const int64_t n = x.size(dim);
  if (start < 0) start += n;
  EMBER_CHECK(start >= 0 && length >= 0 && length <= n - start, "narrow: start (", start,
              ") + length (", length, ") exceeds dimension size (", n, ") of shape ", x.sizes());
  return slice(x, dim, start, start + length, 1);
}
Tensor as_strided(const Tensor& x, IntArrayRef size, IntArrayRef stride,
                  std::optional<int64_t> offset) {
  EMBER_CHECK(size.size() == stride.size(), "as_strided: mismatch in length of strides and shape");
  const int64_t off = offset.value_or(x.storage_offset());
  for (int64_t s : size)
    EMBER_CHECK(s >= 0, "as_strided: Trying to create tensor with negative dimension ", s, ": ",
                size);
  for (int64_t s : stride)
    EMBER_CHECK(
        s >= 0,
        "as_strided: Negative strides are not supported at the moment, got strides: ", stride);
  EMBER_CHECK(off >= 0, "as_strided: Tensor: invalid storage offset ", off);
  // The last element's byte (checked for overflow); nothing is read when an extent is 0.
  bool empty = false, overflow = false;
  int64_t max_index = off, term = 0;
  for (size_t i = 0; i < size.size(); ++i) {
    empty = empty || size[i] == 0;
    if (size[i] == 0) continue;
    overflow = overflow || __builtin_mul_overflow(size[i] - 1, stride[i], &term) ||
               __builtin_add_overflow(max_index, term, &max_index);
  }
  int64_t need = 0;
  overflow = overflow || __builtin_add_overflow(max_index, 1, &need) ||
             __builtin_mul_overflow(need, x.element_size(), &need);
  EMBER_CHECK(empty || (!overflow && x.impl()->storage()->nbytes() >= need),
              "as_strided: setStorage: sizes ", size, ", strides ", stride, " and offset ", off,
              " require more storage than the tensor's ", x.impl()->storage()->nbytes(), " bytes");
  EMBER_CHECK(x.is_contiguous() || !x.requires_grad(),
              "as_strided: differentiable as_strided "
              "requires a contiguous input");
  return make_strided("as_strided", x, size, stride, off, stride, off - x.storage_offset());
}
Tensor diag(const Tensor& x, int64_t diagonal) {
  EMBER_CHECK(x.dim() == 1 || x.dim() == 2, "diag: expected 1-D or 2-D input, got shape ",
              x.sizes());
  if (x.dim() == 1) {
    const int64_t n = x.size(0) + std::abs(diagonal);
    Tensor base = zeros({n, n}, x.options());
    Tensor idx = arange(x.size(0));
    Tensor rows = diagonal >= 0 ? idx : idx - diagonal, cols = diagonal >= 0 ? idx + diagonal : idx;
    return base.index_put_({rows, cols}, x);
  }
  const int64_t r = x.size(0), c = x.size(1);
  const int64_t len = diagonal >= 0 ? std::max<int64_t>(0, std::min(r, c - diagonal))
                                    : std::max<int64_t>(0, std::min(r + diagonal, c));
  Tensor xc = x.contiguous();
  const int64_t off = diagonal >= 0 ? diagonal : -diagonal * c;
  return as_strided(xc, {len}, {c + 1}, xc.storage_offset() + off);
}
Tensor tril(const Tensor& x, int64_t k) {
  EMBER_CHECK(x.dim() >= 2, "tril: input tensor must have at least 2 dimensions, got ", x.sizes());
  Tensor i = arange(x.size(-2)).unsqueeze(1), j = arange(x.size(-1)).unsqueeze(0);
  return where(j - i <= k, x, zeros({}, x.options()));
}
Tensor triu(const Tensor& x, int64_t k) {
  EMBER_CHECK(x.dim() >= 2, "triu: input tensor must have at least 2 dimensions, got ", x.sizes());
  Tensor i = arange(x.size(-2)).unsqueeze(1), j = arange(x.size(-1)).unsqueeze(0);
  return where(j - i >= k, x, zeros({}, x.options()));
}

Tensor contiguous(const Tensor& x) { return x.is_contiguous() ? x : apply(Clone{true}, x); }
Tensor clone(const Tensor& x) { return apply(Clone{false}, x); }
Tensor Tensor::to(ScalarType t, bool, bool copy) const {
  if (t == scalar_type() && !copy) return *this;
  return apply(ToCopy{t}, *this);
}

Tensor flip(const Tensor& x, IntArrayRef dims) { return apply(Flip{dims}, x); }
Tensor repeat(const Tensor& x, IntArrayRef repeats) {
  EMBER_CHECK(static_cast<int64_t>(repeats.size()) >= x.dim(),
              "repeat: Number of dimensions of "
              "repeat dims can not be smaller than number of dimensions of tensor (",
              repeats, " vs ", x.sizes(), ")");
  const int64_t nd = static_cast<int64_t>(repeats.size());
  DimVector padded(nd - x.dim(), 1);
  for (auto s : x.sizes()) padded.push_back(s);
  // View as (1, s0, 1, s1, ...) and expand to (r0, s0, r1, s1, ...), then flatten pairs.
  DimVector inter, expanded, final_shape;
  for (int64_t d = 0; d < nd; ++d) {
    inter.push_back(1), inter.push_back(padded[d]);
    expanded.push_back(repeats[d]), expanded.push_back(padded[d]);
    final_shape.push_back(repeats[d] * padded[d]);
  }
  // Always a copy, as in PyTorch: reshaping alone would alias x when every repeat is 1, or
  // give a stride-0 view when a repeated dim has size 1.
  return apply(Clone{true}, x.reshape(inter).expand(expanded)).view(final_shape);
}

}  // namespace ember
