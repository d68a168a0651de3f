// train::Trainer: the training loop users don't have to rewrite. fit() runs epochs over a loader
// (forward, loss, backward, optional gradient clipping, optimizer step), computes the loss and
// metrics on the training and validation data, and tracks the monitored value; everything around
// that is a train::Callback (callbacks.h): the progress bar, logging to a run directory
// (RunLogger: metrics.jsonl, config.json, summary.json), TensorBoard, scheduler stepping, early
// stopping and "last"/"best" checkpoints (checkpoint.h), from which an interrupted run resumes
// exactly. trainer.callbacks() is the list fit() calls: add your own, reorder or remove them.
//
//   auto train = train::make_batches(datasets::FashionMNIST().map(transforms::Stack<>()),
//                                    data::DataLoaderOptions().batch_size(64));
//   optim::Adam adam(model->parameters(), optim::AdamOptions(1e-3));
//   train::Trainer trainer(model, adam, [](const Tensor& out, const Tensor& y) {
//     return F::cross_entropy(out, y);
//   }, train::TrainerOptions().epochs(5).run_dir("runs/fmnist").early_stopping_patience(2));
//   trainer.add_metric(train::Accuracy());
//   train::History h = trainer.fit(train, val);
//
// See docs/TRAINING.md.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/core/error.h"
#include "ember/data/dataloader.h"
#include "ember/data/example.h"
#include "ember/data/samplers/random.h"
#include "ember/nn/arg.h"
#include "ember/nn/modules/container.h"
#include "ember/optim/optimizer.h"
#include "ember/optim/schedulers/lr_scheduler.h"
#include "ember/optim/schedulers/schedulers.h"
#include "ember/train/callbacks.h"
#include "ember/train/checkpoint.h"
#include "ember/train/metrics.h"
#include "ember/train/progress.h"

namespace ember::train {

class RunLogger;

/// One batch: inputs (`data`) and targets (`target`).
using Batch = data::Example<>;

/// Any data loader yielding data::Example<> batches (a loader over a dataset mapped with
/// transforms::Stack<>()), its type erased. Holds the loader by reference (an lvalue loader or
/// unique_ptr: it must outlive the BatchSource) or shares ownership (an rvalue unique_ptr or a
/// shared_ptr). `num_batches` (batches per epoch) sizes the progress bar; when it is not given
/// the Trainer counts the first epoch's batches.
class BatchSource {
 public:
  BatchSource() = default;
  template <class L, class = std::enable_if_t<!std::is_same_v<std::decay_t<L>, BatchSource>>>
  BatchSource(L&& loader, std::optional<int64_t> num_batches = std::nullopt)  // NOLINT
      : num_batches_(num_batches) {
    using D = std::decay_t<L>;
    if constexpr (is_smart_ptr<D>::value) {
      EMBER_CHECK(loader != nullptr, "BatchSource: the loader is null");
      using Loader = typename D::element_type;
      std::shared_ptr<Loader> shared;
      if constexpr (is_shared_ptr<D>::value) {
        shared = loader;
      } else if constexpr (std::is_rvalue_reference_v<L&&>) {
        shared = std::shared_ptr<Loader>(std::move(loader));
      } else {
        shared = std::shared_ptr<Loader>(std::shared_ptr<Loader>(), loader.get());  // borrowed
      }
      for_each_ = [shared](const BatchFn& fn) { run(*shared, fn); };
    } else {
      static_assert(std::is_lvalue_reference_v<L>,
                    "BatchSource: pass a loader by reference or a unique_ptr/shared_ptr to it");
      D* p = &loader;
      for_each_ = [p](const BatchFn& fn) { run(*p, fn); };
    }
  }

  using BatchFn = std::function<void(Batch&)>;
  /// Runs `fn` on every batch of one epoch (a new iteration of the loader).
  void for_each(const BatchFn& fn) const {
    EMBER_CHECK(defined(), "BatchSource: no loader");
    for_each_(fn);
  }
  bool defined() const { return static_cast<bool>(for_each_); }
  explicit operator bool() const { return defined(); }
  std::optional<int64_t> num_batches() const { return num_batches_; }
  void set_num_batches(std::optional<int64_t> n) { num_batches_ = n; }

 private:
  template <class T>
  struct is_shared_ptr : std::false_type {};
  template <class T>
  struct is_shared_ptr<std::shared_ptr<T>> : std::true_type {};
  template <class T>
  struct is_smart_ptr : is_shared_ptr<T> {};
  template <class T, class Del>
  struct is_smart_ptr<std::unique_ptr<T, Del>> : std::true_type {};

