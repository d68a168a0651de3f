// Workload 4: MLP 784→1024→1024→10 with ReLU, cross-entropy, SGD lr 0.01 momentum 0.9, on a batch
// of random inputs (ms per step: zero_grad, forward, loss, backward, step).
//   compare_mlp_sgd [--quick] [BATCH]   (default 128) -> RESULT mlp_sgd_b<BATCH>
#include <torch/torch.h>

#include <cmath>
#include <cstdlib>

#include "common.h"

struct Net : torch::nn::Module {
  Net() {
    fc1 = register_module("fc1", torch::nn::Linear(784, 1024));
    fc2 = register_module("fc2", torch::nn::Linear(1024, 1024));
    fc3 = register_module("fc3", torch::nn::Linear(1024, 10));
  }
  torch::Tensor forward(torch::Tensor x) {
    x = torch::relu(fc1->forward(x));
    x = torch::relu(fc2->forward(x));
    return fc3->forward(x);
  }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr}, fc3{nullptr};
};

int main(int argc, char** argv) {
  int64_t batch = 128;
  for (int i = 1; i < argc; ++i)
    if (argv[i][0] != '-') batch = std::atoll(argv[i]);
  // About 2.5 s of work per run for libtorch out of the box at batch 128, scaled by batch size.
  const int steps = (compare::quick(argc, argv) ? 8 : 40) * static_cast<int>(128 / batch);
  torch::manual_seed(0);
  auto net = std::make_shared<Net>();
  torch::optim::SGD optimizer(net->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
  // A few different batches, so the step does not run on one cache-hot input.
  std::vector<torch::Tensor> inputs, targets;
  for (int i = 0; i < 4; ++i) {
    inputs.push_back(torch::randn({batch, 784}));
    targets.push_back(torch::randint(0, 10, {batch}));
  }
  double loss_sum = 0;
  int k = 0;
  auto step = [&] {
    const int i = k++ % 4;
    optimizer.zero_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(net->forward(inputs[i]), targets[i]);
    loss.backward();
    optimizer.step();
    loss_sum += loss.item<double>();
  };
  const double s = compare::time_per_call(3, steps, step);
  if (!std::isfinite(loss_sum)) return 1;
  compare::result("mlp_sgd_b" + std::to_string(batch), s * 1e3, "ms");
  return 0;
}
