// Adagrad: PyTorch 1.13's _single_tensor_adagrad, one kernels::adagrad_update loop over each
// parameter.
#include "ember/optim/adagrad.h"

#include <type_traits>

#include "ember/autograd/grad_mode.h"
#include "kernels/cpu/optim.h"
#include "optim/update.h"

namespace ember::optim {

void AdagradOptions::to_dict(OptimizerDict& d) const {
  d = {{"lr", lr()},
       {"lr_decay", lr_decay()},
       {"weight_decay", weight_decay()},
       {"initial_accumulator_value", initial_accumulator_value()},
       {"eps", eps()}};
}
void AdagradOptions::from_dict(const OptimizerDict& d) {
  lr(d.value("lr", lr()));
  lr_decay(d.value("lr_decay", lr_decay()));
  weight_decay(d.value("weight_decay", weight_decay()));
  initial_accumulator_value(d.value("initial_accumulator_value", initial_accumulator_value()));
  eps(d.value("eps", eps()));
}
void AdagradParamState::to_dict(OptimizerDict& d) const { d.set("step", step()); }
void AdagradParamState::from_dict(const OptimizerDict& d) { step(d.value("step", step())); }

Adagrad::Adagrad(std::vector<OptimizerParamGroup> param_groups, AdagradOptions defaults)
    : Optimizer("Adagrad", std::move(param_groups), std::make_unique<AdagradOptions>(defaults)) {
  check_options(defaults);
  // PyTorch fills the sums here, not at the first step.
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const AdagradOptions&>(group.options());
    for (const Tensor& p : group.params())
      state_of<AdagradParamState>(p).sum(
          detail::buffer_like(p.detach(), o.initial_accumulator_value()));
  }
}

void Adagrad::check_options(const OptimizerOptions& options) const {
  const auto& o = static_cast<const AdagradOptions&>(options);
  check_option(o.lr() >= 0, "learning rate", o.lr());
  check_option(o.lr_decay() >= 0, "lr_decay value", o.lr_decay());
  check_option(o.weight_decay() >= 0, "weight_decay value", o.weight_decay());
  check_option(o.initial_accumulator_value() >= 0, "initial_accumulator_value value",
               o.initial_accumulator_value());
  check_option(o.eps() >= 0, "epsilon value", o.eps());
}

Tensor Adagrad::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const AdagradOptions&>(group.options());
    for (Tensor& p : group.params()) {
      const Tensor& grad = p.grad();
      if (!grad.defined()) continue;
      auto& s = state_of<AdagradParamState>(p);
      if (!s.sum().defined()) s.sum(detail::buffer_like(p, o.initial_accumulator_value()));
      s.step(s.step() + 1);
      detail::update_in_place(p, grad, "Adagrad", [&](auto* w, const auto* g) {
        using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
        kernels::adagrad_update<T>(w, g, detail::data<T>(s.sum()), p.numel(), o.lr(), o.lr_decay(),
                                   o.weight_decay(), o.eps(), s.step());
      });
    }
  }
  return loss;
}

}  // namespace ember::optim
