// TensorBoard event files: TFRecord framing, CRC32C and a hand-written protobuf encoder for the
// handful of fields a scalar summary needs.
//
// Field numbers (tensorflow/core/util/event.proto and framework/summary.proto):
//   Event         { double wall_time = 1; int64 step = 2;
//                   oneof what { string file_version = 3; Summary summary = 5; ... } }
//   Summary       { repeated Value value = 1; }
//   Summary.Value { string tag = 1; oneof value { float simple_value = 2; ... } }
#include "ember/train/tensorboard.h"

#include <unistd.h>

#include <array>
#include <bit>
#include <chrono>
#include <cstring>
#include <string>

#include "ember/core/error.h"

namespace ember::train {

double unix_time_now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

namespace tfevents {
namespace {

constexpr std::array<uint32_t, 256> make_crc32c_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrc32cTable = make_crc32c_table();

// Protobuf wire types.
constexpr uint32_t kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5;

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_key(std::string& out, uint32_t field, uint32_t wire_type) {
  put_varint(out, (static_cast<uint64_t>(field) << 3) | wire_type);
}

template <class T>
void put_little_endian(std::string& out, T v) {
  static_assert(std::endian::native == std::endian::little, "big-endian hosts need a byte swap");
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));
  out.append(bytes, sizeof(T));
}

void put_bytes(std::string& out, uint32_t field, std::string_view bytes) {
  put_key(out, field, kLengthDelimited);
  put_varint(out, bytes.size());
  out.append(bytes);
}

// wall_time = 1 and step = 2, the fields every Event starts with. proto3 omits a zero step.
void put_event_header(std::string& out, double wall_time, int64_t step) {
  put_key(out, 1, kFixed64);
  put_little_endian(out, wall_time);
  if (step != 0) {
    put_key(out, 2, kVarint);
    put_varint(out, static_cast<uint64_t>(step));  // int64: two's complement, 10 bytes if < 0
  }
}

}  // namespace

uint32_t crc32c(std::string_view data, uint32_t crc) {
  crc = ~crc;
  for (unsigned char byte : data) crc = kCrc32cTable[(crc ^ byte) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

uint32_t masked_crc32c(std::string_view data) {
  uint32_t crc = crc32c(data);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

std::string frame_record(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 16);
  put_little_endian(out, static_cast<uint64_t>(data.size()));
  put_little_endian(out, masked_crc32c(out));  // CRC of the 8 length bytes
  out.append(data);
  put_little_endian(out, masked_crc32c(data));
  return out;
}

std::string encode_file_version_event(double wall_time, std::string_view file_version) {
  std::string event;
  put_event_header(event, wall_time, 0);
  put_bytes(event, 3, file_version);
  return event;
}

std::string encode_scalars_event(double wall_time, int64_t step, const ScalarList& values) {
  std::string summary, value;
  for (const auto& [tag, v] : values) {
    EMBER_CHECK(!tag.empty(), "TensorBoardWriter: empty tag at step ", step);
    value.clear();
    put_bytes(value, 1, tag);
    put_key(value, 2, kFixed32);
    put_little_endian(value, static_cast<float>(v));
    put_bytes(summary, 1, value);
  }
  std::string event;
  put_event_header(event, wall_time, step);
  put_bytes(event, 5, summary);
  return event;
}

}  // namespace tfevents

namespace {

std::string hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return "localhost";
  std::string name = buf;
  for (char& c : name)
    if (c == '/') c = '_';
  return name;
}

std::filesystem::path new_event_file(const std::filesystem::path& dir, double now) {
  std::filesystem::create_directories(dir);
  const std::string base =
      "events.out.tfevents." + std::to_string(static_cast<int64_t>(now)) + "." + hostname();
  std::filesystem::path path = dir / base;
  for (int i = 1; std::filesystem::exists(path); ++i) path = dir / (base + "." + std::to_string(i));
  return path;
}

}  // namespace

TensorBoardWriter::TensorBoardWriter(const std::filesystem::path& dir) {
  const double now = unix_time_now();
  std::filesystem::path path;
  try {
    path = new_event_file(dir, now);
  } catch (const std::filesystem::filesystem_error& e) {
    EMBER_ERROR("TensorBoardWriter: cannot create directory ", dir.string(), ": ",
                e.code().message());
  }
  file_ = io::AppendFile(path);
  write_record(tfevents::encode_file_version_event(now, "brain.Event:2"));
}

void TensorBoardWriter::add_scalar(std::string_view tag, int64_t step, double value,
                                   std::optional<double> wall_time) {
  add_scalars(step, {{std::string(tag), value}}, wall_time);
}

void TensorBoardWriter::add_scalars(int64_t step, const ScalarList& values,
                                    std::optional<double> wall_time) {
  if (values.empty()) return;
  write_record(tfevents::encode_scalars_event(wall_time.value_or(unix_time_now()), step, values));
}

void TensorBoardWriter::write_record(std::string_view data) {
  file_.append(tfevents::frame_record(data));
}

}  // namespace ember::train
