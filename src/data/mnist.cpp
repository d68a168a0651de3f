// IDX files (LeCun's MNIST format): a big-endian header — magic (0x0000, type 0x08 = ubyte,
// number of dims), one uint32 per dim — then the bytes. Read through CompressedFile, so .gz or
// plain; every way a file can be wrong ends in an ember::Error naming it.
#include "ember/data/datasets/mnist.h"

#include <cstdint>
#include <sstream>

#include "data/compressed_file.h"
#include "ember/data/datasets/locate.h"
#include "ember/ops.h"

namespace ember::data::datasets {

namespace {

constexpr uint32_t kImageMagic = 2051;  // 0x00000803: unsigned bytes, 3 dims
constexpr uint32_t kLabelMagic = 2049;  // 0x00000801: unsigned bytes, 1 dim

struct Idx {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> bytes;
};

uint32_t big_endian(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

std::string dims_string(const std::vector<uint32_t>& dims) {
  std::ostringstream os;
  for (size_t i = 0; i < dims.size(); ++i) os << (i ? " x " : "") << dims[i];
  return os.str();
}

Idx read_idx(const std::string& path, uint32_t magic, const char* kind, const char* who) {
  data::detail::CompressedFile file(path, who);
  const char* gz_note = " (its gzip stream ends early)";
  uint8_t head[4];
  size_t got = file.read(head, 4);
  EMBER_CHECK(got == 4, who, ": ", path, ": file is truncated: ", got,
              " bytes, too short for an IDX header", file.ended_early() ? gz_note : "");
  const uint32_t found = big_endian(head);
  if (found != magic) {
    const char* hint = found == kImageMagic   ? " (this is an IDX image file)"
                       : found == kLabelMagic ? " (this is an IDX label file)"
                                              : "";
    EMBER_ERROR(who, ": ", path, ": bad magic number ", found, hint, ", expected ", magic,
                " for an IDX ", kind, " file");
  }
  Idx idx;
  idx.dims.resize(magic & 0xff);
  std::vector<uint8_t> raw(4 * idx.dims.size());
  got = file.read(raw.data(), raw.size());
  EMBER_CHECK(got == raw.size(), who, ": ", path, ": file is truncated inside its header",
              file.ended_early() ? gz_note : "");
  uint64_t total = 1;
  for (size_t d = 0; d < idx.dims.size(); ++d) {
    idx.dims[d] = big_endian(&raw[4 * d]);
    total *= idx.dims[d];
    EMBER_CHECK(total <= (uint64_t(1) << 36), who, ": ", path, ": header declares an implausible ",
                "size (", dims_string(idx.dims), "...)");
  }
  // Grow the buffer as data arrives: a header lying about its counts cannot make us allocate
  // more than the file holds (plus one chunk).
  constexpr size_t kChunk = size_t(16) << 20;
  size_t have = 0;
  while (have < total) {
    const size_t want = std::min<uint64_t>(kChunk, total - have);
    idx.bytes.resize(have + want);
    const size_t n = file.read(idx.bytes.data() + have, want);
    have += n;
    if (n < want) break;
  }
  EMBER_CHECK(have == total, who, ": ", path, ": file is truncated: the header declares ",
              dims_string(idx.dims), " (", total, " bytes of data) but only ", have,
              " bytes follow", file.ended_early() ? gz_note : "");
  const size_t extra = file.read_rest().size();
  EMBER_CHECK(extra == 0, who, ": ", path, ": ", extra,
              " unexpected bytes after the data the header declares (", dims_string(idx.dims), ")");
  return idx;
}

std::string locate(const std::string& root, const std::string& file, const char* who) {
  auto path = find_file(root, file);
  EMBER_CHECK(path, who, ": cannot find ", file, " or ", file, ".gz in '", root, "'");
  return *path;
}

const std::vector<std::string>& all_files() {
  static const std::vector<std::string> files = {
      "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
      "t10k-labels-idx1-ubyte"};
  return files;
}

std::string default_root(const std::vector<std::string>& roots, const char* who) {
  // A folder with the files of both splits is preferred; otherwise one with the split's files
  // gets a clear error from read_mnist.
  if (auto root = find_root(roots, all_files())) return *root;
  std::ostringstream os;
  for (size_t i = 0; i < roots.size(); ++i) os << (i ? ", " : "") << roots[i];
  EMBER_ERROR(who, ": cannot find the dataset (train-images-idx3-ubyte[.gz] and the other ",
              "three IDX files); looked in: ", os.str(),
              ". Run scripts/install-datasets.sh or pass the folder holding the files.");
}

}  // namespace

void detail::read_mnist(const std::string& root, bool train, const char* who, Tensor& images,
                        Tensor& targets) {
  const std::string prefix = train ? "train" : "t10k";
  const std::string image_path = locate(root, prefix + "-images-idx3-ubyte", who);
  const std::string label_path = locate(root, prefix + "-labels-idx1-ubyte", who);
  const Idx im = read_idx(image_path, kImageMagic, "image", who);
  const Idx lb = read_idx(label_path, kLabelMagic, "label", who);
  EMBER_CHECK(im.dims[0] == lb.dims[0], who, ": ", image_path, " holds ", im.dims[0],
              " images but ", label_path, " holds ", lb.dims[0], " labels");
  const auto n = static_cast<int64_t>(im.dims[0]);
  const auto rows = static_cast<int64_t>(im.dims[1]), cols = static_cast<int64_t>(im.dims[2]);
  images = empty({n, 1, rows, cols}, dtype(kFloat));
  float* px = images.data_ptr<float>();
  // Divided, not multiplied by 1/255, to match PyTorch's `x.float() / 255` bit for bit.
  for (size_t i = 0; i < im.bytes.size(); ++i) px[i] = static_cast<float>(im.bytes[i]) / 255.0f;
  targets = empty({n}, dtype(kLong));
  int64_t* t = targets.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) t[i] = lb.bytes[i];
}

// ---- MNIST ----------------------------------------------------------------------------------
MNIST::MNIST(const std::string& root, Mode mode) : train_(mode == Mode::kTrain) {
  detail::read_mnist(root, train_, kName, data_, target_);
  check_tensors();
}
MNIST::MNIST(Mode mode) : MNIST(default_root(default_roots(), kName), mode) {}
std::vector<std::string> MNIST::default_roots() { return datasets::default_roots("mnist"); }
std::optional<std::string> MNIST::find_root() {
  return datasets::find_root(default_roots(), all_files());
}

// ---- FashionMNIST ---------------------------------------------------------------------------
FashionMNIST::FashionMNIST(const std::string& root, Mode mode) : train_(mode == Mode::kTrain) {
  detail::read_mnist(root, train_, kName, data_, target_);
  check_tensors();
}
FashionMNIST::FashionMNIST(Mode mode) : FashionMNIST(default_root(default_roots(), kName), mode) {}
std::vector<std::string> FashionMNIST::default_roots() {
  return datasets::default_roots("fashion-mnist", {"/usr/share/datasets/fashion-mnist"});
}
std::optional<std::string> FashionMNIST::find_root() {
  return datasets::find_root(default_roots(), all_files());
}

}  // namespace ember::data::datasets
