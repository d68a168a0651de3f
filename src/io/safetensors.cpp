// safetensors reader and writer. The header is parsed with nlohmann::json (a callback rejects
// duplicate keys and deep nesting while parsing); every offset and size is checked with overflow-
// safe arithmetic against the real buffer or file size before anything is allocated or copied.
#include "ember/io/safetensors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "ember/core/error.h"
#include "ember/io/atomic_file.h"
#include "ember/tensor/factories.h"
#include "io/json_text.h"

namespace ember::io {

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; a big-endian host would need byte swaps");

namespace {

using Json = nlohmann::json;

constexpr int kMaxJsonDepth = 64;
constexpr uint64_t kInt64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

// ---- dtypes ------------------------------------------------------------------------------------

// Rank in the reference library's Dtype enum (declared in increasing alignment); the writer lays
// tensors out by descending rank. Only the relative order of ember's six dtypes matters.
int reference_dtype_rank(ScalarType t) {
  switch (t) {
    case kBool:
      return 0;
    case kByte:
      return 1;
    case kInt:
      return 2;
    case kFloat:
      return 3;
    case kDouble:
      return 4;
    case kLong:
      return 5;
  }
  return -1;
}

// Dtype names the format defines but ember has no type for.
bool is_format_dtype_ember_lacks(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "I8",      "I16",     "U16",     "U32",     "U64",     "F16", "BF16",
      "F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4",  "C64"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// A JSON value for an error message: compact, cut short if long.
std::string excerpt(const nlohmann::json& v) {
  constexpr size_t kMax = 80;
  std::string s = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return s;
}

// ---- error context -----------------------------------------------------------------------------

struct Source {
  const char* op;    // "read_safetensors"
  std::string name;  // the file, or "<memory>"
};

template <class... Args>
[[noreturn]] void fail(const Source& src, const Args&... args) {
  detail::throw_error(src.op, ": ", src.name, ": ", args...);
}

// ---- writer ------------------------------------------------------------------------------------

std::string serialize(const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata, const Source& src) {
  std::set<std::string_view> names;
  std::vector<Tensor> data(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    const auto& [name, t] = tensors[i];
    if (!t.defined()) fail(src, "tensor ", quote_name(name), " is undefined");
    if (!t.is_cpu()) fail(src, "tensor ", quote_name(name), " is on ", t.device(), "; only CPU");
    if (name == "__metadata__") fail(src, "the tensor name \"__metadata__\" is reserved");
    if (!is_valid_utf8(name)) fail(src, "tensor name ", quote_name(name), " is not valid UTF-8");
    if (!names.insert(name).second) fail(src, "duplicate tensor name ", quote_name(name));
    Tensor d = t.detach();
    data[i] = d.is_contiguous() ? d : d.contiguous();
  }
  for (const auto& [k, v] : metadata) {
    if (!is_valid_utf8(k)) fail(src, "metadata key ", quote_name(k), " is not valid UTF-8");
    if (!is_valid_utf8(v)) fail(src, "metadata value of ", quote_name(k), " is not valid UTF-8");
  }

  // The reference's layout: descending dtype rank, then name.
  std::vector<size_t> order(tensors.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const int ra = reference_dtype_rank(data[a].scalar_type());
    const int rb = reference_dtype_rank(data[b].scalar_type());
    if (ra != rb) return ra > rb;
    return tensors[a].first < tensors[b].first;
  });

  std::string header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    bool first = true;
    for (const auto& [k, v] : metadata) {
      if (!first) header += ',';
      first = false;
      append_json_string(header, k);
      header += ':';
      append_json_string(header, v);
    }
    header += '}';
  }
  uint64_t offset = 0;
  for (size_t i : order) {
    const Tensor& t = data[i];
    if (header.size() > 1) header += ',';
    append_json_string(header, tensors[i].first);
    header += ":{\"dtype\":\"";
    header += safetensors_dtype_name(t.scalar_type());
    header += "\",\"shape\":[";
    for (int64_t d = 0; d < t.dim(); ++d) {
      if (d) header += ',';
      header += std::to_string(t.size(d));
    }
    const auto nbytes = static_cast<uint64_t>(t.nbytes());
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," +
              std::to_string(offset + nbytes) + "]}";
    offset += nbytes;
  }
  header += '}';
  header.append((8 - header.size() % 8) % 8, ' ');
  if (header.size() > kSafetensorsMaxHeaderSize) {
    fail(src, "the header would take ", header.size(), " bytes, more than the ",
         kSafetensorsMaxHeaderSize, " readers accept (too many tensors or too much metadata)");
  }

