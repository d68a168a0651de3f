// RunLogger: run directory, config.json, metrics.jsonl (+ TensorBoard mirror), summary.json.
#include "ember/train/run_logger.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ember/core/error.h"
#include "ember/io/atomic_file.h"

namespace ember::train {
namespace {

// A process killed in the middle of a write can leave a last line without its newline. Appending
// to it would glue the next record onto the fragment, so on resume the fragment is cut off (it is
// an incomplete record: nothing that was ever complete is lost).
void drop_torn_tail(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec || size == 0) return;
  int fd = ::open(file.c_str(), O_RDWR | O_CLOEXEC);
  EMBER_CHECK(fd >= 0, "RunLogger: cannot open ", file.string(), ": ", std::strerror(errno));
  char last = '\n';
  if (::pread(fd, &last, 1, static_cast<off_t>(size - 1)) != 1 || last == '\n') {
    ::close(fd);
    return;
  }
  // Scan backwards, a block at a time, for the newline that ends the last complete record.
  constexpr uintmax_t kBlock = 4096;
  char buf[kBlock];
  uintmax_t end = size, keep = 0;
  while (end > 0 && keep == 0) {
    const uintmax_t begin = end > kBlock ? end - kBlock : 0;
    const ssize_t n = ::pread(fd, buf, end - begin, static_cast<off_t>(begin));
    if (n <= 0) break;
    for (ssize_t i = n - 1; i >= 0 && keep == 0; --i)
      if (buf[i] == '\n') keep = begin + static_cast<uintmax_t>(i) + 1;
    end = begin;
  }
  const int rc = ::ftruncate(fd, static_cast<off_t>(keep));
  const int err = errno;
  ::close(fd);
  EMBER_CHECK(rc == 0, "RunLogger: cannot cut the torn last line of ", file.string(), ": ",
              std::strerror(err));
}

void check_tag(std::string_view tag, int64_t step) {
  EMBER_CHECK(!tag.empty(), "RunLogger: empty tag at step ", step);
  EMBER_CHECK(tag != "step" && tag != "wall_time", "RunLogger: tag '", tag,
              "' is reserved (metrics.jsonl uses it for every record)");
}

std::string local_timestamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%d-%H%M%S", &tm);
  return buf;
}

}  // namespace

struct RunLogger::Impl {
  std::filesystem::path dir;
  RunLoggerOptions options;
  std::mutex mutex;
  io::AppendFile metrics;
  std::optional<TensorBoardWriter> tensorboard;
  bool closed = false;
};

RunLogger::RunLogger(const std::filesystem::path& dir, RunLoggerOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->dir = dir;
  impl_->options = options;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  EMBER_CHECK(!ec, "RunLogger: cannot create run directory ", dir.string(), ": ", ec.message());
  EMBER_CHECK(std::filesystem::is_directory(dir), "RunLogger: ", dir.string(),
              " exists and is not a directory");
  // A run killed while writing config.json or summary.json left a temporary file: remove it.
  io::remove_stale_temporaries(dir);
  const auto metrics = dir / "metrics.jsonl";
  drop_torn_tail(metrics);
  impl_->metrics = io::AppendFile(metrics);
  if (options.tensorboard) impl_->tensorboard.emplace(dir);
}

RunLogger RunLogger::create(std::string_view name, const std::filesystem::path& root,
                            RunLoggerOptions options) {
  EMBER_CHECK(!name.empty() && name.find('/') == std::string_view::npos,
              "RunLogger::create: run name '", name, "' must be non-empty and contain no '/'");
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  EMBER_CHECK(!ec, "RunLogger::create: cannot create ", root.string(), ": ", ec.message());
  const std::string base = std::string(name) + "-" + local_timestamp();
  for (int i = 1;; ++i) {
    auto dir = root / (i == 1 ? base : base + "-" + std::to_string(i));
    // create_directory is the atomic claim: it returns false when the directory already exists.
    if (std::filesystem::create_directory(dir, ec)) return RunLogger(dir, options);
    EMBER_CHECK(!ec, "RunLogger::create: cannot create ", dir.string(), ": ", ec.message());
  }
}

RunLogger::~RunLogger() {
  if (!impl_) return;
  try {
    close();
  } catch (...) {  // a destructor must not throw; close() reports errors when called explicitly
  }
}

RunLogger::RunLogger(RunLogger&&) noexcept = default;
RunLogger& RunLogger::operator=(RunLogger&&) noexcept = default;

const std::filesystem::path& RunLogger::dir() const { return impl_->dir; }

std::filesystem::path RunLogger::event_file() const {
  return impl_->tensorboard ? impl_->tensorboard->path() : std::filesystem::path();
}

void RunLogger::write_config(const nlohmann::json& config) {
  io::write_file_atomic(impl_->dir / "config.json", config.dump(2) + "\n");
}

void RunLogger::summary(const nlohmann::json& final_metrics) {
  io::write_file_atomic(impl_->dir / "summary.json", final_metrics.dump(2) + "\n");
}

void RunLogger::log_scalar(std::string_view tag, int64_t step, double value) {
  log_scalars(step, {{std::string(tag), value}});
}

void RunLogger::log_scalars(int64_t step, const ScalarList& values) {
  if (values.empty()) return;
  for (const auto& [tag, v] : values) check_tag(tag, step);
  const double now = unix_time_now();
  // ordered_json keeps "step" first and the tags in the caller's order; nlohmann writes
  // non-finite numbers as null and finite ones with round-trip precision.
  nlohmann::ordered_json line;
  line["step"] = step;
  for (const auto& [tag, v] : values) line[tag] = v;
  line["wall_time"] = now;
  const std::string record = line.dump() + "\n";

  std::lock_guard<std::mutex> lock(impl_->mutex);
  EMBER_CHECK(!impl_->closed, "RunLogger: log after close() (", impl_->dir.string(), ")");
  impl_->metrics.append(record);
  if (impl_->options.sync_every_record) impl_->metrics.sync();
  if (impl_->tensorboard) impl_->tensorboard->add_scalars(step, values, now);
}

void RunLogger::mirror_to_tensorboard() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  EMBER_CHECK(!impl_->closed, "RunLogger: mirror_to_tensorboard after close() (",
              impl_->dir.string(), ")");
  if (!impl_->tensorboard) impl_->tensorboard.emplace(impl_->dir);
}

void RunLogger::sync() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  if (impl_->closed) return;
  impl_->metrics.sync();
  if (impl_->tensorboard) impl_->tensorboard->sync();
}

void RunLogger::close() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  if (impl_->closed) return;
  impl_->closed = true;
  impl_->metrics.sync();
  impl_->metrics.close();
  if (impl_->tensorboard) {
    impl_->tensorboard->sync();
    impl_->tensorboard->close();
  }
}

}  // namespace ember::train
