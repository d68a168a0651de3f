// Indexing ops: index_select, gather, scatter(_add), index_add, masked_select, nonzero, sort,
// topk, one_hot, and x.index({...}) / x.index_put_({...}, v) with libtorch's TensorIndex.
#include <algorithm>
#include <numeric>

#include "ember/tensor/indexing.h"
#include "ops/inplace.h"

namespace ember {
namespace ops {
namespace {

Tensor check_index(const Tensor& index, const char* op) {
  EMBER_CHECK(index.scalar_type() == kLong || index.scalar_type() == kInt, op,
              ": Expected dtype int64 for index but got ", index.scalar_type());
  return as_type(index, kLong).contiguous();
}

/// (O, N, I) view for ops along `dim` of a contiguous tensor.
void outer_inner(IntArrayRef shape, int64_t dim, int64_t& O, int64_t& I) {
  O = 1, I = 1;
  for (int64_t d = 0; d < dim; ++d) O *= shape[d];
  for (size_t d = dim + 1; d < shape.size(); ++d) I *= shape[d];
}

/// A contiguous copy of x without history (clone() keeps a dense x's strides; the kernels
/// below index contiguous outputs).
Tensor contiguous_copy(const Tensor& x) {
  NoGradGuard g;
  Tensor out = new_empty(x.sizes(), x.scalar_type());
  out.copy_(x);
  return out;
}

/// out[o, j, i] (op)= src[o, j, i] at out position index[j] along dim; out and src contiguous.
enum class Mode { Select, Add, Copy };
void index_kernel(const Tensor& out, const Tensor& src, int64_t dim, const Tensor& index, Mode mode,
                  const char* op) {
  const int64_t* idx = index.data_ptr<int64_t>();
  const int64_t n = index.numel();
  const Tensor& big = mode == Mode::Select ? src : out;  // the tensor indexed along dim
  const int64_t limit = big.dim() ? big.size(dim) : 1;
  for (int64_t j = 0; j < n; ++j)
    EMBER_CHECK(idx[j] >= -limit && idx[j] < limit, op, ": index ", idx[j],
                " is out of bounds for dimension ", dim, " with size ", limit);
  int64_t O, I;
  outer_inner(big.sizes(), dim, O, I);
  EMBER_DISPATCH_ALL(out.scalar_type(), op, [&] {
    scalar_t* o = out.data_ptr<scalar_t>();
    const scalar_t* s = src.data_ptr<scalar_t>();
    for (int64_t a = 0; a < O; ++a)
      for (int64_t j = 0; j < n; ++j) {
        const int64_t k = idx[j] < 0 ? idx[j] + limit : idx[j];
        if (mode == Mode::Select) {
          std::copy_n(s + (a * limit + k) * I, I, o + (a * n + j) * I);
        } else if (mode == Mode::Add) {
          scalar_t* d = o + (a * limit + k) * I;
          const scalar_t* e = s + (a * n + j) * I;
          for (int64_t i = 0; i < I; ++i) d[i] = d[i] + e[i];
        } else {
          std::copy_n(s + (a * n + j) * I, I, o + (a * limit + k) * I);
        }
      }
  });
}

struct IndexSelect {
  static constexpr const char* name = "IndexSelectBackward0";
  int64_t dim;
  Tensor index;
  DimVector in_shape;
  Tensor forward(const Tensor& x) {
    EMBER_CHECK(index.dim() <= 1, "index_select: Index is supposed to be a vector, got shape ",
                index.sizes());
    index = check_index(index, "index_select");
    in_shape = x.sizes();
    if (x.dim() == 0) return x.clone();
    dim = maybe_wrap_dim(dim, x.dim(), "index_select");
    DimVector shape(x.sizes());
    shape[dim] = index.numel();
    Tensor out = new_empty(shape, x.scalar_type());
    index_kernel(out, x.contiguous(), dim, index, Mode::Select, "index_select");
    return out;
  }
  variable_list backward(const Tensor& g, const Node&) {
    return {zeros(in_shape, g.options()).index_add(dim, index, g)};
  }
};

struct IndexAdd {
  static constexpr const char* name = "IndexAddBackward0";
  int64_t dim;
  Tensor index;
  Tensor forward(const Tensor& x, const Tensor& src) {
    index = check_index(index, "index_add");
    dim = maybe_wrap_dim(dim, x.dim(), "index_add");
    EMBER_CHECK(src.dim() == x.dim() && src.size(dim) == index.numel(),
                "index_add: source of shape ", src.sizes(), " does not match self ", x.sizes(),
                " with ", index.numel(), " indices along dim ", dim);
    Tensor out = contiguous_copy(x);
    index_kernel(out, as_type(src, x.scalar_type()).contiguous(), dim, index, Mode::Add,
                 "index_add");
    return out;
  }
  variable_list backward(const Tensor& g, const Node&) { return {g, g.index_select(dim, index)}; }
};

struct IndexCopy {  // used by index_put_
  static constexpr const char* name = "IndexPutBackward0";
  int64_t dim;
  Tensor index;
  Tensor forward(const Tensor& x, const Tensor& src) {
    Tensor out = contiguous_copy(x);
    index_kernel(out, as_type(src, x.scalar_type()).contiguous(), dim, index, Mode::Copy,
                 "index_put_");
    return out;
  }
  variable_list backward(const Tensor& g, const Node& n) {
    Tensor gs = g.index_select(dim, index);
    return {n.should_compute_output(0) ? apply(IndexCopy{dim, index}, g, zeros_like(gs)) : Tensor(),
            gs};
  }
};

/// Visits every position of `shape` (row-major) with its multi-index.
template <class F>
void for_each_position(IntArrayRef shape, F f) {
  const int64_t n = compute_numel(shape);
  DimVector pos(shape.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    f(pos, k);
    for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
      if (++pos[d] < shape[d]) break;
      pos[d] = 0;
    }
  }
}

void check_gather_shapes(const Tensor& x, int64_t dim, const Tensor& index, const char* op) {
  EMBER_CHECK(index.dim() == x.dim() || (x.dim() == 0 && index.dim() <= 1), op,
              ": Index tensor must have the same number of dimensions as input tensor (index ",
              index.sizes(), ", input ", x.sizes(), ")");
  for (int64_t d = 0; d < index.dim() && x.dim() > 0; ++d)
    EMBER_CHECK(d == dim || index.size(d) <= x.size(d), op, ": Size does not match at dimension ",
                d, " expected index ", index.sizes(), " to be smaller than self ", x.sizes(),
                " apart from dimension ", dim);
}

/// For each index position: x position = pos with pos[dim] = index[pos].
template <class F>
void scatter_gather_loop(const Tensor& x, int64_t dim, const Tensor& index, const char* op, F f) {
  const int64_t* idx = index.data_ptr<int64_t>();
  const int64_t limit = x.dim() ? x.size(dim) : 1;
  for_each_position(index.sizes(), [&](const DimVector& pos, int64_t k) {
    int64_t i = idx[k];
    EMBER_CHECK(i >= -limit && i < limit, op, ": index ", i, " is out of bounds for dimension ",
                dim, " with size ", limit);
    if (i < 0) i += limit;
    int64_t off = 0;
    for (int64_t d = 0; d < x.dim(); ++d) off += (d == dim ? i : pos[d]) * x.stride(d);
    f(pos, k, off);
  });
}

struct Gather {
  static constexpr const char* name = "GatherBackward0";
  int64_t dim;
  Tensor index;
  DimVector in_shape;
  Tensor forward(const Tensor& x) {
    index = check_index(index, "gather");
    dim = maybe_wrap_dim(dim, std::max<int64_t>(x.dim(), 1), "gather");
    check_gather_shapes(x, dim, index, "gather");
    in_shape = x.sizes();
    Tensor out = new_empty(index.sizes(), x.scalar_type());
    EMBER_DISPATCH_ALL(x.scalar_type(), "gather", [&] {
      const scalar_t* src = static_cast<const scalar_t*>(x.data_ptr());
      scalar_t* o = out.data_ptr<scalar_t>();
      scatter_gather_loop(x, dim, index, "gather",
                          [&](const DimVector&, int64_t k, int64_t off) { o[k] = src[off]; });
    });
    return out;
  }
  variable_list backward(const Tensor& g, const Node&) {
    return {zeros(in_shape, g.options()).scatter_add(dim, index, g)};
  }
};

struct Scatter {
  static constexpr const char* name = "ScatterBackward0";
  int64_t dim;
  Tensor index;
  int mode;  // 0: src, 1: add
  Tensor forward(const Tensor& x, const Tensor& src) {
    const char* op = mode ? "scatter_add" : "scatter";
    index = check_index(index, op);
    dim = maybe_wrap_dim(dim, std::max<int64_t>(x.dim(), 1), op);
    check_gather_shapes(x, dim, index, op);
    for (int64_t d = 0; d < index.dim(); ++d)
      EMBER_CHECK(src.dim() == index.dim() && index.size(d) <= src.size(d), op, ": Expected index ",
                  index.sizes(), " to be smaller than src ", src.sizes());
    Tensor out = contiguous_copy(x);
    Tensor s = as_type(src, x.scalar_type());
    EMBER_DISPATCH_ALL(x.scalar_type(), op, [&] {
      scalar_t* o = out.data_ptr<scalar_t>();
      const scalar_t* sp = static_cast<const scalar_t*>(s.data_ptr());
      const bool add = mode == 1;
      scatter_gather_loop(out, dim, index, op, [&](const DimVector& pos, int64_t, int64_t off) {
        int64_t so = 0;
        for (int64_t d = 0; d < s.dim(); ++d) so += pos[d] * s.stride(d);
        o[off] = add ? static_cast<scalar_t>(o[off] + sp[so]) : sp[so];
      });
    });
    return out;
  }
  variable_list backward(const Tensor& g, const Node&) {
    Tensor gs = g.gather(dim, index);
    if (mode == 1) return {g, gs};
    return {g.scatter(dim, index, 0), gs};
  }
};

struct ScatterValue {
  static constexpr const char* name = "ScatterBackward1";
  int64_t dim;
  Tensor index;
  Scalar value;
  Tensor forward(const Tensor& x) {
    index = check_index(index, "scatter");
    dim = maybe_wrap_dim(dim, std::max<int64_t>(x.dim(), 1), "scatter");
    check_gather_shapes(x, dim, index, "scatter");
    Tensor out = contiguous_copy(x);
    EMBER_DISPATCH_ALL(x.scalar_type(), "scatter", [&] {
      scalar_t* o = out.data_ptr<scalar_t>();
      const scalar_t v = value.to<scalar_t>();
      scatter_gather_loop(out, dim, index, "scatter",
                          [&](const DimVector&, int64_t, int64_t off) { o[off] = v; });
    });
    return out;
  }
  variable_list backward(const Tensor& g, const Node&) { return {g.scatter(dim, index, 0)}; }
};

}  // namespace
}  // namespace ops

