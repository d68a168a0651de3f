// The LayerNorm and GroupNorm modules. The ops are ember::layer_norm and ember::group_norm
// (src/ops/nn/norm.cpp); BatchNorm and InstanceNorm live in batchnorm.cpp and instancenorm.cpp.
#include "ember/nn/modules/normalization.h"

#include "ember/nn/init.h"
#include "ember/tensor/factories.h"

namespace ember::nn {

LayerNormImpl::LayerNormImpl(LayerNormOptions options)
    : Cloneable("LayerNorm"), options(std::move(options)) {
  reset();
}

void LayerNormImpl::reset() {
  for (int64_t s : options.normalized_shape())
    EMBER_CHECK(s > 0, "LayerNorm: normalized_shape must be positive, got ",
                IntArrayRef(options.normalized_shape()));
  const bool affine = options.elementwise_affine();
  weight = register_parameter(
      "weight", affine ? ::ember::empty(options.normalized_shape()) : Tensor(), affine);
  bias = register_parameter("bias", affine ? ::ember::empty(options.normalized_shape()) : Tensor(),
                            affine);
  reset_parameters();
}

void LayerNormImpl::reset_parameters() {
  if (!options.elementwise_affine()) return;
  init::ones_(weight);
  init::zeros_(bias);
}

void LayerNormImpl::pretty_print(std::ostream& os) const {
  os << std::boolalpha << "torch::nn::LayerNorm(" << IntArrayRef(options.normalized_shape())
     << ", eps=" << options.eps() << ", elementwise_affine=" << options.elementwise_affine() << ")";
}

Tensor LayerNormImpl::forward(const Tensor& input) {
  return layer_norm(input, options.normalized_shape(), weight, bias, options.eps());
}

GroupNormImpl::GroupNormImpl(const GroupNormOptions& options)
    : Cloneable("GroupNorm"), options(options) {
  reset();
}

void GroupNormImpl::reset() {
  const int64_t G = options.num_groups(), C = options.num_channels();
  EMBER_CHECK(G > 0 && C > 0 && C % G == 0, "GroupNorm: num_channels must be divisible by ",
              "num_groups, got num_channels=", C, " and num_groups=", G);
  weight = register_parameter("weight", options.affine() ? empty({C}) : Tensor(), options.affine());
  bias = register_parameter("bias", options.affine() ? empty({C}) : Tensor(), options.affine());
  reset_parameters();
}

void GroupNormImpl::reset_parameters() {
  if (!options.affine()) return;
  init::ones_(weight);
  init::zeros_(bias);
}

void GroupNormImpl::pretty_print(std::ostream& os) const {
  os << std::boolalpha << "torch::nn::GroupNorm(" << options.num_groups() << ", "
     << options.num_channels() << ", eps=" << options.eps() << ", affine=" << options.affine()
     << ")";
}

Tensor GroupNormImpl::forward(const Tensor& input) {
  EMBER_CHECK(input.defined() && input.dim() >= 2 && input.size(1) == options.num_channels(),
              "GroupNorm: expected input of shape (N, ", options.num_channels(),
              ", *) (num_channels), got ", input.defined() ? input.sizes() : IntArrayRef());
  return group_norm(input, options.num_groups(), weight, bias, options.eps());
}

}  // namespace ember::nn
