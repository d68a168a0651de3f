// A tour of ember's tensors and autograd: the first program `make demo` runs.
#include <ember/ember.h>

#include <iostream>

using namespace ember;

int main() {
  std::cout << "== tensors ==\n";
  Tensor a = tensor({{1., 2.}, {3., 4.}});
  std::cout << "a =\n" << a << "\n";
  std::cout << "a.matmul(a.t()) =\n" << a.matmul(a.t()) << "\n";
  std::cout << "a.sum(1) =\n" << a.sum({1}) << "\n";

  std::cout << "\n== autograd ==\n";
  Tensor w = tensor({{5., 10.}, {1., 2.}}, requires_grad());
  Tensor f = log(log(w + 7)).prod();  // f(w) = Π log(log(w + 7))
  f.backward();
  std::cout << "f(w) = " << f.item<float>() << "\n";
  std::cout << "df/dw =\n" << w.grad() << "\n";
  std::cout << "graph: " << f.grad_fn()->name();
  for (auto fn = f.grad_fn(); fn && !fn->next_edges().empty();) {
    fn = fn->next_edge(0).function;
    if (fn) std::cout << " -> " << fn->name();
  }
  std::cout << "\n";

  std::cout << "\n== higher-order gradients ==\n";
  Tensor x = tensor(2.0, requires_grad());
  Tensor y = x * x * x;
  Tensor dy = autograd::grad({y}, {x}, {}, std::nullopt, /*create_graph=*/true)[0];
  Tensor d2y = autograd::grad({dy}, {x})[0];
  std::cout << "d/dx x^3 at 2 = " << dy.item<double>() << ", d2/dx2 = " << d2y.item<double>()
            << "\n";

  std::cout << "\n== gradient descent on (x^2 - 6x + 4)^2 from x = 5 ==\n";
  Tensor r = tensor(5.0, dtype(kDouble).requires_grad(true));
  for (int step = 0; step < 2000; ++step) {
    Tensor loss = pow(r * r - 6 * r + 4, 2);
    loss.backward();
    NoGradGuard no_grad;
    r -= 1e-3 * r.grad();
    r.mutable_grad().zero_();
  }
  std::cout << "root = " << r.item<double>() << " (analytic (6 + sqrt(20)) / 2 = 5.2361)\n";
  return 0;
}
