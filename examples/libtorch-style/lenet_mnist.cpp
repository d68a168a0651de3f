// PyTorch's C++ MNIST example (pytorch/examples, cpp/mnist): LeNet with conv2d,
// max_pool2d, Dropout2d, dropout and log_softmax, trained with SGD and nll_loss
// on MNIST-format IDX files read by torch::data::datasets::MNIST, normalised
// and stacked by transforms, batched by make_data_loader. `lenet_mnist DIR`
// reads the real MNIST from DIR (uncompressed IDX files); without an argument
// it writes a synthetic MNIST of the same sizes (a bright block whose position
// is the class, on noise) and trains on that. To stay quick, each epoch trains
// on the first kTrainBatchesPerEpoch batches only; the test runs over all 10000
// test images.
//
// Shared states (for compare_with_libtorch.py): `--write-states FILE` appends
// every parameter (float32, in parameters() order) to FILE before each training
// step and before each test; `--read-states FILE` loads them back at the same
// points instead of keeping its own. Each step then also prints the loss, every
// parameter's gradient norm and the norm of the update optimizer.step() made.
// A libtorch run writing and an ember run reading compute every printed number
// from the same weights, data and dropout masks, so they differ by one step's
// arithmetic whatever GEMM kernels either library runs, not by a difference
// grown over the whole trajectory (compare_with_libtorch.py says by how much).
#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "torch_include.h"

const char* const kSyntheticRoot = "lenet_mnist_data";
const int64_t kTrainBatchSize = 64;
const int64_t kTestBatchSize = 100;
const int64_t kNumberOfEpochs = 3;
const int64_t kLogInterval = 10;
const size_t kTrainBatchesPerEpoch = 50;

struct Net : torch::nn::Module {
  Net()
      : conv1(torch::nn::Conv2dOptions(1, 10, /*kernel_size=*/5)),
        conv2(torch::nn::Conv2dOptions(10, 20, /*kernel_size=*/5)),
        fc1(320, 50),
        fc2(50, 10) {
    register_module("conv1", conv1);
    register_module("conv2", conv2);
    register_module("conv2_drop", conv2_drop);
    register_module("fc1", fc1);
    register_module("fc2", fc2);
  }

  torch::Tensor forward(torch::Tensor x) {
    x = torch::relu(torch::max_pool2d(conv1->forward(x), 2));
    x = torch::relu(torch::max_pool2d(conv2_drop->forward(conv2->forward(x)), 2));
    x = x.view({-1, 320});
    x = torch::relu(fc1->forward(x));
    x = torch::dropout(x, /*p=*/0.5, /*train=*/is_training());
    x = fc2->forward(x);
    return torch::log_softmax(x, /*dim=*/1);
  }

  torch::nn::Conv2d conv1;
  torch::nn::Conv2d conv2;
  torch::nn::Dropout2d conv2_drop;
  torch::nn::Linear fc1;
  torch::nn::Linear fc2;
};

// The shared-states file (see the comment at the top); inactive without
// --write-states/--read-states.
struct SharedStates {
  std::fstream file;
  bool active = false, writing = false;

  void open(const char* path, bool write) {
    file.open(path, write ? std::ios::out | std::ios::binary | std::ios::trunc
                          : std::ios::in | std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "cannot open %s\n", path);
      std::exit(2);
    }
    active = true;
    writing = write;
  }

  // Writes the parameters, or overwrites them with the next state in the file.
  void sync(torch::nn::Module& model) {
    if (!active) return;
    torch::NoGradGuard no_grad;
    for (auto& p : model.parameters()) {
      AT_ASSERT(p.is_contiguous() && p.scalar_type() == torch::kFloat);
      auto* bytes = reinterpret_cast<char*>(p.data_ptr<float>());
      const auto n = static_cast<std::streamsize>(p.numel() * sizeof(float));
      if (writing) {
        file.write(bytes, n);
      } else if (!file.read(bytes, n)) {
        std::fprintf(stderr, "the states file ends early\n");
        std::exit(2);
      }
    }
  }
};

SharedStates shared_states;

