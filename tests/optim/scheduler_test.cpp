// LR schedulers against PyTorch 1.13: the learning rate (and cycled momentum) of two parameter
// groups before each of 30 optimizer steps (golden/optim.json "schedulers").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "optim/optim_test_util.h"

namespace ember {
namespace {

using namespace optim_test;
using ::testing::HasSubstr;

// Two groups with lrs 0.1 and 0.02, as gen_optim.py's sched_seq.
struct Fixture {
  Tensor a = zeros({1}).requires_grad_(), b = zeros({1}).requires_grad_();
  std::unique_ptr<optim::Optimizer> opt;
  explicit Fixture(const std::string& kind = "SGD") {
    std::vector<optim::OptimizerParamGroup> groups;
    if (kind == "SGD") {
      groups.emplace_back(std::vector<Tensor>{a}, std::make_unique<optim::SGDOptions>(
                                                      optim::SGDOptions(0.1).momentum(0.9)));
      groups.emplace_back(std::vector<Tensor>{b}, std::make_unique<optim::SGDOptions>(
                                                      optim::SGDOptions(0.02).momentum(0.9)));
      opt = std::make_unique<optim::SGD>(groups, optim::SGDOptions(0.1).momentum(0.9));
    } else {
      groups.emplace_back(std::vector<Tensor>{a}, std::make_unique<optim::AdamOptions>(0.1));
      groups.emplace_back(std::vector<Tensor>{b}, std::make_unique<optim::AdamOptions>(0.02));
      opt = std::make_unique<optim::Adam>(groups, optim::AdamOptions(0.1));
    }
  }
  std::vector<double> lrs() const {
    return {opt->param_groups()[0].options().lr(), opt->param_groups()[1].options().lr()};
  }
  std::vector<double> momentums() const {
    std::vector<double> out;
    for (const auto& g : opt->param_groups()) {
      if (auto* s = dynamic_cast<const optim::SGDOptions*>(&g.options()))
        out.push_back(s->momentum());
      else
        out.push_back(std::get<0>(static_cast<const optim::AdamOptions&>(g.options()).betas()));
    }
    return out;
  }
};

// Runs `step` 30 times (after an optimizer step each time, as PyTorch recommends) and compares
// the learning rates and momentums seen before each step with the fixture.
template <class Step>
void expect_sequence(Fixture& f, const std::string& key, Step step) {
  const nlohmann::json& want = golden()["schedulers"][key];
  ASSERT_FALSE(want.is_null()) << key;
  for (size_t i = 0; i < want["lrs"].size(); ++i) {
    expect_close(f.lrs(), want["lrs"][i], 1e-12, 1e-15,
                 key + " lr before step " + std::to_string(i));
    expect_close(f.momentums(), want["momentums"][i], 1e-12, 1e-15,
                 key + " momentum before step " + std::to_string(i));
    f.opt->step();
    step(i);
    if (::testing::Test::HasFailure()) return;
  }
}

template <class S>
void expect_scheduler(Fixture& f, S& s, const std::string& key) {
  expect_sequence(f, key, [&](size_t) { s.step(); });
  expect_close(s.get_last_lr(), golden()["schedulers"][key]["last_lr"], 1e-12, 1e-15, key);
}

TEST(StepLR, MatchesPyTorch) {
  Fixture f;
  optim::StepLR s(*f.opt, 7, 0.5);
  expect_scheduler(f, s, "StepLR_7_0.5");
}

TEST(MultiStepLR, MatchesPyTorchWithARepeatedMilestone) {
  Fixture f;
  optim::MultiStepLR s(*f.opt, {3, 3, 10, 20}, 0.3);
  expect_scheduler(f, s, "MultiStepLR_3_3_10_20_0.3");
}

TEST(ExponentialLR, MatchesPyTorch) {
  Fixture f;
  optim::ExponentialLR s(*f.opt, 0.9);
  expect_scheduler(f, s, "ExponentialLR_0.9");
}

TEST(CosineAnnealingLR, MatchesPyTorchPastTMax) {
  Fixture f;
  optim::CosineAnnealingLR s(*f.opt, 10, 0.001);
  expect_scheduler(f, s, "CosineAnnealingLR_10_0.001");
  Fixture g;
  optim::CosineAnnealingLR t(*g.opt, 7);
  expect_scheduler(g, t, "CosineAnnealingLR_7_0");
}

TEST(LinearLR, WarmUpAndDecayMatchPyTorch) {
  Fixture f;
  optim::LinearLR s(*f.opt, 0.25, 1.0, 8);
  EXPECT_DOUBLE_EQ(f.lrs()[0], 0.025);  // the constructor applies start_factor
  expect_scheduler(f, s, "LinearLR_0.25_1_8");
  Fixture g;
  optim::LinearLR t(*g.opt, 1.0, 0.1, 5);
  expect_scheduler(g, t, "LinearLR_1_0.1_5");
}

TEST(OneCycleLR, CosineWithPerGroupMaxLrAndMomentum) {
  Fixture f;
  optim::OneCycleLR s(*f.opt, optim::OneCycleLROptions({1.0, 0.5}, 30));
  expect_scheduler(f, s, "OneCycleLR_cos");
  EXPECT_THAT([&] { s.step(); }, ::testing::ThrowsMessage<Error>(HasSubstr(
                                     "OneCycleLR: Tried to step 32 times. The specified number "
                                     "of total steps is 30")));
}

TEST(OneCycleLR, LinearThreePhase) {
  Fixture f;
  optim::OneCycleLR s(*f.opt, optim::OneCycleLROptions(0.8, 31)
                                  .pct_start(0.25)
                                  .anneal_strategy(optim::OneCycleLROptions::linear)
                                  .div_factor(10)
                                  .final_div_factor(100)
                                  .three_phase(true));
  expect_scheduler(f, s, "OneCycleLR_linear_three_phase");
}

TEST(OneCycleLR, AdamCyclesBeta1OrNot) {
  Fixture f("Adam");
  optim::OneCycleLR s(*f.opt,
                      optim::OneCycleLROptions(0.01, 30).base_momentum(0.8).max_momentum(0.9));
  expect_scheduler(f, s, "OneCycleLR_adam");
  Fixture g("Adam");
  optim::OneCycleLR t(*g.opt, optim::OneCycleLROptions(0.01, 30).cycle_momentum(false));
  expect_scheduler(g, t, "OneCycleLR_adam_no_momentum");
}

TEST(OneCycleLR, OptimizerWithoutMomentumNeedsCycleMomentumOff) {
  Tensor w = zeros({1}).requires_grad_();
  optim::Adagrad adagrad({w});
  EXPECT_THAT([&] { optim::OneCycleLR(adagrad, 0.1, 10); },
              ::testing::ThrowsMessage<Error>(HasSubstr("Adagrad has no momentum to cycle")));
  optim::OneCycleLR s(adagrad, optim::OneCycleLROptions(0.1, 10).cycle_momentum(false));
  EXPECT_DOUBLE_EQ(s.get_last_lr()[0], 0.1 / 25);
}

template <class Make>
void expect_plateau(const std::string& key, Make make) {
  Fixture f;
  auto s = make(*f.opt);
  const auto& metrics = golden()["plateau_metrics"];
  expect_sequence(f, key, [&](size_t i) { s->step(metrics[i].get<double>()); });
  expect_close(s->get_last_lr(), golden()["schedulers"][key]["last_lr"], 1e-12, 1e-15, key);
}

TEST(ReduceLROnPlateau, MatchesPyTorch) {
  using P = optim::ReduceLROnPlateau;
  expect_plateau("ReduceLROnPlateau_min_rel",
                 [](optim::Optimizer& o) { return std::make_unique<P>(o, P::min, 0.5, 2); });
  expect_plateau("ReduceLROnPlateau_min_abs_cooldown", [](optim::Optimizer& o) {
    return std::make_unique<P>(o, P::min, 0.3, 1, 0.05, P::abs, 2,
                               std::vector<double>{0.005, 0.001});
  });
  expect_plateau("ReduceLROnPlateau_max_rel", [](optim::Optimizer& o) {
    return std::make_unique<P>(o, P::max, 0.1, 0, 0.1, P::rel, 0, std::vector<double>{1e-4});
  });
}

TEST(ReduceLROnPlateau, Errors) {
  Fixture f;
  using P = optim::ReduceLROnPlateau;
  EXPECT_THAT([&] { P(*f.opt, P::min, 1.0); },
              ::testing::ThrowsMessage<Error>(HasSubstr("Factor should be < 1.0")));
  EXPECT_THAT(
      [&] {
        P(*f.opt, P::min, 0.1, 10, 1e-4, P::rel, 0, {1, 2, 3});
      },
      ::testing::ThrowsMessage<Error>(HasSubstr("expected 2 min_lrs, got 3")));
}

TEST(LRScheduler, StateRoundTripResumesTheSchedule) {
  Fixture f, g;
  optim::CosineAnnealingLR s(*f.opt, 10, 0.001);
  for (int i = 0; i < 4; ++i) s.step();
  optim::CosineAnnealingLR t(*g.opt, 10, 0.001);
  t.load_state(s.state());
  EXPECT_EQ(t.last_epoch(), 4);
  EXPECT_EQ(g.lrs(), f.lrs());
  for (int i = 0; i < 10; ++i) {
    s.step();
    t.step();
    EXPECT_EQ(t.get_last_lr(), s.get_last_lr());
  }
}

TEST(LRScheduler, Errors) {
  Fixture f;
  EXPECT_THAT([&] { optim::StepLR(*f.opt, 0); },
              ::testing::ThrowsMessage<Error>(HasSubstr("StepLR: step_size must be positive")));
  EXPECT_THAT([&] { optim::LinearLR(*f.opt, 1.5); },
              ::testing::ThrowsMessage<Error>(HasSubstr("LinearLR: Starting multiplicative")));
  EXPECT_THAT(
      [&] {
        optim::OneCycleLR(*f.opt, optim::OneCycleLROptions({1, 2, 3}, 10));
      },
      ::testing::ThrowsMessage<Error>(HasSubstr("expected 2 values for max_lr, got 3")));
}

}  // namespace
}  // namespace ember
