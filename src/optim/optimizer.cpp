// Optimizer base: parameter groups, state keys, zero_grad, option JSON defaults.
#include "ember/optim/optimizer.h"

#include <nlohmann/json.hpp>
#include <typeinfo>
#include <unordered_set>

#include "ember/autograd/grad_mode.h"

namespace ember::optim {

void OptimizerOptions::to_json(nlohmann::json& j) const { j["lr"] = get_lr(); }
void OptimizerOptions::from_json(const nlohmann::json& j) {
  if (j.contains("lr")) set_lr(j.at("lr").get<double>());
}
void OptimizerParamState::to_json(nlohmann::json&) const {}
void OptimizerParamState::from_json(const nlohmann::json&) {}

OptimizerParamGroup& OptimizerParamGroup::operator=(const OptimizerParamGroup& other) {
  if (this != &other) {
    params_ = other.params_;
    options_ = other.options_ ? other.options_->clone() : nullptr;
  }
  return *this;
}

OptimizerOptions& OptimizerParamGroup::options() {
  EMBER_CHECK(options_, "OptimizerParamGroup: this group has no options");
  return *options_;
}
const OptimizerOptions& OptimizerParamGroup::options() const {
  EMBER_CHECK(options_, "OptimizerParamGroup: this group has no options");
  return *options_;
}

Optimizer::Optimizer(std::string name, std::vector<OptimizerParamGroup> param_groups,
                     std::unique_ptr<OptimizerOptions> defaults)
    : defaults_(std::move(defaults)), name_(std::move(name)) {
  EMBER_CHECK(defaults_, name_, ": no default options");
  size_t n = 0;
  for (const auto& group : param_groups) n += group.params().size();
  EMBER_CHECK(n > 0, name_, ": optimizer got an empty parameter list");
  for (const auto& group : param_groups) add_param_group(group);
}

void Optimizer::add_param_group(const OptimizerParamGroup& param_group) {
  std::unordered_set<const TensorImpl*> seen;
  for (const auto& group : param_groups_)
    for (const Tensor& p : group.params()) seen.insert(p.unsafeGetTensorImpl());
  for (size_t i = 0; i < param_group.params().size(); ++i) {
    const Tensor& p = param_group.params()[i];
    EMBER_CHECK(p.defined(), name_, ": parameter ", i, " of group ", param_groups_.size(),
                " is an undefined tensor");
    EMBER_CHECK(p.is_leaf(), name_, ": can't optimize a non-leaf Tensor (parameter ", i,
                " of group ", param_groups_.size(), ")");
    EMBER_CHECK(p.is_floating_point(), name_, ": parameter ", i, " of group ", param_groups_.size(),
                " has dtype ", p.scalar_type(), "; optimizers update float and double tensors");
    EMBER_CHECK(seen.insert(p.unsafeGetTensorImpl()).second, name_,
                ": some parameters appear in more than one parameter group");
  }
  OptimizerParamGroup group(param_group.params());
  if (param_group.has_options()) {
    const OptimizerOptions& o = param_group.options();
    EMBER_CHECK(typeid(o) == typeid(*defaults_), name_,
                ": a parameter group's options have the wrong type (expected the options of ",
                name_, ")");
    check_option(o.get_lr() >= 0, "learning rate", o.get_lr());
    group.set_options(o.clone());
  } else {
    group.set_options(defaults_->clone());
  }
  param_groups_.push_back(std::move(group));
}

void Optimizer::add_parameters(const std::vector<Tensor>& parameters) {
  EMBER_CHECK(!param_groups_.empty(), name_, ": add_parameters needs a first parameter group");
  // Re-validate through a temporary group, then append to the first one.
  OptimizerParamGroup probe(parameters, param_groups_[0].options().clone());
  add_param_group(probe);
  auto& first = param_groups_[0].params();
  first.insert(first.end(), parameters.begin(), parameters.end());
  param_groups_.pop_back();
}

void Optimizer::zero_grad(bool set_to_none) {
  for (auto& group : param_groups_) {
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      Tensor& g = p.mutable_grad();
      if (set_to_none) {
        g = Tensor();
      } else {
        if (g.grad_fn()) g = g.detach();
        NoGradGuard no_grad;
        g.zero_();
      }
    }
  }
}

size_t Optimizer::size() const noexcept {
  size_t n = 0;
  for (const auto& group : param_groups_) n += group.params().size();
  return n;
}

std::string Optimizer::state_key(const Tensor& p) {
  // What libtorch's c10::guts::to_string(p.unsafeGetTensorImpl()) prints ("0x" + lowercase
  // hex), without going through a stream: step() looks the state up for every parameter.
  auto v = reinterpret_cast<uintptr_t>(p.unsafeGetTensorImpl());
  char buf[2 + 2 * sizeof(uintptr_t)];
  char* end = buf + sizeof buf;
  char* s = end;
  do {
    *--s = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v);
  *--s = 'x';
  *--s = '0';
  return std::string(s, end);
}

Tensor Optimizer::run_closure(const LossClosure& closure) {
  if (!closure) return Tensor();
  AutoGradMode enable_grad(true);
  return closure();
}

void Optimizer::check_option(bool ok, const char* what, double value) const {
  EMBER_CHECK(ok, name_, ": Invalid ", what, ": ", value);
}

}  // namespace ember::optim
