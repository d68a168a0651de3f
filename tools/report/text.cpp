// Number formatting and escaping for the report (see text.h).
#include "text.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace ember::train::report {
namespace {

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

// Ticks of 12k, 1.5M.
std::string format_thousands(double v, double spacing, double mag) {
  const bool millions = mag >= 1e6;
  const double unit = millions ? 1e6 : 1e3;
  int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(spacing / unit) + 1e-9)));
  return printf_str("%.*f", v / unit, decimals) + (millions ? "M" : "k");
}

// Ticks of 2e-4, 1.5e-4.
std::string format_small(double v, double spacing) {
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

}  // namespace

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return printf_str("%.*f", v, 0);
  return tidy_exponent(printf_str("%.*g", v, 5));
}

std::string format_tick(double v, double spacing) {
  if (std::fabs(v) < spacing * 1e-6) return "0";
  const double mag = std::max(std::fabs(v), spacing);
  if (mag >= 1e4 && spacing >= 100) return format_thousands(v, spacing, mag);
  if (spacing < 1e-3) return format_small(v, spacing);
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

double text_width(std::string_view text, double font_size) {
  return static_cast<double>(text.size()) * font_size * 0.58;
}

}  // namespace ember::train::report
