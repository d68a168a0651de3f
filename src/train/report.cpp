// The run report: metrics.jsonl parsing, grouping of tags into charts, SVG line charts rendered
// here (so the report needs no JavaScript), and the HTML page around them.
#include "ember/train/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <limits>
#include <sstream>
#include <utility>

#include "ember/core/error.h"
#include "ember/io/atomic_file.h"
#include "train/report_assets.h"

namespace ember::train {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- reading -------------------------------------------------------------------------------

std::string read_text(const std::filesystem::path& file, const char* who) {
  std::ifstream in(file, std::ios::binary);
  EMBER_CHECK(in, who, ": cannot read ", file.string());
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1, ...".
std::string short_parse_error(const std::string& what) {
  std::string msg = what;
  if (auto pos = msg.find("] "); msg.rfind("[json.exception", 0) == 0 && pos != std::string::npos)
    msg = msg.substr(pos + 2);
  return msg;
}

void add_point(ScalarSeries& s, int64_t step, double value, double wall_time) {
  if (!s.steps.empty() && step <= s.steps.back()) {
    // A resumed run logs a step again: drop what the abandoned attempt logged from there on.
    auto cut = std::lower_bound(s.steps.begin(), s.steps.end(), step) - s.steps.begin();
    s.steps.resize(cut);
    s.values.resize(cut);
    s.wall_times.resize(cut);
  }
  s.steps.push_back(step);
  s.values.push_back(value);
  s.wall_times.push_back(wall_time);
}

nlohmann::json read_json_file(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) return nullptr;
  try {
    return nlohmann::json::parse(read_text(file, "report"));
  } catch (const nlohmann::json::parse_error& e) {
    EMBER_ERROR("report: ", file.string(), " is not valid JSON (", short_parse_error(e.what()),
                ")");
  }
}

// ---- grouping ------------------------------------------------------------------------------

// Rank of a split prefix (train first), or -1 if `name` is not a split name.
int split_rank(std::string_view name) {
  if (name == "train" || name == "training") return 0;
  if (name == "val" || name == "valid" || name == "validation") return 1;
  if (name == "test") return 2;
  if (name == "eval" || name == "dev") return 3;
  return -1;
}

struct TagParts {
  int split = -1;      // split_rank of the prefix, -1 if none
  std::string metric;  // the tag without the split prefix
};

TagParts split_tag(const std::string& tag) {
  for (char sep : {'/', '_'}) {
    auto pos = tag.find(sep);
    if (pos == std::string::npos || pos + 1 >= tag.size()) continue;
    int rank = split_rank(std::string_view(tag).substr(0, pos));
    // "val_loss" (Keras) yes; "train_time/..." is a metric of its own only with '/' later on.
    if (rank >= 0 && (sep == '/' || tag.find('/') == std::string::npos))
      return {rank, tag.substr(pos + 1)};
  }
  return {-1, tag};
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Known chart kinds: (order, key, title). Unknown ones sort after them by name.
struct Kind {
  int order;
  std::string key, title;
};

Kind kind_of(const std::string& first_segment) {
  const std::string s = lower(first_segment);
  if (s.find("loss") != std::string::npos)
    return {0, first_segment, first_segment == "loss" ? "Loss" : first_segment};
  if (s == "acc" || s == "accuracy" || s.find("accuracy") != std::string::npos)
    return {1, first_segment, s == "acc" || s == "accuracy" ? "Accuracy" : first_segment};
  if (s == "lr" || s == "learning_rate") return {2, "lr", "Learning rate"};
  if (s.find("grad") != std::string::npos && s.find("norm") != std::string::npos)
    return {3, first_segment, s == "grad_norm" ? "Gradient norm" : first_segment};
  return {4, first_segment, first_segment};
}

bool is_main_kind(int order) { return order <= 3; }

// ---- number formatting ---------------------------------------------------------------------

std::string printf_str(const char* fmt, double v, int precision) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, precision, v);
  return buf;
}

// "1e-05" → "1e-5", "2.5e+06" → "2.5e6".
std::string tidy_exponent(std::string s) {
  auto e = s.find('e');
  if (e == std::string::npos) return s;
  std::string mant = s.substr(0, e), exp = s.substr(e + 1);
  bool neg = !exp.empty() && exp[0] == '-';
  if (!exp.empty() && (exp[0] == '-' || exp[0] == '+')) exp.erase(0, 1);
  exp.erase(0, std::min(exp.find_first_not_of('0'), exp.size() - 1));
  return mant + "e" + (neg ? "-" : "") + exp;
}

