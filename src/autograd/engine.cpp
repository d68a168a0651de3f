// The backward engine: dependency-counted topological execution of the graph, single-threaded.
// Nodes run in order of decreasing sequence number among the ready ones (as PyTorch), gradients
// for a node's inputs are summed in its input buffer, and saved tensors are released after a
// node runs unless the graph is retained. With captures (autograd::grad, backward(inputs=)),
// only nodes that lead to a captured input run. The per-call bookkeeping lives in thread-local
// scratch that keeps its capacity, so a backward pass allocates nothing of its own.
#include "ember/autograd/engine.h"

#include <algorithm>
#include <atomic>

#include "autograd/internal.h"
#include "ember/autograd/grad_mode.h"
#include "ember/autograd/saved_tensor.h"
#include "ember/ops.h"

namespace ember::autograd {

namespace {
thread_local bool t_anomaly = false;
std::atomic<uint64_t> g_task_id{0};

struct Capture {
  Node* node;
  uint32_t input_nr;
  size_t index;
};

// Scratch of one (possibly nested) backward call.
struct Task {
  std::vector<Node*> nodes;
  std::vector<std::pair<Node*, uint32_t>> dfs;  // (node, next edge to visit)
  std::vector<Node*> ready;                     // heap on sequence_nr
  std::vector<Tensor> buffers;                  // input buffers, node->buffer_ indexes them
};

struct TaskStack {
  std::vector<std::unique_ptr<Task>> tasks;
  size_t depth = 0;
};
thread_local TaskStack t_tasks;

// Borrows the scratch for one call; nested backward calls (from hooks or custom backward
// functions) get their own.
class TaskLease {
 public:
  TaskLease() {
    TaskStack& s = t_tasks;
    if (s.depth == s.tasks.size()) s.tasks.push_back(std::make_unique<Task>());
    task_ = s.tasks[s.depth++].get();
  }
  ~TaskLease() {
    task_->buffers.clear();
    task_->nodes.clear();
    task_->dfs.clear();
    task_->ready.clear();
    --t_tasks.depth;
  }
  Task& operator*() { return *task_; }
  Task* operator->() { return task_; }

