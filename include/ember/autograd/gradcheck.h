// gradcheck: compares autograd's Jacobian with central finite differences (use float64 inputs).
#pragma once

#include <functional>

#include "ember/autograd/node.h"

namespace ember::autograd {

using GradcheckFn = std::function<variable_list(const variable_list&)>;

struct GradcheckOptions {
  double eps = 1e-6;
  double atol = 1e-5;
  double rtol = 1e-3;
  bool raise_exception = true;  // throw ember::Error describing the first mismatch
};

/// True when every output's analytical Jacobian matches finite differences w.r.t. every input
/// that requires grad. Inputs should be float64 and require grad.
bool gradcheck(const GradcheckFn& fn, const variable_list& inputs, double eps = 1e-6,
               double atol = 1e-5, double rtol = 1e-3, bool raise_exception = true);
/// Single-output convenience overload.
bool gradcheck(const std::function<Tensor(const variable_list&)>& fn, const variable_list& inputs,
               double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3,
               bool raise_exception = true);
/// Checks second derivatives: gradcheck of v·∂fn/∂inputs for a random v (create_graph).
bool gradgradcheck(const std::function<Tensor(const variable_list&)>& fn,
                   const variable_list& inputs, double eps = 1e-6, double atol = 1e-5,
                   double rtol = 1e-3, bool raise_exception = true);

}  // namespace ember::autograd
