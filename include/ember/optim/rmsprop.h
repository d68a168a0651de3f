// RMSprop with optional momentum and centering (torch.optim.RMSprop).
#pragma once

#include "ember/optim/optimizer.h"

namespace ember::optim {

struct RMSpropOptions : public OptimizerCloneableOptions<RMSpropOptions> {
  RMSpropOptions(double lr = 1e-2) : lr_(lr) {}  // NOLINT
  EMBER_ARG(double, lr);
  EMBER_ARG(double, alpha) = 0.99;
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(double, momentum) = 0;
  EMBER_ARG(bool, centered) = false;

 public:
  void to_dict(OptimizerDict& d) const override;
  void from_dict(const OptimizerDict& d) override;
};

struct RMSpropParamState : public OptimizerCloneableParamState<RMSpropParamState> {
  EMBER_ARG(int64_t, step) = 0;
  EMBER_ARG(Tensor, square_avg);
  EMBER_ARG(Tensor, momentum_buffer);
  EMBER_ARG(Tensor, grad_avg);

 public:
  std::vector<std::pair<std::string, Tensor*>> tensors() override {
    return {{"square_avg", &square_avg_},
            {"momentum_buffer", &momentum_buffer_},
            {"grad_avg", &grad_avg_}};
  }
  void to_dict(OptimizerDict& d) const override;
  void from_dict(const OptimizerDict& d) override;
};

/// g = grad + weight_decay·p;  s = α·s + (1 − α)·g²;  (centered: ḡ = α·ḡ + (1 − α)·g, s − ḡ²);
/// d = √s + eps;  momentum: buf = momentum·buf + g/d, p −= lr·buf;  else p −= lr·g/d.
class RMSprop : public Optimizer {
 public:
  explicit RMSprop(std::vector<OptimizerParamGroup> param_groups, RMSpropOptions defaults = {});
  explicit RMSprop(std::vector<Tensor> params, RMSpropOptions defaults = {})
      : RMSprop(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))},
                defaults) {}

  Tensor step(LossClosure closure = nullptr) override;
  void check_options(const OptimizerOptions& options) const override;

 protected:
  std::unique_ptr<OptimizerParamState> make_param_state() const override {
    return std::make_unique<RMSpropParamState>();
  }
};

}  // namespace ember::optim
