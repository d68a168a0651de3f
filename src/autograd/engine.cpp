// The backward engine: dependency-counted topological execution of the graph, single-threaded.
// Nodes run in order of decreasing sequence number among the ready ones (as PyTorch), gradients
// for a node's inputs are summed in its input buffer, and saved tensors are released after a
// node runs unless the graph is retained.
#include "ember/autograd/engine.h"

#include <algorithm>
#include <atomic>
#include <queue>

#include "ember/autograd/grad_mode.h"
#include "ember/ops.h"

namespace ember::autograd {

namespace {
thread_local bool t_anomaly = false;
std::atomic<uint64_t> g_epoch{0};

struct Capture {
  Node* node;
  uint32_t input_nr;
  size_t index;
};

struct BySequence {
  bool operator()(const Node* a, const Node* b) const {
    return a->sequence_nr() < b->sequence_nr();
  }
};

void check_anomaly(const Node& n, const variable_list& grads) {
  for (size_t i = 0; i < grads.size(); ++i) {
    const Tensor& g = grads[i];
    if (!g.defined() || !g.is_floating_point()) continue;
    NoGradGuard no_grad;
    if (!isfinite(g).all().item<bool>())
      EMBER_ERROR("Function '", n.name(), "' returned nan values in its ", i,
                  "th output (detected by DetectAnomalyGuard).");
  }
}

// Runs the graph below `roots`. With `captures`, gradients arriving at those (node, input_nr)
// pairs are returned instead of being accumulated, and AccumulateGrad nodes are not run.
variable_list execute(const edge_list& roots, variable_list root_grads, bool keep_graph,
                      bool create_graph, const std::vector<Capture>& captures, size_t n_captures,
                      bool accumulate) {
  const uint64_t epoch = g_epoch.fetch_add(1) + 1;
  // Discover the graph and count how many edges point at each node.
  std::vector<Node*> stack;
  std::vector<Node*> seen;
  for (const Edge& e : roots) {
    Node* n = e.function.get();
    if (n->visit_epoch_ != epoch) {
      n->visit_epoch_ = epoch;
      n->dependencies_ = 0;
      n->input_buffer_.clear();
      stack.push_back(n);
      seen.push_back(n);
    }
  }
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const Edge& e : n->next_edges()) {
      Node* m = e.function.get();
      if (!m) continue;
      if (m->visit_epoch_ != epoch) {
        m->visit_epoch_ = epoch;
        m->dependencies_ = 0;
        m->input_buffer_.clear();
        stack.push_back(m);
        seen.push_back(m);
      }
      ++m->dependencies_;
    }
  }
  auto add_to_buffer = [](Node* n, uint32_t nr, Tensor&& g) {
    if (n->input_buffer_.size() < n->num_inputs()) n->input_buffer_.resize(n->num_inputs());
    if (!g.defined()) return;
    Tensor& slot = n->input_buffer_[nr];
    slot = slot.defined() ? slot + g : std::move(g);
  };
  for (size_t i = 0; i < roots.size(); ++i)
    add_to_buffer(roots[i].function.get(), roots[i].input_nr, std::move(root_grads[i]));

  std::priority_queue<Node*, std::vector<Node*>, BySequence> ready;
  for (const Edge& e : roots) {
    Node* n = e.function.get();
    if (n->dependencies_ == 0 && n->visit_epoch_ == epoch) {
      n->dependencies_ = -1;  // queued
      ready.push(n);
    }
  }
  variable_list captured(n_captures);
  AutoGradMode mode(create_graph);
  try {
    while (!ready.empty()) {
      Node* n = ready.top();
      ready.pop();
      variable_list inputs = std::move(n->input_buffer_);
      n->input_buffer_.clear();
      if (inputs.size() < n->num_inputs()) inputs.resize(n->num_inputs());
      for (auto& h : n->pre_hooks()) inputs = h(inputs);
      for (const Capture& c : captures)
        if (c.node == n && inputs[c.input_nr].defined()) captured[c.index] = inputs[c.input_nr];
      if (!accumulate && dynamic_cast<AccumulateGrad*>(n)) continue;
      variable_list outputs = n->apply(std::move(inputs));
      if (t_anomaly) check_anomaly(*n, outputs);
      if (!keep_graph) n->release_variables();
      const edge_list& edges = n->next_edges();
      for (size_t i = 0; i < edges.size(); ++i) {
        Node* m = edges[i].function.get();
        if (!m) continue;
        if (i < outputs.size()) add_to_buffer(m, edges[i].input_nr, std::move(outputs[i]));
        if (--m->dependencies_ == 0) {
          m->dependencies_ = -1;
          ready.push(m);
        }
      }
    }
  } catch (...) {
    for (Node* n : seen) n->input_buffer_.clear();
    throw;
  }
  for (Node* n : seen) n->input_buffer_.clear();
  return captured;
}

