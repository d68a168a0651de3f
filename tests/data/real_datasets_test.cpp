// The real data sets, when scripts/install-datasets.sh has installed them (skipped otherwise):
// counts from the files and a few known labels. Each split is read once per test.
#include <gtest/gtest.h>

#include "ember/autograd.h"
#include "ember/data.h"

namespace ember::data {
namespace {

using datasets::Digits;
using datasets::FashionMNIST;
using datasets::MNIST;

std::vector<int64_t> head(const Tensor& t, int64_t n) {
  Tensor c = t.slice(0, 0, n).contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + n);
}
std::vector<int64_t> tail(const Tensor& t, int64_t n) {
  Tensor c = t.slice(0, t.size(0) - n).contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + n);
}

TEST(RealMNIST, TrainAndTestSplits) {
  if (!MNIST::find_root()) GTEST_SKIP() << "MNIST not installed (scripts/install-datasets.sh)";
  MNIST train(MNIST::Mode::kTrain);
  EXPECT_EQ(train.size(), std::optional<size_t>(60000));
  EXPECT_EQ(train.images().sizes(), IntArrayRef({60000, 1, 28, 28}));
  EXPECT_EQ(head(train.targets(), 10), (std::vector<int64_t>{5, 0, 4, 1, 9, 2, 1, 3, 1, 4}));
  EXPECT_EQ(tail(train.targets(), 3), (std::vector<int64_t>{5, 6, 8}));
  EXPECT_EQ(train.images().min().item<float>(), 0.0f);
  EXPECT_EQ(train.images().max().item<float>(), 1.0f);
  // The first image's pixels sum to 27525 / 255 (computed from the raw file).
  EXPECT_NEAR(train.images()[0].sum().item<double>(), 27525.0 / 255.0, 1e-3);

  MNIST test(MNIST::Mode::kTest);
  EXPECT_EQ(test.size(), std::optional<size_t>(10000));
  EXPECT_EQ(head(test.targets(), 10), (std::vector<int64_t>{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}));
  EXPECT_EQ(tail(test.targets(), 3), (std::vector<int64_t>{4, 5, 6}));
}

TEST(RealFashionMNIST, TrainAndTestSplits) {
  if (!FashionMNIST::find_root())
    GTEST_SKIP() << "Fashion-MNIST not installed (Debian package dataset-fashion-mnist)";
  FashionMNIST train;
  EXPECT_EQ(train.size(), std::optional<size_t>(60000));
  EXPECT_EQ(train.images().sizes(), IntArrayRef({60000, 1, 28, 28}));
  EXPECT_EQ(head(train.targets(), 10), (std::vector<int64_t>{9, 0, 0, 3, 0, 2, 7, 2, 5, 5}));
  EXPECT_EQ(tail(train.targets(), 3), (std::vector<int64_t>{3, 0, 5}));
  EXPECT_NEAR(train.images()[0].sum().item<double>(), 76247.0 / 255.0, 1e-3);
  // Fashion-MNIST is balanced: 6000 of each class.
  EXPECT_EQ(train.targets().eq(4).sum().item<int64_t>(), 6000);

  FashionMNIST test(FashionMNIST::Mode::kTest);
  EXPECT_EQ(test.size(), std::optional<size_t>(10000));
  EXPECT_EQ(head(test.targets(), 10), (std::vector<int64_t>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}));
}

TEST(RealDigits, AllExamples) {
  if (!Digits::find_root()) GTEST_SKIP() << "digits not installed (scripts/install-datasets.sh)";
  Digits digits;
  EXPECT_EQ(digits.size(), std::optional<size_t>(1797));
  EXPECT_EQ(digits.images().sizes(), IntArrayRef({1797, 1, 8, 8}));
  EXPECT_EQ(head(digits.targets(), 12), (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1}));
  EXPECT_EQ(tail(digits.targets(), 1), (std::vector<int64_t>{8}));
  // First row of the first image: 0,0,5,13,9,1,0,0 (of 16).
  EXPECT_TRUE(digits.images().index({0, 0, 0}).equal(
      tensor({0.0f, 0.0f, 5.0f, 13.0f, 9.0f, 1.0f, 0.0f, 0.0f}) / 16));
  EXPECT_EQ(digits.images().max().item<float>(), 1.0f);
}

TEST(RealMNIST, OneEpochThroughTheLoader) {
  if (!MNIST::find_root()) GTEST_SKIP() << "MNIST not installed (scripts/install-datasets.sh)";
  auto ds = MNIST(MNIST::Mode::kTest)
                .map(transforms::Normalize<>(0.1307, 0.3081))
                .map(transforms::Stack<>());
  auto loader = make_data_loader(std::move(ds), DataLoaderOptions().batch_size(1000).workers(2));
  int64_t n = 0;
  double sum = 0;
  for (auto& batch : *loader) {
    EXPECT_EQ(batch.data.sizes(), IntArrayRef({1000, 1, 28, 28}));
    n += batch.target.size(0);
    sum += batch.data.sum().item<double>();
  }
  EXPECT_EQ(n, 10000);
  // Normalized with the training set's statistics the test set has mean about 0.
  EXPECT_NEAR(sum / (10000.0 * 784), 0.0, 0.02);
}

}  // namespace
}  // namespace ember::data
