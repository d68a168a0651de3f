// Test helpers: a fresh temporary folder per test, and writers for plain, gzip'd and damaged
// files.
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace ember::data::testing {

using Bytes = std::vector<uint8_t>;

/// A folder under the test temp dir named after the running test, emptied first.
inline std::string fresh_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) /
      (std::string("ember_data_") + info->test_suite_name() + "_" + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline void write_file(const std::string& path, const Bytes& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline void write_text(const std::string& path, const std::string& text) {
  write_file(path, Bytes(text.begin(), text.end()));
}

/// gzip-compresses with zlib.
inline Bytes gzip(const Bytes& bytes) {
  z_stream s{};
  EXPECT_EQ(deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes out(deflateBound(&s, bytes.size()) + 64);
  s.next_in = const_cast<Bytes::value_type*>(bytes.data());
  s.avail_in = static_cast<uInt>(bytes.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

inline void put_u32(Bytes& b, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<uint8_t>(v >> shift));
}

/// An IDX image file: magic 2051, n x rows x cols, pixel k = (seed + k) % 256.
inline Bytes idx_images(uint32_t n, uint32_t rows, uint32_t cols, uint32_t seed = 0,
                        uint32_t magic = 2051) {
  Bytes b;
  put_u32(b, magic);
  put_u32(b, n);
  put_u32(b, rows);
  put_u32(b, cols);
  for (uint32_t k = 0; k < n * rows * cols; ++k)
    b.push_back(static_cast<uint8_t>((seed + k) % 256));
  return b;
}

/// An IDX label file: magic 2049, labels as given.
inline Bytes idx_labels(const Bytes& labels, uint32_t magic = 2049) {
  Bytes b;
  put_u32(b, magic);
  put_u32(b, static_cast<uint32_t>(labels.size()));
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

}  // namespace ember::data::testing
