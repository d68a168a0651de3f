// Prints the grad_fn names libtorch 1.13 gives for the expressions in graph_test.cpp (the source
// of its expected names; not part of the build). Run with Debian's libtorch-dev:
//   g++ -std=c++17 grad_fn_names.cpp -I/usr/include/torch/csrc/api/include \
//       -ltorch -ltorch_cpu -lc10 -o grad_fn_names && ./grad_fn_names
#include <torch/torch.h>

#include <iostream>

int main() {
  using torch::Tensor;
  Tensor x = torch::randn({3, 3}, torch::requires_grad());
  Tensor w = torch::randn({3, 3}, torch::requires_grad());
  auto p = [](const char* what, const Tensor& r) {
    std::cout << what << " -> " << (r.grad_fn() ? r.grad_fn()->name() : "None") << " [";
    if (r.grad_fn())
      for (auto& e : r.grad_fn()->next_edges())
        std::cout << (e.function ? e.function->name() : "None") << ", ";
    std::cout << "]\n";
  };
  p("x * 2", x * 2);
  p("2 * x", 2 * x);
  p("x + 2", x + 2);
  p("x - 2", x - 2);
  p("x / 2", x / 2);
  p("2 - x", 2 - x);
  p("2 / x", 2 / x);
  p("x * w", x * w);
  p("x + w", x + w);
  p("x - w", x - w);
  p("x / w", x / w);
  p("x.pow(2)", x.pow(2));
  p("x.square()", x.square());
  p("x.pow(w)", x.pow(w));
  p("x.sum()", x.sum());
  p("x.sum(0)", x.sum(0));
  p("x.mean()", x.mean());
  p("x.mean(0)", x.mean(0));
  p("x.view({9})", x.view({9}));
  p("x.reshape({9})", x.reshape({9}));
  p("x.flatten()", x.flatten());
  p("x[0]", x[0]);
  p("x.select(0, 1)", x.select(0, 1));
  p("x.narrow(0, 0, 2)", x.narrow(0, 0, 2));
  p("x.t()", x.t());
  p("x.transpose(0, 1)", x.transpose(0, 1));
  p("x.permute({1, 0})", x.permute({1, 0}));
  p("x.unsqueeze(0)", x.unsqueeze(0));
  p("x.expand({2, 3, 3})", x.expand({2, 3, 3}));
  p("x.relu()", x.relu());
  p("x.exp()", x.exp());
  p("x.tanh()", x.tanh());
  p("x.sigmoid()", x.sigmoid());
  p("-x", -x);
  p("x.clone()", x.clone());
  p("x.to(kDouble)", x.to(torch::kDouble));
  p("x.matmul(w)", x.matmul(w));
  p("x.mm(w)", x.mm(w));
  p("cat({x, w})", torch::cat({x, w}));
  Tensor v = torch::randn({3}, torch::requires_grad());
  Tensor a = x.clone();
  a.mul_(2);
  p("a.mul_(2)", a);
  Tensor b = x.clone();
  b.copy_(w);
  p("b.copy_(w)", b);
  Tensor c = x.clone();
  c.fill_(1.0);
  p("c.fill_(1.0)", c);
  Tensor d = x.clone();
  d.zero_();
  p("d.zero_()", d);
  Tensor e = x.clone();
  Tensor row = e[0];
  row.mul_(2);
  p("e[0].mul_(2): e", e);
  p("e[0].mul_(2): row", row);
  Tensor buf = torch::zeros({3});
  buf.index_put_({0}, v.sum() * 2);
  p("buf.index_put_({0}, v.sum() * 2)", buf);
}
