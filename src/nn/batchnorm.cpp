// NormImplBase (what batch and instance norm share: parameters, running-statistics buffers, their
// reset and the update factor) and the BatchNorm1d/2d/3d modules. The op is
// ember::batch_norm (src/ops/nn/norm.cpp).
#include "ember/autograd/grad_mode.h"
#include "ember/nn/init.h"
#include "ember/nn/modules/normalization.h"
#include "ember/tensor/factories.h"

namespace ember::nn {

template <size_t D, class Derived, class Options>
NormImplBase<D, Derived, Options>::NormImplBase(std::string name, const Options& options)
    : Cloneable<Derived>(std::move(name)), options(options) {
  reset();
}

template <size_t D, class Derived, class Options>
void NormImplBase<D, Derived, Options>::reset() {
  const int64_t C = options.num_features();
  EMBER_CHECK(C > 0, this->name(), ": num_features must be positive, got ", C);
  const bool affine = options.affine(), track = options.track_running_stats();
  weight = this->register_parameter("weight", affine ? empty({C}) : Tensor(), affine);
  bias = this->register_parameter("bias", affine ? empty({C}) : Tensor(), affine);
  running_mean = this->register_buffer("running_mean", track ? zeros({C}) : Tensor());
  running_var = this->register_buffer("running_var", track ? ones({C}) : Tensor());
  num_batches_tracked = this->register_buffer(
      "num_batches_tracked", track ? zeros({}, TensorOptions().dtype(kLong)) : Tensor());
  reset_parameters();
}

template <size_t D, class Derived, class Options>
void NormImplBase<D, Derived, Options>::reset_running_stats() {
  if (!options.track_running_stats()) return;
  NoGradGuard no_grad;
  running_mean.zero_();
  running_var.fill_(1);
  num_batches_tracked.zero_();
}

template <size_t D, class Derived, class Options>
void NormImplBase<D, Derived, Options>::reset_parameters() {
  reset_running_stats();
  if (options.affine()) {
    init::ones_(weight);
    init::zeros_(bias);
  }
}

template <size_t D, class Derived, class Options>
void NormImplBase<D, Derived, Options>::pretty_print(std::ostream& os) const {
  const std::optional<double> momentum = options.momentum();
  os << std::boolalpha << "torch::nn::" << this->name() << "(" << options.num_features()
     << ", eps=" << options.eps() << ", momentum=";
  if (momentum)
    os << *momentum;
  else
    os << "None";
  os << ", affine=" << options.affine() << ", track_running_stats=" << options.track_running_stats()
     << ")";
}

template <size_t D, class Derived, class Options>
double NormImplBase<D, Derived, Options>::update_factor() {
  const std::optional<double> momentum = options.momentum();
  double factor = momentum.value_or(0.0);
  if (this->is_training() && options.track_running_stats() && num_batches_tracked.defined()) {
    {
      NoGradGuard no_grad;
      num_batches_tracked.add_(1);
    }
    if (!momentum)  // cumulative moving average
      factor = 1.0 / static_cast<double>(num_batches_tracked.template item<int64_t>());
  }
  return factor;
}

template class NormImplBase<1, BatchNorm1dImpl, BatchNormOptions>;
template class NormImplBase<2, BatchNorm2dImpl, BatchNormOptions>;
template class NormImplBase<3, BatchNorm3dImpl, BatchNormOptions>;
template class NormImplBase<1, InstanceNorm1dImpl, InstanceNormOptions>;
template class NormImplBase<2, InstanceNorm2dImpl, InstanceNormOptions>;
template class NormImplBase<3, InstanceNorm3dImpl, InstanceNormOptions>;

template <size_t D, class Derived>
BatchNormImplBase<D, Derived>::BatchNormImplBase(const BatchNormOptions& options)
    : NormImplBase<D, Derived, BatchNormOptions>("BatchNorm" + std::to_string(D) + "d", options) {}

template <size_t D, class Derived>
void BatchNormImplBase<D, Derived>::check_input_dim(const Tensor& input) const {
  EMBER_CHECK(input.defined(), this->name(), ": input is undefined");
  const int64_t d = input.dim();
  if (D == 1) {
    EMBER_CHECK(d == 2 || d == 3, this->name(), ": expected 2D or 3D input (got ", d,
                "D input of shape ", input.sizes(), ")");
  } else {
    EMBER_CHECK(d == static_cast<int64_t>(D) + 2, this->name(), ": expected ", D + 2,
                "D input (got ", d, "D input of shape ", input.sizes(), ")");
  }
  EMBER_CHECK(input.size(1) == this->options.num_features(), this->name(), ": expected input with ",
              this->options.num_features(),
              " channels (num_features) in dim 1, got input of shape ", input.sizes());
}

template <size_t D, class Derived>
Tensor BatchNormImplBase<D, Derived>::forward(const Tensor& input) {
  check_input_dim(input);
  const double factor = this->update_factor();
  return batch_norm(input, this->weight, this->bias, this->running_mean, this->running_var,
                    this->is_training() || !this->options.track_running_stats(), factor,
                    this->options.eps());
}

template class BatchNormImplBase<1, BatchNorm1dImpl>;
template class BatchNormImplBase<2, BatchNorm2dImpl>;
template class BatchNormImplBase<3, BatchNorm3dImpl>;

}  // namespace ember::nn
