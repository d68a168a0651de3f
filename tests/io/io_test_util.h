// Helpers shared by the io tests: a temporary directory, raw file bytes, tensors from exact
// values, and byte-exact tensor comparison.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "ember/core/error.h"
#include "ember/tensor/factories.h"
#include "ember/tensor/tensor.h"

namespace ember::io_test {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "ember_io_test_XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

inline std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

inline void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

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

/// A contiguous tensor holding exactly `values` (no detour through double).
template <class T>
Tensor from_values(const std::vector<T>& values, std::vector<int64_t> shape) {
  Tensor t = empty(shape, TensorOptions().dtype(CppTypeToScalarType<T>::value));
  EXPECT_EQ(static_cast<size_t>(t.numel()), values.size());
  auto* out = static_cast<T*>(t.data_ptr());
  for (size_t i = 0; i < values.size(); ++i) out[i] = values[i];  // std::vector<bool> has no data()
  return t;
}

/// Same dtype, same shape, same bytes (so NaNs and -0.0 compare exactly).
inline ::testing::AssertionResult same_tensor(const Tensor& a, const Tensor& b) {
  if (!a.defined() || !b.defined()) return ::testing::AssertionFailure() << "undefined tensor";
  if (a.scalar_type() != b.scalar_type()) {
    return ::testing::AssertionFailure()
           << "dtype " << a.scalar_type() << " vs " << b.scalar_type();
  }
  if (!a.sizes().equals(b.sizes())) {
    return ::testing::AssertionFailure() << "shape " << a.sizes() << " vs " << b.sizes();
  }
  Tensor ca = a.detach().contiguous(), cb = b.detach().contiguous();
  if (ca.nbytes() > 0 && std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.nbytes()) != 0) {
    return ::testing::AssertionFailure() << "data differs";
  }
  return ::testing::AssertionSuccess();
}

/// The message of the ember::Error `f` throws ("" and a test failure if it throws none).
inline std::string error_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected ember::Error";
  return "";
}

}  // namespace ember::io_test
