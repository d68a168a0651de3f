// Reading files that may be gzip-compressed: a file starting with gzip's magic bytes is inflated
// (several members in a row are read as one stream, as gzip -d does; anything else after the
// last member is an error), any other file is read as it is, so one reader serves
// `train-images-idx3-ubyte` and `train-images-idx3-ubyte.gz` alike.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace ember::data::detail {

class CompressedFile {
 public:
  /// Opens `path`; throws ember::Error "<who>: cannot open <path>: <reason>".
  CompressedFile(std::string path, const char* who);
  ~CompressedFile();
  CompressedFile(const CompressedFile&) = delete;
  CompressedFile& operator=(const CompressedFile&) = delete;

  /// Reads up to `n` bytes into `dst`; fewer only at the end of the data. Throws on corrupt
  /// gzip data and on bytes after the last gzip member ("<who>: <path>: 5 unexpected bytes
  /// after the end of the gzip data ..."); a gzip stream that ends early reads as a short file
  /// (see ended_early()).
  size_t read(void* dst, size_t n);
  /// Reads everything left.
  std::string read_rest();
  /// Whether the data was gzip'd and its stream ended before the gzip trailer.
  bool ended_early() const { return ended_early_; }
  const std::string& path() const { return path_; }

 private:
  struct State;
  void fill();
  void after_member();

  std::unique_ptr<State> s_;
  std::string path_;
  const char* who_;
  bool ended_early_ = false;
};

}  // namespace ember::data::detail
