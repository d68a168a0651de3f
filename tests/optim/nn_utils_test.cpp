// nn::utils: clip_grad_norm_ / clip_grad_value_ against PyTorch 1.13 (golden/optim.json
// "clip_grad"), parameters_to_vector and vector_to_parameters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "ember/nn/utils/clip_grad.h"
#include "ember/nn/utils/convert_parameters.h"
#include "optim/optim_test_util.h"

namespace ember {
namespace {

using namespace optim_test;
using ::testing::HasSubstr;

// The two parameters of gen_optim.py's grads_case, with their gradients set.
std::vector<Tensor> clip_params() {
  Tensor a = tensor({{0.5, -1.5, 2.0}, {3.0, -0.25, 1.0}}, kDouble).requires_grad_();
  Tensor b = tensor({-4.0, 0.75}, kDouble).requires_grad_();
  a.mutable_grad() = tensor({{1.0, -2.0, 0.5}, {0.0, 3.0, -1.5}}, kDouble);
  b.mutable_grad() = tensor({2.5, -0.5}, kDouble);
  return {a, b};
}

std::vector<double> grads(const std::vector<Tensor>& params) {
  return flat({params[0].grad(), params[1].grad()});
}

TEST(ClipGradNorm, MatchesPyTorchForEveryNormType) {
  int cases = 0;
  for (const auto& [key, c] : golden()["clip_grad"].items()) {
    if (!c.contains("max_norm")) continue;
    const double norm_type = c["norm_type"].is_string() ? INFINITY : c["norm_type"].get<double>();
    auto params = clip_params();
    const double total = nn::utils::clip_grad_norm_(params, c["max_norm"].get<double>(), norm_type);
    EXPECT_NEAR(total, c["total_norm"].get<double>(), 1e-12) << key;
    expect_close(grads(params), c["grads"], 1e-12, 1e-14, key);
    ++cases;
  }
  EXPECT_EQ(cases, 6);
}

TEST(ClipGradValue, MatchesPyTorch) {
  auto params = clip_params();
  nn::utils::clip_grad_value_(params, 1.0);
  expect_close(grads(params), golden()["clip_grad"]["value_1"]["grads"], 0, 0, "value_1");
}

TEST(ClipGradNorm, SingleTensorAndInitializerListForms) {
  Tensor w = zeros({2}, kDouble).requires_grad_();
  w.mutable_grad() = tensor({3.0, 4.0}, kDouble);
  EXPECT_DOUBLE_EQ(nn::utils::clip_grad_norm_(w, 1.0), 5.0);
  EXPECT_NEAR(w.grad()[0].item<double>(), 3.0 / (5 + 1e-6), 1e-15);
  Tensor v = zeros({2}, kDouble).requires_grad_();
  v.mutable_grad() = tensor({3.0, 4.0}, kDouble);
  EXPECT_DOUBLE_EQ(nn::utils::clip_grad_norm_({v}, 10.0), 5.0);
  EXPECT_TRUE(v.grad().equal(tensor({3.0, 4.0}, kDouble)));  // under max_norm: unchanged
  nn::utils::clip_grad_value_({v}, 3.5);
  EXPECT_TRUE(v.grad().equal(tensor({3.0, 3.5}, kDouble)));
}

TEST(ClipGradNorm, NoGradientsGiveZeroAndFloatGradientsWork) {
  Tensor w = ones({3}).requires_grad_();
  EXPECT_EQ(nn::utils::clip_grad_norm_({w}, 1.0), 0.0);
  w.mutable_grad() = full({3}, 2.0f);
  EXPECT_NEAR(nn::utils::clip_grad_norm_({w}, 1.0), std::sqrt(12.0), 1e-6);
  EXPECT_NEAR(w.grad().norm().item<double>(), 1.0, 1e-5);
}

TEST(ClipGradNorm, NonFiniteTotal) {
  Tensor w = ones({2}, kDouble).requires_grad_();
  w.mutable_grad() = tensor({1.0, INFINITY}, kDouble);
  EXPECT_THAT(
      [&] { nn::utils::clip_grad_norm_({w}, 1.0, 2.0, true); },
      ::testing::ThrowsMessage<Error>(HasSubstr("The total norm of order 2 for gradients")));
  EXPECT_TRUE(std::isinf(nn::utils::clip_grad_norm_({w}, 1.0)));  // scales by 0 as PyTorch
  EXPECT_EQ(w.grad()[0].item<double>(), 0.0);
}

TEST(ConvertParameters, RoundTrip) {
  Tensor a = tensor({{1.0, 2.0}, {3.0, 4.0}}).requires_grad_(), b = tensor({5.0}).requires_grad_();
  Tensor v = nn::utils::parameters_to_vector({a, b});
  EXPECT_TRUE(v.equal(tensor({1.0, 2.0, 3.0, 4.0, 5.0})));
  EXPECT_TRUE(v.requires_grad());  // differentiable, as PyTorch's cat of views
  Tensor w = tensor({9.0, 8.0, 7.0, 6.0, 5.5});
  nn::utils::vector_to_parameters(w, {a, b});
  EXPECT_TRUE(a.equal(tensor({{9.0, 8.0}, {7.0, 6.0}})));
  EXPECT_TRUE(b.equal(tensor({5.5})));
  EXPECT_TRUE(a.requires_grad());
  EXPECT_TRUE(a.is_leaf());
  w.fill_(0);  // the parameters share the vector's memory
  EXPECT_EQ(b.item<double>(), 0.0);
}

TEST(ConvertParameters, Errors) {
  Tensor a = zeros({2, 2}).requires_grad_();
  EXPECT_THAT([&] { nn::utils::vector_to_parameters(zeros({3}), {a}); },
              ::testing::ThrowsMessage<Error>(
                  HasSubstr("the vector has 3 elements but the parameters hold 4")));
  EXPECT_THAT(
      [&] {
        nn::utils::vector_to_parameters(zeros({2, 2}), {a});
      },
      ::testing::ThrowsMessage<Error>(HasSubstr("expected a 1-D vector")));
  EXPECT_THAT([&] { nn::utils::parameters_to_vector({}); },
              ::testing::ThrowsMessage<Error>(HasSubstr("got no parameters")));
}

}  // namespace
}  // namespace ember
