// train::Trainer: learning, clipping, early stopping, schedulers, checkpoints, resuming,
// determinism, logging, progress and errors. The metrics and the early-stopping rule on their own:
// metrics_test.cpp.
#include "ember/train/trainer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ember/core/error.h"
#include "ember/core/generator.h"
#include "ember/data.h"
#include "ember/ember.h"
#include "ember/nn.h"
#include "ember/optim.h"
#include "ember/train/report.h"
#include "support/files.h"

namespace ember {
namespace {

namespace fs = std::filesystem;
using data::DataLoaderOptions;
using data::datasets::TensorDataset;
using data::samplers::SequentialSampler;
using data::transforms::Stack;
using ::testing::HasSubstr;

using ::ember::testing::TempDir;

Tensor mse(const Tensor& out, const Tensor& target) { return mean(square(out - target)); }
Tensor cross_entropy(const Tensor& logits, const Tensor& target) {
  return -log_softmax(logits, 1).gather(1, target.unsqueeze(1)).mean();
}

// y = 3x − 2 on 64 points, batches of 16 in order.
train::BatchSource line_data(int64_t batch = 16) {
  Tensor x = linspace(-1, 1, 64).reshape({64, 1});
  Tensor y = 3 * x - 2;
  return train::make_batches<SequentialSampler>(TensorDataset(x, y).map(Stack<>()),
                                                DataLoaderOptions().batch_size(batch));
}

// Two Gaussian blobs in 2-d, labels 0/1: linearly separable with a wide margin.
std::pair<Tensor, Tensor> blobs(int64_t n) {
  Generator gen(7);
  Tensor x = randn({n, 2}, gen);
  Tensor y = arange(n).remainder(2).to(kLong);
  Tensor shift = (y.to(kFloat) * 2 - 1).unsqueeze(1) * 3;  // ±3 on both coordinates
  return {x + shift, y};
}

train::TrainerOptions quiet() {
  return train::TrainerOptions().progress(train::ProgressBar::Mode::Off);
}

// ---- learning ----------------------------------------------------------------------------------

TEST(Trainer, RegressionLearnsALine) {
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
  train::Trainer trainer(model, sgd, mse, quiet().epochs(60));
  const train::History h = trainer.fit(line_data());
  ASSERT_EQ(h.epochs.size(), 60u);
  EXPECT_EQ(h.step_losses.size(), 60u * 4);
  EXPECT_LT(h.epochs.back().at("train/loss"), 1e-4);
  EXPECT_LT(h.epochs.back().at("train/loss"), h.epochs.front().at("train/loss"));
  EXPECT_NEAR(model->weight.item<double>(), 3.0, 0.01);
  EXPECT_NEAR(model->bias.item<double>(), -2.0, 0.01);
  EXPECT_EQ(trainer.state().epoch, 60);
  EXPECT_EQ(trainer.state().global_step, 240);
}

TEST(Trainer, ClassifierLearnsBlobsAndReportsAccuracy) {
  manual_seed(0);
  auto [x, y] = blobs(256);
  auto [xv, yv] = blobs(64);
  nn::Linear model(2, 2);
  optim::Adam adam(model->parameters(), optim::AdamOptions(0.05));
  train::Trainer trainer(model, adam, cross_entropy, quiet().epochs(5));
  trainer.add_metric(train::Accuracy());
  const train::History h =
      trainer.fit(train::make_batches(TensorDataset(x, y).map(Stack<>()), DataLoaderOptions(32)),
                  train::make_batches<SequentialSampler>(TensorDataset(xv, yv).map(Stack<>()),
                                                         DataLoaderOptions(32)));
  EXPECT_GE(h.epochs.back().at("train/accuracy"), 0.95);
  EXPECT_GE(h.epochs.back().at("val/accuracy"), 0.95);
  EXPECT_LT(h.epochs.back().at("val/loss"), h.epochs.front().at("val/loss"));
  // evaluate() gives the same numbers as the last validation.
  const auto eval = trainer.evaluate(train::make_batches<SequentialSampler>(
      TensorDataset(xv, yv).map(Stack<>()), DataLoaderOptions(32)));
  EXPECT_DOUBLE_EQ(eval.at("loss"), h.epochs.back().at("val/loss"));
  EXPECT_DOUBLE_EQ(eval.at("accuracy"), h.epochs.back().at("val/accuracy"));
  EXPECT_EQ(trainer.monitor(), "val/loss");
}

// ---- metrics -----------------------------------------------------------------------------------

struct EpochCounter : train::Callback {
  int64_t epoch = 0;
  void on_epoch_begin(train::Trainer&, int64_t e) override { epoch = e; }
};

TEST(Trainer, EarlyStoppingStopsAtTheRightEpochOnAScriptedMetric) {
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.01));
  auto counter = std::make_shared<EpochCounter>();
  const std::vector<double> seq = {1.0, 0.8, 0.9, 0.85, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2};
  train::Trainer trainer(model, sgd, mse,
                         quiet().epochs(10).monitor("val/scripted").early_stopping_patience(2));
  trainer.add_callback(counter);
  trainer.add_metric(
      "scripted", [&](const Tensor&, const Tensor&) { return seq.at(counter->epoch - 1); },
      /*higher_is_better=*/false);
  const train::History h = trainer.fit(line_data(), line_data());
  ASSERT_EQ(h.epochs.size(), 4u);
  EXPECT_TRUE(h.stopped_early);
  EXPECT_EQ(h.best_epoch, 2);
  EXPECT_DOUBLE_EQ(h.best_value, 0.8);
  EXPECT_EQ(h.get("val/scripted"), (std::vector<double>{1.0, 0.8, 0.9, 0.85}));
  EXPECT_EQ(trainer.state().wait, 2);
}

