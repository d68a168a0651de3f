// Dropout as functions: dropout (elementwise) and dropout2d / dropout3d / feature_dropout (whole
// channels).
// Masks are Bernoulli(1 - p) draws from the default generator, scaled by 1 / (1 - p), in
// PyTorch's order, so manual_seed(s) gives PyTorch's masks.
#pragma once

#include "ember/nn/options/dropout.h"
#include "ember/tensor/tensor.h"

namespace ember {

/// Zeroes each element with probability p and scales the rest by 1 / (1 - p) when `train`;
/// returns `input` itself otherwise (and when p == 0). p == 1 gives zeros.
Tensor dropout(const Tensor& input, double p, bool train);
/// In-place dropout; returns `input`.
Tensor& dropout_(Tensor& input, double p, bool train);
/// Zeroes whole channels: input (N, C, *), one draw per (n, c).
Tensor feature_dropout(const Tensor& input, double p, bool train);
Tensor& feature_dropout_(Tensor& input, double p, bool train);

}  // namespace ember

namespace ember::nn::functional {

/// F::dropout(x, DropoutFuncOptions().p(0.2).training(is_training()))
Tensor dropout(Tensor input, const DropoutFuncOptions& options = {});
/// F::dropout2d(x, Dropout2dFuncOptions().p(0.2)): input (N, C, H, W), or (C, H, W) unbatched
/// (libtorch's convention; PyTorch 1.13's Python treats 3-D input as (N, C, L)).
Tensor dropout2d(Tensor input, const Dropout2dFuncOptions& options = {});
/// F::dropout3d(x, Dropout3dFuncOptions().p(0.2)): input (N, C, D, H, W) or (C, D, H, W).
Tensor dropout3d(Tensor input, const Dropout3dFuncOptions& options = {});

}  // namespace ember::nn::functional
