// The run report (tools/report, ember_report): chart grouping, the HTML/SVG it produces, the
// ember-report tool, and (when Chromium is installed) a headless screenshot of it.
#include "ember/train/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "ember/core/error.h"
#include "ember/io/atomic_file.h"
#include "support/files.h"

namespace ember::train {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using ::ember::testing::TempDir;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
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

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1))
    ++n;
  return n;
}

// The <svg ...> element of the chart `key` in `html` (empty if absent).
std::string chart(const std::string& html, const std::string& key) {
  const size_t at = html.find("data-chart=\"" + key + "\"");
  if (at == std::string::npos) return "";
  const size_t begin = html.rfind("<svg", at);
  return html.substr(begin, html.find("</svg>", at) + 6 - begin);
}

// A realistic small run: 3 epochs of 200 steps, a noisy decaying training loss logged every step,
// accuracy every 10 steps, validation every 100 steps, linear warm-up then cosine learning rate,
// a noisy gradient norm, and timing scalars. 0.25 s per step of wall time.
void write_fake_run(const fs::path& dir) {
  fs::create_directories(dir);
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 1.0);
  const double t0 = 1735732800.0;  // 2025-01-01 12:00 UTC
  const int steps_per_epoch = 200, epochs = 3, total = steps_per_epoch * epochs;
  std::string jsonl;
  auto line = [&](int step, const std::vector<std::pair<std::string, double>>& kv) {
    nlohmann::ordered_json j;
    j["step"] = step;
    for (const auto& [k, v] : kv) j[k] = v;
    j["wall_time"] = t0 + 0.25 * step;
    jsonl += j.dump() + "\n";
  };
  for (int step = 1; step <= total; ++step) {
    const double clean = 0.28 + 2.02 * std::exp(-step / 110.0);
    const double loss = std::max(0.02, clean * (1 + 0.09 * noise(rng)));
    const double lr =
        step <= 50 ? 0.1 * step / 50 : 0.05 * (1 + std::cos(M_PI * (step - 50) / (total - 50.0)));
    const double grad_norm = (0.6 + 2.5 * std::exp(-step / 90.0)) * std::exp(0.25 * noise(rng));
    std::vector<std::pair<std::string, double>> kv = {
        {"train/loss", loss},
        {"lr", lr},
        {"grad_norm", grad_norm},
        {"time/step_ms", 11.5 + 1.2 * noise(rng) + (step % 200 == 1 ? 25 : 0)}};
    if (step % 10 == 0) {
      kv.emplace_back("train/accuracy",
                      std::min(1.0, 0.1 + 0.82 * (1 - std::exp(-step / 95.0)) + 0.02 * noise(rng)));
    }
    line(step, kv);
    if (step % 100 == 0) {
      line(step, {{"val/loss", 0.33 + 1.9 * std::exp(-step / 120.0) + 0.01 * noise(rng)},
                  {"val/accuracy", 0.1 + 0.79 * (1 - std::exp(-step / 110.0))}});
    }
    if (step % steps_per_epoch == 0) line(step, {{"epoch", step / steps_per_epoch}});
  }
  std::ofstream(dir / "metrics.jsonl") << jsonl;
  const nlohmann::json config = {
      {"model", {{"name", "mlp"}, {"hidden", {256, 128}}, {"dropout", 0.1}}},
      {"optimizer", {{"name", "SGD"}, {"lr", 0.1}, {"momentum", 0.9}, {"weight_decay", 5e-4}}},
      {"schedule", "warmup(50) + cosine"},
      {"batch_size", 64},
      {"epochs", epochs},
      {"seed", 7},
      {"dataset", "fashion-mnist"},
      {"note", "<b>bold</b> & \"quoted\""}};
  io::write_file_atomic(dir / "config.json", config.dump(2));
  const nlohmann::json summary = {{"val/loss", 0.4132},   {"val/accuracy", 0.8861},
                                  {"train/loss", 0.3021}, {"best_epoch", 3},
                                  {"epochs", 3},          {"train_time_s", 150.0}};
  io::write_file_atomic(dir / "summary.json", summary.dump(2));
}

// ---- grouping ------------------------------------------------------------------------------

