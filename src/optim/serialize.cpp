// Optimizer and scheduler archives (see ember/optim/serialize.h): writing PyTorch-shaped state,
// and reading it back in two phases, validate everything, then apply.
#include "ember/optim/serialize.h"

#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "ember/ops.h"
#include "io/json_fields.h"

namespace ember::optim {

using json = nlohmann::json;

namespace {

// Counters (epochs, steps) stay below 2^53: exact as doubles, and far from overflowing.
constexpr int64_t kMaxCount = int64_t(1) << 53;
constexpr double kMaxDouble = std::numeric_limits<double>::max();

// A field reader for a document whose file the caller names ("load: <path>: " by ember::load).
io::JsonFields fields(const std::string& who) { return io::JsonFields(who, ""); }

// A decimal parameter index as saving writes it ("0", "12"; no sign, no leading zero).
bool parse_index(const std::string& key, size_t& index) {
  if (key.empty() || key.size() > 18 || (key.size() > 1 && key[0] == '0')) return false;
  index = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return false;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  return true;
}

}  // namespace

// ---- OptimizerDict <-> JSON ---------------------------------------------------------------------

void to_json(json& j, const OptimizerDict& d) {
  j = json::object();
  for (const auto& [key, value] : d.items())
    std::visit([&, &key = key](const auto& v) { j[key] = v; }, value);
}

void from_json(const json& j, OptimizerDict& d) {
  EMBER_CHECK(j.is_object(), "optimizer: expected a JSON object of options but got ",
              j.type_name());
  OptimizerDict out;
  for (const auto& [key, v] : j.items()) {
    auto finite = [&, &key = key, &v = v](double x) {
      EMBER_CHECK(std::isfinite(x), "optimizer: \"", key, "\" holds ", io::json_excerpt(v),
                  "; numbers must be finite");
      return x;
    };
    if (v.is_null()) continue;
    if (v.is_boolean()) {
      out.set(key, v.get<bool>());
    } else if (v.is_number_unsigned()) {
      EMBER_CHECK(v.get<uint64_t>() <= uint64_t(std::numeric_limits<int64_t>::max()),
                  "optimizer: \"", key, "\" holds ", io::json_excerpt(v),
                  ", out of the range of a 64-bit integer");
      out.set(key, static_cast<int64_t>(v.get<uint64_t>()));
    } else if (v.is_number_integer()) {
      out.set(key, v.get<int64_t>());
    } else if (v.is_number()) {
      out.set(key, finite(v.get<double>()));
    } else if (v.is_string()) {
      out.set(key, v.get<std::string>());
    } else {
      const bool numbers = v.is_array() && std::all_of(v.begin(), v.end(),
                                                       [](const auto& e) { return e.is_number(); });
      EMBER_CHECK(numbers, "optimizer: \"", key, "\" holds a JSON ", v.type_name(),
                  "; options are numbers, flags, text or lists of numbers");
      std::vector<double> list;
      for (const auto& e : v) list.push_back(finite(e.get<double>()));
      out.set(key, std::move(list));
    }
  }
  d = std::move(out);
}

// ---- optimizers -------------------------------------------------------------------------------

io::Archive to_archive(const Optimizer& o) {
  io::Archive a;
  json groups = json::array(), state = json::object();
  int64_t index = 0;
  for (const auto& group : o.param_groups()) {
    OptimizerDict options;
    group.options().to_dict(options);
    json g = options;
    g["params"] = json::array();
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

OptimizerSnapshot read_optimizer_state(const Optimizer& o, const io::Archive& a) {
  const json& j = a.sidecar;
  EMBER_CHECK(j.is_object() && j.contains("format") && j["format"].is_string() &&
                  j["format"] == "ember.optimizer/1",
              o.name(),
              ": the file holds no optimizer state (its JSON document is missing or not "
              "ember.optimizer/1)");
  const auto f = fields(o.name());
  const std::string type =
      j.contains("type") && j["type"].is_string() ? j["type"].get<std::string>() : "?";
  EMBER_CHECK(type == o.name(), "the file holds the state of a ", type, " optimizer, not of ",
              o.name());
  const json& groups = f.array(f.at(j, "param_groups", "param_groups"), "param_groups");
  const auto& mine = o.param_groups();
  EMBER_CHECK(groups.size() == mine.size(), o.name(), ": the file has ", groups.size(),
              " parameter groups, this optimizer has ", mine.size());
  OptimizerSnapshot snap;
  std::vector<const Tensor*> params;  // by index over all groups
  for (size_t g = 0; g < mine.size(); ++g) {
    const std::string field = "param_groups[" + std::to_string(g) + "]";
    f.object(groups[g], field);
    const json& ids = f.array(f.at(groups[g], "params", field + ".params"), field + ".params");
    EMBER_CHECK(ids.size() == mine[g].params().size(), o.name(), ": parameter group ", g, " has ",
                ids.size(), " parameters in the file, ", mine[g].params().size(), " here");
    for (size_t k = 0; k < ids.size(); ++k) {
      // Saving numbers the parameters over all groups in order: anything else is not ours.
      const auto want = static_cast<int64_t>(params.size());
      f.integer(ids[k], field + ".params[" + std::to_string(k) + "]", want, want);
      params.push_back(&mine[g].params()[k]);
    }
    std::unique_ptr<OptimizerOptions> options = mine[g].options().clone();
    try {
      options->from_dict(groups[g].get<OptimizerDict>());
      o.check_options(*options);
    } catch (const Error& e) {
      EMBER_ERROR(o.name(), ": ", field, ": ", e.what());
    }
    snap.options.push_back(std::move(options));
  }
  std::map<std::string, const Tensor*> tensors;
  for (const auto& [name, t] : a.tensors) tensors[name] = &t;
  const json& state = f.object(f.at(j, "state", "state"), "state");
  for (const auto& [key, scalars] : state.items()) {
    size_t i = 0;
    if (!parse_index(key, i)) f.fail("state." + key, "is not a parameter index");
    EMBER_CHECK(i < params.size(), o.name(), ": the file has state for parameter ", i,
                " but the optimizer has ", params.size(), " parameters");
    const Tensor& p = *params[i];
    std::unique_ptr<OptimizerParamState> s = make_param_state(o);
    f.object(scalars, "state." + key);
    if (scalars.contains("step"))
      f.integer(scalars["step"], "state." + key + ".step", 0, kMaxCount);
    try {
      s->from_dict(scalars.get<OptimizerDict>());
    } catch (const Error& e) {
      EMBER_ERROR(o.name(), ": state.", key, ": ", e.what());
    }
    for (auto& [name, slot] : s->tensors()) {
      auto it = tensors.find("state." + key + "." + name);
      if (it == tensors.end()) continue;
      const Tensor& t = *it->second;
      EMBER_CHECK(t.sizes() == p.sizes(), o.name(), ": state.", key, ".", name, " has shape ",
                  t.sizes(), " but parameter ", i, " has shape ", p.sizes());
      EMBER_CHECK(t.is_floating_point(), o.name(), ": state.", key, ".", name, " has dtype ",
                  t.scalar_type(), "; optimizer state is floating point");
      *slot = t.detach().to(p.scalar_type()).contiguous().clone();
      EMBER_CHECK(slot->isfinite().all().item<bool>(), o.name(), ": state.", key, ".", name,
                  " holds a non-finite value (NaN or infinity)");
      tensors.erase(it);
    }
    snap.state[Optimizer::state_key(p)] = std::move(s);
  }
  EMBER_CHECK(tensors.empty(), o.name(), ": unexpected tensor \"", tensors.begin()->first,
              "\" in the file");
  return snap;
}

void restore_optimizer(Optimizer& o, OptimizerSnapshot&& snapshot) noexcept {
  auto& groups = o.param_groups();
  for (size_t g = 0; g < groups.size() && g < snapshot.options.size(); ++g)
    groups[g].set_options(std::move(snapshot.options[g]));
  o.state() = std::move(snapshot.state);
}

void from_archive(Optimizer& o, const io::Archive& a) {
  restore_optimizer(o, read_optimizer_state(o, a));
}

// ---- schedulers ---------------------------------------------------------------------------------

namespace {

// Reads an LRSchedulerState; `groups` < 0 accepts any number of groups.
LRSchedulerState read_lr_state(const json& j, const io::JsonFields& f, int64_t groups) {
  f.object(j, "");
  LRSchedulerState s;
  s.last_epoch = f.integer(f.at(j, "last_epoch", "last_epoch"), "last_epoch", 0, kMaxCount);
  s.step_count = f.integer(f.at(j, "step_count", "step_count"), "step_count", 0, kMaxCount);
  s.base_lrs = f.numbers(f.at(j, "base_lrs", "base_lrs"), "base_lrs", groups, 0, kMaxDouble);
  s.last_lr = f.numbers(f.at(j, "last_lr", "last_lr"), "last_lr", groups, 0, kMaxDouble);
  if (s.base_lrs.size() != s.last_lr.size())
    f.fail("last_lr", "must have one rate per parameter group, as base_lrs");
  return s;
}

ReduceLROnPlateauState read_plateau_state(const json& j, const io::JsonFields& f, int64_t groups) {
  f.object(j, "");
  ReduceLROnPlateauState s;
  s.last_epoch = f.integer(f.at(j, "last_epoch", "last_epoch"), "last_epoch", 0, kMaxCount);
  const json& best = f.at(j, "best", "best");
  if (best.is_string()) {
    // best starts at ±infinity, which JSON cannot hold: stored as a string then.
    const std::string b = best.get<std::string>();
    if (b != "inf" && b != "-inf") f.fail("best", "must be a number, \"inf\" or \"-inf\"");
    s.best = b == "inf" ? INFINITY : -INFINITY;
  } else {
    s.best = f.number(best, "best");
  }
  s.num_bad_epochs =
      f.integer(f.at(j, "num_bad_epochs", "num_bad_epochs"), "num_bad_epochs", 0, kMaxCount);
  s.cooldown_counter =
      f.integer(f.at(j, "cooldown_counter", "cooldown_counter"), "cooldown_counter", 0, kMaxCount);
  s.last_lr = f.numbers(f.at(j, "last_lr", "last_lr"), "last_lr", groups, 0, kMaxDouble);
  return s;
}

template <class Scheduler>
void check_scheduler_kind(const Scheduler& s, const json& j) {
  auto text = [&](const char* key) -> std::string {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
  };
  EMBER_CHECK(text("format") == "ember.lr_scheduler/1", s.name(),
              ": the file holds no scheduler state");
  const std::string type = text("type");
  EMBER_CHECK(type == s.name(), "the file holds the state of a ", type.empty() ? "?" : type,
              ", not of ", s.name());
}

}  // namespace

void to_json(json& j, const LRSchedulerState& s) {
  j = {{"last_epoch", s.last_epoch},
       {"step_count", s.step_count},
       {"base_lrs", s.base_lrs},
       {"last_lr", s.last_lr}};
}
void from_json(const json& j, LRSchedulerState& s) {
  s = read_lr_state(j, fields("LRScheduler"), -1);
}
void to_json(json& j, const ReduceLROnPlateauState& s) {
  j = {{"last_epoch", s.last_epoch},
       {"best", std::isfinite(s.best) ? json(s.best) : json(s.best > 0 ? "inf" : "-inf")},
       {"num_bad_epochs", s.num_bad_epochs},
       {"cooldown_counter", s.cooldown_counter},
       {"last_lr", s.last_lr}};
}
void from_json(const json& j, ReduceLROnPlateauState& s) {
  s = read_plateau_state(j, fields("ReduceLROnPlateau"), -1);
}

io::Archive to_archive(const LRScheduler& s) {
  io::Archive a;
  a.sidecar = s.state();
  a.sidecar["format"] = "ember.lr_scheduler/1";
  a.sidecar["type"] = s.name();
  return a;
}
io::Archive to_archive(const ReduceLROnPlateau& s) {
  io::Archive a;
  a.sidecar = s.state();
  a.sidecar["format"] = "ember.lr_scheduler/1";
  a.sidecar["type"] = s.name();
  return a;
}

LRSchedulerState read_scheduler_state(const LRScheduler& s, const io::Archive& a) {
  check_scheduler_kind(s, a.sidecar);
  return read_lr_state(a.sidecar, fields(s.name()), static_cast<int64_t>(s.base_lrs().size()));
}
ReduceLROnPlateauState read_scheduler_state(const ReduceLROnPlateau& s, const io::Archive& a) {
  check_scheduler_kind(s, a.sidecar);
  return read_plateau_state(a.sidecar, fields(s.name()),
                            static_cast<int64_t>(s.get_last_lr().size()));
}

void from_archive(LRScheduler& s, const io::Archive& a) {
  s.load_state(read_scheduler_state(s, a));
}
void from_archive(ReduceLROnPlateau& s, const io::Archive& a) {
  s.load_state(read_scheduler_state(s, a));
}

}  // namespace ember::optim
