// write_file_atomic, sync_directory, AppendFile and RunLogger: files, formats, resuming, and
// failure paths.
#include "ember/train/run_logger.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ember/core/error.h"
#include "ember/io/atomic_file.h"
#include "support/files.h"

namespace ember {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using ::ember::testing::TempDir;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

size_t count_entries(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

size_t count_event_files(const fs::path& dir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind("events.out.tfevents.", 0) == 0) ++n;
  return n;
}

template <class F>
std::string error_message(F&& f) {
  try {
    f();
  } catch (const ember::Error& e) {
    return e.what();
  }
  return "(no ember::Error thrown)";
}

// ---- write_file_atomic ---------------------------------------------------------------------

TEST(WriteFileAtomic, CreatesAndReplaces) {
  TempDir tmp;
  const fs::path file = tmp / "config.json";
  io::write_file_atomic(file, "first");
  EXPECT_EQ(read_file(file), "first");
  io::write_file_atomic(file, "second, longer");
  EXPECT_EQ(read_file(file), "second, longer");
  io::write_file_atomic(file, "");
  EXPECT_EQ(read_file(file), "");
  EXPECT_EQ(count_entries(tmp.path()), 1u);  // no temporary file left behind
}

TEST(WriteFileAtomic, NewFileIsReadableByOthers) {
  TempDir tmp;
  io::write_file_atomic(tmp / "a.txt", "x");
  const auto perms = fs::status(tmp / "a.txt").permissions();
  EXPECT_NE(perms & fs::perms::owner_read, fs::perms::none);
  EXPECT_NE(perms & fs::perms::others_read, fs::perms::none);  // umask 022/002, not mkstemp's 0600
}

TEST(WriteFileAtomic, MissingDirectoryNamesPathAndErrno) {
  TempDir tmp;
  const fs::path file = tmp.path() / "no" / "such" / "dir" / "config.json";
  const std::string msg = error_message([&] { io::write_file_atomic(file, "x"); });
  EXPECT_THAT(msg, HasSubstr(file.string()));
  EXPECT_THAT(msg, HasSubstr("No such file or directory"));
}

TEST(WriteFileAtomic, FailedRenameLeavesTargetAndNoTempFile) {
  TempDir tmp;
  // The target is a non-empty directory: rename(2) of a file over it fails.
  fs::create_directories(tmp / "target");
  io::write_file_atomic(tmp.path() / "target" / "keep.txt", "kept");
  const std::string msg = error_message([&] { io::write_file_atomic(tmp / "target", "x"); });
  EXPECT_THAT(msg, HasSubstr("cannot rename"));
  EXPECT_THAT(msg, HasSubstr((tmp / "target").string()));
  EXPECT_EQ(read_file(tmp.path() / "target" / "keep.txt"), "kept");
  EXPECT_EQ(count_entries(tmp.path()), 1u);
}

TEST(WriteFileAtomic, FailedWriteKeepsPreviousFile) {
  TempDir tmp;
  const fs::path file = tmp / "summary.json";
  io::write_file_atomic(file, "previous contents");
  // Make write(2) fail half-way: a file size limit gives EFBIG (with SIGXFSZ ignored).
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const std::string msg =
      error_message([&] { io::write_file_atomic(file, std::string(64 * 1024, 'x')); });
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_THAT(msg, HasSubstr("write_file_atomic: cannot write " + file.string()));
  EXPECT_THAT(msg, HasSubstr("File too large"));
  EXPECT_EQ(read_file(file), "previous contents");
  EXPECT_EQ(count_entries(tmp.path()), 1u);
}

// ---- sync_directory ------------------------------------------------------------------------

TEST(SyncDirectory, SyncsADirectoryAndNamesAMissingOne) {
  TempDir tmp;
  fs::create_directories(tmp / "ck");
  fs::create_directory_symlink("ck", tmp / "last");
  EXPECT_NO_THROW(io::sync_directory(tmp.path()));
  EXPECT_NO_THROW(io::sync_directory(tmp / "last"));  // through a symlink to a directory
  EXPECT_EQ(error_message([&] { io::sync_directory(tmp / "nope"); }),
            "sync_directory: cannot open directory " + (tmp / "nope").string() +
                ": No such file or directory");
  std::ofstream(tmp / "file") << "x";
  EXPECT_THAT(error_message([&] { io::sync_directory(tmp / "file"); }),
              HasSubstr("Not a directory"));
}

// ---- AppendFile ----------------------------------------------------------------------------

TEST(AppendFile, EachRecordIsVisibleImmediatelyAndReopenAppends) {
  TempDir tmp;
  const fs::path file = tmp / "log.jsonl";
  {
    io::AppendFile f(file);
    f.append("one\n");
    EXPECT_EQ(read_file(file), "one\n");  // no user-space buffering
    f.append("two\n");
    EXPECT_EQ(read_file(file), "one\ntwo\n");
  }
  io::AppendFile f(file);
  f.append("three\n");
  f.sync();
  EXPECT_EQ(read_file(file), "one\ntwo\nthree\n");
  f.close();
  EXPECT_FALSE(f.is_open());
  EXPECT_THAT(error_message([&] { f.append("x"); }), HasSubstr("closed"));
}

TEST(AppendFile, OpenFailureNamesPath) {
  TempDir tmp;
  const fs::path file = tmp.path() / "missing" / "log.jsonl";
  const std::string msg = error_message([&] { io::AppendFile f(file); });
  EXPECT_THAT(msg, HasSubstr(file.string()));
  EXPECT_THAT(msg, HasSubstr("No such file or directory"));
}

// ---- RunLogger -----------------------------------------------------------------------------

TEST(RunLogger, WritesConfigMetricsEventsAndSummary) {
  TempDir tmp;
  const fs::path dir = tmp / "run";
  {
    train::RunLogger run(dir);
    EXPECT_EQ(run.dir(), dir);
    run.write_config({{"lr", 0.1}, {"model", {{"hidden", 128}}}, {"name", "mlp"}});
    run.log_scalars(12, {{"train/loss", 0.3125}, {"lr", 0.1}});
    run.log_scalar("val/accuracy", 12, 0.875);
    run.summary({{"val/accuracy", 0.875}, {"epochs", 3}});
    EXPECT_EQ(run.event_file().parent_path(), dir);
  }
  const auto config = nlohmann::json::parse(read_file(dir / "config.json"));
  EXPECT_EQ(config["model"]["hidden"], 128);
  EXPECT_EQ(nlohmann::json::parse(read_file(dir / "summary.json"))["epochs"], 3);

  const auto lines = read_lines(dir / "metrics.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  // "step" first, the tags in the caller's order, "wall_time" last.
  EXPECT_THAT(lines[0],
              ::testing::StartsWith(R"({"step":12,"train/loss":0.3125,"lr":0.1,"wall_time":)"));
  EXPECT_THAT(lines[1], ::testing::StartsWith(R"({"step":12,"val/accuracy":0.875,"wall_time":)"));
  const auto rec = nlohmann::json::parse(lines[0]);
  EXPECT_GT(rec["wall_time"].get<double>(), 1.6e9);
  EXPECT_EQ(count_event_files(dir), 1u);
}

TEST(RunLogger, NonFiniteValuesBecomeNull) {
  TempDir tmp;
  train::RunLogger run(tmp / "run");
  run.log_scalars(3, {{"loss", NAN}, {"grad_norm", INFINITY}});
  const auto rec = nlohmann::json::parse(read_lines(tmp.path() / "run" / "metrics.jsonl").at(0));
  EXPECT_TRUE(rec["loss"].is_null());
  EXPECT_TRUE(rec["grad_norm"].is_null());
}

TEST(RunLogger, ReservedAndEmptyTagsAreRejected) {
  TempDir tmp;
  train::RunLogger run(tmp / "run");
  EXPECT_EQ(error_message([&] { run.log_scalar("step", 1, 1.0); }),
            "RunLogger: tag 'step' is reserved (metrics.jsonl uses it for every record)");
  EXPECT_THAT(error_message([&] {
                run.log_scalars(1, {{"loss", 1.0}, {"wall_time", 2.0}});
              }),
              HasSubstr("'wall_time' is reserved"));
  EXPECT_THAT(error_message([&] { run.log_scalar("", 4, 1.0); }), HasSubstr("empty tag at step 4"));
  EXPECT_EQ(fs::file_size(tmp.path() / "run" / "metrics.jsonl"), 0u);  // nothing half-written
}

TEST(RunLogger, ReopeningAppendsAndStartsANewEventFile) {
  TempDir tmp;
  const fs::path dir = tmp / "run";
  {
    train::RunLogger run(dir);
    run.log_scalar("loss", 1, 1.0);
    run.log_scalar("loss", 2, 0.9);
  }
  {
    train::RunLogger run(dir);  // resume
    run.log_scalar("loss", 3, 0.8);
  }
  const auto lines = read_lines(dir / "metrics.jsonl");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(lines[2])["step"], 3);
  EXPECT_EQ(count_event_files(dir), 2u);
}

TEST(RunLogger, ResumeCutsATornLastLine) {
  TempDir tmp;
  const fs::path dir = tmp / "run";
  fs::create_directories(dir);
  std::ofstream(dir / "metrics.jsonl") << "{\"step\":1,\"loss\":1.0}\n{\"step\":2,\"lo";  // crash
  {
    train::RunLogger run(dir);
    run.log_scalar("loss", 2, 0.5);
  }
  const auto lines = read_lines(dir / "metrics.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "{\"step\":1,\"loss\":1.0}");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["loss"], 0.5);
}

TEST(RunLogger, CreateMakesATimestampedDirectoryAndNeverReusesOne) {
  TempDir tmp;
  const fs::path root = tmp / "runs";
  train::RunLogger a = train::RunLogger::create("mnist", root);
  train::RunLogger b = train::RunLogger::create("mnist", root);
  EXPECT_EQ(a.dir().parent_path(), root);
  const std::string name = a.dir().filename().string();
  // mnist-YYYYmmdd-HHMMSS (std::regex would trip GCC 12's -Wmaybe-uninitialized under ASan).
  ASSERT_EQ(name.size(), 6u + 8 + 1 + 6) << name;
  EXPECT_EQ(name.substr(0, 6), "mnist-");
  EXPECT_EQ(name[14], '-') << name;
  for (size_t i : {6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20})
    EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(name[i]))) << name;
  EXPECT_NE(a.dir(), b.dir());
  EXPECT_TRUE(fs::is_directory(b.dir()));
  EXPECT_THROW(train::RunLogger::create("a/b", root), ember::Error);
}

