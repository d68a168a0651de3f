// Malicious and broken pt archives: each one is an ember::Error naming the file and the problem,
// raised before anything is executed or allocated beyond what the file holds. Archives are built
// here with ember's own zip writer and hand-written pickles.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "ember/io/pt.h"
#include "io/pt/zip.h"
#include "io/pt_test_values.h"
#include "support/support.h"

namespace ember {
namespace {

using ::testing::AllOf;
using testing::error_message;
using testing::from_values;
using ::testing::HasSubstr;
using testing::same_tensor;

// ---- pickle pieces -----------------------------------------------------------------------------
std::string le(uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return s;
}
std::string str(const std::string& s) { return "X" + le(s.size(), 4) + s; }
std::string integer(int64_t v) { return "\x8a\x08" + le(static_cast<uint64_t>(v), 8); }
std::string tuple(const std::vector<int64_t>& xs) {
  std::string s = "(";
  for (int64_t x : xs) s += integer(x);
  return s + "t";
}
std::string pid(const std::string& cls, const std::string& key, int64_t numel) {
  return "(" + str("storage") + "ctorch\n" + cls + "\n" + str(key) + str("cpu") + integer(numel) +
         "tQ";
}
std::string tensor(const std::string& pid_bytes, int64_t offset, const std::vector<int64_t>& size,
                   const std::vector<int64_t>& stride) {
  return "ctorch._utils\n_rebuild_tensor_v2\n(" + pid_bytes + integer(offset) + tuple(size) +
         tuple(stride) + "\x89" + "ccollections\nOrderedDict\n)R" + "tR";
}
std::string pickle(const std::string& body) { return "\x80\x02" + body + "."; }

// An archive "a/..." with data.pkl, the given records and a version.
std::string archive(const std::string& pkl,
                    const std::vector<std::pair<std::string, std::string>>& records = {},
                    bool zip64 = false) {
  pt::zip::Writer w(zip64);
  w.add("a/data.pkl", pkl);
  for (const auto& [name, bytes] : records) w.add("a/" + name, bytes);
  w.add("a/version", "3\n");
  return w.finish();
}

std::string floats(std::vector<float> v) {
  std::string s(v.size() * 4, '\0');
  std::memcpy(s.data(), v.data(), s.size());
  return s;
}

std::string load_error(const std::string& bytes) {
  return error_message([&] { pt::parse(bytes, "bad.pt"); });
}

// A valid archive of one (3, 4) float tensor, for the tests to break.
const std::string kTwelve = floats({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
std::string good(int64_t offset = 0, std::vector<int64_t> size = {3, 4},
                 std::vector<int64_t> stride = {4, 1}) {
  return archive(pickle(tensor(pid("FloatStorage", "0", 12), offset, size, stride)),
                 {{"data/0", kTwelve}});
}

TEST(PtMalicious, TheBuildersMakeAValidArchive) {
  const Tensor t = pt::parse(good()).to_tensor();
  EXPECT_TRUE(same_tensor(t, arange(12, TensorOptions().dtype(kFloat)).reshape({3, 4})));
  // ZIP64 records (as files over 4 GiB get them) read the same.
  pt::zip::Reader z(archive("x", {}, true), "z64");
  ASSERT_EQ(z.entries().size(), 2u);
  EXPECT_EQ(z.read(z.entries()[0]), "x");
  EXPECT_EQ(z.entries()[0].data_offset % 64, 0u);
}

TEST(PtMalicious, GlobalsOutsideTheAllowListAreRefused) {
  const std::string system = pickle("cos\nsystem\n(" + str("echo pwned") + "tR");
  EXPECT_THAT(load_error(archive(system)),
              AllOf(HasSubstr("pt::load: bad.pt: data.pkl: global 'os.system' is not allowed"),
                    HasSubstr("at byte 2")));
  EXPECT_THAT(load_error(archive(pickle("cbuiltins\neval\n"))),
              HasSubstr("global 'builtins.eval' is not allowed"));
  EXPECT_THAT(load_error(archive(pickle("ctorch._utils\n_rebuild_sparse_tensor\n"))),
              HasSubstr("allowed by PyTorch's weights_only unpickler but not supported by ember"));
  // The evil.pt fixture (torch.save of an object whose __reduce__ is os.system).
  EXPECT_THAT(
      error_message([] { pt::load(std::string(EMBER_SOURCE_DIR) + "/tests/io/golden/evil.pt"); }),
      HasSubstr("golden/evil.pt: data.pkl: global 'posix.system' is not allowed"));
}

TEST(PtMalicious, OpcodesAndCallsOutsideTorchSaveAreRefused) {
  EXPECT_THAT(load_error(archive(pickle("i__main__\nX\n"))),
              HasSubstr("pickle opcode 0x69 ('i') is not allowed"));
  EXPECT_THAT(load_error(archive(pickle("](" + str("x") + "tR"))),
              HasSubstr("REDUCE calls a list, not a callable global"));
  EXPECT_THAT(load_error(archive(pickle("]}b"))), HasSubstr("BUILD on a list"));
  EXPECT_THAT(load_error(archive(pickle("}Na"))), HasSubstr("APPEND to a dict, not a list"));
  EXPECT_THAT(load_error(archive(pickle("ctorch\nFloatStorage\n)\x81"))),
              HasSubstr("NEWOBJ of a global (only torch.nn.Parameter is allowed)"));
  EXPECT_THAT(load_error(archive(pickle("h\x05"))), HasSubstr("memo entry 5 is not defined"));
  EXPECT_THAT(load_error(archive("\x80\x02N")), HasSubstr("truncated pickle (no STOP opcode)"));
  EXPECT_THAT(load_error(archive(pickle("a"))), HasSubstr("stack underflow"));
  EXPECT_THAT(load_error(archive(pickle("X\xff\xff\xff\xff"))),
              HasSubstr("truncated pickle: needs 4294967295 more bytes"));
  EXPECT_THAT(load_error(archive(pickle("\x8a\x09" + std::string(9, '\1')))),
              HasSubstr("integer of 9 bytes does not fit in 64 bits"));
}

TEST(PtMalicious, DeepNestingCyclesAndSharingExplosionsAreBounded) {
  EXPECT_THAT(load_error(archive(pickle(")" + std::string(100000, '\x85')))),
              HasSubstr("nested deeper than 1000"));
  // a list that holds itself
  EXPECT_THAT(load_error(archive(pickle(std::string("]q\x01h\x01") + "a"))),
              HasSubstr("nested deeper than 1000 (or a cycle)"));
  std::string doubling = "]";  // L(k+1) = [L(k), L(k)]: 2^60 items from 300 bytes
  for (int i = 0; i < 60; ++i) doubling += std::string("q\x01](h\x01h\x01") + "e";
  EXPECT_THAT(load_error(archive(pickle(doubling))),
              HasSubstr("shared containers expand to too many objects"));
  // One 64 KiB string repeated 20000 times through the memo: 1.3 GB of copies from 100 kB.
  std::string strings = str(std::string(1 << 16, 'x')) + "q\x01](";
  for (int i = 0; i < 20000; ++i) strings += "h\x01";
  EXPECT_THAT(load_error(archive(pickle(strings + "e"))),
              HasSubstr("strings repeat more bytes than the pickle can justify"));
  // 60000 dict keys (T, i), each holding one shared 10000-item tuple T.
  std::string keys = "(";
  for (int i = 0; i < 10000; ++i) keys += "N";
  keys += "tq\x01}(";
  for (int i = 0; i < 60000; ++i) keys += "h\x01J" + le(i, 4) + "\x86N";
  EXPECT_THAT(load_error(archive(pickle(keys + "u"))),
              HasSubstr("dict keys repeat more bytes than the pickle can justify"));
}

TEST(PtMalicious, TruncatedArchivesAtEveryLength) {
  const std::string bytes = good();
  for (size_t n = 0; n < bytes.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_THAT(load_error(bytes.substr(0, n)), HasSubstr("pt::load: bad.pt: "));
  }
  EXPECT_THAT(load_error(bytes.substr(0, 100)),
              HasSubstr("zip: no end-of-central-directory record (truncated or not a zip file)"));
  EXPECT_THAT(load_error(""), HasSubstr("file of 0 bytes is too short to be a zip"));
}

TEST(PtMalicious, WrongStorageSizes) {
  const std::string short_record =
      archive(pickle(tensor(pid("FloatStorage", "0", 12), 0, {3, 4}, {4, 1})),
              {{"data/0", kTwelve.substr(0, 40)}});
  EXPECT_THAT(load_error(short_record),
              HasSubstr("bad.pt: storage '0' should hold 12 Float elements (48 bytes) but its "
                        "record has 40 bytes"));
  // A storage claiming 2^61 elements: refused by its record size before any allocation.
  const std::string huge =
      archive(pickle(tensor(pid("FloatStorage", "0", int64_t{1} << 61), 0, {3}, {1})),
              {{"data/0", kTwelve}});
  EXPECT_THAT(load_error(huge), HasSubstr("storage '0' of 2305843009213693952 elements overflows"));
  const std::string big =
      archive(pickle(tensor(pid("FloatStorage", "0", int64_t{1} << 40), 0, {3}, {1})),
              {{"data/0", kTwelve}});
  EXPECT_THAT(load_error(big), HasSubstr("(4398046511104 bytes) but its record has 48 bytes"));
  EXPECT_THAT(load_error(archive(pickle(tensor(pid("FloatStorage", "0", -1), 0, {}, {})))),
              HasSubstr("storage '0' has negative size -1"));
}

TEST(PtMalicious, HugeShapesAndBadGeometry) {
  EXPECT_THAT(
      load_error(good(0, {int64_t{1} << 20, int64_t{1} << 20}, {1, 1})),
      HasSubstr("_rebuild_tensor_v2: a tensor of shape [1048576, 1048576] with strides [1, 1] "
                "at offset 0 reaches element 2097150 but its storage holds 12"));
  EXPECT_THAT(load_error(good(0, {int64_t{1} << 62, 4}, {int64_t{1} << 62, 1})),
              HasSubstr("overflows"));
  EXPECT_THAT(load_error(good(1, {3, 4}, {4, 1})),
              HasSubstr("reaches element 12 but its storage holds 12"));
  EXPECT_THAT(load_error(good(0, {3, 4}, {-4, 1})), HasSubstr("negative size or stride"));
  EXPECT_THAT(load_error(good(13, {0}, {1})),
              HasSubstr("storage offset 13 is outside the storage of 12 elements"));
  EXPECT_THAT(load_error(good(0, {3, 4}, {4})),
              HasSubstr("size has 2 dimensions but stride has 1"));
  // Empty tensors need no elements, and stride 0 (expand) reaches only the first one.
  EXPECT_EQ(pt::parse(good(12, {0, 5}, {5, 1})).to_tensor().numel(), 0);
  EXPECT_EQ(pt::parse(good(11, {1000, 1000}, {0, 0})).to_tensor().numel(), 1000000);
}

TEST(PtMalicious, BadPersistentIds) {
  auto with_pid = [](const std::string& p) {
    return archive(pickle(tensor(p, 0, {3}, {1})), {{"data/0", kTwelve}});
  };
  EXPECT_THAT(load_error(with_pid("(" + str("module") + "ctorch\nFloatStorage\n" + str("0") +
                                  str("cpu") + integer(12) + "tQ")),
              HasSubstr("persistent id is not a ('storage', ...) tuple"));
  EXPECT_THAT(load_error(with_pid("(" + str("storage") + str("0") + "tQ")),
              HasSubstr("persistent id has 2 fields, expected 5"));
  EXPECT_THAT(load_error(with_pid("(" + str("storage") + "ccollections\nOrderedDict\n" + str("0") +
                                  str("cpu") + integer(12) + "tQ")),
              HasSubstr("persistent id names a global instead of a storage class"));
  EXPECT_THAT(load_error(with_pid(str("0") + "Q")),
              HasSubstr("persistent id is a str, not a tuple"));
  EXPECT_THAT(load_error(with_pid(pid("FloatStorage", "7", 3))),
              HasSubstr("storage '7' has no record a/data/7"));
  EXPECT_THAT(
      load_error(with_pid(pid("HalfStorage", "0", 24))),
      HasSubstr("storage '0' holds float16 (torch.HalfStorage), a dtype ember does not have"));
  // One key used with two dtypes.
  const std::string two = archive(pickle("(" + tensor(pid("FloatStorage", "0", 12), 0, {3}, {1}) +
                                         tensor(pid("IntStorage", "0", 12), 0, {3}, {1}) + "t"),
                                  {{"data/0", kTwelve}});
  EXPECT_THAT(load_error(two), HasSubstr("storage '0' is used as 12 elements of Float and as 12"));
}

TEST(PtMalicious, ZipStructureProblems) {
  EXPECT_THAT(load_error(std::string(100, 'x')), HasSubstr("no end-of-central-directory record"));
  pt::zip::Writer flat;
  flat.add("data.pkl", pickle("N"));
  EXPECT_THAT(load_error(flat.finish()), HasSubstr("not a PyTorch archive (its records are not in "
                                                   "one folder; first is 'data.pkl')"));
  pt::zip::Writer no_version;
  no_version.add("a/data.pkl", pickle("N"));
  EXPECT_THAT(load_error(no_version.finish()),
              HasSubstr("not a PyTorch archive (no a/version record)"));
  // __torch__ classes are TorchScript's: outside a TorchScript archive they are refused.
  EXPECT_THAT(load_error(archive(pickle("c__torch__\nModule\n)\x81"))),
              HasSubstr("global '__torch__.Module' is not allowed"));
  // A flipped byte in a storage fails its CRC-32.
  std::string bytes = good();
  const size_t at = bytes.find(kTwelve);
  bytes[at + 5] ^= 1;
  EXPECT_THAT(load_error(bytes), HasSubstr("entry 'a/data/0': CRC-32 mismatch"));
  // Central directory claims: an offset past the file, a deflated size beyond deflate's ratio.
  std::string lie = good();
  const size_t cd = lie.rfind(std::string("PK\x01\x02", 4));
  lie[cd + 42] = '\x7f';  // the last entry's local header offset's low byte
  lie[cd + 45] = '\x7f';
  EXPECT_THAT(load_error(lie), HasSubstr("no local header at offset"));
  std::string bomb = good();
  const size_t first = bomb.find(std::string("PK\x01\x02", 4));
  bomb[first + 10] = 8;                          // method: deflate
  bomb.replace(first + 24, 4, le(1u << 30, 4));  // uncompressed size: 1 GiB
  EXPECT_THAT(load_error(bomb), HasSubstr("more than deflate can expand"));
  std::string locked = good();
  locked[first + 8] = 1;  // flags: encrypted
  EXPECT_THAT(load_error(locked), HasSubstr("is encrypted"));
}

TEST(PtMalicious, BigEndianArchivesAreSwapped) {
  std::string swapped = kTwelve;
  for (size_t i = 0; i < swapped.size(); i += 4) std::reverse(&swapped[i], &swapped[i] + 4);
  const std::string bytes = archive(pickle(tensor(pid("FloatStorage", "0", 12), 0, {3, 4}, {4, 1})),
                                    {{"byteorder", "big"}, {"data/0", swapped}});
  EXPECT_TRUE(same_tensor(pt::parse(bytes).to_tensor(),
                          arange(12, TensorOptions().dtype(kFloat)).reshape({3, 4})));
  EXPECT_THAT(load_error(archive(pickle("N"), {{"byteorder", "middle"}})),
              HasSubstr("byteorder record 'middle' is neither"));
}

TEST(PtMalicious, DeflatedArchivesRead) {
  // gen_pt.py's dtypes.pt recompressed with zipfile.ZIP_DEFLATED (torch.load reads it too).
  const pt::Value v = pt::load(std::string(EMBER_SOURCE_DIR) + "/tests/io/golden/deflated.pt");
  const io::NamedTensors want = pt_test::expected_dtypes(), got = pt::to_state_dict(v);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_TRUE(same_tensor(got[i].second, want[i].second));
}

}  // namespace
}  // namespace ember
