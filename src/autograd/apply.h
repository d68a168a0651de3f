// apply<Op>: the single registration point for ember's differentiable ops (library-internal: the
// ops in src/ops and the autograd core use it; users write Function<T>). An op is a struct with
//   static constexpr const char* name = "MulBackward0";             // PyTorch's grad_fn name
//   Tensor forward(const Tensor&...);                                 // saves what backward needs
//   variable_list backward(const Tensor& grad, const Node& node);     // written with ember ops
// and declares, when they apply:
//   auto saved() { return std::tie(a, b, result); }
//       every SavedTensor / SavedOutput member. The node releases them after a backward without
//       retain_graph; unpacking one then throws PyTorch's "Trying to backward through the graph
//       a second time". An op without saved() keeps nothing and may be backwarded again.
//   SavedOutput result;   (listed in saved()) apply saves the op's output in it once the node
//       exists, held without its grad_fn.
//   static constexpr bool is_view = true;
//       the output shares the (single) input's storage: apply records it as a view of the
//       input's base (views.cpp), so that in-place ops on it reach the base's gradient. Debug
//       builds check that an op without it returns no tensor sharing an input's storage.
// apply runs forward (with grad mode off, so that ops used inside it record nothing) and, only
// if grad mode is on and an input requires grad, moves the struct into an OpNode and links the
// edges. apply_outputs and apply_list do the same for several outputs and for a list of inputs.
#pragma once

#include <array>
#include <tuple>
#include <type_traits>
#include <utility>

#include "autograd/internal.h"
#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/autograd/saved_tensor.h"

namespace ember::autograd {

/// An op's saved output: apply fills it after the node exists (ops never assign it).
class SavedOutput : public SavedTensor {
 public:
  SavedOutput& operator=(const Tensor&) = delete;
  /// As SavedTensor::unpack; throws if apply never filled it (the op did not list it in saved()).
  Tensor unpack() const {
    EMBER_CHECK(defined(), "SavedOutput: unpacked but never saved (list it in the op's saved())");
    return SavedTensor::unpack();
  }
};

namespace detail {
template <class Op>
concept SavesTensors = requires(Op& o) {
  o.saved();
};

template <class Op>
constexpr bool is_view_op() {
  if constexpr (requires { Op::is_view; })
    return Op::is_view;
  else
    return false;
}

/// Fills the op's SavedOutput members with the output of `node`.
template <class Op>
void save_outputs(Op& op, const Tensor& out, const std::shared_ptr<Node>& node) {
  if constexpr (SavesTensors<Op>) {
    auto fill = [&](auto& s) {
      if constexpr (std::is_same_v<std::decay_t<decltype(s)>, SavedOutput>)
        s.save_output(out, node);
    };
    std::apply([&](auto&... s) { (fill(s), ...); }, op.saved());
  }
}

/// Turns grad mode off for a scope in which it is known to be on.
struct GradOffScope {
  GradOffScope() { GradMode::set_enabled(false); }
  ~GradOffScope() { GradMode::set_enabled(true); }
  GradOffScope(const GradOffScope&) = delete;
  GradOffScope& operator=(const GradOffScope&) = delete;
};

/// Debug builds: throws if `out` shares storage with an input of an op not declared a view.
void check_not_a_view(const char* op, const Tensor& out, const Tensor* inputs, size_t n);
template <class Op, class... Ts>
void debug_check_not_a_view([[maybe_unused]] const Tensor& out,
                            [[maybe_unused]] const Ts&... inputs) {
#ifndef NDEBUG
  if constexpr (sizeof...(Ts) > 0 && (std::is_same_v<Ts, Tensor> && ...)) {
    const Tensor* in[] = {&inputs...};
    for (const Tensor* t : in) check_not_a_view(Op::name, out, t, 1);
  }
#endif
}
}  // namespace detail

template <class Op>
class OpNode final : public Node {
 public:
  explicit OpNode(Op&& op) : op_(std::move(op)) {}
  std::string name() const override { return Op::name; }
  // A saved output must be a SavedOutput (apply fills it once the node exists); a SavedTensor
  // named `result`, the old convention, would silently stay empty.
  static_assert(
      !requires(Op & o) { requires std::is_same_v<decltype(o.result), SavedTensor>; },
      "declare an op's saved output as `SavedOutput result;`");
  variable_list apply(variable_list&& grads) override { return call(grads.data()); }
  variable_list call(Tensor* grads) override {
    if constexpr (requires { Op::num_outputs; }) {  // see apply_outputs
      for (uint32_t i = 0; i < Op::num_outputs; ++i)
        if (grads[i].defined()) return op_.backward(grads, *this);
      return variable_list(num_outputs());
    } else {
      if (!grads[0].defined()) return variable_list(num_outputs());
      return op_.backward(grads[0], *this);
    }
  }
  void release_variables() override {
    if constexpr (detail::SavesTensors<Op>)
      std::apply([](auto&... s) { (s.release(), ...); }, op_.saved());
  }
  Op& op() { return op_; }

