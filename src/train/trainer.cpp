// The training loop, its logging and its checkpoints (see ember/train/trainer.h).
//
// A checkpoint is a directory `epoch-NNNN` holding model.safetensors,
// optimizer.safetensors(+.json), scheduler.safetensors(+.json) when there is a scheduler, and
// trainer.json (epoch, step, monitor state, the default generator's state, the epoch history). Each
// file is written atomically; the directory is built under a temporary name and renamed into place,
// and then the symlinks `last` and `best` are replaced atomically (a new symlink renamed over the
// old one), so a crash at any instant leaves `last` pointing at a complete checkpoint. Epoch
// directories that neither link points at are removed afterwards.
#include "ember/train/trainer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

#include "ember/autograd/grad_mode.h"
#include "ember/core/generator.h"
#include "ember/io/atomic_file.h"
#include "ember/io/serialize.h"
#include "ember/nn/serialize.h"
#include "ember/nn/utils/clip_grad.h"
#include "ember/ops.h"
#include "ember/optim/serialize.h"
#include "ember/train/run_logger.h"

namespace ember::train {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr const char* kTrainerFormat = "ember.trainer/1";

void fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::string epoch_dir_name(int64_t epoch) {
  std::ostringstream os;
  os << "epoch-";
  os.width(4);
  os.fill('0');
  os << epoch;
  return os.str();
}

// Points `link` at `target` (a name in the same directory), replacing an old link atomically.
void replace_symlink(const fs::path& link, const std::string& target) {
  const fs::path tmp = link.parent_path() / (link.filename().string() + ".tmp");
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::create_directory_symlink(target, tmp);
  fs::rename(tmp, link);
}

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
double number_or_nan(const json& j) { return j.is_number() ? j.get<double>() : std::nan(""); }

std::string mode_name(MonitorMode m) { return m == MonitorMode::kMax ? "max" : "min"; }

}  // namespace

std::vector<double> History::get(const std::string& key) const {
  std::vector<double> out;
  out.reserve(epochs.size());
  for (const auto& e : epochs) {
    auto it = e.find(key);
    out.push_back(it == e.end() ? std::nan("") : it->second);
  }
  return out;
}

fs::path checkpoint_path(const fs::path& path, const std::string& which) {
  const fs::path in_run = path / "checkpoints" / which;
  if (fs::exists(in_run)) return in_run;
  return path / which;
}

Trainer::Trainer(nn::AnyModule model, optim::Optimizer& optimizer, LossFn loss,
                 TrainerOptions options)
    : model_(std::move(model)),
      optimizer_(&optimizer),
      loss_(std::move(loss)),
      options_(std::move(options)) {
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
  callbacks_.push_back(std::move(callback));
  return *this;
}

Trainer& Trainer::set_scheduler(optim::LRScheduler& scheduler, StepInterval interval) {
  EMBER_CHECK(plateau_ == nullptr,
              "Trainer::set_scheduler: a ReduceLROnPlateau scheduler is already set");
  scheduler_ = &scheduler;
  scheduler_interval_ = interval;
  return *this;
}

Trainer& Trainer::set_scheduler(optim::ReduceLROnPlateau& scheduler, std::string metric) {
  EMBER_CHECK(scheduler_ == nullptr, "Trainer::set_scheduler: a scheduler is already set");
  plateau_ = &scheduler;
  plateau_metric_ = std::move(metric);
  return *this;
}

