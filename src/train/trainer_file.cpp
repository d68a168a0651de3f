// Reading a checkpoint's trainer.json (see trainer_json.h): every field checked before the
// Trainer changes anything.
#include <limits>

#include "ember/core/error.h"
#include "ember/core/generator.h"
#include "io/json_fields.h"
#include "train/trainer_json.h"

namespace ember::train::detail {

namespace {
constexpr const char* kTrainerFormat = "ember.trainer/1";
// Epochs, steps and batch counts stay below 2^53: exact as doubles, far from overflowing.
constexpr int64_t kMaxCount = int64_t(1) << 53;
}  // namespace

TrainerFile parse_trainer_file(std::string_view text, const std::string& file) {
  const io::JsonFields f("Trainer::resume_from", file);
  const nlohmann::json j = f.parse(text);
  const bool ours = j.is_object() && j.contains("format") && j["format"].is_string() &&
                    j["format"] == kTrainerFormat;
  EMBER_CHECK(ours, "Trainer::resume_from: ", file, " is not a ", kTrainerFormat, " file");
  auto at = [&](const char* key) -> const nlohmann::json& { return f.at(j, key, key); };
  TrainerFile t;
  t.epoch = f.integer(at("epoch"), "epoch", 0, kMaxCount);
  t.global_step = f.integer(at("global_step"), "global_step", 0, kMaxCount);
  t.monitor = f.string(at("monitor"), "monitor");
  t.monitor_mode = f.string(at("monitor_mode"), "monitor_mode");
  if (t.monitor_mode != "max" && t.monitor_mode != "min")
    f.fail("monitor_mode", "must be \"max\" or \"min\", got \"" + t.monitor_mode + "\"");
  t.best_epoch = f.integer(at("best_epoch"), "best_epoch", 0, t.epoch);
  t.best_value = f.number_or_null(at("best_value"), "best_value");
  t.wait = f.integer(at("wait"), "wait", 0, t.epoch);
  if (j.contains("stopped")) t.stopped = f.boolean(j["stopped"], "stopped");
  if (j.contains("scheduler")) t.scheduler = f.string(j["scheduler"], "scheduler");
  if (j.contains("train_batches") && !j["train_batches"].is_null())
    t.train_batches = f.integer(j["train_batches"], "train_batches", 1, kMaxCount);
  t.rng = f.string(at("rng"), "rng");
  try {
    Generator probe;
    probe.set_state(t.rng);
  } catch (const Error& e) {
    f.fail("rng", std::string("is not a generator state (") + e.what() + ")");
  }
  const nlohmann::json& history = f.array(at("history"), "history");
  if (history.size() != static_cast<uint64_t>(t.epoch))
    f.fail("history", "must hold one record per epoch (epoch is " + std::to_string(t.epoch) +
                          ", history has " + std::to_string(history.size()) + ")");
  for (size_t e = 0; e < history.size(); ++e) {
    const std::string field = "history[" + std::to_string(e) + "]";
    std::map<std::string, double> rec;
    for (const auto& [k, v] : f.object(history[e], field).items())
      rec[k] = f.number_or_null(v, field + "." + k);
    t.history.push_back(std::move(rec));
  }
  return t;
}

}  // namespace ember::train::detail