TEST(Trainer, MonitorModeAutoMaximizesAccuracy) {
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.01));
  auto counter = std::make_shared<EpochCounter>();
  const std::vector<double> seq = {0.5, 0.7, 0.6, 0.65};
  train::Trainer trainer(model, sgd, mse,
                         quiet().epochs(10).monitor("train/acc").early_stopping_patience(2));
  trainer.add_callback(counter);
  trainer.add_metric("acc",
                     [&](const Tensor&, const Tensor&) { return seq.at(counter->epoch - 1); });
  const train::History h = trainer.fit(line_data());
  EXPECT_EQ(h.epochs.size(), 4u);
  EXPECT_EQ(h.best_epoch, 2);
}

// ---- clipping ----------------------------------------------------------------------------------

struct GradNormRecorder : train::Callback {
  std::vector<Tensor> params;
  std::vector<double> norms;
  void on_step_end(train::Trainer&, const train::StepInfo&) override {
    double sq = 0;
    for (const Tensor& p : params) sq += square(p.grad().to(kDouble)).sum().item<double>();
    norms.push_back(std::sqrt(sq));
  }
};

TEST(Trainer, ClipsTheGradientNormBeforeEachStep) {
  for (const bool clip : {false, true}) {
    manual_seed(0);
    nn::Linear model(1, 1);
    optim::SGD sgd(model->parameters(), optim::SGDOptions(0.01));
    auto options = quiet().epochs(2);
    if (clip) options.clip_grad_norm(0.05);
    train::Trainer trainer(model, sgd, mse, options);
    auto rec = std::make_shared<GradNormRecorder>();
    rec->params = model->parameters();
    trainer.add_callback(rec);
    trainer.fit(line_data());
    ASSERT_EQ(rec->norms.size(), 8u);
    const double max = *std::max_element(rec->norms.begin(), rec->norms.end());
    if (clip) {
      EXPECT_LE(max, 0.05 * (1 + 1e-5));
    } else {
      EXPECT_GT(max, 1.0);  // the unclipped gradients are large: clipping had work to do
    }
  }
}

// ---- schedulers --------------------------------------------------------------------------------

TEST(Trainer, StepsAnEpochSchedulerOncePerEpoch) {
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
  optim::StepLR sched(sgd, /*step_size=*/1, /*gamma=*/0.5);
  train::Trainer trainer(model, sgd, mse, quiet().epochs(3));
  trainer.set_scheduler(sched);
  const train::History h = trainer.fit(line_data());
  EXPECT_EQ(h.get("lr"), (std::vector<double>{0.1, 0.05, 0.025}));
  EXPECT_DOUBLE_EQ(sgd.param_groups()[0].options().get_lr(), 0.0125);
}

TEST(Trainer, StepsABatchSchedulerOncePerStep) {
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
  optim::ExponentialLR sched(sgd, 0.5);
  train::Trainer trainer(model, sgd, mse, quiet().epochs(2));
  trainer.set_scheduler(sched, train::StepInterval::kBatch);
  const train::History h = trainer.fit(line_data());  // 4 batches per epoch
  EXPECT_DOUBLE_EQ(h.get("lr")[1], 0.1 * std::pow(0.5, 4));
  EXPECT_DOUBLE_EQ(sgd.param_groups()[0].options().get_lr(), 0.1 * std::pow(0.5, 8));
}

