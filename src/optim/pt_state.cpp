// Optimizer state <-> PyTorch's state_dict layout (ember/optim/pt_state.h): OptimizerDict values
// become Python values (a list of numbers becomes a tuple, as PyTorch's betas) and back.
#include "ember/optim/pt_state.h"

#include <map>
#include <set>
#include <string>
#include <variant>

#include "ember/core/error.h"
#include "ember/tensor/factories.h"

namespace ember::optim {

namespace {

// PyTorch keeps these optimizers' steps as float32 0-d tensors.
bool tensor_steps(const Optimizer& o) {
  return o.name() == "Adam" || o.name() == "AdamW" || o.name() == "Adagrad";
}

pt::Value to_value(const OptimizerDict::Value& v) {
  return std::visit(
      [](const auto& x) -> pt::Value {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::vector<double>>) {
          pt::Value::Items items(x.begin(), x.end());
          return pt::Value::tuple(std::move(items));
        } else {
          return pt::Value(x);
        }
      },
      v);
}

// A Python value as an option; nullopt for None. `what` names it in errors.
std::optional<OptimizerDict::Value> from_value(const pt::Value& v, const std::string& what) {
  switch (v.kind()) {
    case pt::Value::Kind::None:
      return std::nullopt;
    case pt::Value::Kind::Bool:
      return v.to_bool();
    case pt::Value::Kind::Int:
      return v.to_int();
    case pt::Value::Kind::Float:
      return v.to_double();
    case pt::Value::Kind::String:
      return v.to_string();
    case pt::Value::Kind::Tensor: {
      const Tensor& t = v.to_tensor();
      EMBER_CHECK(t.numel() == 1, what, " is a tensor of shape ", t.sizes(), ", not a number");
      return t.is_floating_point() ? OptimizerDict::Value(t.item<double>())
                                   : OptimizerDict::Value(t.item<int64_t>());
    }
    case pt::Value::Kind::List:
    case pt::Value::Kind::Tuple: {
      std::vector<double> xs;
      for (const pt::Value& x : v.items()) {
        EMBER_CHECK(x.is_int() || x.is_float(), what, " holds a ", x.type_name(),
                    "; lists of options hold numbers");
        xs.push_back(x.to_double());
      }
      return xs;
    }
    default:
      break;
  }
  EMBER_ERROR(what, " is a ", v.type_name(), "; options are numbers, flags, text or tuples");
}

}  // namespace

pt::Value pt_state_dict(const Optimizer& o) {
  pt::Value::Items groups;
  pt::Value::DictItems state;
  int64_t index = 0;
  for (const auto& group : o.param_groups()) {
    OptimizerDict options;
    group.options().to_dict(options);
    pt::Value::DictItems g;
    for (const auto& [key, value] : options.items()) g.emplace_back(key, to_value(value));
    pt::Value::Items params;
    for (const Tensor& p : group.params()) {
      params.emplace_back(index);
      auto it = o.state().find(Optimizer::state_key(p));
      if (it != o.state().end()) {
        OptimizerDict scalars;
        it->second->to_dict(scalars);
        pt::Value::DictItems s;
        for (const auto& [key, value] : scalars.items()) {
          if (key == "step" && tensor_steps(o) && std::holds_alternative<int64_t>(value))
            s.emplace_back(key,
                           scalar_tensor(std::get<int64_t>(value), TensorOptions().dtype(kFloat)));
          else
            s.emplace_back(key, to_value(value));
        }
        // tensors() hands out slots for loading; reading them changes nothing.
        for (auto& [name, t] : const_cast<OptimizerParamState&>(*it->second).tensors())
          if (t->defined()) s.emplace_back(name, t->detach());
        state.emplace_back(index, pt::Value::dict(std::move(s), false));
      }
      ++index;
    }
    g.emplace_back("params", pt::Value::list(std::move(params)));
    groups.push_back(pt::Value::dict(std::move(g), false));
  }
  return pt::Value::dict({{"state", pt::Value::dict(std::move(state), false)},
                          {"param_groups", pt::Value::list(std::move(groups))}},
                         false);
}

