// The autograd half of Tensor: requires_grad, grad, leaves, hooks, detach, backward.
#include "autograd/internal.h"
#include "ember/autograd/engine.h"
#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/ops.h"

namespace ember {

using autograd::AutogradMeta;

namespace autograd {
void install_hooks(const Tensor& t, AutogradMeta& meta);
}

namespace {
// grad_fn, rebuilt first for a view whose base changed in place.
const std::shared_ptr<autograd::Node>& fn_of(TensorImpl& impl, const AutogradMeta&) {
  return autograd::detail::grad_fn_of(impl);
}
}  // namespace

bool Tensor::requires_grad() const {
  AutogradMeta* m = impl_checked()->autograd_meta();
  if (impl_->view_base())
    return (m && m->requires_grad) || autograd::detail::view_grad_fn(*impl_) != nullptr;
  return m && (m->requires_grad || m->grad_fn);
}

Tensor& Tensor::set_requires_grad(bool r) {
  AutogradMeta* m = impl_checked()->autograd_meta();
  EMBER_CHECK(!m || !fn_of(*impl_, *m),
              "requires_grad_: you can only change requires_grad flags of leaf "
              "variables (this tensor is an output of ",
              m ? m->grad_fn->name() : "", ")");
  if (r) {
    EMBER_CHECK(is_floating_point(),
                "requires_grad_: only Tensors of floating point dtype can "
                "require gradients (got ",
                scalar_type(), ")");
    impl_->ensure_autograd_meta().requires_grad = true;
  } else if (m) {
    m->requires_grad = false;
  }
  return *this;
}

const Tensor& Tensor::grad() const {
  static const Tensor kUndefined;
  AutogradMeta* m = impl_checked()->autograd_meta();
  if (!m) return kUndefined;
  if (fn_of(*impl_, *m)) return m->hooks ? m->hooks->retained_grad : kUndefined;
  return m->grad;
}

Tensor& Tensor::mutable_grad() {
  AutogradMeta& m = impl_checked()->ensure_autograd_meta();
  if (fn_of(*impl_, m)) {
    autograd::install_hooks(*this, m);
    return m.hooks->retained_grad;
  }
  return m.grad;
}

bool Tensor::is_leaf() const { return autograd::detail::grad_fn_of(*impl_checked()) == nullptr; }

void Tensor::retain_grad() const {
  EMBER_CHECK(requires_grad(),
              "retain_grad: can't retain_grad on Tensor that has requires_grad=False");
  if (is_leaf()) return;
  AutogradMeta& m = impl_->ensure_autograd_meta();
  autograd::install_hooks(*this, m);
  m.hooks->retains_grad = true;
}

bool Tensor::retains_grad() const {
  AutogradMeta* m = impl_checked()->autograd_meta();
  return m && fn_of(*impl_, *m) && m->hooks && m->hooks->retains_grad;
}

const std::shared_ptr<autograd::Node>& Tensor::grad_fn() const {
  return autograd::detail::grad_fn_of(*impl_checked());
}

uint32_t Tensor::output_nr() const {
  AutogradMeta* m = impl_checked()->autograd_meta();
  return m ? m->output_nr : 0;
}

void Tensor::backward(const Tensor& gradient, std::optional<bool> retain_graph, bool create_graph,
                      std::optional<std::vector<Tensor>> inputs) const {
  static const autograd::variable_list kNoInputs;
  autograd::detail::run_backward(this, gradient.defined() ? &gradient : nullptr, 1, retain_graph,
                                 create_graph, inputs ? *inputs : kNoInputs);
}

Tensor Tensor::detach() const {
  const TensorImpl& i = *impl_checked();
  return Tensor(intrusive_ptr<TensorImpl>::make(i.storage(), i.dtype(), i.sizes(), i.strides(),
                                                i.storage_offset(), i.device()));
}

void Tensor::set_data(const Tensor& new_data) {
  EMBER_CHECK(new_data.defined(), "set_data: the new data is an undefined tensor");
  if (is_same(new_data)) return;
  impl_checked()->set_data_from(*new_data.impl());
}

Tensor& Tensor::detach_() {
  AutogradMeta* m = impl_checked()->autograd_meta();
  if (m) {
    m->grad_fn.reset();
    m->requires_grad = false;
    m->output_nr = 0;
  }
  impl_->set_view_base(nullptr);  // no longer a differentiable view
  return *this;
}

unsigned Tensor::_register_hook(std::function<Tensor(const Tensor&)> hook) const {
  EMBER_CHECK(requires_grad(),
              "register_hook: cannot register a hook on a tensor that doesn't "
              "require gradient");
  AutogradMeta& m = impl_->ensure_autograd_meta();
  autograd::install_hooks(*this, m);
  unsigned id = m.hooks->next_id++;
  m.hooks->hooks.push_back({id, std::move(hook)});
  return id;
}

void Tensor::remove_hook(unsigned handle) const {
  AutogradMeta* m = impl_checked()->autograd_meta();
  EMBER_CHECK(m && m->hooks, "remove_hook: no hook with handle ", handle);
  auto& hs = m->hooks->hooks;
  auto it = std::find_if(hs.begin(), hs.end(), [&](const auto& h) { return h.id == handle; });
  EMBER_CHECK(it != hs.end(), "remove_hook: no hook with handle ", handle);
  hs.erase(it);
}

}  // namespace ember