TEST(Trainer, ReduceLROnPlateauFollowsTheMonitoredMetric) {
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
  optim::ReduceLROnPlateau plateau(sgd, optim::ReduceLROnPlateau::min, /*factor=*/0.5,
                                   /*patience=*/1);
  auto counter = std::make_shared<EpochCounter>();
  const std::vector<double> seq = {1.0, 1.0, 1.0, 0.5, 0.5, 0.5};
  train::Trainer trainer(model, sgd, mse, quiet().epochs(6).monitor("train/scripted"));
  trainer.add_callback(counter);
  trainer.add_metric(
      "scripted", [&](const Tensor&, const Tensor&) { return seq.at(counter->epoch - 1); }, false);
  trainer.set_scheduler(plateau);
  const train::History h = trainer.fit(line_data());
  // Epoch 3 is the second without improvement → lr halves for epoch 4; epoch 4 improves; epoch 6
  // is again the second bad one.
  EXPECT_EQ(h.get("lr"), (std::vector<double>{0.1, 0.1, 0.1, 0.05, 0.05, 0.05}));
  EXPECT_DOUBLE_EQ(sgd.param_groups()[0].options().get_lr(), 0.025);
}

// ---- checkpoints, resuming, determinism
// ----------------------------------------------------------

// A model with dropout (draws from the default generator), Adam, a scheduler, a shuffling loader
// with one worker: everything a resume has to restore.
struct Rig {
  explicit Rig(uint64_t seed) {
    manual_seed(seed);
    model = nn::Sequential(
        nn::Linear(2, 16),
        nn::Functional(nn::FunctionalImpl::Function([](Tensor t) { return relu(t); })),
        nn::Dropout(0.2), nn::Linear(16, 2));
    adam = std::make_unique<optim::Adam>(model->parameters(), optim::AdamOptions(0.01));
    sched = std::make_unique<optim::StepLR>(*adam, 2, 0.5);
    auto [x, y] = blobs(96);
    auto [xv, yv] = blobs(32);
    train = train::make_batches(TensorDataset(x, y).map(Stack<>()),
                                DataLoaderOptions().batch_size(16).workers(1));
    val = train::make_batches<SequentialSampler>(TensorDataset(xv, yv).map(Stack<>()),
                                                 DataLoaderOptions(16));
  }
  std::unique_ptr<train::Trainer> trainer(train::TrainerOptions options) {
    auto t = std::make_unique<train::Trainer>(model, *adam, cross_entropy, options);
    t->add_metric(train::Accuracy());
    t->set_scheduler(*sched);
    return t;
  }
  nn::Sequential model{nullptr};
  std::unique_ptr<optim::Adam> adam;
  std::unique_ptr<optim::StepLR> sched;
  train::BatchSource train, val;
};

TEST(Trainer, SameSeedGivesIdenticalLosses) {
  std::vector<std::vector<double>> losses;
  for (int i = 0; i < 2; ++i) {
    Rig run(42);
    losses.push_back(run.trainer(quiet().epochs(3))->fit(run.train, run.val).step_losses);
  }
  ASSERT_EQ(losses[0].size(), 18u);
  EXPECT_EQ(losses[0], losses[1]);  // bitwise
  Rig other(43);
  EXPECT_NE(other.trainer(quiet().epochs(3))->fit(other.train, other.val).step_losses, losses[0]);
}

TEST(Trainer, ResumingContinuesTheRunBitwise) {
  TempDir dir;
  // Uninterrupted: 5 epochs.
  Rig full(1);
  const train::History a =
      full.trainer(quiet().epochs(5).run_dir(dir / "full"))->fit(full.train, full.val);
  ASSERT_EQ(a.step_losses.size(), 30u);

  // Interrupted after 2 epochs, then continued by a fresh process-like setup with another seed
  // (everything must come from the checkpoint).
  {
    Rig first(1);
    first.trainer(quiet().epochs(2).run_dir(dir / "resumed"))->fit(first.train, first.val);
  }
  Rig second(999);
  auto trainer = second.trainer(quiet().epochs(5));
  trainer->resume_from(dir / "resumed");
  const train::History b = trainer->fit(second.train, second.val);
  EXPECT_EQ(trainer->run_dir(), dir / "resumed");
  ASSERT_EQ(b.step_losses.size(), 18u);
  const std::vector<double> tail(a.step_losses.begin() + 12, a.step_losses.end());
  EXPECT_EQ(b.step_losses, tail);  // bitwise
  ASSERT_EQ(b.epochs.size(), 5u);
  EXPECT_EQ(b.get("val/loss"), a.get("val/loss"));
  EXPECT_EQ(b.get("lr"), a.get("lr"));
  EXPECT_EQ(b.best_epoch, a.best_epoch);
  const auto pa = full.model->parameters(), pb = second.model->parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(equal(pa[i], pb[i])) << i;
  EXPECT_EQ(trainer->state().global_step, 30);

  // The resumed run's metrics.jsonl reads back as one run of 30 steps.
  const train::RunRecord rec = train::read_run(dir / "resumed");
  EXPECT_EQ(rec.scalars.at("val/loss").values.size(), 5u);
  EXPECT_EQ(rec.scalars.at("train/loss").steps.back(), 30);
}

