// Node and Edge: the backward graph. Each op that needs a gradient records one Node whose
// next_edges point at the nodes of its inputs (AccumulateGrad for leaves).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ember/tensor/tensor.h"

namespace ember::autograd {

using variable_list = std::vector<Tensor>;
class Node;

struct Edge {
  Edge() = default;
  Edge(std::shared_ptr<Node> fn, uint32_t nr) : function(std::move(fn)), input_nr(nr) {}
  bool is_valid() const { return function != nullptr; }
  std::shared_ptr<Node> function;
  uint32_t input_nr = 0;
};
using edge_list = std::vector<Edge>;

class Node : public std::enable_shared_from_this<Node> {
 public:
  Node();
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// PyTorch's name for this node, e.g. "MulBackward0".
  virtual std::string name() const = 0;
  /// Gradients w.r.t. this node's forward outputs in, gradients w.r.t. its inputs out.
  virtual variable_list apply(variable_list&& grads) = 0;
  /// Frees saved tensors once the graph is done (unless retain_graph).
  virtual void release_variables() {}

  variable_list operator()(variable_list&& grads) { return apply(std::move(grads)); }
  const edge_list& next_edges() const { return next_edges_; }
  edge_list& mutable_next_edges() { return next_edges_; }
  const Edge& next_edge(size_t i) const { return next_edges_[i]; }
  uint32_t num_outputs() const { return static_cast<uint32_t>(next_edges_.size()); }
  /// How many gradients this node receives (its forward's output count).
  uint32_t num_inputs() const { return num_inputs_; }
  void set_num_inputs(uint32_t n) { num_inputs_ = n; }
  uint64_t sequence_nr() const { return sequence_nr_; }
  /// Whether input `i` of the forward needs a gradient (its edge is valid).
  bool should_compute_output(size_t i) const {
    return i < next_edges_.size() && next_edges_[i].is_valid();
  }
  /// Hooks run on the gradients this node produces for its inputs (e.g. retain_grad).
  using PreHook = std::function<variable_list(const variable_list&)>;
  void add_pre_hook(PreHook h) { pre_hooks_.push_back(std::move(h)); }
  std::vector<PreHook>& pre_hooks() { return pre_hooks_; }

  // Engine bookkeeping, valid only while one backward pass runs.
  int32_t dependencies_ = 0;
  uint64_t visit_epoch_ = 0;
  variable_list input_buffer_;

 protected:
  edge_list next_edges_;
  uint32_t num_inputs_ = 1;
  uint64_t sequence_nr_;
  std::vector<PreHook> pre_hooks_;
};

/// The node that adds an incoming gradient into a leaf's `.grad`.
class AccumulateGrad final : public Node {
 public:
  explicit AccumulateGrad(Tensor variable);
  std::string name() const override { return "torch::autograd::AccumulateGrad"; }
  variable_list apply(variable_list&& grads) override;
  const Tensor& variable() const { return variable_; }

 private:
  Tensor variable_;
};

/// Hooks of one tensor, shared with the node that runs them (no reference back to the tensor,
/// so no cycle). For a non-leaf that retains its gradient, `retained_grad` receives it.
struct TensorHooks {
  struct Hook {
    unsigned id;
    std::function<Tensor(const Tensor&)> fn;
  };
  std::vector<Hook> hooks;
  unsigned next_id = 0;
  bool retains_grad = false;
  bool installed = false;  // pre-hook added to grad_fn (non-leaf)
  Tensor retained_grad;
  /// Runs the hooks on `grad` and returns the (possibly replaced) gradient.
  Tensor run(Tensor grad);
};

/// Per-tensor autograd state; allocated only for tensors that take part in autograd.
struct AutogradMeta {
  Tensor grad;
  std::shared_ptr<Node> grad_fn;
  std::weak_ptr<Node> grad_accumulator;
  std::shared_ptr<TensorHooks> hooks;
  uint32_t output_nr = 0;
  bool requires_grad = false;
};

// ---- helpers used by ops and the engine ----------------------------------------------------
/// The edge a gradient for `t` flows along: its grad_fn, or the leaf's AccumulateGrad.
Edge gradient_edge(const Tensor& t);
/// Creates (once) and returns the leaf's AccumulateGrad node.
std::shared_ptr<Node> grad_accumulator(const Tensor& t);
/// Makes `t` the `output_nr`-th output of `fn`.
void set_history(const Tensor& t, std::shared_ptr<Node> fn, uint32_t output_nr = 0);
/// A Graphviz DOT rendering of the graph that produced `t`.
std::string to_dot(const Tensor& t);

}  // namespace ember::autograd
