// apply<Op>: the single registration point for differentiable ops. An op is a struct with
//   static constexpr const char* name = "MulBackward0";   // PyTorch's grad_fn name
//   Tensor forward(const Tensor&...);                        // saves what backward needs
//   variable_list backward(const Tensor& grad, const Node& node);  // written with ember ops
// apply runs forward and, only if grad mode is on and an input requires grad, moves the struct
// into an OpNode and links the edges. An op may declare `SavedTensor result;` to keep its
// output; apply fills it after the node exists.
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/autograd/saved_tensor.h"

namespace ember::autograd {

[[noreturn]] void throw_freed_graph(const char* name);

template <class Op>
class OpNode final : public Node {
 public:
  explicit OpNode(Op&& op) : op_(std::move(op)) {}
  std::string name() const override { return Op::name; }
  variable_list apply(variable_list&& grads) override {
    if (!op_) throw_freed_graph(Op::name);
    if (!grads[0].defined()) return variable_list(num_outputs());
    const Node*& cur = detail::current_node();
    const Node* prev = cur;
    cur = this;
    variable_list out = op_->backward(grads[0], *this);
    cur = prev;
    return out;
  }
  void release_variables() override {
    if constexpr (!std::is_empty_v<Op>) op_.reset();
  }
  Op& op() { return *op_; }

 private:
  std::optional<Op> op_;
};

inline bool any_requires_grad() { return false; }
template <class... Ts>
bool any_requires_grad(const Tensor& t, const Ts&... rest) {
  return (t.defined() && t.requires_grad()) || any_requires_grad(rest...);
}

inline Edge edge_if_needed(const Tensor& t) {
  return (t.defined() && t.requires_grad()) ? gradient_edge(t) : Edge();
}

template <class Op, class... Ts>
Tensor apply(Op op, const Ts&... inputs) {
  Tensor out = op.forward(inputs...);
  if (GradMode::is_enabled() && any_requires_grad(inputs...)) {
    auto node = std::make_shared<OpNode<Op>>(std::move(op));
    node->mutable_next_edges() = edge_list{edge_if_needed(inputs)...};
    if constexpr (requires(Op & o) { o.result; }) node->op().result.save_output(out, node);
    set_history(out, std::move(node));
  }
  return out;
}

/// Same as apply, for ops with a list of tensor inputs (cat, stack).
template <class Op>
Tensor apply_list(Op op, const std::vector<Tensor>& inputs) {
  Tensor out = op.forward(inputs);
  bool needs = false;
  if (GradMode::is_enabled())
    for (const Tensor& t : inputs) needs = needs || (t.defined() && t.requires_grad());
  if (needs) {
    auto node = std::make_shared<OpNode<Op>>(std::move(op));
    edge_list edges;
    edges.reserve(inputs.size());
    for (const Tensor& t : inputs) edges.push_back(edge_if_needed(t));
    node->mutable_next_edges() = std::move(edges);
    set_history(out, std::move(node));
  }
  return out;
}

}  // namespace ember::autograd
