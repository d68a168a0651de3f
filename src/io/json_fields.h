// Validated reads of the fields of ember's own JSON state files (trainer.json, the optimizer and
// scheduler state): each getter checks presence, JSON type and range, and every failure is one
// ember::Error naming the reader, the file and the field ("Trainer::resume_from:
// run/checkpoints/last/trainer.json: field \"epoch\" must be an integer in [0, 1000000000], got
// 1e+30"). No nlohmann exception and no numeric conversion with undefined behaviour gets out.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace ember::io {

class JsonFields {
 public:
  using json = nlohmann::json;
  /// `who`: the operation ("Trainer::resume_from"); `file`: the file the document came from.
  JsonFields(std::string who, std::string file) : who_(std::move(who)), file_(std::move(file)) {}

  /// Throws "<who>: <file>: field "<field>" <problem>".
  [[noreturn]] void fail(std::string_view field, std::string_view problem) const;
  /// Throws "<who>: <file>: <problem>" (for the document as a whole).
  [[noreturn]] void fail_file(std::string_view problem) const;

  /// Parses `text` as one JSON document (any failure names the file).
  json parse(std::string_view text) const;
  /// `j` must be an object; `field` names it ("" for the document).
  const json& object(const json& j, std::string_view field) const;
  /// `obj[key]`, which must exist (`obj` is an object); `field` is its full name for errors.
  const json& at(const json& obj, const std::string& key, std::string_view field) const;
  /// A JSON integer (not 1.0, not 1e30) in [lo, hi].
  int64_t integer(const json& j, std::string_view field, int64_t lo = 0,
                  int64_t hi = std::numeric_limits<int64_t>::max()) const;
  /// A finite JSON number in [lo, hi].
  double number(const json& j, std::string_view field,
                double lo = -std::numeric_limits<double>::max(),
                double hi = std::numeric_limits<double>::max()) const;
  /// A number as number(), or null (read as NaN: how ember writes a non-finite value).
  double number_or_null(const json& j, std::string_view field) const;
  bool boolean(const json& j, std::string_view field) const;
  std::string string(const json& j, std::string_view field) const;
  /// A JSON array of finite numbers in [lo, hi], of exactly `size` elements (when size >= 0).
  std::vector<double> numbers(const json& j, std::string_view field, int64_t size,
                              double lo = -std::numeric_limits<double>::max(),
                              double hi = std::numeric_limits<double>::max()) const;
  /// A JSON array.
  const json& array(const json& j, std::string_view field) const;

  const std::string& file() const { return file_; }

 private:
  std::string who_, file_;
};

/// A short rendering of a JSON value for error messages (long values are cut).
std::string json_excerpt(const nlohmann::json& j);

}  // namespace ember::io