 private:
  Op op_;
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
  if (!GradMode::is_enabled()) return op.forward(inputs...);
  if constexpr (!detail::is_view_op<Op>()) {
    // Nothing to record, and nothing inside forward records either (no input requires grad).
    if (!any_requires_grad(inputs...)) {
      Tensor out = op.forward(inputs...);
      detail::debug_check_not_a_view<Op>(out, inputs...);
      return out;
    }
  }
  Tensor out;
  {
    detail::GradOffScope off;
    out = op.forward(inputs...);
  }
  if constexpr (detail::is_view_op<Op>()) {
    static_assert(sizeof...(Ts) == 1, "a view op has one tensor input");
    if (out.defined()) mark_view(out, inputs...);
  } else {
    detail::debug_check_not_a_view<Op>(out, inputs...);
  }
  if (any_requires_grad(inputs...)) {
    auto node = std::make_shared<OpNode<Op>>(std::move(op));
    edge_list& edges = node->mutable_next_edges();
    edges.reserve(sizeof...(Ts));
    (edges.push_back(edge_if_needed(inputs)), ...);
    detail::save_outputs(node->op(), out, node);
    set_history(out, std::move(node));
  }
  return out;
}

/// Same as apply, for ops with several outputs (a fused backward's dx, dweight, dbias). Such an
/// op declares `static constexpr uint32_t num_outputs = K;`, its forward returns
/// std::array<Tensor, K> (entries may be undefined) and its backward is
///   variable_list backward(const Tensor* grads, const Node& node);
/// receiving the K output gradients, undefined where none flowed (it runs only if one did).
/// Such ops save no outputs (no SavedOutput).
template <class Op, class... Ts>
std::array<Tensor, Op::num_outputs> apply_outputs(Op op, const Ts&... inputs) {
  static_assert(!detail::is_view_op<Op>(), "apply_outputs does not record views");
  if (!GradMode::is_enabled()) return op.forward(inputs...);
  std::array<Tensor, Op::num_outputs> outs;
  {
    detail::GradOffScope off;
    outs = op.forward(inputs...);
  }
  for (const Tensor& o : outs) detail::debug_check_not_a_view<Op>(o, inputs...);
  if (any_requires_grad(inputs...)) {
    auto node = std::make_shared<OpNode<Op>>(std::move(op));
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
  static_assert(!detail::is_view_op<Op>(), "apply_list does not record views");
  if (!GradMode::is_enabled()) return op.forward(inputs);
  Tensor out;
  {
    detail::GradOffScope off;
    out = op.forward(inputs);
  }
#ifndef NDEBUG
  detail::check_not_a_view(Op::name, out, inputs.data(), inputs.size());
#endif
  bool needs = false;
  for (const Tensor& t : inputs) needs = needs || (t.defined() && t.requires_grad());
  if (needs) {
    auto node = std::make_shared<OpNode<Op>>(std::move(op));
    edge_list& edges = node->mutable_next_edges();
    edges.reserve(inputs.size());
    for (const Tensor& t : inputs) edges.push_back(edge_if_needed(t));
    detail::save_outputs(node->op(), out, node);
    set_history(out, std::move(node));
  }
  return out;
}

}  // namespace ember::autograd
