// The activation ops that are not tensor ops (leaky_relu, elu, gelu, silu, softplus, hardtanh,
// relu6, mish). All but hardtanh are composed from ember ops (so their gradients, and gradients of
// gradients, come from the ops' own backward formulas); branches are written so that the branch
// not taken stays finite: a where() passes 0 * (its gradient), and 0 * inf would be NaN. hardtanh
// is an op struct because its gradient at the bounds differs from clamp's.
#include "ember/nn/functional/activation.h"

#include <cmath>

#include "ops/iter.h"

namespace ember {
namespace {

/// clamp(x, min_val, max_val) with PyTorch's hardtanh_backward: the gradient passes only where
/// min_val < x < max_val, so it is 0 at the bounds themselves (clamp's passes there).
struct Hardtanh {
  static constexpr const char* name = "HardtanhBackward0";
  Scalar lo, hi;
  ops::SavedTensor a;
  auto saved() { return std::tie(a); }
  Tensor forward(const Tensor& x) {
    a = x;
    return x.clamp(lo, hi);
  }
  ops::variable_list backward(const Tensor& g, const ops::Node&) {
    Tensor x = a.unpack();
    return {g.masked_fill((x <= lo).logical_or(x >= hi), 0)};
  }
};

}  // namespace

Tensor leaky_relu(const Tensor& x, const Scalar& negative_slope) {
  return where(x > 0, x, x * negative_slope);
}

Tensor elu(const Tensor& x, const Scalar& alpha) {
  return where(x > 0, x, x.clamp_max(0).expm1() * alpha);
}

Tensor gelu(const Tensor& x, const std::string& approximate) {
  if (approximate == "none") return x * 0.5 * (1 + (x * M_SQRT1_2).erf());
  EMBER_CHECK(approximate == "tanh", "gelu: approximate must be \"none\" or \"tanh\", got \"",
              approximate, "\"");
  const double k = std::sqrt(2 / M_PI);
  return x * 0.5 * (1 + ((x + x.pow(3) * 0.044715) * k).tanh());
}

Tensor silu(const Tensor& x) { return x * x.sigmoid(); }

Tensor softplus(const Tensor& x, const Scalar& beta, const Scalar& threshold) {
  const double b = beta.toDouble(), t = threshold.toDouble();
  Tensor bx = x * b;
  return where(bx > t, x, bx.clamp_max(t).exp().log1p() / b);
}

Tensor hardtanh(const Tensor& x, const Scalar& min_val, const Scalar& max_val) {
  EMBER_CHECK(min_val.toDouble() <= max_val.toDouble(), "hardtanh: min_val (", min_val.toDouble(),
              ") must not exceed max_val (", max_val.toDouble(), ")");
  return ops::apply(Hardtanh{min_val, max_val, {}}, x);
}

Tensor relu6(const Tensor& x) { return hardtanh(x, 0, 6); }

Tensor mish(const Tensor& x) { return x * softplus(x).tanh(); }

}  // namespace ember
