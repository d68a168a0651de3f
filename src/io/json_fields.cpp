// JsonFields: the checked getters of ember's JSON state files (see json_fields.h).
#include "io/json_fields.h"

#include <cmath>
#include <sstream>

#include "ember/core/error.h"

namespace ember::io {

std::string json_excerpt(const nlohmann::json& j) {
  std::string s;
  try {
    s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const nlohmann::json::exception&) {
    s = "?";
  }
  constexpr size_t kMax = 60;
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return s;
}

// With no file name (the caller adds it, as ember::load does), the message starts "<who>: ".
void JsonFields::fail(std::string_view field, std::string_view problem) const {
  EMBER_ERROR(who_, ": ", file_, file_.empty() ? "" : ": ", "field \"", field, "\" ", problem);
}

void JsonFields::fail_file(std::string_view problem) const {
  EMBER_ERROR(who_, ": ", file_, file_.empty() ? "" : ": ", problem);
}

nlohmann::json JsonFields::parse(std::string_view text) const {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    fail_file(std::string("not valid JSON (") + e.what() + ")");
  }
}

const nlohmann::json& JsonFields::object(const json& j, std::string_view field) const {
  if (j.is_object()) return j;
  const std::string problem = std::string("must be a JSON object, got ") + j.type_name();
  if (field.empty()) fail_file("the document " + problem);
  fail(field, problem);
}

const nlohmann::json& JsonFields::at(const json& obj, const std::string& key,
                                     std::string_view field) const {
  object(obj, "");
  auto it = obj.find(key);
  if (it == obj.end()) fail(field, "is missing");
  return *it;
}

int64_t JsonFields::integer(const json& j, std::string_view field, int64_t lo, int64_t hi) const {
  std::ostringstream range;
  range << "must be an integer in [" << lo << ", " << hi << "], got " << json_excerpt(j);
  if (j.is_number_integer()) {
    if (j.is_number_unsigned()) {
      const uint64_t u = j.get<uint64_t>();
      if (u <= static_cast<uint64_t>(hi) && (lo <= 0 || u >= static_cast<uint64_t>(lo)))
        return static_cast<int64_t>(u);
    } else {
      const int64_t v = j.get<int64_t>();
      if (v >= lo && v <= hi) return v;
    }
  }
  fail(field, range.str());
}

double JsonFields::number(const json& j, std::string_view field, double lo, double hi) const {
  if (j.is_number()) {
    const double v = j.get<double>();
    if (std::isfinite(v) && v >= lo && v <= hi) return v;
  }
  std::ostringstream os;
  os << "must be a finite number";
  if (lo != -std::numeric_limits<double>::max() || hi != std::numeric_limits<double>::max())
    os << " in [" << lo << ", " << hi << "]";
  os << ", got " << json_excerpt(j);
  fail(field, os.str());
}

double JsonFields::number_or_null(const json& j, std::string_view field) const {
  if (j.is_null()) return std::nan("");
  if (!j.is_number()) fail(field, "must be a number or null, got " + json_excerpt(j));
  return number(j, field);
}

bool JsonFields::boolean(const json& j, std::string_view field) const {
  if (!j.is_boolean()) fail(field, "must be true or false, got " + json_excerpt(j));
  return j.get<bool>();
}

std::string JsonFields::string(const json& j, std::string_view field) const {
  if (!j.is_string()) fail(field, "must be a string, got " + json_excerpt(j));
  return j.get<std::string>();
}

const nlohmann::json& JsonFields::array(const json& j, std::string_view field) const {
  if (!j.is_array()) fail(field, std::string("must be a JSON array, got ") + json_excerpt(j));
  return j;
}

std::vector<double> JsonFields::numbers(const json& j, std::string_view field, int64_t size,
                                        double lo, double hi) const {
  array(j, field);
  if (size >= 0 && j.size() != static_cast<size_t>(size)) {
    std::ostringstream os;
    os << "must hold " << size << " numbers, got " << j.size();
    fail(field, os.str());
  }
  std::vector<double> out;
  out.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i)
    out.push_back(number(j[i], std::string(field) + "[" + std::to_string(i) + "]", lo, hi));
  return out;
}

}  // namespace ember::io