void make_roots(const variable_list& outputs, const variable_list& grad_outputs, const char* op,
                edge_list& roots, variable_list& grads) {
  EMBER_CHECK(grad_outputs.empty() || grad_outputs.size() == outputs.size(), op, ": got ",
              grad_outputs.size(), " gradients for ", outputs.size(), " outputs");
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& out = outputs[i];
    EMBER_CHECK(out.defined(), op, ": output ", i, " is an undefined tensor");
    Edge e = gradient_edge(out);
    EMBER_CHECK(e.is_valid(), op, ": element ", i,
                " of tensors does not require grad and does not have a grad_fn");
    Tensor g = grad_outputs.empty() ? Tensor() : grad_outputs[i];
    if (!g.defined()) {
      EMBER_CHECK(out.numel() == 1, op,
                  ": grad can be implicitly created only for scalar outputs (output has shape ",
                  out.sizes(), ")");
      g = ones_like(out);
    } else {
      EMBER_CHECK(g.sizes() == out.sizes(), op, ": gradient of shape ", g.sizes(),
                  " does not match output shape ", out.sizes());
    }
    roots.push_back(std::move(e));
    grads.push_back(std::move(g));
  }
}
}  // namespace

void backward(const variable_list& tensors, const variable_list& grad_tensors,
              std::optional<bool> retain_graph, bool create_graph, const variable_list& inputs) {
  edge_list roots;
  variable_list grads;
  make_roots(tensors, grad_tensors, "backward", roots, grads);
  bool keep = retain_graph.value_or(create_graph);
  if (inputs.empty()) {
    execute(roots, std::move(grads), keep, create_graph, {}, 0, true);
    return;
  }
  // Accumulate only into the given inputs: capture their gradients, then accumulate.
  std::vector<Capture> caps;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Edge e = gradient_edge(inputs[i]);
    EMBER_CHECK(e.is_valid(), "backward: input ", i, " does not require grad");
    caps.push_back({e.function.get(), e.input_nr, i});
  }
  variable_list got =
      execute(roots, std::move(grads), keep, create_graph, caps, caps.size(), false);
  AutoGradMode mode(create_graph);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!got[i].defined()) continue;
    if (inputs[i].is_leaf()) {
      grad_accumulator(inputs[i])->apply({got[i]});
    } else {
      Tensor input = inputs[i];
      Tensor& g = input.mutable_grad();
      g = g.defined() ? g + got[i] : got[i].detach().clone();
    }
  }
}

variable_list grad(const variable_list& outputs, const variable_list& inputs,
                   const variable_list& grad_outputs, std::optional<bool> retain_graph,
                   bool create_graph, bool allow_unused) {
  edge_list roots;
  variable_list grads;
  make_roots(outputs, grad_outputs, "autograd::grad", roots, grads);
  std::vector<Capture> caps;
  std::vector<std::shared_ptr<Node>> keep_alive;
  for (size_t i = 0; i < inputs.size(); ++i) {
    EMBER_CHECK(inputs[i].defined() && inputs[i].requires_grad(), "autograd::grad: input ", i,
                " does not require grad");
    Edge e = gradient_edge(inputs[i]);
    keep_alive.push_back(e.function);
    caps.push_back({e.function.get(), e.input_nr, i});
  }
  variable_list result = execute(roots, std::move(grads), retain_graph.value_or(create_graph),
                                 create_graph, caps, caps.size(), false);
  for (size_t i = 0; i < result.size(); ++i)
    EMBER_CHECK(result[i].defined() || allow_unused, "autograd::grad: input ", i, " (shape ",
                inputs[i].sizes(),
                ") appears to not have been used in the graph. Set allow_unused=true if this is "
                "the desired behavior.");
  return result;
}

bool AnomalyMode::is_enabled() { return t_anomaly; }
void AnomalyMode::set_enabled(bool enabled) { t_anomaly = enabled; }
DetectAnomalyGuard::DetectAnomalyGuard(bool check_nan) : prev_(t_anomaly) { t_anomaly = check_nan; }
DetectAnomalyGuard::~DetectAnomalyGuard() { t_anomaly = prev_; }

}  // namespace ember::autograd
