// Conv and pooling modules: default initialisation identical to PyTorch 1.13 after the same seed
// (golden/conv.json), libtorch's printing (strings printed by libtorch 1.13 itself), parameter
// shapes, forward = functional op, ConvTranspose output_size, constructor errors.
#include <sstream>

#include "support/nn_fixtures.h"

namespace ember::conv_test {
namespace {

template <class M>
std::string printed(const M& m) {
  std::ostringstream os;
  os << *m;
  return os.str();
}

TEST(ConvModules, DefaultInitMatchesPyTorch) {
  const auto& inits = golden()["init"];
  auto check = [&](size_t i, const Tensor& w, const Tensor& b) {
    const auto& r = inits[i];
    SCOPED_TRACE(r["name"].get<std::string>());
    EXPECT_EQ(w.sizes().vec(), ints(r["weight_shape"]));
    expect_close(w, r["weight"], 1e-7, "weight");
    expect_close(b, r["bias"], 1e-7, "bias");
  };
  manual_seed(7);
  nn::Conv2d a(3, 4, 3);
  check(0, a->weight, a->bias);
  manual_seed(8);
  nn::Conv2d b(nn::Conv2dOptions(4, 6, {3, 2}).groups(2));
  check(1, b->weight, b->bias);
  manual_seed(9);
  nn::Conv1d c(2, 3, 4);
  check(2, c->weight, c->bias);
  manual_seed(10);
  nn::ConvTranspose2d d(nn::ConvTranspose2dOptions(4, 6, 3).groups(2));
  check(3, d->weight, d->bias);
  manual_seed(11);
  nn::Conv2d e(1, 10, 5);
  check(4, e->weight, e->bias);
}

TEST(ConvModules, PrettyPrintLikeLibtorch) {
  EXPECT_EQ(printed(nn::Conv2d(nn::Conv2dOptions(1, 10, 5))),
            "torch::nn::Conv2d(1, 10, kernel_size=[5, 5], stride=[1, 1])");
  EXPECT_EQ(printed(nn::Conv2d(nn::Conv2dOptions(4, 6, {3, 2})
                                   .stride(2)
                                   .padding(1)
                                   .dilation({2, 1})
                                   .groups(2)
                                   .bias(false))),
            "torch::nn::Conv2d(4, 6, kernel_size=[3, 2], stride=[2, 2], padding=[1, 1], "
            "dilation=[2, 1], groups=2, bias=false)");
  EXPECT_EQ(printed(nn::Conv1d(nn::Conv1dOptions(2, 3, 4).padding(1))),
            "torch::nn::Conv1d(2, 3, kernel_size=4, stride=1, padding=1)");
  EXPECT_EQ(printed(nn::ConvTranspose2d(
                nn::ConvTranspose2dOptions(4, 6, 3).stride(2).output_padding(1).groups(2))),
            "torch::nn::ConvTranspose2d(4, 6, kernel_size=[3, 3], stride=[2, 2], "
            "output_padding=[1, 1], groups=2)");
  EXPECT_EQ(printed(nn::ConvTranspose1d(nn::ConvTranspose1dOptions(4, 6, 3))),
            "torch::nn::ConvTranspose1d(4, 6, kernel_size=3, stride=1)");
}

TEST(PoolingModules, PrettyPrintLikeLibtorch) {
  EXPECT_EQ(printed(nn::MaxPool2d(nn::MaxPool2dOptions(2))),
            "torch::nn::MaxPool2d(kernel_size=[2, 2], stride=[2, 2], padding=[0, 0], "
            "dilation=[1, 1], ceil_mode=false)");
  EXPECT_EQ(
      printed(nn::MaxPool2d(nn::MaxPool2dOptions({3, 2}).stride(1).padding(1).ceil_mode(true))),
      "torch::nn::MaxPool2d(kernel_size=[3, 2], stride=[1, 1], padding=[1, 1], "
      "dilation=[1, 1], ceil_mode=true)");
  EXPECT_EQ(printed(nn::MaxPool1d(nn::MaxPool1dOptions(3))),
            "torch::nn::MaxPool1d(kernel_size=3, stride=3, padding=0, dilation=1, "
            "ceil_mode=false)");
  EXPECT_EQ(
      printed(nn::AvgPool2d(nn::AvgPool2dOptions(3).stride(2).padding(1).count_include_pad(false))),
      "torch::nn::AvgPool2d(kernel_size=[3, 3], stride=[2, 2], padding=[1, 1])");
  EXPECT_EQ(printed(nn::AvgPool1d(nn::AvgPool1dOptions(3))),
            "torch::nn::AvgPool1d(kernel_size=3, stride=3, padding=0)");
  EXPECT_EQ(printed(nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions({2, 3}))),
            "torch::nn::AdaptiveAvgPool2d(output_size=[2, 3])");
  EXPECT_EQ(printed(nn::AdaptiveAvgPool1d(nn::AdaptiveAvgPool1dOptions(4))),
            "torch::nn::AdaptiveAvgPool1d(output_size=4)");
}

TEST(ConvModules, ParametersAndForward) {
  nn::Conv2d conv(nn::Conv2dOptions(4, 6, 3).stride(2).padding(1).groups(2));
  auto params = conv->named_parameters();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params["weight"].sizes().vec(), (std::vector<int64_t>{6, 2, 3, 3}));
  EXPECT_EQ(params["bias"].sizes().vec(), (std::vector<int64_t>{6}));
  Tensor x = randn({2, 4, 9, 9});
  EXPECT_TRUE(equal(conv(x), conv2d(x, conv->weight, conv->bias, 2, 1, 1, 2)));
  conv(x).sum().backward();
  EXPECT_TRUE(conv->weight.grad().defined());

