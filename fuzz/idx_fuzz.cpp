// libFuzzer target for the IDX reader behind MNIST and FashionMNIST (plain and gzip'd files):
// any bytes, as the image file or as the label file of a split whose other file is valid, either
// load or throw ember::Error (anything else — a crash, a sanitizer report, another exception —
// is a bug). What loads must be consistent: N images of rows x cols pixels in [0, 1], N labels
// in [0, 255]. Built and run by scripts/run-fuzz.sh.
#include <cstdint>
#include <string>
#include <string_view>

#include "ember/core/error.h"
#include "ember/data/datasets/mnist.h"
#include "ember/ops.h"
#include "fuzz_files.h"

namespace {

std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// A valid 2-image 3x3 file and its 2 labels.
const std::string kImages = be32(2051) + be32(2) + be32(3) + be32(3) + std::string(18, '\x7f');
const std::string kLabels = be32(2049) + be32(2) + std::string("\x01\x09", 2);

void load(const std::string& images, const std::string& labels) {
  const std::string& dir = ember_fuzz::scratch_dir();
  ember_fuzz::write_file(dir + "/train-images-idx3-ubyte", images);
  ember_fuzz::write_file(dir + "/train-labels-idx1-ubyte", labels);
  try {
    ember::data::datasets::MNIST m(dir);
    const ember::Tensor& x = m.images();
    const ember::Tensor& y = m.targets();
    if (x.dim() != 4 || y.dim() != 1 || x.size(0) != y.size(0) || x.size(1) != 1) __builtin_trap();
    if (x.numel() > 0 && (x.min().item<float>() < 0 || x.max().item<float>() > 1)) __builtin_trap();
    if (y.numel() > 0 && (y.min().item<int64_t>() < 0 || y.max().item<int64_t>() > 255))
      __builtin_trap();
  } catch (const ember::Error&) {
    // rejected cleanly
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  load(bytes, kLabels);
  load(kImages, bytes);
  return 0;
}
