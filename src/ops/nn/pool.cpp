// The pooling ops: max_pool1d/2d (with indices), avg_pool1d/2d, adaptive_avg_pool1d/2d, their
// backward ops and F::*pool*. All run as 2-D pooling over N·C planes (1-D ones with H = 1). Max
// pooling keeps its argmax indices, so its backward is a scatter and the backward of that a
// gather; the average pools are linear, so each one's backward op has the forward op as its own
// backward. Kernels: kernels/cpu/pool.cpp.
#include "kernels/cpu/pool.h"

#include <array>
#include <string>
#include <vector>

#include "ember/nn/functional/pooling.h"
#include "ops/iter.h"

namespace ember {
namespace {

using kernels::PoolGeom;
using ops::apply;
using ops::Node;
using ops::variable_list;

template <class F>
void dispatch(const Tensor& t, const char* op, F f) {
  EMBER_DISPATCH_FLOATING(t.scalar_type(), op, [&] { f(scalar_t{}); });
}

std::vector<int64_t> out_shape(const Tensor& x, const PoolGeom& g) {
  return {x.size(0), x.size(1), g.oh, g.ow};
}
std::vector<int64_t> in_shape(const Tensor& y, const PoolGeom& g) {
  return {y.size(0), y.size(1), g.h, g.w};
}

// ---- max pooling ------------------------------------------------------------------------------

struct MaxPoolBackward {
  static constexpr const char* name = "MaxPool2DWithIndicesBackwardBackward0";
  PoolGeom g;
  Tensor indices;
  Tensor forward(const Tensor& grad) {
    Tensor gc = grad.contiguous();
    Tensor dx = ops::new_empty(in_shape(grad, g), grad.scalar_type());
    dispatch(grad, "max_pool2d_backward", [&](auto v) {
      using T = decltype(v);
      kernels::max_pool2d_backward<T>(dx.data_ptr<T>(), gc.data_ptr<T>(),
                                      indices.data_ptr<int64_t>(), g);
    });
    return dx;
  }
  variable_list backward(const Tensor& gdx, const Node&) {
    const int64_t n = indices.size(0), c = indices.size(1);
    return {gdx.reshape({n, c, g.h * g.w})
                .gather(2, indices.reshape({n, c, g.oh * g.ow}))
                .view(indices.sizes())};
  }
};

struct MaxPool {
  static constexpr const char* name = "MaxPool2DWithIndicesBackward0";
  PoolGeom g;
  Tensor indices;  // allocated by the caller, filled by forward
  Tensor forward(const Tensor& input) {
    Tensor xc = input.contiguous();
    Tensor y = ops::new_empty(out_shape(input, g), input.scalar_type());
    dispatch(input, "max_pool2d", [&](auto v) {
      using T = decltype(v);
      kernels::max_pool2d_forward<T>(y.data_ptr<T>(), indices.data_ptr<int64_t>(), xc.data_ptr<T>(),
                                     g);
    });
    return y;
  }
  variable_list backward(const Tensor& gy, const Node&) {
    MaxPoolBackward op;
    op.g = g, op.indices = indices;
    return {apply(std::move(op), gy)};
  }
};

// ---- average pooling ----------------------------------------------------------------------------

struct AvgPoolParams {
  PoolGeom g;
  bool count_include_pad;
  int64_t divisor_override;  // 0: none
  bool adaptive;
};

Tensor avg_pool_apply(const Tensor& x, const AvgPoolParams& p);
Tensor avg_pool_backward_apply(const Tensor& gy, const AvgPoolParams& p);

struct AvgPoolBackward {
  static constexpr const char* name = "AvgPool2DBackwardBackward0";
  AvgPoolParams p;
  Tensor forward(const Tensor& grad) {
    Tensor gc = grad.contiguous();
    Tensor dx = ops::new_empty(in_shape(grad, p.g), grad.scalar_type());
    dispatch(grad, "avg_pool2d_backward", [&](auto v) {
      using T = decltype(v);
      if (p.adaptive)
        kernels::adaptive_avg_pool2d_backward<T>(dx.data_ptr<T>(), gc.data_ptr<T>(), p.g);
      else
        kernels::avg_pool2d_backward<T>(dx.data_ptr<T>(), gc.data_ptr<T>(), p.g,
                                        p.count_include_pad, p.divisor_override);
    });
    return dx;
  }
  variable_list backward(const Tensor& gdx, const Node&) { return {avg_pool_apply(gdx, p)}; }
};

struct AvgPool {
  static constexpr const char* name = "AvgPool2DBackward0";
  AvgPoolParams p;
  Tensor forward(const Tensor& input) {
    Tensor xc = input.contiguous();
    Tensor y = ops::new_empty(out_shape(input, p.g), input.scalar_type());
    dispatch(input, "avg_pool2d", [&](auto v) {
      using T = decltype(v);
      if (p.adaptive)
        kernels::adaptive_avg_pool2d_forward<T>(y.data_ptr<T>(), xc.data_ptr<T>(), p.g);
      else
        kernels::avg_pool2d_forward<T>(y.data_ptr<T>(), xc.data_ptr<T>(), p.g, p.count_include_pad,
                                       p.divisor_override);
    });
    return y;
  }
  variable_list backward(const Tensor& gy, const Node&) { return {avg_pool_backward_apply(gy, p)}; }
};

struct AdaptiveAvgPool : AvgPool {
  static constexpr const char* name = "AdaptiveAvgPool2DBackward0";
};

Tensor avg_pool_apply(const Tensor& x, const AvgPoolParams& p) {
  if (p.adaptive) {
    AdaptiveAvgPool op;
    op.p = p;
    return apply(std::move(op), x);
  }
  AvgPool op;
  op.p = p;
  return apply(std::move(op), x);
}

Tensor avg_pool_backward_apply(const Tensor& gy, const AvgPoolParams& p) {
  AvgPoolBackward op;
  op.p = p;
  return apply(std::move(op), gy);
}

// ---- argument checks and geometry -------------------------------------------------------------

/// A per-dim argument of a D-dim pool as 2-D (height, width): one value is repeated; for D = 1
/// the height gets `h1d`.
std::array<int64_t, 2> param2d(IntArrayRef v, int64_t D, int64_t h1d, const char* op,
                               const char* what) {
  EMBER_CHECK(v.size() == 1 || static_cast<int64_t>(v.size()) == D, op, ": ", what,
              " must either be a single int, or a tuple of ", D, " ints, but got ", what, "=", v);
  if (D == 1) return {h1d, v[0]};
  return {v[0], v[v.size() == 1 ? 0 : 1]};
}

/// PyTorch's pooling_output_shape.
int64_t pooled_size(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dilation,
                    bool ceil_mode) {
  const int64_t num = in + 2 * pad - dilation * (k - 1) - 1 + (ceil_mode ? stride - 1 : 0);
  int64_t out = (num >= 0 ? num / stride : -((-num + stride - 1) / stride)) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad) --out;
  return out;
}

/// Checks the input's rank and returns it as (N, C, H, W), remembering how to undo it.
struct Shaped {
  Tensor x;
  bool batched;
};
Shaped as_4d(const Tensor& input, int64_t D, const char* op) {
  EMBER_CHECK(input.defined(), op, ": input is undefined");
  EMBER_CHECK(input.is_floating_point(), op, ": expected a floating-point input, got ",
              input.scalar_type(), " of shape ", input.sizes());
  bool nonzero = input.dim() == D + 1 || input.dim() == D + 2;
  for (int64_t i = input.dim() == D + 2 ? 1 : 0; nonzero && i < input.dim(); ++i)
    nonzero = input.size(i) > 0;
  EMBER_CHECK(
      nonzero, op, ": Expected ", D + 1, "D or ", D + 2,
      "D (batch mode) tensor with optional 0 dim batch size for input, but got: ", input.sizes());
  const bool batched = input.dim() == D + 2;
  Tensor x = batched ? input : input.unsqueeze(0);
  if (D == 1) x = x.unsqueeze(2);
  return {x, batched};
}

Tensor restore(Tensor y, int64_t D, bool batched) {
  if (D == 1) y = y.squeeze(2);
  return batched ? y : y.squeeze(0);
}

std::string size_string(const Tensor& x, int64_t D, int64_t h, int64_t w) {
  std::string s = std::to_string(x.size(1)) + "x";
  if (D == 2) s += std::to_string(h) + "x";
  return s + std::to_string(w);
}

/// Window geometry with PyTorch's checks; `dilation` is {1, 1} for average pooling.
PoolGeom pool_geom(const Tensor& x, int64_t D, IntArrayRef kernel_size, IntArrayRef stride,
                   IntArrayRef padding, IntArrayRef dilation, bool ceil_mode, const char* op) {
  const auto k = param2d(kernel_size, D, 1, op, "kernel_size");
  const auto s = stride.empty() ? k : param2d(stride, D, 1, op, "stride");
  const auto p = param2d(padding, D, 0, op, "padding");
  const auto d = param2d(dilation, D, 1, op, "dilation");
  EMBER_CHECK(k[0] > 0 && k[1] > 0, op, ": kernel size should be greater than zero, but got ",
              "kernel_size=", kernel_size);
  EMBER_CHECK(s[0] > 0 && s[1] > 0, op,
              ": stride should be greater than zero, but got stride=", stride);
  EMBER_CHECK(d[0] > 0 && d[1] > 0, op,
              ": dilation should be greater than zero, but got dilation=", dilation);
  EMBER_CHECK(p[0] >= 0 && p[1] >= 0 && p[0] <= k[0] / 2 && p[1] <= k[1] / 2, op,
              ": pad should be at most half of kernel size, but got padding=", padding,
              " and kernel_size=", kernel_size);
  PoolGeom g{};
  g.planes = x.size(0) * x.size(1), g.h = x.size(2), g.w = x.size(3);
  g.kh = k[0], g.kw = k[1], g.sh = s[0], g.sw = s[1], g.ph = p[0], g.pw = p[1];
  g.dh = d[0], g.dw = d[1];
  g.oh = pooled_size(g.h, g.kh, g.ph, g.sh, g.dh, ceil_mode);
  g.ow = pooled_size(g.w, g.kw, g.pw, g.sw, g.dw, ceil_mode);
  EMBER_CHECK(g.oh >= 1 && g.ow >= 1, op, ": Given input size: (", size_string(x, D, g.h, g.w),
              "). Calculated output size: (", size_string(x, D, g.oh, g.ow),
              "). Output size is too small (kernel_size=", kernel_size, ", stride=", stride,
              ", padding=", padding, ", dilation=", dilation, ")");
  return g;
}

std::tuple<Tensor, Tensor> max_pool_impl(const Tensor& input, int64_t D, IntArrayRef kernel_size,
                                         IntArrayRef stride, IntArrayRef padding,
                                         IntArrayRef dilation, bool ceil_mode, const char* op) {
  Shaped s = as_4d(input, D, op);
  MaxPool mp;
  mp.g = pool_geom(s.x, D, kernel_size, stride, padding, dilation, ceil_mode, op);
  mp.indices = ops::new_empty(out_shape(s.x, mp.g), kLong);
  Tensor indices = mp.indices;
  Tensor y = apply(std::move(mp), s.x);
  return {restore(y, D, s.batched), restore(indices, D, s.batched)};
}

Tensor avg_pool_impl(const Tensor& input, int64_t D, IntArrayRef kernel_size, IntArrayRef stride,
                     IntArrayRef padding, bool ceil_mode, bool count_include_pad,
                     std::optional<int64_t> divisor_override, const char* op) {
  Shaped s = as_4d(input, D, op);
  AvgPoolParams p{};
  p.g = pool_geom(s.x, D, kernel_size, stride, padding, 1, ceil_mode, op);
  EMBER_CHECK(!divisor_override || *divisor_override != 0, op, ": divisor must be not zero");
  p.count_include_pad = count_include_pad;
  p.divisor_override = divisor_override.value_or(0);
  return restore(avg_pool_apply(s.x, p), D, s.batched);
}

Tensor adaptive_avg_pool_impl(const Tensor& input, int64_t D, IntArrayRef output_size,
                              const char* op) {
  EMBER_CHECK(static_cast<int64_t>(output_size.size()) == D, op, ": output_size must be ", D,
              " integers, got ", output_size);
  Shaped s = as_4d(input, D, op);
  AvgPoolParams p{};
  p.adaptive = true;
  p.g.planes = s.x.size(0) * s.x.size(1), p.g.h = s.x.size(2), p.g.w = s.x.size(3);
  p.g.oh = D == 1 ? 1 : output_size[0];
  p.g.ow = output_size[D - 1];
  EMBER_CHECK(p.g.oh > 0 && p.g.ow > 0, op, ": output_size must be positive, got ", output_size);
  return restore(avg_pool_apply(s.x, p), D, s.batched);
}

}  // namespace

