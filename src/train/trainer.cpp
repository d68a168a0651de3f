// The training loop (see ember/train/trainer.h): options and setup checks, fit() as epochs of
// training steps and validation with callbacks around them, evaluation, and the monitored value.
// What happens around the loop is in callbacks.cpp; checkpoint I/O is in checkpoint.cpp.
#include "ember/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ember/autograd/grad_mode.h"
#include "ember/nn/utils/clip_grad.h"
#include "ember/train/run_logger.h"

namespace ember::train {

namespace fs = std::filesystem;

std::vector<double> History::get(const std::string& key) const {
  std::vector<double> out;
  out.reserve(epochs.size());
  for (const auto& e : epochs) {
    auto it = e.find(key);
    out.push_back(it == e.end() ? std::nan("") : it->second);
  }
  return out;
}

Trainer::Trainer(nn::AnyModule model, optim::Optimizer& optimizer, LossFn loss,
                 TrainerOptions options)
    : model_(std::move(model)),
      optimizer_(&optimizer),
      loss_(std::move(loss)),
      options_(std::move(options)),
      callbacks_(callbacks::defaults()) {
  EMBER_CHECK(!model_.is_empty(), "Trainer: the model is empty");
  EMBER_CHECK(static_cast<bool>(loss_), "Trainer: no loss function");
  EMBER_CHECK(options_.epochs() >= 1, "Trainer: epochs must be at least 1, got ",
              options_.epochs());
  EMBER_CHECK(!options_.clip_grad_norm() || *options_.clip_grad_norm() > 0,
              "Trainer: clip_grad_norm must be positive, got ",
              options_.clip_grad_norm().value_or(0));
  EMBER_CHECK(options_.clip_norm_type() > 0, "Trainer: clip_norm_type must be positive, got ",
              options_.clip_norm_type());
  EMBER_CHECK(!options_.early_stopping_patience() || *options_.early_stopping_patience() >= 1,
              "Trainer: early_stopping_patience must be at least 1, got ",
              options_.early_stopping_patience().value_or(0));
  EMBER_CHECK(options_.min_delta() >= 0, "Trainer: min_delta must be non-negative, got ",
              options_.min_delta());
  EMBER_CHECK(options_.log_every_n_steps() >= 0,
              "Trainer: log_every_n_steps must be non-negative, got ",
              options_.log_every_n_steps());
  EMBER_CHECK(options_.config().is_object(), "Trainer: config must be a JSON object");
}

Trainer::~Trainer() = default;

Trainer& Trainer::add_metric(const Metric& metric) {
  EMBER_CHECK(!metric.name().empty() && metric.name() != "loss",
              "Trainer::add_metric: a metric needs a name other than \"loss\", got \"",
              metric.name(), "\"");
  for (const auto& m : metrics_)
    EMBER_CHECK(m->name() != metric.name(), "Trainer::add_metric: a metric named \"", metric.name(),
                "\" was already added");
  metrics_.push_back(metric.clone());
  return *this;
}

Trainer& Trainer::add_metric(std::string name, MeanMetric::Fn fn, bool higher_is_better) {
  EMBER_CHECK(static_cast<bool>(fn), "Trainer::add_metric: no function for metric \"", name, "\"");
  return add_metric(MeanMetric(std::move(name), std::move(fn), higher_is_better));
}

Trainer& Trainer::add_callback(std::shared_ptr<Callback> callback) {
  EMBER_CHECK(callback != nullptr, "Trainer::add_callback: null callback");
  auto at = std::find_if(callbacks_.begin(), callbacks_.end(), [](const auto& c) {
    return dynamic_cast<callbacks::Checkpoint*>(c.get()) != nullptr;
  });
  callbacks_.insert(at, std::move(callback));
  return *this;
}

Trainer& Trainer::set_scheduler(optim::LRScheduler& scheduler, StepInterval interval) {
  EMBER_CHECK(scheduler_.plateau == nullptr,
              "Trainer::set_scheduler: a ReduceLROnPlateau scheduler is already set");
  scheduler_.scheduler = &scheduler;
  scheduler_.interval = interval;
  return *this;
}

Trainer& Trainer::set_scheduler(optim::ReduceLROnPlateau& scheduler, std::string metric) {
  EMBER_CHECK(scheduler_.scheduler == nullptr,
              "Trainer::set_scheduler: a scheduler is already set");
  scheduler_.plateau = &scheduler;
  scheduler_.plateau_metric = std::move(metric);
  return *this;
}

fs::path Trainer::checkpoint_dir() const {
  if (!options_.checkpoint_dir().empty()) return options_.checkpoint_dir();
  if (!run_dir_.empty()) return run_dir_ / "checkpoints";
  return {};
}

double Trainer::current_lr() const {
  const auto& groups = optimizer_->param_groups();
  return groups.empty() ? std::nan("") : groups.front().options().get_lr();
}

// ---- setup -----------------------------------------------------------------------------------

namespace {

// "val/accuracy" → {"val", "accuracy"}; no slash → {"", ""}.
std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos) return {"", ""};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

}  // namespace

