// The everyday module plumbing of libtorch programs: a Cloneable module with a
// ModuleList, named_modules, nn::init through Module::apply, freezing
// parameters, a learning-rate schedule set through the parameter groups, clone,
// to(kDouble), saving and loading tensors.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "torch_include.h"

// Cloneable (not plain Module) so that clone() works; it builds its layers in
// reset().
struct TowerImpl : torch::nn::Cloneable<TowerImpl> {
  explicit TowerImpl(int64_t width) : width(width) { reset(); }

  void reset() override {
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int i = 0; i < 3; ++i) blocks->push_back(torch::nn::Linear(width, width));
    head = register_module("head", torch::nn::Linear(width, 2));
  }

  torch::Tensor forward(torch::Tensor x) {
    for (const auto& block : *blocks)
      x = torch::tanh(std::dynamic_pointer_cast<torch::nn::LinearImpl>(block)->forward(x));
    return head(x);
  }

  int64_t width;
  torch::nn::ModuleList blocks{nullptr};
  torch::nn::Linear head{nullptr};
};
TORCH_MODULE(Tower);

int main() {
  torch::manual_seed(3);
  Tower tower(4);
  std::cout << tower << "\n";
  for (const auto& item : tower->named_modules()) std::cout << "module '" << item.key() << "'\n";

  // Re-initialise every Linear: xavier-uniform weights, zero biases.
  tower->apply([](torch::nn::Module& m) {
    if (auto* linear = dynamic_cast<torch::nn::LinearImpl*>(&m)) {
      torch::nn::init::xavier_uniform_(linear->weight);
      torch::nn::init::zeros_(linear->bias);
    }
  });
  torch::nn::init::kaiming_normal_(tower->head->weight, 0.0, torch::kFanIn, torch::kReLU);
  std::cout << "head.weight after kaiming_normal_ =\n" << tower->head->weight << "\n";
  std::printf("gain(tanh) = %.4f, gain(leaky_relu, 0.2) = %.4f\n",
              torch::nn::init::calculate_gain(torch::kTanh),
              torch::nn::init::calculate_gain(torch::kLeakyReLU, 0.2));

  // Freeze the first block.
  for (auto& p : tower->blocks[0]->parameters()) p.requires_grad_(false);
  int64_t trainable = 0, frozen = 0;
  for (const auto& p : tower->parameters()) (p.requires_grad() ? trainable : frozen) += p.numel();
  std::cout << "trainable " << trainable << ", frozen " << frozen << "\n";

  // Train the rest with SGD and a step schedule of the learning rate.
  auto x = torch::randn({64, 4});
  auto y = torch::stack({x.sum(1), x.index({torch::indexing::Slice(), 0}) * 2}, 1);
  torch::optim::SGD optimizer(tower->parameters(), torch::optim::SGDOptions(0.1).momentum(0.5));
  auto frozen_before = tower->blocks[0]->parameters()[0].clone();
  for (int epoch = 0; epoch < 8; ++epoch) {
    optimizer.zero_grad();
    auto loss = (tower(x) - y).pow(2).mean();
    loss.backward();
    optimizer.step();
    std::printf("epoch %d  lr %.4f  loss %.5f\n", epoch,
                optimizer.param_groups()[0].options().get_lr(), loss.item<double>());
    // Halve the learning rate every 3 epochs. (Not torch::optim::StepLR:
    // libtorch 1.13's decays one step later than PyTorch's, and ember's follows
    // PyTorch.)
    if (epoch % 3 == 2)
      for (auto& group : optimizer.param_groups())
        group.options().set_lr(group.options().get_lr() * 0.5);
  }
  std::cout << "frozen block unchanged: "
            << torch::equal(frozen_before, tower->blocks[0]->parameters()[0]) << "\n";

  // A deep copy that trains apart from the original.
  auto copy = std::dynamic_pointer_cast<TowerImpl>(tower->clone());
  {
    torch::NoGradGuard no_grad;
    copy->head->bias.fill_(1.0);
  }
  std::cout << "clone is independent: " << !torch::equal(copy->head->bias, tower->head->bias)
            << "\n";

  // Convert to double precision.
  tower->to(torch::kDouble);
  auto out = tower(x.to(torch::kDouble).narrow(0, 0, 2));
  std::cout << "double output =\n" << out << "\n";

  // Save and load tensors.
  const std::string path = "module_utilities_tensors.pt";
  std::vector<torch::Tensor> saved = {tower->head->weight.detach(), torch::arange(5)};
  torch::save(saved, path);
  std::vector<torch::Tensor> loaded;
  torch::load(loaded, path);
  std::cout << "loaded " << loaded.size() << " tensors, equal: "
            << (torch::equal(loaded[0], saved[0]) && torch::equal(loaded[1], saved[1])) << "\n";
  std::remove(path.c_str());
  return 0;
}
