// parameters_to_vector / vector_to_parameters (torch/nn/utils/convert_parameters.py).
#include "ember/nn/utils/convert_parameters.h"

#include "ember/core/error.h"
#include "ember/ops.h"

namespace ember::nn::utils {

Tensor parameters_to_vector(const std::vector<Tensor>& parameters) {
  std::vector<Tensor> flat;
  flat.reserve(parameters.size());
  for (size_t i = 0; i < parameters.size(); ++i) {
    EMBER_CHECK(parameters[i].defined(), "parameters_to_vector: parameter ", i,
                " is an undefined tensor");
    flat.push_back(parameters[i].reshape({-1}));
  }
  EMBER_CHECK(!flat.empty(), "parameters_to_vector: got no parameters");
  return cat(flat);
}

void vector_to_parameters(const Tensor& vec, const std::vector<Tensor>& parameters) {
  EMBER_CHECK(vec.defined() && vec.dim() == 1, "vector_to_parameters: expected a 1-D vector, got ",
              vec.defined() ? vec.sizes() : IntArrayRef{});
  int64_t total = 0;
  for (const Tensor& p : parameters) total += p.numel();
  EMBER_CHECK(total == vec.numel(), "vector_to_parameters: the vector has ", vec.numel(),
              " elements but the parameters hold ", total);
  int64_t offset = 0;
  for (Tensor p : parameters) {
    const int64_t n = p.numel();
    p.set_data(vec.slice(0, offset, offset + n).view(p.sizes()).detach());
    offset += n;
  }
}

}  // namespace ember::nn::utils
