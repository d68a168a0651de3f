// Saving optimizers and schedulers: ember::save(optimizer, path) / ember::load(optimizer, path)
// (libtorch's torch::save/torch::load) through the io archive hooks (ember/io/serialize.h).
//
// An optimizer is PyTorch's state_dict() split in two: its per-parameter tensors go to the
// safetensors file as "state.<i>.<name>" (i: the parameter's index over all groups, in order;
// name: PyTorch's, e.g. "state.0.exp_avg"), and the rest to the JSON sidecar:
//   {"format": "ember.optimizer/1", "type": "Adam",
//    "param_groups": [{"lr": 0.001, "betas": [0.9, 0.999], ..., "params": [0, 1]}],
//    "state": {"0": {"step": 12}, "1": {"step": 12}}}
// load() fills an optimizer built over the same parameters: it checks the type and the group
// sizes, restores each group's options and every parameter's state (fresh copies, converted to
// the parameter's dtype), so training continues exactly as if it had not stopped.
//
// Schedulers save their position ("last_epoch", "step_count", "base_lrs", "last_lr"; for
// ReduceLROnPlateau "best", "num_bad_epochs", "cooldown_counter") in the sidecar alone. Load
// them after building the scheduler; load_state also writes the restored rates into the
// optimizer, so the order of loading the optimizer and the scheduler does not matter.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "ember/io/serialize.h"
#include "ember/optim/optimizer.h"
#include "ember/optim/schedulers/lr_scheduler.h"
#include "ember/optim/schedulers/schedulers.h"

