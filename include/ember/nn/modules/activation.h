// Activation modules: ReLU, LeakyReLU, ELU, GELU, SiLU, Mish, Sigmoid, Tanh, Softmax,
// LogSoftmax, Softplus, Hardtanh, ReLU6.
#pragma once

#include <ostream>

#include "ember/nn/functional/activation.h"
#include "ember/nn/module.h"

namespace ember::nn {

class ReLUImpl : public Cloneable<ReLUImpl> {
 public:
  explicit ReLUImpl(const ReLUOptions& options = {}) : Cloneable("ReLU"), options(options) {}
  Tensor forward(Tensor x) { return options.inplace() ? x.relu_() : x.relu(); }
  void pretty_print(std::ostream& os) const override {
    os << "torch::nn::ReLU(" << (options.inplace() ? "inplace=true" : "") << ")";
  }
  ReLUOptions options;
};
EMBER_MODULE(ReLU);

class ReLU6Impl : public Cloneable<ReLU6Impl> {
 public:
  ReLU6Impl() : Cloneable("ReLU6") {}
  Tensor forward(const Tensor& x) { return relu6(x); }
  void pretty_print(std::ostream& os) const override { os << "torch::nn::ReLU6()"; }
};
EMBER_MODULE(ReLU6);

class LeakyReLUImpl : public Cloneable<LeakyReLUImpl> {
 public:
  explicit LeakyReLUImpl(const LeakyReLUOptions& options = {})
      : Cloneable("LeakyReLU"), options(options) {}
  Tensor forward(const Tensor& x) { return leaky_relu(x, options.negative_slope()); }
  void pretty_print(std::ostream& os) const override;
  LeakyReLUOptions options;
};
EMBER_MODULE(LeakyReLU);

class ELUImpl : public Cloneable<ELUImpl> {
 public:
  explicit ELUImpl(const ELUOptions& options = {}) : Cloneable("ELU"), options(options) {}
  Tensor forward(const Tensor& x) { return elu(x, options.alpha()); }
  void pretty_print(std::ostream& os) const override;
  ELUOptions options;
};
EMBER_MODULE(ELU);

class GELUImpl : public Cloneable<GELUImpl> {
 public:
  explicit GELUImpl(const GELUOptions& options = {}) : Cloneable("GELU"), options(options) {}
  Tensor forward(const Tensor& x) { return gelu(x, options.approximate()); }
  void pretty_print(std::ostream& os) const override;
  GELUOptions options;
};
EMBER_MODULE(GELU);

class SoftplusImpl : public Cloneable<SoftplusImpl> {
 public:
  explicit SoftplusImpl(const SoftplusOptions& options = {})
      : Cloneable("Softplus"), options(options) {}
  Tensor forward(const Tensor& x) { return softplus(x, options.beta(), options.threshold()); }
  void pretty_print(std::ostream& os) const override;
  SoftplusOptions options;
};
EMBER_MODULE(Softplus);

class HardtanhImpl : public Cloneable<HardtanhImpl> {
 public:
  explicit HardtanhImpl(const HardtanhOptions& options = {})
      : Cloneable("Hardtanh"), options(options) {}
  Tensor forward(const Tensor& x) { return hardtanh(x, options.min_val(), options.max_val()); }
  void pretty_print(std::ostream& os) const override;
  HardtanhOptions options;
};
EMBER_MODULE(Hardtanh);

#define EMBER_SIMPLE_ACTIVATION(Name, expr)                                                \
  class Name##Impl : public Cloneable<Name##Impl> {                                        \
   public:                                                                                 \
    Name##Impl() : Cloneable(#Name) {}                                                     \
    Tensor forward(const Tensor& x) { return expr; }                                       \
    void pretty_print(std::ostream& os) const override { os << "torch::nn::" #Name "()"; } \
  };                                                                                       \
  EMBER_MODULE(Name)

EMBER_SIMPLE_ACTIVATION(SiLU, silu(x));
EMBER_SIMPLE_ACTIVATION(Mish, mish(x));
EMBER_SIMPLE_ACTIVATION(Sigmoid, x.sigmoid());
EMBER_SIMPLE_ACTIVATION(Tanh, x.tanh());
#undef EMBER_SIMPLE_ACTIVATION

class SoftmaxImpl : public Cloneable<SoftmaxImpl> {
 public:
  explicit SoftmaxImpl(int64_t dim) : SoftmaxImpl(SoftmaxOptions(dim)) {}
  explicit SoftmaxImpl(const SoftmaxOptions& options) : Cloneable("Softmax"), options(options) {}
  Tensor forward(const Tensor& x) { return softmax(x, options.dim()); }
  void pretty_print(std::ostream& os) const override {
    os << "torch::nn::Softmax(dim=" << options.dim() << ")";
  }
  SoftmaxOptions options;
};
EMBER_MODULE(Softmax);

class LogSoftmaxImpl : public Cloneable<LogSoftmaxImpl> {
 public:
  explicit LogSoftmaxImpl(int64_t dim) : LogSoftmaxImpl(LogSoftmaxOptions(dim)) {}
  explicit LogSoftmaxImpl(const LogSoftmaxOptions& options)
      : Cloneable("LogSoftmax"), options(options) {}
  Tensor forward(const Tensor& x) { return log_softmax(x, options.dim()); }
  void pretty_print(std::ostream& os) const override {
    os << "torch::nn::LogSoftmax(dim=" << options.dim() << ")";
  }
  LogSoftmaxOptions options;
};
EMBER_MODULE(LogSoftmax);

}  // namespace ember::nn
