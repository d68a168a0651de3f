// The restricted unpickler's opcode loop: a stack machine over an arena of objects (no reference
// counts, so cycles and deep nesting cost nothing to free) that knows only the opcodes torch.save
// emits, and never executes anything. Everything it allocates is bounded by the pickle's length,
// apart from storages, which the loader checks against their records.
#include <bit>
#include <cmath>
#include <cstring>

#include "io/pt/unpickler.h"

namespace ember::pt::pickle {

namespace detail {

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
      charge(key_bytes_, strs_[k.i].size(), "dict keys");
      return "S" + strs_[k.i];
    case K::Tuple: {
      charge(key_bytes_, items_of(o).size(), "dict keys");
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

Value Unpickler::run(size_t* end) {
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
        if (end) *end = pos_;
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
      case 'b': {  // BUILD: a TorchScript object's attributes, or an OrderedDict's __dict__
        const uint32_t state = pop(), inst = top();
        if (objs_[inst].kind != K::Dict || !objs_[inst].flag)
          fail("BUILD on a ", kind_name(objs_[inst]),
               " (only an OrderedDict's attributes can be set)");
        if (objs_[state].kind != K::Dict) fail("BUILD state is a ", kind_name(objs_[state]));
        // An OrderedDict's attributes (state_dict()._metadata) are not part of the value.
        if (objs_[inst].global == G::ScriptClass) set_items(inst, items_of(state));
        break;
      }
      case 0x81: {  // NEWOBJ: torch.nn.Parameter(data[, requires_grad]), TorchScript objects
        const uint32_t args = pop(), cls = pop();
        if (objs_[cls].kind == K::Global && objs_[cls].global == G::ScriptClass) {
          if (objs_[args].kind != K::Tuple || !items_of(args).empty())
            fail("a TorchScript object is created with arguments");
          const uint32_t obj = new_container(K::Dict, true);
          objs_[obj].global = G::ScriptClass;
          stack_.push_back(obj);
          break;
        }
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

}  // namespace detail

Value unpickle(std::string_view bytes, const StorageLoader& load_storage, const std::string& source,
               Format format, size_t* end) {
  return detail::Unpickler(bytes, load_storage, source, format).run(end);
}

}  // namespace ember::pt::pickle
