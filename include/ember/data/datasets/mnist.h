// MNIST and Fashion-MNIST from their IDX files (plain or .gz), as libtorch's
// torch::data::datasets::MNIST: images (N, 1, rows, cols) float in [0, 1], targets (N) kLong.
// Counts and image sizes come from the file headers; the magic numbers (2051 for images, 2049
// for labels) are checked, and a missing, truncated or inconsistent file throws an ember::Error
// naming the file and the problem.
//
//   datasets::MNIST(root, MNIST::Mode::kTest)   files in `root`:
//       train-images-idx3-ubyte  train-labels-idx1-ubyte  t10k-images-idx3-ubyte
//       t10k-labels-idx1-ubyte   (each may instead be gzip'd, with ".gz" appended)
//   datasets::MNIST()                            the default folders (ember/data/datasets/locate.h)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ember/data/datasets/tensor.h"

namespace ember::data::datasets {

namespace detail {
/// Images and labels read from the IDX files of `mode` in `root`; `who` prefixes errors.
void read_mnist(const std::string& root, bool train, const char* who, Tensor& images,
                Tensor& targets);
}  // namespace detail

/// The handwritten digits (60,000 training and 10,000 test images of 28×28).
class MNIST : public TensorPairDataset<MNIST> {
 public:
  static constexpr const char* kName = "MNIST";
  /// Which split to read.
  enum class Mode { kTrain, kTest };

  /// Reads the split from the IDX files in `root`.
  explicit MNIST(const std::string& root, Mode mode = Mode::kTrain);
  /// Reads the split from the first default folder that has the files (see default_roots()).
  explicit MNIST(Mode mode = Mode::kTrain);

  bool is_train() const noexcept { return train_; }
  /// (N, 1, 28, 28) float in [0, 1].
  const Tensor& images() const { return data_; }
  /// (N) kLong, values 0-9.
  const Tensor& targets() const { return target_; }

  /// Where MNIST() looks: $EMBER_DATA_DIR/mnist, ./data/mnist, <source tree>/data/mnist.
  static std::vector<std::string> default_roots();
  /// The first default folder holding all four files, if any.
  static std::optional<std::string> find_root();

 private:
  bool train_;
};

/// Zalando's Fashion-MNIST (same format and sizes as MNIST; 10 classes of clothing).
class FashionMNIST : public TensorPairDataset<FashionMNIST> {
 public:
  static constexpr const char* kName = "FashionMNIST";
  using Mode = MNIST::Mode;

  explicit FashionMNIST(const std::string& root, Mode mode = Mode::kTrain);
  explicit FashionMNIST(Mode mode = Mode::kTrain);

  bool is_train() const noexcept { return train_; }
  const Tensor& images() const { return data_; }
  const Tensor& targets() const { return target_; }

  /// $EMBER_DATA_DIR/fashion-mnist, ./data/fashion-mnist, <source tree>/data/fashion-mnist,
  /// /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist).
  static std::vector<std::string> default_roots();
  static std::optional<std::string> find_root();

 private:
  bool train_;
};

}  // namespace ember::data::datasets
