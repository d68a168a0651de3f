// safetensors: exact bytes against the format (the reference library's own test vectors), round
// trips of every dtype and shape kind, and one test per malformed-file check of the reader.
#include "ember/io/safetensors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <limits>

#include "io/io_test_util.h"
#include "support/support.h"

namespace ember {
namespace {

using io::NamedTensors;
using io_test::bytes_of;
using io_test::le64;
using io_test::make_file;
using testing::error_message;
using testing::from_values;
using ::testing::HasSubstr;
using testing::same_tensor;
using ::testing::StartsWith;
using testing::TempDir;

// ---- exact bytes -------------------------------------------------------------------------------

// The reference library's test_serialization: one F32 tensor [1, 2, 3] holding 0..5. The header is
// exactly 64 bytes, so no padding.
TEST(SafetensorsBytes, OneTensorMatchesTheSpecByteForByte) {
  Tensor t = from_values<float>({0, 1, 2, 3, 4, 5}, {1, 2, 3});
  const std::string out = io::serialize_safetensors({{"attn.0", t}});
  const std::string json = R"({"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}})";
  ASSERT_EQ(json.size(), 64u);
  const unsigned char n[8] = {64, 0, 0, 0, 0, 0, 0, 0};
  // 0.0f 1.0f 2.0f 3.0f 4.0f 5.0f as IEEE-754 little-endian: 0x00000000 0x3f800000 0x40000000
  // 0x40400000 0x40800000 0x40a00000.
  const unsigned char data[24] = {0, 0, 0,  0,  0, 0, 128, 63, 0, 0, 0,   64,
                                  0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64};
  const std::string expected = std::string(reinterpret_cast<const char*>(n), 8) + json +
                               std::string(reinterpret_cast<const char*>(data), 24);
  EXPECT_EQ(out, expected);
}

