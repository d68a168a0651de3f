// apply<Op>: the single registration point for differentiable ops. An op is a struct with
//   static constexpr const char* name = "MulBackward0";   // PyTorch's grad_fn name
//   Tensor forward(const Tensor&...);                        // saves what backward needs
//   variable_list backward(const Tensor& grad, const Node& node);  // written with ember ops
// apply runs forward (with grad mode off, so that ops used inside it record nothing) and, only
// if grad mode is on and an input requires grad, moves the struct into an OpNode and links the
// edges. An op may declare `SavedTensor result;` to keep its output; apply fills it after the
// node exists. A single-input op whose output shares the input's storage is a view op: apply
// records the output as a view of the input's base (see views.cpp) so that in-place ops on it
// update the base's gradient. apply_outputs does the same for ops with several outputs.
#pragma once

#include <array>
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
  explicit OpNode(Op&& op, bool saves_tensors = true)
      : op_(std::move(op)), saves_tensors_(saves_tensors) {}
  std::string name() const override { return Op::name; }
  variable_list apply(variable_list&& grads) override { return call(grads.data()); }
  variable_list call(Tensor* grads) override {
    if (!op_) throw_freed_graph(Op::name);
    if constexpr (requires { Op::num_outputs; }) {  // see apply_outputs
      for (uint32_t i = 0; i < Op::num_outputs; ++i)
        if (grads[i].defined()) return op_->backward(grads, *this);
      return variable_list(num_outputs());
    } else {
      if (!grads[0].defined()) return variable_list(num_outputs());
      return op_->backward(grads[0], *this);
    }
  }
  void release_variables() override {
    if (saves_tensors_) op_.reset();
  }
  Op& op() { return *op_; }

 private:
  std::optional<Op> op_;
  bool saves_tensors_;
};

inline bool any_requires_grad() { return false; }
template <class... Ts>
bool any_requires_grad(const Tensor& t, const Ts&... rest) {
  return (t.defined() && t.requires_grad()) || any_requires_grad(rest...);
}

inline Edge edge_if_needed(const Tensor& t) {
  return (t.defined() && t.requires_grad()) ? gradient_edge(t) : Edge();
}

namespace detail {
/// Turns grad mode off for a scope in which it is known to be on.
struct GradOffScope {
  GradOffScope() { GradMode::set_enabled(false); }
  ~GradOffScope() { GradMode::set_enabled(true); }
  GradOffScope(const GradOffScope&) = delete;
  GradOffScope& operator=(const GradOffScope&) = delete;
};
inline void maybe_mark_view(const Tensor& out, const Tensor& in) {
  if (out.defined() && in.defined() && out.impl() != in.impl() &&
      out.impl()->storage() == in.impl()->storage())
    mark_view(out, in);
}
}  // namespace detail

template <class Op, class... Ts>
Tensor apply(Op op, const Ts&... inputs) {
  if (!GradMode::is_enabled()) return op.forward(inputs...);
  if constexpr (sizeof...(Ts) > 1) {
    // Nothing to record (and nothing inside forward records either: no input requires grad).
    if (!any_requires_grad(inputs...)) return op.forward(inputs...);
  }
  Tensor out;
  const uint32_t saves = detail::saved_count();
  {
    detail::GradOffScope off;
    out = op.forward(inputs...);
  }
  if constexpr (sizeof...(Ts) == 1) detail::maybe_mark_view(out, inputs...);
  if (any_requires_grad(inputs...)) {
    constexpr bool kSavesResult = requires(Op & o) { o.result; };
    auto node =
        std::make_shared<OpNode<Op>>(std::move(op), kSavesResult || saves != detail::saved_count());
    edge_list& edges = node->mutable_next_edges();
    edges.reserve(sizeof...(Ts));
    (edges.push_back(edge_if_needed(inputs)), ...);
    if constexpr (requires(Op & o) { o.result; }) node->op().result.save_output(out, node);
    set_history(out, std::move(node));
  }
  return out;
}

/// Same as apply, for ops with several outputs (a fused backward's dx, dweight, dbias). Such an
/// op declares `static constexpr uint32_t num_outputs = K;`, its forward returns
/// std::array<Tensor, K> (entries may be undefined) and its backward is
///   variable_list backward(const Tensor* grads, const Node& node);
/// receiving the K output gradients, undefined where none flowed (it runs only if one did).
template <class Op, class... Ts>
std::array<Tensor, Op::num_outputs> apply_outputs(Op op, const Ts&... inputs) {
  if (!GradMode::is_enabled()) return op.forward(inputs...);
  std::array<Tensor, Op::num_outputs> outs;
  const uint32_t saves = detail::saved_count();
  {
    detail::GradOffScope off;
    outs = op.forward(inputs...);
  }
  if (any_requires_grad(inputs...)) {
    auto node = std::make_shared<OpNode<Op>>(std::move(op), saves != detail::saved_count());
    node->set_num_inputs(Op::num_outputs);
    edge_list& edges = node->mutable_next_edges();
    edges.reserve(sizeof...(Ts));
    (edges.push_back(edge_if_needed(inputs)), ...);
    for (uint32_t i = 0; i < Op::num_outputs; ++i)
      if (outs[i].defined()) set_history(outs[i], node, i);
  }
  return outs;
}

/// Same as apply, for ops with a list of tensor inputs (cat, stack).
template <class Op>
Tensor apply_list(Op op, const std::vector<Tensor>& inputs) {
  if (!GradMode::is_enabled()) return op.forward(inputs);
  Tensor out;
  const uint32_t saves = detail::saved_count();
  {
    detail::GradOffScope off;
    out = op.forward(inputs);
  }
  bool needs = false;
  for (const Tensor& t : inputs) needs = needs || (t.defined() && t.requires_grad());
  if (needs) {
    constexpr bool kSavesResult = requires(Op & o) { o.result; };
    auto node =
        std::make_shared<OpNode<Op>>(std::move(op), kSavesResult || saves != detail::saved_count());
    edge_list& edges = node->mutable_next_edges();
    edges.reserve(inputs.size());
    for (const Tensor& t : inputs) edges.push_back(edge_if_needed(t));
    if constexpr (requires(Op & o) { o.result; }) node->op().result.save_output(out, node);
    set_history(out, std::move(node));
  }
  return out;
}

}  // namespace ember::autograd
