// Containers: Sequential (chains forwards), ModuleList, ModuleDict, and Functional (a function
// as a module).
//
//   nn::Sequential net(nn::Linear(784, 64), nn::ReLU(), nn::Linear(64, 10));
//   nn::Sequential named({{"fc", nn::Linear(3, 4)}, {"act", nn::Functional(ember::relu)}});
//   Tensor y = net->forward(x);   // or net(x)
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/nn/module.h"

namespace ember::nn {

/// A module with a `Tensor forward(const Tensor&)`, its type erased (libtorch's AnyModule,
/// restricted to one tensor in, one tensor out).
class AnyModule {
 public:
  AnyModule() = default;
  template <class M, class = std::enable_if_t<std::is_base_of_v<Module, M>>>
  AnyModule(std::shared_ptr<M> module)  // NOLINT
      : module_(module),
        forward_([m = module.get()](const Tensor& x) -> Tensor { return m->forward(x); }),
        clone_(
            [m = module.get()]() { return AnyModule(std::dynamic_pointer_cast<M>(m->clone())); }) {}
  template <class M>
  AnyModule(ModuleHolder<M> holder) : AnyModule(holder.ptr()) {}  // NOLINT

  Tensor forward(const Tensor& x) const { return forward_(x); }
  const std::shared_ptr<Module>& ptr() const { return module_; }
  template <class M>
  std::shared_ptr<M> ptr() const {
    auto p = std::dynamic_pointer_cast<M>(module_);
    EMBER_CHECK(p != nullptr, "AnyModule: the module ", module_->name(),
                " is not of the requested type");
    return p;
  }
  AnyModule clone() const { return clone_(); }
  bool is_empty() const { return module_ == nullptr; }

 private:
  std::shared_ptr<Module> module_;
  std::function<Tensor(const Tensor&)> forward_;
  std::function<AnyModule()> clone_;
};

/// A name and a module, for `Sequential({{"fc1", Linear(3, 4)}, ...})`.
struct NamedAnyModule {
  template <class M>
  NamedAnyModule(std::string name, M&& module)
      : name(std::move(name)), module(AnyModule(std::forward<M>(module))) {}
  std::string name;
  AnyModule module;
};

class SequentialImpl : public Cloneable<SequentialImpl> {
 public:
  SequentialImpl() : Cloneable("Sequential") {}
  template <class... Modules>
  explicit SequentialImpl(Modules&&... modules) : Cloneable("Sequential") {
    (push_back(std::forward<Modules>(modules)), ...);
  }
  explicit SequentialImpl(std::initializer_list<NamedAnyModule> named);

  template <class M>
  void push_back(M&& module) {
    push_back(std::to_string(items_.size()), std::forward<M>(module));
  }
  template <class M>
  void push_back(std::string name, M&& module) {
    add(std::move(name), AnyModule(std::forward<M>(module)));
  }
  void extend(const SequentialImpl& other);

  /// Runs the modules in order.
  Tensor forward(const Tensor& input);

  size_t size() const { return items_.size(); }
  bool is_empty() const { return items_.empty(); }
  std::shared_ptr<Module> operator[](size_t i) const { return item(i).ptr(); }
  std::shared_ptr<Module> ptr(size_t i) const { return item(i).ptr(); }
  template <class M>
  std::shared_ptr<M> ptr(size_t i) const {
    return item(i).template ptr<M>();
  }
  template <class M>
  M& at(size_t i) {
    return *ptr<M>(i);
  }
  std::vector<AnyModule>::const_iterator begin() const { return items_.begin(); }
  std::vector<AnyModule>::const_iterator end() const { return items_.end(); }

  std::shared_ptr<Module> clone() const override;
  void pretty_print(std::ostream& os) const override { os << "torch::nn::Sequential"; }

