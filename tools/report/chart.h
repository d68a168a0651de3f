// One SVG line chart of the report: the series of a ChartGroup over steps, with axes, ticks, a
// legend, markers with tooltips for short series and a smoothed line over faint raw values for
// noisy ones. Drawn here so the report needs no JavaScript.
#pragma once

#include <string>

#include "ember/train/report.h"

namespace ember::train::report {

/// Size and placement of one chart.
struct ChartLayout {
  double width = 560, height = 320;
  double x = 0, y = 0;  // position when nested in curves.svg
  bool nested = false;  // emit x/y attributes
  std::string clip_id;  // unique within the document
};

/// The chart of `group` as an <svg> element (standalone, or nested at L.x, L.y).
std::string chart_svg(const ChartGroup& group, const ScalarMap& scalars, const ChartLayout& L);
/// Whether any series of `group` is drawn smoothed (the report then says so under the chart).
bool any_noisy(const ChartGroup& group, const ScalarMap& scalars);

}  // namespace ember::train::report
