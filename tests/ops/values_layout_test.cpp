// Values vs PyTorch (golden/ops.json) on the layouts and values that stress the kernels:
// non-contiguous inputs (transposed, permuted, stepped), tensors past the OpenMP grain (checked
// by every 61st element and a float64 total), and edge cases: empty and 0-dim tensors, NaN, inf,
// division by zero.
#include "ops/ops_test_util.h"

namespace ember::testing {

using X = const GoldenInputs&;

namespace {

// gen_ops.py's big(): exact in float32, so both sides start from the same values.
Tensor big(int64_t n0, int64_t n1, int64_t mult = 7919, int64_t mod = 1013) {
  return (remainder(arange(n0 * n1, dtype(kLong)) * mult, mod).to(kFloat) / 64 - 8)
      .reshape({n0, n1});
}
Tensor bigX() { return big(256, 300); }
Tensor bigY() { return big(300, 256, 104729, 2039); }
// gen_ops.py's chk(): every 61st element and the float64 total.
Outs chk(const Tensor& t) {
  return {t.reshape({-1}).slice(0, std::nullopt, std::nullopt, 61), t.to(kDouble).sum()};
}
Tensor f32(std::vector<int64_t> shape) { return zeros(shape, dtype(kFloat)); }

std::vector<GoldenCase> noncontiguous_cases() {
  return {
      {"nc.add_tt", [](X x) -> Outs { return {x("a").t() + x("a2").t()}; }},
      {"nc.add_t_row", [](X x) -> Outs { return {x("a").t() + x("v3")}; }},
      {"nc.mul_step",
       [](X x) -> Outs {
         return {x("d").slice(2, std::nullopt, std::nullopt, 2) *
                 x("b4").slice(0, std::nullopt, std::nullopt, 2)};
       }},
      {"nc.exp_t", [](X x) -> Outs { return {exp(x("a").t())}; }},
      {"nc.sigmoid_perm",
       [](X x) -> Outs {
         return {sigmoid(x("d").permute({2, 0, 1}))};
       }},
      {"nc.int_add_t", [](X x) -> Outs { return {x("i").t() + 1}; }},
      {"nc.cmp_t", [](X x) -> Outs { return {x("a").t() > x("a2").t()}; }},
      {"nc.sum_perm",
       [](X x) -> Outs {
         return {x("d").permute({2, 0, 1}).sum({1})};
       }},
      {"nc.sum_t_all", [](X x) -> Outs { return {x("d").transpose(0, 2).sum()}; }},
      {"nc.mean_t", [](X x) -> Outs { return {x("a").t().mean({0})}; }},
      {"nc.prod_t", [](X x) -> Outs { return {x("a").t().prod(1)}; }},
      {"nc.softmax_t", [](X x) -> Outs { return {softmax(x("a").t(), 1)}; }},
      {"nc.log_softmax_perm", [](X x) -> Outs { return {log_softmax(x("d").transpose(0, 2), 0)}; }},
      {"nc.cumsum_t", [](X x) -> Outs { return {cumsum(x("a").t(), 1)}; }},
      {"nc.cumsum_step",
       [](X x) -> Outs { return {cumsum(x("a").slice(1, std::nullopt, std::nullopt, 2), 0)}; }},
      {"nc.max_t", [](X x) -> Outs { return outs(max(x("a").t(), 1)); }},
      {"nc.amax_perm",
       [](X x) -> Outs {
         return {amax(x("d").permute({1, 2, 0}), {0, 2})};
       }},
      {"nc.argmax_t", [](X x) -> Outs { return {argmax(x("a").t(), 0)}; }},
      {"nc.var_t", [](X x) -> Outs { return {x("a").t().var({1}, true)}; }},
      {"nc.norm_t", [](X x) -> Outs { return {norm(x("d").transpose(0, 2), 2, {1})}; }},
      {"nc.logsumexp_t", [](X x) -> Outs { return {logsumexp(x("a").t(), {0})}; }},
      {"nc.sort_t", [](X x) -> Outs { return outs(sort(x("a").t(), 1)); }},
      {"nc.topk_t", [](X x) -> Outs { return outs(topk(x("d").transpose(1, 2), 2, 1)); }},
      {"nc.argsort_step",
       [](X x) -> Outs { return {argsort(x("a").slice(1, std::nullopt, std::nullopt, 2), 0)}; }},
      {"nc.matmul_tt", [](X x) -> Outs { return {matmul(x("b234").transpose(1, 2), x("b234"))}; }},
      {"nc.mm_step",
       [](X x) -> Outs { return {mm(x("a").slice(1, std::nullopt, std::nullopt, 2), x("m23"))}; }},
      {"nc.mv_t", [](X x) -> Outs { return {mv(x("a").t(), x("v3"))}; }},
      {"nc.bmm_perm",
       [](X x) -> Outs {
         return {bmm(x("d").permute({0, 2, 1}), x("d"))};
       }},
      {"nc.gather_t",
       [](X x) -> Outs {
         return {x("a").t().gather(0, tensor({{0, 3, 1}, {2, 2, 0}}))};
       }},
      {"nc.index_select_t", [](X x) -> Outs { return {x("a").t().index_select(1, x("idx"))}; }},
      {"nc.scatter_add_t",
       [](X x) -> Outs {
         return {x("a").t().scatter_add(0, tensor({{0, 3, 1}, {2, 2, 0}}), x("m23"))};
       }},
      {"nc.where_t",
       [](X x) -> Outs { return {where(x("m").t(), x("a").t(), x("a2").slice(1, 0, 1).t())}; }},
      {"nc.cat_t",
       [](X x) -> Outs {
         return {cat({x("a").t(), x("a2").t()}, 1)};
       }},
      {"nc.stack_t",
       [](X x) -> Outs {
         return {stack({x("a").t(), x("a2").t()}, 2)};
       }},
      {"nc.clamp_step",
       [](X x) -> Outs {
         return {clamp(x("a").slice(1, std::nullopt, std::nullopt, 2), -0.3, 0.3)};
       }},
      {"nc.expand_mul",
       [](X x) -> Outs {
         return {x("c31").expand({3, 4}) * x("a").t().t()};
       }},
      {"nc.masked_select_t", [](X x) -> Outs { return {x("a").t().masked_select(x("m").t())}; }},
      {"nc.nonzero_t", [](X x) -> Outs { return {nonzero(x("m").t())}; }},
      {"nc.tril_t", [](X x) -> Outs { return {tril(x("a").t(), -1)}; }},
      {"nc.flip_t", [](X x) -> Outs { return {x("a").t().flip({0})}; }},
      {"nc.reshape_perm",
       [](X x) -> Outs {
         return {x("d").permute({1, 2, 0}).reshape({-1})};
       }},
      {"nc.index_t", [](X x) -> Outs { return {x("a").t()[x("idx")]}; }},
      {"nc.diag_t", [](X x) -> Outs { return {diag(x("a").t(), 1)}; }},
      {"nc.to_double_t", [](X x) -> Outs { return {x("a").t().to(kDouble)}; }},
      {"nc.repeat_t",
       [](X x) -> Outs {
         return {x("m23").t().repeat({2, 1})};
       }},
      {"nc.one_hot_t", [](X x) -> Outs { return {one_hot(x("s_idx").t(), 3)}; }},
  };
}

std::vector<GoldenCase> big_cases() {
  return {
      {"big.add_row",
       [](X) -> Outs {
         Tensor a = bigX();
         return chk(a + a[0]);
       }},
      {"big.mul_tt", [](X) -> Outs { return chk(bigX().t() * bigY()); }},
      {"big.div_t_scalar", [](X) -> Outs { return chk(2.5 / (bigY().t().abs() + 1)); }},
      {"big.exp_step",
       [](X) -> Outs { return chk(exp(bigX().slice(1, std::nullopt, std::nullopt, 2) / 4)); }},
      {"big.tanh_t", [](X) -> Outs { return chk(tanh(bigY().t())); }},
      {"big.where",
       [](X) -> Outs {
         Tensor a = bigX();
         return chk(where(a > 0, a, bigY().t()));
       }},
      {"big.clamp_t", [](X) -> Outs { return chk(clamp(bigY().t(), -1.0, 2.0)); }},
      {"big.sum_all", [](X) -> Outs { return {bigX().sum()}; }},
      {"big.sum_t_all", [](X) -> Outs { return {bigY().t().sum()}; }},
      {"big.sum_0", [](X) -> Outs { return {bigX().sum({0})}; }},
      {"big.sum_1", [](X) -> Outs { return {bigX().sum({1})}; }},
      {"big.sum_t_1", [](X) -> Outs { return {bigY().t().sum({1})}; }},
      {"big.mean_all", [](X) -> Outs { return {bigX().mean()}; }},
      {"big.amax_0", [](X) -> Outs { return {bigX().amax({0})}; }},
      {"big.max_all", [](X) -> Outs { return {bigY().max()}; }},
      {"big.norm", [](X) -> Outs { return {norm(bigX())}; }},
      {"big.var_1", [](X) -> Outs { return {bigX().var({1}, true)}; }},
      {"big.softmax_1", [](X) -> Outs { return chk(softmax(bigX(), 1)); }},
      {"big.log_softmax_0", [](X) -> Outs { return chk(log_softmax(bigX(), 0)); }},
      {"big.logsumexp_1", [](X) -> Outs { return {logsumexp(bigX(), {1})}; }},
      {"big.cumsum_1", [](X) -> Outs { return chk(cumsum(bigX(), 1)); }},
      {"big.cumsum_0", [](X) -> Outs { return chk(cumsum(bigX(), 0)); }},
      {"big.mm", [](X) -> Outs { return chk(mm(bigX(), bigY())); }},
      {"big.cat",
       [](X) -> Outs {
         return chk(cat({bigX(), bigY().t()}, 1));
       }},
      {"big.index_select",
       [](X) -> Outs { return chk(bigX().index_select(1, arange(299, -1, -3, dtype(kLong)))); }},
      {"big.copy_t", [](X) -> Outs { return chk(bigX().t().contiguous()); }},
      {"big.int_sum", [](X) -> Outs { return {(arange(100000, dtype(kLong)) * 3).sum()}; }},
      {"big.cmp_sum", [](X) -> Outs { return {(bigX() > bigY().t()).sum()}; }},
  };
}

std::vector<GoldenCase> edge_cases() {
  return {
      {"edge.sum_empty",
       [](X) -> Outs {
         return {f32({0, 3}).sum({0}), f32({0, 3}).sum()};
       }},
      {"edge.mean_empty", [](X) -> Outs { return {f32({0}).mean()}; }},
      {"edge.prod_empty",
       [](X) -> Outs {
         return {f32({2, 0}).prod(1)};
       }},
      {"edge.any_all_empty",
       [](X) -> Outs {
         return {f32({0}).any(), f32({0}).all()};
       }},
      {"edge.norm_empty", [](X) -> Outs { return {norm(f32({0}))}; }},
      {"edge.cumsum_empty",
       [](X) -> Outs {
         return {cumsum(f32({0, 2}), 0)};
       }},
      {"edge.softmax_empty",
       [](X) -> Outs {
         return {softmax(f32({0, 3}), 1)};
       }},
      {"edge.mm_empty_inner",
       [](X) -> Outs {
         return {mm(ones({2, 0}, dtype(kFloat)), ones({0, 3}, dtype(kFloat)))};
       }},
      {"edge.matmul_empty_batch",
       [](X) -> Outs {
         return {matmul(ones({0, 2, 3}, dtype(kFloat)), ones({3, 4}, dtype(kFloat)))};
       }},
      {"edge.cat_empty_all",
       [](X) -> Outs {
         return {cat({f32({0, 3}), f32({0, 3})})};
       }},
      {"edge.add_empty_bcast",
       [](X) -> Outs {
         return {f32({0, 1}) + ones({3}, dtype(kFloat))};
       }},
      {"edge.nonzero_none", [](X) -> Outs { return {nonzero(f32({3}))}; }},
      {"edge.masked_select_none",
       [](X x) -> Outs {
         return {x("a").masked_select(zeros({3, 4}, dtype(kBool)))};
       }},
      {"edge.index_select_empty",
       [](X x) -> Outs { return {x("a").index_select(0, zeros({0}, dtype(kLong)))}; }},
      {"edge.topk_0", [](X x) -> Outs { return outs(topk(x("a"), 0)); }},
      {"edge.split_empty",
       [](X) -> Outs {
         return split(f32({0, 2}), 2);
       }},
      {"edge.s0_arith",
       [](X x) -> Outs {
         Tensor s = x("s0");
         return {s * 2, s + x("a"), 1 - s, s.exp()};
       }},
      {"edge.s0_shape",
       [](X x) -> Outs {
         Tensor s = x("s0");
         return {s.unsqueeze(0), s.reshape({1}), s.flatten(), s.view({-1}), s.expand({2, 3})};
       }},
      {"edge.s0_reduce",
       [](X x) -> Outs {
         Tensor s = x("s0");
         return {s.sum(), s.max(), argmax(s), s.sum({0}), s.mean({0}, true)};
       }},
      {"edge.s0_softmax",
       [](X x) -> Outs {
         return {softmax(x("s0"), 0), cumsum(x("s0"), 0)};
       }},
      {"edge.s0_stack",
       [](X x) -> Outs {
         return {stack({x("s0"), x("s0") * 2})};
       }},
      {"edge.s0_t", [](X x) -> Outs { return {x("s0").t()}; }},
      {"edge.var_single",
       [](X) -> Outs {
         return {ones({1}, dtype(kFloat)).var(), ones({2, 1}, dtype(kFloat)).std({1}, true)};
       }},
      {"edge.logsumexp_ninf", [](X x) -> Outs { return {logsumexp(x("ninf"), {1})}; }},
      {"edge.softmax_ninf", [](X x) -> Outs { return {softmax(x("ninf").slice(0, 1), 1)}; }},
      {"edge.log_softmax_ninf",
       [](X x) -> Outs { return {log_softmax(x("ninf").slice(0, 1), 1)}; }},
      {"edge.max_nan",
       [](X x) -> Outs {
         return {x("nanv").max(), x("nanv").min(), x("nanv").amax({0})};
       }},
      {"edge.max_dim_nan",
       [](X x) -> Outs {
         return outs(max(x("nanv").reshape({1, 5}), 1));
       }},
      {"edge.argmax_nan",
       [](X x) -> Outs {
         return {argmax(x("nanv")), argmin(x("nanv"))};
       }},
      {"edge.sort_nan", [](X x) -> Outs { return outs(sort(x("nanv"))); }},
      {"edge.sort_nan_desc", [](X x) -> Outs { return outs(sort(x("nanv"), -1, true)); }},
      {"edge.sum_nan",
       [](X x) -> Outs {
         return {x("nanv").sum(), cumsum(x("nanv"), 0)};
       }},
      {"edge.minimum_nan",
       [](X x) -> Outs { return {minimum(x("nanv"), zeros({5}, dtype(kFloat)))}; }},
      {"edge.div_zero", [](X x) -> Outs { return {x("zv") / zeros({6}, dtype(kFloat))}; }},
      {"edge.int_div_zero", [](X x) -> Outs { return {x("j4") / 0}; }},
      {"edge.pow_edges",
       [](X x) -> Outs {
         Tensor z = x("zv");
         return {pow(z, 0), pow(z, -1), pow(z, 1.0 / 3), pow(z, 0.5)};
       }},
      {"edge.sign_zero",
       [](X x) -> Outs {
         return {sign(x("zv")), abs(x("zv")), sqrt(x("zv"))};
       }},
      {"edge.log_zero",
       [](X x) -> Outs {
         return {log(x("zv")), log1p(x("zv") - 1)};
       }},
      {"edge.clamp_inf", [](X x) -> Outs { return {clamp(x("nanv"), 0.0)}; }},
  };
}

std::vector<GoldenCase> make_layout_cases() {
  std::vector<GoldenCase> c = noncontiguous_cases();
  for (auto* more : {big_cases, edge_cases})
    for (GoldenCase& g : more()) c.push_back(std::move(g));
  return c;
}

}  // namespace

const std::vector<GoldenCase>& layout_cases() {
  static const std::vector<GoldenCase> c = make_layout_cases();
  return c;
}

INSTANTIATE_TEST_SUITE_P(Layout, GoldenTest, ::testing::ValuesIn(layout_cases()), golden_case_name);

}  // namespace ember::testing
