// SVG line charts (see chart.h): the series to draw, their thinning and smoothing, the data
// bounds and tick spacing, the legend's layout, and the SVG of the frame, legend, axes and lines.
#include "chart.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <ostream>
#include <sstream>
#include <utility>
#include <vector>

#include "assets.h"
#include "groups.h"
#include "text.h"

namespace ember::train::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- the data --------------------------------------------------------------------------------

struct Point {
  double x, y;  // data coordinates; y may be NaN (breaks the line)
};

// Exponential moving average with TensorBoard's de-biasing; NaN points are carried through.
std::vector<Point> smooth(const std::vector<Point>& pts, double weight) {
  std::vector<Point> out;
  out.reserve(pts.size());
  double last = 0, norm = 0;
  for (const Point& p : pts) {
    if (!std::isfinite(p.y)) {
      out.push_back(p);
      continue;
    }
    last = last * weight + (1 - weight) * p.y;
    norm = norm * weight + (1 - weight);
    out.push_back({p.x, last / norm});
  }
  return out;
}

// Keeps at most about 2*buckets points: the first, the min and the max of each bucket and the
// last, so spikes survive the thinning.
std::vector<Point> decimate(const std::vector<Point>& pts, size_t buckets) {
  if (pts.size() <= 2 * buckets) return pts;
  std::vector<Point> out;
  const size_t n = pts.size();
  for (size_t b = 0; b < buckets; ++b) {
    size_t lo = b * n / buckets, hi = (b + 1) * n / buckets;
    size_t imin = lo, imax = lo;
    bool any_nan = false;
    for (size_t i = lo; i < hi; ++i) {
      if (!std::isfinite(pts[i].y)) {
        any_nan = true;
        continue;
      }
      if (!std::isfinite(pts[imin].y) || pts[i].y < pts[imin].y) imin = i;
      if (!std::isfinite(pts[imax].y) || pts[i].y > pts[imax].y) imax = i;
    }
    out.push_back(pts[std::min(imin, imax)]);
    if (imin != imax) out.push_back(pts[std::max(imin, imax)]);
    if (any_nan) out.push_back({pts[hi - 1].x, kNaN});
  }
  return out;
}

// Total variation over range: about 1 for a monotone curve, large for a noisy one.
bool is_noisy(const std::vector<Point>& pts) {
  if (pts.size() < 60) return false;
  double lo = INFINITY, hi = -INFINITY, tv = 0, prev = kNaN;
  for (const Point& p : pts) {
    if (!std::isfinite(p.y)) continue;
    lo = std::min(lo, p.y);
    hi = std::max(hi, p.y);
    if (std::isfinite(prev)) tv += std::fabs(p.y - prev);
    prev = p.y;
  }
  return hi > lo && tv / (hi - lo) > 8;
}

struct SeriesView {
  std::string tag;
  std::string color;
  std::vector<Point> points;
  bool noisy = false;
};

std::vector<SeriesView> series_of(const ChartGroup& group, const ScalarMap& scalars) {
  std::vector<SeriesView> out;
  // One series per split (train/val/test) keeps the split's colour; otherwise colours go in order.
  std::vector<int> splits;
  for (const auto& tag : group.tags) splits.push_back(split_tag(tag).split);
  std::vector<int> sorted = splits;
  std::sort(sorted.begin(), sorted.end());
  const bool by_split = std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
  constexpr size_t kColors = std::size(kSeriesColors);
  for (size_t i = 0; i < group.tags.size(); ++i) {
    const ScalarSeries& s = scalars.at(group.tags[i]);
    SeriesView v;
    v.tag = group.tags[i];
    size_t slot = by_split ? static_cast<size_t>(std::max(splits[i], 0)) : i;
    v.color = kSeriesColors[slot % kColors];
    for (size_t k = 0; k < s.steps.size(); ++k)
      v.points.push_back({static_cast<double>(s.steps[k]), s.values[k]});
    v.noisy = is_noisy(v.points);
    out.push_back(std::move(v));
  }
  return out;
}

// ---- the geometry ----------------------------------------------------------------------------

