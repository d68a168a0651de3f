// Reductions (sum, mean, prod, max/min, argmax/argmin, norm, var/std, all/any, logsumexp,
// cumsum, softmax, log_softmax) and their backward formulas.
#include "kernels/cpu/reduce.h"

#include <limits>

#include "kernels/cpu/softmax.h"
#include "kernels/cpu/sum.h"
#include "ops/iter.h"
#include "ops/scan.h"

namespace ember {
namespace ops {
namespace {

/// A reduction viewed as (O, R, I) over a contiguous (possibly permuted) copy of the input.
struct Plan {
  Tensor x;            // contiguous input in reduction layout
  DimVector out_keep;  // output shape with reduced dims kept as 1
  DimVector out;       // output shape honouring keepdim
  int64_t O = 1, R = 1, I = 1;
  std::vector<bool> reduced;
};

Plan plan(const Tensor& in, IntArrayRef dims, bool keepdim, const char* op) {
  Plan p;
  const int64_t nd = in.dim();
  p.reduced.assign(nd, dims.empty());
  for (int64_t d : dims) {
    int64_t w = maybe_wrap_dim(d, std::max<int64_t>(nd, 1), op);
    if (nd == 0) continue;
    EMBER_CHECK(!p.reduced[w] || dims.empty(), op, ": dim ", w,
                " appears multiple times in the "
                "list of dims");
    p.reduced[w] = true;
  }
  for (int64_t d = 0; d < nd; ++d) {
    p.out_keep.push_back(p.reduced[d] ? 1 : in.size(d));
    if (!p.reduced[d] || keepdim) p.out.push_back(p.reduced[d] ? 1 : in.size(d));
  }
  // Contiguous block of reduced dims → (O, R, I) with no copy beyond contiguous().
  int64_t first = -1, last = -1;
  bool block = true;
  for (int64_t d = 0; d < nd; ++d) {
    if (!p.reduced[d]) continue;
    if (first < 0)
      first = d;
    else if (last != d - 1)
      block = false;
    last = d;
  }
  if (first < 0) {  // nothing to reduce (0-dim)
    p.x = in.contiguous();
    p.O = in.numel();
    return p;
  }
  if (block) {
    p.x = in.contiguous();
    for (int64_t d = 0; d < first; ++d) p.O *= in.size(d);
    for (int64_t d = first; d <= last; ++d) p.R *= in.size(d);
    for (int64_t d = last + 1; d < nd; ++d) p.I *= in.size(d);
  } else {
    DimVector perm;
    for (int64_t d = 0; d < nd; ++d)
      if (!p.reduced[d]) perm.push_back(d), p.O *= in.size(d);
    for (int64_t d = 0; d < nd; ++d)
      if (p.reduced[d]) perm.push_back(d), p.R *= in.size(d);
    p.x = in.permute(perm).contiguous();
  }
  return p;
}

template <class T>
struct AccOf {
  using type = T;
};
template <>
struct AccOf<float> {
  using type = double;
};
template <>
struct AccOf<bool> {
  using type = int64_t;
};
template <>
struct AccOf<uint8_t> {
  using type = int64_t;
};
template <>
struct AccOf<int32_t> {
  using type = int64_t;
};

/// Sum (or sum scaled by `scale`) over the plan; result dtype `out_t`.
Tensor sum_impl(const Plan& p, ScalarType out_t, double scale, const char* op) {
  Tensor x = as_type(p.x, out_t == kBool ? kLong : out_t);
  Tensor out = new_empty(p.out, out_t);
  EMBER_DISPATCH_NUMERIC(x.scalar_type(), op, [&] {
    using acc_t = typename AccOf<scalar_t>::type;
    kernels::reduce_ori(
        x.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), p.O, p.R, p.I, acc_t(0),
        [](acc_t a, acc_t b) { return a + b; },
        [scale](acc_t a) -> scalar_t {
          if constexpr (std::is_floating_point_v<scalar_t>)
            return static_cast<scalar_t>(a * scale);
          else
            return static_cast<scalar_t>(a);
        });
  });
  return out;
}

ScalarType sum_type(const Tensor& x, std::optional<ScalarType> dtype) {
  if (dtype) return *dtype;
  return is_integral(x.scalar_type(), true) ? kLong : x.scalar_type();
}

/// Expands a reduced gradient back to the input shape.
Tensor unreduce(const Tensor& g, IntArrayRef out_keep, IntArrayRef in_shape) {
  return g.reshape(out_keep).expand(in_shape);
}

struct Sum {
  static constexpr const char* name = "SumBackward1";
  DimVector dims, in_shape, out_keep;
  bool keepdim;
  std::optional<ScalarType> dtype;
  ScalarType in_type = kFloat;
  Tensor forward(const Tensor& x) {
    in_shape = x.sizes();
    in_type = x.scalar_type();
    Plan p = plan(x, dims, keepdim, "sum");
    out_keep = p.out_keep;
    return sum_impl(p, sum_type(x, dtype), 1.0, "sum");
  }
  variable_list backward(const Tensor& g, const Node&) {
    return {as_type(unreduce(g, out_keep, in_shape), in_type)};
  }
};

struct SumAll {
  static constexpr const char* name = "SumBackward0";
  DimVector in_shape;
  ScalarType in_type = kFloat;
  std::optional<ScalarType> dtype;
  Tensor forward(const Tensor& x) {
    in_shape = x.sizes();
    in_type = x.scalar_type();
    const ScalarType t = sum_type(x, dtype);
    if (x.is_contiguous() && x.numel() < kernels::kGrain && t == x.scalar_type() &&
        is_floating_point(t)) {  // the tiny-tensor fast path
      Tensor out = new_empty({}, t);
      EMBER_DISPATCH_FLOATING(t, "sum", [&] {
        *out.data_ptr<scalar_t>() = kernels::sum_contiguous<typename AccOf<scalar_t>::type>(
            x.data_ptr<scalar_t>(), x.numel());
      });
      return out;
    }
    return sum_impl(plan(x, {}, false, "sum"), t, 1.0, "sum");
  }
  variable_list backward(const Tensor& g, const Node&) {
    return {as_type(g.expand(in_shape), in_type)};
  }
};

struct Mean {
  static constexpr const char* name = "MeanBackward1";
  DimVector dims, in_shape, out_keep;
  bool keepdim;
  int64_t count = 1;
  Tensor forward(const Tensor& x) {
    EMBER_CHECK(x.is_floating_point(),
                "mean(): could not infer output dtype. Input dtype must be "
                "either a floating point or complex dtype. Got: ",
                x.scalar_type());
    in_shape = x.sizes();
    Plan p = plan(x, dims, keepdim, "mean");
    out_keep = p.out_keep;
    count = p.R;
    return sum_impl(p, x.scalar_type(), count ? 1.0 / count : NAN, "mean");
  }
  variable_list backward(const Tensor& g, const Node&) {
    return {unreduce(g, out_keep, in_shape) / static_cast<double>(count)};
  }
};

struct MeanAll : Mean {  // same formula, libtorch's name for the full reduction
  static constexpr const char* name = "MeanBackward0";
};

struct Prod {
  static constexpr const char* name = "ProdBackward1";
  DimVector dims, out_keep;
  bool keepdim;
  SavedTensor a;
  SavedOutput result;
  auto saved() { return std::tie(a, result); }
  Tensor forward(const Tensor& x) {
    a = x;
    Plan p = plan(x, dims, keepdim, "prod");
    out_keep = p.out_keep;
    const ScalarType t = sum_type(x, std::nullopt);
    Tensor xc = as_type(p.x, t);
    Tensor out = new_empty(p.out, t);
    EMBER_DISPATCH_NUMERIC(t, "prod", [&] {
      using acc_t = typename AccOf<scalar_t>::type;
      kernels::reduce_ori(
          xc.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), p.O, p.R, p.I, acc_t(1),
          [](acc_t u, acc_t v) { return u * v; }, [](acc_t u) { return static_cast<scalar_t>(u); });
    });
    return out;
  }
  variable_list backward(const Tensor& g, const Node&) {
    Tensor x = a.unpack(), r = result.unpack();
    bool has_zero;
    {
      NoGradGuard ng;
      has_zero = (x == 0).any().item<bool>();
    }
    if (!has_zero) return {unreduce(g * r, out_keep, x.sizes()) / x};
    // PyTorch's prod_safe_zeros_backward: the product of the others from exclusive products on
    // both sides (LinearScan), which stays differentiable.
    Tensor ge = unreduce(g, out_keep, x.sizes());
    if (dims.empty() || x.dim() == 0)
      return {prod_others(x.reshape({-1}), 0).reshape(x.sizes()) * ge};
    return {prod_others(x, maybe_wrap_dim(dims[0], x.dim(), "prod")) * ge};
  }
};

/// amax/amin: gradient split evenly among the extremal elements.
struct AMaxMin {
  static constexpr const char* name = "AmaxBackward0";
  DimVector dims, out_keep;
  bool keepdim, is_max;
  SavedTensor a;
  SavedOutput result;
  auto saved() { return std::tie(a, result); }
  Tensor forward(const Tensor& x) {
    a = x;
    EMBER_CHECK(x.numel() > 0, is_max ? "amax" : "amin",
                ": Expected reduction dim to be specified for input.numel() == 0.");
    Plan p = plan(x, dims, keepdim, is_max ? "amax" : "amin");
    out_keep = p.out_keep;
    Tensor out = new_empty(p.out, x.scalar_type());
    Tensor idx = new_empty(p.out, kLong);
    EMBER_DISPATCH_NUMERIC(x.scalar_type(), "amax", [&] {
      if (is_max)
        kernels::arg_reduce_ori(p.x.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(),
                                idx.data_ptr<int64_t>(), p.O, p.R, p.I,
                                [](scalar_t u, scalar_t v) { return u > v; });
      else
        kernels::arg_reduce_ori(p.x.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(),
                                idx.data_ptr<int64_t>(), p.O, p.R, p.I,
                                [](scalar_t u, scalar_t v) { return u < v; });
    });
    return out;
  }
  variable_list backward(const Tensor& g, const Node&) {
    Tensor x = a.unpack(), r = result.unpack();
    Tensor mask = (x == r.reshape(out_keep)).to(g.scalar_type());
    Tensor count = mask.sum(IntArrayRef(dims), true);
    return {unreduce(g, out_keep, x.sizes()) * mask / count};
  }
};

/// max(dim)/min(dim) values: gradient goes to the recorded index.
struct MaxMinDim {
  static constexpr const char* name = "MaxBackward0";
  int64_t dim;
  bool keepdim;
  DimVector in_shape;
  Tensor indices;
  Tensor forward(const Tensor& values) { return values; }
  variable_list backward(const Tensor& g, const Node&) {
    Tensor gi = keepdim ? g : g.unsqueeze(dim);
    Tensor idx = keepdim ? indices : indices.unsqueeze(dim);
    return {zeros(in_shape, g.options()).scatter(dim, idx, gi)};
  }
};

std::tuple<Tensor, Tensor> max_min_dim(const Tensor& x, int64_t dim, bool keepdim, bool is_max) {
  const char* op = is_max ? "max" : "min";
  const int64_t d = maybe_wrap_dim(dim, std::max<int64_t>(x.dim(), 1), op);
  EMBER_CHECK(x.dim() == 0 || x.size(d) > 0, op, "(): Expected reduction dim ", d,
              " to have non-zero size (input shape ", x.sizes(), ")");
  Plan p = plan(x, {d}, keepdim, op);
  Tensor values = new_empty(p.out, x.scalar_type());
  Tensor idx = new_empty(p.out, kLong);
  EMBER_DISPATCH_NUMERIC(x.scalar_type(), op, [&] {
    if (is_max)
      kernels::arg_reduce_ori(p.x.data_ptr<scalar_t>(), values.data_ptr<scalar_t>(),
                              idx.data_ptr<int64_t>(), p.O, p.R, p.I,
                              [](scalar_t u, scalar_t v) { return u > v; });
    else
      kernels::arg_reduce_ori(p.x.data_ptr<scalar_t>(), values.data_ptr<scalar_t>(),
                              idx.data_ptr<int64_t>(), p.O, p.R, p.I,
                              [](scalar_t u, scalar_t v) { return u < v; });
  });
  if (x.dim() == 0) return {values, idx};
  if (GradMode::is_enabled() && x.requires_grad()) {
    auto node = std::make_shared<autograd::OpNode<MaxMinDim>>(
        MaxMinDim{d, keepdim, DimVector(x.sizes()), idx});
    node->mutable_next_edges() = {autograd::gradient_edge(x)};
    autograd::set_history(values, node);
  }
  return {values, idx};
}

Tensor arg_reduce(const Tensor& x, std::optional<int64_t> dim, bool keepdim, bool is_max) {
  const char* op = is_max ? "argmax" : "argmin";
  EMBER_CHECK(x.numel() > 0, op,
              "(): Expected reduction dim to be specified for input.numel() == "
              "0.");
  Tensor in = dim ? x : x.reshape({-1});
  const int64_t d = dim ? maybe_wrap_dim(*dim, std::max<int64_t>(x.dim(), 1), op) : 0;
  Plan p = plan(in, {d}, dim ? keepdim : false, op);
  Tensor idx = new_empty(p.out, kLong);
  EMBER_DISPATCH_NUMERIC(in.scalar_type(), op, [&] {
    if (is_max)
      kernels::arg_reduce_ori<scalar_t>(p.x.data_ptr<scalar_t>(), nullptr, idx.data_ptr<int64_t>(),
                                        p.O, p.R, p.I,
                                        [](scalar_t u, scalar_t v) { return u > v; });
    else
      kernels::arg_reduce_ori<scalar_t>(p.x.data_ptr<scalar_t>(), nullptr, idx.data_ptr<int64_t>(),
                                        p.O, p.R, p.I,
                                        [](scalar_t u, scalar_t v) { return u < v; });
  });
  if (!dim && keepdim) return idx.reshape(DimVector(x.dim(), 1));
  return idx;
}

struct Norm2 {
  static constexpr const char* name = "NormBackward1";
  DimVector dims, out_keep;
  bool keepdim;
  SavedTensor a;
  SavedOutput result;
  auto saved() { return std::tie(a, result); }
  Tensor forward(const Tensor& x) {
    a = x;
    Plan p = plan(x, dims, keepdim, "norm");
    out_keep = p.out_keep;
    Tensor out = new_empty(p.out, x.scalar_type());
    EMBER_DISPATCH_FLOATING(x.scalar_type(), "norm", [&] {
      using acc_t = typename AccOf<scalar_t>::type;
      kernels::reduce_ori(
          p.x.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), p.O, p.R, p.I, acc_t(0),
          [](acc_t u, acc_t v) { return u + v * v; },
          [](acc_t u) { return static_cast<scalar_t>(std::sqrt(u)); },
          [](acc_t u, acc_t v) { return u + v; });
    });
    return out;
  }
  variable_list backward(const Tensor& g, const Node&) {
    Tensor x = a.unpack(), r = result.unpack().reshape(out_keep);
    Tensor scale = where(r == 0, zeros_like(r), g.reshape(out_keep) / r);
    return {x * scale};
  }
};

