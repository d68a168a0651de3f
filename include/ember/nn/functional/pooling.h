// Pooling as functions: max_pool1d/2d (argmax indices kept for backward), avg_pool1d/2d,
// adaptive_avg_pool1d/2d (src/ops/nn/pool.cpp). Inputs are (N, C, *) or unbatched (C, *). An
// empty stride means stride = kernel_size; a single value is repeated over the spatial dims.
#pragma once

#include <optional>
#include <tuple>

#include "ember/nn/options/pooling.h"
#include "ember/tensor/tensor.h"

namespace ember {

/// libtorch's at::max_pool1d. input (N, C, L) or (C, L).
Tensor max_pool1d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride = {},
                  IntArrayRef padding = 0, IntArrayRef dilation = 1, bool ceil_mode = false);
/// libtorch's at::max_pool2d. input (N, C, H, W) or (C, H, W); padding at most kernel_size / 2.
Tensor max_pool2d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride = {},
                  IntArrayRef padding = 0, IntArrayRef dilation = 1, bool ceil_mode = false);
/// (output, indices): indices (int64, the output's shape) are flat positions in each L plane.
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, IntArrayRef kernel_size,
                                                   IntArrayRef stride = {}, IntArrayRef padding = 0,
                                                   IntArrayRef dilation = 1,
                                                   bool ceil_mode = false);
/// (output, indices): indices (int64, the output's shape) are flat positions h·W + w in each
/// H×W plane, as PyTorch's.
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, IntArrayRef kernel_size,
                                                   IntArrayRef stride = {}, IntArrayRef padding = 0,
                                                   IntArrayRef dilation = 1,
                                                   bool ceil_mode = false);
/// libtorch's at::avg_pool1d.
Tensor avg_pool1d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride = {},
                  IntArrayRef padding = 0, bool ceil_mode = false, bool count_include_pad = true);
/// libtorch's at::avg_pool2d. divisor_override replaces the window size as the divisor.
Tensor avg_pool2d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride = {},
                  IntArrayRef padding = 0, bool ceil_mode = false, bool count_include_pad = true,
                  std::optional<int64_t> divisor_override = std::nullopt);
/// libtorch's at::adaptive_avg_pool1d: output (N, C, output_size).
Tensor adaptive_avg_pool1d(const Tensor& input, IntArrayRef output_size);
/// libtorch's at::adaptive_avg_pool2d: output (N, C, OH, OW); cell o averages input
/// [floor(o·I/O), ceil((o+1)·I/O)).
Tensor adaptive_avg_pool2d(const Tensor& input, IntArrayRef output_size);

}  // namespace ember

namespace ember::nn::functional {

/// F::max_pool1d(x, F::MaxPool1dFuncOptions(3).stride(2))
Tensor max_pool1d(const Tensor& input, const MaxPool1dFuncOptions& options);
/// F::max_pool2d(x, F::MaxPool2dFuncOptions(2))
Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& options);
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input,
                                                   const MaxPool1dFuncOptions& options);
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input,
                                                   const MaxPool2dFuncOptions& options);
/// F::avg_pool1d(x, F::AvgPool1dFuncOptions(3).stride(2))
Tensor avg_pool1d(const Tensor& input, const AvgPool1dFuncOptions& options);
/// F::avg_pool2d(x, F::AvgPool2dFuncOptions(2).count_include_pad(false))
Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& options);
/// F::adaptive_avg_pool1d(x, F::AdaptiveAvgPool1dFuncOptions(4))
Tensor adaptive_avg_pool1d(const Tensor& input, const AdaptiveAvgPool1dFuncOptions& options);
/// F::adaptive_avg_pool2d(x, F::AdaptiveAvgPool2dFuncOptions({2, 2}))
Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& options);

}  // namespace ember::nn::functional
