// CSV reading (numbers only, quoted fields allowed, plain or gzip'd) and the Digits dataset that
// is stored as CSV.
#include "ember/data/datasets/csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <string_view>

#include "data/compressed_file.h"
#include "ember/data/datasets/digits.h"
#include "ember/data/datasets/locate.h"
#include "ember/ops.h"

namespace ember::data::datasets {

namespace {

struct Field {
  std::string_view text;  // trimmed, quotes removed
  size_t column;          // 1-based position of the field in its line
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

/// Splits one line at `delim`, honouring double quotes ("a,b" is one field; "" is a quote).
std::vector<Field> split(std::string_view line, char delim, std::string& scratch) {
  std::vector<Field> fields;
  size_t i = 0;
  scratch.clear();
  scratch.reserve(line.size());
  for (;;) {
    size_t start = i;
    while (start < line.size() && is_blank(line[start])) ++start;
    size_t end;
    std::string_view text;
    if (start < line.size() && line[start] == '"') {
      // Quoted: copy into scratch (reserved up front, so views into it stay valid).
      const size_t from = scratch.size();
      size_t j = start + 1;
      for (; j < line.size(); ++j) {
        if (line[j] == '"') {
          if (j + 1 < line.size() && line[j + 1] == '"') {
            scratch.push_back('"');
            ++j;
            continue;
          }
          break;
        }
        scratch.push_back(line[j]);
      }
      text = std::string_view(scratch).substr(from, scratch.size() - from);
      end = j < line.size() ? j + 1 : j;
      while (end < line.size() && line[end] != delim) ++end;
    } else {
      end = line.find(delim, start);
      if (end == std::string_view::npos) end = line.size();
      size_t stop = end;
      while (stop > start && is_blank(line[stop - 1])) --stop;
      text = line.substr(start, stop - start);
    }
    fields.push_back({text, start + 1});
    if (end >= line.size()) break;
    i = end + 1;
  }
  return fields;
}

bool parse_number(std::string_view s, double& v) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

bool is_integer(double v) { return std::isfinite(v) && v == std::floor(v) && std::abs(v) < 9.2e18; }

// The values of dtype `t` a number read from text may take without undefined behaviour or
// wrapping when converted: the integer range of an integral type (0 and 1 for Bool), the finite
// range of float (infinities and NaN as written stay allowed). Empty when every double fits.
std::string range_problem(double v, ScalarType t) {
  bool fits = true;
  const char* range = "";
  switch (t) {
    case ScalarType::Byte:
      fits = v >= 0 && v <= 255, range = "[0, 255]";
      break;
    case ScalarType::Bool:
      fits = v >= 0 && v <= 1, range = "[0, 1]";
      break;
    case ScalarType::Int:
      fits = v >= -2147483648.0 && v <= 2147483647.0, range = "[-2147483648, 2147483647]";
      break;
    case ScalarType::Long:
      fits = v >= -0x1p63 && v < 0x1p63, range = "[-9223372036854775808, 9223372036854775807]";
      break;
    case ScalarType::Float:
      fits = !std::isfinite(v) || std::abs(v) <= std::numeric_limits<float>::max();
      range = "[-3.40282e+38, 3.40282e+38]";
      break;
    case ScalarType::Double:
      break;
  }
  if (fits) return "";
  std::ostringstream os;
  os << "the range of " << t << " " << range;
  return os.str();
}

}  // namespace

void detail::read_csv(const std::string& path, const CSVOptions& options, const char* who,
                      Tensor& features, Tensor& targets, std::vector<std::string>& feature_names,
                      std::string& label_name) {
  std::string text;
  {
    data::detail::CompressedFile file(path, who);
    text = file.read_rest();
    EMBER_CHECK(!file.ended_early(), who, ": ", path,
                ": file is truncated (its gzip stream ends early)");
  }
  std::string_view rest(text);
  if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);  // UTF-8 byte order mark

  size_t line_no = 0;
  std::string_view line;
  auto next_line = [&]() -> bool {  // the next non-blank line, without its line ending
    while (!rest.empty()) {
      const size_t nl = rest.find('\n');
      line = rest.substr(0, nl);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      for (char c : line)
        if (!is_blank(c)) return true;
    }
    return false;
  };
  auto where = [&](size_t column) {
    std::ostringstream os;
    os << path << ':' << line_no << ':' << column;
    return os.str();
  };

  std::string scratch;
  std::vector<std::string> names;
  const bool header = options.header();
  EMBER_CHECK(next_line(), who, ": ", path, ": file is empty");
  std::vector<Field> fields = split(line, options.delimiter(), scratch);
  for (size_t c = 0; c < fields.size(); ++c)
    names.push_back(header ? std::string(fields[c].text) : std::to_string(c));
  const size_t ncols = names.size();
  const char* shape_source = header ? "the header has" : "the first row has";

  // The label column.
  size_t label = 0;
  if (const auto* name = std::get_if<std::string>(&options.label())) {
    auto it = std::find(names.begin(), names.end(), *name);
    if (it == names.end()) {
      std::ostringstream os;
      for (size_t c = 0; c < ncols; ++c) os << (c ? ", " : "") << names[c];
      EMBER_ERROR(who, ": ", path, ": label column '", *name,
                  "' not found; the columns are: ", os.str());
    }
    label = static_cast<size_t>(it - names.begin());
  } else {
    const int64_t index = std::get<int64_t>(options.label());
    const int64_t n = static_cast<int64_t>(ncols);
    EMBER_CHECK(index >= -n && index < n, who, ": ", path, ": label column index ", index,
                " is out of range for ", ncols, " columns");
    label = static_cast<size_t>(index < 0 ? index + n : index);
  }
  EMBER_CHECK(ncols >= 2, who, ": ", path, ": need at least two columns (features and a label), ",
              shape_source, " ", ncols);

