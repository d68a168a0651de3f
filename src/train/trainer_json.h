// JSON spellings shared by config.json and summary.json (callbacks.cpp) and trainer.json
// (checkpoint.cpp): numbers that may be non-finite, and the monitor mode.
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>

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

}  // namespace ember::train::detail
