// The report's HTML page (report_html), the curves.svg overview (curves_svg) and render_report:
// the header, metric cards, chart sections, scalars and config tables around the SVG charts.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <utility>
#include <vector>

#include "assets.h"
#include "chart.h"
#include "ember/io/atomic_file.h"
#include "ember/train/report.h"
#include "groups.h"
#include "text.h"

namespace ember::train {
namespace report {
namespace {

// Flattens nested objects to dotted keys; arrays and scalars are leaves.
void flatten(const nlohmann::json& j, const std::string& prefix,
             std::vector<std::pair<std::string, nlohmann::json>>& out) {
  if (j.is_object() && !j.empty()) {
    for (const auto& [k, v] : j.items()) flatten(v, prefix.empty() ? k : prefix + "." + k, out);
  } else {
    out.emplace_back(prefix, j);
  }
}

std::string json_text(const nlohmann::json& v, bool round_floats) {
  if (v.is_string()) return v.get<std::string>();
  if (round_floats && v.is_number_float()) return format_value(v.get<double>());
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string section_html(const std::string& title, const std::vector<const ChartGroup*>& groups,
                         const ScalarMap& scalars, int& chart_index) {
  if (groups.empty()) return "";
  std::ostringstream o;
  o << "<section>\n<h2>" << escape(title) << "</h2>\n<div class=\"grid\">\n";
  for (const ChartGroup* g : groups) {
    ChartLayout layout;
    layout.clip_id = "clip" + std::to_string(chart_index++);
    o << "<figure class=\"chart\" id=\"chart-" << escape(g->key) << "\">\n"
      << chart_svg(*g, scalars, layout);
    if (any_noisy(*g, scalars))
      o << "<figcaption>Bold: exponential moving average; faint: raw values.</figcaption>\n";
    o << "</figure>\n";
  }
  o << "</div>\n</section>\n";
  return o.str();
}

std::string cards_html(const RunRecord& run, const std::vector<ChartGroup>& groups) {
  std::vector<std::pair<std::string, std::string>> cards;
  std::string heading = "Final metrics";
  if (!run.summary.is_null()) {
    std::vector<std::pair<std::string, nlohmann::json>> flat;
    flatten(run.summary, "", flat);
    for (const auto& [k, v] : flat)
      cards.emplace_back(k.empty() ? "summary" : k, json_text(v, true));
  } else {
    heading = "Latest values";
    for (const auto& g : groups) {
      const int order = kind_of(g.key).order;
      // Loss and accuracy, and the learning rate / gradient norm unless they come in many groups.
      if (order > 3 || (order > 1 && g.tags.size() > 2)) continue;
      for (const auto& tag : g.tags) {
        const ScalarSeries& s = run.scalars.at(tag);
        if (!s.values.empty()) cards.emplace_back(tag, format_value(s.values.back()));
      }
    }
  }
  if (cards.empty()) return "";
  constexpr size_t kMaxCards = 16;
  if (cards.size() > kMaxCards) cards.resize(kMaxCards);
  std::ostringstream o;
  o << "<section>\n<h2>" << heading << "</h2>\n<div class=\"cards\">\n";
  for (const auto& [k, v] : cards)
    o << "<div class=\"card\"><div class=\"label\" title=\"" << escape(k) << "\">" << escape(k)
      << "</div><div class=\"value\" title=\"" << escape(v) << "\">" << escape(v)
      << "</div></div>\n";
  o << "</div>\n</section>\n";
  return o.str();
}

std::string scalars_table_html(const ScalarMap& scalars) {
  std::ostringstream o;
  o << "<table>\n<tr><th>tag</th><th class=\"num\">last</th><th class=\"num\">min</th>"
       "<th class=\"num\">max</th><th class=\"num\">points</th></tr>\n";
  for (const auto& [tag, s] : scalars) {
    size_t imin = s.values.size(), imax = s.values.size(), nans = 0;
    for (size_t i = 0; i < s.values.size(); ++i) {
      if (!std::isfinite(s.values[i])) {
        ++nans;
        continue;
      }
      if (imin == s.values.size() || s.values[i] < s.values[imin]) imin = i;
      if (imax == s.values.size() || s.values[i] > s.values[imax]) imax = i;
    }
    auto cell = [&](size_t i) -> std::string {
      if (i >= s.values.size()) return "<td class=\"num\">–</td>";
      return "<td class=\"num\">" + format_value(s.values[i]) + "<span class=\"at\">@" +
             std::to_string(s.steps[i]) + "</span></td>";
    };
    o << "<tr><td class=\"key\">" << escape(tag) << "</td>"
      << (s.values.empty() ? "<td class=\"num\">–</td>" : cell(s.values.size() - 1)) << cell(imin)
      << cell(imax) << "<td class=\"num\">" << s.values.size();
    if (nans) o << " <span class=\"at\">(" << nans << " non-finite)</span>";
    o << "</td></tr>\n";
  }
  o << "</table>\n";
  return o.str();
}

std::string config_table_html(const nlohmann::json& config) {
  if (config.is_null()) return "<p class=\"meta\">No config.json in this run.</p>\n";
  if (config.is_object() && config.empty()) return "<p class=\"meta\">config.json is empty.</p>\n";
  std::vector<std::pair<std::string, nlohmann::json>> flat;
  flatten(config, "", flat);
  std::ostringstream o;
  o << "<table class=\"config\">\n<tr><th>key</th><th>value</th></tr>\n";
  for (const auto& [k, v] : flat)
    o << "<tr><td class=\"key\">" << escape(k.empty() ? "(value)" : k) << "</td><td>"
      << escape(json_text(v, false)) << "</td></tr>\n";
  o << "</table>\n";
  return o.str();
}

std::string header_html(const RunRecord& run) {
  std::string name = run.dir.filename().string();
  if (name.empty() || name == ".") name = std::filesystem::absolute(run.dir).filename().string();
  int64_t step_lo = std::numeric_limits<int64_t>::max(),
          step_hi = std::numeric_limits<int64_t>::min();
  double t0 = INFINITY, t1 = -INFINITY;
  size_t points = 0;
  for (const auto& [tag, s] : run.scalars) {
    points += s.steps.size();
    for (size_t i = 0; i < s.steps.size(); ++i) {
      step_lo = std::min(step_lo, s.steps[i]);
      step_hi = std::max(step_hi, s.steps[i]);
      if (std::isfinite(s.wall_times[i]))
        t0 = std::min(t0, s.wall_times[i]), t1 = std::max(t1, s.wall_times[i]);
    }
  }
  std::vector<std::string> meta = {"<code>" + escape(run.dir.string()) + "</code>"};
  if (points > 0) {
    meta.push_back("steps " + std::to_string(step_lo) + "–" + std::to_string(step_hi));
    meta.push_back(std::to_string(run.scalars.size()) + " tags, " + std::to_string(points) +
                   " points");
  }
  if (std::isfinite(t0)) {
    meta.push_back("started " + format_local_time(t0));
    meta.push_back("ran " + format_duration(t1 - t0));
  }
  std::ostringstream o;
  o << "<header class=\"top\">\n<div class=\"eyebrow\">ember · training report</div>\n<h1>"
    << escape(name)
    << (run.summary.is_null() ? "<span class=\"badge open\">no summary yet</span>"
                              : "<span class=\"badge done\">finished</span>")
    << "</h1>\n<div class=\"meta\">";
  for (size_t i = 0; i < meta.size(); ++i)
    o << (i ? "<span class=\"sep\">·</span>" : "") << meta[i];
  o << "</div>\n</header>\n";
  return o.str();
}

}  // namespace
}  // namespace report

using namespace report;

std::string report_html(const RunRecord& run) {
  const std::vector<ChartGroup> groups = chart_groups(run.scalars);
  std::vector<const ChartGroup*> curves, optimization, other;
  for (const auto& g : groups) {
    const int order = kind_of(g.key).order;
    (order <= 1 ? curves : order <= 3 ? optimization : other).push_back(&g);
  }
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       "<meta name=\"generator\" content=\"ember-report\">\n<title>"
    << escape(run.dir.filename().string()) << " · ember report</title>\n<style>" << kCss
    << "</style>\n</head>\n<body>\n<main>\n";
  o << header_html(run);
  o << cards_html(run, groups);
  if (groups.empty()) {
    o << "<section><div class=\"empty\">No scalars logged yet: metrics.jsonl is missing or "
         "empty.</div></section>\n";
  }
  int chart_index = 0;
  o << section_html("Training curves", curves, run.scalars, chart_index);
  o << section_html("Optimization", optimization, run.scalars, chart_index);
  o << section_html("Other metrics", other, run.scalars, chart_index);
  if (!run.scalars.empty()) {
    o << "<section>\n<h2>Scalars</h2>\n<div class=\"panel\">\n"
      << scalars_table_html(run.scalars) << "</div>\n</section>\n";
  }
  o << "<section>\n<h2>Config</h2>\n<div class=\"panel\">\n"
    << config_table_html(run.config) << "</div>\n</section>\n";
  o << "<footer>Generated by ember-report from <code>" << escape(run.dir.string())
    << "</code>. TensorBoard: <code>tensorboard --logdir " << escape(run.dir.string())
    << "</code></footer>\n</main>\n</body>\n</html>\n";
  return o.str();
}

std::string curves_svg(const RunRecord& run) {
  const std::vector<ChartGroup> groups = chart_groups(run.scalars);
  std::vector<const ChartGroup*> panels;
  for (const auto& g : groups)
    if (is_main_kind(kind_of(g.key).order) && panels.size() < 4) panels.push_back(&g);
  for (size_t i = 0; panels.empty() && i < std::min<size_t>(groups.size(), 4); ++i)
    panels.push_back(&groups[i]);

  constexpr double kW = 560, kH = 320, kGap = 12;
  const size_t cols = panels.size() <= 1 ? 1 : 2,
               rows = std::max<size_t>(1, (panels.size() + 1) / 2);
  const double width = cols * kW + (cols + 1) * kGap, height = rows * kH + (rows + 1) * kGap;
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" viewBox=\"0 0 " << width << ' ' << height << "\">\n";
  o << "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  if (panels.empty()) {
    o << "<text x=\"" << width / 2 << "\" y=\"" << height / 2 << "\" text-anchor=\"middle\" "
      << "font-family=\"" << escape(kFontFamily) << "\" font-size=\"14\" "
      << "fill=\"#6b7280\">no scalars logged</text>\n";
  }
  for (size_t i = 0; i < panels.size(); ++i) {
    ChartLayout layout;
    layout.nested = true;
    layout.x = kGap + static_cast<double>(i % cols) * (kW + kGap);
    layout.y = kGap + static_cast<double>(i / cols) * (kH + kGap);
    layout.clip_id = "clip" + std::to_string(i);
    o << chart_svg(*panels[i], run.scalars, layout);
  }
  o << "</svg>\n";
  return o.str();
}

std::filesystem::path render_report(const std::filesystem::path& run_dir,
                                    const std::filesystem::path& output) {
  const RunRecord run = read_run(run_dir);
  const std::filesystem::path out = output.empty() ? run_dir / "report.html" : output;
  io::write_file_atomic(out, report_html(run));
  io::write_file_atomic(out.parent_path() / "curves.svg", curves_svg(run));
  return out;
}

}  // namespace ember::train
