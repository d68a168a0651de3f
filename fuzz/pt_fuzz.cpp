// libFuzzer target for the pt reader (zip + restricted unpickler): any byte string either loads
// or throws ember::Error (a crash, a sanitizer report or another exception is a bug), and what
// loads must survive a save/load round trip unchanged. Each input is tried twice: as a whole
// archive, and as a data.pkl wrapped in a valid archive with four 64-byte storages "0".."3", so
// mutations reach the unpickler instead of failing the zip's CRC. Built by scripts/run-fuzz.sh.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "ember/core/error.h"
#include "ember/io/pt.h"
#include "io/pt/zip.h"

namespace {

using ember::pt::Value;

bool same_tensor(const ember::Tensor& a, const ember::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || !a.sizes().equals(b.sizes()) ||
      !a.strides().equals(b.strides()) || a.storage_offset() != b.storage_offset() ||
      a.requires_grad() != b.requires_grad())
    return false;
  const ember::Tensor ca = a.detach().contiguous(), cb = b.detach().contiguous();
  return ca.nbytes() == 0 || std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.nbytes()) == 0;
}

bool same(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::None:
      return true;
    case Value::Kind::Bool:
      return a.to_bool() == b.to_bool();
    case Value::Kind::Int:
      return a.to_int() == b.to_int();
    case Value::Kind::Float: {
      const double x = a.to_double(), y = b.to_double();
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case Value::Kind::String:
      return a.to_string() == b.to_string();
    case Value::Kind::Tensor:
      return same_tensor(a.to_tensor(), b.to_tensor());
    case Value::Kind::List:
    case Value::Kind::Tuple:
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if (!same(a.at(i), b.at(i))) return false;
      return true;
    case Value::Kind::Dict:
      if (a.ordered() != b.ordered() || a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if (!same(a.dict_items()[i].first, b.dict_items()[i].first) ||
            !same(a.dict_items()[i].second, b.dict_items()[i].second))
          return false;
      return true;
  }
  return false;
}

void check(std::string_view bytes) {
  Value v;
  try {
    v = ember::pt::parse(bytes, "fuzz-input");
  } catch (const ember::Error&) {
    return;  // rejected cleanly
  }
  // Accepted: writing it back works (the reader only builds what the writer can write, except
  // tensors sharing one storage with two dtypes, which it refuses) and reads back the same.
  std::string again;
  try {
    again = ember::pt::serialize(v);
  } catch (const ember::Error&) {
    __builtin_trap();
  }
  if (!same(v, ember::pt::parse(again, "round-trip"))) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check(bytes);
  ember::pt::zip::Writer w;
  w.add("f/data.pkl", bytes);
  std::string storage(64, '\0');
  for (int i = 0; i < 64; ++i) storage[i] = static_cast<char>(i * 37 + 1);
  for (const char* key : {"0", "1", "2", "3"}) w.add(std::string("f/data/") + key, storage);
  w.add("f/version", "3\n");
  check(w.finish());
  return 0;
}
