// Options of the pooling layers and functions (libtorch's torch/nn/options/pooling.h):
// MaxPool2dOptions(2).stride(1), F::max_pool2d(x, F::MaxPool2dFuncOptions(3).padding(1)).
#pragma once

#include <cstdint>
#include <optional>

#include "ember/nn/arg.h"

namespace ember::nn {

/// MaxPool1d / MaxPool2d. The stride defaults to the kernel size.
template <size_t D>
struct MaxPoolOptions {
  /*implicit*/ MaxPoolOptions(ExpandingArray<D> kernel_size)
      : kernel_size_(kernel_size), stride_(kernel_size) {}
  EMBER_ARG(ExpandingArray<D>, kernel_size);
  EMBER_ARG(ExpandingArray<D>, stride);
  /// Implicit −∞ padding on both sides; at most half the kernel size.
  EMBER_ARG(ExpandingArray<D>, padding) = 0;
  EMBER_ARG(ExpandingArray<D>, dilation) = 1;
  /// Output size rounded up instead of down (a last window may start in the right padding).
  EMBER_ARG(bool, ceil_mode) = false;
};
using MaxPool1dOptions = MaxPoolOptions<1>;
using MaxPool2dOptions = MaxPoolOptions<2>;

/// AvgPool1d / AvgPool2d. The stride defaults to the kernel size.
template <size_t D>
struct AvgPoolOptions {
  /*implicit*/ AvgPoolOptions(ExpandingArray<D> kernel_size)
      : kernel_size_(kernel_size), stride_(kernel_size) {}
  EMBER_ARG(ExpandingArray<D>, kernel_size);
  EMBER_ARG(ExpandingArray<D>, stride);
  /// Implicit zero padding on both sides; at most half the kernel size.
  EMBER_ARG(ExpandingArray<D>, padding) = 0;
  EMBER_ARG(bool, ceil_mode) = false;
  /// Count the padding zeros in the divisor.
  EMBER_ARG(bool, count_include_pad) = true;
  /// Divide every window sum by this instead of the window size.
  EMBER_ARG(std::optional<int64_t>, divisor_override) = std::nullopt;
};
using AvgPool1dOptions = AvgPoolOptions<1>;
using AvgPool2dOptions = AvgPoolOptions<2>;

/// AdaptiveAvgPool2d: the output size (H_out, W_out).
template <class OutputSize>
struct AdaptiveAvgPoolOptions {
  /*implicit*/ AdaptiveAvgPoolOptions(OutputSize output_size) : output_size_(output_size) {}
  EMBER_ARG(OutputSize, output_size);
};
using AdaptiveAvgPool1dOptions = AdaptiveAvgPoolOptions<ExpandingArray<1>>;
using AdaptiveAvgPool2dOptions = AdaptiveAvgPoolOptions<ExpandingArray<2>>;

namespace functional {
/// libtorch spells the functional options as the module ones.
using MaxPool1dFuncOptions = MaxPool1dOptions;
using MaxPool2dFuncOptions = MaxPool2dOptions;
using AvgPool1dFuncOptions = AvgPool1dOptions;
using AvgPool2dFuncOptions = AvgPool2dOptions;
using AdaptiveAvgPool1dFuncOptions = AdaptiveAvgPool1dOptions;
using AdaptiveAvgPool2dFuncOptions = AdaptiveAvgPool2dOptions;
}  // namespace functional

}  // namespace ember::nn
