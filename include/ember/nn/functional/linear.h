// Linear maps as functions: linear (x Wᵀ + b) and bilinear (x1ᵀ A x2 + b).
#pragma once

#include "ember/tensor/tensor.h"

namespace ember {
/// y = x Wᵀ + b;  x: (*, in), weight: (out, in), bias: (out) or undefined → (*, out)
Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias = {});
/// y[n, o] = Σᵢⱼ x1[n, i] A[o, i, j] x2[n, j] + b[o];  x1: (*, in1), x2: (*, in2)
Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight,
                const Tensor& bias = {});
}  // namespace ember

namespace ember::nn::functional {
using ::ember::bilinear;
using ::ember::linear;
}  // namespace ember::nn::functional
