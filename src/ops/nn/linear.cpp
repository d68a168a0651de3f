// The linear ops: linear (one addmm for 2-D input with bias, else matmul + bias) and bilinear
// (a matmul and a product summed over the last dim), composed from ember ops.
#include "ember/nn/functional/linear.h"

#include "ember/ops.h"

namespace ember {

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  EMBER_CHECK(input.defined() && weight.defined(), "linear: input and weight must be defined");
  EMBER_CHECK(weight.dim() == 2, "linear: weight must be 2-D (out_features, in_features), got ",
              weight.sizes());
  EMBER_CHECK(input.dim() >= 1 && input.size(-1) == weight.size(1), "linear: input of shape ",
              input.sizes(), " does not match weight of shape ", weight.sizes(), " (",
              input.dim() >= 1 ? input.size(-1) : 0, " != ", weight.size(1), ")");
  if (bias.defined())
    EMBER_CHECK(bias.dim() == 1 && bias.size(0) == weight.size(0), "linear: bias of shape ",
                bias.sizes(), " does not match weight of shape ", weight.sizes());
  if (input.dim() == 2 && bias.defined()) return addmm(bias, input, weight.t());  // one GEMM
  Tensor out = matmul(input, weight.t());
  return bias.defined() ? out + bias : out;
}

Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight,
                const Tensor& bias) {
  EMBER_CHECK(weight.dim() == 3, "bilinear: weight must be 3-D (out, in1, in2), got ",
              weight.sizes());
  EMBER_CHECK(input1.dim() >= 1 && input2.dim() >= 1 && input1.size(-1) == weight.size(1) &&
                  input2.size(-1) == weight.size(2),
              "bilinear: inputs of shapes ", input1.sizes(), " and ", input2.sizes(),
              " do not match weight of shape ", weight.sizes());
  EMBER_CHECK(input1.dim() == input2.dim(),
              "bilinear: inputs must have the same number of dimensions, got ", input1.sizes(),
              " and ", input2.sizes());
  const int64_t out = weight.size(0), in1 = weight.size(1), in2 = weight.size(2);
  // t[*, o, j] = Σᵢ x1[*, i] A[o, i, j]; then y[*, o] = Σⱼ t[*, o, j] x2[*, j].
  Tensor a = weight.permute({1, 0, 2}).reshape({in1, out * in2});
  DimVector shape(input1.sizes());
  shape.back() = out;
  shape.push_back(in2);
  Tensor t = matmul(input1, a).view(shape);
  Tensor y = (t * input2.unsqueeze(-2)).sum({-1});
  return bias.defined() ? y + bias : y;
}

}  // namespace ember
