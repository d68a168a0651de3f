// batch_norm, layer_norm, group_norm and instance_norm as ops (kernels: kernels/cpu/norm.h).
// Each norm is two ops, as PyTorch's native_*_norm and native_*_norm_backward:
//   NativeBatchNorm          y = (x - mean) invstd w + b
//   NativeBatchNormBackward  (dx, dw, db) for (dy, x, w): the fused backward, itself an op
// and likewise for layer and group norm. The forward op's backward is the fused op; the fused
// op's own backward is one formula in ember ops shared by the three norms (norm_double_backward),
// so create_graph gives second derivatives (and higher ones). instance_norm is batch_norm on the
// (1, N·C, *) view, as in PyTorch. The nn::functional spellings close the file.
#include "kernels/cpu/norm.h"

#include <array>
#include <sstream>

#include "ember/nn/functional/normalization.h"
#include "ops/iter.h"

namespace ember {
namespace {

using autograd::apply_outputs;
using ops::apply;
using ops::Node;
using ops::SavedTensor;
using ops::variable_list;
using Mask = std::array<bool, 3>;  // which of dx, dweight, dbias to compute

template <class T>
T* ptr(const Tensor& t) {
  return t.defined() ? t.data_ptr<T>() : nullptr;
}
Tensor maybe_contiguous(const Tensor& t) { return t.defined() ? t.contiguous() : Tensor(); }
Tensor empty_if(bool needed, IntArrayRef shape, ScalarType dtype) {
  return needed ? ops::new_empty(shape, dtype) : Tensor();
}
Mask mask_of(const Node& n) {
  return {n.should_compute_output(0), n.should_compute_output(1), n.should_compute_output(2)};
}

// ---- the fused backward's backward, shared --------------------------------------------------

/// How norm_double_backward sees a norm: x and dy viewed as `shape`, statistics over `stat_dims`
/// (one group per index of the other dims), the weight viewed as `wshape`, and dweight and dbias
/// summed over `param_dims`.
struct NormView {
  std::vector<int64_t> shape, wshape, stat_dims, param_dims;
};

/// The backward of every fused norm backward. That backward maps (dy, x, w) to dx = L(w dy),
/// dw = Σ dy x̂, db = Σ dy, where x̂ = (x - mean) r and L(v) = r (v - mean(v) - x̂ mean(v x̂)) is
/// x̂'s transposed Jacobian (means over a statistics group; with fixed statistics, as in batch
/// norm's eval mode, L(v) = r v). L is self-adjoint, so for the gradients (gdx, gdw, gdb) of
/// (dx, dw, db) this returns those of (dy, x, w):
///   ddy = w L(gdx) + gdw x̂ + gdb
///   ddx = L(gdw dy) - r² (x̂ (mean(gdx u) - mean(gdx) mean(u) - 3 p q) + q (gdx - mean(gdx))
///                         + p (u - mean(u)))   (the r² term only in training)
///   ddw = Σ dy L(gdx)
/// with u = w dy, p = mean(gdx x̂), q = mean(u x̂). Training statistics are recomputed from x with
/// ember ops, so that this is differentiable again; `mean`, `invstd` are eval's constants.
variable_list norm_double_backward(const NormView& v, const Tensor* grads, const Tensor& dy,
                                   const Tensor& x, const Tensor& w, const Tensor& mean,
                                   const Tensor& invstd, bool training, double eps, const Node& n) {
  const std::vector<int64_t>& R = v.stat_dims;
  auto view = [](const Tensor& t, IntArrayRef shape) {
    return t.defined() ? t.reshape(shape) : Tensor();
  };
  Tensor g = view(dy, v.shape), xv = view(x, v.shape), wv = view(w, v.wshape);
  Tensor gdx = view(grads[0], v.shape), gdw = view(grads[1], v.wshape);
  Tensor gdb = view(grads[2], v.wshape);
  Tensor r, xhat;
  if (training) {
    Tensor xmu = xv - xv.mean(R, true);
    r = rsqrt((xmu * xmu).mean(R, true) + eps);
    xhat = xmu * r;
  } else {
    r = invstd.reshape(v.wshape);
    xhat = (xv - mean.reshape(v.wshape)) * r;
  }
  auto L = [&](const Tensor& u) {
    return training ? r * (u - u.mean(R, true) - xhat * (u * xhat).mean(R, true)) : r * u;
  };
  auto add = [](Tensor& acc, const Tensor& t) { acc = acc.defined() ? acc + t : t; };
  const Tensor Lgdx = gdx.defined() ? L(gdx) : Tensor();
  Tensor ddy, ddx, ddw;
  if (n.should_compute_output(0)) {
    if (Lgdx.defined()) add(ddy, wv.defined() ? wv * Lgdx : Lgdx);
    if (gdw.defined()) add(ddy, gdw * xhat);
    if (gdb.defined()) add(ddy, gdb);
    if (ddy.defined()) ddy = ddy.expand(v.shape).reshape(dy.sizes());
  }
  if (n.should_compute_output(1)) {
    if (gdw.defined()) add(ddx, L(gdw * g));
    if (training && gdx.defined()) {
      Tensor u = wv.defined() ? wv * g : g;
      Tensor ma = gdx.mean(R, true), mu = u.mean(R, true);
      Tensor p = (gdx * xhat).mean(R, true), q = (u * xhat).mean(R, true);
      Tensor c = (gdx * u).mean(R, true) - ma * mu - 3.0 * p * q;
      add(ddx, -(r * r) * (xhat * c + q * (gdx - ma) + p * (u - mu)));
    }
    if (ddx.defined()) ddx = ddx.reshape(x.sizes());
  }
  if (n.should_compute_output(2) && Lgdx.defined())
    ddw = (g * Lgdx).sum(v.param_dims).reshape(w.sizes());
  return {ddy, ddx, ddw};
}

// ---- batch_norm -------------------------------------------------------------------------------

/// S of a batch norm input (N, C, *) seen as (N, C, S).
int64_t spatial(const Tensor& x) { return x.numel() / std::max<int64_t>(x.size(0) * x.size(1), 1); }

struct NativeBatchNormBackward {
  static constexpr const char* name = "NativeBatchNormBackwardBackward0";
  static constexpr uint32_t num_outputs = 3;
  bool training;
  double eps;
  Mask mask;
  SavedTensor mean, invstd, mean_d;  // (C), the forward's statistics (mean_d in double)
  SavedTensor dy, x, w;
  auto saved() { return std::tie(mean, invstd, mean_d, dy, x, w); }

