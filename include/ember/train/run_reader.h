// Reading a run directory back (the format RunLogger writes, see run_logger.h): the scalars of
// metrics.jsonl and the config.json and summary.json documents. The report renderer
// (tools/report, ember-report) and tests read runs through this; so can your own tools.
//
//   train::RunRecord run = train::read_run("runs/mnist_mlp-20250101-120000");
//   const train::ScalarSeries& loss = run.scalars.at("train/loss");  // steps, values, wall_times
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace ember::train {

/// The points of one scalar tag, in increasing step order.
struct ScalarSeries {
  std::vector<int64_t> steps;
  std::vector<double> values;      // NaN where the log has null (a non-finite value)
  std::vector<double> wall_times;  // NaN where the record has no wall_time
};

/// Tag → series, as read from metrics.jsonl.
using ScalarMap = std::map<std::string, ScalarSeries>;

/// Parses the text of a metrics.jsonl file: one JSON object per line with an integer "step",
/// optional "wall_time" and any number of scalar values (numbers; null reads as NaN; strings,
/// booleans, arrays and objects are not scalars and are skipped). Blank lines are skipped.
/// A last line without its newline that does not parse is a record still being written and is
/// ignored. When a tag's step goes back (a run resumed from an earlier checkpoint), its points at
/// that step and later are replaced, as TensorBoard does. Any other malformed line throws
/// ember::Error naming `source` and the 1-based line number:
///   "metrics.jsonl:3: not valid JSON (syntax error ...)".
ScalarMap parse_metrics(std::string_view text, std::string_view source = "metrics.jsonl");
/// parse_metrics of a file; throws ember::Error if it cannot be read.
ScalarMap read_metrics(const std::filesystem::path& file);

/// A run directory read back: the scalars and the JSON documents (null when the file is absent).
struct RunRecord {
  std::filesystem::path dir;
  ScalarMap scalars;
  nlohmann::json config;
  nlohmann::json summary;
};
/// Reads metrics.jsonl, config.json and summary.json of `run_dir` (each may be missing, the
/// directory may not). Throws ember::Error for a missing directory or a malformed file:
///   "read_run: run directory runs/x does not exist".
RunRecord read_run(const std::filesystem::path& run_dir);

}  // namespace ember::train