  nn::Conv2d nobias(nn::Conv2dOptions(1, 2, 3).bias(false));
  EXPECT_FALSE(nobias->bias.defined());
  EXPECT_EQ(nobias->parameters().size(), 1u);

  nn::Conv1d c1(nn::Conv1dOptions(3, 5, 3).dilation(2));
  Tensor x1 = randn({2, 3, 11});
  EXPECT_TRUE(equal(c1(x1), conv1d(x1, c1->weight, c1->bias, 1, 0, 2)));
}

TEST(ConvModules, ConvTransposeOutputSize) {
  nn::ConvTranspose2d up(nn::ConvTranspose2dOptions(4, 2, 3).stride(2).padding(1));
  Tensor x = randn({1, 4, 5, 5});
  EXPECT_EQ(up(x).sizes().vec(), (std::vector<int64_t>{1, 2, 9, 9}));
  EXPECT_EQ(up->forward(x, std::vector<int64_t>{10, 9}).sizes().vec(),
            (std::vector<int64_t>{1, 2, 10, 9}));
  EXPECT_TRUE(equal(up->forward(x, std::vector<int64_t>{1, 2, 10, 10}),
                    conv_transpose2d(x, up->weight, up->bias, 2, 1, 1)));
  EXPECT_THAT(error_of([&] {
                up->forward(x, std::vector<int64_t>{12, 9});
              }),
              HasSubstr("ConvTranspose2d: requested an output size of [12, 9], but valid sizes "
                        "range from 9 to 10"));
  nn::ConvTranspose1d up1(nn::ConvTranspose1dOptions(2, 3, 4).stride(2));
  Tensor x1 = randn({2, 2, 5});
  EXPECT_TRUE(equal(up1(x1), conv_transpose1d(x1, up1->weight, up1->bias, 2)));
}

TEST(PoolingModules, ForwardMatchesFunctional) {
  Tensor x = randn({2, 3, 9, 8});
  nn::MaxPool2d mp(nn::MaxPool2dOptions(3).stride(2).padding(1));
  EXPECT_TRUE(equal(mp(x), max_pool2d(x, 3, 2, 1)));
  auto [y, i] = mp->forward_with_indices(x);
  EXPECT_TRUE(equal(i, std::get<1>(max_pool2d_with_indices(x, 3, 2, 1))));
  nn::MaxPool2d mp2(2);
  EXPECT_TRUE(equal(mp2(x), max_pool2d(x, 2)));
  nn::AvgPool2d ap(nn::AvgPool2dOptions(3).padding(1).divisor_override(4));
  EXPECT_TRUE(equal(ap(x), avg_pool2d(x, 3, 3, 1, false, true, 4)));
  nn::AdaptiveAvgPool2d aap(nn::AdaptiveAvgPool2dOptions({3, 2}));
  EXPECT_TRUE(equal(aap(x), adaptive_avg_pool2d(x, {3, 2})));
  Tensor x1 = randn({2, 3, 10});
  EXPECT_TRUE(equal(nn::MaxPool1d(3)(x1), max_pool1d(x1, 3)));
  EXPECT_TRUE(equal(nn::AvgPool1d(2)(x1), avg_pool1d(x1, 2)));
  EXPECT_TRUE(equal(nn::AdaptiveAvgPool1d(4)(x1), adaptive_avg_pool1d(x1, 4)));
  EXPECT_TRUE(mp->parameters().empty());
}

TEST(ConvModules, LeNetInSequential) {
  nn::Sequential net(nn::Conv2d(1, 10, 5), nn::MaxPool2d(2), nn::Conv2d(10, 20, 5),
                     nn::MaxPool2d(2), nn::AdaptiveAvgPool2d(1));
  Tensor y = net->forward(randn({3, 1, 28, 28}));
  EXPECT_EQ(y.sizes().vec(), (std::vector<int64_t>{3, 20, 1, 1}));
  EXPECT_EQ(net->parameters().size(), 4u);
}

TEST(ConvModules, ConstructorErrors) {
  EXPECT_THAT(error_of([] { nn::Conv2d(nn::Conv2dOptions(3, 4, 3).groups(2)); }),
              HasSubstr("Conv2d: in_channels must be divisible by groups (in_channels=3, "
                        "groups=2)"));
  EXPECT_THAT(error_of([] { nn::ConvTranspose2d(nn::ConvTranspose2dOptions(4, 3, 3).groups(2)); }),
              HasSubstr("ConvTranspose2d: out_channels must be divisible by groups"));
  EXPECT_THAT(error_of([] {
                nn::Conv2d(nn::Conv2dOptions(1, 1, 3).padding_mode(nn::PaddingMode::kReflect));
              }),
              HasSubstr("Conv2d: only padding_mode kZeros is implemented"));
  nn::Conv2d conv(3, 4, 3);
  EXPECT_THAT(error_of([&] {
                conv(randn({1, 2, 8, 8}));
              }),
              HasSubstr("conv2d: Given groups=1, weight of size [4, 3, 3, 3], expected "
                        "input[1, 2, 8, 8] to have 3 channels, but got 2 channels instead"));
}

}  // namespace
}  // namespace ember::conv_test