  std::array<Tensor, 3> forward(const Tensor& grad, const Tensor& input, const Tensor& weight) {
    dy = grad, x = input;
    if (weight.defined()) w = weight;
    const int64_t N = input.size(0), C = input.size(1), S = spatial(input);
    Tensor gc = grad.contiguous(), xc = input.contiguous(), wc = maybe_contiguous(weight);
    const ScalarType dt = input.scalar_type();
    Tensor dx = empty_if(mask[0], input.sizes(), dt), dw = empty_if(mask[1], {C}, dt),
           db = empty_if(mask[2], {C}, dt);
    EMBER_DISPATCH_FLOATING(dt, "batch_norm_backward", [&] {
      using T = scalar_t;
      kernels::batch_norm_backward<T>(ptr<T>(dx), ptr<T>(dw), ptr<T>(db), gc.data_ptr<T>(),
                                      xc.data_ptr<T>(), mean_d.unpack().data_ptr<double>(),
                                      invstd.unpack().data_ptr<T>(), ptr<T>(wc), N, C, S, training);
    });
    return {dx, dw, db};
  }
  variable_list backward(const Tensor* grads, const Node& n) {
    const Tensor input = x.unpack();
    const int64_t N = input.size(0), C = input.size(1), S = spatial(input);
    return norm_double_backward({{N, C, S}, {1, C, 1}, {0, 2}, {0, 2}}, grads, dy.unpack(), input,
                                w.defined() ? w.unpack() : Tensor(), mean.unpack(), invstd.unpack(),
                                training, eps, n);
  }
};

struct NativeBatchNorm {
  static constexpr const char* name = "NativeBatchNormBackward0";
  bool training;
  double momentum, eps;
  Tensor running_mean, running_var;  // forward only (updated in place), then dropped
  SavedTensor mean, invstd, mean_d;  // (C), filled by forward: batch or running statistics
  SavedTensor x, w;
  auto saved() { return std::tie(mean, invstd, mean_d, x, w); }

