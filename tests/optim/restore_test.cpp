// Loading damaged or hostile optimizer and scheduler files: every field is validated (type,
// finiteness, range) with an ember::Error naming the file and the field, no other exception type
// escapes, and a refused load leaves the optimizer or scheduler exactly as it was.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <limits>

#include "ember/optim/serialize.h"
#include "optim/optim_test_util.h"

namespace ember {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
using json = nlohmann::json;

// An Adam over two parameters after one step (state for both), and its saved file.
struct AdamRig {
  Tensor a = ones({2}, kDouble).requires_grad_(), b = ones({3}, kDouble).requires_grad_();
  optim::Adam adam{{a, b}, optim::AdamOptions(0.01)};
  AdamRig() {
    a.mutable_grad() = ones({2}, kDouble);
    b.mutable_grad() = full({3}, 2.0, kDouble);
    adam.step();
  }
};

// Everything `o` holds, as text: options of every group, scalars and tensors of every state.
std::string snapshot(const optim::Optimizer& o) {
  io::Archive a = optim::to_archive(o);
  std::string s = a.sidecar.dump();
  for (auto& [name, t] : a.tensors) {
    s += name;
    for (double v : testing::values(t)) s += " " + std::to_string(v);
  }
  return s;
}

// Saves `o` with its JSON document changed by `edit`, to `path`.
void save_edited(const optim::Optimizer& o, const std::filesystem::path& path,
                 const std::function<void(json&)>& edit,
                 const std::function<void(io::NamedTensors&)>& edit_tensors = nullptr) {
  io::Archive a = optim::to_archive(o);
  edit(a.sidecar);
  if (edit_tensors) edit_tensors(a.tensors);
  io::write_archive(path, a);
}

struct BadOptimizerField {
  const char* what;
  std::function<void(json&)> edit;
  const char* message;
};

TEST(OptimizerRestore, EveryBadFieldIsAnErrorNamingFileAndFieldAndChangesNothing) {
  const std::vector<BadOptimizerField> cases = {
      {"betas out of range",
       [](json& j) {
         j["param_groups"][0]["betas"] = {1.5, 0.999};
       },
       "Adam: param_groups[0]: Adam: Invalid beta parameter at index 0: 1.5"},
      {"negative lr", [](json& j) { j["param_groups"][0]["lr"] = -1; },
       "param_groups[0]: Adam: Invalid learning rate: -1"},
      {"negative eps", [](json& j) { j["param_groups"][0]["eps"] = -1e-8; },
       "Invalid epsilon value"},
      {"lr as text", [](json& j) { j["param_groups"][0]["lr"] = "fast"; },
       "\"lr\" should be a number but holds text"},
      {"betas of three",
       [](json& j) {
         j["param_groups"][0]["betas"] = {0.9, 0.9, 0.9};
       },
       "\"betas\" should be a list of two numbers"},
      {"huge unsigned", [](json& j) { j["param_groups"][0]["lr"] = uint64_t(1) << 63; },
       "out of the range of a 64-bit integer"},
      {"negative step", [](json& j) { j["state"]["0"]["step"] = -5; },
       "field \"state.0.step\" must be an integer in [0, 9007199254740992], got -5"},
      {"fractional step", [](json& j) { j["state"]["0"]["step"] = 1e30; },
       "field \"state.0.step\" must be an integer"},
      {"step as text", [](json& j) { j["state"]["0"]["step"] = "x"; },
       "field \"state.0.step\" must be an integer"},
      {"state key not a number", [](json& j) { j["state"]["x"] = json::object(); },
       "field \"state.x\" is not a parameter index"},
      {"state key with a leading zero", [](json& j) { j["state"]["01"] = json::object(); },
       "field \"state.01\" is not a parameter index"},
      {"state key out of range", [](json& j) { j["state"]["7"] = json::object(); },
       "the file has state for parameter 7 but the optimizer has 2 parameters"},
      {"state entry not an object", [](json& j) { j["state"]["0"] = 5; },
       "field \"state.0\" must be a JSON object"},
      {"state not an object", [](json& j) { j["state"] = json::array(); },
       "field \"state\" must be a JSON object"},
      {"state missing", [](json& j) { j.erase("state"); }, "field \"state\" is missing"},
      {"param_groups missing", [](json& j) { j.erase("param_groups"); },
       "field \"param_groups\" is missing"},
      {"param_groups not an array", [](json& j) { j["param_groups"] = 5; },
       "field \"param_groups\" must be a JSON array"},
      {"group not an object", [](json& j) { j["param_groups"][0] = 5; },
       "field \"param_groups[0]\" must be a JSON object"},
      {"params missing", [](json& j) { j["param_groups"][0].erase("params"); },
       "field \"param_groups[0].params\" is missing"},
      {"params not indices",
       [](json& j) {
         j["param_groups"][0]["params"] = {"a", "b"};
       },
       "field \"param_groups[0].params[0]\" must be an integer in [0, 0]"},
      {"params renumbered",
       [](json& j) {
         j["param_groups"][0]["params"] = {1, 0};
       },
       "field \"param_groups[0].params[0]\" must be an integer in [0, 0], got 1"},
      {"format a number", [](json& j) { j["format"] = 5; }, "holds no optimizer state"},
      {"type a number", [](json& j) { j["type"] = 5; }, "the file holds the state of a ?"},
      {"option an object",
       [](json& j) {
         j["param_groups"][0]["lr"] = {{"a", 1}};
       },
       "\"lr\" holds a JSON object"},
  };
  TempDir dir;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    AdamRig saved;
    const auto path = dir / "adam.safetensors";
    save_edited(saved.adam, path, c.edit);
    // Another Adam, with other options and state, that the failed load must leave alone.
    AdamRig mine;
    static_cast<optim::AdamOptions&>(mine.adam.param_groups()[0].options()).lr(0.5);
    mine.a.mutable_grad() = full({2}, 3.0, kDouble);
    mine.adam.step();
    const std::string before = snapshot(mine.adam);
    const std::string msg = testing::error_message([&] { ember::load(mine.adam, path); });
    EXPECT_THAT(msg, HasSubstr("load: " + path.string() + ": "));
    EXPECT_THAT(msg, HasSubstr(c.message));
    EXPECT_EQ(snapshot(mine.adam), before);
  }
}

