// Options of the loss layers and functions (libtorch's torch/nn/options/loss.h) and the reduction
// spellings: `ember::Reduction::Mean` (an int, for the top-level functions) and `ember::kMean`
// (a variant alternative, for the options).
#pragma once

#include <cstdint>
#include <variant>

#include "ember/nn/arg.h"
#include "ember/tensor/tensor.h"

namespace ember {
namespace Reduction {
/// libtorch's at::Reduction::Reduction: the reduction argument of ember::mse_loss etc.
enum Reduction { None, Mean, Sum, END };
}  // namespace Reduction

namespace enumtype {
struct kNone {};
struct kMean {};
struct kSum {};
struct kBatchMean {};
}  // namespace enumtype
inline constexpr enumtype::kNone kNone{};
inline constexpr enumtype::kMean kMean{};
inline constexpr enumtype::kSum kSum{};
inline constexpr enumtype::kBatchMean kBatchMean{};
}  // namespace ember

namespace ember::nn {

using LossReduction = std::variant<enumtype::kNone, enumtype::kMean, enumtype::kSum>;

struct MSELossOptions {
  using reduction_t = LossReduction;
  /*implicit*/ MSELossOptions(reduction_t reduction = kMean) : reduction_(reduction) {}
  EMBER_ARG(reduction_t, reduction);
};
struct L1LossOptions {
  using reduction_t = LossReduction;
  /*implicit*/ L1LossOptions(reduction_t reduction = kMean) : reduction_(reduction) {}
  EMBER_ARG(reduction_t, reduction);
};
struct SmoothL1LossOptions {
  using reduction_t = LossReduction;
  /*implicit*/ SmoothL1LossOptions(reduction_t reduction = kMean) : reduction_(reduction) {}
  EMBER_ARG(reduction_t, reduction);
  EMBER_ARG(double, beta) = 1.0;
};
struct HuberLossOptions {
  using reduction_t = LossReduction;
  /*implicit*/ HuberLossOptions(reduction_t reduction = kMean) : reduction_(reduction) {}
  EMBER_ARG(reduction_t, reduction);
  EMBER_ARG(double, delta) = 1.0;
};
struct BCELossOptions {
  using reduction_t = LossReduction;
  EMBER_ARG(Tensor, weight) = {};
  EMBER_ARG(reduction_t, reduction) = kMean;
};
struct BCEWithLogitsLossOptions {
  using reduction_t = LossReduction;
  EMBER_ARG(Tensor, weight) = {};
  EMBER_ARG(reduction_t, reduction) = kMean;
  EMBER_ARG(Tensor, pos_weight) = {};
};
struct NLLLossOptions {
  using reduction_t = LossReduction;
  EMBER_ARG(Tensor, weight) = {};
  EMBER_ARG(int64_t, ignore_index) = -100;
  EMBER_ARG(reduction_t, reduction) = kMean;
};
struct CrossEntropyLossOptions {
  using reduction_t = LossReduction;
  EMBER_ARG(Tensor, weight) = {};
  EMBER_ARG(int64_t, ignore_index) = -100;
  EMBER_ARG(reduction_t, reduction) = kMean;
  EMBER_ARG(double, label_smoothing) = 0.0;
};
struct KLDivLossOptions {
  using reduction_t =
      std::variant<enumtype::kNone, enumtype::kBatchMean, enumtype::kSum, enumtype::kMean>;
  /*implicit*/ KLDivLossOptions(reduction_t reduction = kMean) : reduction_(reduction) {}
  EMBER_ARG(reduction_t, reduction);
  EMBER_ARG(bool, log_target) = false;
};

namespace functional {
using MSELossFuncOptions = MSELossOptions;
using L1LossFuncOptions = L1LossOptions;
using SmoothL1LossFuncOptions = SmoothL1LossOptions;
using HuberLossFuncOptions = HuberLossOptions;
using BinaryCrossEntropyFuncOptions = BCELossOptions;
using BinaryCrossEntropyWithLogitsFuncOptions = BCEWithLogitsLossOptions;
using NLLLossFuncOptions = NLLLossOptions;
using CrossEntropyFuncOptions = CrossEntropyLossOptions;
using KLDivFuncOptions = KLDivLossOptions;
}  // namespace functional
}  // namespace ember::nn