  std::string out;
  out.reserve(8 + header.size() + offset);
  const uint64_t n = header.size();
  for (int b = 0; b < 8; ++b) out += static_cast<char>((n >> (8 * b)) & 0xFF);
  out += header;
  for (size_t i : order) {
    const Tensor& t = data[i];
    if (t.nbytes() > 0) out.append(static_cast<const char*>(t.data_ptr()), t.nbytes());
  }
  return out;
}

// ---- reader ------------------------------------------------------------------------------------

uint64_t read_le64(const char* p) {
  uint64_t n = 0;
  for (int b = 7; b >= 0; --b) n = (n << 8) | static_cast<unsigned char>(p[b]);
  return n;
}

// Checks the header length N (read from the first 8 bytes) against the file size.
void check_header_length(uint64_t n, uint64_t file_size, const Source& src) {
  if (n > kSafetensorsMaxHeaderSize) {
    fail(src, "header length ", n, " exceeds the limit of ", kSafetensorsMaxHeaderSize,
         " bytes (not a safetensors file?)");
  }
  if (8 + n > file_size) {
    fail(src, "header length ", n, " runs past the end of the file (the file has ", file_size,
         " bytes, the header needs ", 8 + n, "; truncated file?)");
  }
}

std::string strip_json_exception_id(const char* what) {
  // nlohmann's messages start with "[json.exception.parse_error.101] ".
  std::string_view s = what;
  if (!s.empty() && s.front() == '[') {
    if (size_t close = s.find("] "); close != std::string_view::npos) s.remove_prefix(close + 2);
  }
  return std::string(s);
}

Json parse_json(std::string_view text, const Source& src) {
  using Event = Json::parse_event_t;
  std::vector<std::set<std::string>> open_objects;  // keys seen in each open object
  auto callback = [&](int depth, Event event, Json& parsed) -> bool {
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        if (depth >= kMaxJsonDepth) {
          fail(src, "header nests JSON deeper than ", kMaxJsonDepth, " levels");
        }
        if (event == Event::object_start) open_objects.emplace_back();
        break;
      case Event::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case Event::key:
        if (!open_objects.empty() && parsed.is_string()) {
          const auto& key = parsed.get_ref<const std::string&>();
          if (!open_objects.back().insert(key).second) {
            fail(src, "duplicate key ", quote_name(key), " in the header");
          }
        }
        break;
      default:
        break;
    }
    return true;
  };
  // nlohmann's lexer takes a NUL byte for the end of the input and would ignore what follows;
  // JSON allows no raw NUL anywhere, so reject it here.
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    fail(src, "header is not valid JSON: NUL byte at offset ", nul, " of the header");
  }
  // nlohmann skips a leading UTF-8 byte-order mark; JSON (RFC 8259) and the reference do not.
  if (text.starts_with("\xEF\xBB\xBF")) {
    fail(src, "header is not valid JSON: it starts with a UTF-8 byte-order mark");
  }
  try {
    return Json::parse(text.begin(), text.end(), callback);
  } catch (const Json::exception& e) {
    fail(src, "header is not valid JSON: ", strip_json_exception_id(e.what()));
  }
}

// An unsigned JSON integer, or failure naming `what`.
uint64_t json_u64(const Json& v, const Source& src, const std::string& what) {
  if (!v.is_number_unsigned()) {
    fail(src, what, " must be a non-negative integer, not ", excerpt(v));
  }
  return v.get<uint64_t>();
}

