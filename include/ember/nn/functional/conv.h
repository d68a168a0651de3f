// Convolutions as functions: conv1d, conv2d, conv_transpose1d, conv_transpose2d (im2col + GEMM,
// src/ops/nn/conv.cpp). Inputs are (N, C, *) or unbatched (C, *); weights (out, in / groups, *k)
// for convolutions and (in, out / groups, *k) for transposed ones. A single value in an
// IntArrayRef is repeated over the spatial dims, as libtorch.
#pragma once

#include "ember/nn/options/conv.h"
#include "ember/tensor/tensor.h"

namespace ember {

/// libtorch's at::conv1d. input (N, C, L) or (C, L); weight (OC, C / groups, K).
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias = {},
              IntArrayRef stride = 1, IntArrayRef padding = 0, IntArrayRef dilation = 1,
              int64_t groups = 1);
/// libtorch's at::conv2d. input (N, C, H, W) or (C, H, W); weight (OC, C / groups, KH, KW);
/// bias (OC) or undefined. Output (N, OC, OH, OW), OH = (H + 2p − d (KH − 1) − 1) / s + 1.
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = {},
              IntArrayRef stride = 1, IntArrayRef padding = 0, IntArrayRef dilation = 1,
              int64_t groups = 1);
/// libtorch's at::conv_transpose1d. weight (C, OC / groups, K).
Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const Tensor& bias = {},
                        IntArrayRef stride = 1, IntArrayRef padding = 0,
                        IntArrayRef output_padding = 0, int64_t groups = 1,
                        IntArrayRef dilation = 1);
/// libtorch's at::conv_transpose2d (the gradient of conv2d w.r.t. its input). weight (C, OC /
/// groups, KH, KW). OH = (H − 1) s − 2p + d (KH − 1) + output_padding + 1.
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor& bias = {},
                        IntArrayRef stride = 1, IntArrayRef padding = 0,
                        IntArrayRef output_padding = 0, int64_t groups = 1,
                        IntArrayRef dilation = 1);

}  // namespace ember

namespace ember::nn::functional {

/// F::conv1d(x, w, F::Conv1dFuncOptions().stride(2).padding(1))
Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options = {});
/// F::conv2d(x, w, F::Conv2dFuncOptions().bias(b).padding(1).groups(2))
Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options = {});
/// F::conv_transpose1d(x, w, F::ConvTranspose1dFuncOptions().stride(2))
Tensor conv_transpose1d(const Tensor& input, const Tensor& weight,
                        const ConvTranspose1dFuncOptions& options = {});
/// F::conv_transpose2d(x, w, F::ConvTranspose2dFuncOptions().stride(2).output_padding(1))
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight,
                        const ConvTranspose2dFuncOptions& options = {});

}  // namespace ember::nn::functional
