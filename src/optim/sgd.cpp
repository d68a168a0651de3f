// SGD: PyTorch 1.13's _single_tensor_sgd, one kernels::sgd_update loop over each parameter.
#include "ember/optim/sgd.h"

#include <type_traits>

#include "ember/autograd/grad_mode.h"
#include "kernels/cpu/optim.h"
#include "optim/update.h"

namespace ember::optim {

void SGDOptions::to_dict(OptimizerDict& d) const {
  d = {{"lr", lr()},
       {"momentum", momentum()},
       {"dampening", dampening()},
       {"weight_decay", weight_decay()},
       {"nesterov", nesterov()}};
}
void SGDOptions::from_dict(const OptimizerDict& d) {
  lr(d.value("lr", lr()));
  momentum(d.value("momentum", momentum()));
  dampening(d.value("dampening", dampening()));
  weight_decay(d.value("weight_decay", weight_decay()));
  nesterov(d.value("nesterov", nesterov()));
}

SGD::SGD(std::vector<OptimizerParamGroup> param_groups, SGDOptions defaults)
    : Optimizer("SGD", std::move(param_groups), std::make_unique<SGDOptions>(defaults)) {
  check_options(defaults);
}

void SGD::check_options(const OptimizerOptions& options) const {
  const auto& o = static_cast<const SGDOptions&>(options);
  check_option(o.lr() >= 0, "learning rate", o.lr());
  check_option(o.momentum() >= 0, "momentum value", o.momentum());
  check_option(o.weight_decay() >= 0, "weight_decay value", o.weight_decay());
  EMBER_CHECK(!o.nesterov() || (o.momentum() > 0 && o.dampening() == 0),
              "SGD: Nesterov momentum requires a momentum and zero dampening");
}

Tensor SGD::step(LossClosure closure) {
  Tensor loss = run_closure(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const SGDOptions&>(group.options());
    for (Tensor& p : group.params()) {
      const Tensor& grad = p.grad();
      if (!grad.defined()) continue;
      Tensor* buf = nullptr;
      bool first = false;
      if (o.momentum() != 0) {
        buf = &state_of<SGDParamState>(p).momentum_buffer();
        first = !buf->defined();
        if (first) *buf = detail::buffer_like(p);
      }
      detail::update_in_place(p, grad, "SGD", [&](auto* w, const auto* g) {
        using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
        kernels::sgd_update<T>(w, g, buf ? detail::data<T>(*buf) : nullptr, p.numel(), o.lr(),
                               o.momentum(), o.dampening(), o.weight_decay(), o.nesterov(), first);
      });
    }
  }
  return loss;
}

}  // namespace ember::optim