TEST(ChartGroups, PairsSplitsAndOrdersKnownChartsFirst) {
  ScalarMap m;
  for (const char* tag : {"val/loss", "train/loss", "zeta", "lr/group1", "lr/group0", "grad_norm",
                          "val_accuracy", "accuracy", "test/loss", "time/step_ms", "time/data_ms"})
    m[tag].steps.push_back(1), m[tag].values.push_back(1.0), m[tag].wall_times.push_back(0);
  const std::vector<ChartGroup> g = chart_groups(m);
  ASSERT_EQ(g.size(), 6u);
  EXPECT_EQ(g[0].key, "loss");
  EXPECT_EQ(g[0].title, "Loss");
  EXPECT_EQ(g[0].tags, (std::vector<std::string>{"train/loss", "val/loss", "test/loss"}));
  EXPECT_EQ(g[1].key, "accuracy");
  EXPECT_EQ(g[1].tags, (std::vector<std::string>{"accuracy", "val_accuracy"}));
  EXPECT_EQ(g[2].title, "Learning rate");
  EXPECT_EQ(g[2].tags, (std::vector<std::string>{"lr/group0", "lr/group1"}));
  EXPECT_EQ(g[3].title, "Gradient norm");
  EXPECT_EQ(g[4].key, "time");
  EXPECT_EQ(g[4].tags, (std::vector<std::string>{"time/data_ms", "time/step_ms"}));
  EXPECT_EQ(g[5].key, "zeta");
}

// ---- HTML and SVG --------------------------------------------------------------------------

