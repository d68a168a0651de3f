// Autograd the way libtorch's "Autograd in C++ Frontend" tutorial writes it: requires_grad,
// grad_fn, backward with a vector, NoGradGuard, higher-order gradients with
// torch::autograd::grad(..., create_graph=true), and custom Functions with save_for_backward and
// saved_data.
#include <iostream>

#include "torch_include.h"

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// y = x Wᵀ + b with the backward written by hand (the tutorial's LinearFunction).
struct LinearFunction : public torch::autograd::Function<LinearFunction> {
  static torch::Tensor forward(AutogradContext* ctx, torch::Tensor input, torch::Tensor weight,
                               torch::Tensor bias = torch::Tensor()) {
    ctx->save_for_backward({input, weight, bias});
    auto output = input.mm(weight.t());
    if (bias.defined()) output += bias.unsqueeze(0).expand_as(output);
    return output;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    auto input = saved[0];
    auto weight = saved[1];
    auto bias = saved[2];
    auto grad_output = grad_outputs[0];
    auto grad_input = grad_output.mm(weight);
    auto grad_weight = grad_output.t().mm(input);
    auto grad_bias = torch::Tensor();
    if (bias.defined()) grad_bias = grad_output.sum(0);
    return {grad_input, grad_weight, grad_bias};
  }
};

// y = x * constant, the constant kept in saved_data (a non-tensor argument gets no gradient).
struct MulConstant : public torch::autograd::Function<MulConstant> {
  static torch::Tensor forward(AutogradContext* ctx, torch::Tensor tensor, double constant) {
    ctx->saved_data["constant"] = constant;
    return tensor * constant;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    return {grad_outputs[0] * ctx->saved_data["constant"].toDouble(), torch::Tensor()};
  }
};

int main() {
  torch::manual_seed(0);

  // Basic autograd operations.
  auto x = torch::ones({2, 2}, torch::requires_grad());
  std::cout << "x =\n" << x << "\n";
  auto y = x + 2;
  std::cout << "y.grad_fn()->name() = " << y.grad_fn()->name() << "\n";
  auto z = y * y * 3;
  auto out = z.mean();
  std::cout << "z =\n" << z << "\nout = " << out.item<float>() << "\n";
  std::cout << "out.grad_fn()->name() = " << out.grad_fn()->name() << "\n";

  auto a = torch::randn({2, 2});
  a = ((a * 3) / (a - 1));
  std::cout << "a.requires_grad() = " << a.requires_grad() << "\n";
  a.requires_grad_(true);
  auto b = (a * a).sum();
  std::cout << "after requires_grad_: b.grad_fn()->name() = " << b.grad_fn()->name() << "\n";

  out.backward();
  std::cout << "d(out)/dx =\n" << x.grad() << "\n";

  // A vector-Jacobian product.
  x = torch::randn(3, torch::requires_grad());
  y = x * 2;
  while (y.norm().item<double>() < 1000) y = y * 2;
  std::cout << "y =\n" << y << "\n";
  auto v = torch::tensor({0.1, 1.0, 0.0001}, torch::kFloat);
  y.backward(v);
  std::cout << "x.grad() =\n" << x.grad() << "\n";

  std::cout << "x.requires_grad() = " << x.requires_grad()
            << ", x.pow(2).requires_grad() = " << x.pow(2).requires_grad() << "\n";
  {
    torch::NoGradGuard no_grad;
    std::cout << "under NoGradGuard: x.pow(2).requires_grad() = " << x.pow(2).requires_grad()
              << "\n";
  }
  std::cout << "x.detach().requires_grad() = " << x.detach().requires_grad()
            << ", x.eq(x.detach()).all() = " << x.eq(x.detach()).all().item<bool>() << "\n";

  // Higher-order gradients: a gradient penalty through a Linear layer.
  auto model = torch::nn::Linear(4, 3);
  auto input = torch::randn({3, 4}).requires_grad_(true);
  auto output = model(input);
  auto target = torch::randn({3, 3});
  auto loss = (output - target).pow(2).mean();
  auto grad_output = torch::ones_like(output);
  auto gradient = torch::autograd::grad({output}, {input}, /*grad_outputs=*/{grad_output},
                                        /*retain_graph=*/true, /*create_graph=*/true)[0];
  auto gradient_penalty = torch::pow((gradient.norm(2, /*dim=*/1) - 1), 2).mean();
  auto combined_loss = loss + gradient_penalty;
  combined_loss.backward();
  std::cout << "loss = " << loss.item<float>() << ", penalty = " << gradient_penalty.item<float>()
            << "\ninput.grad() =\n"
            << input.grad() << "\n";
  std::cout << "model->weight.grad() =\n" << model->weight.grad() << "\n";

  // d²/dx² of x³ at 2 = 12.
  auto s = torch::tensor(2.0, torch::requires_grad());
  auto cube = s * s * s;
  auto ds = torch::autograd::grad({cube}, {s}, {}, c10::nullopt, /*create_graph=*/true)[0];
  auto dds = torch::autograd::grad({ds}, {s})[0];
  std::cout << "d(x^3)/dx = " << ds.item<float>() << ", d2(x^3)/dx2 = " << dds.item<float>()
            << "\n";

  // Custom Functions.
  auto xin = torch::randn({2, 3}, torch::TensorOptions().dtype(torch::kFloat).requires_grad(true));
  auto weight = torch::randn({4, 3}, torch::requires_grad());
  auto bias = torch::randn({4}, torch::requires_grad());
  auto yout = LinearFunction::apply(xin, weight, bias);
  yout.sum().backward();
  std::cout << "LinearFunction: y =\n"
            << yout << "\nx.grad =\n"
            << xin.grad() << "\nweight.grad =\n"
            << weight.grad() << "\nbias.grad =\n"
            << bias.grad() << "\n";
  // The same through built-in ops gives the same gradients.
  auto xin2 = xin.detach().clone().requires_grad_(true);
  auto weight2 = weight.detach().clone().requires_grad_(true);
  torch::nn::functional::linear(xin2, weight2, bias.detach()).sum().backward();
  std::cout << "matches built-in linear: "
            << (torch::allclose(xin.grad(), xin2.grad()) &&
                torch::allclose(weight.grad(), weight2.grad()))
            << "\n";

  auto m = torch::randn({5, 5}, torch::requires_grad());
  auto ym = MulConstant::apply(m, 5.5);
  ym.sum().backward();
  std::cout << "MulConstant: m.grad() =\n" << m.grad() << "\n";
  return 0;
}