using namespace ops;  // NOLINT

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  return apply(IndexSelect{dim, index, {}}, x);
}
Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  return apply(IndexAdd{dim, index}, x, src);
}
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  return apply(Gather{dim, index, {}}, x);
}
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  return apply(Scatter{dim, index, 0}, x, src);
}
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& value) {
  return apply(ScatterValue{dim, index, value}, x);
}
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  return apply(Scatter{dim, index, 1}, x, src);
}

Tensor nonzero(const Tensor& x) {
  Tensor xc = x.contiguous();
  std::vector<int64_t> coords;
  int64_t count = 0;
  EMBER_DISPATCH_ALL(x.scalar_type(), "nonzero", [&] {
    const scalar_t* p = xc.data_ptr<scalar_t>();
    for_each_position(x.sizes(), [&](const DimVector& pos, int64_t k) {
      if (p[k] != scalar_t(0)) {
        for (auto v : pos) coords.push_back(v);
        ++count;
      }
    });
  });
  Tensor out = new_empty({count, x.dim()}, kLong);
  std::copy(coords.begin(), coords.end(), out.data_ptr<int64_t>());
  return out;
}

Tensor masked_select(const Tensor& x, const Tensor& mask) {
  EMBER_CHECK(mask.scalar_type() == kBool, "masked_select: expected a bool mask but got ",
              mask.scalar_type());
  DimVector shape = broadcast_shape(x.sizes(), mask.sizes(), "masked_select");
  Tensor flat_mask = mask.expand(shape).reshape({-1});
  Tensor idx = nonzero(flat_mask).reshape({-1});
  return x.expand(shape).reshape({-1}).index_select(0, idx);
}

