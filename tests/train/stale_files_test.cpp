// Temporary files of interrupted writes: write_file_atomic's ".<name>.tmp.XXXXXX" files and the
// checkpoint root's `epoch-NNNN.tmp/`, `last.tmp`, `epoch-NNNN.old/` are cleaned up on the next
// start (RunLogger, write_epoch_checkpoint) and at once when a write fails; nothing else is ever
// removed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ember/ember.h"
#include "ember/io/atomic_file.h"
#include "ember/train/checkpoint.h"
#include "ember/train/run_logger.h"
#include "support/support.h"

namespace ember {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::TempDir;

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

void touch(const fs::path& p) { std::ofstream(p) << "x"; }

TEST(StaleFiles, OnlyAtomicWriteTemporariesAreRemoved) {
  TempDir dir;
  // What a killed write_file_atomic leaves: removed.
  touch(dir / ".config.json.tmp.Ab12Cd");
  touch(dir / ".summary.json.tmp.000000");
  // Look-alikes that are not ember's: kept.
  for (const char* name :
       {".config.json.tmp.Ab12C", "config.json.tmp.Ab12Cd", ".tmp.Ab12Cd",
        ".config.json.tmp.Ab12Cd7", ".config.json.tmp.Ab-2Cd", "notes.tmp", "config.json"})
    touch(dir / name);
  fs::create_directory(dir / ".dir.tmp.Ab12Cd");  // a directory: kept
  EXPECT_EQ(io::remove_stale_temporaries(dir.path()), 2);
  EXPECT_EQ(entries(dir.path()),
            (std::vector<std::string>{".config.json.tmp.Ab-2Cd", ".config.json.tmp.Ab12C",
                                      ".config.json.tmp.Ab12Cd7", ".dir.tmp.Ab12Cd", ".tmp.Ab12Cd",
                                      "config.json", "config.json.tmp.Ab12Cd", "notes.tmp"}));
  EXPECT_EQ(io::remove_stale_temporaries(dir / "missing"), 0);  // best effort, no throw
}

TEST(StaleFiles, RunLoggerRemovesTemporariesOfAKilledRunOnStart) {
  TempDir dir;
  const fs::path run = dir / "run";
  fs::create_directories(run);
  touch(run / ".config.json.tmp.q8W2zz");
  touch(run / "my-notes.txt");
  {
    train::RunLogger logger(run, train::RunLoggerOptions{});
    logger.write_config({{"lr", 0.1}});
  }
  EXPECT_FALSE(fs::exists(run / ".config.json.tmp.q8W2zz"));
  EXPECT_TRUE(fs::exists(run / "my-notes.txt"));
  EXPECT_TRUE(fs::exists(run / "config.json"));
}

auto writes(const std::string& text) {
  return [text](const fs::path& dir) {
    fs::create_directories(dir);
    io::write_file_atomic(dir / "state.txt", text);
  };
}

TEST(StaleFiles, CheckpointWriteCleansWhatAnInterruptedWriteLeft) {
  TempDir tmp;
  const fs::path root = tmp.path();
  train::write_epoch_checkpoint(root, 1, writes("1"), true, true);
  train::write_epoch_checkpoint(root, 2, writes("2"), true, false);
  // A kill during the write of epoch 3, one during a link swap, one between the two renames of
  // a replaced epoch (epoch-0002 moved aside, its replacement never renamed in), and one inside
  // write_file_atomic.
  fs::create_directories(root / "epoch-0003.tmp");
  touch(root / "epoch-0003.tmp" / "model.safetensors");
  fs::create_directory_symlink("epoch-0002", root / "last.tmp");
  fs::rename(root / "epoch-0002", root / "epoch-0002.old");
  touch(root / ".state.txt.tmp.aB3dE9");
  // The user's files, with similar names: never touched.
  for (const char* name : {"epochs.tmp", "notes.old", "epoch-x.tmp", "last.tmp.keep"})
    touch(root / name);
  train::write_epoch_checkpoint(root, 3, writes("3"), true, false);
  EXPECT_EQ(entries(root),
            (std::vector<std::string>{"best", "epoch-0001", "epoch-0003", "epoch-x.tmp",
                                      "epochs.tmp", "last", "last.tmp.keep", "notes.old"}));
  EXPECT_EQ(testing::read_bytes(root / "last" / "state.txt"), "3");
}

TEST(StaleFiles, AnOldEpochWhoseReplacementNeverArrivedIsPutBack) {
  TempDir tmp;
  const fs::path root = tmp.path();
  train::write_epoch_checkpoint(root, 1, writes("1"), true, true);
  // Killed between moving epoch-0001 aside and renaming its replacement in: `last` dangles.
  fs::rename(root / "epoch-0001", root / "epoch-0001.old");
  train::write_epoch_checkpoint(root, 2, writes("2"), false, false);
  EXPECT_EQ(testing::read_bytes(root / "best" / "state.txt"), "1");  // restored, still linked
  EXPECT_FALSE(fs::exists(root / "epoch-0001.old"));
}

TEST(StaleFiles, AFailedCheckpointWriteLeavesNoTemporaryDirectory) {
  TempDir tmp;
  const fs::path root = tmp.path();
  train::write_epoch_checkpoint(root, 1, writes("1"), true, true);
  auto fails = [](const fs::path& dir) {
    writes("half")(dir);
    throw std::runtime_error("disk full");
  };
  EXPECT_THROW(train::write_epoch_checkpoint(root, 2, fails, true, true), std::runtime_error);
  EXPECT_EQ(entries(root), (std::vector<std::string>{"best", "epoch-0001", "last"}));

  // A real full disk (the file size limit): the error is an ember::Error, nothing is left.
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const std::string msg = testing::error_message([&] {
    train::write_epoch_checkpoint(
        root, 2,
        [](const fs::path& dir) {
          fs::create_directories(dir);
          ember::save(zeros({100000}), dir / "model.safetensors");
        },
        true, true);
  });
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_THAT(msg, HasSubstr("File too large"));
  EXPECT_EQ(entries(root), (std::vector<std::string>{"best", "epoch-0001", "last"}));
  EXPECT_EQ(entries(root / "epoch-0001"), std::vector<std::string>{"state.txt"});

  // File system errors are ember::Errors naming the checkpoint.
  touch(tmp / "a-file");
  EXPECT_THAT(
      testing::error_message([&] {
        train::write_epoch_checkpoint(tmp / "a-file" / "ck", 1, writes("1"), true, true);
      }),
      HasSubstr("write_epoch_checkpoint: " + (tmp / "a-file" / "ck" / "epoch-0001").string()));
}

}  // namespace
}  // namespace ember
