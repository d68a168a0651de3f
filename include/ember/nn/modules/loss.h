// Loss modules: loss(input, target) calls the matching nn::functional loss with the options.
#pragma once

#include <ostream>

#include "ember/nn/functional/loss.h"
#include "ember/nn/module.h"

namespace ember::nn {

#define EMBER_LOSS_MODULE(Name, Options, fn, printed)                                        \
  class Name##Impl : public Cloneable<Name##Impl> {                                          \
   public:                                                                                   \
    explicit Name##Impl(const Options& options = {}) : Cloneable(#Name), options(options) {} \
    Tensor forward(const Tensor& input, const Tensor& target) {                              \
      return functional::fn(input, target, options);                                         \
    }                                                                                        \
    void pretty_print(std::ostream& os) const override { os << printed; }                    \
    Options options;                                                                         \
  };                                                                                         \
  EMBER_MODULE(Name)

EMBER_LOSS_MODULE(MSELoss, MSELossOptions, mse_loss, "torch::nn::MSELoss()");
EMBER_LOSS_MODULE(L1Loss, L1LossOptions, l1_loss, "torch::nn::L1Loss()");
EMBER_LOSS_MODULE(SmoothL1Loss, SmoothL1LossOptions, smooth_l1_loss, "torch::nn::SmoothL1Loss");
EMBER_LOSS_MODULE(HuberLoss, HuberLossOptions, huber_loss, "torch::nn::HuberLoss");
EMBER_LOSS_MODULE(BCELoss, BCELossOptions, binary_cross_entropy, "torch::nn::BCELoss()");
EMBER_LOSS_MODULE(BCEWithLogitsLoss, BCEWithLogitsLossOptions, binary_cross_entropy_with_logits,
                  "torch::nn::BCEWithLogitsLoss()");
EMBER_LOSS_MODULE(NLLLoss, NLLLossOptions, nll_loss, "torch::nn::NLLLoss()");
EMBER_LOSS_MODULE(CrossEntropyLoss, CrossEntropyLossOptions, cross_entropy,
                  "torch::nn::CrossEntropyLoss()");
EMBER_LOSS_MODULE(KLDivLoss, KLDivLossOptions, kl_div, "torch::nn::KLDivLoss()");
#undef EMBER_LOSS_MODULE

}  // namespace ember::nn
