// libFuzzer target for the safetensors reader: any byte string either parses or throws
// ember::Error (anything else — a crash, a sanitizer report, another exception — is a bug).
// What parses must survive a write/read round trip unchanged. Built and run by scripts/run-fuzz.sh.
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>

#include "ember/core/error.h"
#include "ember/io/safetensors.h"

namespace {

// Same metadata and the same tensors under the same names (in any order).
bool same(const ember::io::SafetensorsFile& a, const ember::io::SafetensorsFile& b) {
  if (a.metadata != b.metadata || a.tensors.size() != b.tensors.size()) return false;
  std::map<std::string_view, const ember::Tensor*> by_name;
  for (const auto& [name, t] : b.tensors) by_name.emplace(name, &t);
  for (const auto& [name, ta] : a.tensors) {
    auto it = by_name.find(name);
    if (it == by_name.end()) return false;
    const ember::Tensor& tb = *it->second;
    if (ta.scalar_type() != tb.scalar_type() || !ta.sizes().equals(tb.sizes())) return false;
    if (ta.nbytes() > 0 && std::memcmp(ta.data_ptr(), tb.data_ptr(), ta.nbytes()) != 0) {
      return false;
    }
  }
  return true;
}

}  // namespace

// Parses `bytes`; what parses must round-trip.
void check(std::string_view bytes) {
  ember::io::SafetensorsFile file;
  try {
    file = ember::io::parse_safetensors(bytes, "fuzz-input");
  } catch (const ember::Error&) {
    return;  // rejected cleanly
  }
  // Accepted: writing it back must work and read back the very same tensors, and writing is
  // deterministic.
  const std::string again = ember::io::serialize_safetensors(file.tensors, file.metadata);
  const auto back = ember::io::parse_safetensors(again, "round-trip");
  if (!same(file, back)) __builtin_trap();
  if (ember::io::serialize_safetensors(back.tensors, back.metadata) != again) __builtin_trap();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check(bytes);
  // A second view of the same bytes that keeps mutated headers reachable: the 8-byte prefix is
  // rewritten so the header ends at the last '}', and what follows it is the data buffer. Most
  // mutations of a valid file break its length prefix; this way they test the JSON checks.
  if (size > 8) {
    const size_t close = bytes.rfind('}');
    if (close != std::string_view::npos && close >= 8) {
      std::string fixed(bytes);
      const uint64_t n = close + 1 - 8;
      for (int b = 0; b < 8; ++b) fixed[b] = static_cast<char>((n >> (8 * b)) & 0xFF);
      check(fixed);
    }
  }
  return 0;
}
