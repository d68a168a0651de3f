// BatchNorm1d/2d, LayerNorm, GroupNorm, Dropout, Dropout2d, Embedding modules: parameters and
// buffers as PyTorch, running statistics over steps (momentum and cumulative) vs PyTorch 1.13,
// train/eval behaviour, initialization after manual_seed, printing, errors naming the module.
#include <sstream>

#include "support/nn_fixtures.h"

namespace ember::norm_test {
namespace {

std::string printed(const nn::Module& m) {
  std::ostringstream os;
  m.pretty_print(os);
  return os.str();
}

std::vector<std::string> keys(const OrderedDict<std::string, Tensor>& d) {
  std::vector<std::string> k;
  for (const auto& [name, t] : d) k.push_back(name);
  return k;
}

TEST(BatchNormModule, ParametersBuffersAndInit) {
  nn::BatchNorm2d bn(4);
  EXPECT_EQ(keys(bn->named_parameters()), (std::vector<std::string>{"weight", "bias"}));
  EXPECT_EQ(keys(bn->named_buffers()),
            (std::vector<std::string>{"running_mean", "running_var", "num_batches_tracked"}));
  EXPECT_TRUE(bn->weight.equal(ones({4})));
  EXPECT_TRUE(bn->bias.equal(zeros({4})));
  EXPECT_TRUE(bn->running_mean.equal(zeros({4})));
  EXPECT_TRUE(bn->running_var.equal(ones({4})));
  EXPECT_EQ(bn->num_batches_tracked.scalar_type(), kLong);
  EXPECT_EQ(bn->num_batches_tracked.dim(), 0);
  EXPECT_TRUE(bn->weight.requires_grad());

  nn::BatchNorm1d plain(nn::BatchNorm1dOptions(3).affine(false).track_running_stats(false));
  EXPECT_TRUE(plain->parameters().empty());
  EXPECT_FALSE(plain->running_mean.defined());
  EXPECT_FALSE(plain->weight.defined());
}

TEST(BatchNormModule, RunningStatisticsOverStepsMatchPyTorch) {
  const auto& g = golden()["batchnorm2d_steps"];
  const auto shape = shape_of(g["shape"]);
  for (const char* name : {"momentum", "cumulative"}) {
    SCOPED_TRACE(name);
    auto opts = nn::BatchNorm2dOptions(3);
    if (std::string(name) == "cumulative") opts.momentum(std::nullopt);
    nn::BatchNorm2d bn(opts);
    Tensor y;
    for (const auto& xs : g["xs"]) y = bn(from_json(xs, shape));
    const auto& want = g[name];
    expect_close(y, want["y_train_last"], 2e-5);
    expect_close(bn->running_mean, want["running_mean"], 1e-5);
    expect_close(bn->running_var, want["running_var"], 1e-5);
    EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), want["num_batches_tracked"].get<int64_t>());
    bn->eval();
    expect_close(bn(from_json(g["xs"][0], shape)), want["y_eval"], 2e-5);
    // Eval mode leaves the buffers alone.
    expect_close(bn->running_mean, want["running_mean"], 1e-5);
    EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), want["num_batches_tracked"].get<int64_t>());
  }
}

TEST(BatchNormModule, WithoutRunningStatsEvalUsesBatchStatistics) {
  nn::BatchNorm1d bn(nn::BatchNorm1dOptions(2).track_running_stats(false));
  bn->eval();
  Tensor x = randn({6, 2}, f64());
  bn->to(kDouble);
  expect_close(bn(x), (x - x.mean({0}, true)) / (x.var({0}, false, true) + 1e-5).sqrt(), 1e-12,
               1e-12);
}

TEST(BatchNormModule, TrainsAndClonesWithItsStatistics) {
  nn::BatchNorm1d bn(3);
  Tensor x = randn({8, 3, 5}) * 2 + 1;
  bn(x).pow(2).sum().backward();
  EXPECT_TRUE(bn->weight.grad().defined());
  EXPECT_TRUE(bn->bias.grad().defined());
  auto copy = std::dynamic_pointer_cast<nn::BatchNorm1dImpl>(bn->clone());
  ASSERT_TRUE(copy);
  expect_close(copy->running_mean, bn->running_mean, 0, 0);
  EXPECT_EQ(copy->num_batches_tracked.item<int64_t>(), 1);
  EXPECT_FALSE(copy->running_mean.is_same(bn->running_mean));
  bn->reset_running_stats();
  EXPECT_TRUE(bn->running_mean.equal(zeros({3})));
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 0);
}

