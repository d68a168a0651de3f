// Exercise 5: a tensor and autograd tour.
//  - `tensor(values)` vs `tensor(values, options)`: the options carry dtype and requires_grad;
//  - the graph of 10 * (x**2).sum(): grad_fn and its next_edges down to AccumulateGrad;
//  - f(w) = Π log(log(w + 7)) at w = [[5, 10], [1, 2]]: value 0.5463 and its gradient;
//  - 500 steps of gradient descent (α = 1e-3) on f, by hand and with optim::SGD;
//  - the parabola 10·Σx² from [8, 8]: one hand step, SGD with Nesterov momentum, Adam.
// Expected numbers are PyTorch 1.13's (same programs in Python, float32). Exit code 0 = all match.
#include <ember/ember.h>
#include <ember/optim.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

using namespace ember;

namespace {

bool ok = true;

// Checks every element of t against want (row-major) within tol and reports what it compared.
void expect(const char* what, const Tensor& t, std::initializer_list<double> want, double tol) {
  Tensor flat = t.detach().reshape({-1}).to(kDouble).contiguous();
  bool good = flat.numel() == static_cast<int64_t>(want.size());
  int64_t i = 0;
  for (double w : want) {
    if (!good) break;
    const double v = flat[i++].item<double>();
    good = std::abs(v - w) <= tol;
  }
  std::printf("  check %-28s %s\n", what, good ? "ok" : "MISMATCH");
  ok = ok && good;
}

// Prints the backward graph under `fn`, one node per line, following every next edge.
void print_graph(const std::shared_ptr<autograd::Node>& fn, int depth) {
  std::cout << std::string(2 * depth + 2, ' ') << (fn ? fn->name() : "None") << "\n";
  if (!fn) return;
  for (const autograd::Edge& e : fn->next_edges()) print_graph(e.function, depth + 1);
}

Tensor f_of(const Tensor& w) { return log(log(w + 7)).prod(); }

Tensor parabola(const Tensor& x) { return 10 * pow(x, 2).sum(); }

}  // namespace

