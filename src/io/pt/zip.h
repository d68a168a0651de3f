// The zip archives PyTorch's serialization uses (caffe2/serialize/inline_container.cc, over
// miniz): a validating reader over bytes in memory and a writer that lays records out as
// PyTorch does (each record's data 64-byte aligned through an "FB" padding extra field).
//
// Reader: finds the end-of-central-directory record (and its ZIP64 forms), walks the central
// directory and each entry's local header with every offset and size checked against the bytes
// before use; only single-disk, unencrypted archives with stored (0) or deflated (8) entries are
// accepted. read() checks the CRC-32 and, for deflated entries, never allocates more than the
// deflate format can expand the compressed bytes to (1032:1). Errors are ember::Error naming the
// `source` and the problem: "<source>: zip: central directory entry 3 ... past the end".
//
// Writer: stored entries, local header with real CRC and sizes (no data descriptor), ZIP64
// extra fields where a size or offset reaches 0xFFFFFFFF, and always the ZIP64 end records
// (as PyTorch writes them), so Python's zipfile and PyTorch's reader open every archive.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ember::pt::zip {

/// One entry of the central directory, validated against the archive's bytes.
struct Entry {
  std::string name;
  uint16_t method = 0;  ///< 0 stored, 8 deflated
  uint32_t crc32 = 0;
  uint64_t compressed_size = 0;
  uint64_t size = 0;         ///< uncompressed
  uint64_t data_offset = 0;  ///< where the (compressed) data starts in the archive
};

class Reader {
 public:
  /// Parses the directory of the archive held in `bytes` (which must outlive the Reader).
  Reader(std::string_view bytes, std::string source);

  const std::vector<Entry>& entries() const { return entries_; }
  /// The entry named `name`, or nullptr.
  const Entry* find(std::string_view name) const;
  /// The uncompressed bytes of `e`, CRC-checked.
  std::string read(const Entry& e) const;
  /// A stored entry's bytes without copying (CRC-checked); deflated entries are decompressed
  /// into `scratch` and a view of it is returned.
  std::string_view view(const Entry& e, std::string& scratch) const;
  const std::string& source() const { return source_; }

 private:
  [[noreturn]] void fail(const std::string& what) const;
  std::string_view bytes_;
  std::string source_;
  std::vector<Entry> entries_;
  std::unordered_map<std::string_view, size_t> by_name_;
};

/// Data of stored entries is aligned to this many bytes (PyTorch's kFieldAlignment).
constexpr uint64_t kAlignment = 64;

class Writer {
 public:
  /// `force_zip64`: write ZIP64 fields for every entry even when small (tests use it to check
  /// the layout that files over 4 GiB get).
  explicit Writer(bool force_zip64 = false) : force_zip64_(force_zip64) {}
  /// Appends a stored entry holding `data`.
  void add(const std::string& name, std::string_view data);
  /// The central directory and end records appended; returns the whole archive.
  std::string finish();

 private:
  struct Written {
    std::string name;
    uint32_t crc32;
    uint64_t size, offset;
  };
  bool force_zip64_;
  std::string out_;
  std::vector<Written> written_;
};

/// CRC-32 (zlib's) of `data`.
uint32_t crc32(std::string_view data);

}  // namespace ember::pt::zip
