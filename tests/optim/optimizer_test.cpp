// Optimizers against PyTorch 1.13: each optimizer and option combination runs 20 steps on
// Rosenbrock and a small least-squares problem (golden/optim.json, from gen_optim.py); plus
// param groups, zero_grad, closures, state keys, version counters and errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ember/nn.h"
#include "optim/optim_test_util.h"

namespace ember {
namespace {

using namespace optim_test;
using ::testing::HasSubstr;

// ---- trajectories vs PyTorch --------------------------------------------------------------------

class Trajectory : public ::testing::TestWithParam<int> {};

std::string case_name(const ::testing::TestParamInfo<int>& info) {
  const nlohmann::json& c = golden()["optimizers"][info.param];
  std::string name = c["optimizer"].get<std::string>();
  for (const auto& [k, v] : c["options"].items()) name += "_" + k;
  if (!c["groups"].is_null()) name += "_groups";
  name += "_" + c["problem"].get<std::string>() + "_" + c["dtype"].get<std::string>();
  return name + "_" + std::to_string(info.param);
}

TEST_P(Trajectory, MatchesPyTorch) {
  const nlohmann::json& c = golden()["optimizers"][GetParam()];
  const bool is_double = c["dtype"] == "float64";
  // float32: PyTorch's vectorised kernels fuse multiply-adds differently; 20 steps drift a few ulp.
  const double rtol = is_double ? 1e-10 : 2e-5, atol = is_double ? 1e-12 : 1e-6;
  Problem problem = make_problem(c["problem"], is_double ? kDouble : kFloat);
  auto opt = make_case_optimizer(c, problem.params);
  for (size_t step = 0; step < c["trajectory"].size(); ++step) {
    opt->zero_grad();
    Tensor loss = problem.loss();
    loss.backward();
    EXPECT_NEAR(loss.item<double>(), c["losses"][step].get<double>(),
                atol + rtol * std::abs(c["losses"][step].get<double>()))
        << "loss before step " << step + 1;
    opt->step();
    expect_close(flat(problem.params), c["trajectory"][step], rtol, atol,
                 "after step " + std::to_string(step + 1));
    if (HasFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(PyTorch, Trajectory,
                         ::testing::Range(0, static_cast<int>(golden()["optimizers"].size())),
                         case_name);

TEST(Optimizer, StepWithClosureReturnsTheLossAndMatchesPlainSteps) {
  // The closure form (closure zeroes, computes and backpropagates) gives the same trajectory.
  const nlohmann::json& c = golden()["optimizers"][0];
  Problem problem = make_problem(c["problem"], kDouble);
  auto opt = make_case_optimizer(c, problem.params);
  for (size_t step = 0; step < c["trajectory"].size(); ++step) {
    Tensor loss = opt->step([&] {
      opt->zero_grad();
      Tensor l = problem.loss();
      l.backward();
      return l;
    });
    EXPECT_NEAR(loss.item<double>(), c["losses"][step].get<double>(), 1e-12);
    expect_close(flat(problem.params), c["trajectory"][step], 1e-10, 1e-12, "closure step");
  }
}

TEST(Optimizer, ClosureRunsWithGradModeOnEvenUnderNoGrad) {
  Tensor w = ones({2}, kDouble).requires_grad_();
  optim::SGD sgd({w}, optim::SGDOptions(0.5));
  NoGradGuard no_grad;
  Tensor loss = sgd.step([&] {
    EXPECT_TRUE(GradMode::is_enabled());
    Tensor l = (w * w).sum();
    l.backward();
    return l;
  });
  EXPECT_FALSE(GradMode::is_enabled());
  EXPECT_DOUBLE_EQ(loss.item<double>(), 2.0);
  EXPECT_TRUE(w.allclose(zeros({2}, kDouble)));  // w - 0.5 * 2w
}

TEST(Optimizer, StepWithoutClosureReturnsUndefined) {
  Tensor w = ones({2}).requires_grad_();
  optim::Adam adam({w});
  EXPECT_FALSE(adam.step().defined());
}

// ---- exact small cases --------------------------------------------------------------------------

TEST(Adam, OneStepFromZeroMovesByLr) {
  // m̂ = g, v̂ = g², so the first step is −lr·g/(|g| + eps): −1e-3·5/(5 + 1e-8).
  Tensor w = zeros({1}, kDouble).requires_grad_();
  optim::Adam adam({w}, optim::AdamOptions(1e-3));
  w.mutable_grad() = full({1}, 5.0, kDouble);
  adam.step();
  EXPECT_NEAR(w.item<double>(), -1e-3 * 5 / (5 + 1e-8), 1e-18);
}

TEST(SGD, PlainStepIsPMinusLrG) {
  Tensor w = tensor({1.0, -2.0, 3.0}, kFloat).requires_grad_();
  optim::SGD sgd({w}, 0.1);
  w.mutable_grad() = tensor({10.0, 20.0, -30.0}, kFloat);
  sgd.step();
  EXPECT_TRUE(w.allclose(tensor({0.0, -4.0, 6.0}, kFloat)));
}

// Parameters of >= 64k elements are updated by all threads (optim/update.h): the result is
// still each element's own formula. Momentum 0.9, two steps: buf = g1, p1 = p0 - lr g1;
// buf = 0.9 g1 + g2, p2 = p1 - lr buf.
TEST(SGD, LargeParameterMomentumStepsFollowTheFormula) {
  const int64_t n = 300 * 301;  // above kParallelElements, not a multiple of the chunk
  Tensor p0 = arange(n, kDouble) / n, g1 = (arange(n, kDouble) * 7).remainder(11) - 5,
         g2 = (arange(n, kDouble) * 3).remainder(5) - 2;
  Tensor w = p0.clone().requires_grad_();
  optim::SGD sgd({w}, optim::SGDOptions(0.1).momentum(0.9));
  w.mutable_grad() = g1.clone();
  sgd.step();
  EXPECT_TRUE(w.detach().allclose(p0 - 0.1 * g1, 0, 1e-15));
  w.mutable_grad() = g2.clone();
  sgd.step();
  EXPECT_TRUE(w.detach().allclose(p0 - 0.1 * g1 - 0.1 * (0.9 * g1 + g2), 0, 1e-14));
}

// The chunked update rules (Adam here) on a large parameter: Adam's first step from any start is
// -lr * g / (|g| + eps) element by element (m-hat = g, v-hat = g^2).
TEST(Adam, LargeParameterFirstStepIsMinusLrTimesSignOfG) {
  const int64_t n = 70001;
  Tensor g = (arange(n, kDouble) * 7).remainder(11) - 5.5;  // never zero
  Tensor w = zeros({n}, kDouble).requires_grad_();
  optim::Adam adam({w}, optim::AdamOptions(1e-3));
  w.mutable_grad() = g.clone();
  adam.step();
  EXPECT_TRUE(w.detach().allclose(-1e-3 * g / (g.abs() + 1e-8), 0, 1e-15));
}

TEST(SGD, BuilderSpellingAndDefaults) {
  optim::SGDOptions o = optim::SGDOptions(0.01).momentum(0.9).nesterov(true).weight_decay(1e-4);
  EXPECT_EQ(o.lr(), 0.01);
  EXPECT_EQ(o.momentum(), 0.9);
  EXPECT_EQ(o.dampening(), 0.0);
  EXPECT_TRUE(o.nesterov());
  optim::AdamOptions a;
  EXPECT_EQ(a.lr(), 1e-3);
  EXPECT_EQ(std::get<0>(a.betas()), 0.9);
  EXPECT_EQ(std::get<1>(a.betas()), 0.999);
  EXPECT_EQ(a.eps(), 1e-8);
  EXPECT_EQ(optim::AdamWOptions().weight_decay(), 1e-2);
  EXPECT_EQ(optim::RMSpropOptions().lr(), 1e-2);
  EXPECT_EQ(optim::RMSpropOptions().alpha(), 0.99);
  EXPECT_EQ(optim::AdagradOptions().eps(), 1e-10);
  a.betas(std::make_tuple(0.5, 0.6));
  EXPECT_EQ(std::get<1>(a.betas()), 0.6);
}

TEST(Optimizer, ParametersWithoutGradientAreSkipped) {
  Tensor a = ones({2}).requires_grad_(), b = ones({2}).requires_grad_();
  optim::Adam adam({a, b}, optim::AdamOptions(0.1));
  a.mutable_grad() = ones({2});
  adam.step();
  EXPECT_TRUE(b.equal(ones({2})));
  EXPECT_FALSE(a.equal(ones({2})));
  EXPECT_EQ(adam.state().size(), 1u);
  EXPECT_TRUE(adam.state().count(optim::Optimizer::state_key(a)));
}

TEST(Optimizer, StateKeyIsTheImplAddressAsLibtorchPrintsIt) {
  Tensor w = ones({1}).requires_grad_();
  std::ostringstream os;
  os << static_cast<const void*>(w.unsafeGetTensorImpl());
  EXPECT_EQ(optim::Optimizer::state_key(w), os.str());
}

TEST(Optimizer, StateHoldsLibtorchsFields) {
  Tensor w = ones({3}, kDouble).requires_grad_();
  optim::Adam adam({w}, optim::AdamOptions(0.1).amsgrad(true));
  for (int i = 0; i < 3; ++i) {
    w.mutable_grad() = full({3}, 1.0 + i, kDouble);
    adam.step();
  }
  auto& s = static_cast<optim::AdamParamState&>(*adam.state().at(optim::Optimizer::state_key(w)));
  EXPECT_EQ(s.step(), 3);
  // m = 0.1·(0.9²·1 + 0.9·2 + 3) = 0.561, v = 0.001·(0.999²·1 + 0.999·4 + 9)
  EXPECT_NEAR(s.exp_avg()[0].item<double>(), 0.561, 1e-15);
  EXPECT_NEAR(s.exp_avg_sq()[0].item<double>(), 0.001 * (0.998001 + 3.996 + 9), 1e-15);
  EXPECT_TRUE(s.max_exp_avg_sq().equal(s.exp_avg_sq()));
  auto copy = s.clone();
  EXPECT_EQ(static_cast<optim::AdamParamState&>(*copy).step(), 3);
}

TEST(Optimizer, StepBumpsTheVersionSoStaleSavedTensorsAreCaught) {
  Tensor w = ones({2}).requires_grad_();
  optim::SGD sgd({w}, 0.1);
  Tensor y = (w * w).sum();  // saves w
  w.mutable_grad() = ones({2});
  const auto v = w._version();
  sgd.step();
  EXPECT_EQ(w._version(), v + 1);
  EXPECT_THROW(y.backward(), Error);
}

TEST(Optimizer, StepDoesNotRecordAGraph) {
  Tensor w = ones({2}).requires_grad_();
  optim::RMSprop rms({w}, optim::RMSpropOptions(0.1).momentum(0.5).centered(true));
  w.mutable_grad() = ones({2});
  rms.step();
  EXPECT_TRUE(w.is_leaf());
  EXPECT_EQ(w.grad_fn(), nullptr);
}

TEST(Optimizer, NonContiguousParameterIsUpdatedInPlace) {
  Tensor base = zeros({3, 2}, kDouble);
  Tensor w = base.t().requires_grad_();  // (2, 3) view, not contiguous; a leaf
  ASSERT_FALSE(w.is_contiguous());
  optim::SGD sgd({w}, optim::SGDOptions(1.0).momentum(0.5));
  for (int i = 0; i < 2; ++i) {
    w.mutable_grad() = ones({2, 3}, kDouble);
    sgd.step();
  }
  // buf: 1, then 1.5; w = −1 − 1.5
  EXPECT_TRUE(base.allclose(full({3, 2}, -2.5, kDouble)));
}

TEST(Optimizer, ZeroGradSetsToNoneOrZeroes) {
  Tensor w = ones({2}).requires_grad_();
  optim::SGD sgd({w}, 0.1);
  w.mutable_grad() = ones({2});
  sgd.zero_grad(false);
  ASSERT_TRUE(w.grad().defined());
  EXPECT_TRUE(w.grad().equal(zeros({2})));
  sgd.zero_grad();
  EXPECT_FALSE(w.grad().defined());
}

TEST(Optimizer, ParamGroupsKeepTheirOwnOptions) {
  Tensor a = ones({1}, kDouble).requires_grad_(), b = ones({1}, kDouble).requires_grad_();
  std::vector<optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<Tensor>{a});
  groups.emplace_back(std::vector<Tensor>{b}, std::make_unique<optim::SGDOptions>(0.5));
  optim::SGD sgd(groups, optim::SGDOptions(0.1));
  ASSERT_EQ(sgd.param_groups().size(), 2u);
  EXPECT_EQ(sgd.param_groups()[0].options().lr(), 0.1);
  EXPECT_EQ(sgd.param_groups()[1].options().lr(), 0.5);
  a.mutable_grad() = ones({1}, kDouble);
  b.mutable_grad() = ones({1}, kDouble);
  sgd.step();
  EXPECT_DOUBLE_EQ(a.item<double>(), 0.9);
  EXPECT_DOUBLE_EQ(b.item<double>(), 0.5);
  // Changing a group's lr through the base class (what schedulers do).
  sgd.param_groups()[0].options().lr(0.2);
  EXPECT_EQ(static_cast<optim::SGDOptions&>(sgd.param_groups()[0].options()).lr(), 0.2);
  EXPECT_EQ(sgd.size(), 2u);
}

TEST(Optimizer, AddParamGroupAndAddParameters) {
  Tensor a = ones({1}).requires_grad_(), b = ones({1}).requires_grad_(),
         c = ones({1}).requires_grad_();
  optim::Adam adam({a}, optim::AdamOptions(0.1));
  adam.add_param_group(optim::OptimizerParamGroup({b}));
  EXPECT_EQ(adam.param_groups().size(), 2u);
  EXPECT_EQ(adam.param_groups()[1].options().lr(), 0.1);  // the defaults
  adam.add_parameters({c});
  EXPECT_EQ(adam.parameters().size(), 2u);
  EXPECT_EQ(adam.size(), 3u);
  EXPECT_THAT([&] { adam.add_param_group(optim::OptimizerParamGroup({a})); },
              ::testing::ThrowsMessage<Error>(HasSubstr("more than one parameter group")));
}

TEST(Optimizer, WorksWithModuleParameters) {
  manual_seed(0);
  nn::Linear fc(3, 1);
  optim::SGD sgd(fc->parameters(), optim::SGDOptions(0.1));
  Tensor x = ones({4, 3}), y = zeros({4, 1});
  double first = 0, last = 0;
  for (int i = 0; i < 30; ++i) {
    sgd.zero_grad();
    Tensor loss = (fc(x) - y).pow(2).mean();
    loss.backward();
    sgd.step();
    (i == 0 ? first : last) = loss.item<double>();
  }
  EXPECT_LT(last, first * 1e-3);
}

// ---- errors -------------------------------------------------------------------------------------

TEST(OptimizerErrors, NegativeLearningRateNamesTheOptimizer) {
  Tensor w = ones({1}).requires_grad_();
  EXPECT_THAT([&] { optim::SGD(std::vector<Tensor>{w}, optim::SGDOptions(-0.1)); },
              ::testing::ThrowsMessage<Error>(HasSubstr("SGD: Invalid learning rate: -0.1")));
  EXPECT_THAT([&] { optim::Adam({w}, optim::AdamOptions(-1)); },
              ::testing::ThrowsMessage<Error>(HasSubstr("Adam: Invalid learning rate: -1")));
  EXPECT_THAT([&] { optim::AdamW({w}, optim::AdamWOptions(-1)); },
              ::testing::ThrowsMessage<Error>(HasSubstr("AdamW: Invalid learning rate")));
  EXPECT_THAT([&] { optim::RMSprop({w}, optim::RMSpropOptions(-1)); },
              ::testing::ThrowsMessage<Error>(HasSubstr("RMSprop: Invalid learning rate")));
  EXPECT_THAT([&] { optim::Adagrad({w}, optim::AdagradOptions(-1)); },
              ::testing::ThrowsMessage<Error>(HasSubstr("Adagrad: Invalid learning rate")));
}

TEST(OptimizerErrors, EmptyParameterList) {
  EXPECT_THAT([] { optim::Adam(std::vector<Tensor>{}); },
              ::testing::ThrowsMessage<Error>(
                  ::testing::StrEq("Adam: optimizer got an empty parameter list")));
}

TEST(OptimizerErrors, BadHyperParameters) {
  Tensor w = ones({1}).requires_grad_();
  EXPECT_THAT(
      [&] { optim::Adam({w}, optim::AdamOptions().betas(std::make_tuple(1.0, 0.9))); },
      ::testing::ThrowsMessage<Error>(HasSubstr("Adam: Invalid beta parameter at index 0")));
  EXPECT_THAT([&] { optim::SGD({w}, optim::SGDOptions(0.1).nesterov(true)); },
              ::testing::ThrowsMessage<Error>(HasSubstr("SGD: Nesterov momentum requires")));
  EXPECT_THAT([&] { optim::RMSprop({w}, optim::RMSpropOptions().eps(-1)); },
              ::testing::ThrowsMessage<Error>(HasSubstr("RMSprop: Invalid epsilon value")));
}

TEST(OptimizerErrors, BadParameters) {
  Tensor leaf = ones({2}).requires_grad_();
  Tensor nonleaf = leaf * 2;
  EXPECT_THAT([&] { optim::SGD({nonleaf}, 0.1); },
              ::testing::ThrowsMessage<Error>(HasSubstr("SGD: can't optimize a non-leaf Tensor")));
  EXPECT_THAT([&] { optim::SGD({Tensor()}, 0.1); },
              ::testing::ThrowsMessage<Error>(HasSubstr("undefined tensor")));
  EXPECT_THAT([&] { optim::SGD({ones({2}, kLong)}, 0.1); },
              ::testing::ThrowsMessage<Error>(HasSubstr("has dtype")));
  EXPECT_THAT(
      [&] {
        optim::SGD({leaf, leaf}, 0.1);
      },
      ::testing::ThrowsMessage<Error>(HasSubstr("more than one parameter group")));
  std::vector<optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<Tensor>{leaf}, std::make_unique<optim::AdamOptions>());
  EXPECT_THAT([&] { optim::SGD(groups, optim::SGDOptions(0.1)); },
              ::testing::ThrowsMessage<Error>(HasSubstr("wrong type")));
}

TEST(OptimizerErrors, GradientOfTheWrongShape) {
  Tensor w = ones({2}).requires_grad_();
  optim::Adam adam({w});
  w.mutable_grad() = ones({3});
  EXPECT_THAT([&] { adam.step(); },
              ::testing::ThrowsMessage<Error>(HasSubstr("Adam: gradient of shape")));
}

}  // namespace
}  // namespace ember