/// std = √var. Its backward is PyTorch's std_backward: var's gradient scaled by 1/(2·std), and 0
/// where std is 0 (a constant input), where √'s own gradient would give 0·∞ = NaN.
struct Std {
  static constexpr const char* name = "StdBackward0";
  DimVector dims;
  bool unbiased, keepdim;
  double dof = 0;
  SavedTensor a;
  SavedOutput result;
  auto saved() { return std::tie(a, result); }
  Tensor forward(const Tensor& x) {
    a = x;
    Tensor v = var(x, dims, unbiased, keepdim);
    dof = static_cast<double>(
        std::max<int64_t>(x.numel() / std::max<int64_t>(v.numel(), 1) - unbiased, 0));
    return sqrt(v);
  }
  variable_list backward(const Tensor& g, const Node&) {
    Tensor x = a.unpack(), m = x.mean(dims, true), r = result.unpack().reshape(m.sizes());
    Tensor zero = r == 0;  // a safe denominator there keeps gradients of this gradient finite
    Tensor gv = (g.reshape(m.sizes()) / (r.masked_fill(zero, 1) * 2)).masked_fill(zero, 0);
    return {gv * (x - m) * (2.0 / dof)};  // var_backward
  }
};

struct Softmax {
  static constexpr const char* name = "SoftmaxBackward0";
  int64_t dim;
  bool log;
  SavedOutput result;
  auto saved() { return std::tie(result); }
  Tensor forward(const Tensor& in) {
    const char* op = log ? "log_softmax" : "softmax";
    Tensor x = in.is_floating_point() ? in : in.to(get_default_dtype());
    dim = maybe_wrap_dim(dim, std::max<int64_t>(x.dim(), 1), op);
    Plan p = plan(x, {dim}, true, op);
    Tensor out = new_empty(x.sizes(), x.scalar_type());
    if (x.dim() == 0) return log ? zeros_like(x) : ones_like(x);
    EMBER_DISPATCH_FLOATING(x.scalar_type(), op, [&] {
      kernels::softmax_forward(out.data_ptr<scalar_t>(), p.x.data_ptr<scalar_t>(), p.O, p.R, p.I,
                               log);
    });
    return out;
  }
  variable_list backward(const Tensor& g, const Node&) {
    Tensor r = result.unpack();
    if (log) return {g - exp(r) * g.sum(IntArrayRef{dim}, true)};
    return {r * (g - (g * r).sum(IntArrayRef{dim}, true))};
  }
};

