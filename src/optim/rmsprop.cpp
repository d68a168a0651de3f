// RMSprop: PyTorch 1.13's _single_tensor_rmsprop as one loop over each parameter.
#include "ember/optim/rmsprop.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "ember/autograd/grad_mode.h"
#include "optim/update.h"

namespace ember::optim {

void RMSpropOptions::to_json(nlohmann::json& j) const {
  j = {{"lr", lr()},
       {"alpha", alpha()},
       {"eps", eps()},
       {"weight_decay", weight_decay()},
       {"momentum", momentum()},
       {"centered", centered()}};
}
void RMSpropOptions::from_json(const nlohmann::json& j) {
  lr(j.value("lr", lr()));
  alpha(j.value("alpha", alpha()));
  eps(j.value("eps", eps()));
  weight_decay(j.value("weight_decay", weight_decay()));
  momentum(j.value("momentum", momentum()));
  centered(j.value("centered", centered()));
}
void RMSpropParamState::to_json(nlohmann::json& j) const { j["step"] = step(); }
void RMSpropParamState::from_json(const nlohmann::json& j) { step(j.value("step", step())); }

RMSprop::RMSprop(std::vector<OptimizerParamGroup> param_groups, RMSpropOptions defaults)
    : Optimizer("RMSprop", std::move(param_groups), std::make_unique<RMSpropOptions>(defaults)) {
  check_option(defaults.lr() >= 0, "learning rate", defaults.lr());
  check_option(defaults.eps() >= 0, "epsilon value", defaults.eps());
  check_option(defaults.momentum() >= 0, "momentum value", defaults.momentum());
  check_option(defaults.weight_decay() >= 0, "weight_decay value", defaults.weight_decay());
  check_option(defaults.alpha() >= 0, "alpha value", defaults.alpha());
}

namespace {

// PyTorch's single-tensor RMSprop, fused; `grad_avg` is used when centered, `buf` when
// momentum > 0. Chunked so the square roots run vectorised (update.h).
template <class T, bool kCentered, bool kMomentum>
void rmsprop_update(T* p, const T* grad, T* square_avg, T* grad_avg, T* buf, int64_t n,
                    const RMSpropOptions& o) {
  const T lr = o.lr(), alpha = o.alpha(), one_minus_alpha = 1 - o.alpha();
  const T eps = o.eps(), weight_decay = o.weight_decay(), momentum = o.momentum();
  const bool decay = o.weight_decay() != 0;
  detail::for_chunks(n, [&](int64_t begin, int64_t len) {
    T avg[detail::kChunk];
    T *pc = p + begin, *sq = square_avg + begin;
    T* ga = kCentered ? grad_avg + begin : nullptr;
    T* bc = kMomentum ? buf + begin : nullptr;
    const T* gc = grad + begin;
    for (int64_t i = 0; i < len; ++i) {
      const T g = decay ? gc[i] + weight_decay * pc[i] : gc[i];
      sq[i] = sq[i] * alpha + one_minus_alpha * g * g;  // square_avg.mul_(α).addcmul_(g, g, 1 − α)
      if constexpr (kCentered) {
        ga[i] = ga[i] * alpha + one_minus_alpha * g;  // grad_avg.mul_(α).add_(g, 1 − α)
        avg[i] = sq[i] - ga[i] * ga[i];               // square_avg.addcmul(ḡ, ḡ, −1)
      } else {
        avg[i] = sq[i];
      }
    }
    detail::sqrt_in_place(avg, len);
    for (int64_t i = 0; i < len; ++i) {
      const T g = decay ? gc[i] + weight_decay * pc[i] : gc[i];
      const T d = avg[i] + eps;
      if constexpr (kMomentum) {
        bc[i] = bc[i] * momentum + g / d;  // buf.mul_(momentum).addcdiv_(g, avg)
        pc[i] -= lr * bc[i];
      } else {
        pc[i] -= lr * g / d;  // param.addcdiv_(g, avg, −lr)
      }
    }
  });
}

}  // namespace

Tensor RMSprop::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const RMSpropOptions&>(group.options());
    for (Tensor& p : group.params()) {
      const Tensor& grad = p.grad();
      if (!grad.defined()) continue;
      auto& s = state_of<RMSpropParamState>(p);
      if (!s.square_avg().defined()) s.square_avg(detail::buffer_like(p));
      if (o.momentum() > 0 && !s.momentum_buffer().defined())
        s.momentum_buffer(detail::buffer_like(p));
      if (o.centered() && !s.grad_avg().defined()) s.grad_avg(detail::buffer_like(p));
      s.step(s.step() + 1);
      detail::update_in_place(p, grad, "RMSprop", [&](auto* w, const auto* g) {
        using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
        detail::with_flags(o.centered(), o.momentum() > 0, [&](auto centered, auto momentum) {
          rmsprop_update<T, centered, momentum>(w, g, detail::data<T>(s.square_avg()),
                                                detail::data<T>(s.grad_avg()),
                                                detail::data<T>(s.momentum_buffer()), p.numel(), o);
        });
      });
    }
  }
  return loss;
}

}  // namespace ember::optim
