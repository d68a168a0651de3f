// Finite-difference gradient checking (first and second order).
#include "ember/autograd/gradcheck.h"

#include <sstream>

#include "ember/autograd/engine.h"
#include "ember/autograd/grad_mode.h"
#include "ember/ops.h"

namespace ember::autograd {

namespace {
// Jacobian entry d out_k[j] / d in_i[e], numerically.
Tensor numerical_jacobian(const GradcheckFn& fn, const variable_list& inputs, size_t i, size_t k,
                          int64_t out_numel, double eps) {
  NoGradGuard ng;
  Tensor x = inputs[i];
  Tensor flat = x.detach();  // shares storage: perturb in place
  const int64_t n = x.numel();
  Tensor jac = zeros({n, out_numel}, kDouble);
  EMBER_CHECK(x.scalar_type() == kDouble, "gradcheck: inputs must be float64 (input ", i, " is ",
              x.scalar_type(), ")");
  EMBER_CHECK(x.is_contiguous(), "gradcheck: inputs must be contiguous (input ", i, ")");
  double* p = flat.data_ptr<double>();
  for (int64_t e = 0; e < n; ++e) {
    const double orig = p[e];
    p[e] = orig + eps;
    Tensor hi = fn(inputs)[k].to(kDouble).contiguous().reshape({-1}).clone();
    p[e] = orig - eps;
    Tensor lo = fn(inputs)[k].to(kDouble).contiguous().reshape({-1}).clone();
    p[e] = orig;
    jac.select(0, e).copy_((hi - lo) / (2 * eps));
  }
  return jac;
}
}  // namespace

bool gradcheck(const GradcheckFn& fn, const variable_list& inputs, double eps, double atol,
               double rtol, bool raise_exception) {
  variable_list outputs = fn(inputs);
  for (size_t k = 0; k < outputs.size(); ++k) {
    const Tensor& out = outputs[k];
    if (!out.defined() || !out.is_floating_point()) continue;
    const int64_t m = out.numel();
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (!inputs[i].defined() || !inputs[i].requires_grad()) continue;
      Tensor numeric = numerical_jacobian(fn, inputs, i, k, m, eps);
      Tensor analytic = zeros({inputs[i].numel(), m}, kDouble);
      if (out.requires_grad()) {
        for (int64_t j = 0; j < m; ++j) {
          Tensor go = zeros({m}, out.scalar_type());
          go.select(0, j).fill_(1);
          variable_list outs = fn(inputs);
          variable_list g =
              grad({outs[k]}, {inputs[i]}, {go.view(outs[k].sizes())}, false, false, true);
          if (g[0].defined()) analytic.select(1, j).copy_(g[0].reshape({-1}).to(kDouble));
        }
      }
      if (!allclose(analytic, numeric, rtol, atol)) {
        if (!raise_exception) return false;
        Tensor diff = (analytic - numeric).abs();
        const int64_t worst = diff.reshape({-1}).argmax().item<int64_t>();
        std::ostringstream os;
        os << "gradcheck: Jacobian mismatch for output " << k << " with respect to input " << i
           << " (input shape " << inputs[i].sizes() << ", output shape " << out.sizes()
           << "): at flat index " << worst << " numerical "
           << numeric.reshape({-1})[worst].item<double>() << " vs analytical "
           << analytic.reshape({-1})[worst].item<double>() << " (atol " << atol << ", rtol " << rtol
           << ")";
        throw Error(os.str());
      }
    }
  }
  return true;
}

bool gradcheck(const std::function<Tensor(const variable_list&)>& fn, const variable_list& inputs,
               double eps, double atol, double rtol, bool raise_exception) {
  return gradcheck([&](const variable_list& x) { return variable_list{fn(x)}; }, inputs, eps, atol,
                   rtol, raise_exception);
}

bool gradgradcheck(const std::function<Tensor(const variable_list&)>& fn,
                   const variable_list& inputs, double eps, double atol, double rtol,
                   bool raise_exception) {
  Tensor v;
  {
    NoGradGuard ng;
    Generator gen(1234);
    v = randn(fn(inputs).sizes(), gen, kDouble);
  }
  auto first = [&](const variable_list& x) {
    AutoGradMode enable(true);  // also while gradcheck differentiates numerically
    variable_list diff;
    for (const Tensor& t : x)
      if (t.requires_grad()) diff.push_back(t);
    Tensor out = fn(x);
    variable_list g = grad({out}, diff, {v}, true, true, true);
    variable_list result;
    for (size_t i = 0; i < g.size(); ++i)
      result.push_back(g[i].defined() ? g[i] : zeros_like(diff[i]));
    return result;
  };
  return gradcheck(first, inputs, eps, atol, rtol, raise_exception);
}

}  // namespace ember::autograd
