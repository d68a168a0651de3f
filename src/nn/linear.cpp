// The Linear, Bilinear, Flatten and Unflatten modules (PyTorch's init, libtorch's printing). The
// ops are in ops/nn/linear.cpp.
#include "ember/nn/modules/linear.h"

#include <cmath>

#include "ember/nn/init.h"
#include "ember/tensor/factories.h"

namespace ember::nn {

LinearImpl::LinearImpl(const LinearOptions& options) : Cloneable("Linear"), options(options) {
  reset();
}

void LinearImpl::reset() {
  EMBER_CHECK(options.in_features() >= 0 && options.out_features() >= 0,
              "Linear: in_features and out_features must be non-negative, got ",
              options.in_features(), " and ", options.out_features());
  weight = register_parameter("weight", empty({options.out_features(), options.in_features()}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_features()}) : Tensor(),
                            options.bias());
  reset_parameters();
}

void LinearImpl::reset_parameters() {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    auto [fan_in, fan_out] = init::_calculate_fan_in_and_fan_out(weight);
    const double bound = fan_in > 0 ? 1 / std::sqrt(static_cast<double>(fan_in)) : 0;
    init::uniform_(bias, -bound, bound);
  }
}

void LinearImpl::pretty_print(std::ostream& os) const {
  os << std::boolalpha << "torch::nn::Linear(in_features=" << options.in_features()
     << ", out_features=" << options.out_features() << ", bias=" << options.bias() << ")";
}

BilinearImpl::BilinearImpl(const BilinearOptions& options)
    : Cloneable("Bilinear"), options(options) {
  reset();
}

void BilinearImpl::reset() {
  weight = register_parameter(
      "weight", empty({options.out_features(), options.in1_features(), options.in2_features()}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_features()}) : Tensor(),
                            options.bias());
  reset_parameters();
}

void BilinearImpl::reset_parameters() {
  const double bound = 1 / std::sqrt(static_cast<double>(weight.size(1)));
  init::uniform_(weight, -bound, bound);
  if (bias.defined()) init::uniform_(bias, -bound, bound);
}

void BilinearImpl::pretty_print(std::ostream& os) const {
  os << std::boolalpha << "torch::nn::Bilinear(in1_features=" << options.in1_features()
     << ", in2_features=" << options.in2_features() << ", out_features=" << options.out_features()
     << ", bias=" << options.bias() << ")";
}

void FlattenImpl::pretty_print(std::ostream& os) const {
  os << "torch::nn::Flatten(start_dim=" << options.start_dim() << ", end_dim=" << options.end_dim()
     << ")";
}
Tensor FlattenImpl::forward(const Tensor& input) {
  return input.flatten(options.start_dim(), options.end_dim());
}

void UnflattenImpl::pretty_print(std::ostream& os) const {
  os << "torch::nn::Unflatten(dim=" << options.dim() << ", unflattened_size={";
  for (size_t i = 0; i < options.sizes().size(); ++i) os << (i ? ", " : "") << options.sizes()[i];
  os << "})";
}
Tensor UnflattenImpl::forward(const Tensor& input) {
  return input.unflatten(options.dim(), options.sizes());
}

}  // namespace ember::nn
