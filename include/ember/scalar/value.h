// ember::scalar::Value: micrograd's scalar autograd engine in C++, for teaching. Each Value is
// one number in a computation graph; backward() fills in d(root)/d(node) for every node.
//
//   Value x = -4.0;
//   Value z = 2 * x + 2 + x;
//   Value y = (z * z).relu() + z * x;
//   y.backward();  // x.grad() == dy/dx
//
// A Value is a cheap handle (one pointer) to a reference-counted node; copies share the node.
// Nodes are carved in creation order from 64 KiB chunks (see value.cpp), and backward() and
// destruction are iterative, so a chain of millions of nodes neither overflows the stack nor calls
// malloc per node. Reference counts are not atomic: a graph must be used by one thread at a time
// (graphs that share no node may be used on different threads at once, and a graph may be handed
// from one thread to another).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace ember::scalar {

namespace detail {

/// How a node was made; backward() switches on it to apply the local derivative.
enum class Op : std::uint8_t {
  kLeaf,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kNeg,
  kPow,
  kExp,
  kLog,
  kTanh,
  kRelu,
  kSigmoid,
};

// One graph node: 40 bytes of plain data, as backward() is bound by memory traffic. Value counts
// the references to it. Children are created before their parents, so the graph is a DAG. kPow
// keeps its exponent in a leaf child.
struct Node {
  double data;
  union {
    double grad;  // live nodes
    Node* next;   // dead nodes: the destruction worklist
  };
  Node* children[2];  // null when absent
  std::uint32_t refs;
  Op op;
  bool visited;  // set by backward()'s graph walk, cleared again before it returns
};

// Returns `node` (whose count just reached zero) to the pool, and with it every child that only it
// kept alive. Iterative: dropping the last handle of a 10^6-node chain is a loop, not a recursion.
void release(Node* node) noexcept;

}  // namespace detail

/// A scalar in a computation graph: its value `data()`, the gradient `grad()` that backward()
/// accumulates into it, the operation `op()` that produced it and its operands `children()`.
/// A moved-from Value is empty: it may only be assigned to or destroyed.
class Value {
 public:
  /// A leaf (an input or a parameter). Implicit, as in micrograd: `2 * x` and
  /// `std::vector<Value> xs = {2.0, 3.0}` wrap the numbers in leaves.
  Value(double data = 0.0);  // NOLINT(google-explicit-constructor)

  Value(const Value& other) noexcept : node_(other.node_) {
    if (node_ != nullptr) ++node_->refs;
  }
  Value(Value&& other) noexcept : node_(std::exchange(other.node_, nullptr)) {}
  Value& operator=(const Value& other) noexcept {
    Value(other).swap(*this);
    return *this;
  }
  Value& operator=(Value&& other) noexcept {
    Value(std::move(other)).swap(*this);
    return *this;
  }
  ~Value() {
    if (node_ != nullptr && --node_->refs == 0) detail::release(node_);
  }
  void swap(Value& other) noexcept { std::swap(node_, other.node_); }

  double data() const { return node_->data; }
  double grad() const { return node_->grad; }
  void set_data(double data) { node_->data = data; }
  void set_grad(double grad) { node_->grad = grad; }
  /// Sets this node's gradient to 0 (backward() accumulates, as micrograd's does).
  void zero_grad() { node_->grad = 0.0; }

  /// The operation that made this value: "" for a leaf, else "+", "-", "*", "/", "neg", "**2"
  /// (with the exponent), "exp", "log", "tanh", "relu" or "sigmoid".
  std::string op() const;
  /// The operands of op(), in order (empty for a leaf).
  std::vector<Value> children() const;

  Value pow(double exponent) const;  // micrograd's `x**k`, for a constant k
  Value exp() const;
  Value log() const;
  Value tanh() const;
  Value relu() const;
  Value sigmoid() const;

  /// Sets this value's grad to 1 and adds d(this)/d(node) to the grad of every node it depends
  /// on, visiting them in reverse topological order (an explicit stack, no recursion).
  void backward();

  Value& operator+=(const Value& other);
  Value& operator-=(const Value& other);
  Value& operator*=(const Value& other);
  Value& operator/=(const Value& other);

  /// True when both handles refer to the same node.
  bool same_node(const Value& other) const { return node_ == other.node_; }

 private:
  struct Adopt {};
  Value(detail::Node* node, Adopt) noexcept : node_(node) {}  // takes over one reference
  static Value make(detail::Op op, double data, detail::Node* a, detail::Node* b = nullptr);
  friend Value operator+(const Value& a, const Value& b);
  friend Value operator-(const Value& a, const Value& b);
  friend Value operator*(const Value& a, const Value& b);
  friend Value operator/(const Value& a, const Value& b);
  friend Value operator-(const Value& a);
  friend std::string to_dot(const Value& root);

  detail::Node* node_;
};

// Non-member, so a double on either side converts to a leaf: `x + 1`, `2.0 * x`, `1 / x`.
Value operator+(const Value& a, const Value& b);
Value operator-(const Value& a, const Value& b);
Value operator*(const Value& a, const Value& b);
Value operator/(const Value& a, const Value& b);
Value operator-(const Value& a);

/// Prints `Value(data=-20, grad=1)`.
std::ostream& operator<<(std::ostream& os, const Value& v);

/// The graph under `root` in Graphviz DOT (as micrograd's draw_dot): one record per value
/// with its data and grad, one ellipse per operation. Render with `dot -Tsvg`.
std::string to_dot(const Value& root);

}  // namespace ember::scalar