// Writes an IDX file: big-endian magic and sizes, then the uint8 data.
void write_idx(const std::string& path, int32_t magic, const torch::Tensor& data) {
  std::ofstream out(path, std::ios::binary);
  auto put = [&out](int32_t v) {
    const char bytes[4] = {static_cast<char>((v >> 24) & 0xff), static_cast<char>((v >> 16) & 0xff),
                           static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
    out.write(bytes, 4);
  };
  put(magic);
  for (int64_t d = 0; d < data.dim(); ++d) put(static_cast<int32_t>(data.size(d)));
  auto bytes = data.contiguous();
  out.write(reinterpret_cast<const char*>(bytes.data_ptr<uint8_t>()), bytes.numel());
}

// A synthetic MNIST: class c is a 6x6 block at one of ten places, on uniform
// noise.
void write_synthetic_mnist(const std::string& root, const std::string& prefix, int64_t n) {
  auto templates = torch::zeros({10, 28, 28});
  for (int64_t c = 0; c < 10; ++c) {
    const int64_t row = 3 + (c / 5) * 13, col = 1 + (c % 5) * 5;
    templates.index_put_(
        {c, torch::indexing::Slice(row, row + 6), torch::indexing::Slice(col, col + 6)}, 1.0);
  }
  auto labels = torch::randint(10, {n}, torch::kLong);
  auto images = torch::rand({n, 28, 28}) * 100 + templates.index_select(0, labels) * 150;
  write_idx(root + "/" + prefix + "-images-idx3-ubyte", 2051,
            images.clamp(0, 255).to(torch::kByte));
  write_idx(root + "/" + prefix + "-labels-idx1-ubyte", 2049, labels.to(torch::kByte));
}

template <typename DataLoader>
void train(size_t epoch, Net& model, DataLoader& data_loader, torch::optim::Optimizer& optimizer,
           size_t dataset_size) {
  model.train();
  size_t batch_idx = 0;
  for (auto& batch : data_loader) {
    auto data = batch.data, targets = batch.target;
    shared_states.sync(model);
    std::vector<torch::Tensor> before;
    if (shared_states.active)
      for (const auto& p : model.parameters()) before.push_back(p.detach().clone());
    optimizer.zero_grad();
    auto output = model.forward(data);
    auto loss = torch::nll_loss(output, targets);
    AT_ASSERT(!std::isnan(loss.template item<float>()));
    loss.backward();
    optimizer.step();
    if (shared_states.active) {
      std::printf("Step %zu: loss %.7e\n  grad norms:", batch_idx, loss.template item<float>());
      for (const auto& p : model.parameters())
        std::printf(" %.7e", p.grad().norm().template item<float>());
      std::printf("\n  update norms:");
      const auto params = model.parameters();
      for (size_t i = 0; i < params.size(); ++i)
        std::printf(" %.7e", (params[i].detach() - before[i]).norm().template item<float>());
      std::printf("\n");
    }

    if (batch_idx++ % kLogInterval == 0) {
      std::printf("Train Epoch: %zu [%5ld/%5ld] Loss: %.4f\n", epoch,
                  static_cast<long>(batch_idx * batch.data.size(0)),
                  static_cast<long>(dataset_size), loss.template item<float>());
    }
    if (batch_idx == kTrainBatchesPerEpoch) break;
  }
}

template <typename DataLoader>
void test(Net& model, DataLoader& data_loader, size_t dataset_size) {
  shared_states.sync(model);
  torch::NoGradGuard no_grad;
  model.eval();
  double test_loss = 0;
  int32_t correct = 0;
  for (const auto& batch : data_loader) {
    auto data = batch.data, targets = batch.target;
    auto output = model.forward(data);
    test_loss += torch::nll_loss(output, targets, /*weight=*/{}, torch::Reduction::Sum)
                     .template item<float>();
    auto pred = output.argmax(1);
    correct += pred.eq(targets).sum().template item<int64_t>();
  }

  test_loss /= static_cast<double>(dataset_size);
  std::printf("Test set: Average loss: %.4f | Accuracy: %.3f\n", test_loss,
              static_cast<double>(correct) / static_cast<double>(dataset_size));
}

int main(int argc, char** argv) {
  torch::manual_seed(1);
  std::string root;
  for (int i = 1; i < argc; ++i) {
    const bool write = std::strcmp(argv[i], "--write-states") == 0;
    if ((write || std::strcmp(argv[i], "--read-states") == 0) && i + 1 < argc) {
      shared_states.open(argv[++i], write);
    } else {
      root = argv[i];
    }
  }
  if (root.empty()) {  // libtorch's reader wants exactly 60000 training and
                       // 10000 test images
    root = kSyntheticRoot;
    mkdir(kSyntheticRoot, 0755);
    write_synthetic_mnist(root, "train", 60000);
    write_synthetic_mnist(root, "t10k", 10000);
  }

  Net model;

  auto train_dataset = torch::data::datasets::MNIST(root)
                           .map(torch::data::transforms::Normalize<>(0.1307, 0.3081))
                           .map(torch::data::transforms::Stack<>());
  const size_t train_dataset_size = train_dataset.size().value();
  auto train_loader = torch::data::make_data_loader<torch::data::samplers::SequentialSampler>(
      std::move(train_dataset), kTrainBatchSize);

  auto test_dataset = torch::data::datasets::MNIST(root, torch::data::datasets::MNIST::Mode::kTest)
                          .map(torch::data::transforms::Normalize<>(0.1307, 0.3081))
                          .map(torch::data::transforms::Stack<>());
  const size_t test_dataset_size = test_dataset.size().value();
  auto test_loader = torch::data::make_data_loader(std::move(test_dataset), kTestBatchSize);

  torch::optim::SGD optimizer(model.parameters(), torch::optim::SGDOptions(0.01).momentum(0.5));

  for (size_t epoch = 1; epoch <= kNumberOfEpochs; ++epoch) {
    train(epoch, model, *train_loader, optimizer, train_dataset_size);
    test(model, *test_loader, test_dataset_size);
  }
  return 0;
}
