// train::write_epoch_checkpoint, checkpoint_dir_name and checkpoint_path: the epoch directories,
// the last/best links, pruning, replacing an epoch a longer run left, and a failed write.
#include "ember/train/checkpoint.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ember/io/atomic_file.h"
#include "support/files.h"

namespace ember::train {
namespace {

namespace fs = std::filesystem;

using ::ember::testing::TempDir;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

// A checkpoint whose one file says which epoch wrote it.
auto writes(const std::string& text) {
  return [text](const fs::path& dir) {
    fs::create_directories(dir);
    io::write_file_atomic(dir / "state.txt", text);
  };
}

TEST(Checkpoint, DirectoryNames) {
  EXPECT_EQ(checkpoint_dir_name(7), "epoch-0007");
  EXPECT_EQ(checkpoint_dir_name(12345), "epoch-12345");
}

TEST(Checkpoint, LinksLastAndBestAndPrunesTheRest) {
  TempDir tmp;
  const fs::path root = tmp.path() / "ck";
  write_epoch_checkpoint(root, 1, writes("1"), /*link_last=*/true, /*link_best=*/true);
  write_epoch_checkpoint(root, 2, writes("2"), true, false);
  EXPECT_EQ(entries(root), (std::vector<std::string>{"best", "epoch-0001", "epoch-0002", "last"}));
  write_epoch_checkpoint(root, 3, writes("3"), true, false);  // epoch 2 is linked no more
  EXPECT_EQ(entries(root), (std::vector<std::string>{"best", "epoch-0001", "epoch-0003", "last"}));
  EXPECT_EQ(read_file(checkpoint_path(root, "last") / "state.txt"), "3");
  EXPECT_EQ(read_file(checkpoint_path(root, "best") / "state.txt"), "1");
  // checkpoint_path finds the links in a run directory's checkpoints/ too.
  EXPECT_EQ(checkpoint_path(tmp.path(), "best"), tmp.path() / "best");
  fs::rename(root, tmp.path() / "checkpoints");
  EXPECT_EQ(checkpoint_path(tmp.path(), "best"), tmp.path() / "checkpoints" / "best");
}

TEST(Checkpoint, ReplacesAnEpochALongerRunLeftAndALeftoverTemporary) {
  TempDir tmp;
  const fs::path root = tmp.path();
  write_epoch_checkpoint(root, 2, writes("first attempt"), true, true);
  fs::create_directories(root / "epoch-0002.tmp");  // a crash while writing it again
  std::ofstream(root / "epoch-0002.tmp" / "garbage") << "x";
  write_epoch_checkpoint(root, 2, writes("resumed"), true, false);
  EXPECT_EQ(entries(root), (std::vector<std::string>{"best", "epoch-0002", "last"}));
  EXPECT_EQ(entries(root / "epoch-0002"), std::vector<std::string>{"state.txt"});
  EXPECT_EQ(read_file(root / "last" / "state.txt"), "resumed");
}

TEST(Checkpoint, AFailedWriteLeavesLastAtTheCompleteCheckpoint) {
  TempDir tmp;
  const fs::path root = tmp.path();
  write_epoch_checkpoint(root, 1, writes("1"), true, true);
  auto fails = [](const fs::path& dir) {
    writes("half")(dir);
    throw std::runtime_error("disk full");
  };
  EXPECT_THROW(write_epoch_checkpoint(root, 2, fails, true, true), std::runtime_error);
  EXPECT_EQ(fs::read_symlink(root / "last"), "epoch-0001");
  EXPECT_EQ(read_file(root / "last" / "state.txt"), "1");
  EXPECT_FALSE(fs::exists(root / "epoch-0002"));
}

}  // namespace
}  // namespace ember::train
