// ProgressBar: tqdm-style rendering, plain mode output, durations.
#include "ember/train/progress.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>

using ember::train::ProgressBar;

namespace {
std::string read_all(std::FILE* f) {
  std::rewind(f);
  std::string s;
  char buf[256];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}
}  // namespace

TEST(ProgressBar, FormatsDurations) {
  EXPECT_EQ(ProgressBar::format_duration(0), "00:00");
  EXPECT_EQ(ProgressBar::format_duration(8.9), "00:08");
  EXPECT_EQ(ProgressBar::format_duration(125), "02:05");
  EXPECT_EQ(ProgressBar::format_duration(3725), "1:02:05");
}

TEST(ProgressBar, RendersCountTotalRateAndPostfix) {
  ProgressBar bar(47, "epoch 2/10", ProgressBar::Mode::Off);
  bar.update(12, {{"loss", 0.231}});
  const std::string line = bar.render();
  EXPECT_NE(line.find("epoch 2/10"), std::string::npos) << line;
  EXPECT_NE(line.find("12/47 ["), std::string::npos) << line;
  EXPECT_NE(line.find(" it/s, loss=0.231]"), std::string::npos) << line;
  EXPECT_NE(line.find("25%|#####"), std::string::npos) << line;
}

TEST(ProgressBar, PlainModePrintsOneLineWhenClosed) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressBar bar(3, "epoch 1/1", ProgressBar::Mode::Plain, f);
    for (int i = 0; i < 3; ++i) bar.update(1, {{"loss", 1.0 / (i + 1)}});
    EXPECT_EQ(read_all(f), "");  // nothing until the end: CI logs stay short
  }
  const std::string out = read_all(f);
  std::fclose(f);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_NE(out.find("3/3 ["), std::string::npos) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
}

TEST(ProgressBar, TerminalModeRedrawsInPlace) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressBar bar(2, "", ProgressBar::Mode::Terminal, f);
    bar.update(2);
  }
  const std::string out = read_all(f);
  std::fclose(f);
  EXPECT_NE(out.find('\r'), std::string::npos);
  EXPECT_NE(out.find("2/2 ["), std::string::npos);
  EXPECT_EQ(out.back(), '\n');
}

TEST(ProgressBar, OffPrintsNothing) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressBar bar(5, "x", ProgressBar::Mode::Off, f);
    bar.update(5);
  }
  EXPECT_EQ(read_all(f), "");
  std::fclose(f);
}
