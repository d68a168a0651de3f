// micrograd in C++: the two course checks, then a tiny MLP trained on four points.
//   example_micrograd             prints the checks and the training run
//   example_micrograd --dot       also prints a small expression's graph in Graphviz DOT
//   example_micrograd --dot=FILE  writes it to FILE instead (render: dot -Tsvg FILE)
#include <ember/scalar/nn.h>
#include <ember/scalar/value.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

using ember::scalar::MLP;
using ember::scalar::Value;

void sanity_check() {
  Value x = -4.0;
  Value z = 2 * x + 2 + x;
  Value q = z.relu() + z * x;
  Value h = (z * z).relu();
  Value y = h + q + q * x;
  y.backward();
  std::printf("sanity check: y = %g (expect -20), dy/dx = %g (expect 46)\n", y.data(), x.grad());
}

void more_ops() {
  Value a = -4.0;
  Value b = 2.0;
  Value c = a + b;
  Value d = a * b + b.pow(3);
  c += c + 1;
  c += 1 + c + (-a);
  d += d * 2 + (b + a).relu();
  d += 3 * d + (b - a).relu();
  Value e = c - d;
  Value f = e.pow(2);
  Value g = f / 2.0;
  g += 10.0 / f;
  g.backward();
  std::printf("more ops: g = %.10f, dg/da = %.10f, dg/db = %.10f\n", g.data(), a.grad(), b.grad());
  std::printf("  expect: g = 24.7040816327, dg/da = 138.8338192420, dg/db = 645.5772594752\n");
}

void train() {
  const std::vector<std::vector<Value>> xs = {{2, 3, -1}, {3, -1, 0.5}, {0.5, 1, 1}, {1, 1, -1}};
  const std::vector<double> ys = {1, -1, -1, 1};
  MLP model(3, {4, 4, 1}, /*seed=*/1);
  std::cout << model << " with " << model.parameters().size() << " parameters\n";
  for (int step = 0; step <= 200; ++step) {
    Value loss = 0.0;  // mean squared error over the four samples
    for (std::size_t i = 0; i < xs.size(); ++i) loss += (model(xs[i])[0] - ys[i]).pow(2);
    loss = loss / 4.0;
    model.zero_grad();
    loss.backward();
    for (Value& p : model.parameters()) p.set_data(p.data() - 0.05 * p.grad());  // SGD
    if (step % 20 == 0) std::printf("step %3d  loss %.6f\n", step, loss.data());
  }
  int correct = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double pred = model(xs[i])[0].data();
    correct += (pred > 0) == (ys[i] > 0);
    std::printf("target %+.0f  prediction %+.4f\n", ys[i], pred);
  }
  std::printf("accuracy %d/%zu = %.0f%%\n", correct, xs.size(), 100.0 * correct / xs.size());
}

void write_dot(const std::string& path) {
  Value a = 2.0;
  Value b = -3.0;
  Value out = (a * b + 10.0).tanh();
  out.backward();
  if (path.empty()) {
    std::cout << to_dot(out);
    return;
  }
  std::ofstream(path) << to_dot(out);
  std::printf("wrote %s\n", path.c_str());
}

int main(int argc, char** argv) {
  std::optional<std::string> dot_path;  // "" means stdout
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dot") {
      dot_path = "";
    } else if (arg.rfind("--dot=", 0) == 0) {
      dot_path = arg.substr(6);
    } else {
      std::fprintf(stderr, "usage: %s [--dot | --dot=FILE]\n", argv[0]);
      return 2;
    }
  }
  sanity_check();
  more_ops();
  train();
  if (dot_path) write_dot(*dot_path);
  return 0;
}
