// train::Trainer: the training loop users don't have to rewrite. It runs epochs over a loader
// (forward, loss, backward, optional gradient clipping, optimizer step, scheduler step), computes
// the loss and metrics on the training and validation data, shows a progress bar, logs to a run
// directory (RunLogger: metrics.jsonl, TensorBoard events, config.json, summary.json), keeps
// "last" and "best" checkpoints, stops early, and resumes an interrupted run exactly.
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

/// What the Trainer passes to callbacks after each training step.
struct StepInfo {
  int64_t epoch;         // 1-based
  int64_t step;          // global step, 1-based
  int64_t batch;         // index in the epoch, 0-based
  double loss;           // this batch's loss
  const Tensor& output;  // the model's output (detached)
  const Tensor& target;
};

class Trainer;

/// Hooks into the loop. Override what you need; Trainer::stop() ends training after the epoch.
class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_train_begin(Trainer&) {}
  virtual void on_epoch_begin(Trainer&, int64_t /*epoch*/) {}
  virtual void on_step_end(Trainer&, const StepInfo&) {}
  /// `logs` is the epoch's record (as in History::epochs).
  virtual void on_epoch_end(Trainer&, int64_t /*epoch*/, const std::map<std::string, double>&) {}
  virtual void on_train_end(Trainer&, const History&) {}
};

/// Where the Trainer is: completed epochs, steps, the monitor's best value and counter.
struct TrainerState {
  int64_t epoch = 0;        // completed epochs
  int64_t global_step = 0;  // completed optimizer steps
  int64_t best_epoch = 0;
  double best_value = 0;  // meaningful when best_epoch > 0
  int64_t wait = 0;       // epochs since the best
  bool stopped = false;   // early stopping (or stop()) ended the run
};

using LossFn = std::function<Tensor(const Tensor& output, const Tensor& target)>;

class Trainer {
 public:
  /// `model` is any module with `Tensor forward(Tensor)` (a holder such as nn::Sequential, or a
  /// shared_ptr to a Module); `optimizer` must outlive the Trainer and optimize the model's
  /// parameters; `loss` returns a 0-d tensor (a batch mean, for epoch means to be exact).
  Trainer(nn::AnyModule model, optim::Optimizer& optimizer, LossFn loss,
          TrainerOptions options = {});
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  /// Adds a metric computed on training and validation batches (a copy per phase).
  Trainer& add_metric(const Metric& metric);
  /// A metric that is the example-weighted mean of `fn(output, target)` over an epoch.
  Trainer& add_metric(std::string name, MeanMetric::Fn fn, bool higher_is_better = true);
  Trainer& add_callback(std::shared_ptr<Callback> callback);
  /// A scheduler stepped after every epoch (or every optimizer step). It must schedule this
  /// Trainer's optimizer and outlive the Trainer.
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

  /// Trains from the current epoch up to options().epochs(). Throws ember::Error for a missing
  /// train loader, a monitor that names no computed value, or a non-scalar loss.
  History fit(const BatchSource& train, const BatchSource& val = {});
  /// Loss and metrics over `data` in eval mode without gradients: {"loss": .., "accuracy": ..}.
  std::map<std::string, double> evaluate(const BatchSource& data);

  /// Asks fit() to stop after the current epoch (from a callback).
  void stop() { stop_requested_ = true; }

  const TrainerState& state() const { return state_; }
  const TrainerOptions& options() const { return options_; }
  /// The run directory, once fit() has opened it (empty without one).
  const std::filesystem::path& run_dir() const { return run_dir_; }
  /// The RunLogger of the run (nullptr before fit() or without a run directory); stays open
  /// until the Trainer is destroyed, so callers can log more (e.g. test metrics).
  RunLogger* logger() { return logger_.get(); }
  /// The checkpoint directory in use (empty when checkpoints are off).
  std::filesystem::path checkpoint_dir() const;
  /// The monitored value's name ("val/loss") as resolved by the last fit().
  const std::string& monitor() const { return monitor_; }
  const nn::AnyModule& model() const { return model_; }

  /// Writes a checkpoint of the current state into `dir` (created; files replaced atomically).
  void save_checkpoint(const std::filesystem::path& dir) const;

 private:
  struct EpochTotals;
  void resolve_monitor(bool has_val);
  void open_run();
  void load_checkpoint(const std::filesystem::path& dir);
  void write_checkpoints(bool improved);
  void write_checkpoint_files(const std::filesystem::path& root, bool improved);
  double current_lr() const;
  std::map<std::string, double> run_epoch_train(const BatchSource& train, int64_t epoch,
                                                History& history, ProgressBar* bar);
  std::map<std::string, double> run_eval(const BatchSource& data, const std::string& prefix);

  nn::AnyModule model_;
  optim::Optimizer* optimizer_;
  LossFn loss_;
  TrainerOptions options_;
  std::vector<std::unique_ptr<Metric>> metrics_;
  std::vector<std::shared_ptr<Callback>> callbacks_;
  optim::LRScheduler* scheduler_ = nullptr;
  StepInterval scheduler_interval_ = StepInterval::kEpoch;
  optim::ReduceLROnPlateau* plateau_ = nullptr;
  std::string plateau_metric_;
  std::filesystem::path resume_path_;
  std::filesystem::path run_dir_;
  std::unique_ptr<RunLogger> logger_;
  TrainerState state_;
  std::vector<std::map<std::string, double>> epoch_history_;
  std::string monitor_;
  MonitorMode monitor_mode_ = MonitorMode::kMin;
  std::optional<int64_t> train_batches_;
  bool stop_requested_ = false;
};

/// The checkpoint directory `which` ("last" or "best") of a run directory or a checkpoint root:
/// `<path>/checkpoints/<which>` if that exists, else `<path>/<which>`. Load a model from it with
/// ember::load(model, train::checkpoint_path(run, "best") / "model.safetensors").
std::filesystem::path checkpoint_path(const std::filesystem::path& path,
                                      const std::string& which = "last");

}  // namespace ember::train
