// Dropout layers: Dropout (elements), Dropout2d and Dropout3d (channels) on one base,
// _DropoutNd (libtorch's); identity in eval mode.
#pragma once

#include <ostream>
#include <string>

#include "ember/nn/functional/dropout.h"
#include "ember/nn/module.h"
#include "ember/nn/options/dropout.h"

namespace ember::nn {

/// The options, their check and the printing of the dropout layers (libtorch's _DropoutNd).
template <class Derived>
class _DropoutNd : public Cloneable<Derived> {  // NOLINT: libtorch's name
 public:
  /// Checks that p is in [0, 1].
  void reset() override;
  /// e.g. torch::nn::Dropout(p=0.5, inplace=false)
  void pretty_print(std::ostream& os) const override;
  DropoutOptions options;

 protected:
  _DropoutNd(std::string name, const DropoutOptions& options);
};

/// Zeroes elements with probability p in training mode, scaling the rest by 1 / (1 - p).
class DropoutImpl : public _DropoutNd<DropoutImpl> {
 public:
  explicit DropoutImpl(double p) : DropoutImpl(DropoutOptions(p)) {}
  explicit DropoutImpl(const DropoutOptions& options = {}) : _DropoutNd("Dropout", options) {}
  Tensor forward(Tensor input);
};
EMBER_MODULE(Dropout);

/// Zeroes whole channels of (N, C, H, W) (or unbatched (C, H, W)) input in training mode.
class Dropout2dImpl : public _DropoutNd<Dropout2dImpl> {
 public:
  explicit Dropout2dImpl(double p) : Dropout2dImpl(Dropout2dOptions(p)) {}
  explicit Dropout2dImpl(const Dropout2dOptions& options = {}) : _DropoutNd("Dropout2d", options) {}
  Tensor forward(Tensor input);
};
EMBER_MODULE(Dropout2d);

/// Zeroes whole channels of (N, C, D, H, W) (or unbatched (C, D, H, W)) input in training mode.
class Dropout3dImpl : public _DropoutNd<Dropout3dImpl> {
 public:
  explicit Dropout3dImpl(double p) : Dropout3dImpl(Dropout3dOptions(p)) {}
  explicit Dropout3dImpl(const Dropout3dOptions& options = {}) : _DropoutNd("Dropout3d", options) {}
  Tensor forward(Tensor input);
};
EMBER_MODULE(Dropout3d);

}  // namespace ember::nn