Tensor max_pool1d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride,
                  IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  return std::get<0>(
      max_pool_impl(input, 1, kernel_size, stride, padding, dilation, ceil_mode, "max_pool1d"));
}

Tensor max_pool2d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride,
                  IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  return std::get<0>(
      max_pool_impl(input, 2, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d"));
}

std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, IntArrayRef kernel_size,
                                                   IntArrayRef stride, IntArrayRef padding,
                                                   IntArrayRef dilation, bool ceil_mode) {
  return max_pool_impl(input, 1, kernel_size, stride, padding, dilation, ceil_mode,
                       "max_pool1d_with_indices");
}

std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, IntArrayRef kernel_size,
                                                   IntArrayRef stride, IntArrayRef padding,
                                                   IntArrayRef dilation, bool ceil_mode) {
  return max_pool_impl(input, 2, kernel_size, stride, padding, dilation, ceil_mode,
                       "max_pool2d_with_indices");
}

Tensor avg_pool1d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride,
                  IntArrayRef padding, bool ceil_mode, bool count_include_pad) {
  return avg_pool_impl(input, 1, kernel_size, stride, padding, ceil_mode, count_include_pad,
                       std::nullopt, "avg_pool1d");
}

Tensor avg_pool2d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride,
                  IntArrayRef padding, bool ceil_mode, bool count_include_pad,
                  std::optional<int64_t> divisor_override) {
  return avg_pool_impl(input, 2, kernel_size, stride, padding, ceil_mode, count_include_pad,
                       divisor_override, "avg_pool2d");
}

