// Sequential, ModuleList and ModuleDict.
#include "ember/nn/modules/container.h"

namespace ember::nn {

SequentialImpl::SequentialImpl(std::initializer_list<NamedAnyModule> named)
    : Cloneable("Sequential") {
  for (const NamedAnyModule& m : named) add(m.name, m.module);
}

void SequentialImpl::add(std::string name, AnyModule module) {
  EMBER_CHECK(!module.is_empty(), "Sequential: cannot add an empty module as '", name, "'");
  add_child(std::move(name), module.ptr());
  items_.push_back(std::move(module));
}

void SequentialImpl::extend(const SequentialImpl& other) {
  for (const AnyModule& m : other) add(std::to_string(items_.size()), m);
}

const AnyModule& SequentialImpl::item(size_t i) const {
  EMBER_CHECK(i < items_.size(), "Sequential: index ", i, " is out of range (size ", items_.size(),
              ")");
  return items_[i];
}

Tensor SequentialImpl::forward(const Tensor& input) {
  EMBER_CHECK(!items_.empty(), "Sequential: cannot call forward() on an empty Sequential");
  Tensor x = items_[0].forward(input);
  for (size_t i = 1; i < items_.size(); ++i) x = items_[i].forward(x);
  return x;
}

std::shared_ptr<Module> SequentialImpl::clone() const {
  auto copy = std::make_shared<SequentialImpl>();
  const auto names = children_dict().keys();
  for (size_t i = 0; i < items_.size(); ++i) copy->add(names[i], items_[i].clone());
  copy->train(is_training());
  return copy;
}

void ModuleListImpl::add(std::shared_ptr<Module> module) {
  EMBER_CHECK(module != nullptr, "ModuleList: cannot add a null module");
  add_child(std::to_string(items_.size()), module);
  items_.push_back(std::move(module));
}

std::shared_ptr<Module> ModuleListImpl::ptr(size_t i) const {
  EMBER_CHECK(i < items_.size(), "ModuleList: index ", i, " is out of range (size ", items_.size(),
              ")");
  return items_[i];
}

std::shared_ptr<Module> ModuleListImpl::clone() const {
  auto copy = std::make_shared<ModuleListImpl>();
  for (const auto& m : items_) copy->add(m->clone());
  copy->train(is_training());
  return copy;
}

ModuleDictImpl::ModuleDictImpl(
    const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules)
    : Cloneable("ModuleDict") {
  update(modules);
}

ModuleDictImpl::ModuleDictImpl(const OrderedDict<std::string, std::shared_ptr<Module>>& modules)
    : Cloneable("ModuleDict") {
  for (const auto& [key, m] : modules) add(key, m);
}

void ModuleDictImpl::update(
    const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules) {
  for (const auto& [key, m] : modules) add(key, m);
}

void ModuleDictImpl::add(const std::string& key, std::shared_ptr<Module> module) {
  EMBER_CHECK(module != nullptr, "ModuleDict: cannot add a null module as '", key, "'");
  add_child(key, std::move(module));
}

std::shared_ptr<Module> ModuleDictImpl::clone() const {
  auto copy = std::make_shared<ModuleDictImpl>();
  for (const auto& [key, m] : children_dict()) copy->add(key, m->clone());
  copy->train(is_training());
  return copy;
}

}  // namespace ember::nn