  template <class Loader>
  static void run(Loader& loader, const BatchFn& fn) {
    for (auto& batch : loader) {
      static_assert(std::is_convertible_v<decltype(batch), Batch&>,
                    "BatchSource: the loader must yield data::Example<> batches (map the dataset "
                    "with transforms::Stack<>())");
      fn(batch);
    }
  }

  std::function<void(const BatchFn&)> for_each_;
  std::optional<int64_t> num_batches_;
};

/// make_data_loader<Sampler>(dataset, options) as a BatchSource that knows its batches per epoch:
///   auto val = train::make_batches<data::samplers::SequentialSampler>(std::move(ds), 256);
template <class Sampler = data::samplers::RandomSampler, class Dataset>
BatchSource make_batches(Dataset dataset, data::DataLoaderOptions options) {
  const std::optional<size_t> size = dataset.size();
  EMBER_CHECK(size.has_value(), "make_batches: the dataset has no size");
  EMBER_CHECK(options.batch_size() > 0, "make_batches: batch_size must be positive, got 0");
  const size_t b = options.batch_size();
  const int64_t n = static_cast<int64_t>(options.drop_last() ? *size / b : (*size + b - 1) / b);
  return BatchSource(data::make_data_loader<Sampler>(std::move(dataset), options), n);
}

/// When a learning-rate scheduler is stepped.
enum class StepInterval { kEpoch, kBatch };

/// What the Trainer does (builder style, libtorch's options spelling):
///   TrainerOptions().epochs(10).clip_grad_norm(1.0).early_stopping_patience(3).run_dir("runs/x")
struct TrainerOptions {
  using FilePtr = std::FILE*;