Trainer& Trainer::resume_from(const fs::path& path) {
  if (fs::exists(path / "trainer.json")) {
    resume_path_ = path;
  } else if (fs::exists(path / "checkpoints" / "last" / "trainer.json")) {
    resume_path_ = path / "checkpoints" / "last";
    if (options_.run_dir().empty()) options_.run_dir(path);
  } else {
    EMBER_CHECK(false, "Trainer::resume_from: no checkpoint in '", path.string(),
                "' (expected trainer.json there or in checkpoints/last/)");
  }
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

void Trainer::resolve_monitor(bool has_val) {
  monitor_ =
      options_.monitor().empty() ? (has_val ? "val/loss" : "train/loss") : options_.monitor();
  const auto slash = monitor_.find('/');
  const std::string phase = monitor_.substr(0, slash == std::string::npos ? 0 : slash);
  const std::string name = slash == std::string::npos ? "" : monitor_.substr(slash + 1);
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
  if (plateau_ && !plateau_metric_.empty()) {
    const auto s = plateau_metric_.find('/');
    const std::string p = plateau_metric_.substr(0, s == std::string::npos ? 0 : s);
    const std::string n = s == std::string::npos ? "" : plateau_metric_.substr(s + 1);
    bool known = n == "loss";
    for (const auto& m : metrics_) known = known || m->name() == n;
    EMBER_CHECK((p == "train" || (p == "val" && has_val)) && known,
                "Trainer: ReduceLROnPlateau metric \"", plateau_metric_,
                "\" names no computed value");
  }
}

void Trainer::open_run() {
  if (logger_) return;
  RunLoggerOptions lo;
  lo.tensorboard = options_.tensorboard();
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

void Trainer::save_checkpoint(const fs::path& dir) const {
  fs::create_directories(dir);
  ember::save(*model_.ptr(), dir / "model.safetensors");
  ember::save(*optimizer_, dir / "optimizer.safetensors");
  if (scheduler_) ember::save(*scheduler_, dir / "scheduler.safetensors");
  if (plateau_) ember::save(*plateau_, dir / "scheduler.safetensors");
  json history = json::array();
  for (const auto& e : epoch_history_) {
    json o = json::object();
    for (const auto& [k, v] : e) o[k] = number_or_null(v);
    history.push_back(o);
  }
  const json state = {
      {"format", kTrainerFormat},
      {"epoch", state_.epoch},
      {"global_step", state_.global_step},
      {"monitor", monitor_},
      {"monitor_mode", mode_name(monitor_mode_)},
      {"best_epoch", state_.best_epoch},
      {"best_value", number_or_null(state_.best_value)},
      {"wait", state_.wait},
      {"stopped", state_.stopped},
      {"scheduler", scheduler_ ? scheduler_->name()
                    : plateau_ ? plateau_->name()
                               : ""},
      {"train_batches", train_batches_ ? json(*train_batches_) : json(nullptr)},
      {"rng", default_generator().get_state()},
      {"history", history},
  };
  io::write_file_atomic(dir / "trainer.json", state.dump(2) + "\n");
}

void Trainer::load_checkpoint(const fs::path& dir) {
  const fs::path file = dir / "trainer.json";
  std::ifstream in(file);
  EMBER_CHECK(in.good(), "Trainer::resume_from: cannot read ", file.string());
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    EMBER_CHECK(false, "Trainer::resume_from: ", file.string(), ": not valid JSON (", e.what(),
                ")");
  }
  EMBER_CHECK(j.is_object() && j.value("format", "") == kTrainerFormat,
              "Trainer::resume_from: ", file.string(), " is not a ", kTrainerFormat, " file");
  EMBER_CHECK(j.at("monitor").get<std::string>() == monitor_,
              "Trainer::resume_from: the checkpoint ", dir.string(), " monitors \"",
              j.at("monitor").get<std::string>(), "\" but this Trainer monitors \"", monitor_,
              "\"");
  const std::string saved_scheduler = j.value("scheduler", "");
  const std::string mine = scheduler_ ? scheduler_->name() : plateau_ ? plateau_->name() : "";
  EMBER_CHECK(saved_scheduler == mine, "Trainer::resume_from: the checkpoint ", dir.string(),
              " was written with ",
              saved_scheduler.empty() ? "no scheduler" : "a " + saved_scheduler + " scheduler",
              " but this Trainer has ", mine.empty() ? "none" : "a " + mine);
  ember::load(*model_.ptr(), dir / "model.safetensors");
  ember::load(*optimizer_, dir / "optimizer.safetensors");
  if (scheduler_) ember::load(*scheduler_, dir / "scheduler.safetensors");
  if (plateau_) ember::load(*plateau_, dir / "scheduler.safetensors");
  state_.epoch = j.at("epoch").get<int64_t>();
  state_.global_step = j.at("global_step").get<int64_t>();
  state_.best_epoch = j.at("best_epoch").get<int64_t>();
  state_.best_value = number_or_nan(j.at("best_value"));
  state_.wait = j.at("wait").get<int64_t>();
  state_.stopped = j.value("stopped", false);
  if (j.contains("train_batches") && j["train_batches"].is_number())
    train_batches_ = j["train_batches"].get<int64_t>();
  epoch_history_.clear();
  for (const auto& e : j.at("history")) {
    std::map<std::string, double> rec;
    for (const auto& [k, v] : e.items()) rec[k] = number_or_nan(v);
    epoch_history_.push_back(std::move(rec));
  }
  default_generator().set_state(j.at("rng").get<std::string>());
}

void Trainer::write_checkpoints(bool improved) {
  const fs::path root = checkpoint_dir();
  if (root.empty() || (!options_.save_last() && !(options_.save_best() && improved))) return;
  try {
    write_checkpoint_files(root, improved);
  } catch (const fs::filesystem_error& e) {
    throw Error("Trainer: cannot write the checkpoint of epoch " + std::to_string(state_.epoch) +
                " in " + root.string() + ": " + e.what());
  }
}

void Trainer::write_checkpoint_files(const fs::path& root, bool improved) {
  fs::create_directories(root);
  const std::string name = epoch_dir_name(state_.epoch);
  const fs::path tmp = root / (name + ".tmp");
  std::error_code ec;
  fs::remove_all(tmp, ec);
  save_checkpoint(tmp);
  fsync_dir(tmp);
  const fs::path final_dir = root / name;
  if (fs::exists(final_dir)) {  // left by a run that went further before a resume
    const fs::path old = root / (name + ".old");
    fs::remove_all(old, ec);
    fs::rename(final_dir, old);
    fs::rename(tmp, final_dir);
    fs::remove_all(old, ec);
  } else {
    fs::rename(tmp, final_dir);
  }
  if (options_.save_last()) replace_symlink(root / "last", name);
  if (options_.save_best() && improved) replace_symlink(root / "best", name);
  fsync_dir(root);
  // Remove the epoch directories no link points at.
  std::vector<std::string> keep;
  for (const char* link : {"last", "best"}) {
    const fs::path l = root / link;
    if (fs::is_symlink(l)) keep.push_back(fs::read_symlink(l).string());
  }
  for (const auto& entry : fs::directory_iterator(root)) {
    const std::string n = entry.path().filename().string();
    if (n.rfind("epoch-", 0) != 0 || entry.is_symlink()) continue;
    if (std::find(keep.begin(), keep.end(), n) == keep.end()) fs::remove_all(entry.path(), ec);
  }
}

std::map<std::string, double> Trainer::run_eval(const BatchSource& data,
                                                const std::string& prefix) {
  nn::Module& module = *model_.ptr();
  const bool was_training = module.is_training();
  module.eval();
  NoGradGuard no_grad;
  std::vector<std::unique_ptr<Metric>> metrics;
  for (const auto& m : metrics_) {
    metrics.push_back(m->clone());
    metrics.back()->reset();
  }
  double loss_sum = 0, count = 0;
  int64_t batches = 0;
  data.for_each([&](Batch& batch) {
    const Tensor out = model_.forward(batch.data);
    const Tensor loss = loss_(out, batch.target);
    EMBER_CHECK(loss.defined() && loss.numel() == 1,
                "Trainer: the loss function must return one value, got shape ",
                loss.defined() ? loss.sizes() : IntArrayRef{});
    const double n = static_cast<double>(batch_size_of(out));
    loss_sum += loss.item<double>() * n;
    count += n;
    for (auto& m : metrics) m->update(out, batch.target);
    ++batches;
  });
  module.train(was_training);
  EMBER_CHECK(batches > 0, "Trainer: the ", prefix.empty() ? "evaluation" : prefix + " ",
              "loader yielded no batches");
  std::map<std::string, double> logs;
  logs[prefix + "loss"] = loss_sum / count;
  for (const auto& m : metrics) logs[prefix + m->name()] = m->compute();
  return logs;
}

std::map<std::string, double> Trainer::evaluate(const BatchSource& data) {
  EMBER_CHECK(data.defined(), "Trainer::evaluate: no loader");
  return run_eval(data, "");
}

std::map<std::string, double> Trainer::run_epoch_train(const BatchSource& train, int64_t epoch,
                                                       History& history, ProgressBar* bar) {
  nn::Module& module = *model_.ptr();
  module.train();
  std::vector<std::unique_ptr<Metric>> metrics;
  for (const auto& m : metrics_) {
    metrics.push_back(m->clone());
    metrics.back()->reset();
  }
  const std::vector<Tensor> params = module.parameters();
  const int64_t log_every = options_.log_every_n_steps();
  double loss_sum = 0, count = 0;
  int64_t batch_index = 0;
  train.for_each([&](Batch& batch) {
    optimizer_->zero_grad();
    const Tensor out = model_.forward(batch.data);
    const Tensor loss = loss_(out, batch.target);
    EMBER_CHECK(loss.defined() && loss.numel() == 1,
                "Trainer: the loss function must return one value, got shape ",
                loss.defined() ? loss.sizes() : IntArrayRef{});
    loss.backward();
    std::optional<double> grad_norm;
    if (options_.clip_grad_norm())
      grad_norm =
          nn::utils::clip_grad_norm_(params, *options_.clip_grad_norm(), options_.clip_norm_type());
    const double lr = current_lr();
    optimizer_->step();
    ++state_.global_step;
    if (scheduler_ && scheduler_interval_ == StepInterval::kBatch) scheduler_->step();

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
    if (logger_ && log_every > 0 && state_.global_step % log_every == 0) {
      if (!grad_norm) {  // the norm of the gradients the step used (they are unchanged by it)
        NoGradGuard no_grad;
        double sq = 0;
        for (const Tensor& p : params)
          if (p.grad().defined()) {
            const double g = norm(p.grad().to(kDouble)).item<double>();
            sq += g * g;
          }
        grad_norm = std::sqrt(sq);
      }
      logger_->log_scalars(state_.global_step,
                           {{"train/loss", value}, {"lr", lr}, {"grad_norm", *grad_norm}});
    }
    if (bar) bar->update(1, {{"loss", loss_sum / count}});
    const StepInfo info{epoch, state_.global_step, batch_index, value, detached, batch.target};
    for (auto& c : callbacks_) c->on_step_end(*this, info);
    ++batch_index;
  });
  EMBER_CHECK(batch_index > 0, "Trainer::fit: the training loader yielded no batches");
  if (!train_batches_) train_batches_ = batch_index;
  std::map<std::string, double> logs;
  logs["train/loss"] = loss_sum / count;
  for (const auto& m : metrics) logs["train/" + m->name()] = m->compute();
  return logs;
}

History Trainer::fit(const BatchSource& train, const BatchSource& val) {
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

  EarlyStopping tracker(monitor_mode_, options_.early_stopping_patience(), options_.min_delta());
  if (state_.best_epoch > 0) tracker.restore(state_.best_value, state_.wait);

  if (logger_) {
    json config = {{"trainer",
                    {{"epochs", options_.epochs()},
                     {"clip_grad_norm",
                      options_.clip_grad_norm() ? json(*options_.clip_grad_norm()) : json(nullptr)},
                     {"monitor", monitor_},
                     {"monitor_mode", mode_name(monitor_mode_)},
                     {"early_stopping_patience", options_.early_stopping_patience()
                                                     ? json(*options_.early_stopping_patience())
                                                     : json(nullptr)},
                     {"min_delta", options_.min_delta()},
                     {"train_batches", train_batches_ ? json(*train_batches_) : json(nullptr)}}}};
    json groups = json::array();
    for (const auto& g : optimizer_->param_groups()) {
      json o = json::object();
      g.options().to_json(o);
      groups.push_back(o);
    }
    config["optimizer"] = {{"type", optimizer_->name()}, {"param_groups", groups}};
    if (scheduler_ || plateau_)
      config["scheduler"] = {
          {"type", scheduler_ ? scheduler_->name() : plateau_->name()},
          {"interval", scheduler_interval_ == StepInterval::kBatch ? "batch" : "epoch"}};
    std::ostringstream model_text;
    model_text << *model_.ptr();
    int64_t n_params = 0;
    for (const Tensor& p : model_.ptr()->parameters()) n_params += p.numel();
    config["model"] = {
        {"name", model_.ptr()->name()}, {"parameters", n_params}, {"summary", model_text.str()}};
    json metric_names = json::array();
    for (const auto& m : metrics_) metric_names.push_back(m->name());
    config["metrics"] = metric_names;
    config.update(options_.config());
    logger_->write_config(config);
  }

  for (auto& c : callbacks_) c->on_train_begin(*this);
  History history;
  history.epochs = epoch_history_;
  const auto mode = options_.progress();
  while (state_.epoch < options_.epochs() && !state_.stopped && !stop_requested_) {
    const int64_t epoch = state_.epoch + 1;
    for (auto& c : callbacks_) c->on_epoch_begin(*this, epoch);
    const auto start = std::chrono::steady_clock::now();
    std::unique_ptr<ProgressBar> bar;
    if (mode != ProgressBar::Mode::Off)
      bar = std::make_unique<ProgressBar>(
          train_batches_.value_or(0),
          "epoch " + std::to_string(epoch) + "/" + std::to_string(options_.epochs()), mode,
          options_.progress_stream());
    const double lr = current_lr();
    std::map<std::string, double> logs = run_epoch_train(train, epoch, history, bar.get());
    if (val.defined()) logs.merge(run_eval(val, "val/"));
    logs["epoch"] = static_cast<double>(epoch);
    logs["step"] = static_cast<double>(state_.global_step);
    logs["lr"] = lr;

    const double monitored = logs.at(monitor_);
    const bool improved = tracker.update(monitored);
    if (improved) {
      state_.best_epoch = epoch;
      state_.best_value = monitored;
    }
    state_.wait = tracker.wait();
    if (scheduler_ && scheduler_interval_ == StepInterval::kEpoch) scheduler_->step();
    if (plateau_) plateau_->step(logs.at(plateau_metric_.empty() ? monitor_ : plateau_metric_));
    state_.epoch = epoch;
    if (tracker.should_stop()) {
      state_.stopped = true;
      history.stopped_early = true;
    }
    logs["time"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    if (bar) {
      std::vector<std::pair<std::string, double>> postfix = {{"loss", logs.at("train/loss")}};
      for (const auto& [k, v] : logs)
        if (k.rfind("train/", 0) == 0 && k != "train/loss") postfix.emplace_back(k.substr(6), v);
      for (const auto& [k, v] : logs)
        if (k.rfind("val/", 0) == 0) postfix.emplace_back("val_" + k.substr(4), v);
      bar->set_postfix(postfix);
      bar->close();
    }
    if (logger_) {
      ScalarList scalars;
      if (options_.log_every_n_steps() == 0) scalars.emplace_back("train/loss", logs["train/loss"]);
      for (const auto& [k, v] : logs)
        if ((k.rfind("train/", 0) == 0 && k != "train/loss") || k.rfind("val/", 0) == 0)
          scalars.emplace_back(k, v);
      logger_->log_scalars(state_.global_step, scalars);
    }
    epoch_history_.push_back(logs);
    history.epochs.push_back(logs);
    for (auto& c : callbacks_) c->on_epoch_end(*this, epoch, logs);
    write_checkpoints(improved);
  }
  history.best_epoch = state_.best_epoch;
  history.best_value = state_.best_epoch > 0 ? state_.best_value : std::nan("");
  history.stopped_early = state_.stopped;

  if (logger_) {
    json summary = {{"epochs", state_.epoch},
                    {"steps", state_.global_step},
                    {"best_epoch", state_.best_epoch},
                    {"best/" + monitor_, number_or_null(history.best_value)},
                    {"stopped_early", state_.stopped}};
    if (!epoch_history_.empty())
      for (const auto& [k, v] : epoch_history_.back())
        if (k.rfind("train/", 0) == 0 || k.rfind("val/", 0) == 0) summary[k] = number_or_null(v);
    logger_->summary(summary);
  }
  for (auto& c : callbacks_) c->on_train_end(*this, history);
  return history;
}

}  // namespace ember::train
