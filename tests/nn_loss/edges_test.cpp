// binary_cross_entropy and hardtanh at their edges: values and gradients vs PyTorch 1.13
// (golden/gen_edges.py) at probabilities of exactly 0 and 1, saturated sigmoids and inputs at
// hardtanh's bounds; gradcheck and gradgradcheck in float64; training through a saturated
// sigmoid keeps the weights finite.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "ember/autograd.h"
#include "ember/nn.h"
#include "ember/optim.h"

namespace ember {
namespace {

namespace F = nn::functional;
using Xs = const std::vector<Tensor>&;

const nlohmann::json& golden() {
  static const nlohmann::json j = [] {
    std::ifstream f(std::string(EMBER_SOURCE_DIR) + "/tests/nn_loss/golden/edges.json");
    return nlohmann::json::parse(f);
  }();
  return j;
}

double number(const nlohmann::json& v) {
  if (!v.is_string()) return v.get<double>();
  const std::string s = v.get<std::string>();
  if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
  return s == "inf" ? std::numeric_limits<double>::infinity()
                    : -std::numeric_limits<double>::infinity();
}

// The ember twin of each case of gen_edges.py.
const std::map<std::string, std::function<Tensor(Xs)>>& cases() {
  static const std::map<std::string, std::function<Tensor(Xs)>> c = {
      {"bce_probs_none",
       [](Xs x) { return binary_cross_entropy(x[0], x[1], Tensor(), Reduction::None); }},
      {"bce_probs_mean_weight",
       [](Xs x) { return F::binary_cross_entropy(x[0], x[1], nn::BCELossOptions().weight(x[2])); }},
      {"bce_probs_sum",
       [](Xs x) {
         return F::binary_cross_entropy(x[0], x[1], nn::BCELossOptions().reduction(kSum));
       }},
      {"bce_sigmoid_saturated", [](Xs x) { return F::binary_cross_entropy(x[0].sigmoid(), x[1]); }},
      {"bce_sigmoid_saturated_sum_weight",
       [](Xs x) {
         return F::binary_cross_entropy(x[0].sigmoid(), x[1],
                                        nn::BCELossOptions().weight(x[2]).reduction(kSum));
       }},
      {"hardtanh_at_bounds", [](Xs x) { return hardtanh(x[0], -1.5, 2.0); }},
      {"hardtanh_default_at_bounds", [](Xs x) { return F::hardtanh(x[0]); }},
      {"relu6_at_bounds", [](Xs x) { return nn::ReLU6()(x[0]); }},
  };
  return c;
}

void expect_values(const Tensor& t, const nlohmann::json& want, ScalarType dt,
                   const std::string& what) {
  Tensor c = t.detach().to(kDouble).contiguous().view({-1});
  ASSERT_EQ(c.numel(), static_cast<int64_t>(want.size())) << what;
  // float32: a few units in the last place (sums and means round in different orders)
  const double rtol = dt == kFloat ? 4e-6 : 1e-12, atol = dt == kFloat ? 1e-6 : 1e-12;
  for (int64_t i = 0; i < c.numel(); ++i) {
    const double e = number(want[i]), g = c.data_ptr<double>()[i];
    if (std::isnan(e))
      EXPECT_TRUE(std::isnan(g)) << what << " at " << i << ": expected nan, got " << g;
    else if (std::isinf(e))
      EXPECT_EQ(g, e) << what << " at " << i;
    else
      EXPECT_NEAR(g, e, atol + rtol * std::abs(e)) << what << " at " << i;
  }
}

TEST(LossEdges, ValuesAndGradientsMatchPyTorch) {
  const auto& g = golden()["cases"];
  ASSERT_EQ(cases().size(), g.size());
  for (const auto& [name, fn] : cases()) {
    ASSERT_TRUE(g.contains(name)) << name << " is not in edges.json: rerun gen_edges.py";
    const auto& c = g[name];
    for (ScalarType dt : {kFloat, kDouble}) {
      SCOPED_TRACE(name + (dt == kFloat ? " float32" : " float64"));
      const auto& want = c[dt == kFloat ? "float32" : "float64"];
      std::vector<Tensor> xs, with_grad;
      for (size_t i = 0; i < c["inputs"].size(); ++i) {
        Tensor x = tensor(c["inputs"][i].get<std::vector<double>>(), kDouble).to(dt);
        if (c["grad"][i].get<bool>()) with_grad.push_back(x.requires_grad_());
        xs.push_back(x);
      }
      Tensor r = fn(xs);
      EXPECT_EQ(r.sizes().vec(), want["shape"].get<std::vector<int64_t>>());
      expect_values(r, want["value"], dt, "value");
      auto grads = autograd::grad({r.sum()}, with_grad);
      ASSERT_EQ(grads.size(), want["grads"].size());
      for (size_t k = 0; k < grads.size(); ++k)
        expect_values(grads[k], want["grads"][k], dt, "gradient of input " + std::to_string(k));
    }
  }
}

TEST(LossEdges, GradientNamesArePyTorchs) {
  Tensor p = tensor({0.25, 0.5}, kFloat).requires_grad_();
  Tensor t = tensor({0.0, 1.0}, kFloat);
  EXPECT_EQ(binary_cross_entropy(p, t).grad_fn()->name(), "BinaryCrossEntropyBackward0");
  EXPECT_EQ(hardtanh(p).grad_fn()->name(), "HardtanhBackward0");
  EXPECT_EQ(relu6(p).grad_fn()->name(), "HardtanhBackward0");
}

// float64 points away from p = 0 and 1 and from hardtanh's bounds (where the gradients jump).
TEST(LossEdges, GradcheckAndGradgradcheck) {
  manual_seed(7);
  Tensor z = randn({3, 4}, dtype(kDouble)).requires_grad_();
  Tensor t = rand({3, 4}, dtype(kDouble)).requires_grad_();
  Tensor w = (rand({4}, dtype(kDouble)) + 0.5).requires_grad_();
  const std::vector<std::pair<std::string, std::function<Tensor(Xs)>>> fns = {
      {"bce_mean", [](Xs x) { return binary_cross_entropy(x[0].sigmoid(), x[1]); }},
      {"bce_none",
       [](Xs x) { return binary_cross_entropy(x[0].sigmoid(), x[1], Tensor(), Reduction::None); }},
      {"bce_sum_weight",
       [](Xs x) { return binary_cross_entropy(x[0].sigmoid(), x[1], x[2], Reduction::Sum); }},
      {"bce_mean_weight",
       [](Xs x) { return binary_cross_entropy(x[0].sigmoid(), x[1], x[2], Reduction::Mean); }},
      {"hardtanh", [](Xs x) { return hardtanh(x[0] * 1.3, -0.9, 1.1); }},
      {"relu6", [](Xs x) { return relu6(x[0] * 4 + 2.5); }},
  };
  for (const auto& [name, fn] : fns) {
    const bool bce = name.rfind("bce", 0) == 0;
    const std::vector<Tensor> in = bce ? std::vector<Tensor>{z, t, w} : std::vector<Tensor>{z};
    EXPECT_TRUE(autograd::gradcheck(fn, in)) << name;
    EXPECT_TRUE(autograd::gradgradcheck(fn, in)) << name;
  }
}

// A logistic regression whose logits saturate (z = 20 and -90 in float32): PyTorch's clamped
// gradient keeps the weights finite, step after step.
TEST(LossEdges, TrainingThroughSaturatedSigmoidKeepsWeightsFinite) {
  nn::Linear lin(2, 1);
  {
    NoGradGuard ng;
    lin->weight.copy_(tensor({{1.0f, 0.0f}}));
    lin->bias.zero_();
  }
  optim::SGD opt(lin->parameters(), optim::SGDOptions(0.5));
  Tensor x = tensor({{20.0f, 0.0f}, {-90.0f, 0.0f}, {20.0f, 1.0f}, {-90.0f, 1.0f}, {0.5f, -1.0f}});
  Tensor y = tensor({{0.0f}, {1.0f}, {1.0f}, {0.0f}, {1.0f}});
  for (int step = 0; step < 5; ++step) {
    opt.zero_grad();
    Tensor p = lin(x).sigmoid();
    Tensor loss = F::binary_cross_entropy(p, y);
    loss.backward();
    EXPECT_TRUE(std::isfinite(loss.item<float>())) << "step " << step;
    EXPECT_TRUE(isfinite(lin->weight.grad()).all().item<bool>()) << "step " << step;
    opt.step();
    EXPECT_TRUE(isfinite(lin->weight).all().item<bool>()) << "step " << step;
    EXPECT_TRUE(isfinite(lin->bias).all().item<bool>()) << "step " << step;
  }
}

}  // namespace
}  // namespace ember
