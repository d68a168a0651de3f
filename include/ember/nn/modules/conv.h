// Convolution layers: Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d (libtorch's
// torch/nn/modules/conv.h), on one base, ConvNdImpl. Default init as PyTorch:
// kaiming_uniform_(a = √5) for the weight, U(±1/√fan_in) for the bias.
#pragma once

#include <optional>
#include <ostream>
#include <type_traits>
#include <vector>

#include "ember/nn/functional/conv.h"
#include "ember/nn/module.h"
#include "ember/nn/options/conv.h"

namespace ember::nn {

/// y = conv(x, weight) + bias; x (N, in_channels, *) or unbatched (in_channels, *). Also the
/// base of ConvTransposeNdImpl (Options = ConvTransposeOptions<D>), as libtorch's ConvNdImpl:
/// options, parameters, their init and printing are written once for both.
template <size_t D, class Derived, class Options = ConvOptions<D>>
class ConvNdImpl : public Cloneable<Derived> {
 public:
  static constexpr bool kTransposed = std::is_same_v<Options, ConvTransposeOptions<D>>;
  explicit ConvNdImpl(const Options& options);
  /// Creates weight (out, in / groups, *kernel), or (in, out / groups, *kernel) when transposed,
  /// and bias (out), then reset_parameters().
  void reset() override;
  void reset_parameters();
  /// e.g. torch::nn::Conv2d(1, 10, kernel_size=[5, 5], stride=[1, 1])
  void pretty_print(std::ostream& os) const override;
  Tensor forward(const Tensor& input);

  Options options;
  Tensor
      weight;   // (out_channels, in_channels / groups, *kernel_size); transposed: (in, out / g, *k)
  Tensor bias;  // (out_channels); undefined when options.bias() is false

 protected:
  /// The functional op of this layer (output_padding is read only when transposed).
  Tensor convolve(const Tensor& input, IntArrayRef output_padding) const;
};

/// Over (N, C, L).
class Conv1dImpl : public ConvNdImpl<1, Conv1dImpl> {
 public:
  Conv1dImpl(int64_t in_channels, int64_t out_channels, ExpandingArray<1> kernel_size)
      : Conv1dImpl(Conv1dOptions(in_channels, out_channels, kernel_size)) {}
  explicit Conv1dImpl(const Conv1dOptions& options) : ConvNdImpl(options) {}
};
EMBER_MODULE(Conv1d);

/// Over (N, C, H, W).
class Conv2dImpl : public ConvNdImpl<2, Conv2dImpl> {
 public:
  Conv2dImpl(int64_t in_channels, int64_t out_channels, ExpandingArray<2> kernel_size)
      : Conv2dImpl(Conv2dOptions(in_channels, out_channels, kernel_size)) {}
  explicit Conv2dImpl(const Conv2dOptions& options) : ConvNdImpl(options) {}
};
EMBER_MODULE(Conv2d);

/// The transposed convolution (the gradient of ConvNd w.r.t. its input) plus bias.
template <size_t D, class Derived>
class ConvTransposeNdImpl : public ConvNdImpl<D, Derived, ConvTransposeOptions<D>> {
 public:
  using ConvNdImpl<D, Derived, ConvTransposeOptions<D>>::ConvNdImpl;
  /// output_size (the D spatial sizes, or N, C and them) picks the output_padding that gives it.
  Tensor forward(const Tensor& input,
                 const std::optional<std::vector<int64_t>>& output_size = std::nullopt);
};

class ConvTranspose1dImpl : public ConvTransposeNdImpl<1, ConvTranspose1dImpl> {
 public:
  ConvTranspose1dImpl(int64_t in_channels, int64_t out_channels, ExpandingArray<1> kernel_size)
      : ConvTranspose1dImpl(ConvTranspose1dOptions(in_channels, out_channels, kernel_size)) {}
  explicit ConvTranspose1dImpl(const ConvTranspose1dOptions& options)
      : ConvTransposeNdImpl(options) {}
};
EMBER_MODULE(ConvTranspose1d);

class ConvTranspose2dImpl : public ConvTransposeNdImpl<2, ConvTranspose2dImpl> {
 public:
  ConvTranspose2dImpl(int64_t in_channels, int64_t out_channels, ExpandingArray<2> kernel_size)
      : ConvTranspose2dImpl(ConvTranspose2dOptions(in_channels, out_channels, kernel_size)) {}
  explicit ConvTranspose2dImpl(const ConvTranspose2dOptions& options)
      : ConvTransposeNdImpl(options) {}
};
EMBER_MODULE(ConvTranspose2d);

}  // namespace ember::nn