 private:
  Task* task_;
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
    if (isnan(g).any().item<bool>())
      EMBER_ERROR("Function '", n.name(), "' returned nan values in its ", i,
                  "th output (detected by DetectAnomalyGuard).");
  }
}

bool is_capture(const Node* n, const Capture* caps, size_t n_caps) {
  for (size_t i = 0; i < n_caps; ++i)
    if (caps[i].node == n) return true;
  return false;
}

// Finds every node below the roots, counts the edges into each, gives each its input-buffer
// slots and, when pruning for captures, marks the nodes that must run: those with a child that
// is captured or must run (a post-order walk, so children are settled before their parents).
void discover(Task& t, uint64_t id, const Edge* roots, size_t n_roots, const Capture* caps,
              size_t n_caps) {
  const bool prune = n_caps > 0;
  size_t slots = 0;
  auto visit = [&](Node* n) {
    n->task_id_ = id;
    n->dependencies_ = 0;
    n->needed_ = !prune;
    n->buffer_ = static_cast<uint32_t>(slots);
    slots += n->num_inputs();
    t.nodes.push_back(n);
    t.dfs.emplace_back(n, 0);
  };
  for (size_t r = 0; r < n_roots; ++r) {
    Node* root = roots[r].function.get();
    if (root->task_id_ != id) visit(root);
    while (!t.dfs.empty()) {
      auto& [n, next] = t.dfs.back();
      const edge_list& edges = n->next_edges();
      if (next < edges.size()) {
        Node* m = edges[next++].function.get();
        if (!m) continue;
        if (m->task_id_ != id) {
          visit(m);  // invalidates n and next
          ++m->dependencies_;
          continue;
        }
        ++m->dependencies_;
        // m was settled earlier (the graph has no cycles, so m is not on the stack).
        if (prune && (m->needed_ || is_capture(m, caps, n_caps))) n->needed_ = true;
        continue;
      }
      Node* done = n;
      t.dfs.pop_back();
      if (prune && !t.dfs.empty()) {
        Node* parent = t.dfs.back().first;
        if (done->needed_ || is_capture(done, caps, n_caps)) parent->needed_ = true;
      }
    }
  }
  t.buffers.resize(slots);
}

void add_to_buffer(Tensor& slot, Tensor&& g) {
  if (!g.defined()) return;
  if (!slot.defined())
    slot = std::move(g);
  else
    slot = slot + g;
}

struct CurrentNodeScope {
  explicit CurrentNodeScope(const Node* n) : prev(detail::current_node()) {
    detail::current_node() = n;
  }
  ~CurrentNodeScope() { detail::current_node() = prev; }
  const Node* prev;
};

// Runs the graph below `roots`. With captures, gradients arriving at those (node, input_nr)
// pairs are written to `captured` and only nodes leading to them run; `accumulate` false skips
// AccumulateGrad nodes.
void execute(const Edge* roots, Tensor* root_grads, size_t n_roots, bool keep_graph,
             bool create_graph, const Capture* caps, size_t n_caps, bool accumulate,
             Tensor* captured) {
  TaskLease task;
  Task& t = *task;
  const uint64_t id = g_task_id.fetch_add(1, std::memory_order_relaxed) + 1;
  discover(t, id, roots, n_roots, caps, n_caps);
  for (size_t i = 0; i < n_roots; ++i) {
    Node* n = roots[i].function.get();
    add_to_buffer(t.buffers[n->buffer_ + roots[i].input_nr], std::move(root_grads[i]));
  }
  for (size_t i = 0; i < n_roots; ++i) {
    Node* n = roots[i].function.get();
    if (n->dependencies_ == 0) {
      n->dependencies_ = -1;  // queued
      t.ready.push_back(n);
      std::push_heap(t.ready.begin(), t.ready.end(), BySequence());
    }
  }
  AutoGradMode mode(create_graph);
  while (!t.ready.empty()) {
    std::pop_heap(t.ready.begin(), t.ready.end(), BySequence());
    Node* n = t.ready.back();
    t.ready.pop_back();
    Tensor* in = t.buffers.data() + n->buffer_;
    const uint32_t n_in = n->num_inputs();
    // Captured before the node's hooks run, as PyTorch 1.13.
    for (size_t c = 0; c < n_caps; ++c)
      if (caps[c].node == n && in[caps[c].input_nr].defined())
        captured[caps[c].index] = in[caps[c].input_nr];
    if (!n->needed_) continue;
    if (!n->pre_hooks().empty()) {
      variable_list v(std::make_move_iterator(in), std::make_move_iterator(in + n_in));
      for (auto& h : n->pre_hooks()) v = h(v);
      for (uint32_t i = 0; i < n_in && i < v.size(); ++i) in[i] = std::move(v[i]);
    }
    if (!accumulate && dynamic_cast<AccumulateGrad*>(n)) continue;
    variable_list outputs;
    {
      CurrentNodeScope scope(n);
      outputs = n->call(in);
    }
    for (uint32_t i = 0; i < n_in; ++i) in[i].reset();  // free gradients as soon as used
    if (t_anomaly) check_anomaly(*n, outputs);
    if (!keep_graph) n->release_variables();
    const edge_list& edges = n->next_edges();
    for (size_t i = 0; i < edges.size(); ++i) {
      Node* m = edges[i].function.get();
      if (!m) continue;
      if (i < outputs.size())
        add_to_buffer(t.buffers[m->buffer_ + edges[i].input_nr], std::move(outputs[i]));
      if (--m->dependencies_ == 0) {
        m->dependencies_ = -1;
        t.ready.push_back(m);
        std::push_heap(t.ready.begin(), t.ready.end(), BySequence());
      }
    }
  }
}

// Root edges and their initial gradients (ones for scalar outputs).
void make_root(const Tensor& out, const Tensor* grad, size_t i, const char* op, Edge& root,
               Tensor& g) {
  EMBER_CHECK(out.defined(), op, ": output ", i, " is an undefined tensor");
  root = gradient_edge(out);
  EMBER_CHECK(root.is_valid(), op, ": element ", i,
              " of tensors does not require grad and does not have a grad_fn");
  if (grad && grad->defined()) {
    EMBER_CHECK(grad->sizes() == out.sizes(), op, ": gradient of shape ", grad->sizes(),
                " does not match output shape ", out.sizes());
    g = *grad;
  } else {
    EMBER_CHECK(out.numel() == 1, op,
                ": grad can be implicitly created only for scalar outputs (output has shape ",
                out.sizes(), ")");
    NoGradGuard no_grad;
    g = ones_like(out);
  }
}

void accumulate_into(const Tensor& input, const Tensor& g, bool create_graph) {
  AutoGradMode mode(create_graph);
  if (input.is_leaf()) {
    Tensor copy = g;
    grad_accumulator(input)->call(&copy);
  } else {
    Tensor non_leaf = input;
    Tensor& slot = non_leaf.mutable_grad();
    slot = slot.defined() ? slot + g : (create_graph ? g : g.detach().clone());
  }
}

}  // namespace

