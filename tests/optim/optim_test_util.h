// Shared by the optim tests: the PyTorch fixture (golden/optim.json), tensors from JSON lists, the
// fixed problems it was generated on, and an optimizer factory by PyTorch name (on the helpers of
// tests/support).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ember/autograd.h"
#include "ember/optim.h"
#include "support/support.h"

namespace ember::optim_test {

inline const nlohmann::json& golden() { return testing::golden_file("optim/golden/optim.json"); }

/// A tensor from a (nested) JSON list of numbers.
inline Tensor from_json(const nlohmann::json& j, ScalarType dtype) {
  return testing::tensor_from_nested_json(j, dtype);
}

/// The values of `tensors`, flattened and concatenated (PyTorch's flat() in the generator).
inline std::vector<double> flat(const std::vector<Tensor>& tensors) {
  std::vector<double> out;
  for (const Tensor& t : tensors) {
    const std::vector<double> v = testing::values(t);
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

/// Expects |got − want| <= atol + rtol·|want| elementwise.
inline void expect_close(const std::vector<double>& got, const nlohmann::json& want, double rtol,
                         double atol, const std::string& what) {
  testing::expect_near_all(got, want.get<std::vector<double>>(), atol, rtol, what);
}

/// A fixed problem: its parameters and a loss closure, as gen_optim.py builds them.
struct Problem {
  std::vector<Tensor> params;
  std::function<Tensor()> loss;
};

inline Problem make_problem(const std::string& name, ScalarType dtype) {
  Problem p;
  if (name == "rosenbrock") {
    Tensor x = tensor({-1.5, 2.0}, dtype).requires_grad_();
    p.params = {x};
    p.loss = [x] { return (1 - x[0]).pow(2) + 100 * (x[1] - x[0].pow(2)).pow(2); };
  } else {
    Tensor X = tensor({{0.5, -1.0, 2.0},
                       {1.5, 0.25, -0.5},
                       {-2.0, 1.0, 0.75},
                       {0.3, 0.6, -1.2},
                       {1.0, -0.4, 0.2},
                       {-0.7, 1.8, 0.9}},
                      dtype);
    Tensor Y =
        tensor({{1.0, -2.0}, {0.5, 0.0}, {-1.5, 2.5}, {0.2, -0.3}, {1.1, 0.9}, {-0.6, 1.4}}, dtype);
    Tensor W = tensor({{0.1, -0.2, 0.3}, {0.4, 0.0, -0.1}}, dtype).requires_grad_();
    Tensor b = tensor({0.05, -0.05}, dtype).requires_grad_();
    p.params = {W, b};
    p.loss = [=] { return (X.matmul(W.t()) + b - Y).pow(2).mean(); };
  }
  return p;
}

/// Options of optimizer `name` from PyTorch's keyword arguments (through from_json).
inline std::unique_ptr<optim::OptimizerOptions> make_options(const std::string& name,
                                                             const nlohmann::json& kwargs) {
  std::unique_ptr<optim::OptimizerOptions> o;
  if (name == "SGD") o = std::make_unique<optim::SGDOptions>(0.0);
  if (name == "Adam") o = std::make_unique<optim::AdamOptions>();
  if (name == "AdamW") o = std::make_unique<optim::AdamWOptions>();
  if (name == "RMSprop") o = std::make_unique<optim::RMSpropOptions>();
  if (name == "Adagrad") o = std::make_unique<optim::AdagradOptions>();
  EMBER_CHECK(o, "unknown optimizer ", name);
  o->from_json(kwargs);
  return o;
}

inline std::unique_ptr<optim::Optimizer> make_optimizer(
    const std::string& name, std::vector<optim::OptimizerParamGroup> groups,
    const optim::OptimizerOptions& o) {
  using namespace optim;
  if (name == "SGD")
    return std::make_unique<SGD>(std::move(groups), static_cast<const SGDOptions&>(o));
  if (name == "Adam")
    return std::make_unique<Adam>(std::move(groups), static_cast<const AdamOptions&>(o));
  if (name == "AdamW")
    return std::make_unique<AdamW>(std::move(groups), static_cast<const AdamWOptions&>(o));
  if (name == "RMSprop")
    return std::make_unique<RMSprop>(std::move(groups), static_cast<const RMSpropOptions&>(o));
  return std::make_unique<Adagrad>(std::move(groups), static_cast<const AdagradOptions&>(o));
}

/// One golden case's optimizer over `params` (one group per parameter when the case has groups).
inline std::unique_ptr<optim::Optimizer> make_case_optimizer(const nlohmann::json& c,
                                                             const std::vector<Tensor>& params) {
  const std::string name = c["optimizer"];
  auto defaults = make_options(name, c["options"]);
  std::vector<optim::OptimizerParamGroup> groups;
  if (c["groups"].is_null()) {
    groups.emplace_back(params);
  } else {
    for (size_t i = 0; i < params.size(); ++i) {
      auto o = defaults->clone();
      o->from_json(c["groups"][i]);
      groups.emplace_back(std::vector<Tensor>{params[i]}, std::move(o));
    }
  }
  return make_optimizer(name, std::move(groups), *defaults);
}

}  // namespace ember::optim_test
