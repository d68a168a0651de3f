// Options of the normalization layers and functions (libtorch's torch/nn/options/normalization.h
// and batchnorm.h).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ember/nn/arg.h"
#include "ember/tensor/tensor.h"

namespace ember::nn {

/// BatchNorm1d/2d: BatchNorm2dOptions(64).momentum(0.01).affine(false).
struct BatchNormOptions {
  /*implicit*/ BatchNormOptions(int64_t num_features) : num_features_(num_features) {}
  /// C of an (N, C) / (N, C, L) / (N, C, H, W) input.
  EMBER_ARG(int64_t, num_features);
  /// Added to the variance for numerical stability.
  EMBER_ARG(double, eps) = 1e-5;
  /// Running-statistics update factor; nullopt gives a cumulative average (1 / batches seen).
  EMBER_ARG(std::optional<double>, momentum) = 0.1;
  /// Learnable per-channel weight (init 1) and bias (init 0).
  EMBER_ARG(bool, affine) = true;
  /// Keep running_mean / running_var / num_batches_tracked buffers and use them in eval mode.
  EMBER_ARG(bool, track_running_stats) = true;
};
using BatchNorm1dOptions = BatchNormOptions;
using BatchNorm2dOptions = BatchNormOptions;
using BatchNorm3dOptions = BatchNormOptions;

/// LayerNorm: LayerNormOptions({10, 10}).elementwise_affine(false).
struct LayerNormOptions {
  /*implicit*/ LayerNormOptions(std::vector<int64_t> normalized_shape)
      : normalized_shape_(std::move(normalized_shape)) {}
  /// The trailing dims normalized over.
  EMBER_ARG(std::vector<int64_t>, normalized_shape);
  EMBER_ARG(double, eps) = 1e-5;
  /// Learnable weight (init 1) and bias (init 0) of shape normalized_shape.
  EMBER_ARG(bool, elementwise_affine) = true;
};

/// GroupNorm: GroupNormOptions(2, 8).
struct GroupNormOptions {
  GroupNormOptions(int64_t num_groups, int64_t num_channels)
      : num_groups_(num_groups), num_channels_(num_channels) {}
  EMBER_ARG(int64_t, num_groups);
  EMBER_ARG(int64_t, num_channels);
  EMBER_ARG(double, eps) = 1e-5;
  /// Learnable per-channel weight (init 1) and bias (init 0).
  EMBER_ARG(bool, affine) = true;
};

/// InstanceNorm1d/2d/3d: InstanceNorm2dOptions(64).affine(true).
struct InstanceNormOptions {
  /*implicit*/ InstanceNormOptions(int64_t num_features) : num_features_(num_features) {}
  EMBER_ARG(int64_t, num_features);
  EMBER_ARG(double, eps) = 1e-5;
  EMBER_ARG(double, momentum) = 0.1;
  /// Learnable per-channel weight (init 1) and bias (init 0).
  EMBER_ARG(bool, affine) = false;
  /// Keep running statistics (averaged over the batch) and use them in eval mode.
  EMBER_ARG(bool, track_running_stats) = false;
};
using InstanceNorm1dOptions = InstanceNormOptions;
using InstanceNorm2dOptions = InstanceNormOptions;
using InstanceNorm3dOptions = InstanceNormOptions;

namespace functional {

/// F::normalize(x, NormalizeFuncOptions().p(1).dim(-1)): x / max(‖x‖ₚ along dim, eps).
struct NormalizeFuncOptions {
  EMBER_ARG(double, p) = 2.0;
  EMBER_ARG(int64_t, dim) = 1;
  EMBER_ARG(double, eps) = 1e-12;
};

/// F::instance_norm(x, InstanceNormFuncOptions().weight(w).bias(b))
struct InstanceNormFuncOptions {
  EMBER_ARG(Tensor, running_mean) = Tensor();
  EMBER_ARG(Tensor, running_var) = Tensor();
  EMBER_ARG(Tensor, weight) = Tensor();
  EMBER_ARG(Tensor, bias) = Tensor();
  /// Normalize with each instance's statistics (else with the running ones).
  EMBER_ARG(bool, use_input_stats) = true;
  EMBER_ARG(double, momentum) = 0.1;
  EMBER_ARG(double, eps) = 1e-5;
};

/// F::batch_norm(x, running_mean, running_var, BatchNormFuncOptions().weight(w).training(true))
struct BatchNormFuncOptions {
  EMBER_ARG(Tensor, weight) = Tensor();
  EMBER_ARG(Tensor, bias) = Tensor();
  EMBER_ARG(bool, training) = false;
  /// Must hold a value (the cumulative average is the module's business).
  EMBER_ARG(std::optional<double>, momentum) = 0.1;
  EMBER_ARG(double, eps) = 1e-5;
};

/// F::layer_norm(x, LayerNormFuncOptions({4}).weight(w).bias(b))
struct LayerNormFuncOptions {
  /*implicit*/ LayerNormFuncOptions(std::vector<int64_t> normalized_shape)
      : normalized_shape_(std::move(normalized_shape)) {}
  EMBER_ARG(std::vector<int64_t>, normalized_shape);
  EMBER_ARG(Tensor, weight) = Tensor();
  EMBER_ARG(Tensor, bias) = Tensor();
  EMBER_ARG(double, eps) = 1e-5;
};

/// F::group_norm(x, GroupNormFuncOptions(2).weight(w).bias(b))
struct GroupNormFuncOptions {
  /*implicit*/ GroupNormFuncOptions(int64_t num_groups) : num_groups_(num_groups) {}
  EMBER_ARG(int64_t, num_groups);
  EMBER_ARG(Tensor, weight) = Tensor();
  EMBER_ARG(Tensor, bias) = Tensor();
  EMBER_ARG(double, eps) = 1e-5;
};

}  // namespace functional
}  // namespace ember::nn
