// Saving optimizers and schedulers: ember::save/load round trips resume training exactly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "optim/optim_test_util.h"

namespace ember {
namespace {

using namespace optim_test;
using ::testing::HasSubstr;
using testing::TempDir;

void train(optim::Optimizer& opt, Problem& problem, int steps) {
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    problem.loss().backward();
    opt.step();
  }
}

// Golden cases covering every optimizer and its stateful options.
class SaveLoad : public ::testing::TestWithParam<int> {};

TEST_P(SaveLoad, ResumedTrainingEqualsUninterruptedTraining) {
  const nlohmann::json& c = golden()["optimizers"][GetParam()];
  const ScalarType dtype = c["dtype"] == "float64" ? kDouble : kFloat;
  TempDir dir;
  // Uninterrupted: 20 steps.
  Problem straight = make_problem(c["problem"], dtype);
  auto a = make_case_optimizer(c, straight.params);
  train(*a, straight, 20);
  // 10 steps, save, then a fresh process-like restart: new parameters and optimizer, load both.
  Problem first = make_problem(c["problem"], dtype);
  auto b = make_case_optimizer(c, first.params);
  train(*b, first, 10);
  ember::save(*b, dir / "opt.safetensors");
  ember::save(first.params, dir / "params.safetensors");
  Problem resumed = make_problem(c["problem"], dtype);
  auto r = make_case_optimizer(c, resumed.params);
  std::vector<Tensor> saved;
  ember::load(saved, dir / "params.safetensors");
  {
    NoGradGuard no_grad;
    for (size_t i = 0; i < saved.size(); ++i) resumed.params[i].copy_(saved[i]);
  }
  ember::load(*r, dir / "opt.safetensors");
  EXPECT_EQ(r->state().size(), b->state().size());
  train(*r, resumed, 10);
  EXPECT_EQ(flat(resumed.params), flat(straight.params));  // bit for bit
}

std::vector<int> stateful_cases() {
  std::vector<int> out;
  const auto& cases = golden()["optimizers"];
  for (int i = 0; i < static_cast<int>(cases.size()); ++i)
    if (cases[i]["problem"] == "lstsq") out.push_back(i);
  return out;
}

INSTANTIATE_TEST_SUITE_P(AllOptimizers, SaveLoad, ::testing::ValuesIn(stateful_cases()));

TEST(OptimizerSave, FileLayoutFollowsPyTorchsStateDict) {
  TempDir dir;
  Tensor a = ones({2}, kDouble).requires_grad_(), b = ones({3}, kDouble).requires_grad_();
  optim::Adam adam({a, b}, optim::AdamOptions(0.01).amsgrad(true));
  a.mutable_grad() = ones({2}, kDouble);
  adam.step();
  ember::save(adam, dir / "adam.safetensors");
  const io::Archive archive = io::read_archive(dir / "adam.safetensors");
  const nlohmann::json& j = archive.sidecar;
  EXPECT_EQ(j["type"], "Adam");
  EXPECT_EQ(j["format"], "ember.optimizer/1");
  EXPECT_EQ(j["param_groups"][0]["lr"], 0.01);
  EXPECT_EQ(j["param_groups"][0]["amsgrad"], true);
  EXPECT_EQ(j["param_groups"][0]["betas"], nlohmann::json({0.9, 0.999}));
  EXPECT_EQ(j["param_groups"][0]["params"], nlohmann::json({0, 1}));
  EXPECT_EQ(j["state"], nlohmann::json({{"0", {{"step", 1}}}}));  // b never had a gradient
  std::vector<std::string> names;
  for (const auto& [name, t] : archive.tensors) names.push_back(name);
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("state.0.exp_avg", "state.0.exp_avg_sq",
                                                     "state.0.max_exp_avg_sq"));
}

TEST(OptimizerSave, LoadRestoresGroupOptions) {
  TempDir dir;
  Tensor w = ones({1}).requires_grad_();
  optim::SGD sgd({w}, optim::SGDOptions(0.5).momentum(0.9).nesterov(true));
  ember::save(sgd, dir / "sgd.safetensors");
  Tensor v = ones({1}).requires_grad_();
  optim::SGD other({v}, optim::SGDOptions(0.1));
  ember::load(other, dir / "sgd.safetensors");
  const auto& o = static_cast<const optim::SGDOptions&>(other.param_groups()[0].options());
  EXPECT_EQ(o.lr(), 0.5);
  EXPECT_EQ(o.momentum(), 0.9);
  EXPECT_TRUE(o.nesterov());
}

TEST(OptimizerSave, MismatchesAreReported) {
  TempDir dir;
  Tensor a = ones({2}).requires_grad_(), b = ones({3}).requires_grad_();
  optim::Adam adam({a, b});
  a.mutable_grad() = ones({2});
  b.mutable_grad() = ones({3});
  adam.step();
  ember::save(adam, dir / "adam.safetensors");

  optim::SGD sgd({a, b}, 0.1);
  EXPECT_THAT([&] { ember::load(sgd, dir / "adam.safetensors"); },
              ::testing::ThrowsMessage<Error>(
                  HasSubstr("the file holds the state of a Adam optimizer, not of SGD")));
  Tensor c = ones({2}).requires_grad_();
  optim::Adam one({c});
  EXPECT_THAT([&] { ember::load(one, dir / "adam.safetensors"); },
              ::testing::ThrowsMessage<Error>(
                  HasSubstr("parameter group 0 has 2 parameters in the file, 1 here")));
  Tensor d = ones({2}).requires_grad_(), e = ones({4}).requires_grad_();
  optim::Adam shapes({d, e});
  EXPECT_THAT([&] { ember::load(shapes, dir / "adam.safetensors"); },
              ::testing::ThrowsMessage<Error>(
                  HasSubstr("state.1.exp_avg has shape [3] but parameter 1 has shape [4]")));
  EXPECT_TRUE(shapes.state().empty());  // nothing was changed
  ember::save(std::vector<Tensor>{ones({1})}, dir / "plain.safetensors");
  EXPECT_THAT([&] { ember::load(shapes, dir / "plain.safetensors"); },
              ::testing::ThrowsMessage<Error>(HasSubstr("holds no optimizer state")));
}

