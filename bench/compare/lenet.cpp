// Workload 5: LeNet as in PyTorch's MNIST example (conv 1→10 k5, max-pool 2, ReLU; conv 10→20 k5,
// dropout, max-pool 2, ReLU; fc 320→50, ReLU, dropout; fc 50→10; log-softmax, NLL loss; SGD lr
// 0.01 momentum 0.5) on 28×28 inputs, batch 64, training mode. Prints ms per step, images/s and
// the epoch time extrapolated to MNIST's 60,000 images: RESULT lenet_step / lenet_images_per_s /
// lenet_epoch.
#include <torch/torch.h>

#include <cmath>

#include "common.h"

struct Net : torch::nn::Module {
  Net()
      : conv1(torch::nn::Conv2dOptions(1, 10, /*kernel_size=*/5)),
        conv2(torch::nn::Conv2dOptions(10, 20, /*kernel_size=*/5)),
        fc1(320, 50),
        fc2(50, 10) {
    register_module("conv1", conv1);
    register_module("conv2", conv2);
    register_module("fc1", fc1);
    register_module("fc2", fc2);
  }
  torch::Tensor forward(torch::Tensor x) {
    x = torch::relu(torch::max_pool2d(conv1->forward(x), 2));
    x = torch::relu(torch::max_pool2d(torch::dropout(conv2->forward(x), 0.5, is_training()), 2));
    x = x.view({-1, 320});
    x = torch::relu(fc1->forward(x));
    x = torch::dropout(x, /*p=*/0.5, /*train=*/is_training());
    x = fc2->forward(x);
    return torch::log_softmax(x, /*dim=*/1);
  }
  torch::nn::Conv2d conv1, conv2;
  torch::nn::Linear fc1, fc2;
};

int main(int argc, char** argv) {
  const int64_t batch = 64;
  const int steps = compare::quick(argc, argv) ? 40 : 200;
  torch::manual_seed(0);
  auto net = std::make_shared<Net>();
  net->train();
  torch::optim::SGD optimizer(net->parameters(), torch::optim::SGDOptions(0.01).momentum(0.5));
  std::vector<torch::Tensor> inputs, targets;
  for (int i = 0; i < 8; ++i) {
    inputs.push_back(torch::randn({batch, 1, 28, 28}));
    targets.push_back(torch::randint(0, 10, {batch}));
  }
  double loss_sum = 0;
  int k = 0;
  auto step = [&] {
    const int i = k++ % 8;
    optimizer.zero_grad();
    torch::Tensor loss = torch::nll_loss(net->forward(inputs[i]), targets[i]);
    loss.backward();
    optimizer.step();
    loss_sum += loss.item<double>();
  };
  const double s = compare::time_per_call(5, steps, step);
  if (!std::isfinite(loss_sum)) return 1;
  compare::result("lenet_step", s * 1e3, "ms");
  compare::result("lenet_images_per_s", batch / s, "images/s");
  compare::result("lenet_epoch", s * 60000.0 / batch, "s");
  return 0;
}
