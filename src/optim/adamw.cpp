// AdamW: PyTorch 1.13's _single_tensor_adamw as one loop over each parameter.
#include "ember/optim/adamw.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "ember/autograd/grad_mode.h"
#include "optim/update.h"

namespace ember::optim {

void AdamWOptions::to_json(nlohmann::json& j) const {
  j = {{"lr", lr()},
       {"betas", {std::get<0>(betas()), std::get<1>(betas())}},
       {"eps", eps()},
       {"weight_decay", weight_decay()},
       {"amsgrad", amsgrad()}};
}
void AdamWOptions::from_json(const nlohmann::json& j) {
  lr(j.value("lr", lr()));
  if (j.contains("betas")) betas({j.at("betas").at(0).get<double>(), j.at("betas").at(1)});
  eps(j.value("eps", eps()));
  weight_decay(j.value("weight_decay", weight_decay()));
  amsgrad(j.value("amsgrad", amsgrad()));
}
void AdamWParamState::to_json(nlohmann::json& j) const { j["step"] = step(); }
void AdamWParamState::from_json(const nlohmann::json& j) { step(j.value("step", step())); }

AdamW::AdamW(std::vector<OptimizerParamGroup> param_groups, AdamWOptions defaults)
    : Optimizer("AdamW", std::move(param_groups), std::make_unique<AdamWOptions>(defaults)) {
  const auto [beta1, beta2] = defaults.betas();
  check_option(defaults.lr() >= 0, "learning rate", defaults.lr());
  check_option(defaults.eps() >= 0, "epsilon value", defaults.eps());
  check_option(0 <= beta1 && beta1 < 1, "beta parameter at index 0", beta1);
  check_option(0 <= beta2 && beta2 < 1, "beta parameter at index 1", beta2);
  check_option(defaults.weight_decay() >= 0, "weight_decay value", defaults.weight_decay());
}

namespace {

// As Adam's loop (src/optim/adam.cpp), with the decay applied to p instead of the gradient.
// Scalars in double as PyTorch computes them in Python, then rounded once to T as its kernels
// round Python numbers; vector ops in PyTorch's order (denom = √v / √bc2 + eps).
template <class T>
void adamw_update(T* p, const T* grad, T* m, T* v, T* v_max, int64_t n, const AdamWOptions& o,
                  int64_t step) {
  const auto [beta1, beta2] = o.betas();
  const T b1 = beta1, b2 = beta2, one_minus_b1 = 1 - beta1, one_minus_b2 = 1 - beta2;
  const T decay = 1 - o.lr() * o.weight_decay(), eps = o.eps();
  const T step_size = o.lr() / (1 - std::pow(beta1, step));
  const T bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, step));
  for (int64_t i = 0; i < n; ++i) {
    const T g = grad[i];
    p[i] *= decay;  // decoupled weight decay, before the moments
    m[i] = m[i] * b1 + one_minus_b1 * g;
    v[i] = v[i] * b2 + one_minus_b2 * g * g;
    T second = v[i];
    if (v_max) second = v_max[i] = std::max(v_max[i], v[i]);
    const T denom = std::sqrt(second) / bias_correction2_sqrt + eps;
    p[i] -= step_size * m[i] / denom;  // addcdiv: (value·t1)/t2
  }
}

}  // namespace

Tensor AdamW::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const AdamWOptions&>(group.options());
    for (Tensor& p : group.params()) {
      const Tensor& grad = p.grad();
      if (!grad.defined()) continue;
      auto& s = state_of<AdamWParamState>(p);
      if (!s.exp_avg().defined()) s.exp_avg(detail::buffer_like(p));
      if (!s.exp_avg_sq().defined()) s.exp_avg_sq(detail::buffer_like(p));
      if (o.amsgrad() && !s.max_exp_avg_sq().defined()) s.max_exp_avg_sq(detail::buffer_like(p));
      s.step(s.step() + 1);
      detail::update_in_place(p, grad, "AdamW", [&](auto* w, const auto* g) {
        using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
        adamw_update<T>(w, g, detail::data<T>(s.exp_avg()), detail::data<T>(s.exp_avg_sq()),
                        o.amsgrad() ? detail::data<T>(s.max_exp_avg_sq()) : nullptr, p.numel(), o,
                        s.step());
      });
    }
  }
  return loss;
}

}  // namespace ember::optim
