// embedding: PyTorch 1.13 lookups and weight gradients (padding_idx, scale_grad_by_freq),
// max_norm renormalization, gradcheck (of the lookup and of its weight gradient), index errors.
#include "support/nn_fixtures.h"

namespace ember::norm_test {
namespace {

struct EmbeddingData {
  Tensor w, idx, gy;
};
EmbeddingData load() {
  const auto& e = golden()["embedding"];
  return {from_json(e["w"], {5, 3}), from_json(e["idx"], shape_of(e["idx_shape"]), kLong),
          from_json(e["gy"], {2, 3, 3})};
}

TEST(EmbeddingGolden, LookupAndWeightGradientMatchPyTorch) {
  const auto& e = golden()["embedding"];
  const std::vector<std::pair<const char*, F::EmbeddingFuncOptions>> cases = {
      {"plain", F::EmbeddingFuncOptions()},
      {"padding", F::EmbeddingFuncOptions().padding_idx(2)},
      {"freq", F::EmbeddingFuncOptions().scale_grad_by_freq(true)},
      {"padding_freq", F::EmbeddingFuncOptions().padding_idx(-5).scale_grad_by_freq(true)},
  };
  for (const auto& [name, opts] : cases) {
    SCOPED_TRACE(name);
    EmbeddingData d = load();
    d.w.requires_grad_();
    Tensor y = F::embedding(d.idx, d.w, opts);
    EXPECT_EQ(y.sizes(), IntArrayRef({2, 3, 3}));
    expect_close(y, e[name]["y"], 0, 0);
    expect_close(autograd::grad({y}, {d.w}, {d.gy})[0], e[name]["gw"], 1e-6);
    EXPECT_EQ(y.grad_fn()->name(), "EmbeddingBackward0");
  }
}

TEST(EmbeddingGolden, MaxNormRenormalizesLookedUpRowsInPlace) {
  const auto& e = golden()["embedding"];
  EmbeddingData d = load();
  Tensor w = d.w * 2;
  Tensor y = F::embedding(d.idx, w, F::EmbeddingFuncOptions().max_norm(1.5));
  expect_close(w, e["max_norm"]["w_after"], 1e-6);
  expect_close(y, e["max_norm"]["y"], 1e-6);
  Tensor w1 = d.w * 2;
  F::embedding(d.idx, w1, F::EmbeddingFuncOptions().max_norm(2.0).norm_type(1.0));
  expect_close(w1, e["max_norm_l1"]["w_after"], 1e-6);
  // Row 3 is not looked up: untouched.
  expect_close(w.select(0, 3), (d.w * 2).select(0, 3), 0, 0);
}

TEST(Embedding, PaddingRowGetsNoGradientAndIntIndicesWork) {
  Tensor w = randn({6, 4}).requires_grad_();
  Tensor idx = tensor({0, 3, 3, 5}, TensorOptions().dtype(kInt));
  Tensor y = embedding(w, idx, /*padding_idx=*/3);
  y.pow(2).sum().backward();
  expect_close(w.grad().select(0, 3), zeros({4}), 0, 0);
  expect_close(w.grad().select(0, 0), 2 * w.detach().select(0, 0), 1e-6, 1e-6);
  expect_close(w.grad().select(0, 1), zeros({4}), 0, 0);
}

// padding_idx and scale_grad_by_freq deliberately differ from the true derivative (checked against
// PyTorch above), so finite differences check the plain lookup, with repeated indices.
TEST(Embedding, GradcheckAndGradgradcheck) {
  Tensor idx = tensor({{1, 0, 1}, {3, 3, 2}}, TensorOptions().dtype(kLong));
  auto fn = [&](const autograd::variable_list& v) { return embedding(v[0], idx); };
  Tensor w = randn({4, 3}, f64()).requires_grad_();
  EXPECT_TRUE(autograd::gradcheck(fn, {w}));
  EXPECT_TRUE(
      autograd::gradgradcheck([&](const autograd::variable_list& v) { return fn(v).pow(2); }, {w}));
  // With padding_idx the create_graph path gives the fused path's gradient.
  Tensor y = embedding(w, idx, 2, true);
  Tensor gy = randn({2, 3, 3}, f64());
  expect_close(autograd::grad({y}, {w}, {gy}, true)[0],
               autograd::grad({y}, {w}, {gy}, true, true)[0], 1e-14, 0);
}

// The weight gradient is itself an op (EmbeddingDenseBackwardBackward0, as PyTorch names it) whose
// gradient w.r.t. the output gradient is the scaled lookup: finite differences check it with
// padding_idx and scale_grad_by_freq, and a third derivative goes through the lookup again.
TEST(Embedding, WeightGradientIsDifferentiableWithPaddingAndFrequencyScale) {
  Tensor idx = tensor({{1, 0, 1}, {3, 3, 2}}, TensorOptions().dtype(kLong));
  Tensor w = randn({4, 3}, f64()).requires_grad_();
  auto dw = [&](const autograd::variable_list& v) {
    AutoGradMode enable(true);  // gradgradcheck sizes its output under NoGradGuard
    return autograd::grad({embedding(w, idx, 3, true)}, {w}, {v[0]}, true, true)[0];
  };
  Tensor gy = randn({2, 3, 3}, f64()).requires_grad_();
  EXPECT_EQ(dw({gy}).grad_fn()->name(), "EmbeddingDenseBackwardBackward0");
  EXPECT_TRUE(autograd::gradcheck(dw, {gy}));
  EXPECT_TRUE(autograd::gradgradcheck(dw, {gy}));
}

TEST(Embedding, ErrorsNameTheIndexAndShapes) {
  Tensor w = randn({5, 3});
  EXPECT_THAT(error_of([&] {
                embedding(w, tensor({1, 7, 2}, TensorOptions().dtype(kLong)));
              }),
              HasSubstr("embedding: index 7 is out of range for weight of shape [5, 3] (valid "
                        "indices are 0 to 4)"));
  EXPECT_THAT(error_of([&] { embedding(w, tensor({-1}, TensorOptions().dtype(kLong))); }),
              HasSubstr("embedding: index -1 is out of range"));
  EXPECT_THAT(error_of([&] {
                embedding(w, tensor({1.0, 2.0}));
              }),
              HasSubstr("embedding: Expected tensor for argument #1 'indices' to have one of the "
                        "following scalar types: Long, Int; but got"));
  EXPECT_THAT(error_of([&] { embedding(randn({5}), tensor({1}, TensorOptions().dtype(kLong))); }),
              HasSubstr("embedding: 'weight' must be 2-D (num_embeddings, embedding_dim), got "
                        "shape [5]"));
  EXPECT_THAT(error_of([&] {
                F::embedding(tensor({1}, TensorOptions().dtype(kLong)), w,
                             F::EmbeddingFuncOptions().padding_idx(5));
              }),
              HasSubstr("embedding: padding_idx must be within num_embeddings (5), got 5"));
}

}  // namespace
}  // namespace ember::norm_test
