// Trainer::resume_from against damaged or hostile checkpoints: every field of trainer.json is
// validated (an ember::Error naming the file and the field, no other exception type), and
// restoring is transactional: on any error the model, optimizer, scheduler and default generator
// are exactly as before.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ember/core/generator.h"
#include "ember/data.h"
#include "ember/ember.h"
#include "ember/nn.h"
#include "ember/optim.h"
#include "ember/train/trainer.h"
#include "support/support.h"

namespace ember {
namespace {

namespace fs = std::filesystem;
using data::DataLoaderOptions;
using data::datasets::TensorDataset;
using data::samplers::SequentialSampler;
using data::transforms::Stack;
using json = nlohmann::json;
using ::testing::HasSubstr;
using testing::TempDir;

Tensor mse(const Tensor& out, const Tensor& target) { return mean(square(out - target)); }

// A small regression with Adam and a StepLR, checkpointing into a run directory.
struct Rig {
  explicit Rig(uint64_t seed) {
    manual_seed(seed);
    model = nn::Sequential(nn::Linear(1, 4), nn::Dropout(0.1), nn::Linear(4, 1));
    adam = std::make_unique<optim::Adam>(model->parameters(), optim::AdamOptions(0.01));
    sched = std::make_unique<optim::StepLR>(*adam, 1, 0.5);
    Tensor x = linspace(-1, 1, 32).reshape({32, 1});
    data = train::make_batches<SequentialSampler>(TensorDataset(x, 3 * x - 2).map(Stack<>()),
                                                  DataLoaderOptions().batch_size(8));
  }
  std::unique_ptr<train::Trainer> trainer(int64_t epochs, const fs::path& run_dir = {}) {
    auto t = std::make_unique<train::Trainer>(model, *adam, mse,
                                              train::TrainerOptions()
                                                  .progress(train::ProgressBar::Mode::Off)
                                                  .epochs(epochs)
                                                  .run_dir(run_dir));
    t->set_scheduler(*sched);
    return t;
  }
  // Everything a resume may change, as text.
  std::string everything() const {
    std::ostringstream os;
    for (const Tensor& p : model->parameters())
      for (double v : testing::values(p)) os << v << ' ';
    os << optim::to_archive(*adam).sidecar.dump();
    for (auto& [name, t] : optim::to_archive(*adam).tensors) {
      os << name;
      for (double v : testing::values(t)) os << ' ' << v;
    }
    os << optim::to_archive(*sched).sidecar.dump();
    os << adam->param_groups()[0].options().lr();
    os << default_generator().get_state();
    return os.str();
  }
  nn::Sequential model{nullptr};
  std::unique_ptr<optim::Adam> adam;
  std::unique_ptr<optim::StepLR> sched;
  train::BatchSource data;
};

// A run of two epochs in `dir`; returns its last checkpoint directory.
fs::path make_run(const fs::path& dir) {
  Rig run(3);
  run.trainer(2, dir)->fit(run.data);
  return dir / "checkpoints" / "last";
}

// Resumes a fresh rig from `dir`: must throw an ember::Error containing `message`, and leave
// everything as it was.
void expect_refused(const fs::path& dir, const std::string& message) {
  Rig rig(99);
  rig.adam->zero_grad();
  auto trainer = rig.trainer(4);
  const std::string before = rig.everything();
  trainer->resume_from(dir);
  const std::string msg = testing::error_message([&] { trainer->fit(rig.data); });
  EXPECT_THAT(msg, HasSubstr(message));
  EXPECT_EQ(rig.everything(), before) << msg;
}

struct BadField {
  const char* what;
  std::function<void(json&)> edit;
  const char* message;
};

TEST(Resume, EveryBadTrainerJsonFieldNamesFileAndFieldAndChangesNothing) {
  TempDir tmp;
  const fs::path ck = make_run(tmp / "run");
  const fs::path file = ck / "trainer.json";
  const std::string good = testing::read_bytes(file);
  const std::vector<BadField> cases = {
      {"epoch 1e30", [](json& j) { j["epoch"] = 1e30; },
       "field \"epoch\" must be an integer in [0, 9007199254740992], got 1e+30"},
      {"epoch -5", [](json& j) { j["epoch"] = -5; }, "field \"epoch\" must be an integer"},
      {"epoch text", [](json& j) { j["epoch"] = "2"; }, "field \"epoch\" must be an integer"},
      {"epoch beyond history", [](json& j) { j["epoch"] = 3; },
       "field \"history\" must hold one record per epoch (epoch is 3, history has 2)"},
      {"history 5", [](json& j) { j["history"] = 5; }, "field \"history\" must be a JSON array"},
      {"history record text", [](json& j) { j["history"][1]["train/loss"] = "low"; },
       "field \"history[1].train/loss\" must be a number or null"},
      {"history record a list", [](json& j) { j["history"][0] = json::array(); },
       "field \"history[0]\" must be a JSON object"},
      {"global_step -5", [](json& j) { j["global_step"] = -5; },
       "field \"global_step\" must be an integer"},
      {"best_epoch past epoch", [](json& j) { j["best_epoch"] = 9; },
       "field \"best_epoch\" must be an integer in [0, 2], got 9"},
      {"best_value text", [](json& j) { j["best_value"] = "x"; },
       "field \"best_value\" must be a number or null"},
      {"wait -1", [](json& j) { j["wait"] = -1; }, "field \"wait\" must be an integer in [0, 2]"},
      {"stopped text", [](json& j) { j["stopped"] = "yes"; },
       "field \"stopped\" must be true or false"},
      {"train_batches 0", [](json& j) { j["train_batches"] = 0; },
       "field \"train_batches\" must be an integer"},
      {"monitor a number", [](json& j) { j["monitor"] = 5; }, "field \"monitor\" must be a string"},
      {"monitor_mode", [](json& j) { j["monitor_mode"] = "up"; },
       "field \"monitor_mode\" must be \"max\" or \"min\""},
      {"scheduler a list", [](json& j) { j["scheduler"] = json::array(); },
       "field \"scheduler\" must be a string"},
      {"rng garbage", [](json& j) { j["rng"] = "garbage"; },
       "field \"rng\" is not a generator state (Generator::set_state: malformed generator state"},
      {"rng a number", [](json& j) { j["rng"] = 5; }, "field \"rng\" must be a string"},
      {"rng index past the engine",
       [](json& j) {
         // The engine's index (the 626th word) beyond its 624 words: std::mt19937 would read
         // out of bounds with it.
         std::istringstream is(j["rng"].get<std::string>());
         std::vector<std::string> w{std::istream_iterator<std::string>(is), {}};
         w.at(625) = "100000";
         std::string s;
         for (const auto& x : w) s += (s.empty() ? "" : " ") + x;
         j["rng"] = s;
       },
       "field \"rng\" is not a generator state"},
      {"missing epoch", [](json& j) { j.erase("epoch"); }, "field \"epoch\" is missing"},
      {"missing rng", [](json& j) { j.erase("rng"); }, "field \"rng\" is missing"},
      {"format", [](json& j) { j["format"] = 1; }, "is not a ember.trainer/1 file"},
      {"an array", [](json& j) { j = json::array(); }, "is not a ember.trainer/1 file"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    json j = json::parse(good);
    c.edit(j);
    testing::write_bytes(file, j.dump(2));
    expect_refused(tmp / "run", "Trainer::resume_from: " + file.string());
    expect_refused(tmp / "run", c.message);
  }
  testing::write_bytes(file, "{\"format\": \"ember.trainer/1\", ");
  expect_refused(tmp / "run", "Trainer::resume_from: " + file.string() + ": not valid JSON");
  fs::remove(file);
  testing::write_bytes(file, good);
}

// A bad optimizer, scheduler or model file, found after the files before it were read: nothing
// is changed (earlier versions had already loaded the model by then).
TEST(Resume, ABadFileAmongTheCheckpointChangesNothing) {
  TempDir tmp;
  const fs::path ck = make_run(tmp / "run");
  auto redo = [&](const char* name, const std::function<void(io::Archive&)>& edit) {
    const fs::path p = ck / name;
    const std::string good = testing::read_bytes(p);
    io::Archive a = io::read_archive(p);
    edit(a);
    io::write_archive(p, a);
    return good;
  };
  std::string good = redo("optimizer.safetensors", [](io::Archive& a) {
    a.sidecar["param_groups"][0]["betas"] = {1.5, 0.999};
  });
  expect_refused(tmp / "run", "load: " + (ck / "optimizer.safetensors").string() +
                                  ": Adam: param_groups[0]: Adam: Invalid beta parameter at "
                                  "index 0: 1.5");
  testing::write_bytes(ck / "optimizer.safetensors", good);

  good = redo("scheduler.safetensors", [](io::Archive& a) { a.sidecar["step_count"] = -5; });
  expect_refused(tmp / "run", "load: " + (ck / "scheduler.safetensors").string() +
                                  ": StepLR: field \"step_count\" must be an integer");
  testing::write_bytes(ck / "scheduler.safetensors", good);

  good = redo("model.safetensors", [](io::Archive& a) {
    for (auto& [name, t] : a.tensors)
      if (name == "2.bias") t = zeros({7});
  });
  expect_refused(tmp / "run", "size mismatch for 2.bias");
  testing::write_bytes(ck / "model.safetensors", good);

  fs::remove(ck / "optimizer.safetensors");
  expect_refused(tmp / "run", (ck / "optimizer.safetensors").string());
}

// After all those refusals the checkpoint itself still resumes.
TEST(Resume, AValidCheckpointStillResumes) {
  TempDir tmp;
  make_run(tmp / "run");
  Rig rig(99);
  auto trainer = rig.trainer(3);
  trainer->resume_from(tmp / "run");
  const train::History h = trainer->fit(rig.data);
  EXPECT_EQ(h.epochs.size(), 3u);
  EXPECT_EQ(h.step_losses.size(), 4u);  // only epoch 3 ran
}

}  // namespace
}  // namespace ember
