// Custom autograd Functions: CppNode (the node of a Function<T> call), the wrapping of forward's
// outputs (the same history and saved-output recording as apply, plus dirty inputs and
// non-differentiable outputs), and AutogradContext's accessors.
#include "ember/autograd/function.h"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>

#include "autograd/apply.h"
#include "autograd/internal.h"

namespace ember::autograd {

namespace {
std::string demangle(const char* name) {
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string s = status == 0 && d ? d : name;
  std::free(d);
  return s;
}

struct OutputInfo {
  DimVector shape;
  ScalarType dtype;
};
}  // namespace

/// The node of a custom Function call: runs T::backward (through a function pointer) on the
/// call's context, materializing undefined gradients and checking what backward returns.
class CppNode final : public Node {
 public:
  CppNode(const std::type_info& type, detail::CustomBackward backward,
          std::vector<bool> is_tensor_arg)
      : type_(type), backward_(backward), is_tensor_arg_(std::move(is_tensor_arg)) {}
  std::string name() const override { return "CppNode<" + demangle(type_.name()) + ">"; }
  variable_list apply(variable_list&& grads) override;
  void release_variables() override {
    for (SavedTensor& s : ctx_.saved_) s.release();
    ctx_.released_ = true;
  }

  /// detail::begin_custom and finish_custom (CppNode is AutogradContext's friend).
  static detail::CustomCall begin(const std::type_info& type, detail::CustomBackward backward,
                                  variable_list inputs, std::vector<bool> is_tensor_arg);
  void finish(detail::CustomCall& call, variable_list& outs);

  AutogradContext ctx_;
  std::vector<OutputInfo> inputs_, outputs_;

 private:
  const std::type_info& type_;
  detail::CustomBackward backward_;
  std::vector<bool> is_tensor_arg_;
};

variable_list CppNode::apply(variable_list&& grads) {
  if (ctx_.materialize_grads_)
    for (size_t i = 0; i < grads.size(); ++i)
      if (!grads[i].defined() && i < outputs_.size())
        grads[i] = zeros(outputs_[i].shape, outputs_[i].dtype);
  variable_list out = backward_(&ctx_, std::move(grads));
  const size_t n_args = is_tensor_arg_.size();
  EMBER_CHECK(out.size() >= n_args || out.size() == num_outputs(), name(),
              ": function backward returned an incorrect number of gradients (expected ", n_args,
              ", got ", out.size(), ")");
  if (out.size() == num_outputs() && out.size() != n_args) return out;
  variable_list result;
  for (size_t i = 0; i < n_args; ++i) {
    if (!is_tensor_arg_[i]) continue;
    result.push_back(i < out.size() ? out[i] : Tensor());
  }
  for (size_t i = 0; i < result.size() && i < inputs_.size(); ++i)
    if (result[i].defined() && should_compute_output(i))
      EMBER_CHECK(result[i].sizes() == inputs_[i].shape, name(),
                  ": function backward returned an invalid gradient at index ", i, " - got ",
                  result[i].sizes(), " but expected shape compatible with ", inputs_[i].shape);
  return result;
}

detail::CustomCall CppNode::begin(const std::type_info& type, detail::CustomBackward backward,
                                  variable_list inputs, std::vector<bool> is_tensor_arg) {
  auto node = std::make_shared<CppNode>(type, backward, std::move(is_tensor_arg));
  const bool needs = GradMode::is_enabled() &&
                     std::any_of(inputs.begin(), inputs.end(),
                                 [](const Tensor& t) { return t.defined() && t.requires_grad(); });
  node->ctx_.node_ = node;
  if (needs) {
    edge_list& edges = node->mutable_next_edges();
    edges.reserve(inputs.size());
    for (const Tensor& t : inputs) {
      edges.push_back(edge_if_needed(t));
      node->inputs_.push_back({t.defined() ? DimVector(t.sizes()) : DimVector(),
                               t.defined() ? t.scalar_type() : kFloat});
    }
  }
  AutogradContext* ctx = &node->ctx_;
  return {std::move(node), ctx, std::move(inputs), needs};
}

void CppNode::finish(detail::CustomCall& call, variable_list& outs) {
  CppNode* node = this;
  AutogradContext& ctx = ctx_;
  const variable_list& inputs = call.inputs;
  const bool needs = call.needs_grad;
  node->set_num_inputs(static_cast<uint32_t>(outs.size()));
  for (uint32_t i = 0; i < outs.size(); ++i) {
    Tensor& o = outs[i];
    if (!o.defined()) {
      node->outputs_.push_back({DimVector(), kFloat});
      continue;
    }
    node->outputs_.push_back({DimVector(o.sizes()), o.scalar_type()});
    const TensorImpl* impl = o.unsafeGetTensorImpl();
    const bool is_input = std::any_of(inputs.begin(), inputs.end(), [&](const Tensor& t) {
      return t.unsafeGetTensorImpl() == impl;
    });
    const bool differentiable =
        needs && !ctx.non_differentiable_.count(impl) && o.is_floating_point();
    if (is_input && ctx.dirty_.count(impl)) {
      o.impl()->storage()->bump_version();
      if (differentiable) {
        EMBER_CHECK(!(o.is_leaf() && o.requires_grad()), node->name(),
                    ": a leaf Variable that requires grad has been used in an in-place "
                    "operation.");
        rebase_history(o, call.node, i);  // as an in-place op: a view's base gets a CopySlices node
      }
      continue;
    }
    if (is_input) o = o.detach();  // returned unchanged: a fresh alias gets the history
    if (differentiable) set_history(o, call.node, i);
  }
  // Save what forward asked for; outputs are held without their grad_fn (no cycle), as apply
  // saves an op's SavedOutput.
  for (const Tensor& t : ctx.to_save_) {
    SavedTensor s;
    bool saved = false;
    for (uint32_t i = 0; i < outs.size() && t.defined(); ++i) {
      if (outs[i].defined() && outs[i].impl()->storage() == t.impl()->storage() &&
          outs[i].sizes() == t.sizes() && needs && outs[i].grad_fn() == call.node) {
        s.save_output(outs[i], call.node, i);
        saved = true;
        break;
      }
    }
    if (!saved) s.save(t);
    ctx.saved_.push_back(std::move(s));
  }
  ctx.to_save_.clear();
}

detail::CustomCall detail::begin_custom(const std::type_info& type, CustomBackward backward,
                                        variable_list inputs, std::vector<bool> is_tensor_arg) {
  return CppNode::begin(type, backward, std::move(inputs), std::move(is_tensor_arg));
}

void detail::finish_custom(CustomCall& call, variable_list& outs) {
  static_cast<CppNode&>(*call.node).finish(call, outs);
}

variable_list AutogradContext::get_saved_variables() const {
  if (released_) {
    auto node = node_.lock();
    throw_freed_graph(node ? node->name().c_str() : "AutogradContext::get_saved_variables");
  }
  if (!to_save_.empty()) return to_save_;  // called inside forward
  variable_list out;
  out.reserve(saved_.size());
  for (const SavedTensor& s : saved_) out.push_back(s.unpack());
  return out;
}

bool AutogradContext::needs_input_grad(size_t i) const {
  auto node = node_.lock();
  return node && node->should_compute_output(i);
}

}  // namespace ember::autograd
