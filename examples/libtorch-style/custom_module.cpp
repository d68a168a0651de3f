// A custom torch::nn::Module, the way libtorch users write one: layers
// registered with register_module, a TORCH_MODULE holder, an SGD training loop
// on synthetic data (a polynomial regression with smooth_l1_loss), train/eval,
// parameters by name, and a save/load round trip.
#include <cstdio>
#include <iostream>
#include <string>

#include "torch_include.h"

namespace F = torch::nn::functional;

constexpr int64_t kDegree = 4;

// Features [x, x², x³, x⁴] of a column of x values.
torch::Tensor make_features(const torch::Tensor& x) {
  auto col = x.unsqueeze(1);
  return torch::cat({col, col.pow(2), col.pow(3), col.pow(4)}, 1);
}

struct NetImpl : torch::nn::Module {
  NetImpl(int64_t in, int64_t hidden) {
    fc1 = register_module("fc1", torch::nn::Linear(in, hidden));
    fc2 = register_module("fc2", torch::nn::Linear(torch::nn::LinearOptions(hidden, 1)));
    scale = register_parameter("scale", torch::ones({1}));
    register_buffer("calls", torch::zeros({1}, torch::kLong));
  }

  torch::Tensor forward(torch::Tensor x) {
    x = torch::tanh(fc1->forward(x));
    return fc2->forward(x).squeeze(1) * scale;
  }

  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  torch::Tensor scale;
};
TORCH_MODULE(Net);

int main() {
  torch::manual_seed(1);
  // Target: y = 0.5 x⁴ - x³ + 0.25 x + 0.3 plus noise, x in [-1.5, 1.5].
  const auto true_w = torch::tensor({0.25f, 0.0f, -1.0f, 0.5f});
  auto x_train = torch::rand({256}) * 3 - 1.5;
  auto y_train = make_features(x_train).matmul(true_w) + 0.3 + 0.05 * torch::randn({256});
  auto x_test = torch::linspace(-1.5, 1.5, 7);
  auto y_test = make_features(x_test).matmul(true_w) + 0.3;

  Net net(kDegree, 16);
  std::cout << net << "\n";
  int64_t count = 0;
  for (const auto& p : net->named_parameters()) {
    std::cout << p.key() << " " << p.value().sizes() << "\n";
    count += p.value().numel();
  }
  std::cout << "parameters: " << count << ", buffers: " << net->buffers().size() << "\n";

  torch::optim::SGD optimizer(net->parameters(),
                              torch::optim::SGDOptions(0.05).momentum(0.9).weight_decay(1e-4));
  auto features = make_features(x_train);
  for (int64_t epoch = 1; epoch <= 300; ++epoch) {
    net->train();
    for (int64_t start = 0; start < 256; start += 64) {
      auto xb = features.narrow(0, start, 64);
      auto yb = y_train.narrow(0, start, 64);
      optimizer.zero_grad();
      auto loss = F::smooth_l1_loss(net->forward(xb), yb);
      loss.backward();
      optimizer.step();
    }
    if (epoch % 50 == 0) {
      net->eval();
      torch::NoGradGuard no_grad;
      auto train_loss = F::mse_loss(net(features), y_train).item<float>();
      auto test_loss = F::mse_loss(net(make_features(x_test)), y_test).item<float>();
      std::printf("epoch %3d  train mse %.5f  test mse %.5f\n", static_cast<int>(epoch), train_loss,
                  test_loss);
    }
  }

  torch::NoGradGuard no_grad;
  auto pred = net(make_features(x_test));
  std::cout << "x      = " << x_test << "\nf(x)   = " << y_test << "\npred   = " << pred << "\n";
  std::cout << "scale  = " << net->scale.item<float>() << "\n";

  // Save and load into a fresh network: the same predictions.
  const std::string path = "custom_module_net.pt";
  torch::save(net, path);
  Net loaded(kDegree, 16);
  torch::load(loaded, path);
  std::cout << "loaded model predicts the same: "
            << torch::allclose(loaded(make_features(x_test)), pred) << "\n";
  std::remove(path.c_str());
  return 0;
}
