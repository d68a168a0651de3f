// clip_grad_norm_ and clip_grad_value_: PyTorch 1.13's torch/nn/utils/clip_grad.py, with the
// norms accumulated in double on raw pointers.
#include "ember/nn/utils/clip_grad.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ember/autograd/grad_mode.h"
#include "ember/core/error.h"

namespace ember::nn::utils {
namespace {

// The p-norm of n values read through get(i) (torch.norm's conventions for p = ±inf and 0).
template <class Get>
double p_norm(int64_t n, double p, Get get) {
  if (std::isinf(p)) {
    double m = p > 0 ? 0 : std::numeric_limits<double>::infinity();
    for (int64_t i = 0; i < n; ++i) {
      const double a = std::abs(get(i));
      if (std::isnan(a)) return a;
      m = p > 0 ? std::max(m, a) : std::min(m, a);
    }
    return m;
  }
  double s = 0;
  if (p == 0) {
    for (int64_t i = 0; i < n; ++i) s += get(i) != 0;
    return s;
  }
  for (int64_t i = 0; i < n; ++i) {
    const double a = std::abs(get(i));
    s += p == 1 ? a : p == 2 ? a * a : std::pow(a, p);
  }
  return p == 1 ? s : p == 2 ? std::sqrt(s) : std::pow(s, 1 / p);
}

double grad_norm(const Tensor& grad, double p) {
  const Tensor g = grad.is_contiguous() ? grad : grad.contiguous();
  switch (g.scalar_type()) {
    case kFloat: {
      const float* x = g.data_ptr<float>();
      return p_norm(g.numel(), p, [x](int64_t i) { return static_cast<double>(x[i]); });
    }
    case kDouble: {
      const double* x = g.data_ptr<double>();
      return p_norm(g.numel(), p, [x](int64_t i) { return x[i]; });
    }
    default:
      EMBER_ERROR("clip_grad_norm_: gradients must be float or double, got ", g.scalar_type());
  }
}

}  // namespace

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  std::vector<Tensor> grads;
  for (const Tensor& p : parameters)
    if (p.defined() && p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) return 0.0;
  std::vector<double> norms;
  for (const Tensor& g : grads) norms.push_back(grad_norm(g, norm_type));
  const double total =
      p_norm(static_cast<int64_t>(norms.size()), norm_type, [&](int64_t i) { return norms[i]; });
  EMBER_CHECK(!error_if_nonfinite || std::isfinite(total),
              "clip_grad_norm_: The total norm of order ", norm_type,
              " for gradients from `parameters` is non-finite, so it cannot be clipped. To "
              "disable this error and scale the gradients by the non-finite norm anyway, set "
              "`error_if_nonfinite=false`");
  const double clip_coef = std::min(max_norm / (total + 1e-6), 1.0);
  if (clip_coef < 1.0 || std::isnan(clip_coef)) {
    NoGradGuard no_grad;
    for (Tensor& g : grads) g.mul_(clip_coef);
  }
  return total;
}

double clip_grad_norm_(std::initializer_list<Tensor> parameters, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  return clip_grad_norm_(std::vector<Tensor>(parameters), max_norm, norm_type, error_if_nonfinite);
}

double clip_grad_norm_(const Tensor& parameter, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  return clip_grad_norm_(std::vector<Tensor>{parameter}, max_norm, norm_type, error_if_nonfinite);
}

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
  NoGradGuard no_grad;
  for (const Tensor& p : parameters) {
    if (!p.defined() || !p.grad().defined()) continue;
    Tensor g = p.grad();
    g.clamp_(-clip_value, clip_value);
  }
}

void clip_grad_value_(std::initializer_list<Tensor> parameters, double clip_value) {
  clip_grad_value_(std::vector<Tensor>(parameters), clip_value);
}

void clip_grad_value_(const Tensor& parameter, double clip_value) {
  clip_grad_value_(std::vector<Tensor>{parameter}, clip_value);
}

}  // namespace ember::nn::utils
