// Pooling layers: MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d (libtorch's
// torch/nn/modules/pooling.h). No parameters.
#pragma once

#include <ostream>
#include <tuple>

#include "ember/nn/functional/pooling.h"
#include "ember/nn/module.h"
#include "ember/nn/options/pooling.h"

namespace ember::nn {

/// Window maxima; stride defaults to the kernel size.
template <size_t D, class Derived>
class MaxPoolImpl : public Cloneable<Derived> {
 public:
  explicit MaxPoolImpl(ExpandingArray<D> kernel_size)
      : MaxPoolImpl(MaxPoolOptions<D>(kernel_size)) {}
  explicit MaxPoolImpl(const MaxPoolOptions<D>& options);
  /// e.g. torch::nn::MaxPool2d(kernel_size=[2, 2], stride=[2, 2], padding=[0, 0],
  /// dilation=[1, 1], ceil_mode=false)
  void pretty_print(std::ostream& os) const override;
  Tensor forward(const Tensor& input);
  /// (output, indices), as libtorch's forward_with_indices.
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  MaxPoolOptions<D> options;
};

class MaxPool1dImpl : public MaxPoolImpl<1, MaxPool1dImpl> {
 public:
  using MaxPoolImpl::MaxPoolImpl;
};
EMBER_MODULE(MaxPool1d);

class MaxPool2dImpl : public MaxPoolImpl<2, MaxPool2dImpl> {
 public:
  using MaxPoolImpl::MaxPoolImpl;
};
EMBER_MODULE(MaxPool2d);

/// Window means; stride defaults to the kernel size.
template <size_t D, class Derived>
class AvgPoolImpl : public Cloneable<Derived> {
 public:
  explicit AvgPoolImpl(ExpandingArray<D> kernel_size)
      : AvgPoolImpl(AvgPoolOptions<D>(kernel_size)) {}
  explicit AvgPoolImpl(const AvgPoolOptions<D>& options);
  /// e.g. torch::nn::AvgPool2d(kernel_size=[2, 2], stride=[2, 2], padding=[0, 0])
  void pretty_print(std::ostream& os) const override;
  Tensor forward(const Tensor& input);
  AvgPoolOptions<D> options;
};

class AvgPool1dImpl : public AvgPoolImpl<1, AvgPool1dImpl> {
 public:
  using AvgPoolImpl::AvgPoolImpl;
};
EMBER_MODULE(AvgPool1d);

class AvgPool2dImpl : public AvgPoolImpl<2, AvgPool2dImpl> {
 public:
  using AvgPoolImpl::AvgPoolImpl;
};
EMBER_MODULE(AvgPool2d);

/// Averages over adaptive windows to a fixed output size.
template <size_t D, class Derived>
class AdaptiveAvgPoolImpl : public Cloneable<Derived> {
 public:
  explicit AdaptiveAvgPoolImpl(ExpandingArray<D> output_size)
      : AdaptiveAvgPoolImpl(AdaptiveAvgPoolOptions<ExpandingArray<D>>(output_size)) {}
  explicit AdaptiveAvgPoolImpl(const AdaptiveAvgPoolOptions<ExpandingArray<D>>& options);
  /// e.g. torch::nn::AdaptiveAvgPool2d(output_size=[2, 2])
  void pretty_print(std::ostream& os) const override;
  Tensor forward(const Tensor& input);
  AdaptiveAvgPoolOptions<ExpandingArray<D>> options;
};

class AdaptiveAvgPool1dImpl : public AdaptiveAvgPoolImpl<1, AdaptiveAvgPool1dImpl> {
 public:
  using AdaptiveAvgPoolImpl::AdaptiveAvgPoolImpl;
};
EMBER_MODULE(AdaptiveAvgPool1d);

class AdaptiveAvgPool2dImpl : public AdaptiveAvgPoolImpl<2, AdaptiveAvgPool2dImpl> {
 public:
  using AdaptiveAvgPoolImpl::AdaptiveAvgPoolImpl;
};
EMBER_MODULE(AdaptiveAvgPool2d);

}  // namespace ember::nn
