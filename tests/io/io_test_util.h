// Helpers shared by the io tests: the bytes of hand-made safetensors files. (Temporary
// directories, file bytes, exact tensors and their comparison are tests/support's.)
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace ember::io_test {

/// The 8-byte little-endian encoding of n.
inline std::string le64(uint64_t n) {
  std::string s(8, '\0');
  for (int b = 0; b < 8; ++b) s[b] = static_cast<char>((n >> (8 * b)) & 0xFF);
  return s;
}

/// A file with header `json` (padded with spaces to 8-byte alignment) and data `data`.
inline std::string make_file(std::string json, const std::string& data = "") {
  json.append((8 - json.size() % 8) % 8, ' ');
  return le64(json.size()) + json + data;
}

/// The little-endian bytes of values.
template <class T>
std::string bytes_of(const std::vector<T>& v) {
  std::string s(v.size() * sizeof(T), '\0');
  if (!v.empty()) std::memcpy(s.data(), v.data(), s.size());
  return s;
}

}  // namespace ember::io_test