TEST(RunLogger, WithoutTensorBoardWritesNoEventFile) {
  TempDir tmp;
  train::RunLoggerOptions options;
  options.tensorboard = false;
  options.sync_every_record = true;
  train::RunLogger run(tmp / "run", options);
  run.log_scalar("loss", 1, 1.0);
  EXPECT_TRUE(run.event_file().empty());
  EXPECT_EQ(count_event_files(tmp / "run"), 0u);
  EXPECT_EQ(read_lines(tmp.path() / "run" / "metrics.jsonl").size(), 1u);
}

TEST(RunLogger, MirrorToTensorBoardStartsOneEventFileForLaterScalars) {
  TempDir tmp;
  train::RunLoggerOptions options;
  options.tensorboard = false;
  train::RunLogger run(tmp / "run", options);
  run.log_scalar("loss", 1, 1.0);
  run.mirror_to_tensorboard();
  run.mirror_to_tensorboard();  // already mirroring: no second file
  EXPECT_EQ(count_event_files(tmp / "run"), 1u);
  const fs::path events = run.event_file();
  ASSERT_FALSE(events.empty());
  const auto header_only = fs::file_size(events);
  run.log_scalar("loss", 2, 0.5);
  EXPECT_GT(fs::file_size(events), header_only);
  EXPECT_EQ(read_lines(tmp.path() / "run" / "metrics.jsonl").size(), 2u);
  run.close();
  EXPECT_THAT(error_message([&] { run.mirror_to_tensorboard(); }), HasSubstr("after close()"));
}

TEST(RunLogger, LogAfterCloseThrows) {
  TempDir tmp;
  train::RunLogger run(tmp / "run");
  run.close();
  run.close();  // idempotent
  EXPECT_THAT(error_message([&] { run.log_scalar("loss", 1, 1.0); }), HasSubstr("after close()"));
}

TEST(RunLogger, RunDirectoryThatIsAFileIsAnError) {
  TempDir tmp;
  std::ofstream(tmp / "file") << "x";
  EXPECT_THAT(error_message([&] { train::RunLogger run(tmp / "file"); }),
              HasSubstr("cannot create run directory"));
}

TEST(RunLogger, IsMovable) {
  TempDir tmp;
  train::RunLogger a(tmp / "run");
  train::RunLogger b = std::move(a);
  b.log_scalar("loss", 1, 1.0);
  EXPECT_EQ(read_lines(tmp.path() / "run" / "metrics.jsonl").size(), 1u);
}

}  // namespace
}  // namespace ember
