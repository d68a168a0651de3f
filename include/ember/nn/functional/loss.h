// Loss functions: top-level ember:: (libtorch's torch::, reduction as Reduction::Mean/Sum/None)
// and nn::functional:: (options with kMean/kSum/kNone), PyTorch 1.13's formulas.
#pragma once

#include "ember/nn/options/loss.h"
#include "ember/tensor/tensor.h"

namespace ember {
Tensor mse_loss(const Tensor& input, const Tensor& target, int64_t reduction = Reduction::Mean);
Tensor l1_loss(const Tensor& input, const Tensor& target, int64_t reduction = Reduction::Mean);
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target,
                      int64_t reduction = Reduction::Mean, double beta = 1.0);
Tensor huber_loss(const Tensor& input, const Tensor& target, int64_t reduction = Reduction::Mean,
                  double delta = 1.0);
/// input: probabilities in [0, 1]; logs are clamped at -100 as PyTorch does.
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                            int64_t reduction = Reduction::Mean);
/// Numerically stable sigmoid + BCE; pos_weight scales the positive term per class.
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const Tensor& weight = {}, const Tensor& pos_weight = {},
                                        int64_t reduction = Reduction::Mean);
/// input: log-probabilities (N, C), (N, C, d1, ...) or (C); target: class indices (int64).
Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                int64_t reduction = Reduction::Mean, int64_t ignore_index = -100);
/// log_softmax over dim 1 + nll_loss; target: class indices or class probabilities (float).
Tensor cross_entropy_loss(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                          int64_t reduction = Reduction::Mean, int64_t ignore_index = -100,
                          double label_smoothing = 0.0);
/// reduction: Reduction::Mean averages over all elements; F::kl_div also has kBatchMean.
Tensor kl_div(const Tensor& input, const Tensor& target, int64_t reduction = Reduction::Mean,
              bool log_target = false);
}  // namespace ember

namespace ember::nn::functional {
Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& o = {});
Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& o = {});
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target,
                      const SmoothL1LossFuncOptions& o = {});
Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossFuncOptions& o = {});
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target,
                            const BinaryCrossEntropyFuncOptions& o = {});
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& o = {});
Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& o = {});
Tensor cross_entropy(const Tensor& input, const Tensor& target,
                     const CrossEntropyFuncOptions& o = {});
Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivFuncOptions& o = {});
}  // namespace ember::nn::functional