struct Cumsum {
  static constexpr const char* name = "CumsumBackward0";
  int64_t dim;
  Tensor forward(const Tensor& in) {
    Tensor x = as_type(in, sum_type(in, std::nullopt));
    if (x.dim() == 0) return x.clone();
    dim = maybe_wrap_dim(dim, x.dim(), "cumsum");
    Plan p = plan(x, {dim}, true, "cumsum");
    Tensor out = new_empty(x.sizes(), x.scalar_type());
    EMBER_DISPATCH_NUMERIC(x.scalar_type(), "cumsum", [&] {
      const scalar_t* s = p.x.data_ptr<scalar_t>();
      scalar_t* d = out.data_ptr<scalar_t>();
      for (int64_t o = 0; o < p.O; ++o)
        for (int64_t i = 0; i < p.I; ++i) {
          typename AccOf<scalar_t>::type acc = 0;
          for (int64_t r = 0; r < p.R; ++r) {
            const int64_t k = o * p.R * p.I + r * p.I + i;
            acc += s[k];
            d[k] = static_cast<scalar_t>(acc);
          }
        }
    });
    return out;
  }
  variable_list backward(const Tensor& g, const Node&) {
    if (g.dim() == 0) return {g};
    return {g.flip({dim}).cumsum(dim).flip({dim})};
  }
};

}  // namespace
}  // namespace ops

