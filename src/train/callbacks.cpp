// The built-in callbacks of train::Trainer (see ember/train/callbacks.h): progress bar,
// TensorBoard, metric logging to the run directory (config.json, metrics.jsonl, summary.json),
// scheduler stepping, early stopping and checkpoints.
#include "ember/train/callbacks.h"

#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "ember/autograd/grad_mode.h"
#include "ember/ops.h"
#include "ember/optim/serialize.h"
#include "ember/train/checkpoint.h"
#include "ember/train/run_logger.h"
#include "ember/train/trainer.h"
#include "train/trainer_json.h"

namespace ember::train::callbacks {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The total 2-norm of the model's gradients (those the last step used: a step leaves them as
// they were).
double grad_norm(const Trainer& trainer) {
  NoGradGuard no_grad;
  double sq = 0;
  for (const Tensor& p : trainer.model().ptr()->parameters())
    if (p.grad().defined()) {
      const double g = norm(p.grad().to(kDouble)).item<double>();
      sq += g * g;
    }
  return std::sqrt(sq);
}

json trainer_config(const Trainer& trainer) {
  const TrainerOptions& o = trainer.options();
  const auto batches = trainer.batches_per_epoch();
  return {{"epochs", o.epochs()},
          {"clip_grad_norm", o.clip_grad_norm() ? json(*o.clip_grad_norm()) : json(nullptr)},
          {"monitor", trainer.monitor()},
          {"monitor_mode", detail::mode_name(trainer.monitor_mode())},
          {"early_stopping_patience",
           o.early_stopping_patience() ? json(*o.early_stopping_patience()) : json(nullptr)},
          {"min_delta", o.min_delta()},
          {"train_batches", batches ? json(*batches) : json(nullptr)}};
}

json optimizer_config(const optim::Optimizer& optimizer) {
  json groups = json::array();
  for (const auto& g : optimizer.param_groups()) {
    json o = json::object();
    g.options().to_json(o);
    groups.push_back(o);
  }
  return {{"type", optimizer.name()}, {"param_groups", groups}};
}

json model_config(const nn::Module& model) {
  std::ostringstream text;
  text << model;
  int64_t n_params = 0;
  for (const Tensor& p : model.parameters()) n_params += p.numel();
  return {{"name", model.name()}, {"parameters", n_params}, {"summary", text.str()}};
}

// config.json: the Trainer's options, optimizer, scheduler, model, metrics and options().config().
json run_config(const Trainer& trainer) {
  json config = {{"trainer", trainer_config(trainer)}};
  config["optimizer"] = optimizer_config(trainer.optimizer());
  const SchedulerSlot& s = trainer.scheduler();
  if (s.scheduler || s.plateau)
    config["scheduler"] = {{"type", s.name()},
                           {"interval", s.interval == StepInterval::kBatch ? "batch" : "epoch"}};
  config["model"] = model_config(*trainer.model().ptr());
  json metric_names = json::array();
  for (const auto& m : trainer.metrics()) metric_names.push_back(m->name());
  config["metrics"] = metric_names;
  config.update(trainer.options().config());
  return config;
}

}  // namespace

// ---- Progress --------------------------------------------------------------------------------

void Progress::on_train_begin(Trainer&) { bar_.reset(); }

void Progress::on_epoch_begin(Trainer& trainer, int64_t epoch) {
  const TrainerOptions& o = trainer.options();
  if (o.progress() == ProgressBar::Mode::Off) return;
  bar_ = std::make_unique<ProgressBar>(
      trainer.batches_per_epoch().value_or(0),
      "epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs()), o.progress(),
      o.progress_stream());
}

void Progress::on_step_end(Trainer&, const StepInfo& step) {
  if (bar_) bar_->update(1, {{"loss", step.epoch_loss}});
}

void Progress::on_epoch_end(Trainer&, int64_t, const EpochLogs& logs) {
  if (!bar_) return;
  std::vector<std::pair<std::string, double>> postfix = {{"loss", logs.at("train/loss")}};
  for (const auto& [k, v] : logs)
    if (starts_with(k, "train/") && k != "train/loss") postfix.emplace_back(k.substr(6), v);
  for (const auto& [k, v] : logs)
    if (starts_with(k, "val/")) postfix.emplace_back("val_" + k.substr(4), v);
  bar_->set_postfix(postfix);
  bar_->close();
  bar_.reset();
}

// ---- MetricLogger ----------------------------------------------------------------------------