// test_serialization_forced_alignement: a 65-byte header gets 7 spaces so the data starts at 80.
TEST(SafetensorsBytes, HeaderIsPaddedWithSpacesToEightBytes) {
  Tensor t = from_values<float>({0, 1, 2, 3, 4, 5}, {1, 1, 2, 3});
  const std::string out = io::serialize_safetensors({{"attn0", t}});
  const std::string json = R"({"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}})";
  ASSERT_EQ(json.size(), 65u);
  EXPECT_EQ(out, le64(72) + json + "       " + bytes_of<float>({0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(out.size() % 8, 0u);
}

// test_empty: no tensors is "{}" plus six spaces; metadata comes first as "__metadata__".
TEST(SafetensorsBytes, EmptyFileAndMetadata) {
  EXPECT_EQ(io::serialize_safetensors({}), le64(8) + "{}      ");
  EXPECT_EQ(io::serialize_safetensors({}, {{"framework", "pt"}}),
            le64(40) + R"({"__metadata__":{"framework":"pt"}})" + "     ");
}

// The reference lays tensors out by descending dtype (I64 F64 F32 I32 U8 BOOL), then by name.
TEST(SafetensorsBytes, LayoutOrderIsDtypeThenName) {
  NamedTensors tensors = {
      {"b_bool", from_values<bool>({true}, {1})}, {"f32_b", from_values<float>({1}, {1})},
      {"u8", from_values<uint8_t>({7}, {1})},     {"f64", from_values<double>({2}, {1})},
      {"i32", from_values<int32_t>({3}, {1})},    {"f32_a", from_values<float>({4}, {1})},
      {"i64", from_values<int64_t>({5}, {1})},    {"a_bool", from_values<bool>({false}, {1})},
  };
  const std::string out = io::serialize_safetensors(tensors, {{"k", "v"}});
  const std::string json = R"({"__metadata__":{"k":"v"},)"
                           R"("i64":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},)"
                           R"("f64":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},)"
                           R"("f32_a":{"dtype":"F32","shape":[1],"data_offsets":[16,20]},)"
                           R"("f32_b":{"dtype":"F32","shape":[1],"data_offsets":[20,24]},)"
                           R"("i32":{"dtype":"I32","shape":[1],"data_offsets":[24,28]},)"
                           R"("u8":{"dtype":"U8","shape":[1],"data_offsets":[28,29]},)"
                           R"("a_bool":{"dtype":"BOOL","shape":[1],"data_offsets":[29,30]},)"
                           R"("b_bool":{"dtype":"BOOL","shape":[1],"data_offsets":[30,31]}})";
  const std::string data = bytes_of<int64_t>({5}) + bytes_of<double>({2}) +
                           bytes_of<float>({4, 1}) + bytes_of<int32_t>({3}) +
                           std::string("\x07\x00\x01", 3);
  EXPECT_EQ(out, make_file(json, data));
  // Read order is file order.
  io::SafetensorsFile back = io::parse_safetensors(out);
  std::vector<std::string> names;
  for (const auto& [name, t] : back.tensors) names.push_back(name);
  EXPECT_THAT(names, ::testing::ElementsAre("i64", "f64", "f32_a", "f32_b", "i32", "u8", "a_bool",
                                            "b_bool"));
}

// Strings are escaped as serde_json does; non-ASCII UTF-8 is written as is.
TEST(SafetensorsBytes, StringsAreEscapedLikeSerdeJson) {
  const std::string name = "q\"b\\\b\f\n\r\t\x01\x7f\xc3\xa9";
  const std::string out = io::serialize_safetensors({{name, from_values<uint8_t>({1}, {1})}});
  const std::string json =
      "{\"q\\\"b\\\\\\b\\f\\n\\r\\t\\u0001\x7f\xc3\xa9\":"
      R"({"dtype":"U8","shape":[1],"data_offsets":[0,1]}})";
  EXPECT_EQ(out, make_file(json, "\x01"));
  EXPECT_EQ(io::parse_safetensors(out).tensors.at(0).first, name);
}

TEST(SafetensorsBytes, DtypeNames) {
  EXPECT_STREQ(io::safetensors_dtype_name(kDouble), "F64");
  EXPECT_STREQ(io::safetensors_dtype_name(kFloat), "F32");
  EXPECT_STREQ(io::safetensors_dtype_name(kLong), "I64");
  EXPECT_STREQ(io::safetensors_dtype_name(kInt), "I32");
  EXPECT_STREQ(io::safetensors_dtype_name(kByte), "U8");
  EXPECT_STREQ(io::safetensors_dtype_name(kBool), "BOOL");
  EXPECT_EQ(io::scalar_type_from_safetensors("I32"), kInt);
  EXPECT_EQ(io::scalar_type_from_safetensors("F16"), std::nullopt);
}

// ---- round trips -------------------------------------------------------------------------------

NamedTensors all_kinds() {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  return {
      {"f64", from_values<double>({1.5, -0.0, inf, -inf, nan, 1e-310}, {2, 3})},
      {"f32",
       from_values<float>({3.25f, -1e-40f, 1e38f, std::numeric_limits<float>::quiet_NaN()}, {4})},
      {"i64", from_values<int64_t>(
                  {std::numeric_limits<int64_t>::min(), -1, 0, std::numeric_limits<int64_t>::max()},
                  {2, 1, 2})},
      {"i32", from_values<int32_t>({std::numeric_limits<int32_t>::min(), 7}, {2})},
      {"u8", from_values<uint8_t>({0, 128, 255}, {3, 1})},
      {"bool", from_values<bool>({true, false, true, true}, {2, 2})},
      {"scalar", scalar_tensor(2.5, TensorOptions().dtype(kDouble))},
      {"scalar_i", scalar_tensor(-3, TensorOptions().dtype(kInt))},
      {"empty", empty({0, 3}, TensorOptions().dtype(kFloat))},
      {"empty_b", empty({5, 0}, TensorOptions().dtype(kBool))},
  };
}

TEST(SafetensorsRoundTrip, EveryDtypeAndShapeKindThroughAFile) {
  TempDir dir;
  const auto path = dir / "all.safetensors";
  const NamedTensors in = all_kinds();
  const std::map<std::string, std::string> meta = {
      {"format", "pt"}, {"note", "ünïcödé \"quoted\"\n"}, {"", "empty key"}};
  io::write_safetensors(path, in, meta);
  io::SafetensorsFile out = io::read_safetensors(path);
  EXPECT_EQ(out.metadata, meta);
  ASSERT_EQ(out.tensors.size(), in.size());
  std::map<std::string, Tensor> by_name(out.tensors.begin(), out.tensors.end());
  for (const auto& [name, t] : in) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(by_name.count(name));
    EXPECT_TRUE(same_tensor(by_name[name], t));
  }
  EXPECT_EQ(by_name["scalar"].dim(), 0);
  EXPECT_EQ(testing::read_bytes(path), io::serialize_safetensors(in, meta));
  // parse_safetensors on the same bytes gives the same tensors in the same order.
  io::SafetensorsFile parsed = io::parse_safetensors(testing::read_bytes(path));
  ASSERT_EQ(parsed.tensors.size(), out.tensors.size());
  for (size_t i = 0; i < parsed.tensors.size(); ++i) {
    EXPECT_EQ(parsed.tensors[i].first, out.tensors[i].first);
    EXPECT_TRUE(same_tensor(parsed.tensors[i].second, out.tensors[i].second));
  }
}

TEST(SafetensorsRoundTrip, NonContiguousInputsAreSavedContiguous) {
  Tensor base = from_values<float>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {3, 4});
  Tensor transposed = base.t();                                     // [4, 3], strides [1, 4]
  Tensor strided = base.slice(1, 0, 4, 2);                          // [3, 2], every other column
  Tensor offset = base.select(0, 2);                                // [4] at storage offset 8
  Tensor expanded = base.select(1, 1).unsqueeze(1).expand({3, 2});  // stride 0
  ASSERT_FALSE(transposed.is_contiguous());
  const std::string bytes = io::serialize_safetensors(
      {{"t", transposed}, {"s", strided}, {"o", offset}, {"e", expanded}});
  io::SafetensorsFile back = io::parse_safetensors(bytes);
  std::map<std::string, Tensor> m(back.tensors.begin(), back.tensors.end());
  EXPECT_TRUE(
      same_tensor(m["t"], from_values<float>({0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, {4, 3})));
  EXPECT_TRUE(same_tensor(m["s"], from_values<float>({0, 2, 4, 6, 8, 10}, {3, 2})));
  EXPECT_TRUE(same_tensor(m["o"], from_values<float>({8, 9, 10, 11}, {4})));
  EXPECT_TRUE(same_tensor(m["e"], from_values<float>({1, 1, 5, 5, 9, 9}, {3, 2})));
  for (const auto& [name, t] : back.tensors) EXPECT_TRUE(t.is_contiguous()) << name;
}

TEST(SafetensorsRoundTrip, TensorsThatRequireGradAreSavedAsData) {
  Tensor w = from_values<double>({1, 2}, {2});
  w.set_requires_grad(true);
  Tensor y = w * 3.0;  // a non-leaf with grad_fn
  io::SafetensorsFile back = io::parse_safetensors(io::serialize_safetensors({{"w", w}, {"y", y}}));
  for (const auto& [name, t] : back.tensors) EXPECT_FALSE(t.requires_grad()) << name;
  EXPECT_TRUE(same_tensor(back.tensors[1].second, from_values<double>({3, 6}, {2})));
}

TEST(SafetensorsRoundTrip, HeaderOnlyRead) {
  TempDir dir;
  io::write_safetensors(dir / "h.safetensors", all_kinds(), {{"a", "b"}});
  io::SafetensorsHeader h = io::read_safetensors_header(dir / "h.safetensors");
  EXPECT_EQ(h.metadata.at("a"), "b");
  ASSERT_EQ(h.entries.size(), all_kinds().size());
  EXPECT_EQ(h.entries[0].name, "i64");  // first in layout order
  EXPECT_EQ(h.entries[0].dtype, kLong);
  EXPECT_EQ(h.entries[0].shape, (std::vector<int64_t>{2, 1, 2}));
  EXPECT_EQ(h.entries[0].begin, 0u);
  EXPECT_EQ(h.entries[0].end, 32u);
  EXPECT_EQ(h.data_start % 8, 0u);
  EXPECT_EQ(h.data_start + h.data_size, testing::read_bytes(dir / "h.safetensors").size());
}

// Files written by other tools may list tensors in any order and add unknown fields; only the
// offsets decide the layout.
TEST(SafetensorsRead, AcceptsAnyKeyOrderAndIgnoresUnknownFields) {
  const std::string json =
      R"({"b":{"shape":[1],"data_offsets":[4,8],"dtype":"I32","extra":{"x":[1,2]}},)"
      R"( "__metadata__" : {"k":"v"}, "a":{"dtype":"I32","shape":[],"data_offsets":[0,4]}})";
  io::SafetensorsFile f = io::parse_safetensors(make_file(json, bytes_of<int32_t>({11, 22})));
  ASSERT_EQ(f.tensors.size(), 2u);
  EXPECT_EQ(f.tensors[0].first, "a");
  EXPECT_TRUE(same_tensor(f.tensors[0].second, scalar_tensor(11, TensorOptions().dtype(kInt))));
  EXPECT_TRUE(same_tensor(f.tensors[1].second, from_values<int32_t>({22}, {1})));
  EXPECT_EQ(f.metadata.at("k"), "v");
}

TEST(SafetensorsRead, BoolBytesOtherThanOneReadAsTrue) {
  const std::string file = make_file(R"({"b":{"dtype":"BOOL","shape":[4],"data_offsets":[0,4]}})",
                                     std::string("\0\1\2\xff", 4));
  Tensor b = io::parse_safetensors(file).tensors[0].second;
  const auto* raw = static_cast<const unsigned char*>(b.data_ptr());
  EXPECT_EQ(std::vector<int>(raw, raw + 4), (std::vector<int>{0, 1, 1, 1}));
  TempDir dir;
  testing::write_bytes(dir / "b.safetensors", file);
  Tensor c = io::read_safetensors(dir / "b.safetensors").tensors[0].second;
  const auto* raw_c = static_cast<const unsigned char*>(c.data_ptr());
  EXPECT_EQ(std::vector<int>(raw_c, raw_c + 4), (std::vector<int>{0, 1, 1, 1}));
}

// ---- malformed files: every check, through both parse_safetensors and read_safetensors --------

struct BadFile {
  const char* what;
  std::string bytes;
  const char* message;  // expected substring
};

std::vector<BadFile> bad_files() {
  const std::string f32x2 = bytes_of<float>({1, 2});
  const auto one = [](const std::string& entry) { return "{\"t\":" + entry + "}"; };
  return {
      {"shorter than 8 bytes", std::string("\x08\0\0", 3),
       "file has 3 bytes; a safetensors file starts with"},
      {"header length past EOF", le64(100) + "{}",
       "header length 100 runs past the end of the file (the file has 10 bytes"},
      {"header length absurd", le64(uint64_t{1} << 62) + "{}", "exceeds the limit of 100000000"},
      {"truncated data",
       make_file(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0,8]})"), "abcd"),
       "data_offsets [0, 8] lie outside the data buffer, which has 4 bytes (truncated file?)"},
      {"bad JSON", make_file(R"({"t":{"dtype":"F32",)"), "header is not valid JSON: parse error"},
      {"trailing garbage", le64(8) + "{}  xx  ", "header is not valid JSON"},
      {"NUL padding", le64(8) + std::string("{}\0\0\0\0\0\0", 8),
       "header is not valid JSON: NUL byte at offset 2 of the header"},
      {"NUL then more JSON", make_file(std::string("{}\0{\"t\":1}", 10)), "NUL byte at offset 2"},
      {"byte-order mark", make_file("\xEF\xBB\xBF{}"), "starts with a UTF-8 byte-order mark"},
      {"invalid UTF-8", make_file("{\"\xff\":1}"), "header is not valid JSON"},
      {"not an object", make_file("[1,2]"), "header must be a JSON object, not array"},
      {"duplicate tensor",
       make_file(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                 R"("t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})",
                 "x"),
       "duplicate key 't' in the header"},
      {"duplicate field",
       make_file(one(R"({"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]})"), "x"),
       "duplicate key 'dtype'"},
      {"deep nesting",
       make_file("{\"t\":{\"x\":" + std::string(100, '[') + std::string(100, ']') + "}}"),
       "header nests JSON deeper than 64 levels"},
      {"metadata not object", make_file(R"({"__metadata__":[1]})"),
       "\"__metadata__\" must be an object of strings, not array"},
      {"metadata value not string", make_file(R"({"__metadata__":{"epoch":3}})"),
       "\"__metadata__\" value of 'epoch' must be a string, not number"},
      {"entry not object", make_file(R"({"t":[1]})"),
       "tensor 't': entry must be a JSON object, not array"},
      {"missing dtype", make_file(one(R"({"shape":[2],"data_offsets":[0,8]})"), f32x2),
       "tensor 't': missing \"dtype\""},
      {"missing shape", make_file(one(R"({"dtype":"F32","data_offsets":[0,8]})"), f32x2),
       "tensor 't': missing \"shape\""},
      {"missing offsets", make_file(one(R"({"dtype":"F32","shape":[2]})"), f32x2),
       "tensor 't': missing \"data_offsets\""},
      {"unknown dtype",
       make_file(one(R"({"dtype":"F17","shape":[2],"data_offsets":[0,8]})"), f32x2),
       "tensor 't': unknown dtype 'F17'"},
      {"lowercase dtype",
       make_file(one(R"({"dtype":"f32","shape":[2],"data_offsets":[0,8]})"), f32x2),
       "unknown dtype 'f32'"},
      {"unsupported dtype",
       make_file(one(R"({"dtype":"F16","shape":[4],"data_offsets":[0,8]})"), f32x2),
       "tensor 't': dtype F16 is not supported by ember (supported: F64 F32 I64 I32 U8 BOOL)"},
      {"dtype not string", make_file(one(R"({"dtype":4,"shape":[2],"data_offsets":[0,8]})"), f32x2),
       "\"dtype\" must be a string, not number"},
      {"shape not array",
       make_file(one(R"({"dtype":"F32","shape":2,"data_offsets":[0,8]})"), f32x2),
       "\"shape\" must be an array, not number"},
      {"negative dim",
       make_file(one(R"({"dtype":"F32","shape":[-2],"data_offsets":[0,8]})"), f32x2),
       "shape entry must be a non-negative integer, not -2"},
      {"fractional dim",
       make_file(one(R"({"dtype":"F32","shape":[2.0],"data_offsets":[0,8]})"), f32x2),
       "shape entry must be a non-negative integer, not 2.0"},
      {"overflowing shape",
       make_file(one(R"({"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]})"),
                 f32x2),
       "is too large (overflows int64)"},
      {"dim past int64",
       make_file(one(R"({"dtype":"U8","shape":[0,9223372036854775808],"data_offsets":[0,0]})")),
       "is too large"},
      {"offsets not pair",
       make_file(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0,4,8]})"), f32x2),
       "\"data_offsets\" must be an array [begin, end], not [0,4,8]"},
      {"negative offset",
       make_file(one(R"({"dtype":"F32","shape":[2],"data_offsets":[-1,8]})"), f32x2),
       "data_offsets begin must be a non-negative integer"},
      {"huge offset",
       make_file(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551616]})"),
                 f32x2),
       "data_offsets end must be a non-negative integer"},
      {"offsets reversed",
       make_file(one(R"({"dtype":"F32","shape":[0],"data_offsets":[8,0]})"), f32x2),
       "data_offsets [8, 0] end before they begin"},
      {"offsets out of range",
       make_file(one(R"({"dtype":"F32","shape":[2],"data_offsets":[1000,1008]})"), f32x2),
       "data_offsets [1000, 1008] lie outside the data buffer, which has 8 bytes"},
      {"shape/offsets mismatch",
       make_file(one(R"({"dtype":"F32","shape":[2,3],"data_offsets":[0,8]})"), f32x2),
       "tensor 't' has shape [2, 3] and dtype F32 (24 bytes) but its data_offsets [0, 8] span 8 "
       "bytes"},
      {"overlap",
       make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                 R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                 f32x2),
       "tensors 'a' [0, 8] and 'b' [4, 8] overlap"},
      {"same bytes twice",
       make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                 R"("b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                 f32x2),
       "tensors 'a' [0, 8] and 'b' [0, 8] overlap"},
      {"gap",
       make_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                 R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                 f32x2 + "xxxx"),
       "bytes [4, 8) of the data buffer belong to no tensor"},
      {"gap at start", make_file(one(R"({"dtype":"F32","shape":[1],"data_offsets":[4,8]})"), f32x2),
       "bytes [0, 4) of the data buffer belong to no tensor"},
      {"trailing bytes",
       make_file(one(R"({"dtype":"F32","shape":[1],"data_offsets":[0,4]})"), f32x2),
       "the data buffer has 8 bytes but the tensors cover only 4"},
      {"data without tensors", make_file("{}", "abc"),
       "the data buffer has 3 bytes but the tensors cover only 0"},
  };
}

