// The IDX reader behind MNIST and FashionMNIST, on small files the tests write: plain and gzip'd,
// counts and sizes from the headers, and every malformed file giving a clear ember::Error.
#include <gtest/gtest.h>

#include "data/data_files.h"
#include "ember/autograd.h"
#include "ember/data.h"
#include "support/errors.h"

namespace ember::data {
namespace {

using datasets::FashionMNIST;
using datasets::MNIST;
using namespace testing;  // NOLINT

/// Writes a 3-image training split (4x5 images) and a 2-image test split into `dir`.
void write_split_files(const std::string& dir, bool gz) {
  auto put = [&](const std::string& name, const Bytes& b) {
    if (gz)
      write_file(dir + "/" + name + ".gz", gzip(b));
    else
      write_file(dir + "/" + name, b);
  };
  put("train-images-idx3-ubyte", idx_images(3, 4, 5));
  put("train-labels-idx1-ubyte", idx_labels({7, 0, 9}));
  put("t10k-images-idx3-ubyte", idx_images(2, 4, 5, 100));
  put("t10k-labels-idx1-ubyte", idx_labels({3, 1}));
}

void expect_small_split(const Tensor& images, const Tensor& targets) {
  ASSERT_EQ(images.sizes(), IntArrayRef({3, 1, 4, 5}));
  EXPECT_EQ(images.scalar_type(), kFloat);
  EXPECT_EQ(targets.scalar_type(), kLong);
  EXPECT_TRUE(targets.equal(tensor({7, 0, 9})));
  // pixel k of the file is k % 256, scaled by 1/255 (as x.float() / 255)
  EXPECT_EQ(images.index({1, 0, 2, 3}).item<float>(), static_cast<float>(20 + 13) / 255.0f);
  EXPECT_EQ(images.max().item<float>(), 59.0f / 255.0f);
}

TEST(MNIST, ReadsPlainIdxFiles) {
  const std::string dir = fresh_dir();
  write_split_files(dir, false);
  MNIST train(dir);
  EXPECT_TRUE(train.is_train());
  EXPECT_EQ(train.size(), std::optional<size_t>(3));
  expect_small_split(train.images(), train.targets());
  MNIST test(dir, MNIST::Mode::kTest);
  EXPECT_FALSE(test.is_train());
  EXPECT_EQ(test.size(), std::optional<size_t>(2));
  EXPECT_EQ(test.images().index({0, 0, 0, 0}).item<float>(), 100.0f / 255.0f);
}

TEST(MNIST, ReadsGzipFilesAndFashionMNISTToo) {
  const std::string dir = fresh_dir();
  write_split_files(dir, true);
  MNIST train(dir);
  expect_small_split(train.images(), train.targets());
  FashionMNIST fashion(dir);
  expect_small_split(fashion.images(), fashion.targets());
  EXPECT_EQ(FashionMNIST(dir, FashionMNIST::Mode::kTest).size(), std::optional<size_t>(2));
}

TEST(MNIST, ExamplesAndBatches) {
  const std::string dir = fresh_dir();
  write_split_files(dir, false);
  auto ds = MNIST(dir).map(transforms::Stack<>());
  Example<> b = ds.get_batch({2, 0});
  EXPECT_EQ(b.data.sizes(), IntArrayRef({2, 1, 4, 5}));
  EXPECT_TRUE(b.target.equal(tensor({9, 7})));
  Example<> e = MNIST(dir).get(1);
  EXPECT_EQ(e.data.sizes(), IntArrayRef({1, 4, 5}));
  EXPECT_EQ(e.target.item<int64_t>(), 0);
}

/// The message of the ember::Error that reading `dir` throws ("" if none).
std::string error_reading(const std::string& dir, MNIST::Mode mode = MNIST::Mode::kTrain) {
  return ember::testing::error_of([&] { MNIST ds(dir, mode); });
}

TEST(MNIST, MissingFileNamesTheFileAndFolder) {
  const std::string dir = fresh_dir();
  EXPECT_EQ(error_reading(dir),
            "MNIST: cannot find train-images-idx3-ubyte or "
            "train-images-idx3-ubyte.gz in '" +
                dir + "'");
  write_file(dir + "/t10k-images-idx3-ubyte", idx_images(1, 2, 2));
  EXPECT_EQ(
      error_reading(dir, MNIST::Mode::kTest),
      "MNIST: cannot find t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte.gz in '" + dir + "'");
}

TEST(MNIST, BadMagicNumber) {
  const std::string dir = fresh_dir();
  write_split_files(dir, false);
  const std::string images = dir + "/train-images-idx3-ubyte";
  write_file(images, idx_labels({1, 2, 3}));  // a label file where images belong
  EXPECT_EQ(error_reading(dir), "MNIST: " + images +
                                    ": bad magic number 2049 (this is an IDX label file), "
                                    "expected 2051 for an IDX image file");
  write_file(images, idx_images(3, 4, 5, 0, 0x12345678));
  EXPECT_EQ(
      error_reading(dir),
      "MNIST: " + images + ": bad magic number 305419896, expected 2051 for an IDX image file");
}

TEST(MNIST, TruncatedFiles) {
  const std::string dir = fresh_dir();
  write_split_files(dir, false);
  const std::string images = dir + "/train-images-idx3-ubyte";
  Bytes full = idx_images(3, 4, 5);
  write_file(images, Bytes(full.begin(), full.end() - 7));
  EXPECT_EQ(error_reading(dir), "MNIST: " + images +
                                    ": file is truncated: the header declares 3 x 4 x 5 (60 bytes "
                                    "of data) but only 53 bytes follow");
  write_file(images, Bytes(full.begin(), full.begin() + 10));
  EXPECT_EQ(error_reading(dir), "MNIST: " + images + ": file is truncated inside its header");
  write_file(images, Bytes(full.begin(), full.begin() + 2));
  EXPECT_EQ(error_reading(dir),
            "MNIST: " + images + ": file is truncated: 2 bytes, too short for an IDX header");
  write_file(images, {});
  EXPECT_EQ(error_reading(dir),
            "MNIST: " + images + ": file is truncated: 0 bytes, too short for an IDX header");
}

TEST(MNIST, TruncatedAndCorruptGzip) {
  const std::string dir = fresh_dir();
  write_split_files(dir, true);
  const std::string images = dir + "/train-images-idx3-ubyte.gz";
  Bytes gz = gzip(idx_images(3, 4, 5));
  write_file(images, Bytes(gz.begin(), gz.begin() + gz.size() / 2));
  const std::string msg = error_reading(dir);
  EXPECT_EQ(msg.rfind("MNIST: " + images + ": file is truncated", 0), 0u) << msg;
  EXPECT_NE(msg.find("(its gzip stream ends early)"), std::string::npos) << msg;

  Bytes bad = gz;
  for (size_t i = 12; i < bad.size() - 8; ++i) bad[i] ^= 0x5a;  // scramble the deflate data
  write_file(images, bad);
  const std::string corrupt = error_reading(dir);
  EXPECT_EQ(corrupt.rfind("MNIST: " + images + ": corrupt gzip data (", 0), 0u) << corrupt;
}

TEST(MNIST, CountMismatchNamesBothFiles) {
  const std::string dir = fresh_dir();
  write_split_files(dir, false);
  write_file(dir + "/train-labels-idx1-ubyte", idx_labels({1, 2}));
  EXPECT_EQ(error_reading(dir), "MNIST: " + dir + "/train-images-idx3-ubyte holds 3 images but " +
                                    dir + "/train-labels-idx1-ubyte holds 2 labels");
}

TEST(MNIST, TrailingBytesAreAnError) {
  const std::string dir = fresh_dir();
  write_split_files(dir, false);
  Bytes labels = idx_labels({7, 0, 9});
  labels.push_back(1);
  write_file(dir + "/train-labels-idx1-ubyte", labels);
  EXPECT_EQ(error_reading(dir), "MNIST: " + dir +
                                    "/train-labels-idx1-ubyte: 1 unexpected bytes after the data "
                                    "the header declares (3)");
}

TEST(MNIST, HugeDeclaredCountsDoNotAllocate) {
  const std::string dir = fresh_dir();
  write_split_files(dir, false);
  Bytes lie;
  put_u32(lie, 2051);
  put_u32(lie, 0xffffffffu);
  put_u32(lie, 0xffffffffu);
  put_u32(lie, 28);
  write_file(dir + "/train-images-idx3-ubyte", lie);
  EXPECT_EQ(error_reading(dir), "MNIST: " + dir +
                                    "/train-images-idx3-ubyte: header declares an implausible "
                                    "size (4294967295 x 4294967295 x 0...)");
  Bytes big;
  put_u32(big, 2051);
  put_u32(big, 60000);
  put_u32(big, 28);
  put_u32(big, 28);
  big.resize(big.size() + 100);
  write_file(dir + "/train-images-idx3-ubyte", big);
  EXPECT_NE(error_reading(dir).find("but only 100 bytes follow"), std::string::npos);
}

TEST(MNIST, MissingRootFolder) {
  const std::string dir = fresh_dir();
  EXPECT_THROW(MNIST(dir + "/does-not-exist"), Error);
}

TEST(MNIST, DefaultRootsFollowTheDocumentedOrder) {
  const auto roots = MNIST::default_roots();
  ASSERT_GE(roots.size(), 2u);
  EXPECT_EQ(roots[0], getenv("EMBER_DATA_DIR") ? std::string(getenv("EMBER_DATA_DIR")) + "/mnist"
                                               : std::string("data/mnist"));
  EXPECT_EQ(roots.back(), std::string(EMBER_SOURCE_DIR) + "/data/mnist");
  EXPECT_EQ(FashionMNIST::default_roots().back(), "/usr/share/datasets/fashion-mnist");
}

TEST(MNIST, EmberDataDirComesFirst) {
  const std::string dir = fresh_dir();
  std::filesystem::create_directories(dir + "/mnist");
  write_split_files(dir + "/mnist", true);
  const char* old = getenv("EMBER_DATA_DIR");
  const std::string saved = old ? old : "";
  setenv("EMBER_DATA_DIR", dir.c_str(), 1);
  EXPECT_EQ(MNIST::find_root(), std::optional<std::string>(dir + "/mnist"));
  EXPECT_EQ(MNIST(MNIST::Mode::kTest).size(), std::optional<size_t>(2));
  EXPECT_EQ(datasets::data_dir(), dir);
  if (old)
    setenv("EMBER_DATA_DIR", saved.c_str(), 1);
  else
    unsetenv("EMBER_DATA_DIR");
}

}  // namespace
}  // namespace ember::data