void Trainer::resolve_monitor(bool has_val) {
  monitor_ =
      options_.monitor().empty() ? (has_val ? "val/loss" : "train/loss") : options_.monitor();
  const auto [phase, name] = split_key(monitor_);
  EMBER_CHECK(phase == "train" || phase == "val", "Trainer: monitor \"", monitor_,
              "\" must be \"train/<name>\" or \"val/<name>\"");
  EMBER_CHECK(phase == "train" || has_val, "Trainer: monitor \"", monitor_,
              "\" needs a validation loader");
  const Metric* metric = nullptr;
  for (const auto& m : metrics_)
    if (m->name() == name) metric = m.get();
  EMBER_CHECK(name == "loss" || metric != nullptr, "Trainer: monitor \"", monitor_,
              "\" names no computed value (\"loss\" or an added metric)");
  monitor_mode_ = options_.monitor_mode();
  if (monitor_mode_ == MonitorMode::kAuto)
    monitor_mode_ = metric && metric->higher_is_better() ? MonitorMode::kMax : MonitorMode::kMin;
  if (scheduler_.plateau && !scheduler_.plateau_metric.empty()) {
    const auto [p, n] = split_key(scheduler_.plateau_metric);
    bool known = n == "loss";
    for (const auto& m : metrics_) known = known || m->name() == n;
    EMBER_CHECK((p == "train" || (p == "val" && has_val)) && known,
                "Trainer: ReduceLROnPlateau metric \"", scheduler_.plateau_metric,
                "\" names no computed value");
  }
}

void Trainer::open_run() {
  if (logger_) return;
  RunLoggerOptions lo;
  lo.tensorboard = false;  // callbacks::TensorBoard turns the mirror on
  if (!options_.run_dir().empty()) {
    logger_ = std::make_unique<RunLogger>(options_.run_dir(), lo);
  } else if (!options_.run_name().empty()) {
    logger_ = std::make_unique<RunLogger>(
        RunLogger::create(options_.run_name(), options_.runs_root(), lo));
  } else {
    return;
  }
  run_dir_ = logger_->dir();
}

// Checks the setup, opens the run directory and loads the checkpoint to resume from.
void Trainer::begin_fit(const BatchSource& train, const BatchSource& val) {
  EMBER_CHECK(train.defined(), "Trainer::fit: no training loader");
  resolve_monitor(val.defined());
  open_run();
  if (!resume_path_.empty()) {
    const fs::path p = resume_path_;
    resume_path_.clear();
    load_checkpoint(p);
  }
  if (!train_batches_) train_batches_ = train.num_batches();
  stop_requested_ = false;
  tracker_.emplace(monitor_mode_, std::nullopt, options_.min_delta());
  if (state_.best_epoch > 0) tracker_->restore(state_.best_value, state_.wait);
}

// ---- the loop --------------------------------------------------------------------------------

