// The restricted unpickler's machinery, shared by its two source files: the arena of objects it
// builds (Obj, in side tables by kind), the globals it implements (G) and the Unpickler class.
// unpickle.cpp holds the opcode loop and the containers; rebuild.cpp the globals, the calls they
// allow (tensors, parameters, OrderedDict, TorchScript objects), storages and the final Value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ember/core/error.h"
#include "io/json_text.h"
#include "io/pt/pickle.h"

namespace ember::pt::pickle::detail {

enum class K : uint8_t { None, Bool, Int, Float, Str, Tensor, List, Tuple, Dict, Global, Storage };
// The callables and classes ember implements.
enum class G : uint8_t {
  OrderedDict,
  RebuildTensorV2,
  RebuildTensor,
  RebuildParameter,
  RebuildParameterWithState,
  Size,
  Parameter,
  StorageClass,
  ScriptClass,  // a TorchScript class (__torch__.*): objects are attribute dicts
  Identity      // torch.jit._pickle's type tags and list builders: return their argument
};

struct Obj {
  K kind = K::None;
  bool flag = false;          // Bool: the value; Dict: an OrderedDict (or a TorchScript object)
  G global = G::OrderedDict;  // Global: which; Dict: ScriptClass for a TorchScript object
  int64_t i = 0;  // Int: the value; others: index into their side table (StorageClass: its row)
  double f = 0;
};

constexpr int kMaxDepth = 1000;  // nesting of containers (and the limit on cycles)
constexpr size_t kMaxDims = 64;

inline const char* kind_name(const Obj& o) {
  switch (o.kind) {
    case K::None:
      return "None";
    case K::Bool:
      return "bool";
    case K::Int:
      return "int";
    case K::Float:
      return "float";
    case K::Str:
      return "str";
    case K::Tensor:
      return "Tensor";
    case K::List:
      return "list";
    case K::Tuple:
      return "tuple";
    case K::Dict:
      return o.flag ? "OrderedDict" : "dict";
    case K::Global:
      return "global";
    case K::Storage:
      return "storage";
  }
  return "?";
}

class Unpickler {
 public:
  Unpickler(std::string_view bytes, const StorageLoader& loader, const std::string& source,
            Format format)
      : b_(bytes),
        loader_(loader),
        source_(source),
        format_(format),
        key_bytes_(16 * bytes.size() + (1 << 20)),
        value_bytes_(16 * bytes.size() + (1 << 20)) {}
  /// Runs to STOP; returns the value and where the pickle ended.
  Value run(size_t* end);

 private:
  template <class... Args>
  [[noreturn]] void fail(const Args&... args) const {
    EMBER_ERROR(source_, format_ == Format::Legacy ? ": pickle: " : ": data.pkl: ", args...,
                " (at byte ", op_pos_, ")");
  }
  std::string_view take(uint64_t n) {
    if (n > b_.size() - pos_)
      fail("truncated pickle: needs ", n, " more bytes, has ", b_.size() - pos_);
    std::string_view s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  uint64_t le(int n) {
    std::string_view s = take(n);
    uint64_t v = 0;
    for (int k = n - 1; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(s[k]);
    return v;
  }
  std::string_view line() {
    const size_t end = b_.find('\n', pos_);
    if (end == std::string_view::npos) fail("truncated pickle: unterminated GLOBAL name");
    std::string_view s = b_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return s;
  }
  uint32_t make(Obj o) {
    objs_.push_back(o);
    return static_cast<uint32_t>(objs_.size() - 1);
  }
  void push(Obj o) { stack_.push_back(make(o)); }
  uint32_t pop() {
    if (stack_.size() <= floor()) fail("stack underflow");
    const uint32_t v = stack_.back();
    stack_.pop_back();
    return v;
  }
  uint32_t top() {
    if (stack_.size() <= floor()) fail("stack underflow");
    return stack_.back();
  }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  std::vector<uint32_t> pop_mark() {
    if (marks_.empty()) fail("no MARK to pop to");
    std::vector<uint32_t> items(stack_.begin() + marks_.back(), stack_.end());
    stack_.resize(marks_.back());
    marks_.pop_back();
    return items;
  }
  void push_str(std::string_view s) {
    if (!io::is_valid_utf8(s)) fail("string is not valid UTF-8");
    strs_.emplace_back(s);
    push({K::Str, false, G::OrderedDict, static_cast<int64_t>(strs_.size() - 1), 0});
  }
  uint32_t new_container(K kind, bool ordered = false) {
    lists_.emplace_back();
    return make({kind, ordered, G::OrderedDict, static_cast<int64_t>(lists_.size() - 1), 0});
  }
  std::vector<uint32_t>& items_of(uint32_t o) { return lists_[objs_[o].i]; }
  void append(uint32_t list, const std::vector<uint32_t>& items, const char* op);
  void set_items(uint32_t dict, const std::vector<uint32_t>& kv);
  std::string key_of(uint32_t o, int depth);
  void global(std::string_view module, std::string_view name);
  void reduce();
  void persistent_id();
  Tensor rebuild_tensor(const std::vector<uint32_t>& args, size_t count, const char* fn);
  const Obj& arg(const std::vector<uint32_t>& args, size_t i, K kind, const char* fn,
                 const char* what);
  std::vector<int64_t> int_tuple(uint32_t o, const char* fn, const char* what);
  Value to_value(uint32_t o, int depth);

  std::string_view b_;
  const StorageLoader& loader_;
  const std::string& source_;
  Format format_;  // TorchScript: __torch__ classes are allowed; Legacy: 6-field storage ids
  size_t pos_ = 0, op_pos_ = 0;
  std::vector<Obj> objs_;
  std::vector<std::string> strs_;
  std::vector<Tensor> tensors_;
  std::vector<std::vector<uint32_t>> lists_;  // list/tuple items; dict keys and values alternating
  // Per dict (by its lists_ row, made on its first item): key -> position in its items.
  std::unordered_map<int64_t, std::unordered_map<std::string, size_t>> index_;
  struct Loaded {
    intrusive_ptr<StorageImpl> storage;
    ScalarType dtype;
    int64_t numel;
  };
  std::vector<Loaded> storages_;
  std::unordered_map<std::string, uint32_t> storage_by_key_;
  std::vector<uint32_t> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint32_t, uint32_t> memo_;
  uint64_t budget_ = 0;  // Values to_value may still create
  // Bytes of dict keys and of strings in the result still allowed: memo references can repeat a
  // long string or tuple many times, so both are bounded by the pickle's size.
  uint64_t key_bytes_, value_bytes_;
  void charge(uint64_t& budget, uint64_t n, const char* what) {
    if (n > budget) fail(what, " repeat more bytes than the pickle can justify");
    budget -= n;
  }
};

}  // namespace ember::pt::pickle::detail