  Tensor forward(const Tensor& input, const Tensor& weight, const Tensor& bias) {
    x = input;
    if (weight.defined()) w = weight;
    const int64_t N = input.size(0), C = input.size(1), S = spatial(input);
    Tensor xc = input.contiguous(), wc = maybe_contiguous(weight), bc = maybe_contiguous(bias);
    Tensor rm = maybe_contiguous(running_mean), rv = maybe_contiguous(running_var);
    Tensor y = ops::new_empty(input.sizes(), input.scalar_type());
    Tensor md = ops::new_empty({C}, kDouble);
    EMBER_DISPATCH_FLOATING(input.scalar_type(), "batch_norm", [&] {
      using T = scalar_t;
      kernels::batch_norm_forward<T>(y.data_ptr<T>(), mean.unpack().data_ptr<T>(),
                                     invstd.unpack().data_ptr<T>(), md.data_ptr<double>(),
                                     ptr<T>(rm), ptr<T>(rv), xc.data_ptr<T>(), ptr<T>(wc),
                                     ptr<T>(bc), N, C, S, training, momentum, eps);
    });
    if (training) {
      for (auto [r, rc] : {std::pair{running_mean, rm}, std::pair{running_var, rv}}) {
        if (!r.defined()) continue;
        if (!r.is_same(rc)) r.copy_(rc);
        r.impl()->storage()->bump_version();
      }
    }
    running_mean.reset(), running_var.reset();
    mean_d = md;
    return y;
  }
  variable_list backward(const Tensor& grad, const Node& n) {
    NativeBatchNormBackward op{training,       eps, mask_of(n), mean.unpack(), invstd.unpack(),
                               mean_d.unpack()};
    auto [dx, dw, db] =
        apply_outputs(std::move(op), grad, x.unpack(), w.defined() ? w.unpack() : Tensor());
    return {dx, dw, db};
  }
};

void check_floating(const Tensor& input, const char* op) {
  EMBER_CHECK(input.defined(), op, ": input is undefined");
  EMBER_CHECK(input.is_floating_point(), op, ": expected a floating point input, got ",
              input.scalar_type(), " of shape ", input.sizes());
}

void check_param(const Tensor& t, const char* what, int64_t n, const Tensor& input,
                 const char* op) {
  if (!t.defined()) return;
  EMBER_CHECK(t.numel() == n, op, ": ", what, " should contain ", n, " elements not ", t.numel(),
              " (input of shape ", input.sizes(), ", ", what, " of shape ", t.sizes(), ")");
  EMBER_CHECK(t.scalar_type() == input.scalar_type(), op, ": ", what, " has dtype ",
              t.scalar_type(), " but the input has dtype ", input.scalar_type());
}

void check_batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias,
                      const Tensor& running_mean, const Tensor& running_var, bool training) {
  const char* op = "batch_norm";
  check_floating(input, op);
  EMBER_CHECK(input.dim() >= 2, op, ": expected an input of shape (N, C, *) with at least 2 dims, ",
              "got ", input.sizes());
  const int64_t C = input.size(1);
  check_param(weight, "weight", C, input, op);
  check_param(bias, "bias", C, input, op);
  check_param(running_mean, "running_mean", C, input, op);
  check_param(running_var, "running_var", C, input, op);
  EMBER_CHECK(training || (running_mean.defined() && running_var.defined()), op,
              ": running_mean and running_var must be defined in evaluation mode (input of shape ",
              input.sizes(), ")");
  if (training) {
    EMBER_CHECK(input.numel() / C != 1, op,
                ": Expected more than 1 value per channel when training, got input size ",
                input.sizes());
  }
  for (const Tensor* r : {&running_mean, &running_var})
    if (r->defined())
      EMBER_CHECK(!r->requires_grad(), op, ": running statistics must not require grad");
}

// ---- layer_norm -------------------------------------------------------------------------------

struct NativeLayerNormBackward {
  static constexpr const char* name = "NativeLayerNormBackwardBackward0";
  static constexpr uint32_t num_outputs = 3;
  int64_t M, K;      // rows, normalized elements per row
  DimVector pshape;  // normalized_shape: the shape of dweight and dbias
  double eps;
  Mask mask;
  SavedTensor mean, rstd;  // (M), the forward's statistics (mean in double)
  SavedTensor dy, x, w;
  auto saved() { return std::tie(mean, rstd, dy, x, w); }

