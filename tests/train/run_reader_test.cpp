// train::parse_metrics, read_metrics: metrics.jsonl read back (errors with line numbers, a torn
// last line, resumed runs) and what RunLogger wrote.
#include "ember/train/run_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <string>
#include <vector>

#include "ember/core/error.h"
#include "ember/train/run_logger.h"
#include "support/files.h"

namespace ember::train {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using ::ember::testing::TempDir;

template <class F>
std::string error_message(F&& f) {
  try {
    f();
  } catch (const ember::Error& e) {
    return e.what();
  }
  return "(no ember::Error thrown)";
}

// ---- parsing -------------------------------------------------------------------------------

TEST(ParseMetrics, ReadsStepsValuesAndWallTimes) {
  const ScalarMap m = parse_metrics(
      "{\"step\":1,\"train/loss\":2.5,\"lr\":0.1,\"wall_time\":100.5}\n"
      "\n"
      "{\"step\":2,\"train/loss\":2.0,\"wall_time\":101}\r\n"
      "{\"step\":2,\"val/loss\":2.2,\"phase\":\"val\",\"flag\":true,\"v\":[1]}\n"
      "{\"step\":3,\"train/loss\":null}\n");
  ASSERT_EQ(m.size(), 3u);  // strings, booleans and arrays are not scalars
  const ScalarSeries& loss = m.at("train/loss");
  EXPECT_EQ(loss.steps, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(loss.values[0], 2.5);
  EXPECT_EQ(loss.values[1], 2.0);
  EXPECT_TRUE(std::isnan(loss.values[2]));
  EXPECT_EQ(loss.wall_times[0], 100.5);
  EXPECT_TRUE(std::isnan(loss.wall_times[2]));
  EXPECT_EQ(m.at("lr").steps, (std::vector<int64_t>{1}));
  EXPECT_EQ(m.at("val/loss").values, (std::vector<double>{2.2}));
}

TEST(ParseMetrics, MalformedLineNamesTheLineNumber) {
  const std::string text =
      "{\"step\":1,\"loss\":1}\n"
      "{\"step\":2,\"loss\":0.9}\n"
      "{\"step\":3,\"loss\":0.8\n"
      "{\"step\":4,\"loss\":0.7}\n";
  const std::string msg = error_message([&] { parse_metrics(text, "runs/a/metrics.jsonl"); });
  EXPECT_THAT(msg, ::testing::StartsWith("runs/a/metrics.jsonl:3: not valid JSON ("));
  EXPECT_THAT(msg, Not(HasSubstr("[json.exception")));
}

TEST(ParseMetrics, RecordsMustBeObjectsWithIntegerStep) {
  EXPECT_EQ(error_message([] { parse_metrics("{\"step\":1}\n[1,2]\n"); }),
            "metrics.jsonl:2: expected a JSON object, got array");
  EXPECT_EQ(error_message([] { parse_metrics("{\"loss\":1}\n"); }),
            "metrics.jsonl:1: missing \"step\"");
  EXPECT_EQ(error_message([] { parse_metrics("\n\n{\"step\":\"7\",\"loss\":1}\n"); }),
            "metrics.jsonl:3: \"step\" must be an integer, got \"7\"");
  EXPECT_EQ(error_message([] { parse_metrics("{\"step\":1.5,\"loss\":1}\n"); }),
            "metrics.jsonl:1: \"step\" must be an integer, got 1.5");
  EXPECT_EQ(parse_metrics("{\"step\":4.0,\"loss\":1}\n").at("loss").steps[0], 4);
}

TEST(ParseMetrics, IgnoresARecordStillBeingWritten) {
  // The last line has no newline yet: a live run is in the middle of appending it.
  const ScalarMap m = parse_metrics("{\"step\":1,\"loss\":1}\n{\"step\":2,\"lo");
  EXPECT_EQ(m.at("loss").steps.size(), 1u);
  // A complete last line without newline is still read.
  EXPECT_EQ(parse_metrics("{\"step\":1,\"loss\":1}\n{\"step\":2,\"loss\":0.5}").at("loss").steps,
            (std::vector<int64_t>{1, 2}));
}

TEST(ParseMetrics, ResumedRunReplacesStepsFromTheRestartOn) {
  // Steps 1-4, then a restart from a checkpoint at step 3.
  const ScalarMap m = parse_metrics(
      "{\"step\":1,\"loss\":1.0}\n{\"step\":2,\"loss\":0.9}\n{\"step\":3,\"loss\":0.8}\n"
      "{\"step\":4,\"loss\":0.7}\n{\"step\":3,\"loss\":0.75}\n{\"step\":4,\"loss\":0.65}\n");
  EXPECT_EQ(m.at("loss").steps, (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(m.at("loss").values, (std::vector<double>{1.0, 0.9, 0.75, 0.65}));
}

TEST(ReadMetrics, ReadsWhatRunLoggerWrote) {
  TempDir tmp;
  {
    RunLogger run(tmp.path());
    run.log_scalars(1, {{"train/loss", 0.5}, {"lr", 0.01}});
    run.log_scalar("train/loss", 2, NAN);
  }
  const ScalarMap m = read_metrics(tmp.path() / "metrics.jsonl");
  EXPECT_EQ(m.at("train/loss").steps, (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(std::isnan(m.at("train/loss").values[1]));
  EXPECT_GT(m.at("lr").wall_times[0], 1.6e9);
  EXPECT_THAT(error_message([&] { read_metrics(tmp.path() / "nope.jsonl"); }),
              HasSubstr("cannot read " + (tmp.path() / "nope.jsonl").string()));
}

}  // namespace
}  // namespace ember::train