  /// Epochs to train in total (a resumed run continues up to this count).
  EMBER_ARG(int64_t, epochs) = 1;
  /// Clip the gradients' total norm (nn::utils::clip_grad_norm_) to this before each step.
  EMBER_ARG(std::optional<double>, clip_grad_norm);
  /// The norm clip_grad_norm uses (2, or INFINITY for the max norm).
  EMBER_ARG(double, clip_norm_type) = 2.0;
  /// The metric that picks the best epoch, drives early stopping and ReduceLROnPlateau:
  /// "val/loss", "val/accuracy", "train/loss", ... Empty: "val/loss" with a validation loader,
  /// else "train/loss".
  EMBER_ARG(std::string, monitor);
  /// Whether the monitored value should go down or up; kAuto: up for metrics whose
  /// higher_is_better() (accuracy), down for the loss.
  EMBER_ARG(MonitorMode, monitor_mode) = MonitorMode::kAuto;
  /// Stop after this many epochs in a row without improvement of the monitored value.
  EMBER_ARG(std::optional<int64_t>, early_stopping_patience);
  /// The smallest change that counts as an improvement.
  EMBER_ARG(double, min_delta) = 0.0;
  /// Run directory (RunLogger): config.json, metrics.jsonl, TensorBoard events, summary.json.
  /// An existing run directory is continued. Empty: see run_name.
  EMBER_ARG(std::filesystem::path, run_dir);
  /// Without run_dir: a new run directory `runs_root/<run_name>-<YYYYmmdd-HHMMSS>`; both empty:
  /// nothing is logged to disk.
  EMBER_ARG(std::string, run_name);
  EMBER_ARG(std::filesystem::path, runs_root) = "runs";
  /// Mirror the scalars to a TensorBoard event file.
  EMBER_ARG(bool, tensorboard) = true;
  /// Where checkpoints go. Empty: `<run_dir>/checkpoints` when there is a run directory, else
  /// no checkpoints.
  EMBER_ARG(std::filesystem::path, checkpoint_dir);
  /// Keep the last epoch's checkpoint (`checkpoint_dir/last`), and the best one (`.../best`).
  EMBER_ARG(bool, save_last) = true;
  EMBER_ARG(bool, save_best) = true;
  /// Log the training loss (and learning rate, gradient norm) every this many steps; 0: never.
  EMBER_ARG(int64_t, log_every_n_steps) = 10;
  /// Progress display: a bar per epoch on a terminal, one plain line per epoch otherwise (kAuto),
  /// or kOff.
  EMBER_ARG(ProgressBar::Mode, progress) = ProgressBar::Mode::Auto;
  /// Where the progress goes.
  EMBER_ARG(FilePtr, progress_stream) = stderr;
  /// Extra entries for config.json (merged into the Trainer's own).
  EMBER_ARG(nlohmann::json, config) = nlohmann::json::object();
};

/// What fit() did: one record per epoch (run so far, including epochs before a resume) and this
/// fit() call's per-step training losses.
struct History {
  /// Per epoch: "epoch" (1-based), "step" (global step at its end), "lr", "train/loss",
  /// "train/<metric>", "val/loss", "val/<metric>", "time" (seconds).
  std::vector<std::map<std::string, double>> epochs;
  /// The loss of every training step run by this fit() call, in order.
  std::vector<double> step_losses;
  /// The epoch (1-based) whose monitored value was best, and that value; 0 / NaN if none.
  int64_t best_epoch = 0;
  double best_value = 0;
  bool stopped_early = false;
  /// The column `key` over epochs (NaN where an epoch lacks it).
  std::vector<double> get(const std::string& key) const;
};

/// Where the Trainer is: completed epochs, steps, the monitor's best value and counter.
struct TrainerState {
  int64_t epoch = 0;        // completed epochs
  int64_t global_step = 0;  // completed optimizer steps
  int64_t best_epoch = 0;
  double best_value = 0;  // meaningful when best_epoch > 0
  int64_t wait = 0;       // epochs since the best
  bool stopped = false;   // stop_early() (callbacks::EarlyStopping) ended the run
};

using LossFn = std::function<Tensor(const Tensor& output, const Tensor& target)>;

/// The scheduler given to Trainer::set_scheduler (both null without one).
struct SchedulerSlot {
  optim::LRScheduler* scheduler = nullptr;  // stepped every `interval`
  StepInterval interval = StepInterval::kEpoch;
  optim::ReduceLROnPlateau* plateau = nullptr;  // stepped every epoch with `plateau_metric`
  std::string plateau_metric;                   // empty: the monitored value
  /// The scheduler's name ("StepLR"), or "" without one.
  std::string name() const;
};

class Trainer {
 public:
  /// `model` is any module with `Tensor forward(Tensor)` (a holder such as nn::Sequential, or a
  /// shared_ptr to a Module); `optimizer` must outlive the Trainer and optimize the model's
  /// parameters; `loss` returns a 0-d tensor (a batch mean, for epoch means to be exact).
  /// The Trainer starts with callbacks::defaults().
  Trainer(nn::AnyModule model, optim::Optimizer& optimizer, LossFn loss,
          TrainerOptions options = {});
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  /// Adds a metric computed on training and validation batches (a copy per phase).
  Trainer& add_metric(const Metric& metric);
  /// A metric that is the example-weighted mean of `fn(output, target)` over an epoch.
  Trainer& add_metric(std::string name, MeanMetric::Fn fn, bool higher_is_better = true);
  /// A scheduler stepped after every epoch (or every optimizer step) by callbacks::SchedulerStep
  /// and saved in checkpoints. It must schedule this Trainer's optimizer and outlive the Trainer.
  Trainer& set_scheduler(optim::LRScheduler& scheduler,
                         StepInterval interval = StepInterval::kEpoch);
  /// ReduceLROnPlateau, stepped after every epoch with `metric` (default: the monitored one).
  Trainer& set_scheduler(optim::ReduceLROnPlateau& scheduler, std::string metric = "");
  /// Continues a run at the start of the next fit(): `path` is a checkpoint directory (holding
  /// trainer.json) or a run directory (its checkpoints/last is used; it also becomes run_dir if
  /// none was set). Restores the model, the optimizer, the scheduler, the default generator's
  /// state, the epoch and step counts, the best value and the early-stopping counter, so the
  /// run continues as if it had not stopped (bitwise, for the same thread count and loaders
  /// built the same way). Throws ember::Error if there is no checkpoint there.
  Trainer& resume_from(const std::filesystem::path& path);

  // ---- callbacks ----
  /// Adds `callback` before the first callbacks::Checkpoint of the list (at the end without
  /// one), so that each epoch's checkpoint holds what it did.
  Trainer& add_callback(std::shared_ptr<Callback> callback);
  /// The callbacks fit() calls, in order (callbacks::defaults() plus what was added). Reorder,
  /// insert or erase freely:
  ///   auto& list = trainer.callbacks();
  ///   std::rotate(list.begin(), list.end() - 1, list.end());  // the last one first
  std::vector<std::shared_ptr<Callback>>& callbacks() { return callbacks_; }
  /// The first callback of type C in the list, or nullptr.
  template <class C>
  std::shared_ptr<C> find_callback() const {
    for (const auto& c : callbacks_)
      if (auto p = std::dynamic_pointer_cast<C>(c)) return p;
    return nullptr;
  }
  /// Removes every callback of type C (e.g. callbacks::Progress for a silent Trainer).
  template <class C>
  Trainer& remove_callback() {
    std::erase_if(callbacks_, [](const auto& c) { return dynamic_cast<C*>(c.get()) != nullptr; });
    return *this;
  }

