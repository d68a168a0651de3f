// Workload 3: per-sample training as beginners write it. MLP 1→100→1 with sigmoid, MSE loss, Adam
// lr 1e-3, batch 1, one pass over 2000 samples of y = sin(x) (µs per step: zero_grad, forward,
// loss, backward, step). Prints RESULT adam_step_1_100_1.
#include <torch/torch.h>

#include <cmath>

#include "common.h"

struct Net : torch::nn::Module {
  Net() {
    fc1 = register_module("fc1", torch::nn::Linear(1, 100));
    fc2 = register_module("fc2", torch::nn::Linear(100, 1));
  }
  torch::Tensor forward(torch::Tensor x) { return fc2->forward(torch::sigmoid(fc1->forward(x))); }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};

int main(int argc, char** argv) {
  const int64_t samples = 2000;
  const int epochs = compare::quick(argc, argv) ? 1 : 3;
  torch::manual_seed(0);
  auto net = std::make_shared<Net>();
  torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(1e-3));
  torch::Tensor xs = torch::linspace(-3, 3, samples).view({samples, 1, 1});
  torch::Tensor ys = torch::sin(xs);

  double loss_sum = 0;
  auto step = [&](int64_t i) {
    optimizer.zero_grad();
    torch::Tensor loss = torch::mse_loss(net->forward(xs[i]), ys[i]);
    loss.backward();
    optimizer.step();
    return loss;
  };
  for (int64_t i = 0; i < samples / 4; ++i) step(i);  // warm-up: a quarter epoch
  const double t0 = compare::now_seconds();
  for (int e = 0; e < epochs; ++e)
    for (int64_t i = 0; i < samples; ++i) loss_sum += step(i).item<double>();
  const double s = (compare::now_seconds() - t0) / (epochs * samples);
  if (!std::isfinite(loss_sum)) return 1;
  compare::result("adam_step_1_100_1", s * 1e6, "us");
  return 0;
}
