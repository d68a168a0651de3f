// The HTML report of a run directory (see run_logger.h): loss/accuracy/learning-rate/gradient-norm
// curves and every other scalar as SVG charts, the config, the final metrics. The report is one
// self-contained file: no scripts, no network access when it is viewed.
//
// This is the `ember_report` library (tools/report/), not part of libember: link
// `ember::report` (CMake) to use it. The run directory is read with train::read_run
// (ember/train/run_reader.h, in libember).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ember/train/run_reader.h"

namespace ember::train {

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
