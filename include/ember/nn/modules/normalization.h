// Normalization layers: BatchNorm1d/2d/3d, LayerNorm, GroupNorm, InstanceNorm1d/2d/3d (libtorch's
// batchnorm.h, normalization.h and instancenorm.h).
#pragma once

#include <ostream>
#include <string>

#include "ember/nn/functional/normalization.h"
#include "ember/nn/module.h"
#include "ember/nn/options/normalization.h"

namespace ember::nn {

/// What batch and instance norm share (PyTorch's _NormBase): the module name ("BatchNorm2d"),
/// parameters weight (init 1) and bias (init 0) of shape (num_features) when affine, buffers
/// running_mean (0), running_var (1) and num_batches_tracked (int64 0) when track_running_stats
/// (registered undefined otherwise). Options: BatchNormOptions or InstanceNormOptions.
template <size_t D, class Derived, class Options>
class NormImplBase : public Cloneable<Derived> {
 public:
  NormImplBase(std::string name, const Options& options);
  void reset() override;
  /// Zeroes running_mean and num_batches_tracked, fills running_var with ones.
  void reset_running_stats();
  /// reset_running_stats, then weight = 1 and bias = 0.
  void reset_parameters();
  /// torch::nn::BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)
  void pretty_print(std::ostream& os) const override;

  Options options;
  Tensor weight, bias;                                    // (C), undefined unless affine
  Tensor running_mean, running_var, num_batches_tracked;  // undefined unless track_running_stats

 protected:
  /// The running-statistics update factor of one training step: counts the batch in
  /// num_batches_tracked (when tracked) and returns momentum, or 1 / batches seen (a cumulative
  /// average) when momentum is nullopt.
  double update_factor();
};

/// Batch normalization over (N, C, *) with C = num_features. Training uses the batch statistics
/// and updates the buffers (momentum, or a cumulative average when momentum is nullopt); eval
/// uses the buffers.
template <size_t D, class Derived>
class BatchNormImplBase : public NormImplBase<D, Derived, BatchNormOptions> {
 public:
  explicit BatchNormImplBase(const BatchNormOptions& options);
  Tensor forward(const Tensor& input);

 protected:
  /// Throws naming the module unless input.dim() suits it (2 or 3 for 1d, 4 for 2d, 5 for 3d).
  void check_input_dim(const Tensor& input) const;
};

/// Over (N, C) or (N, C, L).
class BatchNorm1dImpl : public BatchNormImplBase<1, BatchNorm1dImpl> {
 public:
  using BatchNormImplBase::BatchNormImplBase;
};
EMBER_MODULE(BatchNorm1d);

/// Over (N, C, H, W).
class BatchNorm2dImpl : public BatchNormImplBase<2, BatchNorm2dImpl> {
 public:
  using BatchNormImplBase::BatchNormImplBase;
};
EMBER_MODULE(BatchNorm2d);

/// Over (N, C, D, H, W).
class BatchNorm3dImpl : public BatchNormImplBase<3, BatchNorm3dImpl> {
 public:
  using BatchNormImplBase::BatchNormImplBase;
};
EMBER_MODULE(BatchNorm3d);

/// Normalizes over the trailing normalized_shape dims; weight (1) and bias (0) of that shape
/// when elementwise_affine.
class LayerNormImpl : public Cloneable<LayerNormImpl> {
 public:
  LayerNormImpl(std::vector<int64_t> normalized_shape)  // NOLINT: LayerNorm({4})
      : LayerNormImpl(LayerNormOptions(std::move(normalized_shape))) {}
  explicit LayerNormImpl(LayerNormOptions options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& os) const override;
  Tensor forward(const Tensor& input);

  LayerNormOptions options;
  Tensor weight, bias;  // normalized_shape, undefined unless elementwise_affine
};
EMBER_MODULE(LayerNorm);

/// input (N, C, *) with C = num_channels: normalizes groups of C / num_groups channels; weight
/// (1) and bias (0) per channel when affine.
class GroupNormImpl : public Cloneable<GroupNormImpl> {
 public:
  GroupNormImpl(int64_t num_groups, int64_t num_channels)
      : GroupNormImpl(GroupNormOptions(num_groups, num_channels)) {}
  explicit GroupNormImpl(const GroupNormOptions& options);
  void reset() override;
  void reset_parameters();
  void pretty_print(std::ostream& os) const override;
  Tensor forward(const Tensor& input);

  GroupNormOptions options;
  Tensor weight, bias;  // (C), undefined unless affine
};
EMBER_MODULE(GroupNorm);

/// Instance normalization over (N, C, *) (or unbatched (C, *)): each (n, c) normalized over *.
/// weight/bias only when affine; running statistics only when track_running_stats (then eval
/// mode uses them).
template <size_t D, class Derived>
class InstanceNormImplBase : public NormImplBase<D, Derived, InstanceNormOptions> {
 public:
  explicit InstanceNormImplBase(const InstanceNormOptions& options);
  Tensor forward(const Tensor& input);
};

/// Over (N, C, L) or unbatched (C, L).
class InstanceNorm1dImpl : public InstanceNormImplBase<1, InstanceNorm1dImpl> {
 public:
  using InstanceNormImplBase::InstanceNormImplBase;
};
EMBER_MODULE(InstanceNorm1d);

/// Over (N, C, H, W) or unbatched (C, H, W).
class InstanceNorm2dImpl : public InstanceNormImplBase<2, InstanceNorm2dImpl> {
 public:
  using InstanceNormImplBase::InstanceNormImplBase;
};
EMBER_MODULE(InstanceNorm2d);

/// Over (N, C, D, H, W) or unbatched (C, D, H, W).
class InstanceNorm3dImpl : public InstanceNormImplBase<3, InstanceNorm3dImpl> {
 public:
  using InstanceNormImplBase::InstanceNormImplBase;
};
EMBER_MODULE(InstanceNorm3d);

}  // namespace ember::nn
