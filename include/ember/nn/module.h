// nn::Module, module holders and EMBER_MODULE: libtorch's way of writing networks.
//
//   struct NetImpl : ember::nn::Module {
//     NetImpl() : fc1(register_module("fc1", nn::Linear(784, 64))),
//                 fc2(register_module("fc2", nn::Linear(64, 10))) {}
//     Tensor forward(Tensor x) { return fc2(relu(fc1(x))); }
//     nn::Linear fc1, fc2;
//   };
//   EMBER_MODULE(Net);          // Net is a shared handle to a NetImpl: Net net; net(x); net->fc1
//
// A Module owns parameters (tensors that train), buffers (tensors that don't, such as running
// means) and named children. Names compose with dots: "fc1.weight", "0.bias".
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/core/device.h"
#include "ember/core/ordered_dict.h"
#include "ember/core/scalar_type.h"
#include "ember/tensor/tensor.h"

namespace ember::nn {

template <class Contained>
class ModuleHolder;

class Module : public std::enable_shared_from_this<Module> {
 public:
  /// `name` is what printing and error messages call the module; by default the C++ type name.
  explicit Module(std::string name);
  Module();
  virtual ~Module() = default;
  Module(const Module&) = default;
  Module& operator=(const Module&) = default;

  const std::string& name() const;

  /// Registers (or replaces) a parameter; an undefined tensor stands for an absent one
  /// (Linear without bias) and is skipped by parameters().
  Tensor& register_parameter(std::string name, Tensor tensor, bool requires_grad = true);
  Tensor& register_buffer(std::string name, Tensor tensor);
  template <class M>
  std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> module) {
    static_assert(std::is_base_of_v<Module, M>, "register_module: not an nn::Module");
    add_child(std::move(name), module);
    return module;
  }
  template <class M>
  std::shared_ptr<M> register_module(std::string name, ModuleHolder<M> holder) {
    return register_module(std::move(name), holder.ptr());
  }
  /// Replaces a registered child (the caller updates its own member handle).
  template <class M>
  std::shared_ptr<M> replace_module(const std::string& name, std::shared_ptr<M> module) {
    children_[name] = module;
    return module;
  }
  template <class M>
  std::shared_ptr<M> replace_module(const std::string& name, ModuleHolder<M> holder) {
    return replace_module(name, holder.ptr());
  }

