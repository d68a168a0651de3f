// The tqdm-style progress bar.
#include "ember/train/progress.h"

#include <unistd.h>

#include <cmath>
#include <sstream>

namespace ember::train {

ProgressBar::ProgressBar(int64_t total, std::string desc, Mode mode, std::FILE* out)
    : total_(total), desc_(std::move(desc)), out_(out) {
  const bool tty = out && isatty(fileno(out));
  enabled_ = mode != Mode::Off && out != nullptr;
  terminal_ = mode == Mode::Terminal || (mode == Mode::Auto && tty);
  start_ = last_draw_ = std::chrono::steady_clock::now();
  if (enabled_ && terminal_) draw(false);
}

ProgressBar::~ProgressBar() { close(); }

double ProgressBar::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string ProgressBar::format_duration(double s) {
  if (!std::isfinite(s) || s < 0) s = 0;
  const int64_t t = static_cast<int64_t>(s);
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(t / 3600),
                  static_cast<long long>(t / 60 % 60), static_cast<long long>(t % 60));
  else
    std::snprintf(buf, sizeof buf, "%02lld:%02lld", static_cast<long long>(t / 60),
                  static_cast<long long>(t % 60));
  return buf;
}

std::string ProgressBar::render() const {
  const double el = elapsed_seconds();
  const double rate = el > 0 ? static_cast<double>(count_) / el : 0;
  std::ostringstream os;
  if (!desc_.empty()) os << desc_ << "  ";
  if (total_ > 0) {
    const double frac = std::min(1.0, static_cast<double>(count_) / static_cast<double>(total_));
    constexpr int kWidth = 20;
    const int filled = static_cast<int>(frac * kWidth);
    os << static_cast<int>(frac * 100) << "%|";
    for (int i = 0; i < kWidth; ++i) os << (i < filled ? '#' : ' ');
    os << "| " << count_ << "/" << total_;
    const double remaining = rate > 0 ? static_cast<double>(total_ - count_) / rate : 0;
    os << " [" << format_duration(el) << "<" << format_duration(remaining);
  } else {
    os << count_ << " [" << format_duration(el);
  }
  char r[32];
  std::snprintf(r, sizeof r, "%.1f", rate);
  os << ", " << r << " it/s";
  for (const auto& [k, v] : postfix_) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    os << ", " << k << "=" << buf;
  }
  os << "]";
  return os.str();
}

void ProgressBar::set_postfix(const std::vector<std::pair<std::string, double>>& postfix) {
  postfix_ = postfix;
}

void ProgressBar::update(int64_t n, const std::vector<std::pair<std::string, double>>& postfix) {
  count_ += n;
  if (!postfix.empty()) postfix_ = postfix;
  if (!enabled_ || !terminal_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ > std::chrono::milliseconds(100) || (total_ > 0 && count_ >= total_)) {
    last_draw_ = now;
    draw(false);
  }
}

void ProgressBar::draw(bool final) {
  const std::string line = render();
  if (terminal_)
    std::fprintf(out_, "\r%s\033[K", line.c_str());
  else
    std::fprintf(out_, "%s", line.c_str());
  if (final) std::fputc('\n', out_);
  std::fflush(out_);
}

void ProgressBar::close() {
  if (closed_) return;
  closed_ = true;
  if (enabled_) draw(true);
}

}  // namespace ember::train