SafetensorsEntry parse_entry(const std::string& name, const Json& info, uint64_t data_size,
                             const Source& src) {
  const std::string tensor = "tensor " + quote_name(name);
  if (!info.is_object()) fail(src, tensor, ": entry must be a JSON object, not ", info.type_name());
  auto field = [&](const char* key) -> const Json& {
    auto it = info.find(key);
    if (it == info.end()) fail(src, tensor, ": missing \"", key, "\"");
    return *it;
  };
  SafetensorsEntry e;
  e.name = name;

  const Json& dtype = field("dtype");
  if (!dtype.is_string())
    fail(src, tensor, ": \"dtype\" must be a string, not ", dtype.type_name());
  const auto& dtype_name = dtype.get_ref<const std::string&>();
  auto t = scalar_type_from_safetensors(dtype_name);
  if (!t) {
    if (is_format_dtype_ember_lacks(dtype_name)) {
      fail(src, tensor, ": dtype ", dtype_name,
           " is not supported by ember (supported: F64 F32 I64 I32 U8 BOOL)");
    }
    fail(src, tensor, ": unknown dtype ", quote_name(dtype_name),
         " (safetensors dtypes ember reads: F64 F32 I64 I32 U8 BOOL)");
  }
  e.dtype = *t;

  const Json& shape = field("shape");
  if (!shape.is_array()) fail(src, tensor, ": \"shape\" must be an array, not ", shape.type_name());
  // numel, and the product of max(dim, 1) that bounds every stride, must fit in int64.
  uint64_t numel = 1, extent = 1;
  bool overflow = false;
  for (const Json& d : shape) {
    const uint64_t dim = json_u64(d, src, tensor + ": shape entry");
    overflow |= dim > kInt64Max;
    overflow |= __builtin_mul_overflow(numel, dim, &numel);
    overflow |= __builtin_mul_overflow(extent, std::max<uint64_t>(dim, 1), &extent);
    overflow |= extent > kInt64Max;
    if (overflow) fail(src, tensor, ": shape ", excerpt(shape), " is too large (overflows int64)");
    e.shape.push_back(static_cast<int64_t>(dim));
  }
  uint64_t nbytes = 0;
  if (__builtin_mul_overflow(numel, static_cast<uint64_t>(element_size(e.dtype)), &nbytes)) {
    fail(src, tensor, ": shape ", excerpt(shape), " is too large (overflows int64)");
  }

  const Json& offsets = field("data_offsets");
  if (!offsets.is_array() || offsets.size() != 2) {
    fail(src, tensor, ": \"data_offsets\" must be an array [begin, end], not ", excerpt(offsets));
  }
  e.begin = json_u64(offsets[0], src, tensor + ": data_offsets begin");
  e.end = json_u64(offsets[1], src, tensor + ": data_offsets end");
  if (e.begin > e.end) {
    fail(src, tensor, ": data_offsets [", e.begin, ", ", e.end, "] end before they begin");
  }
  if (e.end > data_size) {
    fail(src, tensor, ": data_offsets [", e.begin, ", ", e.end,
         "] lie outside the data buffer, which has ", data_size, " bytes (truncated file?)");
  }
  if (e.end - e.begin != nbytes) {
    fail(src, tensor, " has shape ", IntArrayRef(e.shape), " and dtype ", dtype_name, " (", nbytes,
         " bytes) but its data_offsets [", e.begin, ", ", e.end, "] span ", e.end - e.begin,
         " bytes");
  }
  return e;
}