  std::vector<Tensor> parameters(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_parameters(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_buffers(bool recurse = true) const;
  std::vector<std::shared_ptr<Module>> children() const;
  OrderedDict<std::string, std::shared_ptr<Module>> named_children() const;
  /// This module (if owned by a shared_ptr and include_self) and all descendants, depth first.
  std::vector<std::shared_ptr<Module>> modules(bool include_self = true);
  OrderedDict<std::string, std::shared_ptr<Module>> named_modules(const std::string& prefix = "",
                                                                  bool include_self = true);

  virtual void train(bool on = true);
  void eval() { train(false); }
  virtual bool is_training() const noexcept { return is_training_; }
  /// Clears gradients: sets them undefined (default, as PyTorch 2) or zeroes them in place.
  virtual void zero_grad(bool set_to_none = true);

  /// Converts parameters and buffers in place (their identity is kept, so optimizers built
  /// before still see them). Only floating-point tensors change dtype, as in PyTorch.
  virtual void to(ScalarType dtype, bool non_blocking = false);
  virtual void to(Device device, bool non_blocking = false);
  virtual void to(Device device, ScalarType dtype, bool non_blocking = false);

  /// Calls fn on this module and every descendant, parents first.
  void apply(const std::function<void(Module&)>& fn);
  void apply(const std::function<void(const std::string&, Module&)>& fn,
             const std::string& prefix = "");

  /// (Re)creates the parameters with their default initialisation.
  virtual void reset() {}
  /// One line describing this module alone (children are printed by operator<<).
  virtual void pretty_print(std::ostream& os) const;
  /// Deep copy (parameters cloned); modules implement it through Cloneable.
  virtual std::shared_ptr<Module> clone() const;

  /// Direct members, in registration order (undefined entries included).
  const OrderedDict<std::string, Tensor>& parameters_dict() const { return parameters_; }
  const OrderedDict<std::string, Tensor>& buffers_dict() const { return buffers_; }
  const OrderedDict<std::string, std::shared_ptr<Module>>& children_dict() const {
    return children_;
  }

  void pretty_print_recursive(std::ostream& os, const std::string& indentation) const;
  /// Copies the values of parameters and buffers (recursively, matched by name) from `other`.
  void copy_state_from(const Module& other);

 protected:
  void add_child(std::string name, std::shared_ptr<Module> module);

 private:
  void collect(const std::string& prefix, bool recurse, bool buffers,
               OrderedDict<std::string, Tensor>& out) const;
  mutable std::string name_;
  OrderedDict<std::string, Tensor> parameters_{"Parameter"};
  OrderedDict<std::string, Tensor> buffers_{"Buffer"};
  OrderedDict<std::string, std::shared_ptr<Module>> children_{"Submodule"};
  bool is_training_ = true;
};

std::ostream& operator<<(std::ostream& os, const Module& module);

/// A module whose clone() copies the derived type: `struct LinearImpl : Cloneable<LinearImpl>`.
/// clone() copy-constructs the module, calls reset() on the copy to give it fresh parameters and
/// children, then copies the original's values into them (so the clone shares no memory).
template <class Derived>
class Cloneable : public Module {
 public:
  using Module::Module;
  std::shared_ptr<Module> clone() const override;
};

/// A shared handle to a module (`nn::Linear` holds a `LinearImpl`), as libtorch's ModuleHolder.
template <class Contained>
class ModuleHolder {
 public:
  using ContainedType = Contained;

  /// Default-constructs the module (only for modules with a default constructor).
  ModuleHolder() : impl_(std::make_shared<Contained>()) {
    static_assert(std::is_default_constructible_v<Contained>,
                  "this module has no default constructor: pass its options, or nullptr for an "
                  "empty holder");
  }
  /// An empty holder, to be assigned later.
  ModuleHolder(std::nullptr_t) {}  // NOLINT
  /// Constructs the module from arguments: `nn::Linear(3, 4)`, `nn::Conv2d(options)`.
  template <class Head, class... Tail,
            class = std::enable_if_t<!(std::is_same_v<std::decay_t<Head>, std::nullptr_t> ||
                                       std::is_base_of_v<ModuleHolder, std::decay_t<Head>> ||
                                       std::is_convertible_v<Head, std::shared_ptr<Contained>>) ||
                                     sizeof...(Tail) != 0>>
  explicit ModuleHolder(Head&& head, Tail&&... tail)
      : impl_(std::make_shared<Contained>(std::forward<Head>(head), std::forward<Tail>(tail)...)) {}
  /// Wraps an existing module.
  ModuleHolder(std::shared_ptr<Contained> module) : impl_(std::move(module)) {}  // NOLINT

  explicit operator bool() const noexcept { return impl_ != nullptr; }
  bool is_empty() const noexcept { return impl_ == nullptr; }
  Contained* operator->() { return checked(); }
  const Contained* operator->() const { return checked(); }
  Contained& operator*() { return *checked(); }
  const Contained& operator*() const { return *checked(); }
  const std::shared_ptr<Contained>& ptr() const {
    checked();
    return impl_;
  }
  Contained* get() { return checked(); }
  const Contained* get() const { return checked(); }

  /// Calls the module's forward.
  template <class... Args>
  decltype(auto) operator()(Args&&... args) {
    return checked()->forward(std::forward<Args>(args)...);
  }
  template <class Arg>
  decltype(auto) operator[](Arg&& arg) {
    return (*checked())[std::forward<Arg>(arg)];
  }

 protected:
  Contained* checked() const {
    EMBER_CHECK(impl_ != nullptr, "accessing an empty ModuleHolder (constructed with nullptr)");
    return impl_.get();
  }
  std::shared_ptr<Contained> impl_;
};

template <class Contained>
std::ostream& operator<<(std::ostream& os, const ModuleHolder<Contained>& holder) {
  return os << *holder;
}

template <class Derived>
std::shared_ptr<Module> Cloneable<Derived>::clone() const {
  auto copy = std::make_shared<Derived>(static_cast<const Derived&>(*this));
  copy->reset();  // fresh parameters and children (Cloneable modules build everything in reset)
  copy->copy_state_from(*this);
  return copy;
}

}  // namespace ember::nn

/// Makes `Name` a holder of `Name##Impl` (libtorch's TORCH_MODULE).
#define EMBER_MODULE_IMPL(Name, ImplType)                    \
  class Name : public ::ember::nn::ModuleHolder<ImplType> {  \
   public:                                                   \
    using ::ember::nn::ModuleHolder<ImplType>::ModuleHolder; \
    using Impl = ImplType;                                   \
  }
#define EMBER_MODULE(Name) EMBER_MODULE_IMPL(Name, Name##Impl)