TEST(SafetensorsRead, EveryMalformedFileGivesAClearError) {
  TempDir dir;
  const auto path = dir / "bad.safetensors";
  for (const BadFile& bad : bad_files()) {
    SCOPED_TRACE(bad.what);
    const std::string parsed =
        error_message([&] { io::parse_safetensors(bad.bytes, "mem.safetensors"); });
    EXPECT_THAT(parsed, StartsWith("parse_safetensors: mem.safetensors: "));
    EXPECT_THAT(parsed, HasSubstr(bad.message));
    testing::write_bytes(path, bad.bytes);
    const std::string read = error_message([&] { io::read_safetensors(path); });
    EXPECT_THAT(read, StartsWith("read_safetensors: " + path.string() + ": "));
    EXPECT_THAT(read, HasSubstr(bad.message));
    const std::string header = error_message([&] { io::read_safetensors_header(path); });
    EXPECT_THAT(header, HasSubstr(bad.message));
  }
}

TEST(SafetensorsRead, EveryTruncationOfAValidFileIsRejected) {
  const std::string good = io::serialize_safetensors(all_kinds(), {{"k", "v"}});
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_THROW(io::parse_safetensors(std::string_view(good).substr(0, n)), Error) << n;
  }
  EXPECT_THROW(io::parse_safetensors(good + "x"), Error);
}