  std::array<Tensor, 3> forward(const Tensor& grad, const Tensor& input, const Tensor& weight) {
    dy = grad, x = input;
    if (weight.defined()) w = weight;
    Tensor gc = grad.contiguous(), xc = input.contiguous(), wc = maybe_contiguous(weight);
    const ScalarType dt = input.scalar_type();
    Tensor dx = empty_if(mask[0], input.sizes(), dt), dw = empty_if(mask[1], pshape, dt),
           db = empty_if(mask[2], pshape, dt);
    EMBER_DISPATCH_FLOATING(dt, "layer_norm_backward", [&] {
      using T = scalar_t;
      kernels::layer_norm_backward<T>(ptr<T>(dx), ptr<T>(dw), ptr<T>(db), gc.data_ptr<T>(),
                                      xc.data_ptr<T>(), mean.unpack().data_ptr<double>(),
                                      rstd.unpack().data_ptr<T>(), ptr<T>(wc), M, K);
    });
    return {dx, dw, db};
  }
  variable_list backward(const Tensor* grads, const Node& n) {
    return norm_double_backward({{M, K}, {1, K}, {1}, {0}}, grads, dy.unpack(), x.unpack(),
                                w.defined() ? w.unpack() : Tensor(), Tensor(), Tensor(), true, eps,
                                n);
  }
};

struct NativeLayerNorm {
  static constexpr const char* name = "NativeLayerNormBackward0";
  int64_t M, K;      // rows, normalized elements per row
  DimVector pshape;  // normalized_shape
  double eps;
  SavedTensor mean, rstd;  // (M), filled by forward (mean in double)
  SavedTensor x, w;
  auto saved() { return std::tie(mean, rstd, x, w); }