Tensor one_hot(const Tensor& indices, int64_t num_classes) {
  EMBER_CHECK(indices.scalar_type() == kLong,
              "one_hot: one_hot is only applicable to index "
              "tensor (int64), got ",
              indices.scalar_type());
  if (num_classes < 0) num_classes = indices.numel() ? indices.max().item<int64_t>() + 1 : 0;
  EMBER_CHECK(indices.numel() == 0 || (indices.min().item<int64_t>() >= 0 &&
                                       indices.max().item<int64_t>() < num_classes),
              "one_hot: Class values must be non-negative and smaller than num_classes (",
              num_classes, ")");
  DimVector shape(indices.sizes());
  shape.push_back(num_classes);
  return zeros(shape, kLong).scatter(-1, indices.unsqueeze(-1), 1);
}

namespace {
Tensor sort_indices(const Tensor& x, int64_t dim, bool descending, bool stable = true) {
  if (x.dim() == 0) return zeros({}, kLong);
  dim = maybe_wrap_dim(dim, x.dim(), "sort");
  Tensor xt = x.transpose(dim, -1).contiguous();
  const int64_t n = xt.size(-1), rows = n ? xt.numel() / n : 0;
  Tensor idx = new_empty(xt.sizes(), kLong);
  EMBER_DISPATCH_ALL(x.scalar_type(), "sort", [&] {
    const scalar_t* p = xt.data_ptr<scalar_t>();
    int64_t* o = idx.data_ptr<int64_t>();
    for (int64_t r = 0; r < rows; ++r) {
      const scalar_t* row = p + r * n;
      int64_t* out = o + r * n;
      std::iota(out, out + n, 0);
      auto less = [&](int64_t a, int64_t b) {  // NaN sorts as the largest value, as in PyTorch
        const scalar_t u = row[a], v = row[b];
        if constexpr (std::is_floating_point_v<scalar_t>) {
          if (std::isnan(u)) return false;
          if (std::isnan(v)) return true;
        }
        return u < v;
      };
      if (descending)
        std::stable_sort(out, out + n, [&](int64_t a, int64_t b) { return less(b, a); });
      else
        std::stable_sort(out, out + n, less);
    }
  });
  (void)stable;
  return idx.transpose(dim, -1).contiguous();
}
}  // namespace