TEST(Trainer, WritesLastAndBestCheckpointsAtomically) {
  TempDir dir;
  Rig run(3);
  auto counter = std::make_shared<EpochCounter>();
  auto trainer = run.trainer(quiet().epochs(4).run_dir(dir / "run").monitor("val/scripted"));
  const std::vector<double> seq = {0.5, 0.2, 0.4, 0.3};  // best: epoch 2
  trainer->add_callback(counter);
  trainer->add_metric(
      "scripted", [&](const Tensor&, const Tensor&) { return seq.at(counter->epoch - 1); }, false);
  trainer->fit(run.train, run.val);
  const fs::path ck = dir / "run" / "checkpoints";
  ASSERT_TRUE(fs::is_symlink(ck / "last"));
  ASSERT_TRUE(fs::is_symlink(ck / "best"));
  EXPECT_EQ(fs::read_symlink(ck / "last"), "epoch-0004");
  EXPECT_EQ(fs::read_symlink(ck / "best"), "epoch-0002");
  EXPECT_EQ(train::checkpoint_path(dir / "run", "best"), ck / "best");
  // Only the two linked epochs remain, and no temporary files.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(ck)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"best", "epoch-0002", "epoch-0004", "last"}));
  for (const char* f :
       {"model.safetensors", "optimizer.safetensors", "scheduler.safetensors", "trainer.json"})
    EXPECT_TRUE(fs::exists(ck / "last" / f)) << f;
  // One file per object: the optimizer's and scheduler's JSON is inside their safetensors files.
  for (const char* f : {"optimizer.safetensors.json", "scheduler.safetensors.json"})
    EXPECT_FALSE(fs::exists(ck / "last" / f)) << f;
  for (const auto& e : fs::recursive_directory_iterator(ck))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  std::ifstream in(ck / "last" / "trainer.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j.at("epoch"), 4);
  EXPECT_EQ(j.at("global_step"), 24);
  EXPECT_EQ(j.at("best_epoch"), 2);
  EXPECT_EQ(j.at("wait"), 2);
  EXPECT_EQ(j.at("monitor"), "val/scripted");
  EXPECT_EQ(j.at("history").size(), 4u);
  // The best model loads back.
  Rig other(4);
  ember::load(*other.model, ck / "best" / "model.safetensors");
}

TEST(Trainer, ResumeAfterACrashLeavesTheLastCompleteCheckpoint) {
  TempDir dir;
  {
    Rig run(5);
    run.trainer(quiet().epochs(2).run_dir(dir / "run"))->fit(run.train, run.val);
  }
  // A crash while writing epoch 3: its temporary directory is half-written.
  const fs::path ck = dir / "run" / "checkpoints";
  fs::create_directories(ck / "epoch-0003.tmp");
  std::ofstream(ck / "epoch-0003.tmp" / "model.safetensors") << "garbage";
  Rig run(6);
  auto trainer = run.trainer(quiet().epochs(3));
  trainer->resume_from(dir / "run");
  const train::History h = trainer->fit(run.train, run.val);
  EXPECT_EQ(h.step_losses.size(), 6u);  // only epoch 3 ran
  EXPECT_EQ(fs::read_symlink(ck / "last"), "epoch-0003");
  EXPECT_FALSE(fs::exists(ck / "epoch-0003.tmp"));
}

// ---- logging and progress
// ------------------------------------------------------------------------

TEST(Trainer, LogsStepsAndEpochsToTheRunDirectory) {
  TempDir dir;
  Rig run(7);
  auto trainer = run.trainer(
      quiet().epochs(2).run_dir(dir / "run").log_every_n_steps(1).config({{"note", "test"}}));
  trainer->fit(run.train, run.val);
  const train::RunRecord rec = train::read_run(dir / "run");
  EXPECT_EQ(rec.scalars.at("train/loss").values.size(), 12u);
  EXPECT_EQ(rec.scalars.at("lr").values.size(), 12u);
  EXPECT_EQ(rec.scalars.at("grad_norm").values.size(), 12u);
  EXPECT_EQ(rec.scalars.at("val/loss").steps, (std::vector<int64_t>{6, 12}));
  EXPECT_EQ(rec.scalars.at("val/accuracy").values.size(), 2u);
  EXPECT_EQ(rec.scalars.at("train/accuracy").values.size(), 2u);
  EXPECT_EQ(rec.config.at("optimizer").at("type"), "Adam");
  EXPECT_EQ(rec.config.at("scheduler").at("type"), "StepLR");
  EXPECT_EQ(rec.config.at("note"), "test");
  EXPECT_EQ(rec.config.at("trainer").at("monitor"), "val/loss");
  EXPECT_EQ(rec.summary.at("epochs"), 2);
  EXPECT_TRUE(rec.summary.contains("val/accuracy"));
  EXPECT_TRUE(fs::exists(train::render_report(dir / "run")));
}

TEST(Trainer, LogsTheEpochLossWhenStepLoggingIsOffAndWritesNothingWithoutARunDirectory) {
  TempDir dir;
  {
    Rig run(9);
    run.trainer(quiet().epochs(2).run_dir(dir / "run").log_every_n_steps(0).save_best(false))
        ->fit(run.train, run.val);
  }
  const train::RunRecord rec = train::read_run(dir / "run");
  EXPECT_EQ(rec.scalars.at("train/loss").steps, (std::vector<int64_t>{6, 12}));
  EXPECT_EQ(rec.scalars.count("grad_norm"), 0u);
  EXPECT_TRUE(fs::is_symlink(dir / "run" / "checkpoints" / "last"));
  EXPECT_FALSE(fs::exists(dir / "run" / "checkpoints" / "best"));

  const fs::path cwd = fs::current_path();
  fs::current_path(dir.path());
  {
    Rig run(9);
    auto trainer = run.trainer(quiet().epochs(1));
    trainer->fit(run.train, run.val);
    EXPECT_TRUE(trainer->run_dir().empty());
    EXPECT_TRUE(trainer->checkpoint_dir().empty());
    EXPECT_EQ(trainer->logger(), nullptr);
  }
  fs::current_path(cwd);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"run"});
}

