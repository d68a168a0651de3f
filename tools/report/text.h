// Text of the report: numbers as the report prints them (values, tick labels, durations, dates)
// and HTML/SVG escaping.
#pragma once

#include <string>
#include <string_view>

namespace ember::train::report {

/// A value in a table or card: 5 significant digits, NaN/inf spelled out.
std::string format_value(double v);
/// A tick label, with as many digits as the tick spacing needs.
std::string format_tick(double v, double spacing);
/// One decimal ("12.5"): SVG coordinates.
std::string fmt1(double v);
/// "42s", "2m 30s", "1h 05m"; empty for a negative or NaN duration.
std::string format_duration(double seconds);
/// "2025-01-01 13:00" in local time.
std::string format_local_time(double unix_seconds);

/// `text` with & < > " ' replaced by entities.
std::string escape(std::string_view text);
/// Rough width of `text` at `font_size` px in a sans-serif face (no font metrics without a
/// browser).
double text_width(std::string_view text, double font_size);

}  // namespace ember::train::report