TEST(SafetensorsRead, LongNamesAreShortenedInMessages) {
  const std::string name(1000, 'n');
  const std::string msg = error_message([&] {
    io::parse_safetensors(
        make_file("{\"" + name + R"(":{"dtype":"X","shape":[],"data_offsets":[0,0]}})"));
  });
  EXPECT_THAT(msg, HasSubstr("'" + std::string(120, 'n') + "...'"));
  EXPECT_LT(msg.size(), 400u);
}

TEST(SafetensorsRead, MissingFileAndDirectoryNameTheErrno) {
  TempDir dir;
  EXPECT_EQ(error_message([&] { io::read_safetensors(dir / "nope.safetensors"); }),
            "read_safetensors: cannot open " + (dir / "nope.safetensors").string() +
                ": No such file or directory");
  EXPECT_EQ(
      error_message([&] { io::read_safetensors(dir.path()); }),
      "read_safetensors: " + dir.path().string() + ": is a directory, not a safetensors file");
}

// Failed reads close what they opened.
TEST(SafetensorsRead, FailedReadsLeakNoFileDescriptors) {
  auto open_fds = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                         std::filesystem::directory_iterator());
  };
  TempDir dir;
  testing::write_bytes(dir / "bad.safetensors", make_file("{\"t\":1}"));
  const auto before = open_fds();
  for (int i = 0; i < 20; ++i) {
    EXPECT_THROW(io::read_safetensors(dir.path()), Error);
    EXPECT_THROW(io::read_safetensors(dir / "bad.safetensors"), Error);
    EXPECT_THROW(io::read_safetensors_header(dir / "bad.safetensors"), Error);
  }
  EXPECT_EQ(open_fds(), before);
}