  // ---- training ----
  /// Trains from the current epoch up to options().epochs(). Throws ember::Error for a missing
  /// train loader, a monitor that names no computed value, or a non-scalar loss. The loop:
  ///   on_train_begin
  ///   while epochs remain and nothing stopped the run:
  ///     on_epoch_begin; per batch: step, on_step_end; validation; monitor update; on_epoch_end
  ///   on_train_end
  History fit(const BatchSource& train, const BatchSource& val = {});
  /// Loss and metrics over `data` in eval mode without gradients: {"loss": .., "accuracy": ..}.
  std::map<std::string, double> evaluate(const BatchSource& data);

  /// Asks fit() to stop after the current epoch (from a callback).
  void stop() { stop_requested_ = true; }
  /// Ends the run for good after the current epoch: like stop(), and the run is marked as
  /// stopped early (state().stopped, History::stopped_early, summary.json, checkpoints), so a
  /// Trainer resumed from it trains no further. callbacks::EarlyStopping calls this.
  void stop_early() { state_.stopped = true; }

  // ---- what callbacks read ----
  const TrainerState& state() const { return state_; }
  const TrainerOptions& options() const { return options_; }
  /// The run directory, once fit() has opened it (empty without one).
  const std::filesystem::path& run_dir() const { return run_dir_; }
  /// The RunLogger of the run (nullptr before fit() or without a run directory); stays open
  /// until the Trainer is destroyed, so callers can log more (e.g. test metrics).
  RunLogger* logger() { return logger_.get(); }
  /// The checkpoint directory in use (empty when checkpoints are off).
  std::filesystem::path checkpoint_dir() const;
  /// The monitored value's name ("val/loss") and direction as resolved by the last fit().
  const std::string& monitor() const { return monitor_; }
  MonitorMode monitor_mode() const { return monitor_mode_; }
  const nn::AnyModule& model() const { return model_; }
  optim::Optimizer& optimizer() const { return *optimizer_; }
  const SchedulerSlot& scheduler() const { return scheduler_; }
  /// The metrics added with add_metric, in order.
  const std::vector<std::unique_ptr<Metric>>& metrics() const { return metrics_; }
  /// Training batches per epoch: given by the loader (make_batches) or counted in the first
  /// epoch; empty until known.
  std::optional<int64_t> batches_per_epoch() const { return train_batches_; }
  /// The learning rate of the optimizer's first param group (NaN without groups).
  double current_lr() const;

  /// Writes a checkpoint of the current state into `dir` (created; files replaced atomically):
  /// model, optimizer, scheduler and trainer.json (see checkpoint.h).
  void save_checkpoint(const std::filesystem::path& dir) const;

 private:
  void resolve_monitor(bool has_val);
  void open_run();
  void begin_fit(const BatchSource& train, const BatchSource& val);
  void load_checkpoint(const std::filesystem::path& dir);
  EpochLogs train_epoch(const BatchSource& train, int64_t epoch, History& history);
  EpochLogs run_eval(const BatchSource& data, const std::string& prefix);
  void update_monitor(int64_t epoch, double value);

  nn::AnyModule model_;
  optim::Optimizer* optimizer_;
  LossFn loss_;
  TrainerOptions options_;
  std::vector<std::unique_ptr<Metric>> metrics_;
  std::vector<std::shared_ptr<Callback>> callbacks_;
  SchedulerSlot scheduler_;
  std::filesystem::path resume_path_;
  std::filesystem::path run_dir_;
  std::unique_ptr<RunLogger> logger_;
  TrainerState state_;
  std::vector<EpochLogs> epoch_history_;
  std::string monitor_;
  MonitorMode monitor_mode_ = MonitorMode::kMin;
  std::optional<EarlyStopping> tracker_;  // the monitored value's best and `wait`, during fit()
  std::optional<int64_t> train_batches_;
  bool stop_requested_ = false;
};

}  // namespace ember::train
