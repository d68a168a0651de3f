// Activation functions: top-level ember:: (libtorch's torch::) and nn::functional:: spellings.
// relu, sigmoid, tanh, softmax and log_softmax live in ember/ops.h.
#pragma once

#include <string>

#include "ember/nn/options/activation.h"
#include "ember/ops.h"

namespace ember {
/// x if x > 0 else negative_slope * x
Tensor leaky_relu(const Tensor& x, const Scalar& negative_slope = 0.01);
/// x if x > 0 else alpha * (exp(x) - 1)
Tensor elu(const Tensor& x, const Scalar& alpha = 1);
/// x Φ(x) (approximate = "none") or its tanh approximation ("tanh").
Tensor gelu(const Tensor& x, const std::string& approximate = "none");
/// x * sigmoid(x)
Tensor silu(const Tensor& x);
/// log(1 + exp(beta x)) / beta, linear where beta x > threshold.
Tensor softplus(const Tensor& x, const Scalar& beta = 1, const Scalar& threshold = 20);
Tensor hardtanh(const Tensor& x, const Scalar& min_val = -1, const Scalar& max_val = 1);
Tensor relu6(const Tensor& x);
/// x * tanh(softplus(x))
Tensor mish(const Tensor& x);
}  // namespace ember

namespace ember::nn::functional {
using ::ember::log_softmax;
using ::ember::mish;
using ::ember::relu6;
using ::ember::sigmoid;
using ::ember::silu;
using ::ember::softmax;
using ::ember::tanh;
inline Tensor relu(Tensor x, const ReLUFuncOptions& o = {}) {
  return o.inplace() ? x.relu_() : ::ember::relu(x);
}
inline Tensor leaky_relu(const Tensor& x, const LeakyReLUFuncOptions& o = {}) {
  return ::ember::leaky_relu(x, o.negative_slope());
}
inline Tensor elu(const Tensor& x, const ELUFuncOptions& o = {}) {
  return ::ember::elu(x, o.alpha());
}
inline Tensor gelu(const Tensor& x, const GELUFuncOptions& o = {}) {
  return ::ember::gelu(x, o.approximate());
}
inline Tensor softplus(const Tensor& x, const SoftplusFuncOptions& o = {}) {
  return ::ember::softplus(x, o.beta(), o.threshold());
}
inline Tensor hardtanh(const Tensor& x, const HardtanhFuncOptions& o = {}) {
  return ::ember::hardtanh(x, o.min_val(), o.max_val());
}
inline Tensor softmax(const Tensor& x, const SoftmaxFuncOptions& o) {
  return ::ember::softmax(x, o.dim());
}
inline Tensor log_softmax(const Tensor& x, const LogSoftmaxFuncOptions& o) {
  return ::ember::log_softmax(x, o.dim());
}
}  // namespace ember::nn::functional
