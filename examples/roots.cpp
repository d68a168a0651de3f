// Exercise 1: the roots of x² − 6x + 4 by gradient descent on (x² − 6x + 4)².
// Analytic roots: (6 ± √20) / 2 = 0.7639 and 5.2361. Which root you reach depends on where you
// start; too large a learning rate overshoots and diverges.
#include <ember/ember.h>

#include <cmath>
#include <cstdio>

using namespace ember;

// Runs gradient descent from x0; returns the final x (NaN/inf if it diverged).
double descend(double x0, double lr, int max_steps) {
  Tensor x = tensor(x0, dtype(kDouble).requires_grad(true));
  for (int step = 0; step < max_steps; ++step) {
    Tensor loss = pow(x * x - 6 * x + 4, 2);
    loss.backward();
    NoGradGuard no_grad;
    const double g = x.grad().item<double>();
    x -= lr * x.grad();
    x.mutable_grad().zero_();
    if (!std::isfinite(x.item<double>()) || std::abs(lr * g) < 1e-12) break;
  }
  return x.item<double>();
}

int main() {
  const double lo = (6 - std::sqrt(20.0)) / 2, hi = (6 + std::sqrt(20.0)) / 2;
  std::printf("analytic roots: %.4f and %.4f\n", lo, hi);
  bool ok = true;
  for (double x0 : {-25.0, -15.0, -5.0, 5.0, 15.0}) {
    const double r = descend(x0, 1e-5, 200000);
    const double want = x0 < 3 ? lo : hi;  // the start point picks the root
    std::printf("start %6.1f, lr 1e-5 -> x = %.4f\n", x0, r);
    ok = ok && std::abs(r - want) < 1e-3;
  }
  const double wild = descend(-25.0, 1e-3, 100);
  std::printf("start  -25.0, lr 1e-3 -> x = %g (the first step jumps by ~87: it diverges)\n", wild);
  ok = ok && !std::isfinite(wild);
  std::printf(ok ? "OK\n" : "MISMATCH\n");
  return ok ? 0 : 1;
}
