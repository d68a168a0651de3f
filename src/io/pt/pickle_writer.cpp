// The pickler: a pt::Value as torch.save pickles it (protocol 2). Only opcodes PyTorch 1.13's
// weights_only unpickler reads are used (floats excepted: BINFLOAT, which it lacks and 2.x has),
// each global is written once and fetched from the memo afterwards, and every tensor becomes
// _rebuild_tensor_v2(persistent storage id, offset, size, stride, requires_grad, OrderedDict()).
#include <bit>
#include <map>
#include <unordered_map>

#include "ember/core/error.h"
#include "io/json_text.h"
#include "io/pt/pickle.h"
#include "io/pt/storage_types.h"

namespace ember::pt::pickle {

namespace {

constexpr size_t kBatch = 1000;  // APPENDS/SETITEMS batch size, as Python's pickler
constexpr int kMaxDepth = 1000;

class Pickler {
 public:
  explicit Pickler(bool detach) : detach_(detach) {}
  Pickled run(const Value& v) {
    out_ = "\x80\x02";
    write(v, 0);
    out_ += '.';
    return {std::move(out_), std::move(storages_)};
  }

 private:
  void u(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  void global(const std::string& module, const std::string& name) {
    const std::string full = module + "\n" + name + "\n";
    auto it = memo_.find(full);
    if (it != memo_.end()) {
      get(it->second);
      return;
    }
    out_ += 'c';
    out_ += full;
    const uint32_t slot = static_cast<uint32_t>(memo_.size());
    memo_.emplace(full, slot);
    if (slot < 256) {
      out_ += 'q';
      u(slot, 1);
    } else {
      out_ += 'r';
      u(slot, 4);
    }
  }
  void get(uint32_t slot) {
    if (slot < 256) {
      out_ += 'h';
      u(slot, 1);
    } else {
      out_ += 'j';
      u(slot, 4);
    }
  }
  void integer(int64_t v) {
    if (v >= 0 && v < 256) {
      out_ += 'K';
      u(v, 1);
    } else if (v >= 0 && v < 65536) {
      out_ += 'M';
      u(v, 2);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      out_ += 'J';
      u(static_cast<uint32_t>(static_cast<int32_t>(v)), 4);
    } else {  // LONG1: the fewest little-endian two's-complement bytes that keep the sign
      int n = 8;
      while (n > 1) {
        const int64_t shifted = v >> (8 * (n - 1) - 1);
        if (shifted != 0 && shifted != -1) break;
        --n;
      }
      out_ += '\x8a';
      u(n, 1);
      u(static_cast<uint64_t>(v), n);
    }
  }
  void string(const std::string& s) {
    EMBER_CHECK(io::is_valid_utf8(s), "pt::save: string ", io::quote_name(s),
                " is not valid UTF-8");
    out_ += 'X';
    u(s.size(), 4);
    out_ += s;
  }
  void tuple(const Value::Items& items, int depth) {
    if (items.empty()) {
      out_ += ')';
      return;
    }
    if (items.size() > 3) out_ += '(';
    for (const Value& v : items) write(v, depth + 1);
    out_ += items.size() > 3 ? 't' : static_cast<char>(0x84 + items.size());
  }
  void int_tuple(IntArrayRef xs) {
    Value::Items items;
    for (int64_t x : xs) items.emplace_back(x);
    tuple(items, 0);
  }
  void tensor(const Tensor& t);
  void write(const Value& v, int depth);

  bool detach_;
  std::string out_;
  std::unordered_map<std::string, uint32_t> memo_;
  std::vector<StorageRecord> storages_;
  struct Seen {
    std::string key;
    ScalarType dtype;
  };
  std::unordered_map<const StorageImpl*, Seen> seen_;
};

void Pickler::tensor(const Tensor& t) {
  EMBER_CHECK(t.defined(), "pt::save: undefined tensor");
  EMBER_CHECK(t.is_cpu(), "pt::save: tensors must be on the CPU, got one on ", t.device());
  const TensorImpl& impl = *t.unsafeGetTensorImpl();
  const intrusive_ptr<StorageImpl>& storage = impl.storage();
  const ScalarType dtype = t.scalar_type();
  const int64_t size = element_size(dtype);
  EMBER_CHECK(storage->nbytes() % size == 0, "pt::save: a storage of ", storage->nbytes(),
              " bytes cannot hold whole ", dtype, " elements");
  auto [it, fresh] = seen_.emplace(storage.get(), Seen{std::to_string(seen_.size()), dtype});
  EMBER_CHECK(it->second.dtype == dtype, "pt::save: tensors of dtypes ", it->second.dtype, " and ",
              dtype, " share one storage (PyTorch cannot save or load that)");
  if (fresh) storages_.push_back({it->second.key, storage});
  global("torch._utils", "_rebuild_tensor_v2");
  out_ += '(';
  out_ += '(';  // the persistent id
  string("storage");
  global("torch", storage_type_of(dtype).name);
  string(it->second.key);
  string("cpu");
  integer(storage->nbytes() / size);
  out_ += 't';
  out_ += 'Q';  // BINPERSID
  integer(t.storage_offset());
  int_tuple(t.sizes());
  int_tuple(t.strides());
  out_ += (!detach_ && t.requires_grad()) ? '\x88' : '\x89';
  global("collections", "OrderedDict");  // backward hooks: none
  out_ += ')';
  out_ += 'R';
  out_ += 't';
  out_ += 'R';
}

void Pickler::write(const Value& v, int depth) {
  EMBER_CHECK(depth <= kMaxDepth, "pt::save: containers nested deeper than ", kMaxDepth);
  switch (v.kind()) {
    case Value::Kind::None:
      out_ += 'N';
      return;
    case Value::Kind::Bool:
      out_ += v.to_bool() ? '\x88' : '\x89';
      return;
    case Value::Kind::Int:
      integer(v.to_int());
      return;
    case Value::Kind::Float: {
      out_ += 'G';
      const uint64_t bits = std::bit_cast<uint64_t>(v.to_double());
      for (int i = 7; i >= 0; --i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
      return;
    }
    case Value::Kind::String:
      string(v.to_string());
      return;
    case Value::Kind::Tensor:
      tensor(v.to_tensor());
      return;
    case Value::Kind::Tuple:
      tuple(v.items(), depth);
      return;
    case Value::Kind::List: {
      out_ += ']';
      const auto& items = v.items();
      for (size_t b = 0; b < items.size(); b += kBatch) {
        const size_t n = std::min(kBatch, items.size() - b);
        if (n > 1) out_ += '(';
        for (size_t i = b; i < b + n; ++i) write(items[i], depth + 1);
        out_ += n > 1 ? 'e' : 'a';
      }
      return;
    }
    case Value::Kind::Dict: {
      if (v.ordered()) {
        global("collections", "OrderedDict");
        out_ += ')';
        out_ += 'R';
      } else {
        out_ += '}';
      }
      const auto& items = v.dict_items();
      for (size_t b = 0; b < items.size(); b += kBatch) {
        const size_t n = std::min(kBatch, items.size() - b);
        if (n > 1) out_ += '(';
        for (size_t i = b; i < b + n; ++i) {
          write(items[i].first, depth + 1);
          write(items[i].second, depth + 1);
        }
        out_ += n > 1 ? 'u' : 's';
      }
      return;
    }
  }
}

}  // namespace

Pickled pickle(const Value& value, bool detach) { return Pickler(detach).run(value); }

const char* storage_class(ScalarType t) { return storage_type_of(t).name; }

}  // namespace ember::pt::pickle