/// A value in a table or card: 5 significant digits, NaN/inf spelled out.
std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return printf_str("%.*f", v, 0);
  return tidy_exponent(printf_str("%.*g", v, 5));
}

/// A tick label, with as many digits as the tick spacing needs.
std::string format_tick(double v, double spacing) {
  if (std::fabs(v) < spacing * 1e-6) return "0";
  const double mag = std::max(std::fabs(v), spacing);
  if (mag >= 1e4 && spacing >= 100) {  // 12k, 1.5M
    const bool millions = mag >= 1e6;
    const double unit = millions ? 1e6 : 1e3;
    int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(spacing / unit) + 1e-9)));
    return printf_str("%.*f", v / unit, decimals) + (millions ? "M" : "k");
  }
  if (spacing < 1e-3) {  // 2e-4, 1.5e-4
    int digits = static_cast<int>(std::floor(std::log10(std::fabs(v)) + 1e-9) -
                                  std::floor(std::log10(spacing) + 1e-9)) +
                 1;
    std::string t = printf_str("%.*e", v, std::clamp(digits - 1, 0, 6));
    // Ticks are multiples of the spacing, so trailing zeros of the mantissa carry nothing.
    const size_t e = t.find('e');
    size_t cut = e;
    while (cut > 0 && t[cut - 1] == '0') --cut;
    if (cut > 0 && t[cut - 1] == '.') --cut;
    return tidy_exponent(t.substr(0, cut) + t.substr(e));
  }
  int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(spacing) + 1e-9)));
  return printf_str("%.*f", v, decimals);
}

std::string fmt1(double v) { return printf_str("%.*f", v, 1); }

