// nn::init: formulas from PyTorch's torch/nn/init.py, in its order of random draws.
#include "ember/nn/init.h"

#include <cmath>
#include <vector>

#include "ember/autograd/grad_mode.h"
#include "ember/ops.h"
#include "ember/tensor/factories.h"

namespace ember::nn::init {
namespace {

void check_defined(const Tensor& t, const char* op) {
  EMBER_CHECK(t.defined(), "nn::init::", op, ": the tensor is undefined");
}

double fan(const Tensor& t, FanMode mode) {
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(t);
  return static_cast<double>(mode == FanMode::kFanIn ? fan_in : fan_out);
}

// Inverse error function: a rational first guess refined by Newton steps on std::erf.
double erfinv(double y) {
  if (y <= -1) return -INFINITY;
  if (y >= 1) return INFINITY;
  const double a = 0.147, ln = std::log(1 - y * y), t = 2 / (M_PI * a) + ln / 2;
  double x = std::copysign(std::sqrt(std::sqrt(t * t - ln / a) - t), y);
  for (int i = 0; i < 3; ++i) x -= (std::erf(x) - y) / (2 / std::sqrt(M_PI) * std::exp(-x * x));
  return x;
}

}  // namespace

double calculate_gain(Nonlinearity nonlinearity, std::optional<double> param) {
  switch (nonlinearity) {
    case Nonlinearity::kTanh:
      return 5.0 / 3;
    case Nonlinearity::kReLU:
      return std::sqrt(2.0);
    case Nonlinearity::kLeakyReLU: {
      const double slope = param.value_or(0.01);
      return std::sqrt(2.0 / (1 + slope * slope));
    }
    case Nonlinearity::kSELU:
      return 3.0 / 4;
    default:
      return 1;  // linear, conv*, sigmoid
  }
}

std::tuple<int64_t, int64_t> _calculate_fan_in_and_fan_out(const Tensor& tensor) {
  check_defined(tensor, "_calculate_fan_in_and_fan_out");
  EMBER_CHECK(tensor.dim() >= 2,
              "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions "
              "(got shape ",
              tensor.sizes(), ")");
  int64_t receptive = 1;
  for (int64_t d = 2; d < tensor.dim(); ++d) receptive *= tensor.size(d);
  return {tensor.size(1) * receptive, tensor.size(0) * receptive};
}

Tensor uniform_(Tensor tensor, double low, double high) {
  check_defined(tensor, "uniform_");
  NoGradGuard g;
  tensor.uniform_(low, high);
  return tensor;
}

Tensor normal_(Tensor tensor, double mean, double std) {
  check_defined(tensor, "normal_");
  NoGradGuard g;
  tensor.normal_(mean, std);
  return tensor;
}

Tensor constant_(Tensor tensor, Scalar value) {
  check_defined(tensor, "constant_");
  NoGradGuard g;
  tensor.fill_(value);
  return tensor;
}
Tensor ones_(Tensor tensor) { return constant_(tensor, 1); }
Tensor zeros_(Tensor tensor) { return constant_(tensor, 0); }

Tensor eye_(Tensor tensor) {
  check_defined(tensor, "eye_");
  EMBER_CHECK(tensor.dim() == 2, "nn::init::eye_: only 2-D tensors are supported, got shape ",
              tensor.sizes());
  NoGradGuard g;
  tensor.copy_(eye(tensor.size(0), tensor.size(1), tensor.scalar_type()));
  return tensor;
}

Tensor dirac_(Tensor tensor, int64_t groups) {
  check_defined(tensor, "dirac_");
  const int64_t d = tensor.dim();
  EMBER_CHECK(d >= 3 && d <= 5, "nn::init::dirac_: only 3-, 4- and 5-D tensors are supported, got ",
              "shape ", tensor.sizes());
  EMBER_CHECK(groups > 0 && tensor.size(0) % groups == 0, "nn::init::dirac_: dim 0 (",
              tensor.size(0), ") must be divisible by groups (", groups, ")");
  NoGradGuard g;
  const int64_t out_per_group = tensor.size(0) / groups;
  const int64_t min_dim = std::min(out_per_group, tensor.size(1));
  tensor.zero_();
  for (int64_t gi = 0; gi < groups; ++gi)
    for (int64_t i = 0; i < min_dim; ++i) {
      Tensor v = tensor.select(0, gi * out_per_group + i).select(0, i);
      for (int64_t k = 2; k < d; ++k) v = v.select(0, tensor.size(k) / 2);
      v.fill_(1);
    }
  return tensor;
}

Tensor xavier_uniform_(Tensor tensor, double gain) {
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(tensor);
  const double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  const double a = std::sqrt(3.0) * std;
  return uniform_(tensor, -a, a);
}

Tensor xavier_normal_(Tensor tensor, double gain) {
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(tensor);
  return normal_(tensor, 0, gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out)));
}