double nice_spacing(double span, int target_ticks) {
  const double raw = span / target_ticks;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

// What the axes span, and the spacing of their ticks.
struct Bounds {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  double xsp = 1, ysp = 1;
  bool has_data = false;  // some value is finite
};

// Data bounds over finite values, widened to whole ticks (and to 1 unit when flat or empty).
Bounds bounds_of(const std::vector<SeriesView>& series) {
  Bounds b;
  for (const auto& s : series)
    for (const Point& p : s.points) {
      b.x0 = std::min(b.x0, p.x);
      b.x1 = std::max(b.x1, p.x);
      if (std::isfinite(p.y)) b.y0 = std::min(b.y0, p.y), b.y1 = std::max(b.y1, p.y);
    }
  b.has_data = std::isfinite(b.y0);
  if (!std::isfinite(b.x0)) b.x0 = 0, b.x1 = 1;
  if (!b.has_data) b.y0 = 0, b.y1 = 1;
  if (b.x1 <= b.x0) b.x0 -= 1, b.x1 += 1;
  if (b.x0 > 0 && b.x0 <= 0.05 * (b.x1 - b.x0)) b.x0 = 0;  // steps 1..600 read better on 0..600
  if (b.y1 <= b.y0) {
    const double pad = b.y0 == 0 ? 1 : std::fabs(b.y0) * 0.1;
    b.y0 -= pad, b.y1 += pad;
  }
  b.ysp = nice_spacing(b.y1 - b.y0, 5);
  b.y0 = std::floor(b.y0 / b.ysp + 1e-9) * b.ysp;
  b.y1 = std::ceil(b.y1 / b.ysp - 1e-9) * b.ysp;
  b.xsp = std::max(1.0, nice_spacing(b.x1 - b.x0, 6));
  return b;
}

struct LegendItem {
  std::string label, color;  // no colour: the "+N more" note
  double x = 0, y = 0, width = 0;
};

struct Legend {
  std::vector<LegendItem> items;
  double top = 44;  // where the plot area starts below the title (and the legend's rows)
};

// Legend: right-aligned on the title row when it fits, else in rows of its own below it. At
// most kLegendMax entries; the rest are summed up as "+N more".
Legend legend_of(const std::vector<SeriesView>& series, const std::string& title, double width) {
  constexpr size_t kLegendMax = 6;
  Legend legend;
  auto& items = legend.items;
  for (size_t i = 0; i < series.size() && i < kLegendMax; ++i)
    items.push_back({series[i].tag, series[i].color});
  if (series.size() > kLegendMax)
    items.push_back({"+" + std::to_string(series.size() - kLegendMax) + " more", ""});
  double legend_w = 0;
  for (auto& item : items) {
    item.width = (item.color.empty() ? 0 : 22) + text_width(item.label, 12) + 14;
    legend_w += item.width;
  }
  if (text_width(title, 15) + 34 + legend_w <= width - 16) {
    double x = width - 16 - legend_w + 14;
    for (auto& item : items) item.x = x, item.y = 26, x += item.width;
  } else {
    double x = 16, y = 46;
    for (auto& item : items) {
      if (x > 16 && x + item.width - 14 > width - 16) x = 16, y += 18;
      item.x = x, item.y = y, x += item.width;
    }
    legend.top = y + 16;
  }
  return legend;
}

struct Scale {
  double d0, d1, r0, r1;  // domain → range
  double operator()(double v) const { return r0 + (v - d0) / (d1 - d0) * (r1 - r0); }
};

// The plot area in pixels, its scales, and the y ticks whose labels decide the left margin.
struct Frame {
  double left, right, top, bottom;
  Scale sx, sy;
  std::vector<std::pair<double, std::string>> yticks;  // (value, label)
};

Frame frame_of(const Bounds& b, double top, const ChartLayout& L) {
  std::vector<std::pair<double, std::string>> yticks;
  double label_w = 0;
  for (double v = b.y0; v <= b.y1 + b.ysp * 1e-6; v += b.ysp) {
    yticks.emplace_back(v, format_tick(v, b.ysp));
    label_w = std::max(label_w, text_width(yticks.back().second, 11.5));
  }
  const double left = std::max(48.0, label_w + 36), right = L.width - 18, bottom = L.height - 46;
  return {left,
          right,
          top,
          bottom,
          Scale{b.x0, b.x1, left, right},
          Scale{b.y0, b.y1, bottom, top},
          std::move(yticks)};
}

// ---- the SVG ---------------------------------------------------------------------------------

// An SVG path through the points, broken where y is not finite.
std::string path_data(const std::vector<Point>& pts, const Scale& sx, const Scale& sy) {
  std::string d;
  bool pen_down = false;
  for (const Point& p : pts) {
    if (!std::isfinite(p.y)) {
      pen_down = false;
      continue;
    }
    d += pen_down ? 'L' : 'M';
    d += fmt1(sx(p.x)) + ',' + fmt1(sy(p.y));
    pen_down = true;
  }
  return d;
}

// The <svg> element's opening tag, the clip path of the plot area and the title.
void open_svg(std::ostream& o, const ChartGroup& group, const Frame& f, const ChartLayout& L) {
  o << "<svg";
  if (L.nested)
    o << " x=\"" << L.x << "\" y=\"" << L.y << "\" width=\"" << L.width << "\" height=\""
      << L.height << '"';
  else
    o << " xmlns=\"http://www.w3.org/2000/svg\" width=\"" << L.width << "\" height=\"" << L.height
      << '"';
  o << " viewBox=\"0 0 " << L.width << ' ' << L.height << "\" role=\"img\" aria-label=\""
    << escape(group.title) << "\" class=\"chart-svg\" data-chart=\"" << escape(group.key)
    << "\" font-family=\"" << escape(kFontFamily) << "\">\n";
  // The clip area leaves room for markers centred on the plot's edges.
  o << "<defs><clipPath id=\"" << L.clip_id << "\"><rect x=\"" << fmt1(f.left - 5) << "\" y=\""
    << fmt1(f.top - 5) << "\" width=\"" << fmt1(f.right - f.left + 10) << "\" height=\""
    << fmt1(f.bottom - f.top + 10) << "\"/></clipPath></defs>\n";
  o << "<text x=\"16\" y=\"26\" font-size=\"15\" font-weight=\"600\" fill=\"#111827\">"
    << escape(group.title) << "</text>\n";
}

void legend_svg(std::ostream& o, const Legend& legend) {
  o << "<g class=\"legend\" font-size=\"12\" fill=\"#374151\">";
  for (const auto& item : legend.items) {
    if (item.color.empty()) {
      o << "<text x=\"" << fmt1(item.x) << "\" y=\"" << fmt1(item.y) << "\" fill=\"#6b7280\">"
        << escape(item.label) << "</text>";
      continue;
    }
    o << "<line x1=\"" << fmt1(item.x) << "\" y1=\"" << fmt1(item.y - 4) << "\" x2=\""
      << fmt1(item.x + 16) << "\" y2=\"" << fmt1(item.y - 4) << "\" stroke=\"" << item.color
      << "\" stroke-width=\"3\" stroke-linecap=\"round\"/><text x=\"" << fmt1(item.x + 22)
      << "\" y=\"" << fmt1(item.y) << "\">" << escape(item.label) << "</text>";
  }
  o << "</g>\n";
}

// Horizontal grid lines with the y labels; x ticks with their labels.
void ticks_svg(std::ostream& o, const Bounds& b, const Frame& f, const ChartLayout& L) {
  for (const auto& [v, label] : f.yticks) {
    const std::string y = fmt1(f.sy(v));
    o << "<line x1=\"" << fmt1(f.left) << "\" y1=\"" << y << "\" x2=\"" << fmt1(f.right)
      << "\" y2=\"" << y << "\" stroke=\"#eceef1\"/>";
    o << "<text x=\"" << fmt1(f.left - 8) << "\" y=\"" << y
      << "\" dy=\"0.35em\" text-anchor=\"end\">" << escape(label) << "</text>";
  }
  for (double v = std::ceil(b.x0 / b.xsp - 1e-9) * b.xsp; v <= b.x1 + b.xsp * 1e-6; v += b.xsp) {
    const std::string x = fmt1(f.sx(v));
    o << "<line x1=\"" << x << "\" y1=\"" << fmt1(f.bottom) << "\" x2=\"" << x << "\" y2=\""
      << fmt1(f.bottom + 5) << "\" stroke=\"#9ca3af\"/>";
    const std::string label = format_tick(v, b.xsp);
    // A label that would stick out of the chart's right edge is right-aligned to its tick.
    const bool at_edge = f.sx(v) + text_width(label, 11.5) / 2 > L.width - 4;
    o << "<text x=\"" << x << "\" y=\"" << fmt1(f.bottom + 19) << "\" text-anchor=\""
      << (at_edge ? "end" : "middle") << "\">" << escape(label) << "</text>";
  }
}

// Grid, ticks, the two axis lines and their labels; "no finite values" over an empty plot.
void axes_svg(std::ostream& o, const ChartGroup& group, const Bounds& b, const Frame& f,
              const ChartLayout& L) {
  o << "<g class=\"axes\" font-size=\"11.5\" fill=\"#4b5563\">";
  ticks_svg(o, b, f, L);
  o << "<line x1=\"" << fmt1(f.left) << "\" y1=\"" << fmt1(f.bottom) << "\" x2=\"" << fmt1(f.right)
    << "\" y2=\"" << fmt1(f.bottom) << "\" stroke=\"#9ca3af\"/>";
  o << "<line x1=\"" << fmt1(f.left) << "\" y1=\"" << fmt1(f.top) << "\" x2=\"" << fmt1(f.left)
    << "\" y2=\"" << fmt1(f.bottom) << "\" stroke=\"#9ca3af\"/>";
  o << "<text x=\"" << fmt1((f.left + f.right) / 2) << "\" y=\"" << fmt1(L.height - 10)
    << "\" text-anchor=\"middle\" font-size=\"12\" fill=\"#6b7280\">step</text>";
  const double yc = (f.top + f.bottom) / 2;
  o << "<text transform=\"translate(15," << fmt1(yc)
    << ") rotate(-90)\" text-anchor=\"middle\" "
       "font-size=\"12\" fill=\"#6b7280\">"
    << escape(group.key) << "</text>";
  o << "</g>\n";
  if (!b.has_data) {
    o << "<text x=\"" << fmt1((f.left + f.right) / 2) << "\" y=\"" << fmt1(yc)
      << "\" text-anchor=\"middle\" font-size=\"13\" fill=\"#9ca3af\">no finite values</text>\n";
  }
}

// A marker per finite point, with its value as a tooltip.
void markers_svg(std::ostream& o, const SeriesView& s, const Frame& f) {
  for (const Point& p : s.points) {
    if (!std::isfinite(p.y)) continue;
    o << "<circle cx=\"" << fmt1(f.sx(p.x)) << "\" cy=\"" << fmt1(f.sy(p.y))
      << "\" r=\"3.2\" fill=\"" << s.color << "\" stroke=\"#ffffff\" stroke-width=\"1.5\">"
      << "<title>" << escape(s.tag) << " @ step " << static_cast<int64_t>(p.x) << ": "
      << format_value(p.y) << "</title></circle>";
  }
}

// One series: a faint raw line under a smoothed one when noisy, else the line (and markers
// when there are few points).
void series_svg(std::ostream& o, const SeriesView& s, const Frame& f) {
  o << "<g class=\"series\" data-tag=\"" << escape(s.tag) << "\">";
  if (s.noisy) {
    o << "<path d=\"" << path_data(decimate(s.points, 800), f.sx, f.sy) << "\" stroke=\"" << s.color
      << "\" stroke-opacity=\"0.22\" stroke-width=\"1\"/>";
    // A window of about 1/40 of the run, as a readable default for a whole-run chart.
    const double window = std::max(2.0, static_cast<double>(s.points.size()) / 40.0);
    o << "<path d=\"" << path_data(decimate(smooth(s.points, 1 - 1 / window), 800), f.sx, f.sy)
      << "\" stroke=\"" << s.color << "\" stroke-width=\"2.2\"/>";
  } else {
    o << "<path d=\"" << path_data(decimate(s.points, 800), f.sx, f.sy) << "\" stroke=\"" << s.color
      << "\" stroke-width=\"2.2\"/>";
    if (s.points.size() <= 40) markers_svg(o, s, f);
  }
  o << "</g>\n";
}

}  // namespace

std::string chart_svg(const ChartGroup& group, const ScalarMap& scalars, const ChartLayout& L) {
  const std::vector<SeriesView> series = series_of(group, scalars);
  const Bounds bounds = bounds_of(series);
  const Legend legend = legend_of(series, group.title, L.width);
  const Frame frame = frame_of(bounds, legend.top, L);

  std::ostringstream o;
  open_svg(o, group, frame, L);
  legend_svg(o, legend);
  axes_svg(o, group, bounds, frame, L);
  o << "<g clip-path=\"url(#" << L.clip_id
    << ")\" fill=\"none\" stroke-linejoin=\"round\" "
       "stroke-linecap=\"round\">\n";
  for (const auto& s : series) series_svg(o, s, frame);
  o << "</g>\n</svg>\n";
  return o.str();
}

bool any_noisy(const ChartGroup& group, const ScalarMap& scalars) {
  for (const auto& s : series_of(group, scalars))
    if (s.noisy) return true;
  return false;
}

}  // namespace ember::train::report
