// The backward engine's public entry points: backward, grad, and anomaly detection.
#pragma once

#include <optional>
#include <vector>

#include "ember/autograd/node.h"

namespace ember::autograd {

/// Computes gradients of `tensors` and accumulates them into the leaves' `.grad`.
/// `inputs`, when given, restricts accumulation to those leaves.
void backward(const variable_list& tensors, const variable_list& grad_tensors = {},
              std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
              const variable_list& inputs = {});

/// Returns d(outputs)/d(inputs) without touching `.grad` (torch::autograd::grad).
variable_list grad(const variable_list& outputs, const variable_list& inputs,
                   const variable_list& grad_outputs = {},
                   std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
                   bool allow_unused = false);

/// While alive, backward checks every gradient a node produces for NaN/inf and names the node.
class DetectAnomalyGuard {
 public:
  explicit DetectAnomalyGuard(bool check_nan = true);
  ~DetectAnomalyGuard();
  DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
  DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;

 private:
  bool prev_;
};

struct AnomalyMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
};

}  // namespace ember::autograd
