// The dropout ops: dropout and feature_dropout (dropout2d/3d) as PyTorch 1.13's CPU path
// computes them: a noise tensor filled by bernoulli_(1 - p), divided by 1 - p, multiplied into
// the input (so the gradient is MulBackward0's, and differentiable again: no op struct of its
// own); F::dropout/dropout2d/dropout3d. Kernel: kernels/cpu/dropout.cpp.
#include "ember/nn/functional/dropout.h"

#include "ember/core/generator.h"
#include "ember/ops.h"
#include "ember/tensor/factories.h"
#include "kernels/cpu/dropout.h"

namespace ember {
namespace {

void check_dropout(const Tensor& input, double p, const char* op) {
  EMBER_CHECK(p >= 0 && p <= 1, op, ": dropout probability has to be between 0 and 1, but got ", p);
  EMBER_CHECK(input.defined(), op, ": input is undefined");
  EMBER_CHECK(input.is_floating_point(), op, ": expected a floating point input, got ",
              input.scalar_type(), " of shape ", input.sizes());
}

/// Bernoulli(1 - p) / (1 - p) noise of `shape` (kernels/cpu/dropout.h).
Tensor make_noise(IntArrayRef shape, ScalarType dtype, double p) {
  Tensor noise = empty(shape, TensorOptions().dtype(dtype));
  EMBER_DISPATCH_FLOATING(dtype, "dropout", [&] {
    kernels::dropout_noise<scalar_t>(noise.data_ptr<scalar_t>(), noise.numel(), 1 - p,
                                     default_generator());
  });
  return noise;
}

/// (N, C, 1, ..., 1) for feature dropout.
DimVector feature_shape(const Tensor& input, const char* op) {
  EMBER_CHECK(input.dim() >= 2, op,
              ": Feature dropout requires at least 2 dimensions in the input, got shape ",
              input.sizes());
  DimVector s(input.dim(), 1);
  s[0] = input.size(0), s[1] = input.size(1);
  return s;
}

}  // namespace

Tensor dropout(const Tensor& input, double p, bool train) {
  check_dropout(input, p, "dropout");
  if (p == 0 || !train || input.numel() == 0) return input;
  if (p == 1) return input * zeros({}, TensorOptions().dtype(input.scalar_type()));
  return input * make_noise(input.sizes(), input.scalar_type(), p);
}

Tensor& dropout_(Tensor& input, double p, bool train) {
  check_dropout(input, p, "dropout_");
  if (p == 0 || !train || input.numel() == 0) return input;
  if (p == 1) return input.mul_(zeros({}, TensorOptions().dtype(input.scalar_type())));
  return input.mul_(make_noise(input.sizes(), input.scalar_type(), p));
}

Tensor feature_dropout(const Tensor& input, double p, bool train) {
  check_dropout(input, p, "feature_dropout");
  if (p == 0 || !train || input.numel() == 0) return input;
  DimVector shape = feature_shape(input, "feature_dropout");
  if (p == 1) return input * zeros({}, TensorOptions().dtype(input.scalar_type()));
  return input * make_noise(shape, input.scalar_type(), p);
}

Tensor& feature_dropout_(Tensor& input, double p, bool train) {
  check_dropout(input, p, "feature_dropout_");
  if (p == 0 || !train || input.numel() == 0) return input;
  DimVector shape = feature_shape(input, "feature_dropout_");
  if (p == 1) return input.mul_(zeros({}, TensorOptions().dtype(input.scalar_type())));
  return input.mul_(make_noise(shape, input.scalar_type(), p));
}

namespace nn::functional {

Tensor dropout(Tensor input, const DropoutFuncOptions& options) {
  if (options.inplace()) return dropout_(input, options.p(), options.training());
  return ::ember::dropout(input, options.p(), options.training());
}

namespace {
/// libtorch's _dropoutNd_helper: feature dropout of a batched (batched_dim-D) or unbatched input.
Tensor dropout_nd(Tensor input, const DropoutFuncOptions& options, int64_t batched_dim,
                  const char* op, const char* layout) {
  const double p = options.p();
  EMBER_CHECK(p >= 0 && p <= 1, op, ": dropout probability has to be between 0 and 1, but got ", p);
  EMBER_CHECK(input.defined() && (input.dim() == batched_dim || input.dim() == batched_dim - 1), op,
              ": expected a ", batched_dim, "-D ", layout, " input or its unbatched ",
              batched_dim - 1, "-D form, got shape ",
              input.defined() ? input.sizes() : IntArrayRef());
  const bool batched = input.dim() == batched_dim;
  Tensor x = batched ? input : (options.inplace() ? input.unsqueeze_(0) : input.unsqueeze(0));
  Tensor out = options.inplace() ? feature_dropout_(x, p, options.training())
                                 : feature_dropout(x, p, options.training());
  if (!batched) out = options.inplace() ? out.squeeze_(0) : out.squeeze(0);
  return out;
}
}  // namespace

Tensor dropout2d(Tensor input, const Dropout2dFuncOptions& options) {
  return dropout_nd(std::move(input), options, 4, "dropout2d", "(N, C, H, W)");
}

Tensor dropout3d(Tensor input, const Dropout3dFuncOptions& options) {
  return dropout_nd(std::move(input), options, 5, "dropout3d", "(N, C, D, H, W)");
}

}  // namespace nn::functional
}  // namespace ember