 private:
  void add(std::string name, AnyModule module);
  const AnyModule& item(size_t i) const;
  std::vector<AnyModule> items_;
};

/// Holder of a SequentialImpl; also takes `{{"name", module}, ...}`.
class Sequential : public ModuleHolder<SequentialImpl> {
 public:
  using ModuleHolder<SequentialImpl>::ModuleHolder;
  using Impl = SequentialImpl;
  Sequential() : ModuleHolder<SequentialImpl>() {}
  Sequential(std::nullptr_t) : ModuleHolder<SequentialImpl>(nullptr) {}  // NOLINT
  Sequential(std::initializer_list<NamedAnyModule> named)
      : ModuleHolder<SequentialImpl>(std::make_shared<SequentialImpl>(named)) {}
};

/// Holds submodules in a list (registered as "0", "1", ...); iterate and call them yourself.
class ModuleListImpl : public Cloneable<ModuleListImpl> {
 public:
  ModuleListImpl() : Cloneable("ModuleList") {}
  template <class... Modules>
  explicit ModuleListImpl(Modules&&... modules) : Cloneable("ModuleList") {
    (push_back(std::forward<Modules>(modules)), ...);
  }
  template <class M>
  void push_back(std::shared_ptr<M> module) {
    add(std::static_pointer_cast<Module>(module));
  }
  template <class M>
  void push_back(ModuleHolder<M> holder) {
    push_back(holder.ptr());
  }
  void extend(const ModuleListImpl& other) {
    for (const auto& m : other) add(m);
  }
  size_t size() const { return items_.size(); }
  bool is_empty() const { return items_.empty(); }
  std::shared_ptr<Module> operator[](size_t i) const { return ptr(i); }
  std::shared_ptr<Module> ptr(size_t i) const;
  template <class M>
  std::shared_ptr<M> ptr(size_t i) const {
    auto p = std::dynamic_pointer_cast<M>(ptr(i));
    EMBER_CHECK(p != nullptr, "ModuleList: module ", i, " (", ptr(i)->name(),
                ") is not of the requested type");
    return p;
  }
  template <class M>
  M& at(size_t i) {
    return *ptr<M>(i);
  }
  std::vector<std::shared_ptr<Module>>::const_iterator begin() const { return items_.begin(); }
  std::vector<std::shared_ptr<Module>>::const_iterator end() const { return items_.end(); }

  std::shared_ptr<Module> clone() const override;
  void pretty_print(std::ostream& os) const override { os << "torch::nn::ModuleList"; }

 private:
  void add(std::shared_ptr<Module> module);
  std::vector<std::shared_ptr<Module>> items_;
};
EMBER_MODULE(ModuleList);

/// Holds submodules by name, in insertion order.
class ModuleDictImpl : public Cloneable<ModuleDictImpl> {
 public:
  ModuleDictImpl() : Cloneable("ModuleDict") {}
  explicit ModuleDictImpl(
      const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules);
  explicit ModuleDictImpl(const OrderedDict<std::string, std::shared_ptr<Module>>& modules);

  template <class M>
  void insert(const std::string& key, std::shared_ptr<M> module) {
    add(key, std::static_pointer_cast<Module>(module));
  }
  template <class M>
  void insert(const std::string& key, ModuleHolder<M> holder) {
    insert(key, holder.ptr());
  }
  void update(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules);
  std::shared_ptr<Module> operator[](const std::string& key) const { return children_dict()[key]; }
  template <class M>
  M& at(const std::string& key) {
    auto p = std::dynamic_pointer_cast<M>((*this)[key]);
    EMBER_CHECK(p != nullptr, "ModuleDict: module '", key, "' is not of the requested type");
    return *p;
  }
  bool contains(const std::string& key) const { return children_dict().contains(key); }
  size_t size() const { return children_dict().size(); }
  bool empty() const { return children_dict().is_empty(); }
  std::vector<std::string> keys() const { return children_dict().keys(); }
  std::vector<std::shared_ptr<Module>> values() const { return children_dict().values(); }
  const std::vector<OrderedDict<std::string, std::shared_ptr<Module>>::Item>& items() const {
    return children_dict().items();
  }
  auto begin() const { return children_dict().begin(); }
  auto end() const { return children_dict().end(); }

  std::shared_ptr<Module> clone() const override;
  void pretty_print(std::ostream& os) const override { os << "torch::nn::ModuleDict"; }

 private:
  void add(const std::string& key, std::shared_ptr<Module> module);
};
EMBER_MODULE(ModuleDict);

/// A function as a module, for Sequential: `nn::Functional(ember::relu)`,
/// `nn::Functional(ember::leaky_relu, 0.2)` (extra arguments follow the input).
class FunctionalImpl : public Cloneable<FunctionalImpl> {
 public:
  using Function = std::function<Tensor(Tensor)>;
  explicit FunctionalImpl(Function fn) : Cloneable("Functional"), fn_(std::move(fn)) {}
  template <class F, class Arg, class... Args>
  FunctionalImpl(F fn, Arg arg, Args... args)
      : FunctionalImpl(Function([fn, arg, args...](Tensor x) { return fn(x, arg, args...); })) {}
  Tensor forward(const Tensor& input) { return fn_(input); }
  void pretty_print(std::ostream& os) const override { os << "torch::nn::Functional()"; }

 private:
  Function fn_;
};
EMBER_MODULE(Functional);

}  // namespace ember::nn
