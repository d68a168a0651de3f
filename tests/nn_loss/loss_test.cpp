// Activations and losses: values and gradients vs PyTorch 1.13 (golden/gen_loss.py), gradcheck,
// modules, errors.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ember/autograd.h"
#include "ember/nn.h"

namespace ember {
namespace {

namespace F = nn::functional;

const nlohmann::json& golden() {
  static const nlohmann::json j = [] {
    std::ifstream f(std::string(EMBER_SOURCE_DIR) + "/tests/nn_loss/golden/loss.json");
    return nlohmann::json::parse(f);
  }();
  return j;
}

Tensor from_json(const nlohmann::json& v, std::vector<int64_t> shape) {
  return tensor(v.get<std::vector<double>>(), kDouble).view(shape);
}

struct Inputs {
  Tensor y = from_json(golden()["y"], {4, 6});
  Tensor t01 = from_json(golden()["t01"], {4, 6});
  Tensor w6 = from_json(golden()["w6"], {6});
  Tensor probs = softmax(y, 1);
  Tensor cls = tensor({2, 0, 5, 1}, kLong);
  Tensor cls_ign = tensor({2, -100, 5, 1}, kLong);
  Tensor cls3 = tensor({0, 2, 1, 1, 2, 2, 0, 1}, kLong).view({2, 4});
};

std::map<std::string, std::function<Tensor(const Tensor&)>> cases(const Inputs& in) {
  return {
      {"leaky_relu", [](const Tensor& a) { return leaky_relu(a, 0.2); }},
      {"elu", [](const Tensor& a) { return F::elu(a, nn::ELUOptions().alpha(1.5)); }},
      {"gelu", [](const Tensor& a) { return gelu(a); }},
      {"gelu_tanh",
       [](const Tensor& a) { return F::gelu(a, nn::GELUOptions().approximate("tanh")); }},
      {"silu", [](const Tensor& a) { return silu(a); }},
      {"softplus", [](const Tensor& a) { return softplus(a, 2.0, 3.0); }},
      {"hardtanh", [](const Tensor& a) { return hardtanh(a, -1.5, 2.0); }},
      {"mish", [](const Tensor& a) { return mish(a); }},
      {"mse_mean", [&](const Tensor& a) { return F::mse_loss(a, in.y); }},
      {"mse_sum", [&](const Tensor& a) { return mse_loss(a, in.y, Reduction::Sum); }},
      {"l1_none", [&](const Tensor& a) { return F::l1_loss(a, in.y, nn::L1LossOptions(kNone)); }},
      {"smooth_l1",
       [&](const Tensor& a) {
         return F::smooth_l1_loss(a, in.y, nn::SmoothL1LossOptions().beta(0.5));
       }},
      {"huber",
       [&](const Tensor& a) { return F::huber_loss(a, in.y, nn::HuberLossOptions().delta(0.8)); }},
      {"bce", [&](const Tensor& a) { return F::binary_cross_entropy(a.sigmoid(), in.t01); }},
      {"bce_weight_sum",
       [&](const Tensor& a) {
         return F::binary_cross_entropy(a.sigmoid(), in.t01,
                                        nn::BCELossOptions().weight(in.w6).reduction(kSum));
       }},
      {"bce_logits",
       [&](const Tensor& a) { return F::binary_cross_entropy_with_logits(a, in.t01); }},
      {"bce_logits_pos",
       [&](const Tensor& a) {
         return F::binary_cross_entropy_with_logits(
             a, in.t01, nn::BCEWithLogitsLossOptions().weight(in.w6).pos_weight(in.w6 * 2));
       }},
      {"nll", [&](const Tensor& a) { return F::nll_loss(log_softmax(a, 1), in.cls); }},
      {"nll_weight_ignore",
       [&](const Tensor& a) {
         return F::nll_loss(log_softmax(a, 1), in.cls_ign, nn::NLLLossOptions().weight(in.w6));
       }},
      {"ce", [&](const Tensor& a) { return F::cross_entropy(a, in.cls); }},
      {"ce_none",
       [&](const Tensor& a) {
         return F::cross_entropy(a, in.cls, nn::CrossEntropyLossOptions().reduction(kNone));
       }},
      {"ce_smooth",
       [&](const Tensor& a) {
         return F::cross_entropy(a, in.cls_ign, nn::CrossEntropyLossOptions().label_smoothing(0.1));
       }},
      {"ce_smooth_weight",
       [&](const Tensor& a) {
         return F::cross_entropy(a, in.cls_ign,
                                 nn::CrossEntropyLossOptions().weight(in.w6).label_smoothing(0.2));
       }},
      {"ce_probs", [&](const Tensor& a) { return F::cross_entropy(a, in.probs); }},
      {"ce_probs_smooth",
       [&](const Tensor& a) {
         return F::cross_entropy(a, in.probs,
                                 nn::CrossEntropyLossOptions().label_smoothing(0.3).weight(in.w6));
       }},
      {"ce_3d",
       [&](const Tensor& a) {
         return F::cross_entropy(a.reshape({2, 3, 4}), in.cls3);
       }},
      {"kl_batchmean",
       [&](const Tensor& a) {
         return F::kl_div(log_softmax(a, 1), in.probs, nn::KLDivLossOptions(kBatchMean));
       }},
      {"kl_log_target",
       [&](const Tensor& a) {
         return F::kl_div(log_softmax(a, 1), in.probs.log(),
                          nn::KLDivLossOptions(kSum).log_target(true));
       }},
  };
}

void expect_close(const Tensor& t, const nlohmann::json& v, double tol, const std::string& what) {
  Tensor c = t.detach().to(kDouble).contiguous().view({-1});
  ASSERT_EQ(c.numel(), static_cast<int64_t>(v.size())) << what;
  for (int64_t i = 0; i < c.numel(); ++i) {
    const double e = v[i].get<double>();
    EXPECT_NEAR(c.data_ptr<double>()[i], e, tol * (1 + std::abs(e))) << what << " at " << i;
  }
}

TEST(Loss, ValuesAndGradientsMatchPyTorch) {
  Inputs in;
  const auto& g = golden()["cases"];
  auto all = cases(in);
  ASSERT_EQ(all.size(), g.size());
  for (auto& [name, fn] : all) {
    for (ScalarType dt : {kDouble, kFloat}) {
      Tensor x = from_json(golden()["x"], {4, 6}).to(dt).requires_grad_();
      Tensor r = fn(x);
      const double tol = dt == kDouble ? 1e-10 : 2e-5;
      expect_close(r, g[name]["value"], tol, name + " value");
      EXPECT_EQ(r.sizes().vec(), g[name]["shape"].get<std::vector<int64_t>>()) << name;
      r.sum().backward();
      expect_close(x.grad(), g[name]["grad"], tol, name + " grad");
    }
  }
}

TEST(Loss, GradcheckAndGradgradcheck) {
  Inputs in;
  for (auto& [name, fn] : cases(in)) {
    if (name == "hardtanh" || name == "l1_none") continue;  // kinks at the sample points
    Tensor x = from_json(golden()["x"], {4, 6}).mul(0.7).add(0.05).requires_grad_();
    auto f = [&](const std::vector<Tensor>& v) { return fn(v[0]); };
    EXPECT_TRUE(autograd::gradcheck(f, {x})) << name;
    if (name == "mse_mean" || name == "ce" || name == "gelu" || name == "softplus" ||
        name == "ce_smooth_weight" || name == "bce_logits_pos") {
      EXPECT_TRUE(autograd::gradgradcheck(f, {x})) << name;
    }
  }
}

TEST(Loss, ModulesAndPrinting) {
  nn::CrossEntropyLoss ce;
  Tensor x = randn({5, 3}), t = tensor({0, 1, 2, 1, 0}, kLong);
  EXPECT_TRUE(allclose(ce(x, t), F::cross_entropy(x, t)));
  nn::MSELoss mse{nn::MSELossOptions(kSum)};
  EXPECT_TRUE(allclose(mse(x, x * 2), (x * x).sum()));
  std::ostringstream os;
  os << *ce << " " << *mse << " " << *nn::LeakyReLU() << " " << *nn::Softmax(1) << " "
     << *nn::Softplus() << " " << *nn::ReLU();
  EXPECT_EQ(os.str(),
            "torch::nn::CrossEntropyLoss() torch::nn::MSELoss() "
            "torch::nn::LeakyReLU(negative_slope=0.01) torch::nn::Softmax(dim=1) "
            "torch::nn::Softplus(beta=1, threshold=20) torch::nn::ReLU()");
  nn::Sequential net(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2), nn::LogSoftmax(1));
  EXPECT_EQ(net(x).sizes().vec(), (std::vector<int64_t>{5, 2}));
  EXPECT_TRUE(allclose(nn::GELU()(x), gelu(x)));
  EXPECT_TRUE(allclose(nn::SiLU()(x), x * x.sigmoid()));
}

TEST(Loss, ExtremeInputsStayFinite) {
  Tensor x = tensor({-1000.0, -50.0, 0.0, 50.0, 1000.0}, kFloat).requires_grad_();
  Tensor t = tensor({1.0, 0.0, 1.0, 0.0, 1.0}, kFloat);
  Tensor l = binary_cross_entropy_with_logits(x, t);
  l.backward();
  EXPECT_TRUE(isfinite(l).all().item<bool>());
  EXPECT_TRUE(isfinite(x.grad()).all().item<bool>());
  Tensor y = tensor({-100.0, 100.0}, kFloat).requires_grad_();
  Tensor s = softplus(y) + elu(y) + mish(y);
  s.sum().backward();
  EXPECT_TRUE(isfinite(y.grad()).all().item<bool>());
  EXPECT_NEAR(softplus(y).index({1}).item<float>(), 100.0f, 1e-4);
}

TEST(Loss, ErrorsNameTheOpAndShapes) {
  auto msg = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  Tensor x = randn({4, 3});
  EXPECT_NE(msg([&] {
              F::mse_loss(x, randn({4, 2}));
            }).find("mse_loss: target of shape"),
            std::string::npos);
  EXPECT_NE(msg([&] {
              F::cross_entropy(x, tensor({0, 1, 3, 1}, kLong));
            }).find("target 3"),
            std::string::npos);
  EXPECT_NE(msg([&] {
              F::cross_entropy(x, tensor({0, 1}, kLong));
            }).find("expected target of shape"),
            std::string::npos);
  EXPECT_NE(msg([&] {
              F::nll_loss(x, tensor({0.0, 1.0, 1.0, 1.0}, kFloat));
            }).find("dtype Long"),
            std::string::npos);
  EXPECT_NE(msg([&] { F::binary_cross_entropy(x, x.sigmoid()); }).find("between 0 and 1"),
            std::string::npos);
  EXPECT_THROW(gelu(x, "fast"), Error);
}

}  // namespace
}  // namespace ember