std::string format_duration(double seconds) {
  if (!(seconds >= 0)) return "";
  const auto s = static_cast<int64_t>(std::llround(seconds));
  char buf[64];
  if (s < 60)
    std::snprintf(buf, sizeof(buf), "%llds", static_cast<long long>(s));
  else if (s < 3600)
    std::snprintf(buf, sizeof(buf), "%lldm %02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  else
    std::snprintf(buf, sizeof(buf), "%lldh %02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60));
  return buf;
}

std::string format_local_time(double unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
  return buf;
}

// ---- HTML/SVG text -------------------------------------------------------------------------

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Rough width of `text` at `font_size` px in a sans-serif face (no font metrics without a browser).
double text_width(std::string_view text, double font_size) {
  return static_cast<double>(text.size()) * font_size * 0.58;
}

// ---- charts --------------------------------------------------------------------------------

double nice_spacing(double span, int target_ticks) {
  const double raw = span / target_ticks;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

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
  constexpr size_t kColors = std::size(report_assets::kSeriesColors);
  for (size_t i = 0; i < group.tags.size(); ++i) {
    const ScalarSeries& s = scalars.at(group.tags[i]);
    SeriesView v;
    v.tag = group.tags[i];
    size_t slot = by_split ? static_cast<size_t>(std::max(splits[i], 0)) : i;
    v.color = report_assets::kSeriesColors[slot % kColors];
    for (size_t k = 0; k < s.steps.size(); ++k)
      v.points.push_back({static_cast<double>(s.steps[k]), s.values[k]});
    v.noisy = is_noisy(v.points);
    out.push_back(std::move(v));
  }
  return out;
}

struct Scale {
  double d0, d1, r0, r1;  // domain → range
  double operator()(double v) const { return r0 + (v - d0) / (d1 - d0) * (r1 - r0); }
};

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

struct ChartLayout {
  double width = 560, height = 320;
  double x = 0, y = 0;  // position when nested in curves.svg
  bool nested = false;  // emit x/y attributes
  std::string clip_id;  // unique within the document
};

std::string chart_svg(const ChartGroup& group, const ScalarMap& scalars, const ChartLayout& L) {
  const std::string font = report_assets::kFontFamily;
  std::vector<SeriesView> series = series_of(group, scalars);

  // Data bounds over finite values.
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const auto& s : series)
    for (const Point& p : s.points) {
      x0 = std::min(x0, p.x);
      x1 = std::max(x1, p.x);
      if (std::isfinite(p.y)) y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
    }
  const bool has_data = std::isfinite(y0);
  if (!std::isfinite(x0)) x0 = 0, x1 = 1;
  if (!has_data) y0 = 0, y1 = 1;
  if (x1 <= x0) x0 -= 1, x1 += 1;
  if (x0 > 0 && x0 <= 0.05 * (x1 - x0)) x0 = 0;  // steps 1..600 read better on 0..600
  if (y1 <= y0) {
    const double pad = y0 == 0 ? 1 : std::fabs(y0) * 0.1;
    y0 -= pad, y1 += pad;
  }
  const double ysp = nice_spacing(y1 - y0, 5);
  y0 = std::floor(y0 / ysp + 1e-9) * ysp;
  y1 = std::ceil(y1 / ysp - 1e-9) * ysp;
  const double xsp = std::max(1.0, nice_spacing(x1 - x0, 6));

  // Legend: right-aligned on the title row when it fits, else in rows of its own below it. At
  // most kLegendMax entries; the rest are summed up as "+N more".
  struct LegendItem {
    std::string label, color;  // no colour: the "+N more" note
    double x = 0, y = 0, width = 0;
  };
  constexpr size_t kLegendMax = 6;
  std::vector<LegendItem> legend;
  for (size_t i = 0; i < series.size() && i < kLegendMax; ++i)
    legend.push_back({series[i].tag, series[i].color});
  if (series.size() > kLegendMax)
    legend.push_back({"+" + std::to_string(series.size() - kLegendMax) + " more", ""});
  double legend_w = 0;
  for (auto& item : legend) {
    item.width = (item.color.empty() ? 0 : 22) + text_width(item.label, 12) + 14;
    legend_w += item.width;
  }
  double top = 44;
  if (text_width(group.title, 15) + 34 + legend_w <= L.width - 16) {
    double x = L.width - 16 - legend_w + 14;
    for (auto& item : legend) item.x = x, item.y = 26, x += item.width;
  } else {
    double x = 16, y = 46;
    for (auto& item : legend) {
      if (x > 16 && x + item.width - 14 > L.width - 16) x = 16, y += 18;
      item.x = x, item.y = y, x += item.width;
    }
    top = y + 16;
  }

  // Y tick labels decide the left margin.
  std::vector<std::pair<double, std::string>> yticks;
  double label_w = 0;
  for (double v = y0; v <= y1 + ysp * 1e-6; v += ysp) {
    yticks.emplace_back(v, format_tick(v, ysp));
    label_w = std::max(label_w, text_width(yticks.back().second, 11.5));
  }
  const double left = std::max(48.0, label_w + 36), right = L.width - 18, bottom = L.height - 46;
  const Scale sx{x0, x1, left, right}, sy{y0, y1, bottom, top};

  std::ostringstream o;
  o << "<svg";
  if (L.nested)
    o << " x=\"" << L.x << "\" y=\"" << L.y << "\" width=\"" << L.width << "\" height=\""
      << L.height << '"';
  else
    o << " xmlns=\"http://www.w3.org/2000/svg\" width=\"" << L.width << "\" height=\"" << L.height
      << '"';
  o << " viewBox=\"0 0 " << L.width << ' ' << L.height << "\" role=\"img\" aria-label=\""
    << escape(group.title) << "\" class=\"chart-svg\" data-chart=\"" << escape(group.key)
    << "\" font-family=\"" << escape(font) << "\">\n";
  // The clip area leaves room for markers centred on the plot's edges.
  o << "<defs><clipPath id=\"" << L.clip_id << "\"><rect x=\"" << fmt1(left - 5) << "\" y=\""
    << fmt1(top - 5) << "\" width=\"" << fmt1(right - left + 10) << "\" height=\""
    << fmt1(bottom - top + 10) << "\"/></clipPath></defs>\n";
  o << "<text x=\"16\" y=\"26\" font-size=\"15\" font-weight=\"600\" fill=\"#111827\">"
    << escape(group.title) << "</text>\n";

  o << "<g class=\"legend\" font-size=\"12\" fill=\"#374151\">";
  for (const auto& item : legend) {
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

  // Grid, ticks, axes.
  o << "<g class=\"axes\" font-size=\"11.5\" fill=\"#4b5563\">";
  for (const auto& [v, label] : yticks) {
    const std::string y = fmt1(sy(v));
    o << "<line x1=\"" << fmt1(left) << "\" y1=\"" << y << "\" x2=\"" << fmt1(right) << "\" y2=\""
      << y << "\" stroke=\"#eceef1\"/>";
    o << "<text x=\"" << fmt1(left - 8) << "\" y=\"" << y << "\" dy=\"0.35em\" text-anchor=\"end\">"
      << escape(label) << "</text>";
  }
  for (double v = std::ceil(x0 / xsp - 1e-9) * xsp; v <= x1 + xsp * 1e-6; v += xsp) {
    const std::string x = fmt1(sx(v));
    o << "<line x1=\"" << x << "\" y1=\"" << fmt1(bottom) << "\" x2=\"" << x << "\" y2=\""
      << fmt1(bottom + 5) << "\" stroke=\"#9ca3af\"/>";
    const std::string label = format_tick(v, xsp);
    // A label that would stick out of the chart's right edge is right-aligned to its tick.
    const bool at_edge = sx(v) + text_width(label, 11.5) / 2 > L.width - 4;
    o << "<text x=\"" << x << "\" y=\"" << fmt1(bottom + 19) << "\" text-anchor=\""
      << (at_edge ? "end" : "middle") << "\">" << escape(label) << "</text>";
  }
  o << "<line x1=\"" << fmt1(left) << "\" y1=\"" << fmt1(bottom) << "\" x2=\"" << fmt1(right)
    << "\" y2=\"" << fmt1(bottom) << "\" stroke=\"#9ca3af\"/>";
  o << "<line x1=\"" << fmt1(left) << "\" y1=\"" << fmt1(top) << "\" x2=\"" << fmt1(left)
    << "\" y2=\"" << fmt1(bottom) << "\" stroke=\"#9ca3af\"/>";
  o << "<text x=\"" << fmt1((left + right) / 2) << "\" y=\"" << fmt1(L.height - 10)
    << "\" text-anchor=\"middle\" font-size=\"12\" fill=\"#6b7280\">step</text>";
  const double yc = (top + bottom) / 2;
  o << "<text transform=\"translate(15," << fmt1(yc)
    << ") rotate(-90)\" text-anchor=\"middle\" "
       "font-size=\"12\" fill=\"#6b7280\">"
    << escape(group.key) << "</text>";
  o << "</g>\n";

  if (!has_data) {
    o << "<text x=\"" << fmt1((left + right) / 2) << "\" y=\"" << fmt1(yc)
      << "\" text-anchor=\"middle\" font-size=\"13\" fill=\"#9ca3af\">no finite values</text>\n";
  }

  // Series: faint raw lines of noisy series under everything, then lines, then markers.
  o << "<g clip-path=\"url(#" << L.clip_id
    << ")\" fill=\"none\" stroke-linejoin=\"round\" "
       "stroke-linecap=\"round\">\n";
  for (const auto& s : series) {
    o << "<g class=\"series\" data-tag=\"" << escape(s.tag) << "\">";
    if (s.noisy) {
      o << "<path d=\"" << path_data(decimate(s.points, 800), sx, sy) << "\" stroke=\"" << s.color
        << "\" stroke-opacity=\"0.22\" stroke-width=\"1\"/>";
      // A window of about 1/40 of the run, as a readable default for a whole-run chart.
      const double window = std::max(2.0, static_cast<double>(s.points.size()) / 40.0);
      o << "<path d=\"" << path_data(decimate(smooth(s.points, 1 - 1 / window), 800), sx, sy)
        << "\" stroke=\"" << s.color << "\" stroke-width=\"2.2\"/>";
    } else {
      o << "<path d=\"" << path_data(decimate(s.points, 800), sx, sy) << "\" stroke=\"" << s.color
        << "\" stroke-width=\"2.2\"/>";
      if (s.points.size() <= 40) {
        for (const Point& p : s.points) {
          if (!std::isfinite(p.y)) continue;
          o << "<circle cx=\"" << fmt1(sx(p.x)) << "\" cy=\"" << fmt1(sy(p.y))
            << "\" r=\"3.2\" fill=\"" << s.color << "\" stroke=\"#ffffff\" stroke-width=\"1.5\">"
            << "<title>" << escape(s.tag) << " @ step " << static_cast<int64_t>(p.x) << ": "
            << format_value(p.y) << "</title></circle>";
        }
      }
    }
    o << "</g>\n";
  }
  o << "</g>\n</svg>\n";
  return o.str();
}

bool any_noisy(const ChartGroup& group, const ScalarMap& scalars) {
  for (const auto& s : series_of(group, scalars))
    if (s.noisy) return true;
  return false;
}

// ---- HTML pieces ---------------------------------------------------------------------------

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

// ---- public API ----------------------------------------------------------------------------

ScalarMap parse_metrics(std::string_view text, std::string_view source) {
  ScalarMap out;
  size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    ++line_no;
    size_t end = text.find('\n', pos);
    const bool terminated = end != std::string_view::npos;
    if (!terminated) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;

    nlohmann::json rec;
    try {
      rec = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      if (!terminated) break;  // the record being written right now
      EMBER_ERROR(source, ":", line_no, ": not valid JSON (", short_parse_error(e.what()), ")");
    }
    EMBER_CHECK(rec.is_object(), source, ":", line_no, ": expected a JSON object, got ",
                rec.type_name());
    auto step_it = rec.find("step");
    EMBER_CHECK(step_it != rec.end(), source, ":", line_no, ": missing \"step\"");
    const auto& step_json = *step_it;
    EMBER_CHECK(step_json.is_number_integer() ||
                    (step_json.is_number_float() &&
                     step_json.get<double>() == std::floor(step_json.get<double>())),
                source, ":", line_no, ": \"step\" must be an integer, got ",
                step_json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    const int64_t step = step_json.is_number_integer()
                             ? step_json.get<int64_t>()
                             : static_cast<int64_t>(step_json.get<double>());
    double wall_time = kNaN;
    if (auto it = rec.find("wall_time"); it != rec.end() && it->is_number())
      wall_time = it->get<double>();
    for (const auto& [key, value] : rec.items()) {
      if (key == "step" || key == "wall_time") continue;
      if (value.is_number())
        add_point(out[key], step, value.get<double>(), wall_time);
      else if (value.is_null())
        add_point(out[key], step, kNaN, wall_time);
    }
  }
  return out;
}

ScalarMap read_metrics(const std::filesystem::path& file) {
  return parse_metrics(read_text(file, "read_metrics"), file.string());
}

RunRecord read_run(const std::filesystem::path& run_dir) {
  EMBER_CHECK(std::filesystem::is_directory(run_dir), "report: run directory ", run_dir.string(),
              " does not exist");
  RunRecord run;
  run.dir = run_dir;
  if (auto metrics = run_dir / "metrics.jsonl"; std::filesystem::exists(metrics))
    run.scalars = read_metrics(metrics);
  run.config = read_json_file(run_dir / "config.json");
  run.summary = read_json_file(run_dir / "summary.json");
  return run;
}

std::vector<ChartGroup> chart_groups(const ScalarMap& scalars) {
  struct Entry {
    Kind kind;
    std::vector<std::pair<int, std::string>> tags;  // (split rank, tag)
  };
  std::map<std::string, Entry> by_key;
  for (const auto& [tag, series] : scalars) {
    const TagParts parts = split_tag(tag);
    const Kind kind = kind_of(parts.metric.substr(0, parts.metric.find('/')));
    auto& e = by_key.try_emplace(kind.key, Entry{kind, {}}).first->second;
    e.tags.emplace_back(parts.split < 0 ? 0 : parts.split, tag);
  }
  std::vector<ChartGroup> out;
  for (auto& [key, e] : by_key) {
    std::stable_sort(e.tags.begin(), e.tags.end());
    ChartGroup g{key, e.kind.title, {}};
    for (auto& [rank, tag] : e.tags) g.tags.push_back(tag);
    out.push_back(std::move(g));
  }
  std::stable_sort(out.begin(), out.end(), [](const ChartGroup& a, const ChartGroup& b) {
    return kind_of(a.key).order < kind_of(b.key).order;
  });
  return out;
}

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
    << escape(run.dir.filename().string()) << " · ember report</title>\n<style>"
    << report_assets::kCss << "</style>\n</head>\n<body>\n<main>\n";
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
      << "font-family=\"" << escape(report_assets::kFontFamily) << "\" font-size=\"14\" "
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
