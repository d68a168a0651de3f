// Tests for Neuron, Layer and MLP: shapes, seeding, parameter handles, and training on the toy
// set from micrograd's demo to 100% sign accuracy.
#include <ember/core/error.h>
#include <ember/scalar/nn.h>
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace ember::scalar {
namespace {

TEST(Neuron, ComputesReluOfAffine) {
  Neuron n(2, /*nonlin=*/true, /*seed=*/7);
  std::vector<Value> w = n.weights();
  const std::vector<Value> x = {0.5, -1.5};
  const double affine = w[0].data() * 0.5 + w[1].data() * -1.5 + n.bias().data();
  EXPECT_DOUBLE_EQ(n(x).data(), affine > 0 ? affine : 0.0);
  Neuron linear(2, /*nonlin=*/false, /*seed=*/7);
  EXPECT_DOUBLE_EQ(linear(x).data(), affine);
}

TEST(Neuron, WeightsAreUniformInMinusOneOneAndBiasZero) {
  Neuron n(1000, true, 3);
  double lo = 1, hi = -1;
  for (const Value& w : n.weights()) {
    lo = std::min(lo, w.data());
    hi = std::max(hi, w.data());
  }
  EXPECT_GE(lo, -1.0);
  EXPECT_LT(hi, 1.0);
  EXPECT_LT(lo, -0.9);  // 1000 draws cover the interval
  EXPECT_GT(hi, 0.9);
  EXPECT_EQ(n.bias().data(), 0.0);
}

TEST(Neuron, RejectsWrongInputSize) {
  Neuron n(3);
  try {
    n({1.0, 2.0});
    FAIL() << "expected ember::Error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "Neuron: expected 3 inputs, got 2");
  }
}

TEST(MLP, ParameterCountAndOutputSize) {
  MLP model(3, {4, 4, 1});
  EXPECT_EQ(model.parameters().size(), 4u * 4 + 4 * 5 + 1 * 5);  // (nin + 1) per neuron
  EXPECT_EQ(model({1.0, 2.0, 3.0}).size(), 1u);
  EXPECT_EQ(Layer(3, 5)({1.0, 2.0, 3.0}).size(), 5u);
}

TEST(MLP, HiddenLayersAreReluAndTheLastIsLinear) {
  std::ostringstream os;
  os << MLP(2, {3, 1});
  EXPECT_EQ(os.str(),
            "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], "
            "Layer of [LinearNeuron(3)]]");
}

TEST(MLP, SameSeedSameWeightsAndGeneratorAdvances) {
  auto data = [](const MLP& m) {
    std::vector<double> d;
    for (const Value& p : m.parameters()) d.push_back(p.data());
    return d;
  };
  EXPECT_EQ(data(MLP(3, {4, 1}, 42)), data(MLP(3, {4, 1}, 42)));
  EXPECT_NE(data(MLP(3, {4, 1}, 42)), data(MLP(3, {4, 1}, 43)));
  std::mt19937 gen(42);
  MLP first(3, {4, 1}, gen);
  MLP second(3, {4, 1}, gen);
  EXPECT_EQ(data(first), data(MLP(3, {4, 1}, 42)));
  EXPECT_NE(data(first), data(second));
}

TEST(MLP, ParametersAreHandlesAndZeroGradClearsThem) {
  MLP model(2, {2, 1}, 1);
  Value out = model({1.0, -1.0})[0];
  out.backward();
  std::vector<Value> params = model.parameters();
  params.back().set_data(10.0);  // the output bias
  EXPECT_EQ(model.layers().back().neurons()[0].bias().data(), 10.0);
  EXPECT_EQ(params.back().grad(), 1.0);  // d out / d bias
  model.zero_grad();
  for (const Value& p : model.parameters()) EXPECT_EQ(p.grad(), 0.0);
}

TEST(MLP, RejectsEmptyLayerList) { EXPECT_THROW(MLP(3, {}), Error); }

// The training loop from micrograd's demo: MSE loss, plain SGD.
TEST(MLP, LearnsTheToySetToFullAccuracy) {
  const std::vector<std::vector<double>> xs = {{2, 3, -1}, {3, -1, 0.5}, {0.5, 1, 1}, {1, 1, -1}};
  const std::vector<double> ys = {1, -1, -1, 1};
  MLP model(3, {4, 4, 1}, 1);
  auto forward = [&](std::vector<double>& preds) {
    Value loss = 0.0;
    preds.clear();
    for (std::size_t i = 0; i < xs.size(); ++i) {
      Value pred = model({xs[i].begin(), xs[i].end()})[0];
      preds.push_back(pred.data());
      loss += (pred - ys[i]).pow(2);
    }
    return loss / static_cast<double>(xs.size());
  };
  std::vector<double> preds;
  const double initial_loss = forward(preds).data();
  double loss = initial_loss;
  for (int step = 0; step < 300; ++step) {
    Value l = forward(preds);
    loss = l.data();
    model.zero_grad();
    l.backward();
    for (Value& p : model.parameters()) p.set_data(p.data() - 0.05 * p.grad());
  }
  forward(preds);
  EXPECT_LT(loss, 0.1 * initial_loss);
  for (std::size_t i = 0; i < ys.size(); ++i) {
    EXPECT_EQ(preds[i] > 0, ys[i] > 0) << "sample " << i << " predicted " << preds[i];
  }
}

}  // namespace
}  // namespace ember::scalar
