// Library-internal autograd declarations (the public ones are in include/ember/autograd/): the
// engine's list-free entry point, the node running on this thread, the backward-twice error,
// and view tracking (defined in engine.cpp, node.cpp and views.cpp).
#pragma once

#include <optional>

#include "ember/autograd/node.h"

namespace ember::autograd {

/// Throws PyTorch's ERR_BACKWARD_TWICE, naming `name` (a node, or the accessor that found the
/// saved tensors freed).
[[noreturn]] void throw_freed_graph(const char* name);

/// Records `view` (sharing `input`'s storage) as a view of input's base. Called by apply for
/// ops that declare `is_view`, while grad mode is on.
void mark_view(const Tensor& view, const Tensor& input);

namespace detail {
/// backward() over `n` outputs without building lists (Tensor::backward's path); `grads` may
/// be null (ones for scalar outputs).
void run_backward(const Tensor* outputs, const Tensor* grads, size_t n,
                  std::optional<bool> retain_graph, bool create_graph, const variable_list& inputs);

/// The node whose backward is running on this thread (for error messages).
const Node*& current_node();

/// grad_fn of a view whose base was modified in place since it was last set is rebuilt here.
const std::shared_ptr<Node>& view_grad_fn(TensorImpl& impl);
/// The grad_fn of `impl` (null for leaves), rebuilt first for a stale view.
inline const std::shared_ptr<Node>& grad_fn_of(TensorImpl& impl) {
  if (impl.view_base()) return view_grad_fn(impl);
  static const std::shared_ptr<Node> kNone;
  AutogradMeta* m = impl.autograd_meta();
  return m ? m->grad_fn : kNone;
}
}  // namespace detail

}  // namespace ember::autograd
