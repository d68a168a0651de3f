// The restricted unpickler: a stack machine over an arena of objects (no reference counts, so
// cycles and deep nesting cost nothing to free) that knows only the opcodes torch.save emits and
// the globals PyTorch's weights_only unpickler allows, and never executes anything. Everything
// it allocates is bounded by the pickle's length, apart from storages, which the loader checks
// against their records.
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "ember/core/error.h"
#include "io/json_text.h"
#include "io/pt/pickle.h"
#include "io/pt/storage_types.h"

namespace ember::pt::pickle {

namespace {

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
  StorageClass
};

struct Obj {
  K kind = K::None;
  bool flag = false;  // Bool: the value; Dict: an OrderedDict
  G global = G::OrderedDict;
  int64_t i = 0;  // Int: the value; others: index into their side table (StorageClass: its row)
  double f = 0;
};

constexpr int kMaxDepth = 1000;  // nesting of containers (and the limit on cycles)
constexpr size_t kMaxDims = 64;

const char* kind_name(const Obj& o) {
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
  Unpickler(std::string_view bytes, const StorageLoader& loader, const std::string& source)
      : b_(bytes), loader_(loader), source_(source) {}
  Value run();

 private:
  template <class... Args>
  [[noreturn]] void fail(const Args&... args) const {
    EMBER_ERROR(source_, ": data.pkl: ", args..., " (at byte ", op_pos_, ")");
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
    index_.emplace_back();
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
  size_t pos_ = 0, op_pos_ = 0;
  std::vector<Obj> objs_;
  std::vector<std::string> strs_;
  std::vector<Tensor> tensors_;
  std::vector<std::vector<uint32_t>> lists_;  // list/tuple items; dict keys and values alternating
  std::vector<std::unordered_map<std::string, size_t>> index_;  // per dict: key -> position
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
};

void Unpickler::append(uint32_t list, const std::vector<uint32_t>& items, const char* op) {
  if (objs_[list].kind != K::List) fail(op, " to a ", kind_name(objs_[list]), ", not a list");
  auto& v = items_of(list);
  v.insert(v.end(), items.begin(), items.end());
}

// Python's dict keys, reduced to a string so equal keys (1, True and 1.0 too) collide.
std::string Unpickler::key_of(uint32_t o, int depth) {
  if (depth > 64) fail("dict key nested too deeply");
  const Obj& k = objs_[o];
  switch (k.kind) {
    case K::None:
      return "N";
    case K::Bool:
    case K::Int:
      return "I" + std::to_string(k.kind == K::Bool ? int64_t{k.flag} : k.i);
    case K::Float:
      if (std::nearbyint(k.f) == k.f && std::fabs(k.f) < 9.2e18)
        return "I" + std::to_string(static_cast<int64_t>(k.f));
      return "F" + std::to_string(std::bit_cast<uint64_t>(k.f));
    case K::Str:
      return "S" + strs_[k.i];
    case K::Tuple: {
      std::string s = "T" + std::to_string(items_of(o).size()) + "(";
      for (uint32_t item : items_of(o)) {
        std::string part = key_of(item, depth + 1);
        s += std::to_string(part.size()) + ":" + part;
      }
      return s + ")";
    }
    default:
      fail("dict key of type ", kind_name(k), " is not supported");
  }
}

void Unpickler::set_items(uint32_t dict, const std::vector<uint32_t>& kv) {
  if (objs_[dict].kind != K::Dict) fail("SETITEM on a ", kind_name(objs_[dict]), ", not a dict");
  if (kv.size() % 2) fail("SETITEMS with an odd number of items");
  auto& items = items_of(dict);
  auto& index = index_[objs_[dict].i];
  for (size_t j = 0; j < kv.size(); j += 2) {
    auto [it, fresh] = index.emplace(key_of(kv[j], 0), items.size());
    if (fresh) {
      items.push_back(kv[j]);
      items.push_back(kv[j + 1]);
    } else {
      items[it->second + 1] = kv[j + 1];  // Python keeps the first key and its position
    }
  }
}

void Unpickler::global(std::string_view module, std::string_view name) {
  const std::string full = std::string(module) + "." + std::string(name);
  auto is = [&](std::string_view m, std::string_view n) { return module == m && name == n; };
  G g;
  int64_t row = 0;
  if (is("collections", "OrderedDict")) {
    g = G::OrderedDict;
  } else if (is("torch._utils", "_rebuild_tensor_v2")) {
    g = G::RebuildTensorV2;
  } else if (is("torch._utils", "_rebuild_tensor")) {
    g = G::RebuildTensor;
  } else if (is("torch._utils", "_rebuild_parameter")) {
    g = G::RebuildParameter;
  } else if (is("torch._utils", "_rebuild_parameter_with_state")) {
    g = G::RebuildParameterWithState;
  } else if (is("torch", "Size")) {
    g = G::Size;
  } else if (is("torch.nn.parameter", "Parameter")) {
    g = G::Parameter;
  } else if ((module == "torch" || module == "torch.cuda") && (row = storage_row(name)) >= 0) {
    g = G::StorageClass;
  } else if (allowed_by_pytorch_only(module, name)) {
    fail("global '", full, "' is allowed by PyTorch's weights_only unpickler but not supported ",
         "by ember");
  } else {
    fail("global '", full, "' is not allowed (only the globals of PyTorch's weights_only ",
         "unpickler are)");
  }
  push({K::Global, false, g, row, 0});
}

const Obj& Unpickler::arg(const std::vector<uint32_t>& args, size_t i, K kind, const char* fn,
                          const char* what) {
  const Obj& o = objs_[args[i]];
  if (o.kind != kind && !(kind == K::Int && o.kind == K::Bool))
    fail(fn, ": ", what, " is a ", kind_name(o), ", expected ",
         kind_name(Obj{kind, kind == K::Dict, G::OrderedDict, 0, 0}));
  return o;
}

std::vector<int64_t> Unpickler::int_tuple(uint32_t o, const char* fn, const char* what) {
  if (objs_[o].kind != K::Tuple)
    fail(fn, ": ", what, " is a ", kind_name(objs_[o]), ", not a tuple");
  std::vector<int64_t> out;
  for (uint32_t item : items_of(o)) {
    if (objs_[item].kind != K::Int) fail(fn, ": ", what, " holds a ", kind_name(objs_[item]));
    out.push_back(objs_[item].i);
  }
  return out;
}

Tensor Unpickler::rebuild_tensor(const std::vector<uint32_t>& args, size_t count, const char* fn) {
  const Loaded& s = storages_[arg(args, 0, K::Storage, fn, "the storage").i];
  const int64_t offset = arg(args, 1, K::Int, fn, "the storage offset").i;
  const std::vector<int64_t> size = int_tuple(args[2], fn, "the size");
  const std::vector<int64_t> stride = int_tuple(args[3], fn, "the stride");
  if (size.size() != stride.size())
    fail(fn, ": size has ", size.size(), " dimensions but stride has ", stride.size());
  if (size.size() > kMaxDims) fail(fn, ": ", size.size(), " dimensions (at most ", kMaxDims, ")");
  if (offset < 0 || offset > s.numel)
    fail(fn, ": storage offset ", offset, " is outside the storage of ", s.numel, " elements");
  // The highest element the view reaches must lie inside the storage (checked for overflow):
  // otherwise a huge shape would address memory the file never held.
  int64_t numel = 1, last = offset;
  bool empty = false;
  for (size_t d = 0; d < size.size(); ++d) {
    if (size[d] < 0 || stride[d] < 0)
      fail(fn, ": negative size or stride in dimension ", d, " (size ", size[d], ", stride ",
           stride[d], ")");
    empty = empty || size[d] == 0;
  }
  for (size_t d = 0; d < size.size() && !empty; ++d) {
    int64_t reach = 0;
    if (__builtin_mul_overflow(size[d], numel, &numel) ||
        __builtin_mul_overflow(size[d] - 1, stride[d], &reach) ||
        __builtin_add_overflow(last, reach, &last))
      fail(fn, ": shape ", IntArrayRef(size), " with strides ", IntArrayRef(stride), " overflows");
  }
  if (!empty && last >= s.numel)
    fail(fn, ": a tensor of shape ", IntArrayRef(size), " with strides ", IntArrayRef(stride),
         " at offset ", offset, " reaches element ", last, " but its storage holds ", s.numel);
  Tensor t(intrusive_ptr<TensorImpl>::make(s.storage, s.dtype, IntArrayRef(size),
                                           IntArrayRef(stride), offset));
  const bool requires_grad = count > 4 && arg(args, 4, K::Bool, fn, "requires_grad").flag;
  if (requires_grad) {
    if (!is_floating_point(s.dtype))
      fail(fn, ": requires_grad on a tensor of dtype ", s.dtype, " (only floating point can)");
    t.set_requires_grad(true);
  }
  return t;
}

void Unpickler::reduce() {
  const uint32_t args_id = pop();
  const uint32_t fn_id = top();
  const Obj fn = objs_[fn_id];
  if (fn.kind != K::Global) fail("REDUCE calls a ", kind_name(fn), ", not a callable global");
  if (objs_[args_id].kind != K::Tuple) fail("REDUCE arguments are not a tuple");
  const std::vector<uint32_t> args = items_of(args_id);
  auto want = [&](const char* name, size_t lo, size_t hi) {
    if (args.size() < lo || args.size() > hi)
      fail(name, " takes ", lo, lo == hi ? "" : "-" + std::to_string(hi), " arguments, got ",
           args.size());
  };
  Obj result;
  switch (fn.global) {
    case G::OrderedDict:
      want("collections.OrderedDict", 0, 0);
      stack_.back() = new_container(K::Dict, true);
      return;
    case G::RebuildTensorV2:
    case G::RebuildTensor: {
      const bool v2 = fn.global == G::RebuildTensorV2;
      const char* name = v2 ? "_rebuild_tensor_v2" : "_rebuild_tensor";
      want(name, v2 ? 6 : 4, v2 ? 7 : 4);
      tensors_.push_back(rebuild_tensor(args, v2 ? args.size() : 4, name));
      break;
    }
    case G::RebuildParameter:
    case G::RebuildParameterWithState: {
      const bool with_state = fn.global == G::RebuildParameterWithState;
      const char* name = with_state ? "_rebuild_parameter_with_state" : "_rebuild_parameter";
      want(name, with_state ? 4 : 3, with_state ? 4 : 3);
      Tensor t = tensors_[arg(args, 0, K::Tensor, name, "the data").i];
      const bool rg = arg(args, 1, K::Bool, name, "requires_grad").flag;
      if (rg && !t.is_floating_point())
        fail(name, ": requires_grad on a tensor of dtype ", t.scalar_type());
      t = t.detach();  // a Parameter is a leaf
      if (rg) t.set_requires_grad(true);
      tensors_.push_back(t);
      break;
    }
    case G::Size: {
      want("torch.Size", 1, 1);
      int_tuple(args[0], "torch.Size", "the argument");
      stack_.back() = args[0];
      return;
    }
    case G::Parameter:
    case G::StorageClass:
      fail("REDUCE cannot call a class here");
  }
  stack_.back() =
      make({K::Tensor, false, G::OrderedDict, static_cast<int64_t>(tensors_.size() - 1), 0});
}

// ('storage', <storage class>, key, location, numel) -> the storage, loaded once per key.
void Unpickler::persistent_id() {
  const uint32_t pid = pop();
  if (objs_[pid].kind != K::Tuple)
    fail("persistent id is a ", kind_name(objs_[pid]), ", not a tuple");
  const auto& t = items_of(pid);
  if (t.empty() || objs_[t[0]].kind != K::Str || strs_[objs_[t[0]].i] != "storage")
    fail("persistent id is not a ('storage', ...) tuple (only storages may be loaded)");
  if (t.size() != 5) fail("persistent id has ", t.size(), " fields, expected 5");
  const Obj& cls = objs_[t[1]];
  if (cls.kind != K::Global || cls.global != G::StorageClass)
    fail("persistent id names a ", kind_name(cls), " instead of a storage class");
  if (objs_[t[2]].kind != K::Str || objs_[t[3]].kind != K::Str || objs_[t[4]].kind != K::Int)
    fail("persistent id fields are not (str key, str location, int numel)");
  const StorageType& type = storage_type(cls.i);
  const std::string& key = strs_[objs_[t[2]].i];
  const int64_t numel = objs_[t[4]].i;
  if (!type.supported)
    fail("storage '", key, "' holds ", type.dtype_name, " (torch.", type.name,
         "), a dtype ember does not have");
  if (numel < 0) fail("storage '", key, "' has negative size ", numel);
  auto it = storage_by_key_.find(key);
  if (it == storage_by_key_.end()) {
    uint64_t nbytes;
    if (__builtin_mul_overflow(static_cast<uint64_t>(numel),
                               static_cast<uint64_t>(element_size(type.dtype)), &nbytes) ||
        nbytes > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      fail("storage '", key, "' of ", numel, " elements overflows");
    storages_.push_back({loader_(key, type.dtype, nbytes), type.dtype, numel});
    it = storage_by_key_.emplace(key, storages_.size() - 1).first;
  }
  const Loaded& s = storages_[it->second];
  if (s.dtype != type.dtype || s.numel != numel)
    fail("storage '", key, "' is used as ", s.numel, " elements of ", s.dtype, " and as ", numel,
         " elements of ", type.dtype_name);
  push({K::Storage, false, G::OrderedDict, static_cast<int64_t>(it->second), 0});
}

Value Unpickler::to_value(uint32_t o, int depth) {
  if (depth > kMaxDepth) fail("containers nested deeper than ", kMaxDepth, " (or a cycle)");
  if (budget_-- == 0) fail("shared containers expand to too many objects");
  const Obj& x = objs_[o];
  switch (x.kind) {
    case K::None:
      return Value();
    case K::Bool:
      return Value(x.flag);
    case K::Int:
      return Value(x.i);
    case K::Float:
      return Value(x.f);
    case K::Str:
      return Value(strs_[x.i]);
    case K::Tensor:
      return Value(tensors_[x.i]);
    case K::List:
    case K::Tuple: {
      Value::Items items;
      items.reserve(items_of(o).size());
      for (uint32_t item : items_of(o)) items.push_back(to_value(item, depth + 1));
      return x.kind == K::List ? Value::list(std::move(items)) : Value::tuple(std::move(items));
    }
    case K::Dict: {
      Value::DictItems items;
      const auto& kv = items_of(o);
      items.reserve(kv.size() / 2);
      for (size_t j = 0; j < kv.size(); j += 2)
        items.emplace_back(to_value(kv[j], depth + 1), to_value(kv[j + 1], depth + 1));
      return Value::dict(std::move(items), x.flag);
    }
    case K::Global:
    case K::Storage:
      break;
  }
  fail("the result holds a ", kind_name(x), ", which is not a value");
}

Value Unpickler::run() {
  while (true) {
    op_pos_ = pos_;
    if (pos_ >= b_.size()) fail("truncated pickle (no STOP opcode)");
    const uint8_t op = static_cast<uint8_t>(b_[pos_++]);
    switch (op) {
      case 0x80: {  // PROTO
        const uint64_t v = le(1);
        if (v > 5) fail("pickle protocol ", v, " is not supported");
        break;
      }
      case 0x95:
        le(8);
        break;     // FRAME (protocol 4): a length hint only
      case '.': {  // STOP
        if (stack_.empty()) fail("STOP with an empty stack");
        budget_ = 2 * objs_.size() + 1024;
        return to_value(stack_.back(), 0);
      }
      case '(':
        marks_.push_back(stack_.size());
        break;  // MARK
      case 'N':
        push({K::None});
        break;
      case 0x88:
        push({K::Bool, true});
        break;  // NEWTRUE
      case 0x89:
        push({K::Bool, false});
        break;  // NEWFALSE
      case 'K':
        push({K::Int, false, G::OrderedDict, static_cast<int64_t>(le(1)), 0});
        break;
      case 'M':
        push({K::Int, false, G::OrderedDict, static_cast<int64_t>(le(2)), 0});
        break;
      case 'J':
        push(
            {K::Int, false, G::OrderedDict, static_cast<int32_t>(static_cast<uint32_t>(le(4))), 0});
        break;
      case 0x8a: {  // LONG1: n-byte little-endian two's complement
        const uint64_t n = le(1);
        if (n > 8) fail("integer of ", n, " bytes does not fit in 64 bits");
        uint64_t v = n ? le(static_cast<int>(n)) : 0;
        if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t{0} << (8 * n);  // sign
        push({K::Int, false, G::OrderedDict, static_cast<int64_t>(v), 0});
        break;
      }
      case 'G': {  // BINFLOAT: big-endian double
        uint64_t v = 0;
        for (char c : take(8)) v = (v << 8) | static_cast<unsigned char>(c);
        push({K::Float, false, G::OrderedDict, 0, std::bit_cast<double>(v)});
        break;
      }
      case 'X':
        push_str(take(le(4)));
        break;  // BINUNICODE
      case 0x8c:
        push_str(take(le(1)));
        break;  // SHORT_BINUNICODE (protocol 4)
      case 'U':
        push_str(take(le(1)));
        break;  // SHORT_BINSTRING (Python 2 str)
      case ')':
        stack_.push_back(new_container(K::Tuple));
        break;
      case ']':
        stack_.push_back(new_container(K::List));
        break;
      case '}':
        stack_.push_back(new_container(K::Dict));
        break;
      case 't':
      case 0x85:
      case 0x86:
      case 0x87: {  // TUPLE, TUPLE1, TUPLE2, TUPLE3
        std::vector<uint32_t> items;
        if (op == 't') {
          items = pop_mark();
        } else {
          const size_t n = op - 0x84;
          if (stack_.size() < floor() + n) fail("stack underflow");
          items.assign(stack_.end() - n, stack_.end());
          stack_.resize(stack_.size() - n);
        }
        const uint32_t t = new_container(K::Tuple);
        items_of(t) = std::move(items);
        stack_.push_back(t);
        break;
      }
      case 'a': {  // APPEND
        const uint32_t item = pop();
        append(top(), {item}, "APPEND");
        break;
      }
      case 'e': {  // APPENDS
        std::vector<uint32_t> items = pop_mark();
        append(top(), items, "APPENDS");
        break;
      }
      case 's': {  // SETITEM
        const uint32_t v = pop(), k = pop();
        set_items(top(), {k, v});
        break;
      }
      case 'u': {  // SETITEMS
        std::vector<uint32_t> kv = pop_mark();
        set_items(top(), kv);
        break;
      }
      case 'q':
        memo_[static_cast<uint32_t>(le(1))] = top();
        break;  // BINPUT
      case 'r':
        memo_[static_cast<uint32_t>(le(4))] = top();
        break;  // LONG_BINPUT
      case 0x94:
        memo_[static_cast<uint32_t>(memo_.size())] = top();
        break;  // MEMOIZE
      case 'h':
      case 'j': {  // BINGET, LONG_BINGET
        const uint64_t i = le(op == 'h' ? 1 : 4);
        auto it = memo_.find(static_cast<uint32_t>(i));
        if (it == memo_.end()) fail("memo entry ", i, " is not defined");
        stack_.push_back(it->second);
        break;
      }
      case 'c': {  // GLOBAL
        const std::string_view module = line();
        global(module, line());
        break;
      }
      case 'R':
        reduce();
        break;
      case 'Q':
        persistent_id();
        break;     // BINPERSID
      case 'b': {  // BUILD: only an OrderedDict's __dict__ (its _metadata)
        const uint32_t state = pop();
        const Obj& inst = objs_[top()];
        if (inst.kind != K::Dict || !inst.flag)
          fail("BUILD on a ", kind_name(inst), " (only an OrderedDict's attributes can be set)");
        if (objs_[state].kind != K::Dict) fail("BUILD state is a ", kind_name(objs_[state]));
        break;  // attributes such as state_dict()._metadata are not part of the value
      }
      case 0x81: {  // NEWOBJ: only torch.nn.Parameter(data[, requires_grad])
        const uint32_t args = pop(), cls = pop();
        if (objs_[cls].kind != K::Global || objs_[cls].global != G::Parameter)
          fail("NEWOBJ of a ", kind_name(objs_[cls]), " (only torch.nn.Parameter is allowed)");
        if (objs_[args].kind != K::Tuple || items_of(args).empty() || items_of(args).size() > 2)
          fail("Parameter takes (data[, requires_grad])");
        const auto a = items_of(args);
        Tensor t = tensors_[arg(a, 0, K::Tensor, "Parameter", "data").i].detach();
        if (a.size() < 2 || arg(a, 1, K::Bool, "Parameter", "requires_grad").flag) {
          if (!t.is_floating_point()) fail("Parameter of dtype ", t.scalar_type());
          t.set_requires_grad(true);
        }
        tensors_.push_back(t);
        push({K::Tensor, false, G::OrderedDict, static_cast<int64_t>(tensors_.size() - 1), 0});
        break;
      }
      default: {
        const char c = static_cast<char>(op);
        fail("pickle opcode 0x", "0123456789abcdef"[op >> 4], "0123456789abcdef"[op & 15],
             (c >= 0x20 && c < 0x7f) ? std::string(" ('") + c + "')" : std::string(),
             " is not allowed (only those torch.save emits are)");
      }
    }
  }
}

}  // namespace

Value unpickle(std::string_view bytes, const StorageLoader& load_storage,
               const std::string& source) {
  return Unpickler(bytes, load_storage, source).run();
}

}  // namespace ember::pt::pickle