void detail::run_backward(const Tensor* outputs, const Tensor* grads, size_t n,
                          std::optional<bool> retain_graph, bool create_graph,
                          const variable_list& inputs) {
  InlineVector<Edge, 2> roots;
  InlineVector<Tensor, 2> root_grads;
  roots.resize(n);
  root_grads.resize(n);
  for (size_t i = 0; i < n; ++i)
    make_root(outputs[i], grads ? grads + i : nullptr, i, "backward", roots[i], root_grads[i]);
  const bool keep = retain_graph.value_or(create_graph);
  if (inputs.empty()) {
    execute(roots.data(), root_grads.data(), n, keep, create_graph, nullptr, 0, true, nullptr);
    return;
  }
  // Accumulate only into the given inputs: capture their gradients, then accumulate.
  std::vector<Capture> caps;
  std::vector<std::shared_ptr<Node>> keep_alive;
  for (size_t i = 0; i < inputs.size(); ++i) {
    EMBER_CHECK(inputs[i].defined() && inputs[i].requires_grad(), "backward: input ", i,
                " does not require grad");
    Edge e = gradient_edge(inputs[i]);
    caps.push_back({e.function.get(), e.input_nr, i});
    keep_alive.push_back(std::move(e.function));
  }
  variable_list got(inputs.size());
  execute(roots.data(), root_grads.data(), n, keep, create_graph, caps.data(), caps.size(), false,
          got.data());
  for (size_t i = 0; i < inputs.size(); ++i)
    if (got[i].defined()) accumulate_into(inputs[i], got[i], create_graph);
}

void backward(const variable_list& tensors, const variable_list& grad_tensors,
              std::optional<bool> retain_graph, bool create_graph, const variable_list& inputs) {
  EMBER_CHECK(grad_tensors.empty() || grad_tensors.size() == tensors.size(), "backward: got ",
              grad_tensors.size(), " gradients for ", tensors.size(), " tensors");
  detail::run_backward(tensors.data(), grad_tensors.empty() ? nullptr : grad_tensors.data(),
                       tensors.size(), retain_graph, create_graph, inputs);
}

variable_list grad(const variable_list& outputs, const variable_list& inputs,
                   const variable_list& grad_outputs, std::optional<bool> retain_graph,
                   bool create_graph, bool allow_unused) {
  EMBER_CHECK(grad_outputs.empty() || grad_outputs.size() == outputs.size(), "autograd::grad: got ",
              grad_outputs.size(), " gradients for ", outputs.size(), " outputs");
  const size_t n = outputs.size();
  InlineVector<Edge, 2> roots;
  InlineVector<Tensor, 2> root_grads;
  roots.resize(n);
  root_grads.resize(n);
  for (size_t i = 0; i < n; ++i)
    make_root(outputs[i], grad_outputs.empty() ? nullptr : &grad_outputs[i], i, "autograd::grad",
              roots[i], root_grads[i]);
  std::vector<Capture> caps;
  std::vector<std::shared_ptr<Node>> keep_alive;
  for (size_t i = 0; i < inputs.size(); ++i) {
    EMBER_CHECK(inputs[i].defined() && inputs[i].requires_grad(), "autograd::grad: input ", i,
                " does not require grad");
    Edge e = gradient_edge(inputs[i]);
    caps.push_back({e.function.get(), e.input_nr, i});
    keep_alive.push_back(std::move(e.function));
  }
  variable_list result(inputs.size());
  execute(roots.data(), root_grads.data(), n, retain_graph.value_or(create_graph), create_graph,
          caps.data(), caps.size(), false, result.data());
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
