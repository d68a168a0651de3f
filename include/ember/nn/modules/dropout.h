// Dropout layers: Dropout (elements), Dropout2d and Dropout3d (channels); identity in eval mode.
#pragma once

#include <ostream>

#include "ember/nn/functional/dropout.h"
#include "ember/nn/module.h"
#include "ember/nn/options/dropout.h"

namespace ember::nn {

/// Zeroes elements with probability p in training mode, scaling the rest by 1 / (1 - p).
class DropoutImpl : public Cloneable<DropoutImpl> {
 public:
  explicit DropoutImpl(double p) : DropoutImpl(DropoutOptions(p)) {}
  explicit DropoutImpl(const DropoutOptions& options = {});
  void reset() override;
  void pretty_print(std::ostream& os) const override;
  Tensor forward(Tensor input);
  DropoutOptions options;
};
EMBER_MODULE(Dropout);

/// Zeroes whole channels of (N, C, H, W) (or unbatched (C, H, W)) input in training mode.
class Dropout2dImpl : public Cloneable<Dropout2dImpl> {
 public:
  explicit Dropout2dImpl(double p) : Dropout2dImpl(Dropout2dOptions(p)) {}
  explicit Dropout2dImpl(const Dropout2dOptions& options = {});
  void reset() override;
  void pretty_print(std::ostream& os) const override;
  Tensor forward(Tensor input);
  Dropout2dOptions options;
};
EMBER_MODULE(Dropout2d);

/// Zeroes whole channels of (N, C, D, H, W) (or unbatched (C, D, H, W)) input in training mode.
class Dropout3dImpl : public Cloneable<Dropout3dImpl> {
 public:
  explicit Dropout3dImpl(double p) : Dropout3dImpl(Dropout3dOptions(p)) {}
  explicit Dropout3dImpl(const Dropout3dOptions& options = {});
  void reset() override;
  void pretty_print(std::ostream& os) const override;
  Tensor forward(Tensor input);
  Dropout3dOptions options;
};
EMBER_MODULE(Dropout3d);

}  // namespace ember::nn