// A number too large for a double (1e999) reads as infinity: refused, as a NaN would be.
TEST(OptimizerRestore, NumbersBeyondDoubleAreRefused) {
  TempDir dir;
  AdamRig rig;
  io::Archive a = optim::to_archive(rig.adam);
  std::string text = a.sidecar.dump();
  const std::string lr = "\"lr\":0.01";
  ASSERT_NE(text.find(lr), std::string::npos);
  text.replace(text.find(lr), lr.size(), "\"lr\":1e999");
  io::write_safetensors(dir / "adam.safetensors", a.tensors, {{"ember.json", text}});
  const std::string before = snapshot(rig.adam);
  EXPECT_THAT(testing::error_message([&] { ember::load(rig.adam, dir / "adam.safetensors"); }),
              ::testing::AnyOf(HasSubstr("\"lr\" holds"), HasSubstr("is not valid JSON")));
  EXPECT_EQ(snapshot(rig.adam), before);
}

TEST(OptimizerRestore, BadStateTensorsAreRefusedAndChangeNothing) {
  TempDir dir;
  const auto path = dir / "adam.safetensors";
  struct Case {
    const char* what;
    std::function<void(io::NamedTensors&)> edit;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"NaN moment", [](io::NamedTensors& t) { t[0].second = full({2}, std::nan(""), kDouble); },
       "state.0.exp_avg holds a non-finite value (NaN or infinity)"},
      {"wrong shape", [](io::NamedTensors& t) { t[0].second = zeros({5}, kDouble); },
       "state.0.exp_avg has shape [5] but parameter 0 has shape [2]"},
      {"integer state", [](io::NamedTensors& t) { t[0].second = zeros({2}, kLong); },
       "state.0.exp_avg has dtype"},
      {"stray tensor",
       [](io::NamedTensors& t) { t.emplace_back("state.9.exp_avg", zeros({2}, kDouble)); },
       "unexpected tensor \"state.9.exp_avg\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    AdamRig saved;
    save_edited(
        saved.adam, path, [](json&) {}, c.edit);
    AdamRig mine;
    mine.adam.step();
    const std::string before = snapshot(mine.adam);
    EXPECT_THAT(testing::error_message([&] { ember::load(mine.adam, path); }),
                HasSubstr(c.message));
    EXPECT_EQ(snapshot(mine.adam), before);
  }
}

TEST(OptimizerRestore, SgdNesterovWithoutMomentumIsRefusedAsByTheConstructor) {
  TempDir dir;
  Tensor w = ones({1}).requires_grad_();
  optim::SGD sgd({w}, optim::SGDOptions(0.1));
  save_edited(sgd, dir / "sgd.safetensors",
              [](json& j) { j["param_groups"][0]["nesterov"] = true; });
  EXPECT_THAT(testing::error_message([&] { ember::load(sgd, dir / "sgd.safetensors"); }),
              HasSubstr("SGD: Nesterov momentum requires a momentum and zero dampening"));
  EXPECT_FALSE(static_cast<const optim::SGDOptions&>(sgd.param_groups()[0].options()).nesterov());
}

