// CompressedFile: plain or gzip'd files through zlib's inflate, with errors naming the file.
// zlib's gz* functions would be shorter, but they skip whatever follows the last gzip member
// without a word; here the bytes after it must be another member or nothing.
#include "data/compressed_file.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "ember/core/error.h"

namespace ember::data::detail {

namespace {
constexpr size_t kBuffer = size_t(1) << 16;
}  // namespace

struct CompressedFile::State {
  std::FILE* file = nullptr;
  bool gzip = false;
  bool file_eof = false;  // nothing more to read from `file`
  bool done = false;      // the data ended (cleanly, or early: see ended_early_)
  std::vector<unsigned char> in = std::vector<unsigned char>(kBuffer);
  size_t in_pos = 0, in_end = 0;  // unread input: in[in_pos, in_end)
  z_stream z{};
  bool z_open = false;
  ~State() {
    if (z_open) inflateEnd(&z);
    if (file) std::fclose(file);
  }
};

CompressedFile::CompressedFile(std::string path, const char* who)
    : s_(std::make_unique<State>()), path_(std::move(path)), who_(who) {
  errno = 0;
  s_->file = std::fopen(path_.c_str(), "rb");
  EMBER_CHECK(s_->file, who_, ": cannot open ", path_, ": ",
              errno ? std::strerror(errno) : "cannot open the file");
  // Two bytes decide: gzip's magic 1f 8b, else the file is read as it is (as zlib's gzread).
  while (s_->in_end < 2 && !s_->file_eof) fill();
  s_->gzip = s_->in_end >= 2 && s_->in[0] == 0x1f && s_->in[1] == 0x8b;
  if (s_->gzip) {
    EMBER_CHECK(inflateInit2(&s_->z, 15 + 16) == Z_OK, who_, ": ", path_,
                ": cannot start gzip decompression (out of memory)");
    s_->z_open = true;
  }
}

CompressedFile::~CompressedFile() = default;

// Moves the unread input to the front of the buffer and reads more after it.
void CompressedFile::fill() {
  State& s = *s_;
  if (s.in_pos > 0) {
    std::memmove(s.in.data(), s.in.data() + s.in_pos, s.in_end - s.in_pos);
    s.in_end -= s.in_pos;
    s.in_pos = 0;
  }
  if (s.file_eof || s.in_end == s.in.size()) return;
  const size_t got = std::fread(s.in.data() + s.in_end, 1, s.in.size() - s.in_end, s.file);
  s.in_end += got;
  if (got == 0) {
    const int err = errno;
    EMBER_CHECK(!std::ferror(s.file), who_, ": ", path_, ": cannot read the file (",
                std::strerror(err), ")");
    s.file_eof = true;
  }
}

size_t CompressedFile::read(void* dst, size_t n) {
  State& s = *s_;
  auto* out = static_cast<unsigned char*>(dst);
  size_t done = 0;
  while (done < n && !s.done) {
    if (s.in_pos == s.in_end) {
      fill();
      if (s.in_pos == s.in_end) {  // end of the file
        ended_early_ = s.gzip;     // a gzip member was still open
        s.done = true;
        break;
      }
    }
    if (!s.gzip) {
      const size_t k = std::min(n - done, s.in_end - s.in_pos);
      std::memcpy(out + done, s.in.data() + s.in_pos, k);
      s.in_pos += k;
      done += k;
      continue;
    }
    s.z.next_in = s.in.data() + s.in_pos;
    s.z.avail_in = static_cast<uInt>(s.in_end - s.in_pos);
    s.z.next_out = out + done;
    s.z.avail_out = static_cast<uInt>(std::min<size_t>(n - done, UINT_MAX));
    const int ret = inflate(&s.z, Z_NO_FLUSH);
    done = static_cast<size_t>(s.z.next_out - out);
    s.in_pos = static_cast<size_t>(s.z.next_in - s.in.data());
    if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT)
      EMBER_ERROR(who_, ": ", path_, ": corrupt gzip data (",
                  s.z.msg ? s.z.msg : "invalid compressed data", ")");
    EMBER_CHECK(ret == Z_OK || ret == Z_STREAM_END || ret == Z_BUF_ERROR, who_, ": ", path_,
                ": cannot decompress the file (zlib error ", ret, ")");
    if (ret == Z_STREAM_END) after_member();
  }
  return done;
}

// A gzip member ended: what follows must be nothing or another member (gzip -d reads those).
void CompressedFile::after_member() {
  State& s = *s_;
  while (s.in_end - s.in_pos < 2 && !s.file_eof) fill();
  const size_t left = s.in_end - s.in_pos;
  if (left == 0) {
    s.done = true;
    return;
  }
  if (left >= 2 && s.in[s.in_pos] == 0x1f && s.in[s.in_pos + 1] == 0x8b) {
    inflateReset(&s.z);
    return;
  }
  // Count what follows, for the message (bounded by the file's size).
  uint64_t extra = left;
  s.in_pos = s.in_end;
  while (!s.file_eof) {
    fill();
    extra += s.in_end - s.in_pos;
    s.in_pos = s.in_end;
  }
  EMBER_ERROR(who_, ": ", path_, ": ", extra,
              " unexpected bytes after the end of the gzip data (a damaged or concatenated file)");
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
