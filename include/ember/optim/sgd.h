// SGD with momentum, dampening, weight decay and Nesterov momentum (torch.optim.SGD).
#pragma once

#include "ember/optim/optimizer.h"

namespace ember::optim {

struct SGDOptions : public OptimizerCloneableOptions<SGDOptions> {
  SGDOptions(double lr) : lr_(lr) {}  // NOLINT
  EMBER_ARG(double, lr);
  EMBER_ARG(double, momentum) = 0;
  EMBER_ARG(double, dampening) = 0;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(bool, nesterov) = false;

 public:
  void to_dict(OptimizerDict& d) const override;
  void from_dict(const OptimizerDict& d) override;
};

struct SGDParamState : public OptimizerCloneableParamState<SGDParamState> {
  EMBER_ARG(Tensor, momentum_buffer);

 public:
  std::vector<std::pair<std::string, Tensor*>> tensors() override {
    return {{"momentum_buffer", &momentum_buffer_}};
  }
};

/// g = grad + weight_decay·p;  buf = momentum·buf + (1 − dampening)·g (buf = g at first);
/// g = nesterov ? g + momentum·buf : buf;  p −= lr·g.
class SGD : public Optimizer {
 public:
  explicit SGD(std::vector<OptimizerParamGroup> param_groups, SGDOptions defaults);
  explicit SGD(std::vector<Tensor> params, SGDOptions defaults)
      : SGD(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, defaults) {}

  Tensor step(LossClosure closure = nullptr) override;
  void check_options(const OptimizerOptions& options) const override;

 protected:
  std::unique_ptr<OptimizerParamState> make_param_state() const override {
    return std::make_unique<SGDParamState>();
  }
};

}  // namespace ember::optim