// Parses and validates the header JSON of a file of `file_size` bytes whose header is `n` bytes.
SafetensorsHeader parse_header(std::string_view json, uint64_t n, uint64_t file_size,
                               const Source& src) {
  SafetensorsHeader h;
  h.data_start = 8 + n;
  h.data_size = file_size - h.data_start;
  const Json root = parse_json(json, src);
  if (!root.is_object()) fail(src, "header must be a JSON object, not ", root.type_name());
  for (const auto& [key, value] : root.items()) {
    if (key == "__metadata__") {
      if (!value.is_object()) {
        fail(src, "\"__metadata__\" must be an object of strings, not ", value.type_name());
      }
      for (const auto& [k, v] : value.items()) {
        if (!v.is_string()) {
          fail(src, "\"__metadata__\" value of ", quote_name(k), " must be a string, not ",
               v.type_name());
        }
        h.metadata.emplace(k, v.get<std::string>());
      }
      continue;
    }
    h.entries.push_back(parse_entry(key, value, h.data_size, src));
  }

  // The tensors must tile the data buffer exactly: sorted by offsets, each begins where the
  // previous one ended, and the last ends at the end of the file (as the reference requires).
  std::sort(h.entries.begin(), h.entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  uint64_t covered = 0;
  const SafetensorsEntry* prev = nullptr;
  for (const auto& e : h.entries) {
    if (e.begin < covered) {
      fail(src, "tensors ", quote_name(prev->name), " [", prev->begin, ", ", prev->end, "] and ",
           quote_name(e.name), " [", e.begin, ", ", e.end, "] overlap");
    }
    if (e.begin > covered) {
      fail(src, "bytes [", covered, ", ", e.begin,
           ") of the data buffer belong to no tensor (data_offsets must cover the buffer without "
           "gaps)");
    }
    covered = e.end;
    prev = &e;
  }
  if (covered != h.data_size) {
    fail(src, "the data buffer has ", h.data_size, " bytes but the tensors cover only ", covered,
         " (bytes past the last tensor belong to no tensor)");
  }
  return h;
}

// Copies `bytes` (the tensor's data, already checked to have the right length) into a new tensor.
Tensor make_tensor(const SafetensorsEntry& e, const char* bytes) {
  Tensor t = empty(e.shape, TensorOptions().dtype(e.dtype));
  const uint64_t n = e.end - e.begin;
  if (n == 0) return t;
  if (e.dtype == kBool) {
    // Any non-zero byte is true; an ember bool must hold exactly 0 or 1.
    auto* out = static_cast<unsigned char*>(t.data_ptr());
    for (uint64_t i = 0; i < n; ++i) out[i] = bytes[i] != 0;
  } else {
    std::memcpy(t.data_ptr(), bytes, n);
  }
  return t;
}

// ---- files -------------------------------------------------------------------------------------

class File {
 public:
  File(const std::filesystem::path& path, const Source& src) : src_(src) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      const int err = errno;
      detail::throw_error(src.op, ": cannot open ", src.name, ": ", std::strerror(err));
    }
    // The destructor does not run when the constructor throws: close here on every failure.
    struct stat st {};
    const int rc = ::fstat(fd_, &st);
    const int err = errno;
    if (rc != 0 || !S_ISREG(st.st_mode)) ::close(fd_);
    if (rc != 0) detail::throw_error(src.op, ": cannot stat ", src.name, ": ", std::strerror(err));
    if (S_ISDIR(st.st_mode)) fail(src_, "is a directory, not a safetensors file");
    if (!S_ISREG(st.st_mode)) fail(src_, "is not a regular file");
    size_ = static_cast<uint64_t>(st.st_size);
  }
  ~File() { ::close(fd_); }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  uint64_t size() const { return size_; }

  // Reads exactly `n` bytes at `offset` into `out`.
  void read_at(char* out, uint64_t n, uint64_t offset) {
    while (n > 0) {
      const size_t chunk = static_cast<size_t>(std::min<uint64_t>(n, 1u << 30));
      const ssize_t got = ::pread(fd_, out, chunk, static_cast<off_t>(offset));
      if (got < 0) {
        if (errno == EINTR) continue;
        error("cannot read");
      }
      if (got == 0) {
        fail(src_, "unexpected end of file at byte ", offset,
             " (was the file truncated while being read?)");
      }
      out += got;
      n -= static_cast<uint64_t>(got);
      offset += static_cast<uint64_t>(got);
    }
  }

 private:
  [[noreturn]] void error(const char* what) {
    const int err = errno;
    detail::throw_error(src_.op, ": ", what, " ", src_.name, ": ", std::strerror(err));
  }
  const Source& src_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

