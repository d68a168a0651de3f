// train::Callback and the built-in callbacks: the hooks a user callback sees and their order, the
// default list and how to change it (remove, reorder, add), early stopping, TensorBoard and
// logging as removable callbacks, stop() and stop_early().
#include "ember/train/callbacks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ember/data.h"
#include "ember/ember.h"
#include "ember/nn.h"
#include "ember/optim.h"
#include "ember/train/run_logger.h"
#include "ember/train/run_reader.h"
#include "ember/train/trainer.h"
#include "support/files.h"

namespace ember {
namespace {

namespace fs = std::filesystem;
using data::DataLoaderOptions;
using data::datasets::TensorDataset;
using data::samplers::SequentialSampler;
using data::transforms::Stack;
using ::testing::ElementsAre;

using ::ember::testing::TempDir;

Tensor mse(const Tensor& out, const Tensor& target) { return mean(square(out - target)); }

// y = 3x − 2 on 64 points, 4 batches of 16 in order.
train::BatchSource line_data() {
  Tensor x = linspace(-1, 1, 64).reshape({64, 1});
  return train::make_batches<SequentialSampler>(TensorDataset(x, 3 * x - 2).map(Stack<>()),
                                                DataLoaderOptions().batch_size(16));
}

train::TrainerOptions quiet() {
  return train::TrainerOptions().progress(train::ProgressBar::Mode::Off);
}

std::string read_stream(std::FILE* f) {
  std::rewind(f);
  std::string text;
  char buf[512];
  while (std::fgets(buf, sizeof buf, f)) text += buf;
  return text;
}

// Writes one line per hook into a shared log.
struct Recorder : train::Callback {
  Recorder(std::string name, std::vector<std::string>& log) : name(std::move(name)), log(log) {}
  void on_train_begin(train::Trainer& t) override {
    add("train_begin epoch=" + std::to_string(t.state().epoch));
  }
  void on_epoch_begin(train::Trainer&, int64_t e) override { add("epoch_begin " + num(e)); }
  void on_step_end(train::Trainer&, const train::StepInfo& s) override {
    add("step " + num(s.step) + " epoch=" + num(s.epoch) + " batch=" + num(s.batch));
    steps.push_back(s.step);
    lrs.push_back(s.lr);
    epoch_losses.push_back(s.epoch_loss);
  }
  void on_epoch_end(train::Trainer& t, int64_t e, const train::EpochLogs& logs) override {
    add("epoch_end " + num(e) + " state.epoch=" + num(t.state().epoch) +
        " step=" + num(static_cast<int64_t>(logs.at("step"))));
    train_losses.push_back(logs.at("train/loss"));
  }
  void on_train_end(train::Trainer&, const train::History& h) override {
    add("train_end epochs=" + num(static_cast<int64_t>(h.epochs.size())));
  }
  void add(const std::string& what) { log.push_back(name.empty() ? what : name + ": " + what); }
  static std::string num(int64_t v) { return std::to_string(v); }

