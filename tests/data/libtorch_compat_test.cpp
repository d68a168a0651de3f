// libtorch's data-loading code compiles unchanged against torch_compat.h (the loop of the
// PyTorch C++ MNIST example), here on a TensorDataset standing in for MNIST.
#include <gtest/gtest.h>

#include "ember/torch_compat.h"

namespace {

TEST(LibtorchCompat, MnistExampleLoop) {
  torch::manual_seed(1);
  auto train_dataset =
      torch::data::datasets::TensorDataset(torch::rand({100, 1, 28, 28}), torch::randint(10, {100}))
          .map(torch::data::transforms::Normalize<>(0.1307, 0.3081))
          .map(torch::data::transforms::Stack<>());
  const size_t train_dataset_size = train_dataset.size().value();
  auto train_loader = torch::data::make_data_loader<torch::data::samplers::SequentialSampler>(
      std::move(train_dataset), 64);
  size_t seen = 0;
  for (auto& batch : *train_loader) {
    auto data = batch.data, targets = batch.target;
    EXPECT_EQ(data.size(1), 1);
    EXPECT_EQ(targets.scalar_type(), torch::kLong);
    seen += data.size(0);
  }
  EXPECT_EQ(seen, train_dataset_size);

  auto loader = torch::data::make_data_loader(
      torch::data::datasets::TensorDataset(torch::zeros({10, 3}), torch::zeros({10}))
          .map(torch::data::transforms::Stack<>()),
      torch::data::DataLoaderOptions().batch_size(4).workers(2).drop_last(true));
  int batches = 0;
  for (torch::data::Example<>& batch : *loader) batches += batch.data.size(0) == 4;
  EXPECT_EQ(batches, 2);
}

}  // namespace