// ---- writer errors and atomicity ---------------------------------------------------------------

TEST(SafetensorsWrite, RejectsWhatTheFormatCannotHold) {
  Tensor t = from_values<float>({1}, {1});
  EXPECT_EQ(error_message([&] {
              io::serialize_safetensors({{"a", t}, {"a", t}});
            }),
            "serialize_safetensors: <memory>: duplicate tensor name 'a'");
  EXPECT_EQ(error_message([&] {
              io::serialize_safetensors({{"x", Tensor()}});
            }),
            "serialize_safetensors: <memory>: tensor 'x' is undefined");
  EXPECT_THAT(error_message([&] {
                io::serialize_safetensors({{"__metadata__", t}});
              }),
              HasSubstr("the tensor name \"__metadata__\" is reserved"));
  EXPECT_THAT(error_message([&] {
                io::serialize_safetensors({{"bad\xff", t}});
              }),
              HasSubstr("tensor name 'bad\xff' is not valid UTF-8"));
  EXPECT_THAT(error_message([&] {
                io::serialize_safetensors({}, {{"k", "\xc0\x80"}});
              }),
              HasSubstr("metadata value of 'k' is not valid UTF-8"));
  TempDir dir;
  EXPECT_THAT(error_message([&] {
                io::write_safetensors(dir / "w.safetensors", {{"x", Tensor()}});
              }),
              HasSubstr("write_safetensors: " + (dir / "w.safetensors").string() + ": tensor 'x'"));
  EXPECT_FALSE(std::filesystem::exists(dir / "w.safetensors"));
}