int main() {
  std::cout << "== tensor vs options ==\n";
  Tensor a = tensor({1., 2., 3.});  // dtype from the values' defaults: float32, no grad
  Tensor b = tensor({1., 2., 3.}, dtype(kDouble).requires_grad(true));
  std::cout << "tensor({1, 2, 3})                 -> dtype " << a.dtype() << ", requires_grad "
            << a.requires_grad() << "\n";
  std::cout << "tensor({1, 2, 3}, dtype(kDouble).requires_grad(true)) -> dtype " << b.dtype()
            << ", requires_grad " << b.requires_grad() << "\n";
  Tensor c = zeros({2, 2}, TensorOptions().dtype(kFloat).requires_grad(true));
  std::cout << "zeros({2, 2}, TensorOptions().requires_grad(true)).is_leaf() = " << c.is_leaf()
            << ", grad defined before backward: " << c.grad().defined() << "\n";

  std::cout << "\n== the graph of y = 10 * (x**2).sum() ==\n";
  Tensor x = tensor({1., 2., 3.}, requires_grad());
  Tensor y = 10 * pow(x, 2).sum();
  std::cout << "y = " << y.item<float>() << ", y.grad_fn() = " << y.grad_fn()->name() << "\n";
  std::cout << "next_edges, depth first:\n";
  print_graph(y.grad_fn(), 0);
  // Walk the first edge down to the leaf's AccumulateGrad.
  std::shared_ptr<autograd::Node> fn = y.grad_fn();
  while (fn && !fn->next_edges().empty()) fn = fn->next_edge(0).function;
  const bool reached = fn && fn->name().find("AccumulateGrad") != std::string::npos &&
                       static_cast<autograd::AccumulateGrad&>(*fn).variable().is_same(x);
  std::cout << "the walk ends at " << (fn ? fn->name() : "None") << ", which holds x: " << reached
            << "\n";
  ok = ok && reached;
  y.backward();
  std::cout << "x.grad() = 20 x =\n" << x.grad() << "\n";
  expect("x.grad", x.grad(), {20, 40, 60}, 1e-5);

  std::cout << "\n== f(w) = prod(log(log(w + 7))) ==\n";
  Tensor w = tensor({{5., 10.}, {1., 2.}}, requires_grad());
  Tensor f = f_of(w);
  f.backward();
  std::printf("f(w) = %.4f\n", f.item<double>());
  std::cout << "df/dw =\n" << w.grad() << "\n";
  expect("f(w)", f, {0.5462963581}, 1e-6);
  expect("df/dw", w.grad(), {0.0201, 0.0109, 0.0449, 0.0351}, 5e-5);

  std::cout << "\n== 500 steps of gradient descent, alpha = 1e-3 ==\n";
  const std::initializer_list<double> after_gd = {4.9900, 9.9948, 0.9775, 1.9825};
  Tensor w_hand = tensor({{5., 10.}, {1., 2.}}, requires_grad());
  for (int step = 0; step < 500; ++step) {
    f_of(w_hand).backward();
    NoGradGuard no_grad;
    w_hand -= 1e-3 * w_hand.grad();
    w_hand.mutable_grad().zero_();
  }
  std::cout << "by hand:\n" << w_hand << "\n";
  expect("gd by hand", w_hand, after_gd, 5e-5);
  Tensor w_sgd = tensor({{5., 10.}, {1., 2.}}, requires_grad());
  optim::SGD sgd({w_sgd}, optim::SGDOptions(1e-3));
  for (int step = 0; step < 500; ++step) {
    sgd.zero_grad();
    f_of(w_sgd).backward();
    sgd.step();
  }
  std::cout << "optim::SGD:\n" << w_sgd << "\n";
  expect("gd with optim::SGD", w_sgd, after_gd, 5e-5);

  std::cout << "\n== the parabola 10 * sum(x**2) from [8, 8] ==\n";
  Tensor p = tensor({8., 8.}, requires_grad());
  Tensor loss = parabola(p);
  loss.backward();
  std::cout << "loss = " << loss.item<float>() << ", grad =\n" << p.grad() << "\n";
  {
    NoGradGuard no_grad;
    p -= 0.01 * p.grad();  // one hand step, lr 0.01
  }
  std::cout << "after one hand step (lr 0.01):\n" << p << "\n";
  expect("hand step", p, {6.4, 6.4}, 1e-5);
  // PyTorch 1.13: SGD(lr=0.01, momentum=0.9, nesterov=True), 50 steps -> x = -3.7666e-04;
  // Adam(lr=0.1), 200 steps -> x = 5.1932e-03.
  auto run = [](optim::Optimizer& opt, Tensor& q, int steps) {
    for (int step = 0; step < steps; ++step) {
      opt.zero_grad();
      parabola(q).backward();
      opt.step();
    }
    std::printf("  x = [%.4e, %.4e], loss = %.4e\n", q[0].item<double>(), q[1].item<double>(),
                parabola(q).item<double>());
  };
  Tensor q1 = tensor({8., 8.}, requires_grad());
  optim::SGD nesterov({q1}, optim::SGDOptions(0.01).momentum(0.9).nesterov(true));
  std::cout << "SGD(lr 0.01, momentum 0.9, nesterov), 50 steps:\n";
  run(nesterov, q1, 50);
  expect("SGD + Nesterov", q1, {-3.76660e-4, -3.76660e-4}, 2e-6);
  Tensor q2 = tensor({8., 8.}, requires_grad());
  optim::Adam adam({q2}, optim::AdamOptions(0.1));
  std::cout << "Adam(lr 0.1), 200 steps:\n";
  run(adam, q2, 200);
  expect("Adam", q2, {5.19322e-3, 5.19322e-3}, 2e-5);

  std::printf(ok ? "OK\n" : "MISMATCH\n");
  return ok ? 0 : 1;
}