SafetensorsHeader read_header(File& file, const Source& src) {
  if (file.size() < 8) {
    fail(src, "file has ", file.size(),
         " bytes; a safetensors file starts with an 8-byte header length");
  }
  char prefix[8];
  file.read_at(prefix, 8, 0);
  const uint64_t n = read_le64(prefix);
  check_header_length(n, file.size(), src);
  std::string json(n, '\0');
  file.read_at(json.data(), n, 8);
  return parse_header(json, n, file.size(), src);
}

}  // namespace

const char* safetensors_dtype_name(ScalarType t) {
  switch (t) {
    case kDouble:
      return "F64";
    case kFloat:
      return "F32";
    case kLong:
      return "I64";
    case kInt:
      return "I32";
    case kByte:
      return "U8";
    case kBool:
      return "BOOL";
  }
  EMBER_ERROR("safetensors: no dtype name for ", t);
}

std::optional<ScalarType> scalar_type_from_safetensors(std::string_view name) {
  for (ScalarType t : {kDouble, kFloat, kLong, kInt, kByte, kBool}) {
    if (name == safetensors_dtype_name(t)) return t;
  }
  return std::nullopt;
}

std::string serialize_safetensors(const NamedTensors& tensors,
                                  const std::map<std::string, std::string>& metadata) {
  return serialize(tensors, metadata, Source{"serialize_safetensors", "<memory>"});
}

void write_safetensors(const std::filesystem::path& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata) {
  const std::string bytes =
      serialize(tensors, metadata, Source{"write_safetensors", path.string()});
  try {
    write_file_atomic(path, bytes);
  } catch (const Error& e) {
    EMBER_ERROR("write_safetensors: ", e.what());
  }
}

SafetensorsFile parse_safetensors(std::string_view bytes, std::string_view source) {
  const Source src{"parse_safetensors", std::string(source)};
  if (bytes.size() < 8) {
    fail(src, "file has ", bytes.size(),
         " bytes; a safetensors file starts with an 8-byte header length");
  }
  const uint64_t n = read_le64(bytes.data());
  check_header_length(n, bytes.size(), src);
  SafetensorsHeader h = parse_header(bytes.substr(8, n), n, bytes.size(), src);
  SafetensorsFile out;
  out.metadata = std::move(h.metadata);
  out.tensors.reserve(h.entries.size());
  const char* data = bytes.data() + h.data_start;
  for (const auto& e : h.entries) out.tensors.emplace_back(e.name, make_tensor(e, data + e.begin));
  return out;
}

SafetensorsHeader read_safetensors_header(const std::filesystem::path& path) {
  const Source src{"read_safetensors_header", path.string()};
  File file(path, src);
  return read_header(file, src);
}

SafetensorsFile read_safetensors(const std::filesystem::path& path) {
  const Source src{"read_safetensors", path.string()};
  File file(path, src);
  SafetensorsHeader h = read_header(file, src);
  SafetensorsFile out;
  out.metadata = std::move(h.metadata);
  out.tensors.reserve(h.entries.size());
  for (const auto& e : h.entries) {
    Tensor t = empty(e.shape, TensorOptions().dtype(e.dtype));
    const uint64_t n = e.end - e.begin;
    if (n > 0) {
      char* dst = static_cast<char*>(t.data_ptr());
      file.read_at(dst, n, h.data_start + e.begin);
      if (e.dtype == kBool) {
        for (uint64_t i = 0; i < n; ++i) dst[i] = dst[i] != 0;
      }
    }
    out.tensors.emplace_back(e.name, std::move(t));
  }
  return out;
}

}  // namespace ember::io
