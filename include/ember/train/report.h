// The HTML report of a run directory (see run_logger.h): loss/accuracy/learning-rate/gradient-norm
// curves and every other scalar as SVG charts, the config, the final metrics. The report is one
// self-contained file: no scripts, no network access when it is viewed.
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
/// directory may not). Throws ember::Error for a missing directory or a malformed file.
RunRecord read_run(const std::filesystem::path& run_dir);

/// One chart of the report: a title and the tags drawn in it.
struct ChartGroup {
  std::string key;    // "loss", "accuracy", "lr", "grad_norm", or the tag's leading name
  std::string title;  // "Loss", "Accuracy", "Learning rate", "Gradient norm", ...
  std::vector<std::string> tags;  // train/* first, then val/*, test/*, others
};
/// How tags are grouped into charts: a leading split name (train/, val/, valid/, validation/,
/// eval/, test/, or the Keras-style val_ prefix) is set aside, and tags whose remaining first
/// path segment is the same share a chart: train/loss and val/loss; lr/group0 and lr/group1.
/// Loss, accuracy, learning rate and gradient norm come first, then the rest by name.
std::vector<ChartGroup> chart_groups(const ScalarMap& scalars);

/// The report as an HTML document.
std::string report_html(const RunRecord& run);
/// The main curves (loss, accuracy, learning rate, gradient norm; or the first charts if none of
/// those exist) as one standalone SVG document.
std::string curves_svg(const RunRecord& run);

/// Reads `run_dir`, writes `output` (default `run_dir/report.html`) and `curves.svg` beside it
/// (both atomically), and returns the path of the report.
std::filesystem::path render_report(const std::filesystem::path& run_dir,
                                    const std::filesystem::path& output = {});

}  // namespace ember::train
