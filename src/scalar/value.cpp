// The scalar engine: the node pool, each op's forward (in its operator) and backward (one switch
// in propagate()), the iterative topological sort, printing and DOT export.
#include <ember/scalar/value.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <memory>
#include <mutex>
#include <new>
#include <ostream>
#include <sstream>
#include <unordered_map>

namespace ember::scalar {

using detail::Node;
using detail::Op;

namespace {

// ---- node pool ---------------------------------------------------------------------------------
// A training step makes and drops ~10^5 nodes; malloc/free per node would cost more than all the
// arithmetic, and nodes scattered over the heap make backward() wait on cache misses. So each
// thread carves nodes in creation order out of its own 64 KiB chunk (a bump pointer): a graph lies
// in memory the way backward() walks it, children just below their parents. A chunk counts its
// nodes still alive (the slots not handed out yet count as alive) and is recycled when that count
// reaches zero. The count is atomic, so a graph may be dropped on any thread, but release()
// batches its decrements per chunk, so that costs about one atomic op per chunk, not per node.
// Chunks are never returned to the system: memory stays bounded by the peak number of chunks
// alive, and a long-lived node keeps its whole chunk alive.
constexpr std::size_t kChunkBytes = std::size_t{1} << 16;
constexpr std::size_t kChunksPerSlab = 32;  // chunks are allocated 2 MiB at a time

struct alignas(64) Chunk {
  std::atomic<std::uint32_t> live;
  Node* nodes() { return reinterpret_cast<Node*>(this + 1); }
};
constexpr std::uint32_t kChunkNodes = (kChunkBytes - sizeof(Chunk)) / sizeof(Node);
static_assert(sizeof(Node) == 40, "Node should stay small: backward() is bound by memory traffic");

Chunk* chunk_of(const Node* n) {
  return reinterpret_cast<Chunk*>(reinterpret_cast<std::uintptr_t>(n) & ~(kChunkBytes - 1));
}

struct SharedPool {
  std::mutex mu;
  std::vector<Chunk*> free;                    // chunks with no live node
  std::vector<std::unique_ptr<char[]>> slabs;  // owns every chunk (for leak checkers)
};

SharedPool& shared_pool() {
  static auto* pool = new SharedPool;  // never destroyed: Values may outlive static destruction
  return *pool;
}

void recycle(Chunk* chunk) {
  SharedPool& pool = shared_pool();
  std::lock_guard<std::mutex> lock(pool.mu);
  pool.free.push_back(chunk);
}

// Drops `count` nodes of `chunk`; the thread that drops the last one recycles the chunk.
void drop(Chunk* chunk, std::uint32_t count) {
  if (chunk->live.fetch_sub(count, std::memory_order_acq_rel) == count) recycle(chunk);
}

thread_local Node* tl_next = nullptr;  // the current chunk's next free slot
thread_local Node* tl_end = nullptr;   // one past its last slot
thread_local bool tl_exited = false;

struct ThreadExit {
  ~ThreadExit() {  // hand back the slots this thread will never use
    if (tl_next != tl_end) drop(chunk_of(tl_next), static_cast<std::uint32_t>(tl_end - tl_next));
    tl_next = tl_end = nullptr;
    tl_exited = true;
  }
};

Chunk* take_chunk() {
  SharedPool& pool = shared_pool();
  std::lock_guard<std::mutex> lock(pool.mu);
  if (pool.free.empty()) {
    // Over-allocate by one chunk to align: chunk_of() finds a node's chunk by masking its address.
    auto slab = std::make_unique_for_overwrite<char[]>((kChunksPerSlab + 1) * kChunkBytes);
    const auto base =
        (reinterpret_cast<std::uintptr_t>(slab.get()) + kChunkBytes - 1) & ~(kChunkBytes - 1);
    for (std::size_t i = kChunksPerSlab; i-- > 0;) {
      pool.free.push_back(new (reinterpret_cast<void*>(base + i * kChunkBytes)) Chunk);
    }
    pool.slabs.push_back(std::move(slab));
  }
  Chunk* chunk = pool.free.back();
  pool.free.pop_back();
  return chunk;
}

Node* open_chunk() {
  if (!tl_exited) {
    static thread_local ThreadExit on_exit;  // constructed on this thread's first chunk
    (void)on_exit;
  }
  Chunk* chunk = take_chunk();
  chunk->live.store(kChunkNodes, std::memory_order_relaxed);
  tl_end = chunk->nodes() + kChunkNodes;
  return chunk->nodes();
}

[[gnu::always_inline]] inline Node* new_node(Op op, double data, Node* a, Node* b) {
  Node* n = tl_next != tl_end ? tl_next : open_chunk();
  tl_next = n + 1;
  n->data = data;
  n->grad = 0.0;
  n->children[0] = a;
  n->children[1] = b;
  n->refs = 1;
  n->op = op;
  n->visited = false;
  if (a != nullptr) ++a->refs;
  if (b != nullptr) ++b->refs;
  return n;
}

// ---- backward ----------------------------------------------------------------------------------
// d(out)/d(child) times out's grad, added to each child's grad. `out` is the node itself, so ops
// whose derivative is simplest in terms of their output (exp, tanh, sigmoid) use n->data.
inline void propagate(const Node* n) {
  const double g = n->grad;
  Node* a = n->children[0];
  Node* b = n->children[1];
  switch (n->op) {
    case Op::kLeaf:
      break;
    case Op::kAdd:
      a->grad += g;
      b->grad += g;
      break;
    case Op::kSub:
      a->grad += g;
      b->grad -= g;
      break;
    case Op::kMul:
      a->grad += b->data * g;
      b->grad += a->data * g;
      break;
    case Op::kDiv:  // d(a/b) = da/b - a db/b²
      a->grad += g / b->data;
      b->grad -= g * a->data / (b->data * b->data);
      break;
    case Op::kNeg:
      a->grad -= g;
      break;
    case Op::kPow: {  // b is the exponent, a constant
      const double k = b->data;
      a->grad += k == 2.0 ? 2.0 * a->data * g : k * std::pow(a->data, k - 1.0) * g;
      break;
    }
    case Op::kExp:
      a->grad += n->data * g;
      break;
    case Op::kLog:
      a->grad += g / a->data;
      break;
    case Op::kTanh:
      a->grad += (1.0 - n->data * n->data) * g;
      break;
    case Op::kRelu:
      a->grad += n->data > 0.0 ? g : 0.0;
      break;
    case Op::kSigmoid:
      a->grad += n->data * (1.0 - n->data) * g;
      break;
  }
}

// Appends every non-leaf node reachable from `root` to `order`, children before parents: a
// post-order DFS on an explicit stack. An entry is a node to expand or, with its low bit set, a
// node whose children are all done. Leaves are skipped: they have nothing to propagate.
void topological_order(Node* root, std::vector<Node*>& order) {
  thread_local std::vector<std::uintptr_t> stack;
  stack.push_back(reinterpret_cast<std::uintptr_t>(root));
  while (!stack.empty()) {
    const std::uintptr_t top = stack.back();
    Node* n = reinterpret_cast<Node*>(top & ~std::uintptr_t{1});
    if ((top & 1) != 0) {
      order.push_back(n);
      stack.pop_back();
    } else if (n->visited) {
      stack.pop_back();  // already expanded through another parent
    } else {
      n->visited = true;
      stack.back() = top | 1;
      for (Node* child : n->children) {
        if (child != nullptr && child->op != Op::kLeaf && !child->visited) {
          stack.push_back(reinterpret_cast<std::uintptr_t>(child));
        }
      }
    }
  }
  if (stack.capacity() > (1u << 20)) stack = {};  // don't hold on to a huge graph's stack
}

constexpr const char* kOpSymbols[] = {"",   "+",   "-",   "*",    "/",    "neg",
                                      "**", "exp", "log", "tanh", "relu", "sigmoid"};
static_assert(std::size(kOpSymbols) == static_cast<std::size_t>(Op::kSigmoid) + 1,
              "one symbol per Op, in the enum's order");

// The operands shown to users: a kPow node's second child is its exponent, a constant.
int arity(const Node* n) {
  if (n->op == Op::kPow) return 1;
  return (n->children[0] != nullptr) + (n->children[1] != nullptr);
}

std::string op_name(const Node* n) {
  std::string name = kOpSymbols[static_cast<int>(n->op)];
  if (n->op == Op::kPow) {
    std::ostringstream os;
    os << n->children[1]->data;
    name += os.str();
  }
  return name;
}

}  // namespace

namespace detail {

void release(Node* node) noexcept {
  node->next = nullptr;
  Node* work = node;       // dead nodes whose children still need a decrement
  Chunk* chunk = nullptr;  // dead nodes are counted per run of one chunk
  std::uint32_t dead_in_chunk = 0;
  while (work != nullptr) {
    Node* dead = work;
    work = dead->next;
    for (Node* child : dead->children) {
      if (child != nullptr && --child->refs == 0) {
        child->next = work;
        work = child;
      }
    }
    // `dead` is not touched again, so its chunk may be recycled once it is counted.
    if (chunk_of(dead) != chunk) {
      if (chunk != nullptr) drop(chunk, dead_in_chunk);
      chunk = chunk_of(dead);
      dead_in_chunk = 0;
    }
    ++dead_in_chunk;
  }
  drop(chunk, dead_in_chunk);
}

}  // namespace detail

// ---- Value -------------------------------------------------------------------------------------

Value::Value(double data) : node_(new_node(Op::kLeaf, data, nullptr, nullptr)) {}

inline Value Value::make(Op op, double data, Node* a, Node* b) {
  return Value(new_node(op, data, a, b), Adopt{});
}

std::string Value::op() const { return op_name(node_); }

std::vector<Value> Value::children() const {
  std::vector<Value> out;
  for (int i = 0; i < arity(node_); ++i) {
    ++node_->children[i]->refs;
    out.push_back(Value(node_->children[i], Adopt{}));
  }
  return out;
}

Value operator+(const Value& a, const Value& b) {
  return Value::make(Op::kAdd, a.data() + b.data(), a.node_, b.node_);
}
Value operator-(const Value& a, const Value& b) {
  return Value::make(Op::kSub, a.data() - b.data(), a.node_, b.node_);
}
Value operator*(const Value& a, const Value& b) {
  return Value::make(Op::kMul, a.data() * b.data(), a.node_, b.node_);
}
Value operator/(const Value& a, const Value& b) {
  return Value::make(Op::kDiv, a.data() / b.data(), a.node_, b.node_);
}
Value operator-(const Value& a) { return Value::make(Op::kNeg, -a.data(), a.node_); }

Value& Value::operator+=(const Value& other) { return *this = *this + other; }
Value& Value::operator-=(const Value& other) { return *this = *this - other; }
Value& Value::operator*=(const Value& other) { return *this = *this * other; }
Value& Value::operator/=(const Value& other) { return *this = *this / other; }

Value Value::pow(double exponent) const {
  const double x = data();
  const Value k = exponent;  // a hidden leaf: kept by the node, not listed in children()
  return make(Op::kPow, exponent == 2.0 ? x * x : std::pow(x, exponent), node_, k.node_);
}
Value Value::exp() const { return make(Op::kExp, std::exp(data()), node_); }
Value Value::log() const { return make(Op::kLog, std::log(data()), node_); }
Value Value::tanh() const { return make(Op::kTanh, std::tanh(data()), node_); }
Value Value::relu() const { return make(Op::kRelu, data() > 0.0 ? data() : 0.0, node_); }
Value Value::sigmoid() const { return make(Op::kSigmoid, 1.0 / (1.0 + std::exp(-data())), node_); }

void Value::backward() {
  thread_local std::vector<Node*> order;
  order.clear();
  node_->grad = 1.0;
  if (node_->op == Op::kLeaf) return;
  topological_order(node_, order);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    propagate(*it);
    (*it)->visited = false;  // ready for the next walk
  }
  if (order.capacity() > (1u << 20)) order = {};
}