Tensor adaptive_avg_pool1d(const Tensor& input, IntArrayRef output_size) {
  return adaptive_avg_pool_impl(input, 1, output_size, "adaptive_avg_pool1d");
}

Tensor adaptive_avg_pool2d(const Tensor& input, IntArrayRef output_size) {
  return adaptive_avg_pool_impl(input, 2, output_size, "adaptive_avg_pool2d");
}

namespace nn::functional {

Tensor max_pool1d(const Tensor& input, const MaxPool1dFuncOptions& o) {
  return ember::max_pool1d(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(),
                           o.ceil_mode());
}
Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& o) {
  return ember::max_pool2d(input, o.kernel_size(), o.stride(), o.padding(), o.dilation(),
                           o.ceil_mode());
}
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input,
                                                   const MaxPool1dFuncOptions& o) {
  return ember::max_pool1d_with_indices(input, o.kernel_size(), o.stride(), o.padding(),
                                        o.dilation(), o.ceil_mode());
}
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input,
                                                   const MaxPool2dFuncOptions& o) {
  return ember::max_pool2d_with_indices(input, o.kernel_size(), o.stride(), o.padding(),
                                        o.dilation(), o.ceil_mode());
}
Tensor avg_pool1d(const Tensor& input, const AvgPool1dFuncOptions& o) {
  return ember::avg_pool1d(input, o.kernel_size(), o.stride(), o.padding(), o.ceil_mode(),
                           o.count_include_pad());
}
Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& o) {
  return ember::avg_pool2d(input, o.kernel_size(), o.stride(), o.padding(), o.ceil_mode(),
                           o.count_include_pad(), o.divisor_override());
}
Tensor adaptive_avg_pool1d(const Tensor& input, const AdaptiveAvgPool1dFuncOptions& o) {
  return ember::adaptive_avg_pool1d(input, o.output_size());
}
Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& o) {
  return ember::adaptive_avg_pool2d(input, o.output_size());
}

}  // namespace nn::functional
}  // namespace ember
