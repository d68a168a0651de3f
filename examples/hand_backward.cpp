// Exercise 2: a linear layer with sigmoid written by hand — forward, backward with
// d_w = grad_lin · inpᵀ / m and d_b = Σ grad_lin / m — a 2-layer model, and hand-written RMSProp
// and Adam, trained one sample at a time on y = x² (x uniform in [−2, 2], 2000 samples).
// The hand gradients are checked against autograd's.
#include <ember/autograd.h>

#include <cmath>
#include <cstdio>
#include <vector>

using namespace ember;

// Column convention: inputs are (features, m) for m samples.
struct SigmoidLinear {
  Tensor w, b;          // (out, in), (out, 1)
  Tensor inp, out;      // saved by forward
  bool sigmoid = true;  // the output layer is linear
  SigmoidLinear(int64_t in, int64_t n_out, bool sig) : sigmoid(sig) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    w = rand({n_out, in}, kDouble) * (2 * bound) - bound;
    b = rand({n_out, 1}, kDouble) * (2 * bound) - bound;
  }
  Tensor forward(const Tensor& x) {
    inp = x;
    Tensor lin = w.matmul(x) + b;
    out = sigmoid ? lin.sigmoid() : lin;
    return out;
  }
  // Returns the gradient w.r.t. the input; stores dw, db.
  Tensor backward(const Tensor& grad_out) {
    const double m = static_cast<double>(inp.size(1));
    Tensor grad_lin = sigmoid ? grad_out * out * (1 - out) : grad_out;
    dw = grad_lin.matmul(inp.t()) / m;
    db = grad_lin.sum({1}, true) / m;
    return w.t().matmul(grad_lin);
  }
  Tensor dw, db;
};

struct Model {
  SigmoidLinear l1{1, 16, true}, l2{16, 1, false};
  Tensor forward(const Tensor& x) { return l2.forward(l1.forward(x)); }
  void backward(const Tensor& grad_out) { l1.backward(l2.backward(grad_out)); }
  std::vector<Tensor*> params() { return {&l1.w, &l1.b, &l2.w, &l2.b}; }
  std::vector<Tensor*> grads() { return {&l1.dw, &l1.db, &l2.dw, &l2.db}; }
};

// Hand-written optimizers, as in PyTorch's documentation.
struct RMSProp {
  double lr = 1e-2, alpha = 0.99, eps = 1e-8;
  std::vector<Tensor> sq;
  void step(std::vector<Tensor*> ps, std::vector<Tensor*> gs) {
    if (sq.empty())
      for (auto* p : ps) sq.push_back(zeros_like(*p));
    for (size_t i = 0; i < ps.size(); ++i) {
      const Tensor& g = *gs[i];
      sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
      *ps[i] = *ps[i] - lr * g / (sq[i].sqrt() + eps);
    }
  }
};
struct Adam {
  double lr = 1e-2, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  int t = 0;
  std::vector<Tensor> m, v;
  void step(std::vector<Tensor*> ps, std::vector<Tensor*> gs) {
    if (m.empty())
      for (auto* p : ps) m.push_back(zeros_like(*p)), v.push_back(zeros_like(*p));
    ++t;
    for (size_t i = 0; i < ps.size(); ++i) {
      const Tensor& g = *gs[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      Tensor mhat = m[i] / (1 - std::pow(b1, t)), vhat = v[i] / (1 - std::pow(b2, t));
      *ps[i] = *ps[i] - lr * mhat / (vhat.sqrt() + eps);
    }
  }
};

template <class Opt>
double train(const Tensor& xs, const Tensor& ys, Opt opt, const char* name) {
  manual_seed(1);
  Model model;
  double first = 0, last = 0;
  const int64_t n = xs.size(0);
  for (int epoch = 0; epoch < 10; ++epoch) {
    double total = 0;
    for (int64_t i = 0; i < n; ++i) {
      Tensor x = xs[i].reshape({1, 1}), y = ys[i].reshape({1, 1});
      Tensor pred = model.forward(x);
      Tensor diff = pred - y;
      total += diff.pow(2).item<double>();
      model.backward(2 * diff);  // d (pred − y)² / d pred
      opt.step(model.params(), model.grads());
    }
    (epoch == 0 ? first : last) = total / static_cast<double>(n);
    std::printf("%-8s epoch %d: mean squared error %.4f\n", name, epoch + 1, total / n);
  }
  return last / first;
}

int main() {
  manual_seed(0);
  Tensor xs = rand({2000}, kDouble) * 4 - 2, ys = xs * xs;

  // 1. The hand backward equals autograd's on a batch.
  Model model;
  Tensor x = xs.narrow(0, 0, 8).reshape({1, 8}), y = ys.narrow(0, 0, 8).reshape({1, 8});
  Tensor pred = model.forward(x);
  model.backward(2 * (pred - y));
  for (Tensor* p : model.params()) p->requires_grad_(true);
  Tensor loss = (model.forward(x) - y).pow(2).mean();  // mean over m matches the /m above
  loss.backward();
  bool ok = true;
  auto ps = model.params();
  auto gs = model.grads();
  for (size_t i = 0; i < ps.size(); ++i) ok = ok && allclose(ps[i]->grad(), *gs[i], 1e-10, 1e-12);
  std::printf("hand-written gradients %s autograd's\n", ok ? "equal" : "DIFFER FROM");

  // 2. Train one sample at a time with the hand-written optimizers.
  const double r1 = train(xs, ys, RMSProp{}, "RMSProp");
  const double r2 = train(xs, ys, Adam{}, "Adam");
  ok = ok && r1 < 0.2 && r2 < 0.2;  // the error falls at least 5x from epoch 1 to 10
  std::printf(ok ? "OK\n" : "MISMATCH\n");
  return ok ? 0 : 1;
}
