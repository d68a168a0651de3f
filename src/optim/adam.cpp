// Adam: PyTorch 1.13's _single_tensor_adam as one loop over each parameter.
#include "ember/optim/adam.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "ember/autograd/grad_mode.h"
#include "optim/update.h"

namespace ember::optim {

void AdamOptions::to_json(nlohmann::json& j) const {
  j = {{"lr", lr()},
       {"betas", {std::get<0>(betas()), std::get<1>(betas())}},
       {"eps", eps()},
       {"weight_decay", weight_decay()},
       {"amsgrad", amsgrad()}};
}
void AdamOptions::from_json(const nlohmann::json& j) {
  lr(j.value("lr", lr()));
  if (j.contains("betas")) betas({j.at("betas").at(0).get<double>(), j.at("betas").at(1)});
  eps(j.value("eps", eps()));
  weight_decay(j.value("weight_decay", weight_decay()));
  amsgrad(j.value("amsgrad", amsgrad()));
}
void AdamParamState::to_json(nlohmann::json& j) const { j["step"] = step(); }
void AdamParamState::from_json(const nlohmann::json& j) { step(j.value("step", step())); }

Adam::Adam(std::vector<OptimizerParamGroup> param_groups, AdamOptions defaults)
    : Optimizer("Adam", std::move(param_groups), std::make_unique<AdamOptions>(defaults)) {
  const auto [beta1, beta2] = defaults.betas();
  check_option(defaults.lr() >= 0, "learning rate", defaults.lr());
  check_option(defaults.eps() >= 0, "epsilon value", defaults.eps());
  check_option(0 <= beta1 && beta1 < 1, "beta parameter at index 0", beta1);
  check_option(0 <= beta2 && beta2 < 1, "beta parameter at index 1", beta2);
  check_option(defaults.weight_decay() >= 0, "weight_decay value", defaults.weight_decay());
}

namespace {

// Scalars in double as PyTorch computes them in Python, then rounded once to T as its kernels
// round Python numbers; vector ops in PyTorch's order (denom = √v / √bc2 + eps).
template <class T>
void adam_update(T* p, const T* grad, T* m, T* v, T* v_max, int64_t n, const AdamOptions& o,
                 int64_t step) {
  const auto [beta1, beta2] = o.betas();
  const T b1 = beta1, b2 = beta2, one_minus_b1 = 1 - beta1, one_minus_b2 = 1 - beta2;
  const T weight_decay = o.weight_decay(), eps = o.eps();
  const T step_size = o.lr() / (1 - std::pow(beta1, step));
  const T bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, step));
  for (int64_t i = 0; i < n; ++i) {
    T g = grad[i];
    if (weight_decay != 0) g += weight_decay * p[i];
    m[i] = m[i] * b1 + one_minus_b1 * g;
    v[i] = v[i] * b2 + one_minus_b2 * g * g;
    T second = v[i];
    if (v_max) second = v_max[i] = std::max(v_max[i], v[i]);
    const T denom = std::sqrt(second) / bias_correction2_sqrt + eps;
    p[i] -= step_size * m[i] / denom;  // addcdiv: (value·t1)/t2
  }
}

}  // namespace

Tensor Adam::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const AdamOptions&>(group.options());
    for (Tensor& p : group.params()) {
      const Tensor& grad = p.grad();
      if (!grad.defined()) continue;
      auto& s = state_of<AdamParamState>(p);
      if (!s.exp_avg().defined()) s.exp_avg(detail::buffer_like(p));
      if (!s.exp_avg_sq().defined()) s.exp_avg_sq(detail::buffer_like(p));
      if (o.amsgrad() && !s.max_exp_avg_sq().defined()) s.max_exp_avg_sq(detail::buffer_like(p));
      s.step(s.step() + 1);
      detail::update_in_place(p, grad, "Adam", [&](auto* w, const auto* g) {
        using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
        adam_update<T>(w, g, detail::data<T>(s.exp_avg()), detail::data<T>(s.exp_avg_sq()),
                       o.amsgrad() ? detail::data<T>(s.max_exp_avg_sq()) : nullptr, p.numel(), o,
                       s.step());
      });
    }
  }
  return loss;
}

}  // namespace ember::optim