TEST(Report, HasOneSvgPerChartWithTheRightSeries) {
  TempDir tmp;
  write_fake_run(tmp.path());
  const RunRecord run = read_run(tmp.path());
  const std::string html = report_html(run);
  const auto groups = chart_groups(run.scalars);
  // loss, accuracy, lr, grad_norm, epoch, time
  ASSERT_EQ(groups.size(), 6u);
  EXPECT_EQ(count(html, "<svg"), groups.size());
  EXPECT_EQ(count(html, "</svg>"), groups.size());

  const std::string loss = chart(html, "loss");
  ASSERT_FALSE(loss.empty());
  EXPECT_EQ(count(loss, "class=\"series\""), 2u);
  EXPECT_THAT(loss, HasSubstr("data-tag=\"train/loss\""));
  EXPECT_THAT(loss, HasSubstr("data-tag=\"val/loss\""));
  EXPECT_LT(loss.find("data-tag=\"train/loss\""), loss.find("data-tag=\"val/loss\""));
  EXPECT_THAT(loss, HasSubstr(">Loss</text>"));
  EXPECT_THAT(loss, HasSubstr(">step</text>"));           // x-axis label
  EXPECT_THAT(loss, HasSubstr("val/loss @ step 300: "));  // marker tooltip
  EXPECT_THAT(chart(html, "accuracy"), HasSubstr("data-tag=\"val/accuracy\""));
  EXPECT_EQ(count(chart(html, "lr"), "class=\"series\""), 1u);
  EXPECT_THAT(chart(html, "grad_norm"), HasSubstr("data-tag=\"grad_norm\""));
  EXPECT_THAT(chart(html, "time"), HasSubstr("data-tag=\"time/step_ms\""));
  // Summary cards, config table, scalars table.
  EXPECT_THAT(html, HasSubstr("Final metrics"));
  EXPECT_THAT(html, HasSubstr("0.8861"));
  EXPECT_THAT(html, HasSubstr("optimizer.momentum"));
  EXPECT_THAT(html, HasSubstr("[256,128]"));
  EXPECT_THAT(html, HasSubstr("steps 1–600"));
  EXPECT_THAT(html, HasSubstr("ran 2m 30s"));
  // Self-contained: nothing is fetched when the report is viewed, and no script is needed.
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("href=")));
  EXPECT_THAT(html, Not(HasSubstr("url(http")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
}

TEST(Report, EscapesHtmlInConfigTagsAndSummary) {
  TempDir tmp;
  io::write_file_atomic(tmp.path() / "config.json",
                        R"({"note": "<script>alert('x')</script> & more", "a<b": 1})");
  io::write_file_atomic(tmp.path() / "summary.json", R"({"<i>best</i>": "<img src=x>"})");
  io::write_file_atomic(tmp.path() / "metrics.jsonl",
                        "{\"step\":1,\"loss<&>\":1.0}\n{\"step\":2,\"loss<&>\":0.5}\n");
  const std::string html = report_html(read_run(tmp.path()));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<i>")));
  EXPECT_THAT(html, Not(HasSubstr("loss<&>")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"));
  EXPECT_THAT(html, HasSubstr("a&lt;b"));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x&gt;"));
  EXPECT_THAT(html, HasSubstr("data-tag=\"loss&lt;&amp;&gt;\""));
}

TEST(Report, RunWithoutMetricsStillRenders) {
  TempDir tmp;
  const std::string html = report_html(read_run(tmp.path()));
  EXPECT_THAT(html, HasSubstr("No scalars logged yet"));
  EXPECT_THAT(html, HasSubstr("No config.json"));
  EXPECT_THAT(html, HasSubstr("no summary yet"));
  EXPECT_EQ(count(html, "<svg"), 0u);
}

TEST(Report, NonFiniteValuesBreakTheLineAndAreCounted) {
  TempDir tmp;
  io::write_file_atomic(tmp.path() / "metrics.jsonl",
                        "{\"step\":1,\"loss\":1.0}\n{\"step\":2,\"loss\":null}\n"
                        "{\"step\":3,\"loss\":0.5}\n{\"step\":4,\"loss\":0.4}\n");
  const std::string html = report_html(read_run(tmp.path()));
  const std::string loss = chart(html, "loss");
  const size_t d = loss.find("<path d=\"");
  ASSERT_NE(d, std::string::npos);
  const std::string path = loss.substr(d, loss.find('"', d + 9) - d);
  EXPECT_EQ(count(path, "M"), 2u) << path;  // two sub-paths around the gap
  EXPECT_THAT(html, HasSubstr("(1 non-finite)"));
}

TEST(Report, MissingRunDirectoryAndBadJsonAreErrors) {
  TempDir tmp;
  EXPECT_THAT(error_message([&] { render_report(tmp.path() / "nope"); }),
              HasSubstr("run directory " + (tmp.path() / "nope").string() + " does not exist"));
  io::write_file_atomic(tmp.path() / "config.json", "{oops");
  EXPECT_THAT(error_message([&] { read_run(tmp.path()); }),
              HasSubstr((tmp.path() / "config.json").string() + " is not valid JSON"));
}

TEST(RenderReport, WritesReportAndCurvesSvg) {
  TempDir tmp;
  write_fake_run(tmp.path() / "run");
  const fs::path report = render_report(tmp.path() / "run");
  EXPECT_EQ(report, tmp.path() / "run" / "report.html");
  EXPECT_THAT(read_file(report), HasSubstr("<!DOCTYPE html>"));
  const std::string svg = read_file(tmp.path() / "run" / "curves.svg");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  // The main curves: loss, accuracy, learning rate, gradient norm; not the timing scalars.
  EXPECT_EQ(count(svg, "data-chart="), 4u);
  EXPECT_THAT(svg, HasSubstr("data-chart=\"loss\""));
  EXPECT_THAT(svg, HasSubstr("data-chart=\"accuracy\""));
  EXPECT_THAT(svg, Not(HasSubstr("data-chart=\"time\"")));

  // -o elsewhere: curves.svg goes beside the report.
  fs::create_directories(tmp.path() / "out");
  EXPECT_EQ(render_report(tmp.path() / "run", tmp.path() / "out" / "r.html"),
            tmp.path() / "out" / "r.html");
  EXPECT_TRUE(fs::exists(tmp.path() / "out" / "curves.svg"));
}

TEST(RenderReport, EmberReportToolWritesTheReport) {
  const fs::path tool = fs::path(EMBER_BINARY_DIR) / "ember-report";
  if (!fs::exists(tool)) GTEST_SKIP() << tool << " is not built";
  TempDir tmp;
  write_fake_run(tmp.path() / "run");
  const std::string cmd = tool.string() + " '" + (tmp.path() / "run").string() + "' -o '" +
                          (tmp.path() / "x.html").string() + "' > /dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_TRUE(fs::exists(tmp.path() / "x.html"));
  const int rc = std::system((tool.string() + " /nonexistent/run 2>/dev/null").c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 1);
}

// Renders the report with headless Chromium. The PNG is kept in the build directory
// (tests/report/report_screenshot.png) so a human can look at it.
TEST(RenderReport, ChromiumScreenshotIsNonTrivial) {
  if (!fs::exists("/usr/bin/chromium")) GTEST_SKIP() << "/usr/bin/chromium is not installed";
  TempDir tmp;
  write_fake_run(tmp.path() / "fake-mlp-20250101-120000");
  const fs::path report = render_report(tmp.path() / "fake-mlp-20250101-120000");
  const fs::path png = fs::path(EMBER_BINARY_DIR) / "tests" / "report" / "report_screenshot.png";
  fs::create_directories(png.parent_path());
  const std::string cmd = "bash " EMBER_SOURCE_DIR "/tests/report/screenshot_report.sh '" +
                          report.string() + "' '" + png.string() + "' 1200,1600 > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const std::string bytes = read_file(png);
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(0, 8), "\x89PNG\r\n\x1a\n");
  auto be32 = [&](size_t at) {
    return (uint32_t(uint8_t(bytes[at])) << 24) | (uint32_t(uint8_t(bytes[at + 1])) << 16) |
           (uint32_t(uint8_t(bytes[at + 2])) << 8) | uint32_t(uint8_t(bytes[at + 3]));
  };
  EXPECT_EQ(be32(16), 1200u);  // IHDR width
  EXPECT_EQ(be32(20), 1600u);  // IHDR height
  // A blank 1200x1600 page compresses to a few KB; charts, text and tables take far more.
  EXPECT_GT(bytes.size(), 60u * 1024) << png;
}

}  // namespace
}  // namespace ember::train
