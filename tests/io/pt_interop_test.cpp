// pt archives both ways with Debian's python3-torch 1.13 (tests/io/pt_interop.py): files ember
// writes load in PyTorch with weights_only=True bit for bit, views still sharing storage; a
// ResNet-18-shaped state_dict written by torch.save at test time loads in ember and goes back.
// Skipped only when /usr/bin/python3 cannot import torch (CI installs python3-torch).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>

#include "ember/io/pt.h"
#include "ember/tensor/factories.h"
#include "io/pt/zip.h"
#include "io/pt_test_values.h"
#include "support/support.h"

namespace ember {
namespace {

using testing::from_values;
using testing::run_command;
using testing::same_tensor;
using testing::TempDir;

const char kScript[] = EMBER_SOURCE_DIR "/tests/io/pt_interop.py";

bool python_has_torch() {
  static const bool ok = run_command("/usr/bin/python3 -c 'import torch'").first == 0;
  return ok;
}

std::pair<int, std::string> script(const std::string& cmd, const TempDir& dir) {
  return run_command(std::string("/usr/bin/python3 ") + kScript + " " + cmd + " '" +
                     dir.path().string() + "'");
}

TEST(PtInterop, PyTorchLoadsEmbersFilesWithWeightsOnly) {
  if (!python_has_torch()) GTEST_SKIP() << "/usr/bin/python3 cannot import torch";
  TempDir dir;
  pt::save_state_dict(pt_test::expected_dtypes(), dir / "ember_dtypes.pt");
  pt::save(pt_test::views(), dir / "ember_views.pt");
  pt::save(pt_test::nested_without_floats(), dir / "ember_nested.pt");
  pt::save(pt::Value::tuple({0.5, -1e-310, INFINITY}), dir / "ember_floats.pt");
  auto [rc, out] = script("check", dir);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "ok\n");
}

TEST(PtInterop, PyTorchReadsTheZip64Layout) {
  if (!python_has_torch()) GTEST_SKIP() << "/usr/bin/python3 cannot import torch";
  // ember's archive rewritten with ZIP64 fields on every record (what sizes or offsets past
  // 4 GiB get), so the layout is checked without writing 4 GiB.
  const std::string bytes = pt::serialize(pt::to_value(pt_test::expected_dtypes()));
  pt::zip::Reader reader(bytes, "ember");
  pt::zip::Writer writer(/*force_zip64=*/true);
  for (const pt::zip::Entry& e : reader.entries()) writer.add(e.name, reader.read(e));
  TempDir dir;
  testing::write_bytes(dir / "ember_zip64.pt", writer.finish());
  auto [rc, out] = script("check-zip64", dir);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "ok\n");
}

TEST(PtInterop, ResNet18StateDictBothWays) {
  if (!python_has_torch()) GTEST_SKIP() << "/usr/bin/python3 cannot import torch";
  TempDir dir;
  auto [rc, out] = script("resnet18", dir);
  ASSERT_EQ(rc, 0) << out;
  const auto start = std::chrono::steady_clock::now();
  const io::NamedTensors sd = pt::load_state_dict(dir / "resnet18.pt");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const io::SafetensorsFile want = io::read_safetensors(dir / "resnet18.safetensors");
  ASSERT_EQ(sd.size(), 122u);  // torchvision's resnet18().state_dict() has 122 entries
  ASSERT_EQ(sd.size(), want.tensors.size());
  int64_t numel = 0;
  for (size_t i = 0; i < sd.size(); ++i) {
    SCOPED_TRACE(want.tensors[i].first);
    EXPECT_EQ(sd[i].first, want.tensors[i].first);
    EXPECT_TRUE(same_tensor(sd[i].second, want.tensors[i].second));
    numel += sd[i].second.numel();
  }
  EXPECT_EQ(numel, 11689512 + 9600 + 20);  // parameters + BatchNorm running stats and counters
  std::printf("[ measured ] pt::load_state_dict of a %lld-element ResNet-18: %.3f s\n",
              static_cast<long long>(numel), seconds);
  const auto saving = std::chrono::steady_clock::now();
  pt::save_state_dict(sd, dir / "resnet18_ember.pt");
  std::printf("[ measured ] pt::save_state_dict of it (atomic, fsync'ed): %.3f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - saving).count());
  std::tie(rc, out) = script("check-resnet", dir);
  EXPECT_EQ(rc, 0) << out;
}

}  // namespace
}  // namespace ember
