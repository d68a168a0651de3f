// nn::Module, holders, containers, Linear/Bilinear/Flatten, init, saving.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ember/autograd.h"
#include "ember/nn.h"

namespace ember {
namespace {

const nlohmann::json& golden() {
  static const nlohmann::json j = [] {
    std::ifstream f(std::string(EMBER_SOURCE_DIR) + "/tests/nn/golden/init.json");
    return nlohmann::json::parse(f);
  }();
  return j;
}

void expect_values(const Tensor& t, const nlohmann::json& values, double tol = 1e-6) {
  Tensor c = t.detach().to(kDouble).contiguous().view({-1});
  ASSERT_EQ(c.numel(), static_cast<int64_t>(values.size()));
  for (int64_t i = 0; i < c.numel(); ++i)
    EXPECT_NEAR(c.data_ptr<double>()[i], values[i].get<double>(), tol) << "at " << i;
}

struct NetImpl : nn::Module {
  NetImpl()
      : nn::Module("Net"),
        fc1(register_module("fc1", nn::Linear(4, 8))),
        fc2(register_module("fc2", nn::Linear(nn::LinearOptions(8, 2).bias(false)))) {
    register_buffer("steps", zeros({1}));
  }
  Tensor forward(const Tensor& x) { return fc2(relu(fc1(x))); }
  nn::Linear fc1, fc2;
};
EMBER_MODULE(Net);

TEST(Module, NamedParametersAndBuffersUseDottedNames) {
  Net net;
  auto params = net->named_parameters();
  EXPECT_EQ(params.keys(), (std::vector<std::string>{"fc1.weight", "fc1.bias", "fc2.weight"}));
  EXPECT_TRUE(params.contains("fc1.bias"));
  EXPECT_FALSE(params.contains("fc2.bias"));  // bias(false) leaves it undefined and unlisted
  EXPECT_EQ(params["fc1.weight"].sizes().vec(), (std::vector<int64_t>{8, 4}));
  EXPECT_TRUE(params["fc1.weight"].is_same(net->fc1->weight));
  EXPECT_EQ(net->parameters().size(), 3u);
  EXPECT_EQ(net->parameters(/*recurse=*/false).size(), 0u);
  EXPECT_EQ(net->named_buffers().keys(), std::vector<std::string>{"steps"});
  EXPECT_EQ(net->children().size(), 2u);
  auto mods = net->named_modules();
  EXPECT_EQ(mods.keys(), (std::vector<std::string>{"", "fc1", "fc2"}));
  for (auto& [name, p] : net->named_parameters()) EXPECT_TRUE(p.requires_grad()) << name;
}

TEST(Module, TrainEvalRecurses) {
  Net net;
  EXPECT_TRUE(net->is_training());
  net->eval();
  EXPECT_FALSE(net->is_training());
  EXPECT_FALSE(net->fc1->is_training());
  net->train();
  EXPECT_TRUE(net->fc2->is_training());
}

TEST(Module, ZeroGradSetsToNoneOrZeroes) {
  Net net;
  net->forward(ones({3, 4})).sum().backward();
  ASSERT_TRUE(net->fc1->weight.grad().defined());
  net->zero_grad(/*set_to_none=*/false);
  EXPECT_EQ(net->fc1->weight.grad().abs().sum().item<float>(), 0.0f);
  net->zero_grad();
  EXPECT_FALSE(net->fc1->weight.grad().defined());
}

TEST(Module, ToDoubleKeepsParameterIdentity) {
  Net net;
  Tensor w = net->fc1->weight;
  net->to(kDouble);
  EXPECT_EQ(w.scalar_type(), kDouble);
  EXPECT_TRUE(w.is_same(net->named_parameters()["fc1.weight"]));
  EXPECT_TRUE(w.requires_grad());
  EXPECT_EQ(net->named_buffers()["steps"].scalar_type(), kDouble);
  Tensor y = net->forward(ones({2, 4}, kDouble));
  EXPECT_EQ(y.scalar_type(), kDouble);
}

TEST(Module, PrettyPrintMatchesLibtorch) {
  nn::Sequential seq(nn::Linear(3, 4), nn::Functional(relu), nn::Linear(4, 1));
  std::ostringstream os;
  os << *seq;
  EXPECT_EQ(os.str(),
            "torch::nn::Sequential(\n"
            "  (0): torch::nn::Linear(in_features=3, out_features=4, bias=true)\n"
            "  (1): torch::nn::Functional()\n"
            "  (2): torch::nn::Linear(in_features=4, out_features=1, bias=true)\n"
            ")");
  std::ostringstream user;
  user << Net();
  EXPECT_EQ(user.str(),
            "Net(\n"
            "  (fc1): torch::nn::Linear(in_features=4, out_features=8, bias=true)\n"
            "  (fc2): torch::nn::Linear(in_features=8, out_features=2, bias=false)\n"
            ")");
}

TEST(Module, DefaultNameIsTheTypeName) {
  struct Plain : nn::Module {};
  Plain p;
  EXPECT_NE(p.name().find("Plain"), std::string::npos);
}

TEST(Module, RegistrationErrors) {
  nn::Module m("M");
  EXPECT_THROW(m.register_parameter("a.b", ones({1})), Error);
  EXPECT_THROW(m.register_parameter("", ones({1})), Error);
  nn::Linear empty{nullptr};
  EXPECT_TRUE(empty.is_empty());
  EXPECT_THROW(empty->forward(ones({1, 1})), Error);
}

TEST(Linear, DefaultInitMatchesPyTorch) {
  manual_seed(0);
  nn::Linear a(3, 4);
  expect_values(a->weight, golden()["linear_3_4_seed0"]["weight"]);
  expect_values(a->bias, golden()["linear_3_4_seed0"]["bias"]);
  manual_seed(7);
  nn::Linear b(20, 30);
  expect_values(b->weight, golden()["linear_20_30_seed7"]["weight"]);
  expect_values(b->bias, golden()["linear_20_30_seed7"]["bias"]);
}

TEST(Linear, ForwardIsXWtPlusBAndGradFnIsAddmm) {
  nn::Linear fc(3, 2);
  Tensor x = randn({5, 3});
  Tensor y = fc(x);
  EXPECT_TRUE(allclose(y, matmul(x, fc->weight.t()) + fc->bias, 1e-5, 1e-6));
  EXPECT_EQ(y.grad_fn()->name(), "AddmmBackward0");
  Tensor x3 = randn({2, 5, 3});
  EXPECT_EQ(fc(x3).sizes().vec(), (std::vector<int64_t>{2, 5, 2}));
  EXPECT_THROW(fc(randn({5, 4})), Error);
}

TEST(Linear, GradcheckFunctional) {
  auto w = randn({2, 3}, dtype(kDouble).requires_grad(true));
  auto b = randn({2}, dtype(kDouble).requires_grad(true));
  auto x = randn({4, 3}, dtype(kDouble).requires_grad(true));
  auto f = [](const std::vector<Tensor>& in) { return linear(in[0], in[1], in[2]); };
  EXPECT_TRUE(autograd::gradcheck(f, {x, w, b}));
  EXPECT_TRUE(autograd::gradgradcheck(f, {x, w, b}));
  auto x3 = randn({2, 2, 3}, dtype(kDouble).requires_grad(true));
  EXPECT_TRUE(autograd::gradcheck(f, {x3, w, b}));
  auto addmm_f = [](const std::vector<Tensor>& in) { return addmm(in[0], in[1], in[2], 0.5, 2); };
  auto m2 = randn({3, 2}, dtype(kDouble).requires_grad(true));
  EXPECT_TRUE(autograd::gradcheck(addmm_f, {b, x, m2}));
}

TEST(Bilinear, MatchesPyTorch) {
  manual_seed(1);
  nn::Bilinear bil(2, 3, 2);
  const auto& g = golden()["bilinear_2_3_2_seed1"];
  expect_values(bil->weight, g["weight"]);
  expect_values(bil->bias, g["bias"]);
  Tensor x1 = tensor(g["x1"].get<std::vector<double>>(), kFloat).view({2, 2});
  Tensor x2 = tensor(g["x2"].get<std::vector<double>>(), kFloat).view({2, 3});
  expect_values(bil(x1, x2), g["y"], 1e-5);
  auto f = [](const std::vector<Tensor>& in) { return bilinear(in[0], in[1], in[2], in[3]); };
  auto o = dtype(kDouble).requires_grad(true);
  EXPECT_TRUE(autograd::gradcheck(
      f, {randn({3, 2}, o), randn({3, 3}, o), randn({2, 2, 3}, o), randn({2}, o)}));
}

TEST(Init, MatchesPyTorch) {
  const auto& g = golden()["init"];
  auto run = [&](const char* name, const std::function<void(Tensor)>& fn) {
    std::vector<int64_t> shape = g[name]["shape"].get<std::vector<int64_t>>();
    manual_seed(3);
    Tensor t = ember::empty(shape);
    fn(t);
    SCOPED_TRACE(name);
    expect_values(t, g[name]["values"], 1e-5);
  };
  run("xavier_uniform", [](Tensor t) { nn::init::xavier_uniform_(t, 2.0); });
  run("xavier_normal", [](Tensor t) { nn::init::xavier_normal_(t); });
  run("kaiming_uniform", [](Tensor t) { nn::init::kaiming_uniform_(t, 0.1, kFanOut, kLeakyReLU); });
  run("kaiming_normal", [](Tensor t) { nn::init::kaiming_normal_(t, 0, kFanIn, kReLU); });
  run("orthogonal_tall", [](Tensor t) { nn::init::orthogonal_(t); });
  run("orthogonal_wide", [](Tensor t) { nn::init::orthogonal_(t, 0.5); });
  run("trunc_normal", [](Tensor t) { nn::init::trunc_normal_(t, 0.5, 2.0, -1.0, 3.0); });
}

TEST(Init, GainsAndFans) {
  const auto& g = golden()["gain"];
  EXPECT_DOUBLE_EQ(nn::init::calculate_gain(kTanh), g["tanh"].get<double>());
  EXPECT_DOUBLE_EQ(nn::init::calculate_gain(kReLU), g["relu"].get<double>());
  EXPECT_DOUBLE_EQ(nn::init::calculate_gain(kLeakyReLU, 0.2), g["leaky_relu_0.2"].get<double>());
  EXPECT_DOUBLE_EQ(nn::init::calculate_gain(kLeakyReLU), g["leaky_relu_default"].get<double>());
  EXPECT_DOUBLE_EQ(nn::init::calculate_gain(kSELU), g["selu"].get<double>());
  auto [fi, fo] = nn::init::_calculate_fan_in_and_fan_out(empty({6, 4, 3, 3}));
  EXPECT_EQ(fi, 36);
  EXPECT_EQ(fo, 54);
  EXPECT_THROW(nn::init::_calculate_fan_in_and_fan_out(empty({5})), Error);
  Tensor e = empty({3, 4});
  nn::init::eye_(e);
  EXPECT_TRUE(equal(e, eye(3, 4)));
  Tensor w = empty({4, 2, 3, 3});
  nn::init::dirac_(w);
  // a dirac kernel has a single 1 at the centre of kernel (i, i)
  EXPECT_EQ(w.sum().item<float>(), 2.0f);
  EXPECT_EQ(w.index({0, 0, 1, 1}).item<float>(), 1.0f);
  EXPECT_EQ(w.index({1, 1, 1, 1}).item<float>(), 1.0f);
}

TEST(Containers, SequentialRunsInOrderAndIndexes) {
  nn::Sequential seq(nn::Linear(2, 3), nn::Functional(relu), nn::Linear(3, 1));
  EXPECT_EQ(seq->size(), 3u);
  Tensor x = randn({4, 2});
  Tensor expected = seq->at<nn::LinearImpl>(2).forward(relu(seq->at<nn::LinearImpl>(0).forward(x)));
  EXPECT_TRUE(allclose(seq(x), expected));
  EXPECT_EQ(seq->named_parameters().keys(),
            (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  EXPECT_THROW(seq->at<nn::LinearImpl>(1), Error);
  EXPECT_THROW((void)seq[7], Error);
  nn::Sequential named(
      {{"fc", nn::Linear(2, 2)}, {"act", nn::Functional([](Tensor x) { return x * 2; })}});
  EXPECT_TRUE(named->named_parameters().contains("fc.weight"));
}

TEST(Containers, ModuleListAndDict) {
  nn::ModuleList list(nn::Linear(2, 2), nn::Linear(2, 3));
  list->push_back(nn::Identity());
  EXPECT_EQ(list->size(), 3u);
  EXPECT_EQ(list->named_parameters().keys(),
            (std::vector<std::string>{"0.weight", "0.bias", "1.weight", "1.bias"}));
  Tensor x = randn({1, 2});
  for (const auto& m : *list)
    if (auto lin = std::dynamic_pointer_cast<nn::LinearImpl>(m);
        lin && lin->options.in_features() == x.size(1))
      x = lin->forward(x);
  EXPECT_EQ(x.size(1), 3);
  std::vector<std::pair<std::string, std::shared_ptr<nn::Module>>> mods = {
      {"enc", nn::Linear(4, 2).ptr()}, {"dec", nn::Linear(2, 4).ptr()}};
  nn::ModuleDict dict(mods);
  EXPECT_EQ(dict->keys(), (std::vector<std::string>{"enc", "dec"}));
  EXPECT_EQ(dict->at<nn::LinearImpl>("dec").options.out_features(), 4);
  EXPECT_THROW((void)(*dict)["missing"], Error);
}

TEST(Module, CloneCopiesValuesNotMemory) {
  nn::Sequential seq(nn::Linear(3, 2), nn::Functional(relu));
  auto copy = std::dynamic_pointer_cast<nn::SequentialImpl>(seq->clone());
  ASSERT_NE(copy, nullptr);
  Tensor x = randn({2, 3});
  EXPECT_TRUE(allclose(copy->forward(x), seq(x)));
  {
    NoGradGuard g;
    seq->at<nn::LinearImpl>(0).weight.add_(1);
  }
  EXPECT_FALSE(allclose(copy->forward(x), seq(x)));
  nn::Linear lin(2, 2);
  auto lc = std::dynamic_pointer_cast<nn::LinearImpl>(lin->clone());
  EXPECT_FALSE(lc->weight.is_same(lin->weight));
  EXPECT_TRUE(equal(lc->weight, lin->weight));
  EXPECT_TRUE(lc->named_parameters()["weight"].is_same(lc->weight));
}

TEST(Module, SaveAndLoadRoundTrip) {
  const auto dir = std::filesystem::temp_directory_path() / "ember_nn_module_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / "net.safetensors";
  Net a, b;
  save(a, path);
  EXPECT_FALSE(equal(a->fc1->weight, b->fc1->weight));
  Tensor w = b->fc1->weight;
  load(b, path);
  EXPECT_TRUE(equal(a->fc1->weight, b->fc1->weight));
  EXPECT_TRUE(w.is_same(b->fc1->weight));  // loaded in place
  nn::Linear wrong(4, 9);
  EXPECT_THROW(load(wrong, path), Error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ember