void load_pt_state_dict(Optimizer& o, const pt::Value& v) {
  const std::string who = o.name() + ": load_pt_state_dict: ";
  EMBER_CHECK(
      v.is_dict() && v.find("state") && v.find("param_groups"), who,
      "expected a dict with \"state\" and \"param_groups\" (an optimizer's state_dict), got "
      "a ",
      v.type_name());
  const pt::Value& groups = v.at("param_groups");
  EMBER_CHECK(groups.is_list() || groups.is_tuple(), who, "param_groups is a ", groups.type_name());
  auto& mine = o.param_groups();
  EMBER_CHECK(groups.size() == mine.size(), who, "the state has ", groups.size(),
              " parameter groups, this optimizer has ", mine.size());
  std::map<int64_t, const Tensor*> params;  // PyTorch's parameter id -> parameter
  std::vector<std::unique_ptr<OptimizerOptions>> options;
  for (size_t g = 0; g < mine.size(); ++g) {
    const pt::Value& group = groups.at(g);
    EMBER_CHECK(group.is_dict(), who, "param_groups[", g, "] is a ", group.type_name());
    const pt::Value& ids = group.at("params");
    EMBER_CHECK((ids.is_list() || ids.is_tuple()) && ids.size() == mine[g].params().size(), who,
                "parameter group ", g, " has ", ids.is_list() ? ids.size() : 0,
                " parameters in the state, ", mine[g].params().size(), " here");
    for (size_t i = 0; i < ids.size(); ++i) {
      EMBER_CHECK(ids.at(i).is_int(), who, "param_groups[", g, "][\"params\"] holds a ",
                  ids.at(i).type_name());
      EMBER_CHECK(params.emplace(ids.at(i).to_int(), &mine[g].params()[i]).second, who,
                  "parameter id ", ids.at(i).to_int(), " appears twice");
    }
    OptimizerDict d;
    for (const auto& [key, value] : group.dict_items()) {
      EMBER_CHECK(key.is_string(), who, "param_groups[", g, "] has a ", key.type_name(), " key");
      if (key.to_string() == "params") continue;
      auto x = from_value(
          value, who + "param_groups[" + std::to_string(g) + "][\"" + key.to_string() + "\"]");
      if (x) d.set(key.to_string(), *x);
    }
    options.push_back(mine[g].options().clone());
    options.back()->from_dict(d);
  }
  Optimizer::StateMap state;
  const pt::Value& saved = v.at("state");
  EMBER_CHECK(saved.is_dict(), who, "state is a ", saved.type_name());
  for (const auto& [key, per_param] : saved.dict_items()) {
    EMBER_CHECK(key.is_int(), who, "state is keyed by a ", key.type_name(),
                " (PyTorch keys it by parameter index)");
    auto it = params.find(key.to_int());
    EMBER_CHECK(it != params.end(), who, "the state has an entry for parameter ", key.to_int(),
                ", which no parameter group lists");
    const Tensor& p = *it->second;
    EMBER_CHECK(per_param.is_dict(), who, "state[", key.to_int(), "] is a ", per_param.type_name());
    std::unique_ptr<OptimizerParamState> s = make_param_state(o);
    std::map<std::string, Tensor*> slots;
    for (auto& [name, slot] : s->tensors()) slots[name] = slot;
    OptimizerDict scalars;
    for (const auto& [name_value, x] : per_param.dict_items()) {
      EMBER_CHECK(name_value.is_string(), who, "state[", key.to_int(), "] has a ",
                  name_value.type_name(), " key");
      const std::string& name = name_value.to_string();
      const std::string what =
          who + "state[" + std::to_string(key.to_int()) + "][\"" + name + "\"]";
      auto slot = slots.find(name);
      if (slot != slots.end() && x.is_tensor()) {
        const Tensor& t = x.to_tensor();
        EMBER_CHECK(t.sizes() == p.sizes(), what, " has shape ", t.sizes(), " but parameter ",
                    key.to_int(), " has shape ", p.sizes());
        *slot->second = t.detach().to(p.scalar_type()).contiguous().clone();
      } else {
        auto value = from_value(x, what);
        if (value) scalars.set(name, *value);
      }
    }
    s->from_dict(scalars);
    state[Optimizer::state_key(p)] = std::move(s);
  }
  for (size_t g = 0; g < mine.size(); ++g) mine[g].set_options(std::move(options[g]));
  o.state() = std::move(state);
}

}  // namespace ember::optim
