// linear/bilinear functions and the Linear, Bilinear, Flatten, Unflatten modules.
#include "ember/nn/modules/linear.h"

#include <cmath>

#include "ember/nn/init.h"
#include "ember/ops.h"
#include "ember/tensor/factories.h"

namespace ember {

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  EMBER_CHECK(input.defined() && weight.defined(), "linear: input and weight must be defined");
  EMBER_CHECK(weight.dim() == 2, "linear: weight must be 2-D (out_features, in_features), got ",
              weight.sizes());
  EMBER_CHECK(input.dim() >= 1 && input.size(-1) == weight.size(1), "linear: input of shape ",
              input.sizes(), " does not match weight of shape ", weight.sizes(), " (",
              input.dim() >= 1 ? input.size(-1) : 0, " != ", weight.size(1), ")");
  if (bias.defined())
    EMBER_CHECK(bias.dim() == 1 && bias.size(0) == weight.size(0), "linear: bias of shape ",
                bias.sizes(), " does not match weight of shape ", weight.sizes());
  if (input.dim() == 2 && bias.defined()) return addmm(bias, input, weight.t());  // one GEMM
  Tensor out = matmul(input, weight.t());
  return bias.defined() ? out + bias : out;
}

Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight,
                const Tensor& bias) {
  EMBER_CHECK(weight.dim() == 3, "bilinear: weight must be 3-D (out, in1, in2), got ",
              weight.sizes());
  EMBER_CHECK(input1.dim() >= 1 && input2.dim() >= 1 && input1.size(-1) == weight.size(1) &&
                  input2.size(-1) == weight.size(2),
              "bilinear: inputs of shapes ", input1.sizes(), " and ", input2.sizes(),
              " do not match weight of shape ", weight.sizes());
  EMBER_CHECK(input1.dim() == input2.dim(),
              "bilinear: inputs must have the same number of dimensions, got ", input1.sizes(),
              " and ", input2.sizes());
  const int64_t out = weight.size(0), in1 = weight.size(1), in2 = weight.size(2);
  // t[*, o, j] = Σᵢ x1[*, i] A[o, i, j]; then y[*, o] = Σⱼ t[*, o, j] x2[*, j].
  Tensor a = weight.permute({1, 0, 2}).reshape({in1, out * in2});
  DimVector shape(input1.sizes());
  shape.back() = out;
  shape.push_back(in2);
  Tensor t = matmul(input1, a).view(shape);
  Tensor y = (t * input2.unsqueeze(-2)).sum({-1});
  return bias.defined() ? y + bias : y;
}

namespace nn {

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

}  // namespace nn
}  // namespace ember
