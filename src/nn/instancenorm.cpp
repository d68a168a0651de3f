// The InstanceNorm1d/2d/3d modules (their parameters and buffers come from NormImplBase,
// src/nn/batchnorm.cpp). The op is ember::instance_norm (src/ops/nn/norm.cpp).
#include "ember/nn/modules/normalization.h"

namespace ember::nn {

template <size_t D, class Derived>
InstanceNormImplBase<D, Derived>::InstanceNormImplBase(const InstanceNormOptions& options)
    : NormImplBase<D, Derived, InstanceNormOptions>("InstanceNorm" + std::to_string(D) + "d",
                                                    options) {}

template <size_t D, class Derived>
Tensor InstanceNormImplBase<D, Derived>::forward(const Tensor& input) {
  const int64_t d = static_cast<int64_t>(D);
  EMBER_CHECK(input.defined() && (input.dim() == d + 1 || input.dim() == d + 2), this->name(),
              ": expected ", D + 1, "D (unbatched) or ", D + 2, "D input (got ",
              input.defined() ? input.dim() : 0, "D input of shape ",
              input.defined() ? input.sizes() : IntArrayRef(), ")");
  if (input.dim() == d + 1) return forward(input.unsqueeze(0)).squeeze(0);
  const InstanceNormOptions& o = this->options;
  EMBER_CHECK(!o.affine() || input.size(1) == o.num_features(), this->name(),
              ": expected input with ", o.num_features(),
              " channels (num_features) in dim 1, got input of shape ", input.sizes());
  // As PyTorch's _InstanceNorm: momentum as given, num_batches_tracked left alone.
  return instance_norm(input, this->weight, this->bias, this->running_mean, this->running_var,
                       this->is_training() || !o.track_running_stats(), o.momentum(), o.eps());
}

template class InstanceNormImplBase<1, InstanceNorm1dImpl>;
template class InstanceNormImplBase<2, InstanceNorm2dImpl>;
template class InstanceNormImplBase<3, InstanceNorm3dImpl>;

}  // namespace ember::nn
