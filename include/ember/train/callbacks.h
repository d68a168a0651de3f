// train::Callback, the hooks of Trainer::fit, and the built-in callbacks a Trainer starts with:
// progress bar, TensorBoard, metric logging, learning-rate scheduler stepping, early stopping and
// checkpoints (train::callbacks::defaults(), in that order). fit() calls each hook on every
// callback of trainer.callbacks(), in list order; the list is yours to extend, reorder or shorten:
//
//   struct PrintLoss : train::Callback {
//     void on_epoch_end(train::Trainer&, int64_t epoch, const train::EpochLogs& logs) override {
//       std::printf("epoch %lld: loss %g\n", static_cast<long long>(epoch), logs.at("train/loss"));
//     }
//   };
//   trainer.add_callback(std::make_shared<PrintLoss>());    // before the checkpoint callback
//   trainer.remove_callback<train::callbacks::Progress>();  // no progress bar
//
// See docs/TRAINING.md ("Callbacks").
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ember/tensor/tensor.h"
#include "ember/train/progress.h"

namespace ember::train {

class Trainer;
struct History;

/// One epoch's record, as in History::epochs: "epoch" (1-based), "step" (global step at its end),
/// "lr", "time" (seconds), "train/loss", "train/<metric>", "val/loss", "val/<metric>".
using EpochLogs = std::map<std::string, double>;

/// What the Trainer passes to callbacks after each training step.
struct StepInfo {
  int64_t epoch;         // 1-based
  int64_t step;          // global step, 1-based
  int64_t batch;         // index in the epoch, 0-based
  double loss;           // this batch's loss
  const Tensor& output;  // the model's output (detached)
  const Tensor& target;
  double lr;                        // the learning rate the step used (first param group)
  std::optional<double> grad_norm;  // the gradients' total norm before clipping, when clipping
  double epoch_loss;                // mean loss over the examples of the epoch so far
};

/// Hooks into Trainer::fit. Override the ones you need; each gets the Trainer, whose state(),
/// options(), logger(), model(), optimizer() ... it can read, and whose stop() ends training
/// after the current epoch.
class Callback {
 public:
  virtual ~Callback() = default;
  /// Once per fit(), after the run directory is open and a checkpoint to resume from is loaded.
  virtual void on_train_begin(Trainer&) {}
  virtual void on_epoch_begin(Trainer&, int64_t /*epoch*/) {}
  /// After each optimizer step.
  virtual void on_step_end(Trainer&, const StepInfo&) {}
  /// After the epoch's training and validation. `logs` is its record; state() already counts the
  /// epoch (epoch, global_step, and best_epoch/best_value/wait of the monitored value).
  virtual void on_epoch_end(Trainer&, int64_t /*epoch*/, const EpochLogs& /*logs*/) {}
  /// Once per fit(), before it returns `history`.
  virtual void on_train_end(Trainer&, const History&) {}
};

/// The callbacks a Trainer starts with. Each reads its settings from trainer.options() when it
/// runs and does nothing when its feature is off, so the list can be built before the options'
/// consumers (a scheduler set later, a run directory chosen by resume_from) are known.
namespace callbacks {

/// A progress bar per epoch (options progress, progress_stream): redrawn in place on a terminal,
/// one plain line per epoch otherwise, nothing with ProgressBar::Mode::Off.
class Progress : public Callback {
 public:
  void on_train_begin(Trainer&) override;
  void on_epoch_begin(Trainer& trainer, int64_t epoch) override;
  void on_step_end(Trainer& trainer, const StepInfo& step) override;
  void on_epoch_end(Trainer& trainer, int64_t epoch, const EpochLogs& logs) override;

 private:
  std::unique_ptr<ProgressBar> bar_;
};

/// With options tensorboard, mirrors every scalar logged to the run directory (by MetricLogger
/// and by you through trainer.logger(), also after fit()) into a TensorBoard event file there.
class TensorBoard : public Callback {
 public:
  void on_train_begin(Trainer& trainer) override;
};

/// Logs the run to its directory through trainer.logger() (nothing without a run directory):
/// config.json when training begins (the Trainer's options, optimizer, scheduler, model, metric
/// names and options config), train/loss, lr and grad_norm every log_every_n_steps steps, the
/// epoch's other values at its last step, and summary.json when training ends.
class MetricLogger : public Callback {
 public:
  void on_train_begin(Trainer& trainer) override;
  void on_step_end(Trainer& trainer, const StepInfo& step) override;
  void on_epoch_end(Trainer& trainer, int64_t epoch, const EpochLogs& logs) override;
  void on_train_end(Trainer& trainer, const History& history) override;
};

/// Steps the scheduler given to Trainer::set_scheduler: after every optimizer step
/// (StepInterval::kBatch) or every epoch; a ReduceLROnPlateau after every epoch with its metric.
class SchedulerStep : public Callback {
 public:
  void on_step_end(Trainer& trainer, const StepInfo& step) override;
  void on_epoch_end(Trainer& trainer, int64_t epoch, const EpochLogs& logs) override;
};

/// Ends the run (Trainer::stop_early) once the monitored value has not improved for
/// options early_stopping_patience epochs in a row (state().wait).
class EarlyStopping : public Callback {
 public:
  void on_epoch_end(Trainer& trainer, int64_t epoch, const EpochLogs& logs) override;
};

/// After each epoch, writes a checkpoint of the trainer into trainer.checkpoint_dir() (nothing
/// when that is empty) and points `last` (options save_last) and, on a new best value, `best`
/// (save_best) at it; see checkpoint.h. Runs last by default, so that the checkpoint holds what
/// the other callbacks did in that epoch (a stepped scheduler, an early stop).
class Checkpoint : public Callback {
 public:
  void on_epoch_end(Trainer& trainer, int64_t epoch, const EpochLogs& logs) override;
};

/// Progress, TensorBoard, MetricLogger, SchedulerStep, EarlyStopping, Checkpoint: the list a
/// Trainer starts with.
std::vector<std::shared_ptr<Callback>> defaults();

}  // namespace callbacks
}  // namespace ember::train
