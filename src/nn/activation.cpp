// The activation modules' printing (as libtorch's); their forwards are inline in
// nn/modules/activation.h and the ops in ops/nn/activation.cpp.
#include "ember/nn/modules/activation.h"

namespace ember::nn {

void LeakyReLUImpl::pretty_print(std::ostream& os) const {
  os << "torch::nn::LeakyReLU(negative_slope=" << options.negative_slope()
     << (options.inplace() ? ", inplace=true" : "") << ")";
}
void ELUImpl::pretty_print(std::ostream& os) const {
  os << "torch::nn::ELU(alpha=" << options.alpha() << (options.inplace() ? ", inplace=true" : "")
     << ")";
}
void GELUImpl::pretty_print(std::ostream& os) const {
  os << "torch::nn::GELU(";
  if (options.approximate() != "none") os << "approximate=" << options.approximate();
  os << ")";
}
void SoftplusImpl::pretty_print(std::ostream& os) const {
  os << "torch::nn::Softplus(beta=" << options.beta() << ", threshold=" << options.threshold()
     << ")";
}
void HardtanhImpl::pretty_print(std::ostream& os) const {
  os << "torch::nn::Hardtanh(min_val=" << options.min_val() << ", max_val=" << options.max_val()
     << ")";
}

}  // namespace ember::nn