TEST(Trainer, PrintsOnePlainLinePerEpoch) {
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
  trainer.fit(line_data(), line_data());
  std::rewind(f);
  std::string text;
  char buf[512];
  while (std::fgets(buf, sizeof buf, f)) text += buf;
  std::fclose(f);
  EXPECT_THAT(text, HasSubstr("epoch 1/2"));
  EXPECT_THAT(text, HasSubstr("epoch 2/2"));
  EXPECT_THAT(text, HasSubstr("4/4"));
  EXPECT_THAT(text, HasSubstr("val_loss="));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
}

TEST(Trainer, BatchSourceTakesLoadersInEveryForm) {
  Tensor x = arange(10).to(kFloat).reshape({10, 1}), y = zeros({10, 1});
  auto make = [&] {
    return data::make_data_loader<SequentialSampler>(TensorDataset(x, y).map(Stack<>()),
                                                     DataLoaderOptions(4));
  };
  auto count = [](const train::BatchSource& s) {
    int64_t n = 0;
    s.for_each([&](train::Batch&) { ++n; });
    return n;
  };
  auto owned = make();
  EXPECT_EQ(count(train::BatchSource(owned)), 3);   // lvalue unique_ptr: borrowed
  EXPECT_EQ(count(train::BatchSource(*owned)), 3);  // the loader itself: borrowed
  EXPECT_EQ(count(train::BatchSource(make())), 3);  // rvalue unique_ptr: owned
  std::shared_ptr<std::remove_reference_t<decltype(*owned)>> shared = make();
  EXPECT_EQ(count(train::BatchSource(shared)), 3);  // shared
  EXPECT_EQ(shared.use_count(), 1);
  EXPECT_FALSE(train::BatchSource(make()).num_batches().has_value());
  EXPECT_EQ(train::make_batches<SequentialSampler>(TensorDataset(x, y).map(Stack<>()),
                                                   DataLoaderOptions(4))
                .num_batches(),
            3);
  EXPECT_EQ(train::make_batches<SequentialSampler>(TensorDataset(x, y).map(Stack<>()),
                                                   DataLoaderOptions(4).drop_last(true))
                .num_batches(),
            2);
}

