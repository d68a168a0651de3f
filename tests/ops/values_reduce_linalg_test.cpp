// Values vs PyTorch (golden/ops.json): reductions with dim/keepdim/dtype, softmax family, cumsum,
// and linear algebra (mm, bmm, every matmul rank combination, mv, dot, outer, addmm, t).
#include <limits>

#include "ops/ops_test_util.h"

namespace ember::testing {

using X = const GoldenInputs&;

namespace {

std::vector<GoldenCase> make_reduce_linalg_cases() {
  return {
      {"red.sum", [](X x) -> Outs { return {x("a").sum()}; }},
      {"red.sum_0", [](X x) -> Outs { return {x("a").sum({0})}; }},
      {"red.sum_1k", [](X x) -> Outs { return {x("a").sum({1}, true)}; }},
      {"red.sum_02",
       [](X x) -> Outs {
         return {sum(x("d"), {0, 2})};
       }},
      {"red.sum_neg", [](X x) -> Outs { return {x("d").sum({-1})}; }},
      {"red.sum_int", [](X x) -> Outs { return {x("i").sum()}; }},
      {"red.sum_int_dim", [](X x) -> Outs { return {x("i").sum({1})}; }},
      {"red.sum_bool", [](X x) -> Outs { return {x("m").sum({0})}; }},
      {"red.sum_dtype", [](X x) -> Outs { return {x("a").sum(kDouble)}; }},
      {"red.sum_dim_dtype", [](X x) -> Outs { return {x("i").sum({0}, false, kFloat)}; }},
      {"red.sum_large", [](X) -> Outs { return {(arange(100000, dtype(kFloat)) * 0.001).sum()}; }},
      {"red.mean", [](X x) -> Outs { return {x("a").mean()}; }},
      {"red.mean_1", [](X x) -> Outs { return {x("d").mean({1})}; }},
      {"red.mean_01k",
       [](X x) -> Outs {
         return {mean(x("d"), {0, 1}, true)};
       }},
      {"red.mean_dtype", [](X x) -> Outs { return {x("i").mean(kDouble)}; }},
      {"red.prod", [](X x) -> Outs { return {x("a").prod()}; }},
      {"red.prod_1", [](X x) -> Outs { return {x("a").prod(1)}; }},
      {"red.prod_0k", [](X x) -> Outs { return {prod(x("d"), 0, true)}; }},
      {"red.prod_int", [](X x) -> Outs { return {x("j4").prod()}; }},
      {"red.max", [](X x) -> Outs { return {x("a").max()}; }},
      {"red.max_dim", [](X x) -> Outs { return outs(max(x("a"), 1)); }},
      {"red.max_dimk", [](X x) -> Outs { return outs(x("d").max(0, true)); }},
      {"red.min", [](X x) -> Outs { return {min(x("a"))}; }},
      {"red.min_dim", [](X x) -> Outs { return outs(x("d").min(-1)); }},
      {"red.max_int", [](X x) -> Outs { return {x("i").max()}; }},
      {"red.amax",
       [](X x) -> Outs {
         return {amax(x("d"), {0, 2})};
       }},
      {"red.amax_k", [](X x) -> Outs { return {x("a").amax({1}, true)}; }},
      {"red.amax_all", [](X x) -> Outs { return {amax(x("a"))}; }},
      {"red.amin", [](X x) -> Outs { return {x("d").amin({1})}; }},
      {"red.argmax", [](X x) -> Outs { return {argmax(x("a"))}; }},
      {"red.argmax_1", [](X x) -> Outs { return {x("a").argmax(1)}; }},
      {"red.argmax_0k", [](X x) -> Outs { return {argmax(x("d"), 0, true)}; }},
      {"red.argmin", [](X x) -> Outs { return {x("a").argmin()}; }},
      {"red.argmin_dim", [](X x) -> Outs { return {argmin(x("d"), 2)}; }},
      {"red.norm", [](X x) -> Outs { return {norm(x("a"))}; }},
      {"red.norm_1", [](X x) -> Outs { return {x("a").norm(1)}; }},
      {"red.norm_3", [](X x) -> Outs { return {norm(x("a"), 3)}; }},
      {"red.norm_inf",
       [](X x) -> Outs { return {norm(x("a"), std::numeric_limits<double>::infinity())}; }},
      {"red.norm_dim", [](X x) -> Outs { return {norm(x("d"), 2, {1})}; }},
      {"red.norm_dimk",
       [](X x) -> Outs {
         return {x("d").norm(1, {0, 2}, true)};
       }},
      {"red.var", [](X x) -> Outs { return {x("a").var()}; }},
      {"red.var_biased", [](X x) -> Outs { return {var(x("a"), false)}; }},
      // var({1}) alone would pick var(bool unbiased): see errors_test.cpp, Reductions.*BracedDim*.
      {"red.var_dim", [](X x) -> Outs { return {x("d").var({1}, true)}; }},
      {"red.var_dimk",
       [](X x) -> Outs {
         return {var(x("d"), {0, 2}, false, true)};
       }},
      {"red.std", [](X x) -> Outs { return {x("a").std()}; }},
      {"red.std_dim", [](X x) -> Outs { return {ember::std(x("d"), {2}, true, true)}; }},
      {"red.std_biased", [](X x) -> Outs { return {x("d").std({0}, false)}; }},
      {"red.var_mean", [](X x) -> Outs { return outs(var_mean(x("d"), {1})); }},
      {"red.var_mean_k",
       [](X x) -> Outs {
         return outs(var_mean(x("a"), {0, 1}, false, true));
       }},
      {"red.all", [](X x) -> Outs { return {x("m").all()}; }},
      {"red.all_dim", [](X x) -> Outs { return {all(x("m"), 1)}; }},
      {"red.all_true", [](X) -> Outs { return {ones({3}, dtype(kBool)).all()}; }},
      {"red.all_float", [](X x) -> Outs { return {all(x("a"))}; }},
      {"red.any", [](X x) -> Outs { return {any(x("m"))}; }},
      {"red.any_dim", [](X x) -> Outs { return {x("m").any(0, true)}; }},
      {"red.any_int", [](X x) -> Outs { return {(x("i") * 0).any()}; }},
      {"red.logsumexp", [](X x) -> Outs { return {logsumexp(x("a"), {1})}; }},
      {"red.logsumexp_big", [](X x) -> Outs { return {(x("a") * 100).logsumexp({0}, true)}; }},
      {"red.logsumexp_all",
       [](X x) -> Outs {
         return {logsumexp(x("d"), {0, 1, 2})};
       }},
      {"red.cumsum", [](X x) -> Outs { return {cumsum(x("a"), 1)}; }},
      {"red.cumsum_0", [](X x) -> Outs { return {x("d").cumsum(0)}; }},
      {"red.cumsum_int", [](X x) -> Outs { return {cumsum(x("i"), -1)}; }},
      {"red.cumsum_dtype", [](X x) -> Outs { return {x("a").cumsum(0, kDouble)}; }},
      {"red.softmax", [](X x) -> Outs { return {softmax(x("a"), 1)}; }},
      {"red.softmax_0", [](X x) -> Outs { return {x("d").softmax(0)}; }},
      {"red.softmax_big", [](X x) -> Outs { return {softmax(x("a") * 100, -1)}; }},
      {"red.softmax_dtype", [](X x) -> Outs { return {softmax(x("a"), 1, kDouble)}; }},
      {"red.log_softmax", [](X x) -> Outs { return {log_softmax(x("a"), 1)}; }},
      {"red.log_softmax_1", [](X x) -> Outs { return {x("d").log_softmax(1)}; }},
      {"red.log_softmax_big", [](X x) -> Outs { return {log_softmax(x("a") * 100, 0)}; }},
      {"red.sum_to",
       [](X x) -> Outs {
         return {sum_to(x("d"), {3, 1})};
       }},
      // linear algebra
      {"la.mm", [](X x) -> Outs { return {mm(x("m23"), x("m34"))}; }},
      {"la.mm_t", [](X x) -> Outs { return {x("m34").t().mm(x("m34"))}; }},
      {"la.mm_dd", [](X x) -> Outs { return {mm(x("dd"), x("dd").t())}; }},
      {"la.bmm", [](X x) -> Outs { return {bmm(x("b234"), x("b245"))}; }},
      {"la.bmm_t", [](X x) -> Outs { return {x("b245").transpose(1, 2).bmm(x("b245"))}; }},
      {"la.matmul_11", [](X x) -> Outs { return {matmul(x("v4"), x("b4"))}; }},
      {"la.matmul_21", [](X x) -> Outs { return {matmul(x("m34"), x("v4"))}; }},
      {"la.matmul_12", [](X x) -> Outs { return {matmul(x("v3"), x("m34"))}; }},
      {"la.matmul_22", [](X x) -> Outs { return {matmul(x("m23"), x("m34"))}; }},
      {"la.matmul_33", [](X x) -> Outs { return {matmul(x("b234"), x("b245"))}; }},
      {"la.matmul_32", [](X x) -> Outs { return {matmul(x("b234"), x("m45"))}; }},
      {"la.matmul_23", [](X x) -> Outs { return {matmul(x("m23"), x("b234"))}; }},
      {"la.matmul_13", [](X x) -> Outs { return {matmul(x("v3"), x("b234"))}; }},
      {"la.matmul_31", [](X x) -> Outs { return {matmul(x("b234"), x("v4"))}; }},
      {"la.matmul_43", [](X x) -> Outs { return {matmul(x("b2134"), x("b542"))}; }},
      {"la.matmul_op", [](X x) -> Outs { return {x("m23").matmul(x("m34"))}; }},
      {"la.mv", [](X x) -> Outs { return {mv(x("m34"), x("v4"))}; }},
      {"la.mv_t", [](X x) -> Outs { return {x("m34").t().mv(x("v3"))}; }},
      {"la.dot", [](X x) -> Outs { return {dot(x("v4"), x("b4"))}; }},
      {"la.outer", [](X x) -> Outs { return {outer(x("v3"), x("v4"))}; }},
      {"la.addmm",
       [](X x) -> Outs {
         Tensor m2 = x("m23").slice(1, 0, 2).t().mm(x("m34").slice(0, 0, 2));  // (2, 4)
         return {addmm(x("b4"), x("m23").t(), m2)};
       }},
      {"la.addmm_ab", [](X x) -> Outs { return {x("a").addmm(x("m34"), x("sq"), 0.5, -2)}; }},
      {"la.t", [](X x) -> Outs { return {t(x("m23"))}; }},
      {"la.t_1d", [](X x) -> Outs { return {x("v3").t()}; }},
      {"la.einsum_ij_jk", [](X x) -> Outs { return {einsum_ij_jk(x("m23"), x("m34"))}; }},
  };
}

}  // namespace

const std::vector<GoldenCase>& reduce_linalg_cases() {
  static const std::vector<GoldenCase> c = make_reduce_linalg_cases();
  return c;
}

INSTANTIATE_TEST_SUITE_P(ReduceLinalg, GoldenTest, ::testing::ValuesIn(reduce_linalg_cases()),
                         golden_case_name);

}  // namespace ember::testing
