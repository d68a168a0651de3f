// Digits: the UCI optical-recognition handwritten digits (1797 images of 8×8, classes 0-9), as
// scikit-learn ships them in digits.csv.gz (64 pixel values 0-16, then the label, per row).
// Images (1797, 1, 8, 8) float in [0, 1] (pixel / 16), targets (1797) kLong. Small enough to
// train on in seconds: the data set for examples and tests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ember/data/datasets/tensor.h"

namespace ember::data::datasets {

class Digits : public TensorPairDataset<Digits> {
 public:
  static constexpr const char* kName = "Digits";

  /// Reads digits.csv.gz (or digits.csv) from `root`.
  explicit Digits(const std::string& root);
  /// Reads it from the first default folder that has it (see default_roots()).
  Digits();

  /// (N, 1, 8, 8) float in [0, 1].
  const Tensor& images() const { return data_; }
  /// (N) kLong, values 0-9.
  const Tensor& targets() const { return target_; }

  /// $EMBER_DATA_DIR/digits, ./data/digits, <source tree>/data/digits, then scikit-learn's
  /// folder /usr/lib/python3/dist-packages/sklearn/datasets/data.
  static std::vector<std::string> default_roots();
  static std::optional<std::string> find_root();
};

}  // namespace ember::data::datasets
