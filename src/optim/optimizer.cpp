// Optimizer base: parameter groups, state keys, zero_grad, OptimizerDict and the options' defaults.
#include "ember/optim/optimizer.h"

#include <cmath>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <unordered_set>

#include "ember/autograd/grad_mode.h"

namespace ember::optim {

template <class T>
T OptimizerDict::value(const std::string& key, T fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const Value& v = it->second;
  auto mismatch = [&](const char* want) {
    static const char* const kHeld[] = {"a flag", "an integer", "a number", "text", "a list"};
    EMBER_ERROR("optimizer: \"", key, "\" should be ", want, " but holds ", kHeld[v.index()]);
  };
  if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string>) {
    if (!std::holds_alternative<T>(v)) mismatch(std::is_same_v<T, bool> ? "a flag" : "text");
    return std::get<T>(v);
  } else if constexpr (std::is_same_v<T, std::tuple<double, double>>) {
    const auto* l = std::get_if<std::vector<double>>(&v);
    if (!l || l->size() != 2) mismatch("a list of two numbers");
    return {(*l)[0], (*l)[1]};
  } else {
    if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<T>(*i);
    if (const auto* d = std::get_if<double>(&v)) {
      // A double becomes an integer only when it is one and fits (casting 1e30 is undefined).
      if constexpr (std::is_integral_v<T>) {
        if (!(*d == std::floor(*d) && *d >= -0x1p63 && *d < 0x1p63)) mismatch("an integer");
      }
      return static_cast<T>(*d);
    }
    mismatch("a number");
    return fallback;  // not reached
  }
}
template bool OptimizerDict::value(const std::string&, bool) const;
template int64_t OptimizerDict::value(const std::string&, int64_t) const;
template double OptimizerDict::value(const std::string&, double) const;
template std::string OptimizerDict::value(const std::string&, std::string) const;
template std::tuple<double, double> OptimizerDict::value(const std::string&,
                                                         std::tuple<double, double>) const;

void OptimizerOptions::to_dict(OptimizerDict& d) const { d.set("lr", get_lr()); }
void OptimizerOptions::from_dict(const OptimizerDict& d) { set_lr(d.value("lr", get_lr())); }
void OptimizerParamState::to_dict(OptimizerDict&) const {}
void OptimizerParamState::from_dict(const OptimizerDict&) {}

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

void Optimizer::check_options(const OptimizerOptions& o) const {
  check_option(o.get_lr() >= 0, "learning rate", o.get_lr());
}

void Optimizer::check_option(bool ok, const char* what, double value) const {
  EMBER_CHECK(ok, name_, ": Invalid ", what, ": ", value);
}

}  // namespace ember::optim
