// Node and Edge: the backward graph. Each op that needs a gradient records one Node whose
// next_edges point at the nodes of its inputs (AccumulateGrad for leaves).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
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

/// A vector with room for N elements inline (no heap allocation for nodes with few inputs).
template <class T, size_t N>
class InlineVector {
 public:
  InlineVector() = default;
  InlineVector(std::initializer_list<T> l) {
    reserve(l.size());
    for (const T& v : l) push_back(v);
  }
  InlineVector(const InlineVector& o) {
    reserve(o.size_);
    for (const T& v : o) push_back(v);
  }
  InlineVector(InlineVector&& o) noexcept { take(o); }
  InlineVector& operator=(const InlineVector& o) {
    if (this != &o) {
      clear();
      reserve(o.size_);
      for (const T& v : o) push_back(v);
    }
    return *this;
  }
  InlineVector& operator=(InlineVector&& o) noexcept {
    if (this != &o) {
      destroy();
      take(o);
    }
    return *this;
  }
  InlineVector& operator=(std::initializer_list<T> l) { return *this = InlineVector(l); }
  ~InlineVector() { destroy(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T& back() { return data_[size_ - 1]; }
  const T& back() const { return data_[size_ - 1]; }

  void reserve(size_t n) {
    if (n <= cap_) return;
    T* p = static_cast<T*>(::operator new(n * sizeof(T)));
    for (size_t i = 0; i < size_; ++i) {
      new (p + i) T(std::move(data_[i]));
      data_[i].~T();
    }
    if (data_ != inline_data()) ::operator delete(data_);
    data_ = p;
    cap_ = n;
  }
  void push_back(T v) { emplace_back(std::move(v)); }
  template <class... A>
  T& emplace_back(A&&... a) {
    if (size_ == cap_) reserve(cap_ * 2);
    return *new (data_ + size_++) T(std::forward<A>(a)...);
  }
  void resize(size_t n) {
    reserve(n);
    while (size_ > n) data_[--size_].~T();
    while (size_ < n) new (data_ + size_++) T();
  }
  void clear() {
    while (size_ > 0) data_[--size_].~T();
  }

 private:
  T* inline_data() { return reinterpret_cast<T*>(inline_); }
  void destroy() {
    clear();
    if (data_ != inline_data()) ::operator delete(data_);
    data_ = inline_data();
    cap_ = N;
  }
  void take(InlineVector& o) {
    if (o.data_ == o.inline_data()) {
      data_ = inline_data();
      cap_ = N;
      for (size_t i = 0; i < o.size_; ++i) {
        new (data_ + i) T(std::move(o.data_[i]));
        o.data_[i].~T();
      }
    } else {
      data_ = o.data_;
      cap_ = o.cap_;
      o.data_ = o.inline_data();
      o.cap_ = N;
    }
    size_ = o.size_;
    o.size_ = 0;
  }
  alignas(T) unsigned char inline_[N * sizeof(T)];
  T* data_ = inline_data();
  size_t size_ = 0;
  size_t cap_ = N;
};

using edge_list = InlineVector<Edge, 2>;

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
  void add_next_edge(Edge e) { next_edges_.push_back(std::move(e)); }
  uint32_t num_outputs() const { return static_cast<uint32_t>(next_edges_.size()); }
  /// How many gradients this node receives (its forward's output count).
  uint32_t num_inputs() const { return num_inputs_; }
  void set_num_inputs(uint32_t n) { num_inputs_ = n; }
  uint64_t sequence_nr() const { return sequence_nr_; }
  /// Whether input `i` of the forward needs a gradient (its edge is valid).
  bool should_compute_output(size_t i) const {
    return i < next_edges_.size() && next_edges_[i].is_valid();
  }
  /// Hooks run on the gradients this node receives, before apply (e.g. retain_grad).
  using PreHook = std::function<variable_list(const variable_list&)>;
  void add_pre_hook(PreHook h) { pre_hooks_.push_back(std::move(h)); }
  std::vector<PreHook>& pre_hooks() { return pre_hooks_; }

  /// The engine's entry point: `grads` points at num_inputs() gradients, which may be moved
  /// from. The default packs them into a variable_list and calls apply; nodes override it to
  /// skip that allocation.
  virtual variable_list call(Tensor* grads);

  // Engine bookkeeping, valid only while one backward pass runs.
  uint64_t task_id_ = 0;
  uint32_t buffer_ = 0;
  int32_t dependencies_ = 0;
  bool needed_ = false;

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
  variable_list call(Tensor* grads) override;
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
  /// For a view (TensorImpl::view_base() set): an in-place op on the view gives the base a
  /// CopySlices node, and the view's grad_fn is rebuilt from the base's whenever the shared
  /// version counter moved past `attr_version` (see views.cpp).
  uint32_t attr_version = 0;
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
/// Like set_history, for an in-place op that produced `t`'s new value with `fn` (input 0 of `fn`
/// is t's old value). When `t` is a view, its base gets a CopySlices node wrapping `fn` and the
/// view's own grad_fn is rebuilt from the base's (PyTorch's rebase_history).
void rebase_history(const Tensor& t, std::shared_ptr<Node> fn, uint32_t output_nr = 0);
/// The base a view was made from, or an undefined tensor when `t` is not a tracked view.
Tensor view_base(const Tensor& t);
/// A Graphviz DOT rendering of the graph that produced `t`.
std::string to_dot(const Tensor& t);

}  // namespace ember::autograd
