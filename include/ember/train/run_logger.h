// RunLogger: the record of one training run on disk. A run directory holds
//   config.json                      hyper-parameters (written atomically)
//   metrics.jsonl                    one JSON object per log call:
//   {"step":12,"train/loss":0.31,...} events.out.tfevents.<ts>.<host>  the same scalars for
//   TensorBoard summary.json                     final metrics (written atomically)
// See docs/VISUALIZATION.md. Readers (report, TensorBoard) never need the training process.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "ember/train/tensorboard.h"

namespace ember::train {

struct RunLoggerOptions {
  /// Mirror every scalar into a TensorBoard event file in the run directory.
  bool tensorboard = true;
  /// fsync metrics.jsonl after every record (survives power loss; slower). Without it each record
  /// still reaches the kernel immediately, so it survives a crash of the training process.
  bool sync_every_record = false;
};

/// Records one training run: config, scalar metrics (JSON lines + TensorBoard) and a summary.
/// Thread-safe: calls may come from several threads. Movable, not copyable.
///
///   auto run = ember::train::RunLogger::create("mnist_mlp");    // runs/mnist_mlp-20250101-120000
///   run.write_config({{"lr", 0.1}, {"batch_size", 64}});
///   run.log_scalars(step, {{"train/loss", loss}, {"lr", lr}});
///   run.log_scalar("val/accuracy", step, acc);
///   run.summary({{"val/accuracy", acc}, {"epochs", 3}});
class RunLogger {
 public:
  /// Opens the run directory `dir`, creating it (and its parents) if needed. An existing run is
  /// resumed: metrics.jsonl is appended to, never truncated, and a new TensorBoard event file is
  /// started beside the old ones. Throws ember::Error if the directory cannot be created.
  explicit RunLogger(const std::filesystem::path& dir, RunLoggerOptions options = {});
  /// Starts a new run in `root/<name>-<YYYYmmdd-HHMMSS>` (local time); if that directory exists,
  /// `-2`, `-3`, ... is appended, so a new run never resumes an old one by accident.
  static RunLogger create(std::string_view name, const std::filesystem::path& root = "runs",
                          RunLoggerOptions options = {});

  ~RunLogger();
  RunLogger(RunLogger&&) noexcept;
  RunLogger& operator=(RunLogger&&) noexcept;

  /// Writes `config` (any JSON; usually an object) to config.json, atomically replacing an old one.
  void write_config(const nlohmann::json& config);
  /// Appends {"step":step,"<tag>":value,"wall_time":t} to metrics.jsonl and mirrors it to
  /// TensorBoard. Non-finite values are written as null (JSON has no NaN); TensorBoard keeps
  /// them as they are. Tags must be non-empty and not "step" or "wall_time".
  void log_scalar(std::string_view tag, int64_t step, double value);
  /// Several scalars of one step as one JSON line and one TensorBoard event, in the given order.
  void log_scalars(int64_t step, const ScalarList& values);
  /// Writes `final_metrics` to summary.json atomically (call again to replace it).
  void summary(const nlohmann::json& final_metrics);
  /// Starts mirroring every later scalar into a new TensorBoard event file in the run directory,
  /// as options.tensorboard does from the start; does nothing when already mirroring.
  void mirror_to_tensorboard();
  /// fsync of metrics.jsonl and the event file.
  void sync();
  /// sync() and close the files; later log calls throw. Also done by the destructor.
  void close();

  const std::filesystem::path& dir() const;
  std::filesystem::path metrics_path() const { return dir() / "metrics.jsonl"; }
  /// The TensorBoard event file of this session (empty when options.tensorboard is false).
  std::filesystem::path event_file() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ember::train