void MetricLogger::on_train_begin(Trainer& trainer) {
  if (RunLogger* logger = trainer.logger()) logger->write_config(run_config(trainer));
}

void MetricLogger::on_step_end(Trainer& trainer, const StepInfo& step) {
  RunLogger* logger = trainer.logger();
  const int64_t every = trainer.options().log_every_n_steps();
  if (!logger || every <= 0 || step.step % every != 0) return;
  const double norm = step.grad_norm ? *step.grad_norm : grad_norm(trainer);
  logger->log_scalars(step.step, {{"train/loss", step.loss}, {"lr", step.lr}, {"grad_norm", norm}});
}

void MetricLogger::on_epoch_end(Trainer& trainer, int64_t, const EpochLogs& logs) {
  RunLogger* logger = trainer.logger();
  if (!logger) return;
  ScalarList scalars;
  // Without step logging the epoch's training loss is the only one the run gets.
  if (trainer.options().log_every_n_steps() == 0)
    scalars.emplace_back("train/loss", logs.at("train/loss"));
  for (const auto& [k, v] : logs)
    if ((starts_with(k, "train/") && k != "train/loss") || starts_with(k, "val/"))
      scalars.emplace_back(k, v);
  logger->log_scalars(trainer.state().global_step, scalars);
}

void MetricLogger::on_train_end(Trainer& trainer, const History& history) {
  RunLogger* logger = trainer.logger();
  if (!logger) return;
  const TrainerState& s = trainer.state();
  json summary = {{"epochs", s.epoch},
                  {"steps", s.global_step},
                  {"best_epoch", s.best_epoch},
                  {"best/" + trainer.monitor(), detail::number_or_null(history.best_value)},
                  {"stopped_early", s.stopped}};
  if (!history.epochs.empty())
    for (const auto& [k, v] : history.epochs.back())
      if (starts_with(k, "train/") || starts_with(k, "val/"))
        summary[k] = detail::number_or_null(v);
  logger->summary(summary);
}

// ---- TensorBoard, SchedulerStep, EarlyStopping -------------------------------------------------

void TensorBoard::on_train_begin(Trainer& trainer) {
  if (trainer.options().tensorboard() && trainer.logger())
    trainer.logger()->mirror_to_tensorboard();
}

void SchedulerStep::on_step_end(Trainer& trainer, const StepInfo&) {
  const SchedulerSlot& s = trainer.scheduler();
  if (s.scheduler && s.interval == StepInterval::kBatch) s.scheduler->step();
}

void SchedulerStep::on_epoch_end(Trainer& trainer, int64_t, const EpochLogs& logs) {
  const SchedulerSlot& s = trainer.scheduler();
  if (s.scheduler && s.interval == StepInterval::kEpoch) s.scheduler->step();
  if (s.plateau)
    s.plateau->step(logs.at(s.plateau_metric.empty() ? trainer.monitor() : s.plateau_metric));
}

void EarlyStopping::on_epoch_end(Trainer& trainer, int64_t, const EpochLogs&) {
  const auto patience = trainer.options().early_stopping_patience();
  if (patience && trainer.state().wait >= *patience) trainer.stop_early();
}

// ---- Checkpoint ------------------------------------------------------------------------------

void Checkpoint::on_epoch_end(Trainer& trainer, int64_t epoch, const EpochLogs&) {
  const fs::path root = trainer.checkpoint_dir();
  const TrainerOptions& o = trainer.options();
  const bool improved = trainer.state().best_epoch == epoch;
  const bool link_last = o.save_last(), link_best = o.save_best() && improved;
  if (root.empty() || (!link_last && !link_best)) return;
  try {
    write_epoch_checkpoint(
        root, epoch, [&](const fs::path& dir) { trainer.save_checkpoint(dir); }, link_last,
        link_best);
  } catch (const Error& e) {  // write_epoch_checkpoint reports file system failures so too
    throw Error("Trainer: cannot write the checkpoint of epoch " + std::to_string(epoch) + " in " +
                root.string() + ": " + e.what());
  }
}

std::vector<std::shared_ptr<Callback>> defaults() {
  return {std::make_shared<Progress>(),      std::make_shared<TensorBoard>(),
          std::make_shared<MetricLogger>(),  std::make_shared<SchedulerStep>(),
          std::make_shared<EarlyStopping>(), std::make_shared<Checkpoint>()};
}

}  // namespace ember::train::callbacks
