// Normalization as functions: batch_norm, layer_norm, group_norm, instance_norm, normalize (ops
// in src/ops/nn/norm.cpp over the kernels of src/kernels/cpu/norm.h; the fused backward is itself
// a differentiable op, so double backward works).
#pragma once

#include <optional>

#include "ember/nn/options/normalization.h"
#include "ember/tensor/tensor.h"

namespace ember {

/// libtorch's at::batch_norm. input (N, C, *); weight, bias, running_mean, running_var (C) or
/// undefined. Training normalizes with the batch statistics and, when the running tensors are
/// defined, updates them in place: r = (1 - momentum) r + momentum s (running_var gets the
/// unbiased variance). Eval uses the running statistics.
Tensor batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias,
                  const Tensor& running_mean, const Tensor& running_var, bool training,
                  double momentum, double eps, bool cudnn_enabled = true);
/// libtorch's at::native_batch_norm: (output, save_mean, save_invstd); in eval mode save_mean and
/// save_invstd are empty, as PyTorch's CPU kernel.
std::tuple<Tensor, Tensor, Tensor> native_batch_norm(const Tensor& input, const Tensor& weight,
                                                     const Tensor& bias, const Tensor& running_mean,
                                                     const Tensor& running_var, bool training,
                                                     double momentum, double eps);
/// Normalizes over the trailing dims `normalized_shape`; weight and bias have that shape.
Tensor layer_norm(const Tensor& input, IntArrayRef normalized_shape, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5, bool cudnn_enable = true);
/// input (N, C, *): normalizes each of num_groups groups of C / num_groups channels per sample;
/// weight and bias (C).
Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5, bool cudnn_enabled = true);

/// libtorch's at::instance_norm: input (N, C, *) normalized per (n, c) over *; as PyTorch, a
/// batch_norm of the (1, N·C, *) view with weight, bias and running statistics repeated N times
/// (the running statistics are then averaged back over the batch).
Tensor instance_norm(const Tensor& input, const Tensor& weight, const Tensor& bias,
                     const Tensor& running_mean, const Tensor& running_var, bool use_input_stats,
                     double momentum, double eps, bool cudnn_enabled = true);

}  // namespace ember

namespace ember::nn::functional {

/// F::batch_norm(x, running_mean, running_var, BatchNormFuncOptions().training(true))
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& options = {});
/// F::layer_norm(x, LayerNormFuncOptions({4}).weight(w).bias(b))
Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options);
/// F::group_norm(x, GroupNormFuncOptions(2).weight(w).bias(b))
Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& options);
/// F::instance_norm(x, InstanceNormFuncOptions().weight(w).bias(b))
Tensor instance_norm(const Tensor& input, const InstanceNormFuncOptions& options = {});
/// F::normalize(x, NormalizeFuncOptions().dim(-1)): x / max(‖x‖ₚ along dim, eps).
Tensor normalize(const Tensor& input, const NormalizeFuncOptions& options = {});

namespace detail {
/// libtorch's F::detail::batch_norm argument order.
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight, const Tensor& bias, bool training,
                  std::optional<double> momentum, double eps);
/// libtorch's F::detail::instance_norm argument order.
Tensor instance_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                     const Tensor& weight, const Tensor& bias, bool use_input_stats,
                     double momentum, double eps);
}  // namespace detail

}  // namespace ember::nn::functional