Tensor kaiming_uniform_(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity) {
  check_defined(tensor, "kaiming_uniform_");
  if (tensor.numel() == 0) return tensor;  // PyTorch warns and skips
  const double std = calculate_gain(nonlinearity, a) / std::sqrt(fan(tensor, mode));
  const double bound = std::sqrt(3.0) * std;
  return uniform_(tensor, -bound, bound);
}

Tensor kaiming_normal_(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity) {
  check_defined(tensor, "kaiming_normal_");
  if (tensor.numel() == 0) return tensor;
  return normal_(tensor, 0, calculate_gain(nonlinearity, a) / std::sqrt(fan(tensor, mode)));
}

Tensor orthogonal_(Tensor tensor, double gain) {
  check_defined(tensor, "orthogonal_");
  EMBER_CHECK(tensor.dim() >= 2, "nn::init::orthogonal_: only tensors with 2 or more dimensions ",
              "are supported, got shape ", tensor.sizes());
  if (tensor.numel() == 0) return tensor;
  NoGradGuard g;
  const int64_t rows = tensor.size(0), cols = tensor.numel() / rows;
  Tensor flat = empty({rows, cols}, tensor.scalar_type()).normal_(0, 1);
  Tensor a = (rows < cols ? flat.t() : flat).to(kDouble).contiguous();  // (m, n), m >= n
  const int64_t m = a.size(0), n = a.size(1);
  // Modified Gram-Schmidt: its Q has R's diagonal positive, which is exactly what PyTorch gets
  // from LAPACK's QR after multiplying Q by sign(diag(R)).
  std::vector<double> q(a.data_ptr<double>(), a.data_ptr<double>() + m * n);
  auto at = [&](int64_t i, int64_t j) -> double& { return q[i * n + j]; };
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t i = 0; i < j; ++i) {
      double r = 0;
      for (int64_t k = 0; k < m; ++k) r += at(k, i) * at(k, j);
      for (int64_t k = 0; k < m; ++k) at(k, j) -= r * at(k, i);
    }
    double norm = 0;
    for (int64_t k = 0; k < m; ++k) norm += at(k, j) * at(k, j);
    norm = std::sqrt(norm);
    EMBER_CHECK(norm > 0, "nn::init::orthogonal_: the random sample was rank-deficient");
    for (int64_t k = 0; k < m; ++k) at(k, j) /= norm;
  }
  Tensor qt = from_blob(q.data(), {m, n}, kDouble).clone();
  if (rows < cols) qt = qt.t();
  tensor.view({rows, cols}).copy_(qt.mul(gain));
  return tensor;
}

Tensor trunc_normal_(Tensor tensor, double mean, double std, double a, double b) {
  check_defined(tensor, "trunc_normal_");
  // PyTorch's method: uniform in CDF space, then the inverse CDF.
  auto cdf = [](double x) { return (1 + std::erf(x / std::sqrt(2.0))) / 2; };
  const double l = cdf((a - mean) / std), u = cdf((b - mean) / std);
  NoGradGuard g;
  tensor.uniform_(2 * l - 1, 2 * u - 1);
  Tensor d = tensor.to(kDouble).contiguous();
  double* p = d.data_ptr<double>();
  for (int64_t i = 0; i < d.numel(); ++i)
    p[i] = std::clamp(erfinv(p[i]) * std * std::sqrt(2.0) + mean, a, b);
  tensor.copy_(d);
  return tensor;
}

}  // namespace ember::nn::init
