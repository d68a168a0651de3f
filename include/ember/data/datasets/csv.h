// CSV: a table of numbers as a dataset. One column is the label (the target); the others are the
// features. Plain or gzip'd files.
//
//   datasets::CSV iris("iris.csv", CSVOptions().label("species"));
//   iris.features();  // (N, F) float     iris.targets();  // (N) kLong: labels are integers
//
// Every field must be a number (leading/trailing blanks and surrounding quotes are allowed);
// anything else is an ember::Error with file:line:column, e.g.
//   CSV: iris.csv:7:12: cannot parse 'setosa' as a number (column 'species')
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ember/core/scalar_type.h"
#include "ember/data/datasets/tensor.h"

namespace ember::data::datasets {

struct CSVOptions {
  /// The label column by header name.
  CSVOptions& label(std::string name) {
    label_ = std::move(name);
    return *this;
  }
  /// The label column by 0-based index; negative counts from the end (default -1: the last).
  CSVOptions& label(int64_t index) {
    label_ = index;
    return *this;
  }
  /// Whether the first row names the columns (default true). Without it, columns are "0", "1"...
  CSVOptions& header(bool h) {
    header_ = h;
    return *this;
  }
  CSVOptions& delimiter(char d) {
    delimiter_ = d;
    return *this;
  }
  /// dtype of the features (default kFloat).
  CSVOptions& dtype(ScalarType t) {
    dtype_ = t;
    return *this;
  }
  /// dtype of the targets. Default: kLong when every label is an integer, else kFloat.
  CSVOptions& target_dtype(ScalarType t) {
    target_dtype_ = t;
    return *this;
  }

  const std::variant<std::string, int64_t>& label() const { return label_; }
  bool header() const { return header_; }
  char delimiter() const { return delimiter_; }
  ScalarType dtype() const { return dtype_; }
  std::optional<ScalarType> target_dtype() const { return target_dtype_; }

 private:
  std::variant<std::string, int64_t> label_ = int64_t(-1);
  bool header_ = true;
  char delimiter_ = ',';
  ScalarType dtype_ = kFloat;
  std::optional<ScalarType> target_dtype_;
};

namespace detail {
/// Reads `path` as CSV: features (N, F) and targets (N); `who` prefixes errors.
void read_csv(const std::string& path, const CSVOptions& options, const char* who, Tensor& features,
              Tensor& targets, std::vector<std::string>& feature_names, std::string& label_name);
}  // namespace detail

/// A CSV file: example i is {features row i (F), label i (scalar)}.
class CSV : public TensorPairDataset<CSV> {
 public:
  static constexpr const char* kName = "CSV";
  explicit CSV(const std::string& path, const CSVOptions& options = CSVOptions());

  /// (N, F) in options.dtype().
  const Tensor& features() const { return data_; }
  /// (N) in options.target_dtype().
  const Tensor& targets() const { return target_; }
  /// The header's names of the feature columns, in order (or "0", "1", ... without a header).
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  const std::string& label_name() const { return label_name_; }

 private:
  std::vector<std::string> feature_names_;
  std::string label_name_;
};

}  // namespace ember::data::datasets