History Trainer::fit(const BatchSource& train, const BatchSource& val) {
  begin_fit(train, val);
  History history;
  history.epochs = epoch_history_;
  for (auto& c : callbacks_) c->on_train_begin(*this);
  while (state_.epoch < options_.epochs() && !state_.stopped && !stop_requested_) {
    const int64_t epoch = state_.epoch + 1;
    for (auto& c : callbacks_) c->on_epoch_begin(*this, epoch);
    const auto start = std::chrono::steady_clock::now();
    const double lr = current_lr();
    EpochLogs logs = train_epoch(train, epoch, history);  // calls on_step_end after each step
    if (val.defined()) logs.merge(run_eval(val, "val/"));
    logs["epoch"] = static_cast<double>(epoch);
    logs["step"] = static_cast<double>(state_.global_step);
    logs["lr"] = lr;
    update_monitor(epoch, logs.at(monitor_));
    state_.epoch = epoch;
    logs["time"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    epoch_history_.push_back(logs);
    history.epochs.push_back(logs);
    for (auto& c : callbacks_) c->on_epoch_end(*this, epoch, logs);
  }
  history.best_epoch = state_.best_epoch;
  history.best_value = state_.best_epoch > 0 ? state_.best_value : std::nan("");
  history.stopped_early = state_.stopped;
  for (auto& c : callbacks_) c->on_train_end(*this, history);
  return history;
}

// The monitored value of epoch `epoch`: a new best, or one more epoch without improvement.
void Trainer::update_monitor(int64_t epoch, double value) {
  if (tracker_->update(value)) {
    state_.best_epoch = epoch;
    state_.best_value = value;
  }
  state_.wait = tracker_->wait();
}

namespace {

void check_loss(const Tensor& loss) {
  EMBER_CHECK(loss.defined() && loss.numel() == 1,
              "Trainer: the loss function must return one value, got shape ",
              loss.defined() ? loss.sizes() : IntArrayRef{});
}

// Fresh copies of the Trainer's metrics for one pass over a loader.
std::vector<std::unique_ptr<Metric>> fresh(const std::vector<std::unique_ptr<Metric>>& metrics) {
  std::vector<std::unique_ptr<Metric>> out;
  for (const auto& m : metrics) {
    out.push_back(m->clone());
    out.back()->reset();
  }
  return out;
}

}  // namespace

EpochLogs Trainer::train_epoch(const BatchSource& train, int64_t epoch, History& history) {
  nn::Module& module = *model_.ptr();
  module.train();
  std::vector<std::unique_ptr<Metric>> metrics = fresh(metrics_);
  const std::vector<Tensor> params = module.parameters();
  double loss_sum = 0, count = 0;
  int64_t batch_index = 0;
  train.for_each([&](Batch& batch) {
    optimizer_->zero_grad();
    const Tensor out = model_.forward(batch.data);
    const Tensor loss = loss_(out, batch.target);
    check_loss(loss);
    loss.backward();
    std::optional<double> grad_norm;
    if (options_.clip_grad_norm())
      grad_norm =
          nn::utils::clip_grad_norm_(params, *options_.clip_grad_norm(), options_.clip_norm_type());
    const double lr = current_lr();
    optimizer_->step();
    ++state_.global_step;

    const double value = loss.item<double>();
    const Tensor detached = out.detach();
    {
      NoGradGuard no_grad;
      for (auto& m : metrics) m->update(detached, batch.target);
    }
    const double n = static_cast<double>(batch_size_of(detached));
    loss_sum += value * n;
    count += n;
    history.step_losses.push_back(value);
    const StepInfo info{epoch, state_.global_step, batch_index,     value, detached, batch.target,
                        lr,    grad_norm,          loss_sum / count};
    for (auto& c : callbacks_) c->on_step_end(*this, info);
    ++batch_index;
  });
  EMBER_CHECK(batch_index > 0, "Trainer::fit: the training loader yielded no batches");
  if (!train_batches_) train_batches_ = batch_index;
  EpochLogs logs;
  logs["train/loss"] = loss_sum / count;
  for (const auto& m : metrics) logs["train/" + m->name()] = m->compute();
  return logs;
}

EpochLogs Trainer::run_eval(const BatchSource& data, const std::string& prefix) {
  nn::Module& module = *model_.ptr();
  const bool was_training = module.is_training();
  module.eval();
  NoGradGuard no_grad;
  std::vector<std::unique_ptr<Metric>> metrics = fresh(metrics_);
  double loss_sum = 0, count = 0;
  int64_t batches = 0;
  data.for_each([&](Batch& batch) {
    const Tensor out = model_.forward(batch.data);
    const Tensor loss = loss_(out, batch.target);
    check_loss(loss);
    const double n = static_cast<double>(batch_size_of(out));
    loss_sum += loss.item<double>() * n;
    count += n;
    for (auto& m : metrics) m->update(out, batch.target);
    ++batches;
  });
  module.train(was_training);
  EMBER_CHECK(batches > 0, "Trainer: the ", prefix.empty() ? "evaluation" : prefix + " ",
              "loader yielded no batches");
  EpochLogs logs;
  logs[prefix + "loss"] = loss_sum / count;
  for (const auto& m : metrics) logs[prefix + m->name()] = m->compute();
  return logs;
}

std::map<std::string, double> Trainer::evaluate(const BatchSource& data) {
  EMBER_CHECK(data.defined(), "Trainer::evaluate: no loader");
  return run_eval(data, "");
}

}  // namespace ember::train