TEST(OptimizerDict, ConvertsNumbersAndNamesTheKeyOnAMismatch) {
  const optim::OptimizerDict d = {
      {"lr", int64_t{1}}, {"betas", std::vector<double>{0.5, 0.9}}, {"amsgrad", true}};
  EXPECT_EQ(d.value("lr", 0.1), 1.0);     // an integer where a number is expected
  EXPECT_EQ(d.value("eps", 1e-8), 1e-8);  // absent: the fallback
  EXPECT_EQ(d.value("betas", std::tuple<double, double>{}), std::make_tuple(0.5, 0.9));
  EXPECT_THAT([&] { d.value("amsgrad", 0.0); },
              ::testing::ThrowsMessage<Error>(
                  HasSubstr("optimizer: \"amsgrad\" should be a number but holds a flag")));
  EXPECT_THAT([&] { d.value("lr", std::tuple<double, double>{}); },
              ::testing::ThrowsMessage<Error>(
                  HasSubstr("\"lr\" should be a list of two numbers but holds an integer")));
}

TEST(OptimizerDict, ReadsOptionsFromJson) {
  optim::AdamOptions o;
  o.from_json(nlohmann::json{{"lr", 2}, {"eps", nullptr}, {"foreach", "x"}});  // null: absent
  EXPECT_EQ(o.lr(), 2.0);
  EXPECT_EQ(o.eps(), 1e-8);
  nlohmann::json j;
  o.to_json(j);
  EXPECT_EQ(j["betas"], nlohmann::json({0.9, 0.999}));
  EXPECT_EQ(j["amsgrad"], false);
  EXPECT_THAT(
      [&] {
        o.from_json(nlohmann::json{{"lr", "fast"}});
      },
      ::testing::ThrowsMessage<Error>(HasSubstr("\"lr\" should be a number but holds text")));
  EXPECT_THAT(
      [&] {
        o.from_json(nlohmann::json{{"lr", nlohmann::json{{"a", 1}}}});
      },
      ::testing::ThrowsMessage<Error>(HasSubstr("\"lr\" holds a JSON object")));
}

TEST(SchedulerSave, RoundTripResumesTheSchedule) {
  TempDir dir;
  Tensor w = ones({1}).requires_grad_();
  optim::SGD sgd({w}, optim::SGDOptions(0.1).momentum(0.9));
  optim::OneCycleLR s(sgd, 1.0, 40);
  for (int i = 0; i < 15; ++i) s.step();
  ember::save(s, dir / "sched.safetensors");
  ember::save(sgd, dir / "sgd.safetensors");

  Tensor v = ones({1}).requires_grad_();
  optim::SGD sgd2({v}, optim::SGDOptions(0.1).momentum(0.9));
  optim::OneCycleLR t(sgd2, 1.0, 40);
  ember::load(t, dir / "sched.safetensors");
  ember::load(sgd2, dir / "sgd.safetensors");
  EXPECT_EQ(t.last_epoch(), 15);
  for (int i = 0; i < 20; ++i) {
    s.step();
    t.step();
    EXPECT_EQ(t.get_last_lr(), s.get_last_lr());
    EXPECT_EQ(sgd2.param_groups()[0].options().lr(), sgd.param_groups()[0].options().lr());
  }
  optim::StepLR other(sgd2, 3);
  EXPECT_THAT([&] { ember::load(other, dir / "sched.safetensors"); },
              ::testing::ThrowsMessage<Error>(HasSubstr("state of a OneCycleLR, not of StepLR")));
}

TEST(SchedulerSave, ReduceLROnPlateauRoundTrip) {
  TempDir dir;
  Tensor w = ones({1}).requires_grad_();
  optim::SGD sgd({w}, 1.0);
  using P = optim::ReduceLROnPlateau;
  P s(sgd, P::min, 0.5, 1);
  ember::save(s, dir / "fresh.safetensors");  // best = +inf survives JSON
  for (double m : {1.0, 0.9, 0.95, 0.95}) s.step(m);
  ember::save(s, dir / "plateau.safetensors");
  Tensor v = ones({1}).requires_grad_();
  optim::SGD sgd2({v}, 1.0);
  P t(sgd2, P::min, 0.5, 1);
  ember::load(t, dir / "fresh.safetensors");
  EXPECT_TRUE(std::isinf(t.best()));
  ember::load(t, dir / "plateau.safetensors");
  EXPECT_EQ(t.best(), 0.9);
  EXPECT_EQ(t.get_last_lr(), s.get_last_lr());
  for (double m : {0.95, 0.95, 0.95, 0.8, 0.8, 0.8}) {
    s.step(m);
    t.step(m);
    EXPECT_EQ(t.get_last_lr(), s.get_last_lr());
  }
}

}  // namespace
}  // namespace ember
