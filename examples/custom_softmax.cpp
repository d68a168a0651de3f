// Exercise 7: softmax as a custom autograd Function, checked against the built-in softmax.
// For x = [2, 3, 4] and target y = [0.25, 0.35, 0.4]: MSE loss 0.0357 and gradient
// [-0.0178, -0.0394, 0.0572] both ways.
#include <ember/ember.h>

#include <cmath>
#include <cstdio>

using namespace ember;
using autograd::AutogradContext;
using autograd::variable_list;

struct Softmax : autograd::Function<Softmax> {
  static Tensor forward(AutogradContext* ctx, Tensor x) {
    Tensor e = exp(x - x.max());  // shift for stability
    Tensor s = e / e.sum();
    ctx->save_for_backward({s});
    return s;
  }
  // ds_i/dx_j = s_i (δ_ij − s_j), so dL/dx = s ⊙ (g − ⟨g, s⟩).
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    Tensor s = ctx->get_saved_variables()[0];
    Tensor g = grads[0];
    return {s * (g - (g * s).sum())};
  }
};

int main() {
  const Tensor y = tensor({0.25f, 0.35f, 0.4f});
  bool ok = true;
  for (bool custom : {true, false}) {
    Tensor x = tensor({2.f, 3.f, 4.f}, requires_grad());
    Tensor p = custom ? Softmax::apply(x) : softmax(x, 0);
    Tensor loss = (p - y).pow(2).mean();
    loss.backward();
    const float* g = x.grad().data_ptr<float>();
    std::printf("%-9s softmax: loss %.4f, grad [%.4f, %.4f, %.4f]\n",
                custom ? "custom" : "built-in", loss.item<float>(), g[0], g[1], g[2]);
    ok = ok && std::abs(loss.item<float>() - 0.0357f) < 5e-5f && std::abs(g[0] + 0.0178f) < 5e-5f &&
         std::abs(g[1] + 0.0394f) < 5e-5f && std::abs(g[2] - 0.0572f) < 5e-5f;
  }
  std::printf(ok ? "OK\n" : "MISMATCH\n");
  return ok ? 0 : 1;
}