  std::string name;
  std::vector<std::string>& log;
  std::vector<int64_t> steps;
  std::vector<double> lrs, epoch_losses, train_losses;
};

// The learning rate the optimizer holds when on_step_end runs.
struct LrWatcher : train::Callback {
  void on_step_end(train::Trainer& t, const train::StepInfo&) override {
    seen.push_back(t.current_lr());
  }
  std::vector<double> seen;
};

template <class C>
bool is(const std::shared_ptr<train::Callback>& c) {
  return dynamic_cast<C*>(c.get()) != nullptr;
}

TEST(Callbacks, TheDefaultListInOrder) {
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
  train::Trainer trainer(model, sgd, mse, quiet());
  const auto& list = trainer.callbacks();
  ASSERT_EQ(list.size(), 6u);
  EXPECT_TRUE(is<train::callbacks::Progress>(list[0]));
  EXPECT_TRUE(is<train::callbacks::TensorBoard>(list[1]));
  EXPECT_TRUE(is<train::callbacks::MetricLogger>(list[2]));
  EXPECT_TRUE(is<train::callbacks::SchedulerStep>(list[3]));
  EXPECT_TRUE(is<train::callbacks::EarlyStopping>(list[4]));
  EXPECT_TRUE(is<train::callbacks::Checkpoint>(list[5]));
  EXPECT_EQ(trainer.find_callback<train::callbacks::Checkpoint>(), list[5]);
  // A user callback goes before the checkpoint, so that checkpoints hold what it did.
  std::vector<std::string> log;
  auto rec = std::make_shared<Recorder>("", log);
  trainer.add_callback(rec);
  ASSERT_EQ(list.size(), 7u);
  EXPECT_EQ(list[5], rec);
  EXPECT_TRUE(is<train::callbacks::Checkpoint>(list[6]));
  EXPECT_EQ(trainer.find_callback<Recorder>(), rec);
}

TEST(Callbacks, AUserCallbackSeesTheHooksInOrder) {
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
  train::Trainer trainer(model, sgd, mse, quiet().epochs(2));
  std::vector<std::string> log;
  auto rec = std::make_shared<Recorder>("", log);
  trainer.add_callback(rec);
  const train::History h = trainer.fit(line_data());
  EXPECT_THAT(log, ElementsAre("train_begin epoch=0", "epoch_begin 1", "step 1 epoch=1 batch=0",
                               "step 2 epoch=1 batch=1", "step 3 epoch=1 batch=2",
                               "step 4 epoch=1 batch=3", "epoch_end 1 state.epoch=1 step=4",
                               "epoch_begin 2", "step 5 epoch=2 batch=0", "step 6 epoch=2 batch=1",
                               "step 7 epoch=2 batch=2", "step 8 epoch=2 batch=3",
                               "epoch_end 2 state.epoch=2 step=8", "train_end epochs=2"));
  // StepInfo: the step's learning rate, and the running mean that ends at the epoch's loss.
  EXPECT_EQ(rec->lrs, std::vector<double>(8, 0.1));
  ASSERT_EQ(rec->epoch_losses.size(), 8u);
  EXPECT_DOUBLE_EQ(rec->epoch_losses[3], rec->train_losses[0]);
  EXPECT_DOUBLE_EQ(rec->epoch_losses[7], rec->train_losses[1]);
  EXPECT_DOUBLE_EQ(rec->epoch_losses[0], h.step_losses[0]);  // one batch: its own loss
  EXPECT_DOUBLE_EQ(rec->epoch_losses[1], (h.step_losses[0] + h.step_losses[1]) / 2);
}

TEST(Callbacks, RemovingTheProgressCallbackSilencesOutput) {
  for (const bool keep : {true, false}) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    manual_seed(0);
    nn::Linear model(1, 1);
    optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
    train::Trainer trainer(model, sgd, mse,
                           train::TrainerOptions()
                               .epochs(2)
                               .progress(train::ProgressBar::Mode::Plain)
                               .progress_stream(f));
    if (!keep) trainer.remove_callback<train::callbacks::Progress>();
    EXPECT_EQ(trainer.callbacks().size(), keep ? 6u : 5u);
    trainer.fit(line_data(), line_data());
    const std::string text = read_stream(f);
    std::fclose(f);
    if (keep) {
      EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
    } else {
      EXPECT_EQ(text, "");
    }
  }
}

TEST(Callbacks, AReorderedListChangesWhatACallbackSees) {
  // A per-step scheduler halves the learning rate after every step. After SchedulerStep (where
  // add_callback puts it) a callback sees the rate of the next step; moved to the front of the
  // list, it sees the rate the step used.
  for (const bool front : {false, true}) {
    manual_seed(0);
    nn::Linear model(1, 1);
    optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
    optim::ExponentialLR halve(sgd, 0.5);
    train::Trainer trainer(model, sgd, mse, quiet());
    trainer.set_scheduler(halve, train::StepInterval::kBatch);
    auto watcher = std::make_shared<LrWatcher>();
    trainer.add_callback(watcher);
    auto& list = trainer.callbacks();
    if (front) {
      std::erase(list, watcher);
      list.insert(list.begin(), watcher);
    }
    ASSERT_EQ(list.size(), 7u);
    EXPECT_EQ(list.front() == watcher, front);
    trainer.fit(line_data());
    const double k = front ? 0 : 1;
    EXPECT_EQ(watcher->seen,
              (std::vector<double>{0.1 * std::pow(0.5, 0 + k), 0.1 * std::pow(0.5, 1 + k),
                                   0.1 * std::pow(0.5, 2 + k), 0.1 * std::pow(0.5, 3 + k)}));
  }
}

TEST(Callbacks, HooksOfSeveralCallbacksRunInListOrder) {
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
  train::Trainer trainer(model, sgd, mse, quiet());
  std::vector<std::string> log;
  auto a = std::make_shared<Recorder>("a", log), b = std::make_shared<Recorder>("b", log);
  trainer.add_callback(a).add_callback(b);
  auto& list = trainer.callbacks();
  std::iter_swap(std::find(list.begin(), list.end(), a), std::find(list.begin(), list.end(), b));
  trainer.fit(line_data());
  ASSERT_GE(log.size(), 2u);
  EXPECT_EQ(log[0], "b: train_begin epoch=0");
  EXPECT_EQ(log[1], "a: train_begin epoch=0");
  EXPECT_EQ(log.back(), "a: train_end epochs=1");
}

// A metric whose value is scripted per epoch (set by a callback at the start of each epoch).
struct EpochCounter : train::Callback {
  int64_t epoch = 0;
  void on_epoch_begin(train::Trainer&, int64_t e) override { epoch = e; }
};

TEST(Callbacks, EarlyStoppingIsTheEarlyStoppingCallback) {
  const std::vector<double> seq = {1.0, 0.8, 0.9, 0.85, 0.95, 0.99};  // best at 2, then worse
  for (const bool keep : {true, false}) {
    manual_seed(0);
    nn::Linear model(1, 1);
    optim::SGD sgd(model->parameters(), optim::SGDOptions(0.01));
    auto counter = std::make_shared<EpochCounter>();
    train::Trainer trainer(model, sgd, mse,
                           quiet().epochs(6).monitor("train/scripted").early_stopping_patience(2));
    trainer.add_callback(counter);
    trainer.add_metric(
        "scripted", [&](const Tensor&, const Tensor&) { return seq.at(counter->epoch - 1); },
        false);
    if (!keep) trainer.remove_callback<train::callbacks::EarlyStopping>();
    const train::History h = trainer.fit(line_data());
    EXPECT_EQ(h.epochs.size(), keep ? 4u : 6u);
    EXPECT_EQ(h.stopped_early, keep);
    EXPECT_EQ(h.best_epoch, 2);                     // the monitor is tracked either way
    EXPECT_EQ(trainer.state().wait, keep ? 2 : 4);  // epochs since the best
  }
}

// Stops the run for good once the training loss is below a threshold.
struct StopBelow : train::Callback {
  explicit StopBelow(double threshold) : threshold(threshold) {}
  void on_epoch_end(train::Trainer& t, int64_t, const train::EpochLogs& logs) override {
    if (logs.at("train/loss") < threshold) t.stop_early();
  }
  double threshold;
};

TEST(Callbacks, AUserEarlyStoppingCallbackEndsTheRunForGood) {
  TempDir dir;
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
  int64_t stopped_at = 0;
  {
    train::Trainer trainer(model, sgd, mse, quiet().epochs(200).run_dir(dir / "run"));
    trainer.add_callback(std::make_shared<StopBelow>(0.5));
    const train::History h = trainer.fit(line_data());
    stopped_at = trainer.state().epoch;
    EXPECT_TRUE(h.stopped_early);
    EXPECT_LT(stopped_at, 200);
    EXPECT_LT(h.epochs.back().at("train/loss"), 0.5);
    EXPECT_GE(h.epochs[h.epochs.size() - 2].at("train/loss"), 0.5);
  }
  const train::RunRecord rec = train::read_run(dir / "run");
  EXPECT_EQ(rec.summary.at("stopped_early"), true);
  std::ifstream in(train::checkpoint_path(dir / "run") / "trainer.json");
  EXPECT_EQ(nlohmann::json::parse(in).at("stopped"), true);  // the checkpoint ran after it
  // A Trainer resumed from it trains no further.
  train::Trainer resumed(model, sgd, mse, quiet().epochs(200));
  resumed.resume_from(dir / "run");
  const train::History h = resumed.fit(line_data());
  EXPECT_TRUE(h.step_losses.empty());
  EXPECT_EQ(resumed.state().epoch, stopped_at);
}

TEST(Callbacks, StopEndsThisFitWithoutMarkingTheRunStopped) {
  struct StopAfterTwo : train::Callback {
    void on_epoch_end(train::Trainer& t, int64_t e, const train::EpochLogs&) override {
      if (e == 2) t.stop();
    }
  };
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
  train::Trainer trainer(model, sgd, mse, quiet().epochs(5));
  auto stopper = std::make_shared<StopAfterTwo>();
  trainer.add_callback(stopper);
  const train::History h = trainer.fit(line_data());
  EXPECT_EQ(h.epochs.size(), 2u);
  EXPECT_FALSE(h.stopped_early);
  EXPECT_FALSE(trainer.state().stopped);
  trainer.remove_callback<StopAfterTwo>();
  EXPECT_EQ(trainer.fit(line_data()).epochs.size(), 5u);  // a second fit() goes on
}

TEST(Callbacks, WithoutTheLoggingCallbacksARunGetsNoScalarsNoEventsNoCheckpoints) {
  TempDir dir;
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
  train::Trainer trainer(model, sgd, mse, quiet().epochs(2).run_dir(dir / "run"));
  trainer.remove_callback<train::callbacks::MetricLogger>()
      .remove_callback<train::callbacks::TensorBoard>()
      .remove_callback<train::callbacks::Checkpoint>();
  trainer.fit(line_data());
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir / "run")) names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"metrics.jsonl"});  // opened by the run, left empty
  EXPECT_EQ(fs::file_size(dir / "run" / "metrics.jsonl"), 0u);
  ASSERT_NE(trainer.logger(), nullptr);  // the run directory is still yours to log to
  EXPECT_TRUE(trainer.logger()->event_file().empty());
}

TEST(Callbacks, TheCheckpointOfAnEpochIsWrittenAfterTheUserCallbacks) {
  // In on_epoch_end, `last` still points at the previous epoch: the Checkpoint callback runs
  // after the callbacks added with add_callback.
  struct LastLink : train::Callback {
    void on_epoch_end(train::Trainer& t, int64_t, const train::EpochLogs&) override {
      const fs::path last = t.checkpoint_dir() / "last";
      seen.push_back(fs::is_symlink(last) ? fs::read_symlink(last).string() : "none");
    }
    std::vector<std::string> seen;
  };
  TempDir dir;
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
  train::Trainer trainer(model, sgd, mse, quiet().epochs(3).run_dir(dir / "run"));
  auto link = std::make_shared<LastLink>();
  trainer.add_callback(link);
  trainer.fit(line_data());
  EXPECT_EQ(link->seen, (std::vector<std::string>{"none", "epoch-0001", "epoch-0002"}));
  EXPECT_EQ(fs::read_symlink(dir / "run" / "checkpoints" / "last"), "epoch-0003");
}

}  // namespace
}  // namespace ember
