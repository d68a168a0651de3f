// A classifier the way libtorch users train one: a custom Dataset of synthetic
// 2-d points in three classes, .map(Stack<>()), make_data_loader with
// shuffling, an nn::Sequential MLP, torch::optim::Adam and cross_entropy,
// train/eval and accuracy under NoGradGuard.
#include <cstdio>
#include <iostream>

#include "torch_include.h"

namespace F = torch::nn::functional;

// Three Gaussian blobs around (0, 2), (-2, -1) and (2, -1); example i is
// {point, class}.
class BlobsDataset : public torch::data::datasets::Dataset<BlobsDataset> {
 public:
  explicit BlobsDataset(int64_t per_class) {
    auto centers = torch::tensor({0.0f, 2.0f, -2.0f, -1.0f, 2.0f, -1.0f}).view({3, 2});
    labels_ = torch::arange(3, torch::kLong).unsqueeze(1).repeat({1, per_class}).flatten();
    points_ = centers.index_select(0, labels_) + 0.9 * torch::randn({3 * per_class, 2});
  }

  torch::data::Example<> get(size_t index) override {
    const auto i = static_cast<int64_t>(index);
    return {points_[i], labels_[i]};
  }

  torch::optional<size_t> size() const override { return static_cast<size_t>(labels_.size(0)); }

  const torch::Tensor& points() const { return points_; }
  const torch::Tensor& labels() const { return labels_; }

 private:
  torch::Tensor points_, labels_;
};

int main() {
  torch::manual_seed(7);
  BlobsDataset train_set(100), test_set(50);
  const auto test_x = test_set.points(), test_y = test_set.labels();
  const size_t train_size = train_set.size().value();

  auto loader =
      torch::data::make_data_loader(std::move(train_set).map(torch::data::transforms::Stack<>()),
                                    torch::data::DataLoaderOptions().batch_size(32));

  torch::nn::Sequential model(torch::nn::Linear(2, 32));
  model->push_back(torch::nn::ReLU());
  model->push_back(torch::nn::Linear(32, 3));
  std::cout << model << "\n";

  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-2));
  for (int epoch = 1; epoch <= 10; ++epoch) {
    model->train();
    double total_loss = 0;
    int64_t correct = 0, batches = 0;
    for (auto& batch : *loader) {
      optimizer.zero_grad();
      auto logits = model->forward(batch.data);
      auto loss = F::cross_entropy(logits, batch.target);
      loss.backward();
      optimizer.step();
      total_loss += loss.item<double>();
      correct += logits.argmax(1).eq(batch.target).sum().item<int64_t>();
      ++batches;
    }
    model->eval();
    torch::NoGradGuard no_grad;
    auto test_logits = model->forward(test_x);
    auto test_loss = F::cross_entropy(test_logits, test_y).item<double>();
    auto test_acc = test_logits.argmax(1).eq(test_y).to(torch::kFloat).mean().item<double>();
    std::printf(
        "epoch %2d  train loss %.4f  train acc %.3f  test loss %.4f  "
        "test acc %.3f\n",
        epoch, total_loss / static_cast<double>(batches),
        static_cast<double>(correct) / static_cast<double>(train_size), test_loss, test_acc);
  }

  torch::NoGradGuard no_grad;
  auto probs = torch::softmax(model->forward(test_x.narrow(0, 0, 3)), /*dim=*/1);
  std::cout << "class probabilities of the first 3 test points:\n" << probs << "\n";
  auto label_smoothed = F::cross_entropy(model->forward(test_x), test_y,
                                         F::CrossEntropyFuncOptions().label_smoothing(0.1));
  auto nll = F::nll_loss(torch::log_softmax(model->forward(test_x), 1), test_y);
  std::printf("test loss with label smoothing 0.1: %.4f, nll_loss(log_softmax): %.4f\n",
              label_smoothed.item<double>(), nll.item<double>());
  return 0;
}