TEST(BatchNormModule, ErrorsNameTheModuleAndShape) {
  nn::BatchNorm2d bn2(4);
  EXPECT_THAT(error_of([&] {
                bn2(zeros({2, 3, 5, 5}));
              }),
              HasSubstr("BatchNorm2d: expected input with 4 channels (num_features) in dim 1, got "
                        "input of shape [2, 3, 5, 5]"));
  EXPECT_THAT(error_of([&] {
                bn2(zeros({2, 4, 5}));
              }),
              HasSubstr("BatchNorm2d: expected 4D input (got 3D input of shape [2, 4, 5])"));
  nn::BatchNorm1d bn1(4);
  EXPECT_THAT(error_of([&] {
                bn1(zeros({2, 4, 5, 5}));
              }),
              HasSubstr("BatchNorm1d: expected 2D or 3D input (got 4D input"));
  EXPECT_THAT(error_of([&] {
                bn1(zeros({1, 4}));
              }),
              HasSubstr("Expected more than 1 value per channel when training, got input size "
                        "[1, 4]"));
}

TEST(LayerNormModule, MatchesFunctionalAndPrints) {
  nn::LayerNorm ln(nn::LayerNormOptions({2, 3}).eps(1e-3));
  EXPECT_EQ(ln->weight.sizes(), IntArrayRef({2, 3}));
  Tensor x = randn({4, 2, 3});
  expect_close(ln(x), layer_norm(x, {2, 3}, {}, {}, 1e-3), 0, 0);
  EXPECT_EQ(printed(*ln), "torch::nn::LayerNorm([2, 3], eps=0.001, elementwise_affine=true)");
  nn::LayerNorm plain(nn::LayerNormOptions({3}).elementwise_affine(false));
  EXPECT_TRUE(plain->parameters().empty());
  EXPECT_THAT(error_of([&] {
                plain(zeros({3, 4}));
              }),
              HasSubstr("layer_norm: Given normalized_shape=[3], expected input with shape [*, "
                        "3], but got input of size [3, 4]"));
}

TEST(GroupNormModule, MatchesFunctionalAndChecksChannels) {
  nn::GroupNorm gn(2, 6);
  Tensor x = randn({3, 6, 4});
  expect_close(gn(x), group_norm(x, 2), 0, 0);
  EXPECT_EQ(printed(*gn), "torch::nn::GroupNorm(2, 6, eps=1e-05, affine=true)");
  EXPECT_THAT(error_of([] { nn::GroupNorm(4, 6); }),
              HasSubstr("GroupNorm: num_channels must be divisible by num_groups, got "
                        "num_channels=6 and num_groups=4"));
  EXPECT_THAT(error_of([&] {
                gn(zeros({3, 4, 4}));
              }),
              HasSubstr("GroupNorm: expected input of shape (N, 6, *) (num_channels), got [3, 4, "
                        "4]"));
}

TEST(InstanceNormModule, RunningStatisticsAndUnbatchedInputMatchPyTorch) {
  const auto& c = golden()["instance_norm"];
  nn::InstanceNorm1d m(nn::InstanceNorm1dOptions(4).affine(true).track_running_stats(true));
  EXPECT_EQ(keys(m->named_buffers()),
            (std::vector<std::string>{"running_mean", "running_var", "num_batches_tracked"}));
  Tensor x = from_json(c["x"], {3, 4, 5});
  m(x);
  m(x * 3 - 2);
  m->eval();
  expect_close(m->running_mean, c["module"]["running_mean"], 1e-5);
  expect_close(m->running_var, c["module"]["running_var"], 1e-5);
  expect_close(m(x), c["module"]["y_eval"], 2e-5);
  expect_close(m(x.select(0, 0)), c["module"]["y_unbatched"], 2e-5);
  EXPECT_EQ(printed(*m),
            "torch::nn::InstanceNorm1d(4, eps=1e-05, momentum=0.1, affine=true, "
            "track_running_stats=true)");
  nn::InstanceNorm2d plain(3);
  EXPECT_TRUE(plain->parameters().empty());
  EXPECT_TRUE(plain->buffers().empty() || !plain->running_mean.defined());
  Tensor x4 = randn({2, 3, 4, 4}, f64());
  plain->to(kDouble);
  Tensor ref = (x4 - x4.mean({2, 3}, true)) / (x4.var({2, 3}, false, true) + 1e-5).sqrt();
  expect_close(plain(x4), ref, 1e-12, 1e-12);
  EXPECT_THAT(error_of([&] {
                plain(zeros({2, 3}));
              }),
              HasSubstr("InstanceNorm2d: expected 3D (unbatched) or 4D input (got 2D input of "
                        "shape [2, 3])"));
}

TEST(DropoutModule, RespectsTrainingMode) {
  nn::Dropout drop(0.5);
  Tensor x = ones({1000});
  Tensor y = drop(x);
  EXPECT_GT(y.eq(0).sum().item<int64_t>(), 0);
  drop->eval();
  EXPECT_TRUE(drop(x).is_same(x));
  nn::Dropout2d drop2(nn::Dropout2dOptions(0.5));
  drop2->eval();
  Tensor x4 = randn({2, 3, 4, 4});
  EXPECT_TRUE(drop2(x4).equal(x4));
  drop2->train();
  manual_seed(31);
  Tensor ref = F::dropout2d(x4, F::Dropout2dFuncOptions().p(0.5));
  manual_seed(31);
  EXPECT_TRUE(drop2(x4).equal(ref));
  EXPECT_EQ(printed(*drop), "torch::nn::Dropout(p=0.5, inplace=false)");
  EXPECT_EQ(printed(*nn::Dropout2d(nn::Dropout2dOptions(0.2).inplace(true))),
            "torch::nn::Dropout2d(p=0.2, inplace=true)");
  EXPECT_THAT(error_of([] { nn::Dropout(1.5); }),
              HasSubstr("Dropout: dropout probability has to be between 0 and 1, but got 1.5"));
}

