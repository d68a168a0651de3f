// Interop with PyTorch and numpy (Debian's python3-torch, no `safetensors` package): a file
// written from torch tensors by tests/io/safetensors_interop.py reads back in ember, ember's own
// file for the same tensors is byte-identical to it, and numpy reads ember's file back. Skipped
// when /usr/bin/python3 lacks torch or numpy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <utility>

#include "ember/io/safetensors.h"
#include "support/support.h"

namespace ember {
namespace {

using testing::from_values;
using testing::run_command;
using testing::same_tensor;
using testing::TempDir;

const char kScript[] = EMBER_SOURCE_DIR "/tests/io/safetensors_interop.py";

bool python_has_torch_and_numpy() {
  static const bool ok = run_command("/usr/bin/python3 -c 'import torch, numpy'").first == 0;
  return ok;
}

// The tensors of safetensors_interop.py's expected(), built in C++.
io::NamedTensors expected() {
  return {
      {"weight", from_values<float>({-1, -0.5f, 0, 0.5f, 1, 1.5f}, {2, 3})},
      {"double", from_values<double>({0.125, -2.5, 1e300, -1e-300}, {2, 2})},
      {"steps", from_values<int64_t>({-(int64_t{1} << 40), 0, (int64_t{1} << 40) + 1}, {3})},
      {"ints", from_values<int32_t>({-7, 0, 2147483647}, {3})},
      {"bytes", from_values<uint8_t>({0, 1, 255}, {3})},
      {"mask", from_values<bool>({true, false, true}, {3})},
      {"scalar", from_values<float>({3.5f}, {})},
      {"empty", from_values<float>({}, {0, 3})},
  };
}

const std::map<std::string, std::string> kMetadata = {{"format", "pt"},
                                                      {"source", "ember interop"}};

TEST(SafetensorsInterop, ReadsAFileWrittenFromTorchTensorsByteForByte) {
  if (!python_has_torch_and_numpy()) GTEST_SKIP() << "/usr/bin/python3 lacks torch or numpy";
  TempDir dir;
  const auto path = dir / "torch.safetensors";
  auto [rc, out] =
      run_command(std::string("/usr/bin/python3 ") + kScript + " write '" + path.string() + "'");
  ASSERT_EQ(rc, 0) << out;
  io::SafetensorsFile file = io::read_safetensors(path);
  EXPECT_EQ(file.metadata, kMetadata);
  std::map<std::string, Tensor> got(file.tensors.begin(), file.tensors.end());
  ASSERT_EQ(got.size(), expected().size());
  for (const auto& [name, t] : expected()) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(got.count(name));
    EXPECT_TRUE(same_tensor(got[name], t));
  }
  // The Python writer follows the reference layout, so ember writes the very same bytes.
  EXPECT_EQ(io::serialize_safetensors(expected(), kMetadata), testing::read_bytes(path));
}

TEST(SafetensorsInterop, NumpyReadsEmbersFile) {
  if (!python_has_torch_and_numpy()) GTEST_SKIP() << "/usr/bin/python3 lacks torch or numpy";
  TempDir dir;
  const auto path = dir / "ember.safetensors";
  io::write_safetensors(path, expected(), kMetadata);
  auto [rc, out] =
      run_command(std::string("/usr/bin/python3 ") + kScript + " check '" + path.string() + "'");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "ok\n");
}

}  // namespace
}  // namespace ember
