// AdamW: Adam with decoupled weight decay (torch.optim.AdamW; weight_decay defaults to 1e-2).
#pragma once

#include <tuple>

#include "ember/optim/optimizer.h"

namespace ember::optim {

struct AdamWOptions : public OptimizerCloneableOptions<AdamWOptions> {
  AdamWOptions(double lr = 1e-3) : lr_(lr) {}  // NOLINT
  using betas_t = std::tuple<double, double>;
  EMBER_ARG(double, lr);
  EMBER_ARG(betas_t, betas) = std::make_tuple(0.9, 0.999);
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(double, weight_decay) = 1e-2;
  EMBER_ARG(bool, amsgrad) = false;

 public:
  void to_dict(OptimizerDict& d) const override;
  void from_dict(const OptimizerDict& d) override;
};

struct AdamWParamState : public OptimizerCloneableParamState<AdamWParamState> {
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

/// p *= 1 − lr·weight_decay, then Adam's update without the L2 term.
class AdamW : public Optimizer {
 public:
  explicit AdamW(std::vector<OptimizerParamGroup> param_groups, AdamWOptions defaults = {});
  explicit AdamW(std::vector<Tensor> params, AdamWOptions defaults = {})
      : AdamW(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}

  Tensor step(LossClosure closure = nullptr) override;
  void check_options(const OptimizerOptions& options) const override;

 protected:
  std::unique_ptr<OptimizerParamState> make_param_state() const override {
    return std::make_unique<AdamWParamState>();
  }
};

}  // namespace ember::optim