TEST(SafetensorsWrite, UnwritableDestinationsNameTheErrno) {
  TempDir dir;
  Tensor t = from_values<float>({1}, {1});
  EXPECT_THAT(
      error_message([&] {
        io::write_safetensors(dir / "no/such/dir/x.safetensors", {{"t", t}});
      }),
      HasSubstr("write_safetensors: write_file_atomic: cannot create temporary file for " +
                (dir / "no/such/dir/x.safetensors").string() + ": No such file or directory"));
  testing::write_bytes(dir / "file", "x");
  EXPECT_THAT(error_message([&] {
                io::write_safetensors(dir / "file/x.safetensors", {{"t", t}});
              }),
              HasSubstr("Not a directory"));
  if (::geteuid() != 0) {  // root ignores directory permissions
    std::filesystem::create_directory(dir / "ro");
    std::filesystem::permissions(
        dir / "ro", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    EXPECT_THAT(error_message([&] {
                  io::write_safetensors(dir / "ro/x.safetensors", {{"t", t}});
                }),
                HasSubstr("Permission denied"));
  }
}

// A write that fails half-way (a file size limit makes write(2) fail with EFBIG) leaves the
// previous file intact and no temporary file behind.
TEST(SafetensorsWrite, FailedWriteLeavesThePreviousFileIntact) {
  TempDir dir;
  const auto path = dir / "model.safetensors";
  const NamedTensors before = {{"w", from_values<float>({1, 2, 3}, {3})}};
  io::write_safetensors(path, before);
  const std::string previous = testing::read_bytes(path);

  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const std::string msg = error_message([&] {
    io::write_safetensors(path, {{"w", zeros({100000}, TensorOptions().dtype(kFloat))}});
  });
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, old_handler);

  EXPECT_THAT(msg,
              HasSubstr("write_safetensors: write_file_atomic: cannot write " + path.string()));
  EXPECT_THAT(msg, HasSubstr("File too large"));
  EXPECT_EQ(testing::read_bytes(path), previous);
  EXPECT_TRUE(same_tensor(io::read_safetensors(path).tensors.at(0).second, before[0].second));
  size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    entries += !e.is_directory();
  EXPECT_EQ(entries, 1u);
}

}  // namespace
}  // namespace ember
