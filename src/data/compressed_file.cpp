// CompressedFile: zlib's gzread over plain or gzip'd files, with errors naming the file.
#include "data/compressed_file.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string>

#include "ember/core/error.h"

namespace ember::data::detail {

CompressedFile::CompressedFile(std::string path, const char* who)
    : path_(std::move(path)), who_(who) {
  errno = 0;
  gzFile f = gzopen(path_.c_str(), "rb");
  EMBER_CHECK(f, who_, ": cannot open ", path_, ": ",
              errno ? std::strerror(errno) : "out of memory");
  gzbuffer(f, 1 << 20);
  file_ = f;
}

CompressedFile::~CompressedFile() { gzclose(static_cast<gzFile>(file_)); }

size_t CompressedFile::read(void* dst, size_t n) {
  gzFile f = static_cast<gzFile>(file_);
  char* out = static_cast<char*>(dst);
  size_t done = 0;
  while (done < n && !ended_early_) {
    const auto chunk = static_cast<unsigned>(std::min<size_t>(n - done, INT_MAX / 2));
    const int got = gzread(f, out + done, chunk);
    if (got < 0) {
      int errnum = 0;
      const char* msg = gzerror(f, &errnum);
      // Z_BUF_ERROR: the compressed stream stops before its end (a truncated .gz file).
      if (errnum == Z_BUF_ERROR) {
        ended_early_ = true;
        break;
      }
      // zlib prefixes its message with the path, which ours already has.
      std::string what = msg ? msg : "";
      if (what.rfind(path_ + ": ", 0) == 0) what.erase(0, path_.size() + 2);
      if (errnum == Z_DATA_ERROR)
        EMBER_ERROR(who_, ": ", path_, ": corrupt gzip data (", what, ")");
      EMBER_ERROR(who_, ": ", path_, ": cannot read the file (",
                  errnum == Z_ERRNO ? std::strerror(errno) : what.c_str(), ")");
    }
    if (got == 0) {
      int errnum = 0;
      gzerror(f, &errnum);
      ended_early_ = errnum == Z_BUF_ERROR;
      break;
    }
    done += static_cast<size_t>(got);
  }
  return done;
}

std::string CompressedFile::read_rest() {
  std::string s;
  char buf[1 << 16];
  for (;;) {
    const size_t got = read(buf, sizeof buf);
    s.append(buf, got);
    if (got < sizeof buf) return s;
  }
}

}  // namespace ember::data::detail
