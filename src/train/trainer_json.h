// JSON spellings shared by config.json and summary.json (callbacks.cpp) and trainer.json
// (checkpoint.cpp): numbers that may be non-finite, the monitor mode, and trainer.json's reader.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/train/metrics.h"

namespace ember::train::detail {

/// JSON has no NaN or infinity: those are written as null.
inline nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}
/// What number_or_null wrote, read back (null → NaN).
inline double number_or_nan(const nlohmann::json& j) {
  return j.is_number() ? j.get<double>() : std::nan("");
}
/// A resolved monitor mode as written: "max" or "min".
inline const char* mode_name(MonitorMode m) { return m == MonitorMode::kMax ? "max" : "min"; }

/// The contents of a checkpoint's trainer.json, validated.
struct TrainerFile {
  int64_t epoch = 0, global_step = 0, best_epoch = 0, wait = 0;
  double best_value = std::nan("");
  bool stopped = false;
  std::string monitor, monitor_mode, scheduler;
  std::optional<int64_t> train_batches;
  std::string rng;  ///< the default generator's state (Generator::get_state)
  std::vector<std::map<std::string, double>> history;  ///< one record per epoch
};

/// Parses and validates the text of trainer.json (`file` names it in errors): every field
/// present, of its type and in range (epochs and steps are integers >= 0, best_epoch and wait
/// at most epoch, one history record per epoch, rng a valid generator state). Throws
/// ember::Error "Trainer::resume_from: <file>: field "<name>" ..." and nothing else.
TrainerFile parse_trainer_file(std::string_view text, const std::string& file);

}  // namespace ember::train::detail
