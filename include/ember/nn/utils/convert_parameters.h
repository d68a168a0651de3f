// Parameters as one flat vector and back (torch.nn.utils.parameters_to_vector /
// vector_to_parameters).
#pragma once

#include <vector>

#include "ember/tensor/tensor.h"

namespace ember::nn::utils {

/// The parameters flattened and concatenated, in order (a new tensor, differentiable).
Tensor parameters_to_vector(const std::vector<Tensor>& parameters);

/// Points each parameter at its slice of `vec` (1-D, as many elements as the parameters hold),
/// keeping the parameters' identity, requires_grad and grad (libtorch's set_data). The
/// parameters then share vec's memory, as in PyTorch.
void vector_to_parameters(const Tensor& vec, const std::vector<Tensor>& parameters);

}  // namespace ember::nn::utils
