// Nodes, AccumulateGrad, saved tensors, tensor hooks and the graph-building helpers.
#include "ember/autograd/node.h"

#include <map>
#include <sstream>
#include <unordered_map>

#include "autograd/internal.h"
#include "ember/autograd/grad_mode.h"
#include "ember/autograd/saved_tensor.h"
#include "ember/ops.h"

namespace ember::autograd {

namespace {
thread_local uint64_t t_next_sequence_nr = 0;
}

Node::Node() : sequence_nr_(t_next_sequence_nr++) {}
Node::~Node() = default;

variable_list Node::call(Tensor* grads) {
  return apply(
      variable_list(std::make_move_iterator(grads), std::make_move_iterator(grads + num_inputs())));
}

const Node*& detail::current_node() {
  thread_local const Node* node = nullptr;
  return node;
}

void throw_freed_graph(const char* name) {
  EMBER_ERROR(name,
              ": Trying to backward through the graph a second time (or directly access saved "
              "tensors after they have already been freed). Saved intermediate values of the "
              "graph are freed when you call .backward() or autograd::grad(). Specify "
              "retain_graph=true if you need to backward through the graph a second time or if "
              "you need to access saved tensors after calling backward.");
}

// ---- AccumulateGrad ---------------------------------------------------------------------------
AccumulateGrad::AccumulateGrad(Tensor variable) : variable_(std::move(variable)) {
  sequence_nr_ = UINT64_MAX;  // as PyTorch: run as soon as ready
}

variable_list AccumulateGrad::apply(variable_list&& grads) {
  EMBER_CHECK(!grads.empty(), "AccumulateGrad: expected one gradient");
  return call(grads.data());
}

variable_list AccumulateGrad::call(Tensor* grads) {
  Tensor new_grad = std::move(grads[0]);
  AutogradMeta& meta = variable_.impl()->ensure_autograd_meta();
  if (meta.hooks) new_grad = meta.hooks->run(std::move(new_grad));
  if (!new_grad.defined()) return {};
  EMBER_CHECK(new_grad.sizes() == variable_.sizes(), "AccumulateGrad: gradient of shape ",
              new_grad.sizes(), " does not match the leaf's shape ", variable_.sizes());
  if (new_grad.scalar_type() != variable_.scalar_type())
    new_grad = new_grad.to(variable_.scalar_type());
  Tensor& g = meta.grad;
  if (!g.defined()) {
    if (GradMode::is_enabled())
      g = new_grad;  // create_graph: keep its history
    else if (new_grad.use_count() == 1 && !new_grad.requires_grad() &&
             (variable_.is_contiguous() ? new_grad.is_contiguous()
                                        : new_grad.strides() == variable_.strides()))
      g = std::move(new_grad);  // nobody else sees it and it has the leaf's layout: steal
    else
      g = empty_like(variable_).copy_(new_grad);  // PyTorch's layout contract: the leaf's strides
  } else if (GradMode::is_enabled()) {
    g = g + new_grad;
  } else {
    g.add_(new_grad);
  }
  return {};
}

// ---- tensor hooks -----------------------------------------------------------------------------
Tensor TensorHooks::run(Tensor grad) {
  for (auto& h : hooks) {
    Tensor r = h.fn(grad);
    if (r.defined()) grad = std::move(r);
  }
  if (retains_grad && grad.defined()) {
    if (!retained_grad.defined())
      retained_grad = grad.detach().clone();
    else
      retained_grad = retained_grad + grad.detach();
  }
  return grad;
}

// ---- graph helpers ----------------------------------------------------------------------------
std::shared_ptr<Node> grad_accumulator(const Tensor& t) {
  AutogradMeta& meta = t.impl()->ensure_autograd_meta();
  auto acc = meta.grad_accumulator.lock();
  if (!acc) {
    acc = std::make_shared<AccumulateGrad>(t);
    meta.grad_accumulator = acc;
  }
  return acc;
}

Edge gradient_edge(const Tensor& t) {
  const std::shared_ptr<Node>& fn = detail::grad_fn_of(*t.impl());
  AutogradMeta* meta = t.impl()->autograd_meta();
  if (!meta) return Edge();
  if (fn) return Edge(fn, meta->output_nr);
  if (meta->requires_grad) return Edge(grad_accumulator(t), 0);
  return Edge();
}

void set_history(const Tensor& t, std::shared_ptr<Node> fn, uint32_t output_nr) {
  AutogradMeta& meta = t.impl()->ensure_autograd_meta();
  if (fn->num_inputs() < output_nr + 1) fn->set_num_inputs(output_nr + 1);
  meta.grad_fn = std::move(fn);
  meta.output_nr = output_nr;
  meta.requires_grad = false;  // derived from grad_fn for non-leaves
  meta.grad_accumulator.reset();
  if (t.impl()->view_base()) meta.attr_version = t._version();
}

void install_hooks(const Tensor& t, AutogradMeta& meta) {
  if (!meta.hooks) meta.hooks = std::make_shared<TensorHooks>();
  const std::shared_ptr<Node>& fn = detail::grad_fn_of(*t.impl());
  if (fn && !meta.hooks->installed) {
    meta.hooks->installed = true;
    fn->add_pre_hook([h = meta.hooks, nr = meta.output_nr](const variable_list& in) {
      variable_list out = in;
      if (nr < out.size()) out[nr] = h->run(out[nr]);
      return out;
    });
  }
}

// ---- SavedTensor ------------------------------------------------------------------------------
void SavedTensor::save_output(const Tensor& t, const std::shared_ptr<Node>& node,
                              uint32_t output_nr) {
  // An alias without autograd meta: sharing storage (so versions are shared) but not holding
  // the node that holds us.
  const TensorImpl& impl = *t.impl();
  data_ =
      Tensor(intrusive_ptr<TensorImpl>::make(impl.storage(), impl.dtype(), impl.sizes(),
                                             impl.strides(), impl.storage_offset(), impl.device()));
  version_ = data_._version();
  output_of_ = node;
  output_nr_ = output_nr;
  is_output_ = true;
}

Tensor SavedTensor::unpack() const {
  if (released_) {
    const Node* cur = detail::current_node();
    throw_freed_graph(cur ? cur->name().c_str() : "SavedTensor::unpack");
  }
  if (!data_.defined()) return data_;
  if (data_._version() != version_) {
    const Node* cur = detail::current_node();
    std::ostringstream what;
    what << "[" << data_.toString() << " " << data_.sizes() << "]";
    AutogradMeta* meta = data_.impl()->autograd_meta();
    if (is_output_ && cur)
      what << ", which is output " << output_nr_ << " of " << cur->name() << ",";
    else if (meta && meta->grad_fn)
      what << ", which is output " << meta->output_nr << " of " << meta->grad_fn->name() << ",";
    EMBER_ERROR(cur ? cur->name() : std::string("backward"),
                ": one of the variables needed for gradient computation has been modified by an "
                "inplace operation: ",
                what.str(), " is at version ", data_._version(), "; expected version ", version_,
                " instead.");
  }
  if (is_output_ && GradMode::is_enabled()) {
    if (auto node = output_of_.lock()) {
      const TensorImpl& impl = *data_.impl();
      Tensor t(intrusive_ptr<TensorImpl>::make(impl.storage(), impl.dtype(), impl.sizes(),
                                               impl.strides(), impl.storage_offset(),
                                               impl.device()));
      set_history(t, std::move(node), output_nr_);
      return t;
    }
  }
  return data_;
}

// ---- DOT export -------------------------------------------------------------------------------
std::string to_dot(const Tensor& root) {
  std::ostringstream os;
  os << "digraph autograd {\n  node [shape=box, fontname=\"Helvetica\"];\n";
  const Node* top = root.defined() ? root.grad_fn().get() : nullptr;
  if (!top) {
    os << "}\n";
    return os.str();
  }
  std::unordered_map<const Node*, int> ids;
  std::vector<const Node*> stack{top};
  ids[top] = 0;
  os << "  out [label=\"output " << root.sizes() << "\", shape=ellipse];\n  out -> n0;\n";
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    int id = ids[n];
    os << "  n" << id << " [label=\"" << n->name();
    if (auto* acc = dynamic_cast<const AccumulateGrad*>(n)) os << "\\n" << acc->variable().sizes();
    os << "\"];\n";
    for (const Edge& e : n->next_edges()) {
      if (!e.is_valid()) continue;
      auto [it, fresh] = ids.emplace(e.function.get(), static_cast<int>(ids.size()));
      if (fresh) stack.push_back(e.function.get());
      os << "  n" << id << " -> n" << it->second << ";\n";
    }
  }
  os << "}\n";
  return os.str();
}

}  // namespace ember::autograd