std::ostream& operator<<(std::ostream& os, const Value& v) {
  return os << "Value(data=" << v.data() << ", grad=" << v.grad() << ")";
}

std::string to_dot(const Value& root) {
  std::unordered_map<const Node*, int> id;  // in order of discovery, so the output is stable
  std::vector<Node*> todo = {root.node_};
  id[root.node_] = 0;
  std::ostringstream os;
  os << "digraph {\n  rankdir=LR;\n  node [shape=record];\n";
  char label[96];
  while (!todo.empty()) {
    Node* n = todo.back();
    todo.pop_back();
    const int i = id[n];
    std::snprintf(label, sizeof(label), "{ data %.4f | grad %.4f }", n->data, n->grad);
    os << "  v" << i << " [label=\"" << label << "\"];\n";
    if (n->op == Op::kLeaf) continue;
    os << "  v" << i << "_op [label=\"" << op_name(n) << "\", shape=ellipse];\n";
    os << "  v" << i << "_op -> v" << i << ";\n";
    for (int c = 0; c < arity(n); ++c) {
      Node* child = n->children[c];
      auto [it, inserted] = id.emplace(child, static_cast<int>(id.size()));
      if (inserted) todo.push_back(child);
      os << "  v" << it->second << " -> v" << i << "_op;\n";
    }
  }
  os << "}\n";
  return os.str();
}

}  // namespace ember::scalar
