// RMSprop: PyTorch 1.13's _single_tensor_rmsprop, one kernels::rmsprop_update loop over each
// parameter.
#include "ember/optim/rmsprop.h"

#include <type_traits>

#include "ember/autograd/grad_mode.h"
#include "kernels/cpu/optim.h"
#include "optim/update.h"

namespace ember::optim {

void RMSpropOptions::to_dict(OptimizerDict& d) const {
  d = {{"lr", lr()},
       {"alpha", alpha()},
       {"eps", eps()},
       {"weight_decay", weight_decay()},
       {"momentum", momentum()},
       {"centered", centered()}};
}
void RMSpropOptions::from_dict(const OptimizerDict& d) {
  lr(d.value("lr", lr()));
  alpha(d.value("alpha", alpha()));
  eps(d.value("eps", eps()));
  weight_decay(d.value("weight_decay", weight_decay()));
  momentum(d.value("momentum", momentum()));
  centered(d.value("centered", centered()));
}
void RMSpropParamState::to_dict(OptimizerDict& d) const { d.set("step", step()); }
void RMSpropParamState::from_dict(const OptimizerDict& d) { step(d.value("step", step())); }

RMSprop::RMSprop(std::vector<OptimizerParamGroup> param_groups, RMSpropOptions defaults)
    : Optimizer("RMSprop", std::move(param_groups), std::make_unique<RMSpropOptions>(defaults)) {
  check_options(defaults);
}

void RMSprop::check_options(const OptimizerOptions& options) const {
  const auto& o = static_cast<const RMSpropOptions&>(options);
  check_option(o.lr() >= 0, "learning rate", o.lr());
  check_option(o.eps() >= 0, "epsilon value", o.eps());
  check_option(o.momentum() >= 0, "momentum value", o.momentum());
  check_option(o.weight_decay() >= 0, "weight_decay value", o.weight_decay());
  check_option(o.alpha() >= 0, "alpha value", o.alpha());
}

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
        kernels::rmsprop_update<T>(
            w, g, detail::data<T>(s.square_avg()), detail::data<T>(s.grad_avg()),
            detail::data<T>(s.momentum_buffer()), p.numel(), o.lr(), o.alpha(), o.eps(),
            o.weight_decay(), o.momentum(), o.centered());
      });
    }
  }
  return loss;
}

}  // namespace ember::optim