std::tuple<Tensor, Tensor> sort(const Tensor& x, int64_t dim, bool descending) {
  Tensor idx = sort_indices(x, dim, descending);
  if (x.dim() == 0) return {x.clone(), idx};
  return {x.gather(dim, idx), idx};
}
Tensor argsort(const Tensor& x, int64_t dim, bool descending) {
  return sort_indices(x, dim, descending);
}
std::tuple<Tensor, Tensor> topk(const Tensor& x, int64_t k, int64_t dim, bool largest, bool) {
  const int64_t d = maybe_wrap_dim(dim, std::max<int64_t>(x.dim(), 1), "topk");
  const int64_t n = x.dim() ? x.size(d) : 1;
  EMBER_CHECK(k >= 0 && k <= n, "topk: selected index k (", k, ") out of range for dimension ", d,
              " of size ", n);
  Tensor idx = sort_indices(x, d, largest);
  if (x.dim() == 0) return {x.clone(), idx};
  idx = idx.narrow(d, 0, k).contiguous();
  return {x.gather(d, idx), idx};
}

// ---- x.index({...}) and x.index_put_({...}, v) ------------------------------------------------
namespace {
using indexing::TensorIndex;
using Kind = TensorIndex::Kind;

/// Applies the basic indices (ints, slices, None, Ellipsis) as views and collects tensor
/// indices with the dim they apply to.
Tensor apply_basic(const Tensor& self, ArrayRef<TensorIndex> indices,
                   std::vector<std::pair<int64_t, Tensor>>& adv) {
  int64_t consumed = 0, ellipsis = 0;
  for (const auto& i : indices)
    if (i.kind() == Kind::Integer || i.kind() == Kind::Slice)
      ++consumed;
    else if (i.kind() == Kind::Tensor)
      consumed += i.tensor().scalar_type() == kBool ? i.tensor().dim() : 1;
    else if (i.kind() == Kind::Ellipsis)
      ++ellipsis;
  EMBER_CHECK(ellipsis <= 1, "index: an index can only have a single ellipsis ('...')");
  EMBER_CHECK(consumed <= self.dim(), "index: too many indices for tensor of dimension ",
              self.dim(), " (got ", consumed, ")");
  Tensor r = self;
  int64_t dim = 0;
  for (const auto& i : indices) {
    switch (i.kind()) {
      case Kind::None:
        r = r.unsqueeze(dim++);
        break;
      case Kind::Ellipsis:
        dim += self.dim() - consumed;
        break;
      case Kind::Integer:
        r = r.select(dim, i.integer());
        break;
      case Kind::Boolean:
        r = r.unsqueeze(dim);
        if (!i.boolean()) r = r.narrow(dim, 0, 0);
        ++dim;
        break;
      case Kind::Slice: {
        const auto& s = i.slice();
        r = r.slice(dim++, s.start(), s.stop(), s.step());
        break;
      }
      case Kind::Tensor: {
        Tensor t = i.tensor();
        if (t.scalar_type() == kBool || t.scalar_type() == kByte) {
          for (int64_t d = 0; d < t.dim(); ++d)
            EMBER_CHECK(t.size(d) == r.size(dim + d), "index: The shape of the mask ", t.sizes(),
                        " at index ", d, " does not match the shape of the indexed tensor ",
                        r.sizes(), " at index ", dim + d);
          Tensor nz = nonzero(t);  // (n, k)
          for (int64_t d = 0; d < t.dim(); ++d) adv.push_back({dim + d, nz.select(1, d)});
          dim += t.dim();
        } else {
          adv.push_back({dim++, check_index(t, "index")});
        }
        break;
      }
    }
  }
  return r;
}

/// Folds the (adjacent) advanced-index dims into one dim and a linear index into it.
/// Returns (tensor with those dims flattened, dim, linear index, index broadcast shape).
struct Folded {
  Tensor t;
  int64_t dim;
  Tensor linear;
  DimVector index_shape;
};
Folded fold(const Tensor& r, std::vector<std::pair<int64_t, Tensor>>& adv, const char* op) {
  for (size_t k = 1; k < adv.size(); ++k)
    EMBER_CHECK(
        adv[k].first == adv[k - 1].first + 1, op,
        ": advanced (tensor) indices must be adjacent in ember; got tensor indices at dims ",
        adv[k - 1].first, " and ", adv[k].first);
  std::vector<Tensor> idx;
  for (auto& a : adv) idx.push_back(a.second);
  idx = broadcast_tensors(idx);
  const int64_t d0 = adv.front().first, d1 = adv.back().first;
  Tensor lin;
  int64_t stride = 1;
  for (int64_t k = static_cast<int64_t>(idx.size()) - 1; k >= 0; --k) {
    const int64_t size = r.size(d0 + k);
    Tensor i = idx[k];
    if (i.numel() > 0) {
      const int64_t lo = i.min().item<int64_t>(), hi = i.max().item<int64_t>();
      EMBER_CHECK(lo >= -size && hi < size, op, ": index ", lo < -size ? lo : hi,
                  " is out of bounds for dimension ", d0 + k, " with size ", size);
    }
    i = where(i < 0, i + size, i);
    lin = lin.defined() ? lin + i * stride : i * stride;
    stride *= size;
  }
  Tensor t = r.flatten(d0, d1);
  return {t, d0, lin.reshape({-1}), DimVector(idx[0].sizes())};
}
}  // namespace

