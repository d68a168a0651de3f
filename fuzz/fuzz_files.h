// Shared by the libFuzzer targets that read files by path: a private temporary directory for the
// process, and writing the input into it.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace ember_fuzz {

/// A directory of this process, created on first use (removed by nobody: libFuzzer exits hard;
/// it lives under $TMPDIR and holds a few small files).
inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    const char* base = getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/ember_fuzz_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) __builtin_trap();
    return tmpl;
  }();
  return dir;
}

/// Writes `bytes` to `path` (replacing it).
inline void write_file(const std::string& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) __builtin_trap();
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size())
    __builtin_trap();
  std::fclose(f);
}

}  // namespace ember_fuzz