  Tensor forward(const Tensor& input, const Tensor& weight, const Tensor& bias) {
    x = input;
    if (weight.defined()) w = weight;
    Tensor xc = input.contiguous(), wc = maybe_contiguous(weight), bc = maybe_contiguous(bias);
    Tensor y = ops::new_empty(input.sizes(), input.scalar_type());
    Tensor m = ops::new_empty({M}, kDouble), r = ops::new_empty({M}, input.scalar_type());
    EMBER_DISPATCH_FLOATING(input.scalar_type(), "layer_norm", [&] {
      using T = scalar_t;
      kernels::layer_norm_forward<T>(y.data_ptr<T>(), m.data_ptr<double>(), r.data_ptr<T>(),
                                     xc.data_ptr<T>(), ptr<T>(wc), ptr<T>(bc), M, K, eps);
    });
    mean = m, rstd = r;
    return y;
  }
  variable_list backward(const Tensor& grad, const Node& n) {
    NativeLayerNormBackward op{M, K, pshape, eps, mask_of(n), mean.unpack(), rstd.unpack()};
    auto [dx, dw, db] =
        apply_outputs(std::move(op), grad, x.unpack(), w.defined() ? w.unpack() : Tensor());
    return {dx, dw, db};
  }
};

// ---- group_norm -------------------------------------------------------------------------------

struct NativeGroupNormBackward {
  static constexpr const char* name = "NativeGroupNormBackwardBackward0";
  static constexpr uint32_t num_outputs = 3;
  int64_t N, C, S, G;  // batch, channels, elements per channel, groups
  double eps;
  Mask mask;
  SavedTensor mean, rstd;  // (N, G), the forward's statistics (mean in double)
  SavedTensor dy, x, w;
  auto saved() { return std::tie(mean, rstd, dy, x, w); }

  std::array<Tensor, 3> forward(const Tensor& grad, const Tensor& input, const Tensor& weight) {
    dy = grad, x = input;
    if (weight.defined()) w = weight;
    Tensor gc = grad.contiguous(), xc = input.contiguous(), wc = maybe_contiguous(weight);
    const ScalarType dt = input.scalar_type();
    Tensor dx = empty_if(mask[0], input.sizes(), dt), dw = empty_if(mask[1], {C}, dt),
           db = empty_if(mask[2], {C}, dt);
    EMBER_DISPATCH_FLOATING(dt, "group_norm_backward", [&] {
      using T = scalar_t;
      kernels::group_norm_backward<T>(ptr<T>(dx), ptr<T>(dw), ptr<T>(db), gc.data_ptr<T>(),
                                      xc.data_ptr<T>(), mean.unpack().data_ptr<double>(),
                                      rstd.unpack().data_ptr<T>(), ptr<T>(wc), N, C, S, G);
    });
    return {dx, dw, db};
  }
  variable_list backward(const Tensor* grads, const Node& n) {
    return norm_double_backward({{N, G, C / G, S}, {1, G, C / G, 1}, {2, 3}, {0, 3}}, grads,
                                dy.unpack(), x.unpack(), w.defined() ? w.unpack() : Tensor(),
                                Tensor(), Tensor(), true, eps, n);
  }
};

struct NativeGroupNorm {
  static constexpr const char* name = "NativeGroupNormBackward0";
  int64_t N, C, S, G;  // batch, channels, elements per channel, groups
  double eps;
  SavedTensor mean, rstd;  // (N, G), filled by forward (mean in double)
  SavedTensor x, w;
  auto saved() { return std::tie(mean, rstd, x, w); }

  Tensor forward(const Tensor& input, const Tensor& weight, const Tensor& bias) {
    x = input;
    if (weight.defined()) w = weight;
    Tensor xc = input.contiguous(), wc = maybe_contiguous(weight), bc = maybe_contiguous(bias);
    Tensor y = ops::new_empty(input.sizes(), input.scalar_type());
    Tensor m = ops::new_empty({N, G}, kDouble), r = ops::new_empty({N, G}, input.scalar_type());
    EMBER_DISPATCH_FLOATING(input.scalar_type(), "group_norm", [&] {
      using T = scalar_t;
      kernels::group_norm_forward<T>(y.data_ptr<T>(), m.data_ptr<double>(), r.data_ptr<T>(),
                                     xc.data_ptr<T>(), ptr<T>(wc), ptr<T>(bc), N, C, S, G, eps);
    });
    mean = m, rstd = r;
    return y;
  }
  variable_list backward(const Tensor& grad, const Node& n) {
    NativeGroupNormBackward op{N, C, S, G, eps, mask_of(n), mean.unpack(), rstd.unpack()};
    auto [dx, dw, db] =
        apply_outputs(std::move(op), grad, x.unpack(), w.defined() ? w.unpack() : Tensor());
    return {dx, dw, db};
  }
};

}  // namespace

