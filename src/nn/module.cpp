// nn::Module: registration, traversal, train/eval, zero_grad, dtype conversion, printing.
#include "ember/nn/module.h"

#include <cxxabi.h>

#include <cstdlib>
#include <typeinfo>

#include "ember/autograd/grad_mode.h"
#include "ember/ops.h"

namespace ember::nn {
namespace {

std::string demangled_type_name(const std::type_info& type) {
  int status = 0;
  char* raw = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
  std::string out = status == 0 && raw ? raw : type.name();
  std::free(raw);
  return out;
}

void check_name(const std::string& name, const char* what) {
  EMBER_CHECK(!name.empty(), what, " name must not be empty");
  EMBER_CHECK(name.find('.') == std::string::npos, what, " name must not contain a dot, got '",
              name, "'");
}

std::string join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

}  // namespace

Module::Module(std::string name) : name_(std::move(name)) {}
Module::Module() = default;

const std::string& Module::name() const {
  // The dynamic type is only known after construction, hence lazily.
  if (name_.empty()) name_ = demangled_type_name(typeid(*this));
  return name_;
}

Tensor& Module::register_parameter(std::string name, Tensor tensor, bool requires_grad) {
  check_name(name, "Parameter");
  if (tensor.defined()) tensor.set_requires_grad(requires_grad);
  return parameters_.insert_or_assign(std::move(name), std::move(tensor));
}

Tensor& Module::register_buffer(std::string name, Tensor tensor) {
  check_name(name, "Buffer");
  return buffers_.insert_or_assign(std::move(name), std::move(tensor));
}

void Module::add_child(std::string name, std::shared_ptr<Module> module) {
  check_name(name, "Submodule");
  EMBER_CHECK(module != nullptr, "register_module: submodule '", name, "' is null");
  children_.insert_or_assign(std::move(name), std::move(module));
}

void Module::collect(const std::string& prefix, bool recurse, bool buffers,
                     OrderedDict<std::string, Tensor>& out) const {
  for (const auto& [name, t] : buffers ? buffers_ : parameters_)
    if (t.defined()) out.insert(join(prefix, name), t);
  if (!recurse) return;
  for (const auto& [name, child] : children_)
    child->collect(join(prefix, name), true, buffers, out);
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  return named_parameters(recurse).values();
}
OrderedDict<std::string, Tensor> Module::named_parameters(bool recurse) const {
  OrderedDict<std::string, Tensor> out("Parameter");
  collect("", recurse, false, out);
  return out;
}
std::vector<Tensor> Module::buffers(bool recurse) const { return named_buffers(recurse).values(); }
OrderedDict<std::string, Tensor> Module::named_buffers(bool recurse) const {
  OrderedDict<std::string, Tensor> out("Buffer");
  collect("", recurse, true, out);
  return out;
}

std::vector<std::shared_ptr<Module>> Module::children() const { return children_.values(); }
OrderedDict<std::string, std::shared_ptr<Module>> Module::named_children() const {
  return children_;
}

std::vector<std::shared_ptr<Module>> Module::modules(bool include_self) {
  return named_modules("", include_self).values();
}

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_modules(const std::string& prefix,
                                                                        bool include_self) {
  OrderedDict<std::string, std::shared_ptr<Module>> out("Module");
  if (include_self) {
    std::shared_ptr<Module> self = weak_from_this().lock();
    EMBER_CHECK(self != nullptr, "modules()/named_modules() with include_self need the module ",
                name(), " to be owned by a std::shared_ptr (use a holder or make_shared)");
    out.insert(prefix, self);
  }
  std::function<void(const std::string&, Module&)> walk = [&](const std::string& p, Module& m) {
    for (auto& [name, child] : m.children_) {
      out.insert(join(p, name), child);
      walk(join(p, name), *child);
    }
  };
  walk(prefix, *this);
  return out;
}

void Module::train(bool on) {
  is_training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::zero_grad(bool set_to_none) {
  for (Tensor& p : parameters()) {
    Tensor& g = p.mutable_grad();
    if (!g.defined()) continue;
    if (set_to_none) {
      g = Tensor();
    } else {
      g = g.detach();
      g.zero_();
    }
  }
}

namespace {
void convert(Module& m, const std::function<Tensor(const Tensor&)>& fn) {
  NoGradGuard no_grad;
  m.apply([&](Module& mod) {
    for (const auto& [name, t] : mod.parameters_dict())
      if (t.defined()) {
        Tensor copy = t;  // shares the impl: set_data keeps identity for every holder
        copy.set_data(fn(t));
        if (Tensor g = t.grad(); g.defined()) copy.mutable_grad().set_data(fn(g));
      }
    for (const auto& [name, t] : mod.buffers_dict())
      if (t.defined()) Tensor(t).set_data(fn(t));
  });
}
}  // namespace

void Module::to(ScalarType dtype, bool non_blocking) {
  convert(*this, [&](const Tensor& t) {
    return is_floating_point(t.scalar_type()) ? t.to(dtype, non_blocking) : t;
  });
}
void Module::to(Device device, bool non_blocking) {
  convert(*this, [&](const Tensor& t) { return t.to(device, non_blocking); });
}
void Module::to(Device device, ScalarType dtype, bool non_blocking) {
  convert(*this, [&](const Tensor& t) {
    return is_floating_point(t.scalar_type()) ? t.to(device, dtype, non_blocking)
                                              : t.to(device, non_blocking);
  });
}

void Module::apply(const std::function<void(Module&)>& fn) {
  fn(*this);
  for (auto& [name, child] : children_) child->apply(fn);
}
void Module::apply(const std::function<void(const std::string&, Module&)>& fn,
                   const std::string& prefix) {
  fn(prefix, *this);
  for (auto& [name, child] : children_) child->apply(fn, join(prefix, name));
}

void Module::pretty_print(std::ostream& os) const { os << name(); }

void Module::pretty_print_recursive(std::ostream& os, const std::string& indentation) const {
  pretty_print(os);
  if (children_.is_empty()) return;
  os << "(\n";
  const std::string next = indentation + "  ";
  for (const auto& [name, child] : children_) {
    os << next << "(" << name << "): ";
    child->pretty_print_recursive(os, next);
    os << '\n';
  }
  os << indentation << ")";
}

std::ostream& operator<<(std::ostream& os, const Module& module) {
  module.pretty_print_recursive(os, "");
  return os;
}

std::shared_ptr<Module> Module::clone() const {
  EMBER_CHECK(false, "clone() is not implemented for ", name(), ": derive it from nn::Cloneable<",
              name(), "> and build everything in reset()");
  return nullptr;
}

void Module::copy_state_from(const Module& other) {
  NoGradGuard no_grad;
  auto copy_dict = [&](OrderedDict<std::string, Tensor>& mine,
                       const OrderedDict<std::string, Tensor>& theirs) {
    for (const auto& [name, t] : theirs) {
      Tensor* dst = mine.find(name);
      if (!t.defined() || dst == nullptr || !dst->defined()) continue;
      if (dst->is_same(t))
        *dst = t.clone().set_requires_grad(t.requires_grad());  // still shared: detach it
      else
        dst->set_data(t.detach().clone());
    }
  };
  copy_dict(parameters_, other.parameters_);
  copy_dict(buffers_, other.buffers_);
  for (auto& [name, child] : children_)
    if (const auto* theirs = other.children_.find(name); theirs && *theirs != child)
      child->copy_state_from(**theirs);
}

}  // namespace ember::nn
