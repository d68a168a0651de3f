// Exercise 4: one Adam step from w = 0 with gradient 5 and lr 1e-3.
// m = 0.5, v = 0.025, m̂ = 5, v̂ = 25, so w = −1e-3 · 5 / (5 + 1e-8) = −0.000999999998.
#include <ember/ember.h>

#include <cmath>
#include <cstdio>
#if __has_include(<ember/optim.h>)
#include <ember/optim.h>
#define EMBER_HAVE_OPTIM 1
#endif

using namespace ember;

int main() {
  const double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, g = 5;
  // By hand.
  const double m = (1 - b1) * g, v = (1 - b2) * g * g;
  const double mhat = m / (1 - b1), vhat = v / (1 - b2);
  const double w_hand = 0 - lr * mhat / (std::sqrt(vhat) + eps);
  std::printf("by hand:     w = %.12f\n", w_hand);
  bool ok = std::abs(w_hand - -0.000999999998) < 1e-15;
#ifdef EMBER_HAVE_OPTIM
  // With ember's optimizer.
  Tensor w = zeros({1}, dtype(kDouble).requires_grad(true));
  optim::Adam adam({w}, optim::AdamOptions(lr));
  w.mutable_grad() = full({1}, g, kDouble);
  adam.step();
  std::printf("optim::Adam: w = %.12f\n", w.item<double>());
  ok = ok && std::abs(w.item<double>() - -0.000999999998) < 1e-15;
#endif
  std::printf(ok ? "OK\n" : "MISMATCH\n");
  return ok ? 0 : 1;
}
