// Options of the dropout layers and functions (libtorch's torch/nn/options/dropout.h).
#pragma once

#include "ember/nn/arg.h"

namespace ember::nn {

/// Dropout / Dropout2d / Dropout3d: DropoutOptions(0.2) or DropoutOptions().p(0.2).inplace(true).
struct DropoutOptions {
  /*implicit*/ DropoutOptions(double p = 0.5) : p_(p) {}
  /// Probability of zeroing an element (a channel for Dropout2d).
  EMBER_ARG(double, p);
  /// Overwrite the input instead of allocating the output.
  EMBER_ARG(bool, inplace) = false;
};
using Dropout2dOptions = DropoutOptions;
using Dropout3dOptions = DropoutOptions;

namespace functional {

/// F::dropout(x, DropoutFuncOptions().p(0.5).training(is_training()))
struct DropoutFuncOptions {
  EMBER_ARG(double, p) = 0.5;
  EMBER_ARG(bool, training) = true;
  EMBER_ARG(bool, inplace) = false;
};
using Dropout2dFuncOptions = DropoutFuncOptions;
using Dropout3dFuncOptions = DropoutFuncOptions;

}  // namespace functional
}  // namespace ember::nn
