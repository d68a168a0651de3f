// TensorBoardWriter: CRC32C, the protobuf encoding, and a round trip through an independent reader
// (tests/train/read_tfevents.py, python3-protobuf) that checks framing, CRCs and field numbers.
#include "ember/train/tensorboard.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "ember/core/error.h"
#include "ember/train/run_logger.h"
#include "support/process.h"

namespace ember::train {
namespace {

namespace fs = std::filesystem;

fs::path make_temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "ember_tb_test_XXXXXX").string();
  EXPECT_NE(::mkdtemp(tmpl.data()), nullptr);
  return tmpl;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

bool python_has_protobuf() {
  return testing::run_command("/usr/bin/python3 -c 'import google.protobuf' >/dev/null 2>&1", false)
             .first == 0;
}

nlohmann::json read_with_python(const fs::path& file) {
  auto [rc, out] = testing::run_command(
      "/usr/bin/python3 " EMBER_SOURCE_DIR "/tests/train/read_tfevents.py '" + file.string() + "'",
      false);
  EXPECT_EQ(rc, 0) << out;
  return nlohmann::json::parse(out);
}

TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(tfevents::crc32c(""), 0u);
  EXPECT_EQ(tfevents::crc32c("123456789"), 0xE3069283u);            // the CRC-32C check value
  EXPECT_EQ(tfevents::crc32c(std::string(32, '\0')), 0x8A9136AAu);  // RFC 3720 B.4
  EXPECT_EQ(tfevents::crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  // Continuing a CRC equals computing it in one go.
  EXPECT_EQ(tfevents::crc32c("6789", tfevents::crc32c("12345")), 0xE3069283u);
}

TEST(TfEvents, FramesRecordsWithLengthAndMaskedCrcs) {
  const std::string rec = tfevents::frame_record("abc");
  ASSERT_EQ(rec.size(), 8u + 4u + 3u + 4u);
  EXPECT_EQ(rec.substr(0, 8), std::string("\x03\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(rec.substr(12, 3), "abc");
  uint32_t crc = tfevents::crc32c("abc");
  uint32_t masked = ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
  uint32_t stored;
  std::memcpy(&stored, rec.data() + 15, 4);
  EXPECT_EQ(stored, masked);
  EXPECT_EQ(masked, tfevents::masked_crc32c("abc"));
}

TEST(TfEvents, EncodesScalarEventByteForByte) {
  // Event{wall_time=1.5 (field 1, fixed64), step=300 (field 2, varint),
  //       summary (field 5) {value (field 1) {tag "a" (field 1), simple_value 0.5f (field 2)}}}
  const std::string got = tfevents::encode_scalars_event(1.5, 300, {{"a", 0.5}});
  const std::string want(
      "\x09\x00\x00\x00\x00\x00\x00\xf8\x3f"  // 0x09 = (1 << 3) | 1; 1.5 as little-endian double
      "\x10\xac\x02"                          // 0x10 = (2 << 3) | 0; 300 as varint
      "\x2a\x0a"                              // 0x2a = (5 << 3) | 2; 10 bytes
      "\x0a\x08"                              // Summary.value, 8 bytes
      "\x0a\x01"
      "a"                      // Value.tag
      "\x15\x00\x00\x00\x3f",  // 0x15 = (2 << 3) | 5; 0.5f
      9 + 3 + 2 + 2 + 3 + 5);
  EXPECT_EQ(got, want);
}

TEST(TensorBoardWriter, NamesFileAfterTimeAndHost) {
  const fs::path dir = make_temp_dir();
  TensorBoardWriter w(dir);
  const std::string name = w.path().filename().string();
  EXPECT_EQ(name.rfind("events.out.tfevents.", 0), 0u) << name;
  EXPECT_EQ(w.path().parent_path(), dir);
  // A second writer in the same second gets a different file.
  TensorBoardWriter w2(dir);
  EXPECT_NE(w.path(), w2.path());
  fs::remove_all(dir);
}

TEST(TensorBoardWriter, RejectsEmptyTag) {
  const fs::path dir = make_temp_dir();
  TensorBoardWriter w(dir);
  EXPECT_THROW(w.add_scalar("", 1, 1.0), ember::Error);
  fs::remove_all(dir);
}

TEST(TensorBoardWriter, PythonProtobufReadsItBack) {
  if (!python_has_protobuf()) GTEST_SKIP() << "/usr/bin/python3 has no google.protobuf";
  const fs::path dir = make_temp_dir();
  fs::path file;
  {
    TensorBoardWriter w(dir);
    file = w.path();
    w.add_scalar("train/loss", 0, 2.3025, 1700000000.25);
    w.add_scalars(1, {{"train/loss", 1.75}, {"lr", 1e-3}, {"val/accuracy", 0.0}}, 1700000001.5);
    w.add_scalar("grad_norm", 123456789012LL, -4.5, 1700000002.0);
    w.add_scalar("weird", -7, INFINITY, 1700000003.0);
    w.add_scalar("ünïcode/tag", 9, 3.25, 1700000004.0);
  }
  const nlohmann::json got = read_with_python(file);
  EXPECT_EQ(got["file_version"], "brain.Event:2");
  EXPECT_EQ(got["records"], 6);
  const auto& s = got["scalars"];
  ASSERT_EQ(s.size(), 7u) << got.dump();
  struct Want {
    int64_t step;
    const char* tag;
    double value;
    double wall_time;
  };
  const Want want[] = {
      {0, "train/loss", 2.3025, 1700000000.25},
      {1, "train/loss", 1.75, 1700000001.5},
      {1, "lr", 1e-3, 1700000001.5},
      {1, "val/accuracy", 0.0, 1700000001.5},
      {123456789012LL, "grad_norm", -4.5, 1700000002.0},
  };
  for (size_t i = 0; i < std::size(want); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(s[i]["step"].get<int64_t>(), want[i].step);
    EXPECT_EQ(s[i]["tag"], want[i].tag);
    EXPECT_FLOAT_EQ(s[i]["value"].get<float>(), static_cast<float>(want[i].value));
    EXPECT_DOUBLE_EQ(s[i]["wall_time"].get<double>(), want[i].wall_time);
  }
  EXPECT_EQ(s[5]["step"], -7);
  EXPECT_EQ(s[5]["value"], "inf");
  EXPECT_EQ(s[6]["tag"], "ünïcode/tag");
  fs::remove_all(dir);
}

TEST(TensorBoardWriter, PythonReaderRejectsCorruptedFile) {
  if (!python_has_protobuf()) GTEST_SKIP() << "/usr/bin/python3 has no google.protobuf";
  const fs::path dir = make_temp_dir();
  fs::path file;
  {
    TensorBoardWriter w(dir);
    file = w.path();
    w.add_scalar("loss", 1, 0.5);
  }
  std::string bytes = read_file(file);
  bytes[bytes.size() - 6] ^= 0x01;  // flip a bit inside the last record's data
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  auto [rc, out] =
      testing::run_command("/usr/bin/python3 " EMBER_SOURCE_DIR "/tests/train/read_tfevents.py '" +
                               file.string() + "' 2>/dev/null",
                           false);
  EXPECT_EQ(rc, 1) << out;
  fs::remove_all(dir);
}

TEST(RunLogger, TensorBoardMirrorHasEveryScalarOfMetricsJsonl) {
  if (!python_has_protobuf()) GTEST_SKIP() << "/usr/bin/python3 has no google.protobuf";
  const fs::path dir = make_temp_dir();
  fs::path event_file;
  {
    RunLogger run(dir);
    event_file = run.event_file();
    for (int step = 1; step <= 30; ++step) {
      run.log_scalars(step, {{"train/loss", 2.0 / step}, {"lr", 0.1}});
      if (step % 10 == 0) run.log_scalar("val/loss", step, 2.5 / step);
    }
  }
  const nlohmann::json got = read_with_python(event_file);
  std::ifstream metrics(dir / "metrics.jsonl");
  size_t i = 0;
  for (std::string line; std::getline(metrics, line);) {
    const auto rec = nlohmann::ordered_json::parse(line);
    for (const auto& [tag, value] : rec.items()) {
      if (tag == "step" || tag == "wall_time") continue;
      ASSERT_LT(i, got["scalars"].size());
      const auto& s = got["scalars"][i++];
      EXPECT_EQ(s["tag"], tag);
      EXPECT_EQ(s["step"], rec["step"]);
      EXPECT_FLOAT_EQ(s["value"].get<float>(), value.get<float>());
      EXPECT_DOUBLE_EQ(s["wall_time"].get<double>(), rec["wall_time"].get<double>());
    }
  }
  EXPECT_EQ(i, 30u * 2 + 3);
  EXPECT_EQ(got["scalars"].size(), i);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ember::train
