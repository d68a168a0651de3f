// Zip reader and writer for PyTorch archives: every offset and size read from the archive is
// checked, with overflow-safe arithmetic, against the bytes before it is used.
#include "io/pt/zip.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

#include "ember/core/error.h"

namespace ember::pt::zip {

namespace {

constexpr uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEndSig = 0x06054b50,
                   kEnd64Sig = 0x06064b50, kLocator64Sig = 0x07064b50;
constexpr uint64_t kLocalSize = 30, kCentralSize = 46, kEndSize = 22, kEnd64Size = 56,
                   kLocator64Size = 20;
constexpr uint32_t kMax32 = 0xFFFFFFFF;
constexpr uint16_t kMax16 = 0xFFFF;
// Deflate cannot expand better than 1032:1 (a 258-byte match in about two bits, RFC 1951), so
// a larger claimed size is a lie and is refused before any allocation.
constexpr uint64_t kMaxDeflateRatio = 1032;

uint64_t get(std::string_view b, uint64_t at, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

void put(std::string& out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// a + b <= limit, without overflow.
bool fits(uint64_t a, uint64_t b, uint64_t limit) { return a <= limit && b <= limit - a; }

}  // namespace

uint32_t crc32(std::string_view data) {
  uLong crc = ::crc32(0L, Z_NULL, 0);
  const auto* p = reinterpret_cast<const Bytef*>(data.data());
  size_t n = data.size();
  while (n > 0) {  // zlib takes uInt lengths
    const uInt chunk = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    crc = ::crc32(crc, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

// ---- reader ------------------------------------------------------------------------------------

void Reader::fail(const std::string& what) const { EMBER_ERROR(source_, ": zip: ", what); }

Reader::Reader(std::string_view bytes, std::string source)
    : bytes_(bytes), source_(std::move(source)) {
  const uint64_t size = bytes_.size();
  if (size < kEndSize) fail("file of " + std::to_string(size) + " bytes is too short to be a zip");
  // The end record is the last 22 bytes plus a comment of at most 65535 bytes.
  uint64_t end = size;  // not found
  const uint64_t lowest = size - kEndSize > kMax16 ? size - kEndSize - kMax16 : 0;
  for (uint64_t at = size - kEndSize + 1; at-- > lowest;) {
    if (get(bytes_, at, 4) == kEndSig && at + kEndSize + get(bytes_, at + 20, 2) <= size) {
      end = at;
      break;
    }
  }
  if (end == size) fail("no end-of-central-directory record (truncated or not a zip file)");
  uint64_t disk = get(bytes_, end + 4, 2), cd_disk = get(bytes_, end + 6, 2);
  uint64_t count = get(bytes_, end + 10, 2), disk_count = get(bytes_, end + 8, 2);
  uint64_t cd_size = get(bytes_, end + 12, 4), cd_offset = get(bytes_, end + 16, 4);
  uint64_t cd_limit = end;  // the central directory ends before the end records
  if (end >= kLocator64Size && get(bytes_, end - kLocator64Size, 4) == kLocator64Sig) {
    const uint64_t loc = end - kLocator64Size;
    const uint64_t at = get(bytes_, loc + 8, 8);
    if (get(bytes_, loc + 16, 4) > 1) fail("multi-disk archives are not supported");
    if (!fits(at, kEnd64Size, loc) || get(bytes_, at, 4) != kEnd64Sig)
      fail("ZIP64 end record offset " + std::to_string(at) + " is invalid");
    disk = get(bytes_, at + 16, 4);
    cd_disk = get(bytes_, at + 20, 4);
    disk_count = get(bytes_, at + 24, 8);
    count = get(bytes_, at + 32, 8);
    cd_size = get(bytes_, at + 40, 8);
    cd_offset = get(bytes_, at + 48, 8);
    cd_limit = at;
  }
  if (disk != 0 || cd_disk != 0 || disk_count != count)
    fail("multi-disk archives are not supported");
  if (!fits(cd_offset, cd_size, cd_limit))
    fail("central directory [" + std::to_string(cd_offset) + ", +" + std::to_string(cd_size) +
         ") lies outside the file of " + std::to_string(size) + " bytes");
  if (count > cd_size / kCentralSize)
    fail(std::to_string(count) + " entries cannot fit in a central directory of " +
         std::to_string(cd_size) + " bytes");
  entries_.reserve(count);
  struct Span {
    uint64_t begin, end;
    size_t index;
  };
  std::vector<Span> spans;
  spans.reserve(count);
  uint64_t at = cd_offset;
  const uint64_t cd_end = cd_offset + cd_size;
  for (uint64_t i = 0; i < count; ++i) {
    const std::string which = "central directory entry " + std::to_string(i);
    if (!fits(at, kCentralSize, cd_end) || get(bytes_, at, 4) != kCentralSig)
      fail(which + " is missing or truncated");
    const uint64_t flags = get(bytes_, at + 8, 2), name_len = get(bytes_, at + 28, 2),
                   extra_len = get(bytes_, at + 30, 2), comment_len = get(bytes_, at + 32, 2);
    Entry e;
    e.method = static_cast<uint16_t>(get(bytes_, at + 10, 2));
    e.crc32 = static_cast<uint32_t>(get(bytes_, at + 16, 4));
    e.compressed_size = get(bytes_, at + 20, 4);
    e.size = get(bytes_, at + 24, 4);
    uint64_t entry_disk = get(bytes_, at + 34, 2), header = get(bytes_, at + 42, 4);
    if (!fits(at + kCentralSize, name_len + extra_len + comment_len, cd_end))
      fail(which + " runs past the end of the central directory");
    e.name.assign(bytes_.substr(at + kCentralSize, name_len));
    // ZIP64 extended information: the 64-bit values of the fields that hold their maximum.
    uint64_t x = at + kCentralSize + name_len;
    const uint64_t x_end = x + extra_len;
    while (x + 4 <= x_end) {
      const uint64_t id = get(bytes_, x, 2), len = get(bytes_, x + 2, 2);
      if (x + 4 + len > x_end) fail(which + " ('" + e.name + "') has a truncated extra field");
      if (id == 1) {
        uint64_t p = x + 4;
        auto take = [&](uint64_t& field, int width) {
          if (p + width > x + 4 + len) fail(which + " ('" + e.name + "') has a short ZIP64 field");
          field = get(bytes_, p, width);
          p += width;
        };
        if (e.size == kMax32) take(e.size, 8);
        if (e.compressed_size == kMax32) take(e.compressed_size, 8);
        if (header == kMax32) take(header, 8);
        if (entry_disk == kMax16) take(entry_disk, 4);
      }
      x += 4 + len;
    }
    at = x_end + comment_len;
    const std::string named = which + " ('" + e.name + "')";
    if (entry_disk != 0) fail(named + " is on another disk");
    if (flags & 0x41) fail(named + " is encrypted");
    if (e.method != 0 && e.method != 8)
      fail(named + " uses compression method " + std::to_string(e.method) +
           " (only stored and deflated entries are supported)");
    if (e.method == 0 && e.compressed_size != e.size)
      fail(named + " is stored but its sizes differ (" + std::to_string(e.compressed_size) +
           " vs " + std::to_string(e.size) + ")");
    if (e.method == 8 && e.size / kMaxDeflateRatio > e.compressed_size)
      fail(named + " claims " + std::to_string(e.size) + " bytes from " +
           std::to_string(e.compressed_size) + " deflated bytes, more than deflate can expand");
    // The local header repeats the name; its own extra field may differ (PyTorch's padding).
    if (!fits(header, kLocalSize, cd_offset) || get(bytes_, header, 4) != kLocalSig)
      fail(named + ": no local header at offset " + std::to_string(header));
    const uint64_t local_name = get(bytes_, header + 26, 2),
                   local_extra = get(bytes_, header + 28, 2);
    if (!fits(header + kLocalSize, local_name + local_extra, cd_offset) ||
        bytes_.substr(header + kLocalSize, local_name) != e.name)
      fail(named + ": its local header does not match");
    e.data_offset = header + kLocalSize + local_name + local_extra;
    if (!fits(e.data_offset, e.compressed_size, cd_offset))
      fail(named + ": its " + std::to_string(e.compressed_size) + " bytes of data at offset " +
           std::to_string(e.data_offset) + " run past the central directory at " +
           std::to_string(cd_offset));
    if (by_name_.count(e.name)) fail("duplicate entry '" + e.name + "'");
    spans.push_back({header, e.data_offset + e.compressed_size, entries_.size()});
    entries_.push_back(std::move(e));  // reserved: names do not move, the views stay valid
    by_name_.emplace(entries_.back().name, entries_.size() - 1);
  }
  // Entries may not share bytes: otherwise a small archive could name the same data many times.
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin < b.begin; });
  for (size_t i = 1; i < spans.size(); ++i)
    if (spans[i].begin < spans[i - 1].end)
      fail("entries '" + entries_[spans[i - 1].index].name + "' and '" +
           entries_[spans[i].index].name + "' overlap");
}

const Entry* Reader::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &entries_[it->second];
}

std::string_view Reader::view(const Entry& e, std::string& scratch) const {
  std::string_view data = bytes_.substr(e.data_offset, e.compressed_size);
  if (e.method == 8) {
    scratch.assign(e.size, '\0');
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) fail("cannot initialise zlib");
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.next_out = reinterpret_cast<Bytef*>(scratch.data());
    uint64_t in_left = data.size(), out_left = scratch.size();
    int rc = Z_OK;
    while (rc == Z_OK) {  // zlib counts in uInt: feed at most 1 GiB at a time
      if (z.avail_in == 0) {
        z.avail_in = static_cast<uInt>(std::min<uint64_t>(in_left, 1u << 30));
        in_left -= z.avail_in;
      }
      if (z.avail_out == 0) {
        z.avail_out = static_cast<uInt>(std::min<uint64_t>(out_left, 1u << 30));
        out_left -= z.avail_out;
      }
      rc = inflate(&z, Z_NO_FLUSH);
    }
    out_left += z.avail_out;
    const std::string message = z.msg ? z.msg : "truncated or too long";
    inflateEnd(&z);
    if (rc != Z_STREAM_END || out_left != 0)
      fail("entry '" + e.name + "': corrupt deflate data (" +
           (rc == Z_STREAM_END ? "shorter than its declared " + std::to_string(e.size) + " bytes"
                               : message) +
           ")");
    data = scratch;
  }
  if (crc32(data) != e.crc32) fail("entry '" + e.name + "': CRC-32 mismatch (corrupt data)");
  return data;
}

std::string Reader::read(const Entry& e) const {
  std::string scratch;
  std::string_view v = view(e, scratch);
  return e.method == 8 ? std::move(scratch) : std::string(v);
}

// ---- writer ------------------------------------------------------------------------------------

void Writer::add(const std::string& name, std::string_view data) {
  EMBER_CHECK(name.size() < kMax16, "zip: entry name of ", name.size(), " bytes is too long");
  const uint64_t offset = out_.size();
  const uint32_t crc = crc32(data);
  const bool big = force_zip64_ || data.size() >= kMax32;
  put(out_, kLocalSig, 4);
  put(out_, big ? 45 : 20, 2);  // version needed to extract
  put(out_, 0x0800, 2);         // flags: names are UTF-8
  put(out_, 0, 2);              // stored
  put(out_, 0, 4);              // time and date: none, as PyTorch writes
  put(out_, crc, 4);
  put(out_, big ? kMax32 : data.size(), 4);
  put(out_, big ? kMax32 : data.size(), 4);
  put(out_, name.size(), 2);
  // Extra: ZIP64 sizes when needed, then "FB" padding so the data starts 64-byte aligned.
  const uint64_t zip64_len = big ? 20 : 0;
  const uint64_t before_pad = offset + kLocalSize + name.size() + zip64_len + 4;
  const uint64_t pad = (kAlignment - before_pad % kAlignment) % kAlignment;
  put(out_, zip64_len + 4 + pad, 2);
  out_ += name;
  if (big) {
    put(out_, 1, 2);
    put(out_, 16, 2);
    put(out_, data.size(), 8);
    put(out_, data.size(), 8);
  }
  put(out_, 0x4246, 2);  // "FB"
  put(out_, pad, 2);
  out_.append(pad, 'Z');
  out_.append(data);
  written_.push_back({name, crc, data.size(), offset});
}

std::string Writer::finish() {
  const uint64_t cd_offset = out_.size();
  for (const Written& w : written_) {
    const bool big_size = force_zip64_ || w.size >= kMax32;
    const bool big_offset = force_zip64_ || w.offset >= kMax32;
    const uint64_t zip64_len = (big_size ? 16 : 0) + (big_offset ? 8 : 0);
    put(out_, kCentralSig, 4);
    put(out_, zip64_len ? 45 : 20, 2);  // version made by (MS-DOS attributes)
    put(out_, zip64_len ? 45 : 20, 2);  // version needed
    put(out_, 0x0800, 2);
    put(out_, 0, 2);
    put(out_, 0, 4);
    put(out_, w.crc32, 4);
    put(out_, big_size ? kMax32 : w.size, 4);
    put(out_, big_size ? kMax32 : w.size, 4);
    put(out_, w.name.size(), 2);
    put(out_, zip64_len ? zip64_len + 4 : 0, 2);
    put(out_, 0, 2);  // comment
    put(out_, 0, 2);  // disk
    put(out_, 0, 2);  // internal attributes
    put(out_, 0, 4);  // external attributes
    put(out_, big_offset ? kMax32 : w.offset, 4);
    out_ += w.name;
    if (zip64_len) {
      put(out_, 1, 2);
      put(out_, zip64_len, 2);
      if (big_size) {
        put(out_, w.size, 8);
        put(out_, w.size, 8);
      }
      if (big_offset) put(out_, w.offset, 8);
    }
  }
  const uint64_t cd_size = out_.size() - cd_offset, n = written_.size();
  const uint64_t end64 = out_.size();
  put(out_, kEnd64Sig, 4);
  put(out_, kEnd64Size - 12, 8);  // size of the rest of the record
  put(out_, 45, 2);
  put(out_, 45, 2);
  put(out_, 0, 4);
  put(out_, 0, 4);
  put(out_, n, 8);
  put(out_, n, 8);
  put(out_, cd_size, 8);
  put(out_, cd_offset, 8);
  put(out_, kLocator64Sig, 4);
  put(out_, 0, 4);
  put(out_, end64, 8);
  put(out_, 1, 4);  // total number of disks
  put(out_, kEndSig, 4);
  put(out_, 0, 4);
  put(out_, std::min<uint64_t>(n, kMax16), 2);
  put(out_, std::min<uint64_t>(n, kMax16), 2);
  put(out_, std::min<uint64_t>(cd_size, kMax32), 4);
  put(out_, std::min<uint64_t>(cd_offset, kMax32), 4);
  put(out_, 0, 2);
  written_.clear();
  return std::move(out_);
}

}  // namespace ember::pt::zip