TEST(OptimizerRestore, DoubleOptionsConvertToIntegersOnlyWhenExact) {
  optim::OptimizerDict d{{"step", 1e30}, {"n", 3.0}, {"nan", std::nan("")}};
  EXPECT_EQ(d.value<int64_t>("n", 0), 3);
  EXPECT_THAT(testing::error_message([&] { d.value<int64_t>("step", 0); }),
              HasSubstr("optimizer: \"step\" should be an integer but holds a number"));
  EXPECT_THAT(testing::error_message([&] { d.value<int64_t>("nan", 0); }),
              HasSubstr("\"nan\" should be an integer"));
}

// ---- schedulers ---------------------------------------------------------------------------------

struct BadSchedulerField {
  const char* what;
  std::function<void(json&)> edit;
  const char* message;
};

TEST(SchedulerRestore, EveryBadFieldIsAnErrorNamingFileAndFieldAndChangesNothing) {
  const std::vector<BadSchedulerField> cases = {
      {"negative epoch", [](json& j) { j["last_epoch"] = -5; },
       "StepLR: field \"last_epoch\" must be an integer in [0, 9007199254740992], got -5"},
      {"huge epoch", [](json& j) { j["last_epoch"] = 1e30; },
       "field \"last_epoch\" must be an integer"},
      {"step_count text", [](json& j) { j["step_count"] = "3"; },
       "field \"step_count\" must be an integer"},
      {"negative rate", [](json& j) { j["last_lr"] = {-1}; },
       "field \"last_lr[0]\" must be a finite number in [0,"},
      {"rate null", [](json& j) { j["base_lrs"] = {nullptr}; },
       "field \"base_lrs[0]\" must be a finite number"},
      {"two groups",
       [](json& j) {
         j["last_lr"] = {0.1, 0.1};
       },
       "field \"last_lr\" must hold 1 numbers, got 2"},
      {"history a number", [](json& j) { j["base_lrs"] = 5; },
       "field \"base_lrs\" must be a JSON array"},
      {"missing", [](json& j) { j.erase("step_count"); }, "field \"step_count\" is missing"},
      {"format a number", [](json& j) { j["format"] = 5; }, "holds no scheduler state"},
      {"type an array", [](json& j) { j["type"] = json::array(); },
       "the file holds the state of a ?, not of StepLR"},
  };
  TempDir dir;
  const auto path = dir / "sched.safetensors";
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    Tensor w = ones({1}).requires_grad_();
    optim::SGD sgd({w}, optim::SGDOptions(0.1));
    optim::StepLR s(sgd, 2, 0.5);
    for (int i = 0; i < 3; ++i) s.step();
    io::Archive a = optim::to_archive(s);
    c.edit(a.sidecar);
    io::write_archive(path, a);
    const optim::LRSchedulerState before = s.state();
    const double lr = sgd.param_groups()[0].options().lr();
    EXPECT_THAT(testing::error_message([&] { ember::load(s, path); }),
                HasSubstr("load: " + path.string() + ": "));
    EXPECT_THAT(testing::error_message([&] { ember::load(s, path); }), HasSubstr(c.message));
    EXPECT_EQ(s.state().last_epoch, before.last_epoch);
    EXPECT_EQ(s.state().step_count, before.step_count);
    EXPECT_EQ(s.state().last_lr, before.last_lr);
    EXPECT_EQ(sgd.param_groups()[0].options().lr(), lr);
  }
}

TEST(SchedulerRestore, ReduceLROnPlateauFieldsAreValidated) {
  TempDir dir;
  const auto path = dir / "plateau.safetensors";
  Tensor w = ones({1}).requires_grad_();
  optim::SGD sgd({w}, 1.0);
  optim::ReduceLROnPlateau s(sgd);
  for (auto [what, edit, message] : std::vector<BadSchedulerField>{
           {"best text", [](json& j) { j["best"] = "huge"; },
            "field \"best\" must be a number, \"inf\" or \"-inf\""},
           {"best list", [](json& j) { j["best"] = {1}; }, "field \"best\" must be a finite"},
           {"bad epochs", [](json& j) { j["num_bad_epochs"] = -1; },
            "field \"num_bad_epochs\" must be an integer"},
           {"cooldown", [](json& j) { j["cooldown_counter"] = 0.5; },
            "field \"cooldown_counter\" must be an integer"},
           {"history", [](json& j) { j["last_lr"] = 5; }, "field \"last_lr\" must be a JSON array"},
       }) {
    SCOPED_TRACE(what);
    io::Archive a = optim::to_archive(s);
    edit(a.sidecar);
    io::write_archive(path, a);
    EXPECT_THAT(testing::error_message([&] { ember::load(s, path); }), HasSubstr(message));
    EXPECT_TRUE(std::isinf(s.best()));
  }
}

}  // namespace
}  // namespace ember
