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

// 1 − β1ᵗ and √(1 − β2ᵗ), computed once per step count (std::pow is slow, and slower still once
// βᵗ underflows), not once per parameter.
struct BiasCorrection {
  int64_t step = -1;
  double bias_correction1 = 1, bias_correction2_sqrt = 1;
  void update(const AdamWOptions& o, int64_t t) {
    if (t == step) return;
    step = t;
    bias_correction1 = 1 - std::pow(std::get<0>(o.betas()), t);
    bias_correction2_sqrt = std::sqrt(1 - std::pow(std::get<1>(o.betas()), t));
  }
};

// Adam's loop (src/optim/adam.cpp) with the weight decay applied to p, before the moments,
// instead of to the gradient (PyTorch's single-tensor AdamW).
template <class T, bool kAmsgrad>
void adamw_update(T* p, const T* grad, T* m, T* v, T* v_max, int64_t n, const AdamWOptions& o,
                  const BiasCorrection& bc) {
  const auto [beta1, beta2] = o.betas();
  const T b1 = beta1, b2 = beta2, one_minus_b1 = 1 - beta1, one_minus_b2 = 1 - beta2;
  const T decay = 1 - o.lr() * o.weight_decay(), eps = o.eps();
  const T step_size = o.lr() / bc.bias_correction1;
  const T bias_correction2_sqrt = bc.bias_correction2_sqrt;
  detail::for_chunks(n, [&](int64_t begin, int64_t len) {
    T root[detail::kChunk];
    T *pc = p + begin, *mc = m + begin, *vc = v + begin;
    T* v_maxc = kAmsgrad ? v_max + begin : nullptr;
    const T* gc = grad + begin;
    for (int64_t i = 0; i < len; ++i) {
      const T g = gc[i];
      pc[i] *= decay;  // param.mul_(1 − lr·weight_decay)
      mc[i] = mc[i] * b1 + one_minus_b1 * g;
      vc[i] = vc[i] * b2 + one_minus_b2 * g * g;
      if constexpr (kAmsgrad) v_maxc[i] = v_maxc[i] < vc[i] ? vc[i] : v_maxc[i];
      root[i] = kAmsgrad ? v_maxc[i] : vc[i];
    }
    detail::sqrt_in_place(root, len);
    for (int64_t i = 0; i < len; ++i) {
      const T denom = root[i] / bias_correction2_sqrt + eps;
      pc[i] -= step_size * mc[i] / denom;
    }
  });
}

}  // namespace

Tensor AdamW::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const AdamWOptions&>(group.options());
    BiasCorrection bc;
    for (Tensor& p : group.params()) {
      const Tensor& grad = p.grad();
      if (!grad.defined()) continue;
      auto& s = state_of<AdamWParamState>(p);
      if (!s.exp_avg().defined()) s.exp_avg(detail::buffer_like(p));
      if (!s.exp_avg_sq().defined()) s.exp_avg_sq(detail::buffer_like(p));
      if (o.amsgrad() && !s.max_exp_avg_sq().defined()) s.max_exp_avg_sq(detail::buffer_like(p));
      s.step(s.step() + 1);
      bc.update(o, s.step());
      detail::update_in_place(p, grad, "AdamW", [&](auto* w, const auto* g) {
        using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
        detail::with_flags(o.amsgrad(), false, [&](auto amsgrad, auto) {
          adamw_update<T, amsgrad>(w, g, detail::data<T>(s.exp_avg()),
                                   detail::data<T>(s.exp_avg_sq()),
                                   detail::data<T>(s.max_exp_avg_sq()), p.numel(), o, bc);
        });
      });
    }
  }
  return loss;
}

}  // namespace ember::optim
