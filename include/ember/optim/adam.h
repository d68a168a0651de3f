// Adam with optional AMSGrad (torch.optim.Adam; weight decay is L2, added to the gradient).
#pragma once

#include <tuple>

#include "ember/optim/optimizer.h"

namespace ember::optim {

struct AdamOptions : public OptimizerCloneableOptions<AdamOptions> {
  AdamOptions(double lr = 1e-3) : lr_(lr) {}  // NOLINT
  using betas_t = std::tuple<double, double>;
  EMBER_ARG(double, lr);
  EMBER_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(bool, amsgrad) = false;

 public:
  void to_dict(OptimizerDict& d) const override;
  void from_dict(const OptimizerDict& d) override;
};

struct AdamParamState : public OptimizerCloneableParamState<AdamParamState> {
  EMBER_ARG(int64_t, step) = 0;
  EMBER_ARG(Tensor, exp_avg);
  EMBER_ARG(Tensor, exp_avg_sq);
  EMBER_ARG(Tensor, max_exp_avg_sq);

 public:
  std::vector<std::pair<std::string, Tensor*>> tensors() override {
    return {
        {"exp_avg", &exp_avg_}, {"exp_avg_sq", &exp_avg_sq_}, {"max_exp_avg_sq", &max_exp_avg_sq_}};
  }
  void to_dict(OptimizerDict& d) const override;
  void from_dict(const OptimizerDict& d) override;
};

/// g = grad + weight_decay·p;  m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²;
/// (amsgrad: v̂max = max(v̂max, v), used for v);  p −= lr/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + eps).
class Adam : public Optimizer {
 public:
  explicit Adam(std::vector<OptimizerParamGroup> param_groups, AdamOptions defaults = {});
  explicit Adam(std::vector<Tensor> params, AdamOptions defaults = {})
      : Adam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}

  Tensor step(LossClosure closure = nullptr) override;
  void check_options(const OptimizerOptions& options) const override;

 protected:
  std::unique_ptr<OptimizerParamState> make_param_state() const override {
    return std::make_unique<AdamParamState>();
  }
};

}  // namespace ember::optim