namespace ember::optim {

// ---- OptimizerDict <-> JSON (nlohmann's to_json/from_json, found by argument-dependent lookup)

inline void to_json(nlohmann::json& j, const OptimizerDict& d) {
  j = nlohmann::json::object();
  for (const auto& [key, value] : d.items())
    std::visit([&, &key = key](const auto& v) { j[key] = v; }, value);
}
/// Numbers, flags, text and lists of numbers; a null is an absent key (PyTorch writes None).
inline void from_json(const nlohmann::json& j, OptimizerDict& d) {
  EMBER_CHECK(j.is_object(), "optimizer: expected a JSON object of options but got ",
              j.type_name());
  d = {};
  for (const auto& [key, v] : j.items()) {
    if (v.is_null()) continue;
    if (v.is_boolean()) {
      d.set(key, v.get<bool>());
    } else if (v.is_number_integer()) {
      d.set(key, v.get<int64_t>());
    } else if (v.is_number()) {
      d.set(key, v.get<double>());
    } else if (v.is_string()) {
      d.set(key, v.get<std::string>());
    } else {
      const bool numbers = v.is_array() && std::all_of(v.begin(), v.end(),
                                                       [](const auto& e) { return e.is_number(); });
      EMBER_CHECK(numbers, "optimizer: \"", key, "\" holds a JSON ", v.type_name(),
                  "; options are numbers, flags, text or lists of numbers");
      d.set(key, v.get<std::vector<double>>());
    }
  }
}

// ---- optimizers -------------------------------------------------------------------------------

inline io::Archive to_archive(const Optimizer& o) {
  io::Archive a;
  nlohmann::json groups = nlohmann::json::array(), state = nlohmann::json::object();
  int64_t index = 0;
  for (const auto& group : o.param_groups()) {
    OptimizerDict options;
    group.options().to_dict(options);
    nlohmann::json g = options;
    g["params"] = nlohmann::json::array();
    for (const Tensor& p : group.params()) {
      g["params"].push_back(index);
      auto it = o.state().find(Optimizer::state_key(p));
      if (it != o.state().end()) {
        OptimizerDict scalars;
        it->second->to_dict(scalars);
        state[std::to_string(index)] = scalars;
        // tensors() hands out slots for loading; saving only reads them.
        for (auto& [name, t] : const_cast<OptimizerParamState&>(*it->second).tensors())
          if (t->defined())
            a.tensors.emplace_back("state." + std::to_string(index) + "." + name, *t);
      }
      ++index;
    }
    groups.push_back(g);
  }
  a.sidecar = {{"format", "ember.optimizer/1"},
               {"type", o.name()},
               {"param_groups", groups},
               {"state", state}};
  return a;
}

inline void from_archive(Optimizer& o, const io::Archive& a) {
  const nlohmann::json& j = a.sidecar;
  EMBER_CHECK(j.is_object() && j.value("format", "") == "ember.optimizer/1", o.name(),
              ": the file holds no optimizer state (its JSON sidecar is missing or not "
              "ember.optimizer/1)");
  EMBER_CHECK(j.value("type", "") == o.name(), "the file holds the state of a ",
              j.value("type", "?"), " optimizer, not of ", o.name());
  const nlohmann::json& groups = j.at("param_groups");
  auto& mine = o.param_groups();
  EMBER_CHECK(groups.size() == mine.size(), o.name(), ": the file has ", groups.size(),
              " parameter groups, this optimizer has ", mine.size());
  std::vector<const Tensor*> params;  // by index over all groups
  std::vector<std::unique_ptr<OptimizerOptions>> options;
  for (size_t g = 0; g < mine.size(); ++g) {
    EMBER_CHECK(groups[g].at("params").size() == mine[g].params().size(), o.name(),
                ": parameter group ", g, " has ", groups[g].at("params").size(),
                " parameters in the file, ", mine[g].params().size(), " here");
    for (const Tensor& p : mine[g].params()) params.push_back(&p);
    options.push_back(mine[g].options().clone());
    options.back()->from_dict(groups[g].get<OptimizerDict>());
  }
  std::map<std::string, const Tensor*> tensors;
  for (const auto& [name, t] : a.tensors) tensors[name] = &t;
  Optimizer::StateMap state;
  for (const auto& [key, scalars] : j.at("state").items()) {
    const size_t i = std::stoul(key);
    EMBER_CHECK(i < params.size(), o.name(), ": the file has state for parameter ", i,
                " but the optimizer has ", params.size(), " parameters");
    const Tensor& p = *params[i];
    std::unique_ptr<OptimizerParamState> s = make_param_state(o);
    s->from_dict(scalars.get<OptimizerDict>());
    for (auto& [name, slot] : s->tensors()) {
      auto it = tensors.find("state." + key + "." + name);
      if (it == tensors.end()) continue;
      const Tensor& t = *it->second;
      EMBER_CHECK(t.sizes() == p.sizes(), o.name(), ": state.", key, ".", name, " has shape ",
                  t.sizes(), " but parameter ", i, " has shape ", p.sizes());
      *slot = t.detach().to(p.scalar_type()).contiguous().clone();
      tensors.erase(it);
    }
    state[Optimizer::state_key(p)] = std::move(s);
  }
  EMBER_CHECK(tensors.empty(), o.name(), ": unexpected tensor \"", tensors.begin()->first,
              "\" in the file");
  for (size_t g = 0; g < mine.size(); ++g) mine[g].set_options(std::move(options[g]));
  o.state() = std::move(state);
}

// ---- schedulers ---------------------------------------------------------------------------------

inline void to_json(nlohmann::json& j, const LRSchedulerState& s) {
  j = {{"last_epoch", s.last_epoch},
       {"step_count", s.step_count},
       {"base_lrs", s.base_lrs},
       {"last_lr", s.last_lr}};
}
inline void from_json(const nlohmann::json& j, LRSchedulerState& s) {
  s.last_epoch = j.at("last_epoch").get<int64_t>();
  s.step_count = j.at("step_count").get<int64_t>();
  s.base_lrs = j.at("base_lrs").get<std::vector<double>>();
  s.last_lr = j.at("last_lr").get<std::vector<double>>();
}
inline void to_json(nlohmann::json& j, const ReduceLROnPlateauState& s) {
  // best starts at ±infinity, which JSON cannot hold: stored as a string then.
  j = {{"last_epoch", s.last_epoch},
       {"best", std::isfinite(s.best) ? nlohmann::json(s.best)
                                      : nlohmann::json(s.best > 0 ? "inf" : "-inf")},
       {"num_bad_epochs", s.num_bad_epochs},
       {"cooldown_counter", s.cooldown_counter},
       {"last_lr", s.last_lr}};
}
inline void from_json(const nlohmann::json& j, ReduceLROnPlateauState& s) {
  s.last_epoch = j.at("last_epoch").get<int64_t>();
  const nlohmann::json& best = j.at("best");
  s.best = best.is_string() ? (best == "inf" ? INFINITY : -INFINITY) : best.get<double>();
  s.num_bad_epochs = j.at("num_bad_epochs").get<int64_t>();
  s.cooldown_counter = j.at("cooldown_counter").get<int64_t>();
  s.last_lr = j.at("last_lr").get<std::vector<double>>();
}

inline io::Archive to_archive(const LRScheduler& s) {
  io::Archive a;
  a.sidecar = s.state();
  a.sidecar["format"] = "ember.lr_scheduler/1";
  a.sidecar["type"] = s.name();
  return a;
}
inline void from_archive(LRScheduler& s, const io::Archive& a) {
  EMBER_CHECK(a.sidecar.is_object() && a.sidecar.value("format", "") == "ember.lr_scheduler/1",
              s.name(), ": the file holds no scheduler state");
  EMBER_CHECK(a.sidecar.value("type", "") == s.name(), "the file holds the state of a ",
              a.sidecar.value("type", "?"), ", not of ", s.name());
  s.load_state(a.sidecar.get<LRSchedulerState>());
}

inline io::Archive to_archive(const ReduceLROnPlateau& s) {
  io::Archive a;
  a.sidecar = s.state();
  a.sidecar["format"] = "ember.lr_scheduler/1";
  a.sidecar["type"] = s.name();
  return a;
}
inline void from_archive(ReduceLROnPlateau& s, const io::Archive& a) {
  EMBER_CHECK(a.sidecar.is_object() && a.sidecar.value("format", "") == "ember.lr_scheduler/1",
              s.name(), ": the file holds no scheduler state");
  EMBER_CHECK(a.sidecar.value("type", "") == s.name(), "the file holds the state of a ",
              a.sidecar.value("type", "?"), ", not of ", s.name());
  s.load_state(a.sidecar.get<ReduceLROnPlateauState>());
}

}  // namespace ember::optim
