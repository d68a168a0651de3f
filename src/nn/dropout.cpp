// dropout and feature_dropout (dropout2d) as PyTorch 1.13's CPU path computes them: a noise
// tensor filled by bernoulli_(1 - p), divided by 1 - p, multiplied into the input (so the
// gradient is MulBackward0's, and differentiable again).
#include "ember/nn/modules/dropout.h"

#include "ember/core/generator.h"
#include "ember/ops.h"
#include "ember/tensor/factories.h"

namespace ember {
namespace {

void check_dropout(const Tensor& input, double p, const char* op) {
  EMBER_CHECK(p >= 0 && p <= 1, op, ": dropout probability has to be between 0 and 1, but got ", p);
  EMBER_CHECK(input.defined(), op, ": input is undefined");
  EMBER_CHECK(input.is_floating_point(), op, ": expected a floating point input, got ",
              input.scalar_type(), " of shape ", input.sizes());
}

/// Bernoulli(1 - p) / (1 - p) noise of `shape`, in one pass: the draws of PyTorch's CPU
/// bernoulli_(1 - p) (u = 53 random bits / 2⁵³ from random64(), keep when u < 1 - p), and its
/// div_(1 - p) applied as the kept value.
Tensor make_noise(IntArrayRef shape, ScalarType dtype, double p) {
  Tensor noise = empty(shape, TensorOptions().dtype(dtype));
  Generator& gen = default_generator();
  const double keep = 1 - p;
  EMBER_DISPATCH_FLOATING(dtype, "dropout", [&] {
    using T = scalar_t;
    const T scale = T(1) / static_cast<T>(keep);
    T* o = noise.data_ptr<T>();
    constexpr double kInv53 = 1.0 / static_cast<double>(uint64_t(1) << 53);
    for (int64_t i = 0, n = noise.numel(); i < n; ++i) {
      const double u = static_cast<double>(gen.random64() & ((uint64_t(1) << 53) - 1)) * kInv53;
      o[i] = u < keep ? scale : T(0);
    }
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

namespace nn {

DropoutImpl::DropoutImpl(const DropoutOptions& options) : Cloneable("Dropout"), options(options) {
  reset();
}
void DropoutImpl::reset() {
  EMBER_CHECK(options.p() >= 0 && options.p() <= 1,
              "Dropout: dropout probability has to be between 0 and 1, but got ", options.p());
}
void DropoutImpl::pretty_print(std::ostream& os) const {
  os << std::boolalpha << "torch::nn::Dropout(p=" << options.p()
     << ", inplace=" << options.inplace() << ")";
}
Tensor DropoutImpl::forward(Tensor input) {
  return functional::dropout(input, functional::DropoutFuncOptions()
                                        .p(options.p())
                                        .training(is_training())
                                        .inplace(options.inplace()));
}

Dropout2dImpl::Dropout2dImpl(const Dropout2dOptions& options)
    : Cloneable("Dropout2d"), options(options) {
  reset();
}
void Dropout2dImpl::reset() {
  EMBER_CHECK(options.p() >= 0 && options.p() <= 1,
              "Dropout2d: dropout probability has to be between 0 and 1, but got ", options.p());
}
void Dropout2dImpl::pretty_print(std::ostream& os) const {
  os << std::boolalpha << "torch::nn::Dropout2d(p=" << options.p()
     << ", inplace=" << options.inplace() << ")";
}
Tensor Dropout2dImpl::forward(Tensor input) {
  return functional::dropout2d(input, functional::Dropout2dFuncOptions()
                                          .p(options.p())
                                          .training(is_training())
                                          .inplace(options.inplace()));
}

Dropout3dImpl::Dropout3dImpl(const Dropout3dOptions& options)
    : Cloneable("Dropout3d"), options(options) {
  reset();
}
void Dropout3dImpl::reset() {
  EMBER_CHECK(options.p() >= 0 && options.p() <= 1,
              "Dropout3d: dropout probability has to be between 0 and 1, but got ", options.p());
}
void Dropout3dImpl::pretty_print(std::ostream& os) const {
  os << std::boolalpha << "torch::nn::Dropout3d(p=" << options.p()
     << ", inplace=" << options.inplace() << ")";
}
Tensor Dropout3dImpl::forward(Tensor input) {
  return functional::dropout3d(input, functional::Dropout3dFuncOptions()
                                          .p(options.p())
                                          .training(is_training())
                                          .inplace(options.inplace()));
}

}  // namespace nn
}  // namespace ember
