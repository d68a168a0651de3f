// Exercise 3: a small deep net — Linear 5→10, ReLU, Linear 10→1, Sigmoid — and its forward pass,
// written twice: as an nn::Sequential and as a custom nn::Module. After manual_seed(0) both get
// PyTorch's initial weights and input (ember's RNG and nn::init draw as PyTorch 1.13 does), so the
// outputs equal PyTorch's:
//   torch.manual_seed(0); net = nn.Sequential(nn.Linear(5, 10), nn.ReLU(), nn.Linear(10, 1),
//   nn.Sigmoid()); x = torch.randn(4, 5); net(x) -> [0.568962, 0.507004, 0.563850, 0.488041]
#include <ember/ember.h>
#include <ember/nn.h>

#include <cmath>
#include <cstdio>
#include <iostream>

using namespace ember;

#if __has_include(<ember/nn/modules/activation.h>)
#define EMBER_RELU nn::ReLU()
#define EMBER_SIGMOID nn::Sigmoid()
#else  // before the activation modules exist, the same functions as nn::Functional
#define EMBER_RELU nn::Functional(ember::relu)
#define EMBER_SIGMOID nn::Functional(ember::sigmoid)
#endif

// The same network as a module of its own: layers registered by name, forward written out.
struct SmallNetImpl : nn::Module {
  SmallNetImpl()
      : fc1(register_module("fc1", nn::Linear(5, 10))),
        fc2(register_module("fc2", nn::Linear(10, 1))) {}
  Tensor forward(const Tensor& x) { return sigmoid(fc2(relu(fc1(x)))); }
  nn::Linear fc1, fc2;
};
EMBER_MODULE(SmallNet);

int main() {
  const double want[] = {0.568962, 0.507004, 0.563850, 0.488041};
  bool ok = true;
  auto check = [&](const char* what, const Tensor& y) {
    bool good = y.sizes() == std::vector<int64_t>{4, 1};
    for (int64_t i = 0; good && i < 4; ++i)
      good = std::abs(y[i][0].item<double>() - want[i]) < 2e-6;
    std::printf("%s: [%.6f, %.6f, %.6f, %.6f] %s\n", what, y[0][0].item<double>(),
                y[1][0].item<double>(), y[2][0].item<double>(), y[3][0].item<double>(),
                good ? "(= PyTorch)" : "MISMATCH");
    ok = ok && good;
  };

  manual_seed(0);
  // Braces, not parentheses: a braced list is evaluated left to right, so the layers draw their
  // initial weights in order. With parentheses the evaluation order of constructor arguments is
  // unspecified (g++ builds the last Linear first), in libtorch as here.
  nn::Sequential net{nn::Linear(5, 10), EMBER_RELU, nn::Linear(10, 1), EMBER_SIGMOID};
  Tensor x = randn({4, 5});
  std::cout << net << "\n";
  int64_t count = 0;
  for (const auto& item : net->named_parameters()) {
    std::cout << "  " << item.key() << ": " << item.value().sizes() << "\n";
    count += item.value().numel();
  }
  std::printf("%lld parameters\n", static_cast<long long>(count));
  ok = ok && count == 71;
  std::cout << "x =\n" << x << "\n";
  NoGradGuard no_grad;
  check("Sequential  net(x)", net(x));

  manual_seed(0);
  SmallNet custom;
  Tensor x2 = randn({4, 5});
  std::cout << custom << "\n";
  check("custom SmallNet(x)", custom(x2));

  std::printf(ok ? "OK\n" : "MISMATCH\n");
  return ok ? 0 : 1;
}
