// Reading a run directory back: metrics.jsonl (parse_metrics, read_metrics), config.json and
// summary.json (read_run). The writer of the same format is run_logger.cpp.
#include "ember/train/run_reader.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "ember/core/error.h"

namespace ember::train {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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
    return nlohmann::json::parse(read_text(file, "read_run"));
  } catch (const nlohmann::json::parse_error& e) {
    EMBER_ERROR("read_run: ", file.string(), " is not valid JSON (", short_parse_error(e.what()),
                ")");
  }
}

// The "step" of one record: an integer, or a float with an integral value.
int64_t step_of(const nlohmann::json& rec, std::string_view source, size_t line_no) {
  auto it = rec.find("step");
  EMBER_CHECK(it != rec.end(), source, ":", line_no, ": missing \"step\"");
  const nlohmann::json& step = *it;
  EMBER_CHECK(step.is_number_integer() ||
                  (step.is_number_float() && step.get<double>() == std::floor(step.get<double>())),
              source, ":", line_no, ": \"step\" must be an integer, got ",
              step.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return step.is_number_integer() ? step.get<int64_t>() : static_cast<int64_t>(step.get<double>());
}

// Adds the scalars of one record (numbers, and null as NaN) to `out`.
void add_record(const nlohmann::json& rec, int64_t step, ScalarMap& out) {
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

}  // namespace

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
    add_record(rec, step_of(rec, source, line_no), out);
  }
  return out;
}

ScalarMap read_metrics(const std::filesystem::path& file) {
  return parse_metrics(read_text(file, "read_metrics"), file.string());
}

RunRecord read_run(const std::filesystem::path& run_dir) {
  EMBER_CHECK(std::filesystem::is_directory(run_dir), "read_run: run directory ", run_dir.string(),
              " does not exist");
  RunRecord run;
  run.dir = run_dir;
  if (auto metrics = run_dir / "metrics.jsonl"; std::filesystem::exists(metrics))
    run.scalars = read_metrics(metrics);
  run.config = read_json_file(run_dir / "config.json");
  run.summary = read_json_file(run_dir / "summary.json");
  return run;
}

}  // namespace ember::train
