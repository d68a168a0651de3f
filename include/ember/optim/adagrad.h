// Adagrad with learning-rate decay (torch.optim.Adagrad).
#pragma once

#include "ember/optim/optimizer.h"

namespace ember::optim {

struct AdagradOptions : public OptimizerCloneableOptions<AdagradOptions> {
  AdagradOptions(double lr = 1e-2) : lr_(lr) {}  // NOLINT
  EMBER_ARG(double, lr);
  EMBER_ARG(double, lr_decay) = 0;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(double, initial_accumulator_value) = 0;
  EMBER_ARG(double, eps) = 1e-10;

 public:
  void to_dict(OptimizerDict& d) const override;
  void from_dict(const OptimizerDict& d) override;
};

struct AdagradParamState : public OptimizerCloneableParamState<AdagradParamState> {
  EMBER_ARG(Tensor, sum);
  EMBER_ARG(int64_t, step) = 0;

 public:
  std::vector<std::pair<std::string, Tensor*>> tensors() override { return {{"sum", &sum_}}; }
  void to_dict(OptimizerDict& d) const override;
  void from_dict(const OptimizerDict& d) override;
};

/// g = grad + weight_decay·p;  sum += g²;  p −= lr/(1 + (t − 1)·lr_decay) · g/(√sum + eps).
/// The sums start at initial_accumulator_value when the optimizer is built, as in PyTorch.
class Adagrad : public Optimizer {
 public:
  explicit Adagrad(std::vector<OptimizerParamGroup> param_groups, AdagradOptions defaults = {});
  explicit Adagrad(std::vector<Tensor> params, AdagradOptions defaults = {})
      : Adagrad(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))},
                defaults) {}

  Tensor step(LossClosure closure = nullptr) override;
  void check_options(const OptimizerOptions& options) const override;

 protected:
  std::unique_ptr<OptimizerParamState> make_param_state() const override {
    return std::make_unique<AdagradParamState>();
  }
};

}  // namespace ember::optim
