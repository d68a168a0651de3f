// Linear, Bilinear, Identity, Flatten and Unflatten modules.
#pragma once

#include <ostream>

#include "ember/nn/functional/linear.h"
#include "ember/nn/module.h"
#include "ember/nn/options/linear.h"

namespace ember::nn {

/// y = x Wᵀ + b;  x: (*, in_features) → (*, out_features)
class LinearImpl : public Cloneable<LinearImpl> {
 public:
  LinearImpl(int64_t in_features, int64_t out_features)
      : LinearImpl(LinearOptions(in_features, out_features)) {}
  explicit LinearImpl(const LinearOptions& options);
  /// kaiming_uniform_(a=√5) for the weight, U(±1/√in_features) for the bias, as PyTorch.
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& os) const override;
  Tensor forward(const Tensor& input) { return linear(input, weight, bias); }

  LinearOptions options;
  Tensor weight;  // (out, in)
  Tensor bias;    // (out); undefined when options.bias() is false
};
EMBER_MODULE(Linear);

/// y = x1ᵀ A x2 + b;  x1: (*, in1), x2: (*, in2) → (*, out)
class BilinearImpl : public Cloneable<BilinearImpl> {
 public:
  BilinearImpl(int64_t in1, int64_t in2, int64_t out)
      : BilinearImpl(BilinearOptions(in1, in2, out)) {}
  explicit BilinearImpl(const BilinearOptions& options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& os) const override;
  Tensor forward(const Tensor& input1, const Tensor& input2) {
    return bilinear(input1, input2, weight, bias);
  }

  BilinearOptions options;
  Tensor weight;  // (out, in1, in2)
  Tensor bias;    // (out)
};
EMBER_MODULE(Bilinear);

/// Returns its input.
class IdentityImpl : public Cloneable<IdentityImpl> {
 public:
  IdentityImpl() : Cloneable("Identity") {}
  void pretty_print(std::ostream& os) const override { os << "torch::nn::Identity()"; }
  Tensor forward(const Tensor& input) { return input; }
};
EMBER_MODULE(Identity);

/// Flattens dims start_dim..end_dim (default 1..-1: keeps the batch dim).
class FlattenImpl : public Cloneable<FlattenImpl> {
 public:
  explicit FlattenImpl(const FlattenOptions& options = {})
      : Cloneable("Flatten"), options(options) {}
  void pretty_print(std::ostream& os) const override;
  Tensor forward(const Tensor& input);
  FlattenOptions options;
};
EMBER_MODULE(Flatten);

/// Splits dim into sizes (the inverse of Flatten).
class UnflattenImpl : public Cloneable<UnflattenImpl> {
 public:
  UnflattenImpl(int64_t dim, std::vector<int64_t> sizes)
      : UnflattenImpl(UnflattenOptions(dim, std::move(sizes))) {}
  explicit UnflattenImpl(UnflattenOptions options)
      : Cloneable("Unflatten"), options(std::move(options)) {}
  void pretty_print(std::ostream& os) const override;
  Tensor forward(const Tensor& input);
  UnflattenOptions options;
};
EMBER_MODULE(Unflatten);

}  // namespace ember::nn
