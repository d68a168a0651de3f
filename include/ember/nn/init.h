// nn::init: PyTorch's parameter initialisers (torch.nn.init), same formulas and the same random
// draws, so `manual_seed(s)` gives the same weights as PyTorch.
//
//   nn::init::kaiming_normal_(conv->weight, 0.0, kFanOut, kReLU);
//   nn::init::xavier_uniform_(fc->weight);  nn::init::zeros_(fc->bias);
#pragma once

#include <optional>
#include <tuple>

#include "ember/tensor/tensor.h"

namespace ember::nn::init {

enum class FanMode { kFanIn, kFanOut };
enum class Nonlinearity {
  kLinear,
  kConv1D,
  kConv2D,
  kConv3D,
  kConvTranspose1D,
  kConvTranspose2D,
  kConvTranspose3D,
  kSigmoid,
  kTanh,
  kReLU,
  kLeakyReLU,
  kSELU,
};

/// The recommended gain for a nonlinearity (param: leaky_relu's negative slope, default 0.01).
double calculate_gain(Nonlinearity nonlinearity, std::optional<double> param = std::nullopt);
/// (fan_in, fan_out) of a weight of shape (out, in, *kernel).
std::tuple<int64_t, int64_t> _calculate_fan_in_and_fan_out(const Tensor& tensor);

// Each fills `tensor` in place (without recording autograd history) and returns it.
Tensor uniform_(Tensor tensor, double low = 0, double high = 1);
Tensor normal_(Tensor tensor, double mean = 0, double std = 1);
Tensor constant_(Tensor tensor, Scalar value);
Tensor ones_(Tensor tensor);
Tensor zeros_(Tensor tensor);
/// Identity matrix (2-D tensors only).
Tensor eye_(Tensor tensor);
/// Dirac delta for convolution weights (3-, 4- or 5-D): the convolution preserves its input.
Tensor dirac_(Tensor tensor, int64_t groups = 1);
Tensor xavier_uniform_(Tensor tensor, double gain = 1.0);
Tensor xavier_normal_(Tensor tensor, double gain = 1.0);
Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanMode mode = FanMode::kFanIn,
                        Nonlinearity nonlinearity = Nonlinearity::kLeakyReLU);
Tensor kaiming_normal_(Tensor tensor, double a = 0, FanMode mode = FanMode::kFanIn,
                       Nonlinearity nonlinearity = Nonlinearity::kLeakyReLU);
/// A (semi-)orthogonal matrix from the QR decomposition of a normal sample, as PyTorch.
Tensor orthogonal_(Tensor tensor, double gain = 1.0);
Tensor trunc_normal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2);

}  // namespace ember::nn::init

namespace ember {
// libtorch spells these as torch::kFanIn, torch::kReLU, ...
inline constexpr nn::init::FanMode kFanIn = nn::init::FanMode::kFanIn;
inline constexpr nn::init::FanMode kFanOut = nn::init::FanMode::kFanOut;
inline constexpr nn::init::Nonlinearity kLinear = nn::init::Nonlinearity::kLinear;
inline constexpr nn::init::Nonlinearity kConv1D = nn::init::Nonlinearity::kConv1D;
inline constexpr nn::init::Nonlinearity kConv2D = nn::init::Nonlinearity::kConv2D;
inline constexpr nn::init::Nonlinearity kConv3D = nn::init::Nonlinearity::kConv3D;
inline constexpr nn::init::Nonlinearity kConvTranspose1D = nn::init::Nonlinearity::kConvTranspose1D;
inline constexpr nn::init::Nonlinearity kConvTranspose2D = nn::init::Nonlinearity::kConvTranspose2D;
inline constexpr nn::init::Nonlinearity kConvTranspose3D = nn::init::Nonlinearity::kConvTranspose3D;
inline constexpr nn::init::Nonlinearity kSigmoid = nn::init::Nonlinearity::kSigmoid;
inline constexpr nn::init::Nonlinearity kTanh = nn::init::Nonlinearity::kTanh;
inline constexpr nn::init::Nonlinearity kReLU = nn::init::Nonlinearity::kReLU;
inline constexpr nn::init::Nonlinearity kLeakyReLU = nn::init::Nonlinearity::kLeakyReLU;
inline constexpr nn::init::Nonlinearity kSELU = nn::init::Nonlinearity::kSELU;
}  // namespace ember