TEST(EmbeddingModule, InitMatchesPyTorchAndPaddingRowIsZero) {
  const auto& g = golden()["embedding_init"];
  manual_seed(g["seed"].get<uint64_t>());
  nn::Embedding emb(nn::EmbeddingOptions(10, 3).padding_idx(1));
  expect_close(emb->weight, g["weight"], 1e-6);
  EXPECT_TRUE(emb->weight.select(0, 1).equal(zeros({3})));
  Tensor y = emb(tensor({{1, 2}, {9, 1}}, TensorOptions().dtype(kLong)));
  EXPECT_EQ(y.sizes(), IntArrayRef({2, 2, 3}));
  y.sum().backward();
  EXPECT_TRUE(emb->weight.grad().select(0, 1).equal(zeros({3})));
  expect_close(emb->weight.grad().select(0, 9), ones({3}), 0, 0);
  EXPECT_EQ(printed(*emb),
            "torch::nn::Embedding(num_embeddings=10, embedding_dim=3, padding_idx=1)");
  nn::Embedding neg(nn::EmbeddingOptions(4, 2).padding_idx(-1).max_norm(2.0));
  EXPECT_EQ(*neg->options.padding_idx(), 3);
  EXPECT_EQ(printed(*neg),
            "torch::nn::Embedding(num_embeddings=4, embedding_dim=2, padding_idx=3, max_norm=2)");
}

TEST(EmbeddingModule, FromPretrained) {
  Tensor table = tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}});
  nn::Embedding frozen = nn::Embedding::from_pretrained(table);
  EXPECT_FALSE(frozen->weight.requires_grad());
  expect_close(frozen(tensor({2, 0}, TensorOptions().dtype(kLong))),
               tensor({{5.0, 6.0}, {1.0, 2.0}}), 0, 0);
  nn::Embedding trainable =
      nn::Embedding::from_pretrained(table, nn::EmbeddingFromPretrainedOptions().freeze(false));
  EXPECT_TRUE(trainable->weight.requires_grad());
  EXPECT_EQ(trainable->options.num_embeddings(), 3);
  EXPECT_THAT(error_of([] { nn::Embedding::from_pretrained(ones({3})); }),
              HasSubstr("Embedding::from_pretrained: embeddings parameter is expected to be "
                        "2-dimensional"));
  // The weight shares the table's memory (as PyTorch); a clone does not.
  {
    NoGradGuard no_grad;
    table.select(0, 0).fill_(7.0);
  }
  EXPECT_EQ(frozen->weight.select(0, 0).select(0, 0).item<float>(), 7.0f);
  auto copy = std::dynamic_pointer_cast<nn::EmbeddingImpl>(frozen->clone());
  {
    NoGradGuard no_grad;
    table.select(0, 0).fill_(8.0);
  }
  EXPECT_EQ(copy->weight.select(0, 0).select(0, 0).item<float>(), 7.0f);
  EXPECT_EQ(frozen->weight.select(0, 0).select(0, 0).item<float>(), 8.0f);
  nn::Embedding emb(5, 2);
  EXPECT_THAT(error_of([&] {
                emb(tensor({0, 5}, TensorOptions().dtype(kLong)));
              }),
              HasSubstr("embedding: index 5 is out of range for weight of shape [5, 2]"));
}

TEST(NormModules, PrintLikeLibtorch) {
  EXPECT_EQ(printed(*nn::BatchNorm2d(64)),
            "torch::nn::BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=true, "
            "track_running_stats=true)");
  EXPECT_EQ(
      printed(*nn::BatchNorm1d(nn::BatchNorm1dOptions(8).momentum(std::nullopt).affine(false))),
      "torch::nn::BatchNorm1d(8, eps=1e-05, momentum=None, affine=false, "
      "track_running_stats=true)");
  nn::Sequential seq(nn::Linear(4, 8), nn::BatchNorm1d(8), nn::Dropout(0.2));
  std::ostringstream os;
  os << *seq;
  EXPECT_THAT(os.str(), HasSubstr("(1): torch::nn::BatchNorm1d(8, eps=1e-05"));
  EXPECT_THAT(os.str(), HasSubstr("(2): torch::nn::Dropout(p=0.2, inplace=false)"));
  seq->eval();
  Tensor x = randn({3, 4});
  EXPECT_EQ(seq->forward(x).sizes(), IntArrayRef({3, 8}));
}

}  // namespace
}  // namespace ember::norm_test