// ---- errors ------------------------------------------------------------------------------------

TEST(Trainer, ErrorsAreEmberErrors) {
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
  using ::testing::ThrowsMessage;
  EXPECT_THAT([&] { train::Trainer(model, sgd, mse, quiet().epochs(0)); },
              ThrowsMessage<Error>(HasSubstr("epochs must be at least 1, got 0")));
  EXPECT_THAT([&] { train::Trainer(model, sgd, mse, quiet().clip_grad_norm(-1.0)); },
              ThrowsMessage<Error>(HasSubstr("clip_grad_norm must be positive")));
  EXPECT_THAT([&] { train::Trainer(model, sgd, mse, quiet().early_stopping_patience(0)); },
              ThrowsMessage<Error>(HasSubstr("early_stopping_patience")));
  EXPECT_THAT([&] { train::Trainer(model, sgd, nullptr); },
              ThrowsMessage<Error>(HasSubstr("no loss function")));

  train::Trainer trainer(model, sgd, mse, quiet());
  EXPECT_THAT([&] { trainer.fit(train::BatchSource()); },
              ThrowsMessage<Error>(HasSubstr("Trainer::fit: no training loader")));
  train::Trainer needs_val(model, sgd, mse, quiet().monitor("val/loss"));
  EXPECT_THAT([&] { needs_val.fit(line_data()); },
              ThrowsMessage<Error>(HasSubstr("monitor \"val/loss\" needs a validation loader")));
  train::Trainer unknown(model, sgd, mse, quiet().monitor("train/f1"));
  EXPECT_THAT([&] { unknown.fit(line_data()); },
              ThrowsMessage<Error>(HasSubstr("names no computed value")));
  train::Trainer vector_loss(
      model, sgd, [](const Tensor& o, const Tensor& t) { return o - t; }, quiet());
  EXPECT_THAT([&] { vector_loss.fit(line_data()); },
              ThrowsMessage<Error>(
                  HasSubstr("the loss function must return one value, got shape [16, 1]")));
  EXPECT_THAT([&] { trainer.resume_from("/nonexistent/run"); },
              ThrowsMessage<Error>(HasSubstr("no checkpoint in '/nonexistent/run'")));
  EXPECT_THAT([&] { trainer.add_metric(train::Accuracy(0.0, "loss")); },
              ThrowsMessage<Error>(HasSubstr("other than \"loss\"")));
  trainer.add_metric(train::Accuracy());
  EXPECT_THAT([&] { trainer.add_metric(train::Accuracy()); },
              ThrowsMessage<Error>(HasSubstr("already added")));
}

TEST(Trainer, AnUnwritableCheckpointDirectoryIsAnEmberError) {
  TempDir dir;
  std::ofstream(dir / "file") << "not a directory";
  manual_seed(0);
  nn::Linear model(1, 1);
  optim::SGD sgd(model->parameters(), optim::SGDOptions(0.1));
  train::Trainer trainer(model, sgd, mse, quiet().checkpoint_dir(dir / "file" / "ck"));
  EXPECT_THAT([&] { trainer.fit(line_data()); },
              ::testing::ThrowsMessage<Error>(
                  HasSubstr("Trainer: cannot write the checkpoint of epoch 1 in")));
}

TEST(Trainer, ResumeRejectsAMismatchedSetup) {
  TempDir dir;
  {
    Rig run(8);
    run.trainer(quiet().epochs(1).run_dir(dir / "run"))->fit(run.train, run.val);
  }
  Rig run(8);
  train::Trainer no_scheduler(run.model, *run.adam, cross_entropy, quiet().epochs(2));
  no_scheduler.resume_from(dir / "run");
  EXPECT_THAT([&] { no_scheduler.fit(run.train, run.val); },
              ::testing::ThrowsMessage<Error>(HasSubstr("written with a StepLR scheduler")));
  train::Trainer other_monitor(run.model, *run.adam, cross_entropy,
                               quiet().epochs(2).monitor("train/loss"));
  other_monitor.set_scheduler(*run.sched);
  other_monitor.resume_from(dir / "run");
  EXPECT_THAT([&] { other_monitor.fit(run.train, run.val); },
              ::testing::ThrowsMessage<Error>(HasSubstr("monitors \"val/loss\"")));
}

}  // namespace
}  // namespace ember