  const std::optional<ScalarType> target_dtype = options.target_dtype();
  const bool integral_target = target_dtype && !is_floating_point(*target_dtype);
  const bool integral_features = !is_floating_point(options.dtype());
  std::vector<double> values, labels;
  bool all_integer = true;
  bool have_row = header ? next_line() : true;
  while (have_row) {
    if (header || !labels.empty()) fields = split(line, options.delimiter(), scratch);
    EMBER_CHECK(fields.size() == ncols, who, ": ", path, ":", line_no, ": expected ", ncols,
                " fields (as ", shape_source, ") but found ", fields.size());
    for (size_t c = 0; c < ncols; ++c) {
      const Field& f = fields[c];
      double v;
      EMBER_CHECK(!f.text.empty(), who, ": ", where(f.column), ": empty field (column '", names[c],
                  "')");
      EMBER_CHECK(parse_number(f.text, v), who, ": ", where(f.column), ": cannot parse '", f.text,
                  "' as a number (column '", names[c], "')");
      if (c == label) {
        const bool integer = is_integer(v);
        EMBER_CHECK(integer || !integral_target, who, ": ", where(f.column), ": label '", f.text,
                    "' is not an integer but target_dtype is ", *target_dtype);
        // Without a target_dtype integers become Long (is_integer keeps them in its range) and
        // anything else Float.
        const ScalarType t = target_dtype.value_or(integer ? kLong : kFloat);
        const std::string problem = range_problem(v, t);
        EMBER_CHECK(problem.empty(), who, ": ", where(f.column), ": label '", f.text,
                    "' is out of ", problem, " (column '", names[c], "')");
        all_integer = all_integer && integer;
        labels.push_back(v);
      } else {
        EMBER_CHECK(!integral_features || is_integer(v), who, ": ", where(f.column), ": '", f.text,
                    "' is not an integer but dtype is ", options.dtype(), " (column '", names[c],
                    "')");
        const std::string problem = range_problem(v, options.dtype());
        EMBER_CHECK(problem.empty(), who, ": ", where(f.column), ": '", f.text, "' is out of ",
                    problem, " (column '", names[c], "')");
        values.push_back(v);
      }
    }
    have_row = next_line();
  }
  const auto n = static_cast<int64_t>(labels.size());
  EMBER_CHECK(n > 0, who, ": ", path, ": no data rows");

  features = tensor(values, ember::dtype(kDouble))
                 .reshape({n, static_cast<int64_t>(ncols - 1)})
                 .to(options.dtype());
  targets =
      tensor(labels, ember::dtype(kDouble)).to(target_dtype.value_or(all_integer ? kLong : kFloat));
  feature_names.clear();
  for (size_t c = 0; c < ncols; ++c)
    if (c != label) feature_names.push_back(names[c]);
  label_name = names[label];
}

CSV::CSV(const std::string& path, const CSVOptions& options) {
  detail::read_csv(path, options, kName, data_, target_, feature_names_, label_name_);
  check_tensors();
}

// ---- Digits ---------------------------------------------------------------------------------
namespace {
constexpr const char* kDigitsFile = "digits.csv";  // found as digits.csv or digits.csv.gz
}

Digits::Digits(const std::string& root) {
  const auto path = find_file(root, kDigitsFile);
  EMBER_CHECK(path, kName, ": cannot find digits.csv.gz or digits.csv in '", root, "'");
  Tensor features;
  std::vector<std::string> names;
  std::string label_name;
  detail::read_csv(*path, CSVOptions().header(false).label(64).target_dtype(kLong), kName, features,
                   target_, names, label_name);
  EMBER_CHECK(features.size(1) == 64, kName, ": ", *path, ": expected 65 columns (64 pixels ",
              "and the label) but found ", features.size(1) + 1);
  // Pixels are counts 0-16 (of a 4x4 block of a 32x32 bitmap); /16 maps them to [0, 1].
  data_ = features.reshape({features.size(0), 1, 8, 8}).div(16.0);
  check_tensors();
}

namespace {
std::string digits_default_root() {
  const auto roots = Digits::default_roots();
  if (auto root = find_root(roots, {kDigitsFile})) return *root;
  std::ostringstream os;
  for (size_t i = 0; i < roots.size(); ++i) os << (i ? ", " : "") << roots[i];
  EMBER_ERROR(Digits::kName, ": cannot find digits.csv.gz; looked in: ", os.str(),
              ". Run scripts/install-datasets.sh or pass the folder holding it.");
}
}  // namespace

Digits::Digits() : Digits(digits_default_root()) {}

std::vector<std::string> Digits::default_roots() {
  return datasets::default_roots("digits",
                                 {"/usr/lib/python3/dist-packages/sklearn/datasets/data"});
}

std::optional<std::string> Digits::find_root() {
  return datasets::find_root(default_roots(), {kDigitsFile});
}

}  // namespace ember::data::datasets
