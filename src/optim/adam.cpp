// Adam and AdamW: PyTorch 1.13's _single_tensor_adam and _single_tensor_adamw as one update rule
// (kernels::adam_update) that differs only in where the weight decay goes. The two public classes
// keep libtorch's separate options and state types; everything else is written once here.
#include "ember/optim/adam.h"

#include <cmath>
#include <type_traits>

#include "ember/autograd/grad_mode.h"
#include "ember/optim/adamw.h"
#include "kernels/cpu/optim.h"
#include "optim/update.h"

namespace ember::optim {

namespace {

template <class Options>
void options_to_dict(const Options& o, OptimizerDict& d) {
  d = {{"lr", o.lr()},
       {"betas", std::vector<double>{std::get<0>(o.betas()), std::get<1>(o.betas())}},
       {"eps", o.eps()},
       {"weight_decay", o.weight_decay()},
       {"amsgrad", o.amsgrad()}};
}

template <class Options>
void options_from_dict(Options& o, const OptimizerDict& d) {
  o.lr(d.value("lr", o.lr()));
  o.betas(d.value("betas", o.betas()));
  o.eps(d.value("eps", o.eps()));
  o.weight_decay(d.value("weight_decay", o.weight_decay()));
  o.amsgrad(d.value("amsgrad", o.amsgrad()));
}

/// The constructor's checks; `check(ok, what, value)` is Optimizer::check_option.
template <class Options, class Check>
void check_options_of(const Options& o, Check&& check) {
  const auto [beta1, beta2] = o.betas();
  check(o.lr() >= 0, "learning rate", o.lr());
  check(o.eps() >= 0, "epsilon value", o.eps());
  check(0 <= beta1 && beta1 < 1, "beta parameter at index 0", beta1);
  check(0 <= beta2 && beta2 < 1, "beta parameter at index 1", beta2);
  check(o.weight_decay() >= 0, "weight_decay value", o.weight_decay());
}

// 1 − β1ᵗ and √(1 − β2ᵗ), computed once per step count (std::pow is slow, and slower still once
// βᵗ underflows), not once per parameter.
struct BiasCorrection {
  int64_t step = -1;
  double bias_correction1 = 1, bias_correction2_sqrt = 1;
  template <class Options>
  void update(const Options& o, int64_t t) {
    if (t == step) return;
    step = t;
    bias_correction1 = 1 - std::pow(std::get<0>(o.betas()), t);
    bias_correction2_sqrt = std::sqrt(1 - std::pow(std::get<1>(o.betas()), t));
  }
};

/// One step of every parameter with a gradient; `state_of(p)` is the optimizer's state of p.
/// `decoupled`: AdamW's weight decay (applied to p) instead of Adam's (added to the gradient).
template <class Options, class StateOf>
void adam_step(std::vector<OptimizerParamGroup>& groups, const char* name, bool decoupled,
               StateOf&& state_of) {
  for (auto& group : groups) {
    const auto& o = static_cast<const Options&>(group.options());
    // Not a structured binding: the kernel lambda below captures them (clang 14 cannot).
    const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
    BiasCorrection bc;
    for (Tensor& p : group.params()) {
      const Tensor& grad = p.grad();
      if (!grad.defined()) continue;
      auto& s = state_of(p);
      if (!s.exp_avg().defined()) s.exp_avg(detail::buffer_like(p));
      if (!s.exp_avg_sq().defined()) s.exp_avg_sq(detail::buffer_like(p));
      if (o.amsgrad() && !s.max_exp_avg_sq().defined()) s.max_exp_avg_sq(detail::buffer_like(p));
      s.step(s.step() + 1);
      bc.update(o, s.step());
      detail::update_in_place(p, grad, name, [&](auto* w, const auto* g) {
        using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
        kernels::adam_update<T>(w, g, detail::data<T>(s.exp_avg()), detail::data<T>(s.exp_avg_sq()),
                                detail::data<T>(s.max_exp_avg_sq()), p.numel(), o.lr(), beta1,
                                beta2, o.eps(), o.weight_decay(), decoupled, o.amsgrad(),
                                bc.bias_correction1, bc.bias_correction2_sqrt);
      });
    }
  }
}

}  // namespace

void AdamOptions::to_dict(OptimizerDict& d) const { options_to_dict(*this, d); }
void AdamOptions::from_dict(const OptimizerDict& d) { options_from_dict(*this, d); }
void AdamWOptions::to_dict(OptimizerDict& d) const { options_to_dict(*this, d); }
void AdamWOptions::from_dict(const OptimizerDict& d) { options_from_dict(*this, d); }
void AdamParamState::to_dict(OptimizerDict& d) const { d.set("step", step()); }
void AdamParamState::from_dict(const OptimizerDict& d) { step(d.value("step", step())); }
void AdamWParamState::to_dict(OptimizerDict& d) const { d.set("step", step()); }
void AdamWParamState::from_dict(const OptimizerDict& d) { step(d.value("step", step())); }

Adam::Adam(std::vector<OptimizerParamGroup> param_groups, AdamOptions defaults)
    : Optimizer("Adam", std::move(param_groups), std::make_unique<AdamOptions>(defaults)) {
  check_options(defaults);
}

AdamW::AdamW(std::vector<OptimizerParamGroup> param_groups, AdamWOptions defaults)
    : Optimizer("AdamW", std::move(param_groups), std::make_unique<AdamWOptions>(defaults)) {
  check_options(defaults);
}

void Adam::check_options(const OptimizerOptions& options) const {
  check_options_of(static_cast<const AdamOptions&>(options),
                   [this](bool ok, const char* what, double v) { check_option(ok, what, v); });
}

void AdamW::check_options(const OptimizerOptions& options) const {
  check_options_of(static_cast<const AdamWOptions&>(options),
                   [this](bool ok, const char* what, double v) { check_option(ok, what, v); });
}

Tensor Adam::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  adam_step<AdamOptions>(
      param_groups_, "Adam", /*decoupled=*/false, [this](const Tensor& p) -> auto& {
        return state_of<AdamParamState>(p);
      });
  return loss;
}

Tensor AdamW::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  adam_step<AdamWOptions>(
      param_groups_, "AdamW", /*decoupled=*/true, [this](const Tensor& p) -> auto& {
        return state_of<AdamWParamState>(p);
      });
  return loss;
}

}  // namespace ember::optim