using namespace ops;  // NOLINT

Tensor sum(const Tensor& x, std::optional<ScalarType> dtype) {
  return apply(SumAll{{}, kFloat, dtype}, x);
}
Tensor sum(const Tensor& x, IntArrayRef dim, bool keepdim, std::optional<ScalarType> dtype) {
  return apply(Sum{dim, {}, {}, keepdim, dtype}, x);
}
Tensor mean(const Tensor& x, std::optional<ScalarType> dtype) {
  return apply(MeanAll{{{}, {}, {}, false}}, dtype ? x.to(*dtype) : x);
}
Tensor mean(const Tensor& x, IntArrayRef dim, bool keepdim, std::optional<ScalarType> dtype) {
  return apply(Mean{dim, {}, {}, keepdim}, dtype ? x.to(*dtype) : x);
}
Tensor prod(const Tensor& x, std::optional<ScalarType> dtype) {
  return apply(Prod{{}, {}, false}, dtype ? x.to(*dtype) : x);
}
Tensor prod(const Tensor& x, int64_t dim, bool keepdim, std::optional<ScalarType> dtype) {
  return apply(Prod{IntArrayRef(dim), {}, keepdim}, dtype ? x.to(*dtype) : x);
}
Tensor amax(const Tensor& x, IntArrayRef dim, bool keepdim) {
  return apply(AMaxMin{dim, {}, keepdim, true}, x);
}
Tensor amin(const Tensor& x, IntArrayRef dim, bool keepdim) {
  return apply(AMaxMin{dim, {}, keepdim, false}, x);
}
Tensor max(const Tensor& x) { return amax(x); }
Tensor min(const Tensor& x) { return amin(x); }
std::tuple<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) {
  return max_min_dim(x, dim, keepdim, true);
}
std::tuple<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) {
  return max_min_dim(x, dim, keepdim, false);
}
Tensor argmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  return arg_reduce(x, dim, keepdim, true);
}
Tensor argmin(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  return arg_reduce(x, dim, keepdim, false);
}
Tensor norm(const Tensor& x, const Scalar& p) { return norm(x, p, {}, false); }
Tensor norm(const Tensor& x, const Scalar& p, IntArrayRef dim, bool keepdim) {
  EMBER_CHECK(x.is_floating_point(), "norm: expected a floating point tensor but got ",
              x.scalar_type());
  const double pv = p.toDouble();
  if (pv == 2) return apply(Norm2{dim, {}, keepdim}, x);
  if (std::isinf(pv)) return pv > 0 ? amax(abs(x), dim, keepdim) : amin(abs(x), dim, keepdim);
  if (pv == 0) return (x != 0).to(x.scalar_type()).sum(dim, keepdim);
  if (pv == 1) return abs(x).sum(dim, keepdim);
  return pow(pow(abs(x), pv).sum(dim, keepdim), 1.0 / pv);
}
namespace {
// Checks `dim` up front so that ops composed of others report errors under their own name.
void check_dims(const Tensor& x, IntArrayRef dim, const char* op) {
  for (int64_t d : dim) maybe_wrap_dim(d, std::max<int64_t>(x.dim(), 1), op);
}
}  // namespace
std::tuple<Tensor, Tensor> var_mean(const Tensor& x, IntArrayRef dim, bool unbiased, bool keepdim) {
  EMBER_CHECK(x.is_floating_point(), "var: expected a floating point tensor but got ",
              x.scalar_type());
  check_dims(x, dim, "var_mean");
  Tensor m = mean(x, dim, true);
  int64_t n = x.numel() / std::max<int64_t>(m.numel(), 1);
  Tensor d = x - m;
  Tensor v = (d * d).sum(dim, keepdim) / static_cast<double>(std::max<int64_t>(n - unbiased, 0));
  return {v, keepdim ? m : m.reshape(v.sizes())};
}
Tensor var(const Tensor& x, bool unbiased) { return std::get<0>(var_mean(x, {}, unbiased, false)); }
Tensor var(const Tensor& x, IntArrayRef dim, bool unbiased, bool keepdim) {
  check_dims(x, dim, "var");
  return std::get<0>(var_mean(x, dim, unbiased, keepdim));
}
Tensor std(const Tensor& x, bool unbiased) { return apply(Std{{}, unbiased, false}, x); }
Tensor std(const Tensor& x, IntArrayRef dim, bool unbiased, bool keepdim) {
  check_dims(x, dim, "std");
  return apply(Std{dim, unbiased, keepdim}, x);
}

