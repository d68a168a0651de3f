// A tqdm-style progress bar for training loops:
//   epoch 2/10  12/47 [00:03<00:08, 15.2 it/s, loss=0.231]
// On a terminal it redraws one line in place (throttled); otherwise (CI, pipes) it prints a
// single plain line when the bar finishes.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace ember::train {

class ProgressBar {
 public:
  enum class Mode { Auto, Terminal, Plain, Off };
  /// `total` iterations (0 if unknown); `desc` is printed first (e.g. "epoch 2/10").
  ProgressBar(int64_t total, std::string desc, Mode mode = Mode::Auto, std::FILE* out = stderr);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// Advances by `n` iterations and sets the postfix values shown after the rate.
  void update(int64_t n = 1, const std::vector<std::pair<std::string, double>>& postfix = {});
  /// Sets the postfix without advancing.
  void set_postfix(const std::vector<std::pair<std::string, double>>& postfix);
  /// Prints the final state (and a newline); idempotent.
  void close();

  /// The line as it would be printed now (exposed for tests).
  std::string render() const;
  int64_t count() const { return count_; }
  double elapsed_seconds() const;

  /// "mm:ss" or "h:mm:ss".
  static std::string format_duration(double seconds);

 private:
  void draw(bool final);
  int64_t total_;
  int64_t count_ = 0;
  std::string desc_;
  bool terminal_;
  bool enabled_;
  bool closed_ = false;
  std::FILE* out_;
  std::vector<std::pair<std::string, double>> postfix_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace ember::train