Tensor Tensor::index(ArrayRef<indexing::TensorIndex> indices) const {
  std::vector<std::pair<int64_t, Tensor>> adv;
  Tensor r = apply_basic(*this, indices, adv);
  if (adv.empty()) return r;
  Folded f = fold(r, adv, "index");
  Tensor out = f.t.index_select(f.dim, f.linear);
  DimVector shape;
  for (int64_t d = 0; d < f.dim; ++d) shape.push_back(out.size(d));
  for (auto s : f.index_shape) shape.push_back(s);
  for (int64_t d = f.dim + 1; d < out.dim(); ++d) shape.push_back(out.size(d));
  return out.reshape(shape);
}
Tensor Tensor::index(std::initializer_list<indexing::TensorIndex> indices) const {
  return index(ArrayRef<indexing::TensorIndex>(indices.begin(), indices.size()));
}

Tensor& Tensor::index_put_(ArrayRef<indexing::TensorIndex> indices, const Tensor& v) {
  std::vector<std::pair<int64_t, Tensor>> adv;
  Tensor r = apply_basic(*this, indices, adv);
  if (adv.empty()) {
    r.copy_(v);  // r is a view of *this: under autograd *this gets a CopySlices node
    if (!r.is_same(*this)) impl()->storage()->bump_version();
    return *this;
  }
  Folded f = fold(r, adv, "index_put_");
  EMBER_CHECK(f.t.impl()->storage() == impl()->storage() ||
                  !(GradMode::is_enabled() && (requires_grad() || v.requires_grad())),
              "index_put_: indexing needed a copy of the target; not supported under autograd");
  // The value broadcast to the indexed shape, laid out as (pre, n, post).
  DimVector vshape;
  for (int64_t d = 0; d < f.dim; ++d) vshape.push_back(f.t.size(d));
  vshape.push_back(f.linear.numel());
  for (int64_t d = f.dim + 1; d < f.t.dim(); ++d) vshape.push_back(f.t.size(d));
  DimVector full;
  for (int64_t d = 0; d < f.dim; ++d) full.push_back(f.t.size(d));
  for (auto s : f.index_shape) full.push_back(s);
  for (int64_t d = f.dim + 1; d < f.t.dim(); ++d) full.push_back(f.t.size(d));
  Tensor vv = v.to(scalar_type()).expand(full).reshape(vshape);
  if (GradMode::is_enabled() && (requires_grad() || v.requires_grad())) {
    // Several tensor indices (or an n-D mask) fold their dims into one: done on a copy, whose
    // fold is undone by the final view.
    EMBER_CHECK(r.is_same(*this),
                "index_put_: under autograd, only tensor "
                "indices on a tensor's own dims are supported (no slices before them)");
    const int64_t last = f.dim + static_cast<int64_t>(adv.size()) - 1;
    return apply_inplace(
        *this, v.requires_grad(), "index_put_",
        [&](const Tensor& old) {
          return apply(IndexCopy{f.dim, f.linear}, old.flatten(f.dim, last), vv).view(sizes());
        },
        [] {});
  }
  Tensor target = f.t;
  if (!target.is_contiguous()) {
    Tensor tmp = target.contiguous();
    index_kernel(tmp, vv.contiguous(), f.dim, f.linear, Mode::Copy, "index_put_");
    target.copy_(tmp);
  } else {
    index_kernel(target, vv.contiguous(), f.dim, f.linear, Mode::Copy, "index_put_");
  }
  impl()->storage()->bump_version();
  return *this;
}
Tensor& Tensor::index_put_(ArrayRef<indexing::TensorIndex> indices, const Scalar& v) {
  return index_put_(indices, scalar_tensor(v, scalar_type()));
}
Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& v) {
  return index_put_(ArrayRef<indexing::TensorIndex>(indices.begin(), indices.size()), v);
}
Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Scalar& v) {
  return index_put_(ArrayRef<indexing::TensorIndex>(indices.begin(), indices.size()), v);
}

indexing::TensorIndex::TensorIndex(const char* s) : kind_(Kind::Ellipsis) {
  EMBER_CHECK(std::string(s) == "...", "TensorIndex: expected \"...\" but got \"", s, "\"");
}

}  // namespace ember
