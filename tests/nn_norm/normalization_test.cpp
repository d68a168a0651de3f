// batch_norm, layer_norm, group_norm: PyTorch 1.13 values and running statistics, gradcheck and
// gradgradcheck in float64 (of the norms and of their fused backward ops), the backward without
// and with create_graph, numerics, errors.
#include <thread>

#include "support/nn_fixtures.h"

namespace ember::norm_test {
namespace {

using autograd::gradcheck;
using autograd::gradgradcheck;
using autograd::variable_list;

// ---- PyTorch fixtures -------------------------------------------------------------------------

TEST(BatchNormGolden, MatchesPyTorchValuesRunningStatsAndGrads) {
  for (const auto& c : golden()["batch_norm"]) {
    SCOPED_TRACE(c["shape"].dump() + (c["training"].get<bool>() ? " train" : " eval"));
    const ScalarType dt = c["double"].get<bool>() ? kDouble : kFloat;
    const auto shape = shape_of(c["shape"]);
    const int64_t C = shape[1];
    Tensor x = from_json(c["x"], shape, dt).requires_grad_();
    Tensor w = from_json(c["w"], {C}, dt).requires_grad_();
    Tensor b = from_json(c["b"], {C}, dt).requires_grad_();
    Tensor rm = from_json(c["rm"], {C}, dt), rv = from_json(c["rv"], {C}, dt);
    Tensor y =
        batch_norm(x, w, b, rm, rv, c["training"].get<bool>(), c["momentum"].get<double>(), 1e-5);
    variable_list g = autograd::grad({y}, {x, w, b}, {from_json(c["gy"], shape, dt)});
    const double tol = dt == kDouble ? 1e-10 : 2e-5;
    expect_close(y, c["y"], tol, tol);
    expect_close(rm, c["rm_after"], tol, tol);
    expect_close(rv, c["rv_after"], tol, tol);
    expect_close(g[0], c["gx"], tol, tol);
    expect_close(g[1], c["gw"], tol * 10, tol);
    expect_close(g[2], c["gb"], tol * 10, tol);
    EXPECT_EQ(y.grad_fn()->name(), "NativeBatchNormBackward0");
  }
}

TEST(LayerNormGolden, MatchesPyTorch) {
  for (const auto& c : golden()["layer_norm"]) {
    SCOPED_TRACE(c["shape"].dump());
    const auto shape = shape_of(c["shape"]), ns = shape_of(c["normalized_shape"]);
    Tensor x = from_json(c["x"], shape).requires_grad_();
    Tensor gy = from_json(c["gy"], shape);
    if (c["affine"].get<bool>()) {
      Tensor w = from_json(c["w"], ns).requires_grad_(), b = from_json(c["b"], ns).requires_grad_();
      Tensor y = F::layer_norm(x, F::LayerNormFuncOptions(ns).weight(w).bias(b));
      variable_list g = autograd::grad({y}, {x, w, b}, {gy});
      expect_close(y, c["y"], 2e-5);
      expect_close(g[0], c["gx"], 2e-5);
      expect_close(g[1], c["gw"], 1e-4);
      expect_close(g[2], c["gb"], 1e-4);
      EXPECT_EQ(y.grad_fn()->name(), "NativeLayerNormBackward0");
    } else {
      Tensor y = layer_norm(x, ns);
      expect_close(y, c["y"], 2e-5);
      expect_close(autograd::grad({y}, {x}, {gy})[0], c["gx"], 2e-5);
    }
  }
}

TEST(GroupNormGolden, MatchesPyTorch) {
  for (const auto& c : golden()["group_norm"]) {
    SCOPED_TRACE(c["shape"].dump());
    const auto shape = shape_of(c["shape"]);
    const int64_t G = c["groups"].get<int64_t>(), C = shape[1];
    Tensor x = from_json(c["x"], shape).requires_grad_();
    Tensor gy = from_json(c["gy"], shape);
    if (c["affine"].get<bool>()) {
      Tensor w = from_json(c["w"], {C}).requires_grad_(),
             b = from_json(c["b"], {C}).requires_grad_();
      Tensor y = F::group_norm(x, F::GroupNormFuncOptions(G).weight(w).bias(b));
      variable_list g = autograd::grad({y}, {x, w, b}, {gy});
      expect_close(y, c["y"], 2e-5);
      expect_close(g[0], c["gx"], 2e-5);
      expect_close(g[1], c["gw"], 1e-4);
      expect_close(g[2], c["gb"], 1e-4);
      EXPECT_EQ(y.grad_fn()->name(), "NativeGroupNormBackward0");
    } else {
      Tensor y = group_norm(x, G);
      expect_close(y, c["y"], 2e-5);
      expect_close(autograd::grad({y}, {x}, {gy})[0], c["gx"], 2e-5);
    }
  }
}

TEST(InstanceNormGolden, MatchesPyTorchValuesRunningStatsAndGrads) {
  const auto& c = golden()["instance_norm"];
  Tensor x = from_json(c["x"], {3, 4, 5}).requires_grad_();
  Tensor w = from_json(c["w"], {4}).requires_grad_(), b = from_json(c["b"], {4}).requires_grad_();
  Tensor rm = from_json(c["rm"], {4}), rv = from_json(c["rv"], {4});
  Tensor y = F::instance_norm(
      x, F::InstanceNormFuncOptions().running_mean(rm).running_var(rv).weight(w).bias(b).momentum(
             0.2));
  variable_list g = autograd::grad({y}, {x, w, b}, {from_json(c["gy"], {3, 4, 5})});
  expect_close(y, c["y"], 2e-5);
  expect_close(g[0], c["gx"], 2e-5);
  expect_close(g[1], c["gw"], 1e-4);
  expect_close(g[2], c["gb"], 1e-4);
  expect_close(rm, c["rm_after"], 1e-5);
  expect_close(rv, c["rv_after"], 1e-5);
  Tensor ye = instance_norm(x.detach(), w.detach(), b.detach(), rm, rv, false, 0.1, 1e-5);
  expect_close(ye, c["y_eval"], 2e-5);
}

TEST(NormalizeGolden, MatchesPyTorch) {
  const auto& c = golden()["normalize"];
  Tensor x = from_json(c["x"], {3, 4});
  expect_close(F::normalize(x), c["p2_dim1"], 1e-6);
  expect_close(F::normalize(x, F::NormalizeFuncOptions().p(1).dim(0)), c["p1_dim0"], 1e-6);
  // eps keeps a zero row finite.
  EXPECT_TRUE(F::normalize(zeros({2, 3})).equal(zeros({2, 3})));
}

TEST(BatchNormFunctional, OptionsFormMatchesTopLevelAndUpdatesRunningStats) {
  manual_seed(3);
  Tensor x = randn({6, 4, 3});
  Tensor w = rand({4}), b = randn({4});
  Tensor rm1 = zeros({4}), rv1 = ones({4}), rm2 = zeros({4}), rv2 = ones({4});
  Tensor y1 = F::batch_norm(
      x, rm1, rv1, F::BatchNormFuncOptions().weight(w).bias(b).training(true).momentum(0.2));
  Tensor y2 = batch_norm(x, w, b, rm2, rv2, true, 0.2, 1e-5);
  expect_close(y1, y2, 0, 0);
  expect_close(rm1, rm2, 0, 0);
  // running_mean = 0.8 * 0 + 0.2 * mean; running_var = 0.8 * 1 + 0.2 * unbiased var.
  Tensor xd = x.to(kDouble);
  expect_close(rm1, 0.2 * xd.mean({0, 2}), 1e-6, 1e-5);
  expect_close(rv1, 0.8 + 0.2 * xd.var({0, 2}, /*unbiased=*/true), 1e-6, 1e-5);
  // Default options: eval mode with the running statistics.
  Tensor ye = F::batch_norm(x, rm1, rv1);
  expect_close(
      ye, (xd - rm1.to(kDouble).view({1, 4, 1})) / (rv1.to(kDouble).view({1, 4, 1}) + 1e-5).sqrt(),
      1e-5, 1e-5);
}

TEST(BatchNormFunctional, CumulativeMomentumIsTheModulesJob) {
  EXPECT_THAT(error_of([] {
                F::batch_norm(ones({4, 2}), zeros({2}), ones({2}),
                              F::BatchNormFuncOptions().training(true).momentum(std::nullopt));
              }),
              HasSubstr("batch_norm: momentum must have a value when updating running statistics"));
}

TEST(BatchNormFunctional, TrainingWithoutRunningStatsUsesBatchStatistics) {
  manual_seed(4);
  Tensor x = randn({5, 3}, f64());
  Tensor y = batch_norm(x, {}, {}, {}, {}, true, 0.1, 1e-5);
  Tensor ref = (x - x.mean({0}, true)) / (x.var({0}, false, true) + 1e-5).sqrt();
  expect_close(y, ref, 1e-12, 1e-12);
}

TEST(NativeBatchNorm, ReturnsSavedMeanAndInvstd) {
  manual_seed(5);
  Tensor x = randn({4, 2, 3}, f64());
  auto [y, mean, invstd] = native_batch_norm(x, {}, {}, {}, {}, true, 0.1, 1e-5);
  expect_close(mean, x.mean({0, 2}), 1e-12, 1e-12);
  expect_close(invstd, (x.var({0, 2}, false) + 1e-5).rsqrt(), 1e-12, 1e-12);
}

// ---- gradients --------------------------------------------------------------------------------

struct GradCase {
  const char* name;
  std::vector<std::vector<int64_t>> shapes;
  std::function<Tensor(const variable_list&)> fn;
};

std::vector<GradCase> grad_cases() {
  return {
      {"batch_norm_train_2d",
       {{5, 3}, {3}, {3}},
       [](const variable_list& v) {
         return batch_norm(v[0], v[1], v[2], {}, {}, true, 0.1, 1e-5);
       }},
      {"batch_norm_train_4d",
       {{2, 3, 2, 2}, {3}, {3}},
       [](const variable_list& v) {
         return batch_norm(v[0], v[1], v[2], {}, {}, true, 0.1, 1e-5);
       }},
      {"batch_norm_train_no_affine",
       {{3, 2, 4}},
       [](const variable_list& v) { return batch_norm(v[0], {}, {}, {}, {}, true, 0.1, 1e-5); }},
      {"batch_norm_eval",
       {{3, 2, 4}, {2}, {2}},
       [](const variable_list& v) {
         Tensor rm = tensor({0.3, -0.2}, f64()), rv = tensor({1.5, 0.7}, f64());
         return batch_norm(v[0], v[1], v[2], rm, rv, false, 0.1, 1e-5);
       }},
      {"batch_norm_eval_2d",
       {{4, 3}, {3}, {3}},
       [](const variable_list& v) {
         Tensor rm = tensor({0.3, -0.2, 1.0}, f64()), rv = tensor({1.5, 0.7, 2.0}, f64());
         return batch_norm(v[0], v[1], v[2], rm, rv, false, 0.1, 1e-5);
       }},
      {"layer_norm_affine",
       {{3, 2, 4}, {2, 4}, {2, 4}},
       [](const variable_list& v) {
         return layer_norm(v[0], {2, 4}, v[1], v[2]);
       }},
      {"layer_norm_plain", {{4, 5}}, [](const variable_list& v) { return layer_norm(v[0], {5}); }},
      {"group_norm_affine",
       {{2, 6, 3}, {6}, {6}},
       [](const variable_list& v) { return group_norm(v[0], 3, v[1], v[2]); }},
      {"instance_norm_affine",
       {{2, 3, 4}, {3}, {3}},
       [](const variable_list& v) {
         return instance_norm(v[0], v[1], v[2], {}, {}, true, 0.1, 1e-5);
       }},
      {"normalize",
       {{3, 4}},
       [](const variable_list& v) {
         return F::normalize(v[0], F::NormalizeFuncOptions().dim(-1));
       }},
      {"group_norm_plain",
       {{3, 4, 2, 2}},
       [](const variable_list& v) { return group_norm(v[0], 2); }},
  };
}

variable_list make_inputs(const GradCase& c, uint64_t seed) {
  manual_seed(seed);
  variable_list in;
  for (size_t i = 0; i < c.shapes.size(); ++i) {
    Tensor t = randn(c.shapes[i], f64());
    if (i == 1) t = t.abs() + 0.5;  // weights away from 0
    in.push_back(t.requires_grad_());
  }
  return in;
}

class NormGrad : public ::testing::TestWithParam<GradCase> {};

TEST_P(NormGrad, GradcheckFloat64) {
  const GradCase& c = GetParam();
  EXPECT_TRUE(gradcheck(c.fn, make_inputs(c, 11)));
}

TEST_P(NormGrad, GradgradcheckFloat64) {
  const GradCase& c = GetParam();
  EXPECT_TRUE(gradgradcheck(c.fn, make_inputs(c, 12)));
}

TEST_P(NormGrad, FusedBackwardMatchesCreateGraphFormulas) {
  const GradCase& c = GetParam();
  variable_list in = make_inputs(c, 13);
  Tensor y = c.fn(in);
  Tensor gy = randn(y.sizes(), f64());
  variable_list fast = autograd::grad({y}, in, {gy}, /*retain_graph=*/true);
  variable_list slow = autograd::grad({y}, in, {gy}, true, /*create_graph=*/true);
  for (size_t i = 0; i < in.size(); ++i) expect_close(fast[i], slow[i], 1e-12, 1e-10);
}

INSTANTIATE_TEST_SUITE_P(Ops, NormGrad, ::testing::ValuesIn(grad_cases()),
                         [](const auto& info) { return std::string(info.param.name); });

// The fused backward ops' own backward: gradcheck of (x, w, b, dy) -> (dx, dw, db) as computed
// with create_graph, which covers the gradients w.r.t. dy, x and w; gradgradcheck of it covers
// third derivatives (the double backward is written with ember ops).
struct BackwardCase {
  const char* name;
  std::vector<std::vector<int64_t>> shapes;  // x, then weight and bias (if any); dy is added
  std::function<Tensor(const variable_list&)> fn;
  const char* grad_fn;  // of dx under create_graph
};

std::vector<BackwardCase> backward_cases() {
  auto bn_train = [](const variable_list& v) {
    return batch_norm(v[0], v[1], v[2], {}, {}, true, 0.1, 1e-5);
  };
  return {
      {"batch_norm_train_4d",
       {{2, 3, 2, 2}, {3}, {3}},
       bn_train,
       "NativeBatchNormBackwardBackward0"},
      {"batch_norm_train_2d", {{5, 3}, {3}, {3}}, bn_train, "NativeBatchNormBackwardBackward0"},
      {"batch_norm_train_no_affine",
       {{3, 2, 4}},
       [](const variable_list& v) { return batch_norm(v[0], {}, {}, {}, {}, true, 0.1, 1e-5); },
       "NativeBatchNormBackwardBackward0"},
      {"batch_norm_eval",
       {{3, 2, 4}, {2}, {2}},
       [](const variable_list& v) {
         Tensor rm = tensor({0.3, -0.2}, f64()), rv = tensor({1.5, 0.7}, f64());
         return batch_norm(v[0], v[1], v[2], rm, rv, false, 0.1, 1e-5);
       },
       "NativeBatchNormBackwardBackward0"},
      {"layer_norm_affine",
       {{3, 2, 4}, {2, 4}, {2, 4}},
       [](const variable_list& v) {
         return layer_norm(v[0], {2, 4}, v[1], v[2]);
       },
       "NativeLayerNormBackwardBackward0"},
      {"layer_norm_bias_only",
       {{3, 2, 4}, {2, 4}},
       [](const variable_list& v) {
         return layer_norm(v[0], {2, 4}, {}, v[1]);
       },
       "NativeLayerNormBackwardBackward0"},
      {"group_norm_affine",
       {{2, 6, 3}, {6}, {6}},
       [](const variable_list& v) { return group_norm(v[0], 3, v[1], v[2]); },
       "NativeGroupNormBackwardBackward0"},
      {"instance_norm_affine",
       {{2, 3, 4}, {3}, {3}},
       [](const variable_list& v) {
         return instance_norm(v[0], v[1], v[2], {}, {}, true, 0.1, 1e-5);
       },
       "ReshapeAliasBackward0"},  // dx of the (1, N·C, *) view, reshaped back
  };
}

/// x, the parameters, and dy last, all requiring grad.
variable_list backward_inputs(const BackwardCase& c, uint64_t seed) {
  manual_seed(seed);
  variable_list in;
  for (size_t i = 0; i < c.shapes.size(); ++i) {
    Tensor t = randn(c.shapes[i], f64());
    if (i == 1) t = t.abs() + 0.5;
    in.push_back(t.requires_grad_());
  }
  in.push_back(randn(c.shapes[0], f64()).requires_grad_());
  return in;
}

/// (x, params..., dy) -> the gradients of x and the parameters, flattened into one tensor.
Tensor first_order(const BackwardCase& c, const variable_list& v) {
  AutoGradMode enable(true);  // also while gradcheck evaluates it numerically
  variable_list params(v.begin(), v.end() - 1);
  Tensor y = c.fn(params);
  variable_list g = autograd::grad({y}, params, {v.back()}, true, /*create_graph=*/true);
  std::vector<Tensor> flat;
  for (const Tensor& t : g) flat.push_back(t.reshape({-1}));
  return cat(flat);
}

class NormBackwardGrad : public ::testing::TestWithParam<BackwardCase> {};

TEST_P(NormBackwardGrad, GradcheckFloat64) {
  const BackwardCase& c = GetParam();
  variable_list in = backward_inputs(c, 21);
  variable_list params(in.begin(), in.end() - 1);
  Tensor dx = autograd::grad({c.fn(params)}, {in[0]}, {in.back()}, true, true)[0];
  ASSERT_TRUE(dx.grad_fn());
  EXPECT_EQ(dx.grad_fn()->name(), c.grad_fn);
  EXPECT_TRUE(gradcheck([&](const variable_list& v) { return first_order(c, v); }, in));
}

TEST_P(NormBackwardGrad, GradgradcheckFloat64) {
  const BackwardCase& c = GetParam();
  EXPECT_TRUE(gradgradcheck([&](const variable_list& v) { return first_order(c, v); },
                            backward_inputs(c, 22)));
}

INSTANTIATE_TEST_SUITE_P(Ops, NormBackwardGrad, ::testing::ValuesIn(backward_cases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(NormGrad, OnlyRequestedGradientsAreComputed) {
  manual_seed(14);
  Tensor x = randn({4, 3}, f64()).requires_grad_();
  Tensor w = ones({3}, f64());  // no grad
  Tensor b = zeros({3}, f64()).requires_grad_();
  Tensor y = batch_norm(x, w, b, {}, {}, true, 0.1, 1e-5);
  y.sum().backward();
  EXPECT_FALSE(w.grad().defined());
  expect_close(b.grad(), full({3}, 4.0, f64()), 0, 0);
  // Σ of a normalized batch is 0 whatever x is, so d(Σ y)/dx = 0.
  expect_close(x.grad(), zeros({4, 3}, f64()), 1e-12, 0);
}

// ---- numerics and the parallel path -----------------------------------------------------------

TEST(NormNumerics, LargeMeanDoesNotCancelTheVariance) {
  manual_seed(15);
  Tensor xd = randn({64, 2}, f64()) * 0.01 + 1e4;
  Tensor x = xd.to(kFloat);
  Tensor y = batch_norm(x, {}, {}, {}, {}, true, 0.1, 1e-5);
  Tensor xr = x.to(kDouble);
  Tensor ref = (xr - xr.mean({0}, true)) / (xr.var({0}, false, true) + 1e-5).sqrt();
  expect_close(y, ref, 2e-3, 0);
  Tensor yl = layer_norm(x.t().contiguous(), {64});
  expect_close(yl, ref.t(), 2e-3, 0);
}

TEST(NormNumerics, LargeInputsTakeTheThreadedPathWithTheSameResults) {
  manual_seed(16);
  // 8 x 16 x 32 x 32 = 131072 elements: above the OpenMP threshold.
  Tensor x = (randn({8, 16, 32, 32}, f64()) * 3 + 1).requires_grad_();
  Tensor w = (rand({16}, f64()) + 0.5).requires_grad_(), b = randn({16}, f64()).requires_grad_();
  Tensor x2 = (randn({4096, 16}, f64()) * 2 - 1).requires_grad_();  // the (N, C) row path
  const std::vector<std::function<Tensor()>> fns = {
      [&] { return batch_norm(x, w, b, {}, {}, true, 0.1, 1e-5); },
      [&] { return batch_norm(x2, w, b, {}, {}, true, 0.1, 1e-5); },
      [&] { return group_norm(x, 4, w, b); },
      [&] {
        return layer_norm(x, {32, 32});
      },
  };
  for (const auto& fn : fns) {
    Tensor y = fn();
    Tensor gy = randn(y.sizes(), f64());
    const Tensor& in = y.size(0) == 4096 ? x2 : x;
    variable_list fast = autograd::grad({y}, {in, w}, {gy}, true, false, true);
    variable_list slow = autograd::grad({y}, {in, w}, {gy}, true, true, true);
    for (int i = 0; i < 2; ++i)
      if (fast[i].defined() || slow[i].defined()) expect_close(fast[i], slow[i], 1e-9, 1e-8);
  }
  // Layer norm's dweight/dbias are summed over rows in per-thread buffers.
  Tensor lw = (rand({32, 32}, f64()) + 0.5).requires_grad_(), lb = randn({32, 32}, f64());
  lb.requires_grad_();
  Tensor y = layer_norm(x, {32, 32}, lw, lb);
  Tensor gy = randn(y.sizes(), f64());
  variable_list fast = autograd::grad({y}, {x, lw, lb}, {gy}, true);
  variable_list slow = autograd::grad({y}, {x, lw, lb}, {gy}, true, true);
  for (int i = 0; i < 3; ++i) expect_close(fast[i], slow[i], 1e-9, 1e-8);
  // More rows than one accumulation block (256), single-threaded.
  Tensor xr = randn({600, 8}, f64()).requires_grad_(), rw = randn({8}, f64()).requires_grad_();
  Tensor yr = layer_norm(xr, {8}, rw, rw * 0.5);
  Tensor gr = randn({600, 8}, f64());
  variable_list fr = autograd::grad({yr}, {xr, rw}, {gr}, true);
  variable_list sr = autograd::grad({yr}, {xr, rw}, {gr}, true, true);
  for (int i = 0; i < 2; ++i) expect_close(fr[i], sr[i], 1e-9, 1e-9);
  // The float32 kernels against the float64 ones.
  Tensor xf = x.detach().to(kFloat), wf = w.detach().to(kFloat), bf = b.detach().to(kFloat);
  expect_close(group_norm(xf, 4, wf, bf), group_norm(x.detach(), 4, w.detach(), b.detach()), 1e-5,
               1e-5);
  expect_close(layer_norm(xf, {32, 32}), layer_norm(x.detach(), {32, 32}), 1e-5, 1e-5);
  Tensor yf = batch_norm(x.detach().to(kFloat), w.detach().to(kFloat), b.detach().to(kFloat), {},
                         {}, true, 0.1, 1e-5);
  expect_close(yf, batch_norm(x.detach(), w.detach(), b.detach(), {}, {}, true, 0.1, 1e-5), 1e-5,
               1e-5);
}

TEST(NormNumerics, ThreadedSumsDoNotDependOnWhichThreadRunsThem) {
  // dweight of layer norm and the column sums of (N, C) batch norm add per-band partials. The
  // bands are fixed by the thread count, so the result is bitwise the same when several user
  // threads compete for the pool (and the loser runs every band itself).
  const int threads = get_num_threads();
  set_num_threads(2);
  manual_seed(18);
  const Tensor x = randn({512, 64}), w = rand({64}) + 0.5, gy = randn({512, 64});
  const Tensor x2 = randn({4096, 16}), w2 = rand({16}) + 0.5, gy2 = randn({4096, 16});
  auto grads = [&] {
    Tensor a = x.clone().requires_grad_(), aw = w.clone().requires_grad_();
    Tensor b = x2.clone().requires_grad_(), bw = w2.clone().requires_grad_();
    variable_list g = autograd::grad({layer_norm(a, {64}, aw)}, {a, aw}, {gy});
    variable_list h =
        autograd::grad({batch_norm(b, bw, {}, {}, {}, true, 0.1, 1e-5)}, {b, bw}, {gy2});
    return variable_list{g[0], g[1], h[0], h[1]};
  };
  const variable_list ref = grads();
  std::vector<variable_list> got(3);
  std::vector<std::thread> pool;
  for (size_t i = 0; i < got.size(); ++i)
    pool.emplace_back([&, i] {
      for (int k = 0; k < 4; ++k) got[i] = grads();
    });
  for (std::thread& t : pool) t.join();
  set_num_threads(threads);
  for (const variable_list& g : got)
    for (size_t j = 0; j < ref.size(); ++j) EXPECT_TRUE(g[j].equal(ref[j])) << "gradient " << j;
}

TEST(NormNumerics, NonContiguousInputs) {
  manual_seed(17);
  Tensor x = randn({3, 5, 4}, f64()).transpose(0, 2);  // (4, 5, 3), non-contiguous
  ASSERT_FALSE(x.is_contiguous());
  expect_close(layer_norm(x, {3}), layer_norm(x.contiguous(), {3}), 0, 0);
  expect_close(batch_norm(x, {}, {}, {}, {}, true, 0.1, 1e-5),
               batch_norm(x.contiguous(), {}, {}, {}, {}, true, 0.1, 1e-5), 0, 0);
  expect_close(group_norm(x, 5), group_norm(x.contiguous(), 5), 0, 0);
}

// ---- errors -----------------------------------------------------------------------------------

TEST(NormErrors, NameTheOpAndShapes) {
  Tensor x = zeros({2, 3, 4});
  EXPECT_THAT(error_of([&] { batch_norm(x, {}, {}, zeros({4}), ones({4}), false, 0.1, 1e-5); }),
              HasSubstr("batch_norm: running_mean should contain 3 elements not 4 (input of shape "
                        "[2, 3, 4]"));
  EXPECT_THAT(error_of([&] { batch_norm(x, ones({5}), {}, {}, {}, true, 0.1, 1e-5); }),
              HasSubstr("batch_norm: weight should contain 3 elements not 5"));
  EXPECT_THAT(error_of([&] {
                batch_norm(zeros({1, 3}), {}, {}, {}, {}, true, 0.1, 1e-5);
              }),
              HasSubstr("batch_norm: Expected more than 1 value per channel when training, got "
                        "input size [1, 3]"));
  EXPECT_THAT(error_of([&] { batch_norm(x, {}, {}, {}, {}, false, 0.1, 1e-5); }),
              HasSubstr("batch_norm: running_mean and running_var must be defined in evaluation"));
  EXPECT_THAT(error_of([&] {
                group_norm(zeros({2, 6, 4}), 4);
              }),
              HasSubstr("group_norm: Expected number of channels in input to be divisible by "
                        "num_groups, but got input of shape [2, 6, 4] and num_groups=4"));
  EXPECT_THAT(error_of([&] {
                group_norm(zeros({2, 6, 4}), 3, ones({4}));
              }),
              HasSubstr("group_norm: weight should contain 6 elements not 4"));
  EXPECT_THAT(error_of([&] { layer_norm(x, {3}); }),
              HasSubstr("layer_norm: Given normalized_shape=[3], expected input with shape [*, "
                        "3], but got input of size [2, 3, 4]"));
  EXPECT_THAT(error_of([&] { layer_norm(x, {4}, ones({3})); }),
              HasSubstr("layer_norm: Expected weight to be of same shape as normalized_shape, but "
                        "got weight of shape [3] and normalized_shape = [4]"));
  EXPECT_THAT(error_of([&] {
                layer_norm(zeros({2, 3}, TensorOptions().dtype(kLong)), {3});
              }),
              HasSubstr("layer_norm: expected a floating point input"));
}

}  // namespace
}  // namespace ember::norm_test
