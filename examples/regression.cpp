// Exercise 8: linear regression y = 2x four ways, each a step further from hand-written code:
//   1. prediction, loss and gradient all by hand (dL/dw = mean(2x(wx - y)));
//   2. the gradient from autograd (loss.backward());
//   3. the update from optim::SGD and the loss from nn::MSELoss;
//   4. the model as nn::Linear(LinearOptions(1, 1).bias(false)).
// Data x = [1, 2, 3, 4], y = 2x; w starts at 0 (way 4: at Linear's random initial weight);
// 100 steps of lr 0.01. Each way reaches w = 2 (|w - 2| < 1e-3) and predicts f(5) = 10.
#include <ember/ember.h>
#include <ember/nn.h>
#include <ember/optim.h>

#include <cmath>
#include <cstdio>
#if __has_include(<ember/nn/modules/loss.h>)
#define EMBER_HAVE_LOSS 1
#endif

using namespace ember;

namespace {

constexpr int kSteps = 100;
constexpr double kLr = 0.01;
bool ok = true;

#ifdef EMBER_HAVE_LOSS
using MSELoss = nn::MSELoss;
constexpr const char* kLossName = "nn::MSELoss";
#else  // until nn::MSELoss exists: the same mean of squared differences
struct MSELoss {
  Tensor operator()(const Tensor& input, const Tensor& target) const {
    return (input - target).pow(2).mean();
  }
};
constexpr const char* kLossName = "mean((y_pred - y)^2)";
#endif

void report(const char* way, double w, double f5) {
  const bool good = std::abs(w - 2) < 1e-3 && std::abs(f5 - 10) < 5e-3;
  std::printf("%-40s w = %.6f, f(5) = %.4f  %s\n", way, w, f5, good ? "ok" : "MISMATCH");
  ok = ok && good;
}

}  // namespace

int main() {
  const Tensor x = tensor({1., 2., 3., 4.});
  const Tensor y = 2 * x;

  // 1. Everything by hand.
  {
    double w = 0;
    for (int step = 0; step < kSteps; ++step) {
      const Tensor y_pred = w * x;
      const double loss = ((y_pred - y).pow(2)).mean().item<double>();
      const double dw = (2 * x * (y_pred - y)).mean().item<double>();  // dL/dw
      w -= kLr * dw;
      if (step % 20 == 0)
        std::printf("  by hand, step %3d: w = %.4f, loss = %.6f\n", step, w, loss);
    }
    report("1. hand gradient:", w, w * 5);
  }

  // 2. The gradient from autograd.
  {
    Tensor w = tensor(0., requires_grad());
    for (int step = 0; step < kSteps; ++step) {
      Tensor loss = (w * x - y).pow(2).mean();
      loss.backward();
      NoGradGuard no_grad;
      w -= kLr * w.grad();
      w.mutable_grad().zero_();
    }
    report("2. autograd:", w.item<double>(), (w * 5).item<double>());
  }

  // 3. optim::SGD makes the step, nn::MSELoss computes the loss.
  {
    Tensor w = tensor(0., requires_grad());
    MSELoss loss_fn;
    optim::SGD optimizer({w}, optim::SGDOptions(kLr));
    for (int step = 0; step < kSteps; ++step) {
      Tensor loss = loss_fn(w * x, y);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
    std::printf("  way 3 and 4 loss: %s\n", kLossName);
    report("3. optim::SGD + MSELoss:", w.item<double>(), (w * 5).item<double>());
  }

  // 4. The model is a module: samples are rows of shape (4, 1).
  {
    manual_seed(0);
    nn::Linear model(nn::LinearOptions(1, 1).bias(false));
    const Tensor xs = x.reshape({4, 1}), ys = y.reshape({4, 1});
    std::printf("  nn::Linear starts at w = %.4f\n", model->weight.item<double>());
    MSELoss loss_fn;
    optim::SGD optimizer(model->parameters(), optim::SGDOptions(kLr));
    for (int step = 0; step < kSteps; ++step) {
      Tensor loss = loss_fn(model(xs), ys);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
    NoGradGuard no_grad;
    report("4. nn::Linear(1, 1, bias=false):", model->weight.item<double>(),
           model(tensor({{5.}})).item<double>());
  }

  std::printf(ok ? "OK\n" : "MISMATCH\n");
  return ok ? 0 : 1;
}