namespace {
Tensor bool_reduce(const Tensor& x, IntArrayRef dims, bool keepdim, bool is_all) {
  const char* op = is_all ? "all" : "any";
  Plan p = plan(x, dims, keepdim, op);
  Tensor out = new_empty(p.out, kBool);
  EMBER_DISPATCH_ALL(x.scalar_type(), op, [&] {
    if (is_all)
      kernels::reduce_ori(
          p.x.data_ptr<scalar_t>(), out.data_ptr<bool>(), p.O, p.R, p.I, true,
          [](bool a, bool b) { return a && b; }, [](bool a) { return a; });
    else
      kernels::reduce_ori(
          p.x.data_ptr<scalar_t>(), out.data_ptr<bool>(), p.O, p.R, p.I, false,
          [](bool a, bool b) { return a || b; }, [](bool a) { return a; });
  });
  return out;
}
}  // namespace
Tensor all(const Tensor& x) { return bool_reduce(x, {}, false, true); }
Tensor all(const Tensor& x, int64_t dim, bool keepdim) {
  return bool_reduce(x, {dim}, keepdim, true);
}
Tensor any(const Tensor& x) { return bool_reduce(x, {}, false, false); }
Tensor any(const Tensor& x, int64_t dim, bool keepdim) {
  return bool_reduce(x, {dim}, keepdim, false);
}