std::tuple<Tensor, Tensor, Tensor> native_batch_norm(const Tensor& input, const Tensor& weight,
                                                     const Tensor& bias, const Tensor& running_mean,
                                                     const Tensor& running_var, bool training,
                                                     double momentum, double eps) {
  check_batch_norm(input, weight, bias, running_mean, running_var, training);
  if (input.numel() == 0) return {input.clone(), Tensor(), Tensor()};  // nothing to normalize
  NativeBatchNorm op;
  op.training = training, op.momentum = momentum, op.eps = eps;
  op.running_mean = running_mean, op.running_var = running_var;
  op.mean = ops::new_empty({input.size(1)}, input.scalar_type());
  op.invstd = ops::new_empty({input.size(1)}, input.scalar_type());
  Tensor mean = op.mean.unpack(), invstd = op.invstd.unpack();
  Tensor out = apply(std::move(op), input, weight, bias);
  if (!training) return {out, Tensor(), Tensor()};
  return {out, mean, invstd};
}

Tensor batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias,
                  const Tensor& running_mean, const Tensor& running_var, bool training,
                  double momentum, double eps, bool /*cudnn_enabled*/) {
  return std::get<0>(
      native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps));
}

Tensor layer_norm(const Tensor& input, IntArrayRef normalized_shape, const Tensor& weight,
                  const Tensor& bias, double eps, bool /*cudnn_enable*/) {
  const char* op = "layer_norm";
  check_floating(input, op);
  const int64_t k = static_cast<int64_t>(normalized_shape.size());
  EMBER_CHECK(k >= 1, op, ": normalized_shape must have at least one dimension, got ",
              normalized_shape);
  bool ok = input.dim() >= k;
  for (int64_t i = 0; ok && i < k; ++i) ok = input.size(input.dim() - k + i) == normalized_shape[i];
  EMBER_CHECK(
      ok, op, ": Given normalized_shape=", normalized_shape, ", expected input with shape [*, ",
      [&] {
        std::ostringstream os;
        for (int64_t i = 0; i < k; ++i) os << (i ? ", " : "") << normalized_shape[i];
        return os.str();
      }(),
      "], but got input of size ", input.sizes());
  for (auto [t, what] : {std::pair{&weight, "weight"}, std::pair{&bias, "bias"}}) {
    if (!t->defined()) continue;
    EMBER_CHECK(t->sizes() == normalized_shape, op, ": Expected ", what, " to be of same shape as ",
                "normalized_shape, but got ", what, " of shape ", t->sizes(),
                " and normalized_shape = ", normalized_shape);
    EMBER_CHECK(t->scalar_type() == input.scalar_type(), op, ": ", what, " has dtype ",
                t->scalar_type(), " but the input has dtype ", input.scalar_type());
  }
  NativeLayerNorm ln;
  ln.K = 1;
  for (int64_t s : normalized_shape) ln.K *= s;
  ln.M = ln.K ? input.numel() / ln.K : 0;
  ln.pshape = DimVector(normalized_shape);
  ln.eps = eps;
  if (input.numel() == 0) return input.clone();
  return apply(std::move(ln), input, weight, bias);
}

Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight, const Tensor& bias,
                  double eps, bool /*cudnn_enabled*/) {
  const char* op = "group_norm";
  check_floating(input, op);
  EMBER_CHECK(input.dim() >= 2, op, ": expected an input of shape (N, C, *) with at least 2 dims, ",
              "got ", input.sizes());
  const int64_t C = input.size(1);
  EMBER_CHECK(num_groups > 0 && C % num_groups == 0, op,
              ": Expected number of channels in input to be divisible by num_groups, but got "
              "input of shape ",
              input.sizes(), " and num_groups=", num_groups);
  check_param(weight, "weight", C, input, op);
  check_param(bias, "bias", C, input, op);
  NativeGroupNorm gn;
  gn.N = input.size(0), gn.C = C, gn.G = num_groups, gn.eps = eps;
  gn.S = gn.N * C != 0 ? input.numel() / (gn.N * C) : 0;
  if (input.numel() == 0) return input.clone();
  return apply(std::move(gn), input, weight, bias);
}

