// Options of the convolution layers and functions (libtorch's torch/nn/options/conv.h):
// Conv2dOptions(1, 10, 5).stride(2).padding(1) for modules, F::Conv2dFuncOptions().padding(1)
// for F::conv2d.
#pragma once

#include <cstdint>

#include "ember/nn/arg.h"
#include "ember/tensor/tensor.h"

namespace ember {
namespace nn {
/// How a convolution pads its input. Only zero padding is implemented.
enum class PaddingMode { kZeros, kReflect, kReplicate, kCircular };
}  // namespace nn
/// libtorch's torch::kZeros.
inline constexpr nn::PaddingMode kZeros = nn::PaddingMode::kZeros;
}  // namespace ember

namespace ember::nn {

/// Conv1d / Conv2d: ConvOptions<D>(in_channels, out_channels, kernel_size).
template <size_t D>
struct ConvOptions {
  ConvOptions(int64_t in_channels, int64_t out_channels, ExpandingArray<D> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  EMBER_ARG(int64_t, in_channels);
  EMBER_ARG(int64_t, out_channels);
  EMBER_ARG(ExpandingArray<D>, kernel_size);
  EMBER_ARG(ExpandingArray<D>, stride) = 1;
  /// Implicit zero padding on both sides of each spatial dim.
  EMBER_ARG(ExpandingArray<D>, padding) = 0;
  /// Spacing between kernel elements (à trous).
  EMBER_ARG(ExpandingArray<D>, dilation) = 1;
  /// Split channels into groups convolved separately; in and out channels must divide by it.
  EMBER_ARG(int64_t, groups) = 1;
  EMBER_ARG(bool, bias) = true;
  /// Only kZeros is implemented.
  EMBER_ARG(PaddingMode, padding_mode) = PaddingMode::kZeros;
};
using Conv1dOptions = ConvOptions<1>;
using Conv2dOptions = ConvOptions<2>;

/// ConvTranspose1d / ConvTranspose2d: ConvTransposeOptions<D>(in_channels, out_channels, k).
template <size_t D>
struct ConvTransposeOptions {
  ConvTransposeOptions(int64_t in_channels, int64_t out_channels, ExpandingArray<D> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  EMBER_ARG(int64_t, in_channels);
  EMBER_ARG(int64_t, out_channels);
  EMBER_ARG(ExpandingArray<D>, kernel_size);
  EMBER_ARG(ExpandingArray<D>, stride) = 1;
  /// dilation · (kernel_size − 1) − padding zeros are added to each side of the input.
  EMBER_ARG(ExpandingArray<D>, padding) = 0;
  /// Extra size added to one side of each output dim (must be smaller than stride or dilation).
  EMBER_ARG(ExpandingArray<D>, output_padding) = 0;
  EMBER_ARG(int64_t, groups) = 1;
  EMBER_ARG(bool, bias) = true;
  EMBER_ARG(ExpandingArray<D>, dilation) = 1;
  /// Only kZeros is implemented.
  EMBER_ARG(PaddingMode, padding_mode) = PaddingMode::kZeros;
};
using ConvTranspose1dOptions = ConvTransposeOptions<1>;
using ConvTranspose2dOptions = ConvTransposeOptions<2>;

namespace functional {

/// F::conv2d(x, w, Conv2dFuncOptions().bias(b).stride(2).padding(1).groups(2))
template <size_t D>
struct ConvFuncOptions {
  EMBER_ARG(Tensor, bias) = Tensor();
  EMBER_ARG(ExpandingArray<D>, stride) = 1;
  EMBER_ARG(ExpandingArray<D>, padding) = 0;
  EMBER_ARG(ExpandingArray<D>, dilation) = 1;
  EMBER_ARG(int64_t, groups) = 1;
};
using Conv1dFuncOptions = ConvFuncOptions<1>;
using Conv2dFuncOptions = ConvFuncOptions<2>;

/// F::conv_transpose2d(x, w, ConvTranspose2dFuncOptions().stride(2).output_padding(1))
template <size_t D>
struct ConvTransposeFuncOptions {
  EMBER_ARG(Tensor, bias) = Tensor();
  EMBER_ARG(ExpandingArray<D>, stride) = 1;
  EMBER_ARG(ExpandingArray<D>, padding) = 0;
  EMBER_ARG(ExpandingArray<D>, output_padding) = 0;
  EMBER_ARG(int64_t, groups) = 1;
  EMBER_ARG(ExpandingArray<D>, dilation) = 1;
};
using ConvTranspose1dFuncOptions = ConvTransposeFuncOptions<1>;
using ConvTranspose2dFuncOptions = ConvTransposeFuncOptions<2>;

}  // namespace functional
}  // namespace ember::nn
