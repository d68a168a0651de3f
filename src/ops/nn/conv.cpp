// The convolution ops: conv1d/conv2d/conv_transpose1d/conv_transpose2d and F::conv*. Every
// convolution runs as 2-D (1-D ones with H = 1) through three ops that are each other's
// derivatives:
//   ConvForward      y  = conv(x, w) + b
//   ConvTranspose    dx = convᵀ(dy, w) + b   (conv's input gradient, and conv_transpose2d)
//   ConvWeight       dw = the weight gradient of conv for (x, dy)
// so first and second derivatives are again these ops (the bias gradient, BiasGrad, has an
// expand as its own). Kernels: kernels/cpu/im2col.cpp and kernels/cpu/conv_bias.cpp.
#include "ember/nn/functional/conv.h"

#include <array>
#include <string>

#include "kernels/cpu/conv_bias.h"
#include "kernels/cpu/im2col.h"
#include "ops/iter.h"

namespace ember {
namespace {

using kernels::ConvGeom;
using ops::apply;
using ops::Node;
using ops::SavedTensor;
using ops::variable_list;

Tensor conv_forward(const Tensor& x, const Tensor& w, const Tensor& b, const ConvGeom& g);
Tensor conv_transpose(const Tensor& dy, const Tensor& w, const Tensor& b, const ConvGeom& g);
Tensor conv_weight(const Tensor& x, const Tensor& dy, const ConvGeom& g,
                   const Tensor& cols = Tensor());

template <class F>
void dispatch(const Tensor& t, const char* op, F f) {
  EMBER_DISPATCH_FLOATING(t.scalar_type(), op, [&] { f(scalar_t{}); });
}

template <class T>
const T* ptr_or_null(const Tensor& t) {
  return t.defined() ? t.data_ptr<T>() : nullptr;
}

/// db = Σ over (N, H, W) of dy: the bias gradient, one pass over dy (accumulated in double).
struct BiasGrad {
  static constexpr const char* name = "SumBackward1";
  std::vector<int64_t> shape;
  Tensor forward(const Tensor& grad) {
    shape = grad.sizes().vec();
    Tensor gc = grad.contiguous();
    Tensor db = ops::new_empty({shape[1]}, grad.scalar_type());
    dispatch(grad, "conv2d", [&](auto v) {
      using T = decltype(v);
      kernels::channel_sum<T>(db.data_ptr<T>(), gc.data_ptr<T>(), shape[0], shape[1],
                              shape[2] * shape[3]);
    });
    return db;
  }
  variable_list backward(const Tensor& gdb, const Node&) {
    return {gdb.view({1, shape[1], 1, 1}).expand(shape)};
  }
};

Tensor bias_grad(const Tensor& gy) { return apply(BiasGrad{}, gy); }

struct ConvForward {
  static constexpr const char* name = "ConvolutionBackward0";
  ConvGeom g;
  bool keep_cols = false;  // keep x's im2col columns for the weight gradient
  SavedTensor x, w;
  SavedTensor cols;  // x's im2col columns, when kept
  auto saved() { return std::tie(x, w, cols); }
  Tensor forward(const Tensor& input, const Tensor& weight, const Tensor& bias) {
    x = input, w = weight;
    Tensor xc = input.contiguous(), wc = weight.contiguous();
    Tensor bc = bias.defined() ? bias.contiguous() : Tensor();
    Tensor y = ops::new_empty({g.n, g.oc, g.oh, g.ow}, input.scalar_type());
    Tensor c;
    if (keep_cols && !g.pointwise())
      c = ops::new_empty({g.n, g.c * g.kh * g.kw, g.ohw()}, input.scalar_type());
    dispatch(input, "conv2d", [&](auto v) {
      using T = decltype(v);
      kernels::conv2d_forward<T>(y.data_ptr<T>(), xc.data_ptr<T>(), wc.data_ptr<T>(),
                                 ptr_or_null<T>(bc), g, c.defined() ? c.data_ptr<T>() : nullptr);
    });
    cols = c;
    return y;
  }
  variable_list backward(const Tensor& gy, const Node& n) {
    Tensor dx, dw, db;
    if (n.should_compute_output(0)) dx = conv_transpose(gy, w.unpack(), Tensor(), g);
    if (n.should_compute_output(1)) dw = conv_weight(x.unpack(), gy, g, cols.unpack());
    if (n.should_compute_output(2)) db = bias_grad(gy);
    return {dx, dw, db};
  }
};

struct ConvTranspose {
  static constexpr const char* name = "ConvolutionBackward0";
  ConvGeom g;
  SavedTensor dy, w;
  auto saved() { return std::tie(dy, w); }
  Tensor forward(const Tensor& grad, const Tensor& weight, const Tensor& bias) {
    dy = grad, w = weight;
    Tensor gc = grad.contiguous(), wc = weight.contiguous();
    Tensor dx = ops::new_empty({g.n, g.c, g.h, g.w}, grad.scalar_type());
    Tensor bc = bias.defined() ? bias.contiguous() : Tensor();
    dispatch(grad, "conv_transpose2d", [&](auto v) {
      using T = decltype(v);
      T* out = dx.data_ptr<T>();
      kernels::conv2d_backward_input<T>(out, gc.data_ptr<T>(), wc.data_ptr<T>(), g);
      if (const T* b = ptr_or_null<T>(bc))
        kernels::add_channel_bias<T>(out, b, g.n, g.c, g.h * g.w);
    });
    return dx;
  }
  variable_list backward(const Tensor& gdx, const Node& n) {
    Tensor ddy, dw, db;
    if (n.should_compute_output(0)) ddy = conv_forward(gdx, w.unpack(), Tensor(), g);
    if (n.should_compute_output(1)) dw = conv_weight(gdx, dy.unpack(), g);
    if (n.should_compute_output(2)) db = bias_grad(gdx);
    return {ddy, dw, db};
  }
};

struct ConvWeight {
  static constexpr const char* name = "ConvolutionBackwardBackward0";
  ConvGeom g;
  Tensor cols;  // x's columns from the forward pass, if kept (then x is not read)
  SavedTensor x, dy;
  auto saved() { return std::tie(x, dy); }
  Tensor forward(const Tensor& input, const Tensor& grad) {
    x = input, dy = grad;
    Tensor xc = cols.defined() ? input : input.contiguous(), gc = grad.contiguous();
    Tensor dw = ops::new_empty({g.oc, g.cg(), g.kh, g.kw}, input.scalar_type());
    dispatch(input, "conv2d", [&](auto v) {
      using T = decltype(v);
      kernels::conv2d_backward_weight<T>(dw.data_ptr<T>(), xc.data_ptr<T>(), gc.data_ptr<T>(), g,
                                         cols.defined() ? cols.data_ptr<T>() : nullptr);
    });
    cols.reset();
    return dw;
  }
  variable_list backward(const Tensor& gdw, const Node& n) {
    Tensor dx, ddy;
    if (n.should_compute_output(0)) dx = conv_transpose(dy.unpack(), gdw, Tensor(), g);
    if (n.should_compute_output(1)) ddy = conv_forward(x.unpack(), gdw, Tensor(), g);
    return {dx, ddy};
  }
};

Tensor conv_forward(const Tensor& x, const Tensor& w, const Tensor& b, const ConvGeom& g) {
  ConvForward op;
  op.g = g;
  // Keeping the columns saves one im2col in backward; above kMaxKeptCols elements (256 MB in
  // float32) memory matters more and backward recomputes them.
  constexpr int64_t kMaxKeptCols = int64_t{64} << 20;
  op.keep_cols = GradMode::is_enabled() && w.requires_grad() &&
                 g.n * g.c * g.kh * g.kw * g.ohw() <= kMaxKeptCols;
  return apply(std::move(op), x, w, b);
}
Tensor conv_transpose(const Tensor& dy, const Tensor& w, const Tensor& b, const ConvGeom& g) {
  ConvTranspose op;
  op.g = g;
  return apply(std::move(op), dy, w, b);
}
Tensor conv_weight(const Tensor& x, const Tensor& dy, const ConvGeom& g, const Tensor& cols) {
  ConvWeight op;
  op.g = g;
  op.cols = cols;
  return apply(std::move(op), x, dy);
}

// ---- argument checks and geometry -------------------------------------------------------------

/// A per-dim parameter of a D-dim op as 2-D (height, width): one value is repeated; for D = 1
/// the height gets `h1d` (1 for stride/dilation, 0 for padding).
std::array<int64_t, 2> param2d(IntArrayRef v, int64_t D, int64_t h1d, const char* op,
                               const char* what) {
  EMBER_CHECK(v.size() == 1 || static_cast<int64_t>(v.size()) == D, op, ": expected ", what,
              " to be a single integer value or a list of ", D,
              " values to match the convolution dimensions, but got ", what, "=", v);
  if (D == 1) return {h1d, v[0]};
  return {v[0], v[v.size() == 1 ? 0 : 1]};
}

struct Args {
  const char* op;
  int64_t dims;  // spatial dims of the user's op: 1 or 2
  bool transposed;
  IntArrayRef stride, padding, dilation, output_padding;
  int64_t groups;
};

Tensor convolution(const Tensor& input, const Tensor& weight, const Tensor& bias, const Args& a) {
  const char* op = a.op;
  const int64_t D = a.dims;
  EMBER_CHECK(input.defined() && weight.defined(), op, ": input and weight must be defined");
  EMBER_CHECK(input.is_floating_point(), op, ": expected a floating-point input, got ",
              input.scalar_type(), " of shape ", input.sizes());
  EMBER_CHECK(weight.scalar_type() == input.scalar_type() &&
                  (!bias.defined() || bias.scalar_type() == input.scalar_type()),
              op, ": input (", input.scalar_type(), "), weight (", weight.scalar_type(),
              ") and bias", bias.defined() ? "" : " (undefined)", " must have the same dtype");
  EMBER_CHECK(input.dim() == D + 1 || input.dim() == D + 2, op, ": Expected ", D + 1,
              "D (unbatched) or ", D + 2, "D (batched) input to ", op,
              ", but got input of size: ", input.sizes());
  EMBER_CHECK(weight.dim() == D + 2, op, ": expected weight to be ", D + 2,
              "-dimensional, but got weight of size ", weight.sizes());
  EMBER_CHECK(a.groups > 0, op, ": non-positive groups is not supported (groups=", a.groups, ")");
  const auto s = param2d(a.stride, D, 1, op, "stride");
  const auto p = param2d(a.padding, D, 0, op, "padding");
  const auto d = param2d(a.dilation, D, 1, op, "dilation");
  const auto op2 = param2d(a.output_padding, D, 0, op, "output_padding");
  EMBER_CHECK(s[0] > 0 && s[1] > 0, op, ": non-positive stride is not supported (stride=", a.stride,
              ")");
  EMBER_CHECK(p[0] >= 0 && p[1] >= 0, op,
              ": negative padding is not supported (padding=", a.padding, ")");
  EMBER_CHECK(d[0] > 0 && d[1] > 0, op,
              ": dilation should be greater than zero (dilation=", a.dilation, ")");
  EMBER_CHECK(op2[0] >= 0 && op2[1] >= 0, op, ": negative output_padding is not supported");

  const bool batched = input.dim() == D + 2;
  Tensor x = batched ? input : input.unsqueeze(0);
  Tensor w = weight;
  if (D == 1) x = x.unsqueeze(2), w = w.unsqueeze(2);
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const int64_t KH = w.size(2), KW = w.size(3), G = a.groups;
  EMBER_CHECK(KH > 0 && KW > 0, op,
              ": kernel size should be greater than zero, but got weight of size ", weight.sizes());

  ConvGeom g{};
  g.n = N, g.kh = KH, g.kw = KW, g.sh = s[0], g.sw = s[1], g.ph = p[0], g.pw = p[1];
  g.dh = d[0], g.dw = d[1], g.groups = G;
  int64_t out_channels;
  if (!a.transposed) {
    EMBER_CHECK(w.size(0) % G == 0, op, ": Given groups=", G, ", expected weight of size ",
                weight.sizes(), " to be divisible by ", G, " at dimension 0");
    EMBER_CHECK(C == w.size(1) * G, op, ": Given groups=", G, ", weight of size ", weight.sizes(),
                ", expected input", input.sizes(), " to have ", w.size(1) * G,
                " channels, but got ", C, " channels instead");
    const int64_t eh = d[0] * (KH - 1) + 1, ew = d[1] * (KW - 1) + 1;
    EMBER_CHECK(H + 2 * p[0] >= eh && W + 2 * p[1] >= ew, op,
                ": Calculated padded input size per channel: (",
                D == 1 ? "" : std::to_string(H + 2 * p[0]) + " x ", W + 2 * p[1],
                "). Kernel size: (", D == 1 ? "" : std::to_string(eh) + " x ", ew,
                "). Kernel size can't be greater than actual input size (input of shape ",
                input.sizes(), ", weight of shape ", weight.sizes(), ")");
    g.c = C, g.h = H, g.w = W, g.oc = w.size(0);
    g.oh = (H + 2 * p[0] - eh) / s[0] + 1;
    g.ow = (W + 2 * p[1] - ew) / s[1] + 1;
    out_channels = g.oc;
  } else {
    EMBER_CHECK(C == w.size(0), op, ": Given transposed=1, weight of size ", weight.sizes(),
                ", expected input", input.sizes(), " to have ", w.size(0), " channels, but got ", C,
                " channels instead");
    EMBER_CHECK(w.size(0) % G == 0, op, ": Given groups=", G, ", expected weight of size ",
                weight.sizes(), " to be divisible by ", G, " at dimension 0");
    EMBER_CHECK((op2[0] < s[0] || op2[0] < d[0]) && (op2[1] < s[1] || op2[1] < d[1]), op,
                ": output padding must be smaller than either stride or dilation, but got "
                "output_padding=",
                a.output_padding, ", stride=", a.stride, ", dilation=", a.dilation);
    g.c = w.size(1) * G, g.oc = C, g.oh = H, g.ow = W;
    g.h = (H - 1) * s[0] - 2 * p[0] + d[0] * (KH - 1) + op2[0] + 1;
    g.w = (W - 1) * s[1] - 2 * p[1] + d[1] * (KW - 1) + op2[1] + 1;
    EMBER_CHECK(g.h > 0 && g.w > 0, op, ": output size (", g.h, ", ", g.w,
                ") is not positive for input of shape ", input.sizes(), " and weight of shape ",
                weight.sizes());
    out_channels = g.c;
  }
  if (bias.defined())
    EMBER_CHECK(bias.dim() == 1 && bias.size(0) == out_channels, op, ": expected bias of shape [",
                out_channels, "] for weight of shape ", weight.sizes(), ", but got bias of shape ",
                bias.sizes());

  Tensor y = a.transposed ? conv_transpose(x, w, bias, g) : conv_forward(x, w, bias, g);
  if (D == 1) y = y.squeeze(2);
  return batched ? y : y.squeeze(0);
}

}  // namespace

Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              IntArrayRef padding, IntArrayRef dilation, int64_t groups) {
  return convolution(input, weight, bias,
                     {"conv1d", 1, false, stride, padding, dilation, 0, groups});
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              IntArrayRef padding, IntArrayRef dilation, int64_t groups) {
  return convolution(input, weight, bias,
                     {"conv2d", 2, false, stride, padding, dilation, 0, groups});
}

Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const Tensor& bias,
                        IntArrayRef stride, IntArrayRef padding, IntArrayRef output_padding,
                        int64_t groups, IntArrayRef dilation) {
  return convolution(
      input, weight, bias,
      {"conv_transpose1d", 1, true, stride, padding, dilation, output_padding, groups});
}

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor& bias,
                        IntArrayRef stride, IntArrayRef padding, IntArrayRef output_padding,
                        int64_t groups, IntArrayRef dilation) {
  return convolution(
      input, weight, bias,
      {"conv_transpose2d", 2, true, stride, padding, dilation, output_padding, groups});
}

namespace nn::functional {

Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& o) {
  return ember::conv1d(input, weight, o.bias(), o.stride(), o.padding(), o.dilation(), o.groups());
}
Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& o) {
  return ember::conv2d(input, weight, o.bias(), o.stride(), o.padding(), o.dilation(), o.groups());
}
Tensor conv_transpose1d(const Tensor& input, const Tensor& weight,
                        const ConvTranspose1dFuncOptions& o) {
  return ember::conv_transpose1d(input, weight, o.bias(), o.stride(), o.padding(),
                                 o.output_padding(), o.groups(), o.dilation());
}
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight,
                        const ConvTranspose2dFuncOptions& o) {
  return ember::conv_transpose2d(input, weight, o.bias(), o.stride(), o.padding(),
                                 o.output_padding(), o.groups(), o.dilation());
}

}  // namespace nn::functional
}  // namespace ember