Tensor logsumexp(const Tensor& x, IntArrayRef dim, bool keepdim) {
  check_dims(x, dim, "logsumexp");
  Tensor xf = x.is_floating_point() ? x : x.to(get_default_dtype());
  Tensor m;
  {
    NoGradGuard g;
    m = amax(xf, dim, true);
    m = where(isinf(m), zeros_like(m), m);
  }
  Tensor r = log(exp(xf - m).sum(dim, true)) + m;
  if (keepdim) return r;
  Plan p = plan(xf, dim, false, "logsumexp");
  return r.reshape(p.out);
}
Tensor cumsum(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype) {
  return apply(Cumsum{dim}, dtype ? x.to(*dtype) : x);
}
Tensor softmax(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype) {
  return apply(Softmax{dim, false, {}}, dtype ? x.to(*dtype) : x);
}
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype) {
  return apply(Softmax{dim, true, {}}, dtype ? x.to(*dtype) : x);
}

Tensor sum_to(const Tensor& x, IntArrayRef shape) {
  if (x.sizes() == shape) return x;
  const int64_t lead = x.dim() - static_cast<int64_t>(shape.size());
  EMBER_CHECK(lead >= 0, "sum_to: cannot sum shape ", x.sizes(), " to ", shape);
  DimVector dims;
  for (int64_t d = 0; d < lead; ++d) dims.push_back(d);
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1 && x.size(lead + i) != 1)
      dims.push_back(lead + i);
    else
      EMBER_CHECK(shape[i] == x.size(lead + i), "sum_to: cannot sum shape ", x.sizes(), " to ",
                  shape);
  }
  if (dims.empty()) return x.view(shape);
  return x.sum(IntArrayRef(dims), true).reshape(shape);
}

}  // namespace ember