Tensor instance_norm(const Tensor& input, const Tensor& weight, const Tensor& bias,
                     const Tensor& running_mean, const Tensor& running_var, bool use_input_stats,
                     double momentum, double eps, bool /*cudnn_enabled*/) {
  const char* op = "instance_norm";
  check_floating(input, op);
  EMBER_CHECK(input.dim() >= 3, op, ": expected an input of shape (N, C, *) with at least 3 dims, ",
              "got ", input.sizes());
  EMBER_CHECK(
      use_input_stats || (running_mean.defined() && running_var.defined()), op,
      ": Expected running_mean and running_var to be defined when use_input_stats is false");
  const int64_t N = input.size(0), C = input.size(1);
  check_param(weight, "weight", C, input, op);
  check_param(bias, "bias", C, input, op);
  check_param(running_mean, "running_mean", C, input, op);
  check_param(running_var, "running_var", C, input, op);
  auto repeat = [&](const Tensor& t) { return t.defined() ? t.repeat({N}) : Tensor(); };
  Tensor rm = repeat(running_mean), rv = repeat(running_var);
  DimVector shape(input.sizes());
  shape[0] = 1, shape[1] = N * C;
  Tensor out = batch_norm(input.contiguous().view(shape), repeat(weight), repeat(bias), rm, rv,
                          use_input_stats, momentum, eps);
  if (use_input_stats) {  // the repeated copies were updated; average them back
    NoGradGuard no_grad;
    if (running_mean.defined()) Tensor(running_mean).copy_(rm.view({N, C}).mean({0}));
    if (running_var.defined()) Tensor(running_var).copy_(rv.view({N, C}).mean({0}));
  }
  return out.view(input.sizes());
}

namespace nn::functional {

Tensor instance_norm(const Tensor& input, const InstanceNormFuncOptions& options) {
  return detail::instance_norm(input, options.running_mean(), options.running_var(),
                               options.weight(), options.bias(), options.use_input_stats(),
                               options.momentum(), options.eps());
}

Tensor normalize(const Tensor& input, const NormalizeFuncOptions& options) {
  EMBER_CHECK(input.defined(), "normalize: input is undefined");
  Tensor denom = input.norm(options.p(), {options.dim()}, true).clamp_min(options.eps());
  return input / denom.expand_as(input);
}

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& options) {
  return detail::batch_norm(input, running_mean, running_var, options.weight(), options.bias(),
                            options.training(), options.momentum(), options.eps());
}

Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options) {
  return ::ember::layer_norm(input, options.normalized_shape(), options.weight(), options.bias(),
                             options.eps());
}

Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& options) {
  return ::ember::group_norm(input, options.num_groups(), options.weight(), options.bias(),
                             options.eps());
}

namespace detail {
Tensor instance_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                     const Tensor& weight, const Tensor& bias, bool use_input_stats,
                     double momentum, double eps) {
  return ::ember::instance_norm(input, weight, bias, running_mean, running_var, use_input_stats,
                                momentum, eps);
}

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, bool training,
                  std::optional<double> momentum, double eps) {
  EMBER_CHECK(momentum.has_value() || !training || !running_mean.defined(),
              "batch_norm: momentum must have a value when updating running statistics (the "
              "cumulative average belongs to the BatchNorm modules)");
  return ::ember::batch_norm(input, weight, bias, running_mean, running_var, training,
                             momentum.value_or(0.0), eps);
}
}  // namespace detail

}  // namespace nn::functional
}  // namespace ember
